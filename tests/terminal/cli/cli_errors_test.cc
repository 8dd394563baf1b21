// How `patron` fails: exit 1 with the API's error when the daemon refuses,
// 2 for a wrong command line (before any request), 3 when the daemon cannot
// be reached; and --help, exit 0, on every command.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_harness.h"

namespace patron::cli {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("a refusal exits 1 with the API's error code and message") {
  std::unique_ptr<Daemon> daemon = Daemon::Start();
  CliRun run = daemon->Patron({"member", "find", "--phone", "+1 415 555 0199"});
  CHECK(run.exit_code == 1);
  CHECK(run.out.empty());
  CHECK(Contains(run.err, "error: unknown_member: "));

  run = daemon->Patron({"member", "add", "--name", "Di", "--phone", "+1 415 555 0101"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const std::string id = Field(run.out, "member_id");
  run = daemon->Patron({"sale", "--ref", "C-1", "--member", id, "--amount", "5", "--redeem", "50"});
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.err, "error: "));
  CHECK(Field(daemon->Patron({"member", "show", id}).out, "balance") == "0 points");
  // A voucher this till never heard of; the member has none here.
  run = daemon->Patron(
      {"sale", "--ref", "C-2", "--member", id, "--amount", "5", "--voucher", "BDAY-9"});
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.err, "error: unknown_voucher: "));
  run = daemon->Patron({"vouchers", id});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "no vouchers\n");

  // With --json the error object is on stdout for scripts, too.
  run = daemon->Patron({"--json", "refund", "--sale", "NO-SUCH-SALE", "--ref", "R-1"});
  CHECK(run.exit_code == 1);
  const nlohmann::json doc = nlohmann::json::parse(run.out, nullptr, false);
  REQUIRE(doc.is_object());
  CHECK(doc["error"]["code"].is_string());
  CHECK(Contains(run.err, "error: " + doc["error"]["code"].get<std::string>() + ": "));
  CHECK(daemon->Stop().exit_code == 0);
}

TEST_CASE("path segments are encoded: a receipt number with '#' and '?' refunds") {
  std::unique_ptr<Daemon> daemon = Daemon::Start();
  CliRun run = daemon->Patron({"member", "add", "--name", "Ed", "--card", "CARD-1234"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const std::string id = Field(run.out, "member_id");
  run = daemon->Patron({"sale", "--ref", "POS#7?a=1", "--member", id, "--amount", "10"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  run = daemon->Patron({"refund", "--sale", "POS#7?a=1", "--ref", "R%1"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.starts_with("refund R%1 of sale POS#7?a=1\n"));
  CHECK(daemon->Stop().exit_code == 0);
}

TEST_CASE("usage errors exit 2 without contacting the daemon") {
  // Nothing listens there: reaching the daemon would exit 3, not 2.
  const std::string nowhere = "http://127.0.0.1:" + std::to_string(UnusedPort());
  const std::vector<std::vector<std::string>> lines = {
      {},
      {"frobnicate"},
      {"member"},
      {"member", "add", "--name", "No Phone"},
      {"member", "find", "--phone", "1", "--card", "2"},
      {"member", "update", "ID"},  // nothing to change
      {"member", "update", "ID", "--email", "a@b.c", "--clear-email"},
      {"member", "update", "ID", "--sms-consent", "maybe"},
      {"sale", "--member", "ID", "--amount", "1"},  // no --ref
      {"sale", "--ref", "R", "--member", "ID"},     // no amount
      {"sale", "--ref", "R", "--member", "ID", "--amount", "12.345"},
      {"sale", "--ref", "R", "--member", "ID", "--amount", "1", "--amount-minor", "100"},
      {"sale", "--ref", "R", "--member", "ID", "--line", "SKU:x:1.00"},
      {"refund", "--sale", "S", "--ref", "R", "--amount", "1", "--line", "0:1"},
      {"history", "ID", "--limit", "0"},
      {"--timeout", "0", "status"},
      {"--daemon", "https://127.0.0.1:7420", "status"},
  };
  for (std::vector<std::string> line : lines) {
    line.insert(line.begin(), {"--daemon", nowhere});
    const CliRun run = RunPatron(line);
    std::string text;
    for (const std::string& word : line) text += word + " ";
    CAPTURE(text);
    CHECK(run.exit_code == 2);
    CHECK(Contains(run.err, "error: "));
  }
  // A bare `patron` shows the commands.
  const CliRun bare = RunPatron({});
  CHECK(bare.exit_code == 2);
  CHECK(Contains(bare.err, "Subcommands:"));
}

TEST_CASE("an unreachable daemon exits 3 and says how to start it") {
  const std::string url = "http://127.0.0.1:" + std::to_string(UnusedPort());
  for (const char* json : {"", "--json"}) {
    std::vector<std::string> line = {"--daemon", url, "status"};
    if (*json) line.push_back(json);
    const CliRun run = RunPatron(line);
    CHECK(run.exit_code == 3);
    CHECK(Contains(run.err, "cannot reach patrond at " + url));
    CHECK(Contains(run.err, "patrond --config"));
  }
}

TEST_CASE("--help works on every command and exits 0") {
  const std::vector<std::vector<std::string>> commands = {{},
                                                          {"init"},
                                                          {"member"},
                                                          {"member", "add"},
                                                          {"member", "find"},
                                                          {"member", "show"},
                                                          {"member", "update"},
                                                          {"sale"},
                                                          {"quote"},
                                                          {"refund"},
                                                          {"history"},
                                                          {"vouchers"},
                                                          {"status"},
                                                          {"sync"}};
  for (std::vector<std::string> command : commands) {
    command.push_back("--help");
    const CliRun run = RunPatron(command);
    CAPTURE(command.size() > 1 ? command[command.size() - 2] : "patron");
    CHECK(run.exit_code == 0);
    CHECK(Contains(run.out, "Usage:"));
    CHECK(Contains(run.out, "Exit codes"));
  }
}

}  // namespace
}  // namespace patron::cli
