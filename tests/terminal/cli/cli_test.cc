// The README's user story with `patron` alone, against a real patrond:
// init, enrol, check out, redeem, refund, history, status; in human and
// --json output.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_harness.h"

namespace patron::cli {
namespace {

using nlohmann::json;

constexpr char kPhone[] = "+1 415 555 0100";

json Json(const CliRun& run) {
  const json doc = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  REQUIRE_MESSAGE(!doc.is_discarded(), ("not JSON: " + run.out));
  return doc;
}

int Mode(const std::string& path) {
  struct stat info {};
  REQUIRE(stat(path.c_str(), &info) == 0);
  return static_cast<int>(info.st_mode & 07777);
}

TEST_CASE("init writes a config that patrond starts from") {
  testing::TempDir tmp;
  const std::string dir = tmp.File("till 1");  // a blank, to check the printed command
  const std::string port = std::to_string(UnusedPort());
  const std::vector<std::string> init = {"init",          "--data-dir", dir,
                                         "--terminal-id", "S001-T01",   "--store-id",
                                         "S001",          "--listen",   "127.0.0.1:" + port};
  CliRun run = RunPatron(init);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const std::string config = dir + "/patrond.json";
  CHECK(run.out.find("patrond --config '" + config + "'") != std::string::npos);
  CHECK(Mode(dir) == 0700);  // members' data and the token: the service user's alone
  CHECK(Mode(config) == 0600);

  run = RunPatron(init);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("error: config_exists") != std::string::npos);
  std::vector<std::string> forced = init;
  forced.push_back("--force");
  CHECK(RunPatron(forced).exit_code == 0);

  std::unique_ptr<Daemon> daemon = Daemon::StartWithConfig(config);
  CHECK(daemon->url() == "http://127.0.0.1:" + port);
  run = daemon->Patron({"status"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Field(run.out, "terminal") == "S001-T01 (store S001)");
  CHECK(daemon->Stop().exit_code == 0);
}

TEST_CASE("init refuses a bad configuration as a usage error") {
  testing::TempDir tmp;
  const CliRun run = RunPatron({"init", "--data-dir", tmp.File("d"), "--terminal-id", "T",
                                "--store-id", "S", "--listen", "10.1.2.3:7420"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("loopback") != std::string::npos);
}

TEST_CASE("enrol, check out, redeem and refund with human output") {
  std::unique_ptr<Daemon> daemon = Daemon::Start();
  CliRun run = daemon->Patron({"member", "add", "--name", "Ada Lovelace", "--phone", kPhone,
                               "--email", "ada@example.com", "--sms-consent"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.starts_with("enrolled\n"));
  const std::string id = Field(run.out, "member_id");
  REQUIRE(id.size() == 36);
  CHECK(Field(run.out, "phone") == "+14155550100");
  CHECK(Field(run.out, "consent") == "sms yes, email no");

  run = daemon->Patron({"member", "add", "--name", "Ada Lovelace", "--phone", kPhone});
  CHECK(run.exit_code == 0);
  CHECK(run.out.starts_with("already enrolled"));

  // '+' must reach the daemon as %2B, not as a space.
  run = daemon->Patron({"member", "find", "--phone", kPhone});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Field(run.out, "member_id") == id);
  CHECK(Field(run.out, "next tier") == "spend 1000.00 more for silver");
  CHECK(run.out.find("tier review") == std::string::npos);  // nothing to warn of

  const std::vector<std::string> sale = {
      "sale",   "--ref",       "C-1001", "--member", id, "--line", "COFFEE:2:7.00:drinks",
      "--line", "BOOK:1:35.50"};
  run = daemon->Patron(sale);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Field(run.out, "amount") == "42.50");  // the sum of the lines
  CHECK(Field(run.out, "earned") == "42 points");
  CHECK(Field(run.out, "balance") == "42 points");
  run = daemon->Patron(sale);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("(replayed") != std::string::npos);
  CHECK(Field(run.out, "balance") == "42 points");

  run = daemon->Patron({"quote", "--member", id, "--amount", "10", "--redeem", "20"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Field(run.out, "to pay") == "9.80");

  run = daemon->Patron(
      {"sale", "--ref", "C-1002", "--member", id, "--amount-minor", "1000", "--redeem", "20"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Field(run.out, "redeemed") == "20 points (-0.20)");
  CHECK(Field(run.out, "paid") == "9.80");
  CHECK(Field(run.out, "balance") == "31 points");

  run = daemon->Patron({"refund", "--sale", "C-1002", "--ref", "R-1"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.starts_with("refund R-1 of sale C-1002\n"));
  CHECK(Field(run.out, "pay back") == "9.80");
  CHECK(Field(run.out, "points returned") == "20 points");
  CHECK(Field(run.out, "balance") == "42 points");

  run = daemon->Patron({"refund", "--sale", "C-1001", "--ref", "R-2", "--line", "0:1"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Field(run.out, "refunded") == "3.50");

  // A receipt from another store, with no head office to ask: pending.
  run = daemon->Patron({"refund", "--sale", "X-9", "--sale-terminal", "S002-T01", "--ref",
                        "R-3", "--amount", "4.00"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.starts_with("refund R-3 of sale X-9\n"));
  CHECK(Field(run.out, "pay back") == "4.00");
  CHECK(run.out.find("head office takes back the points") != std::string::npos);

  run = daemon->Patron({"history", id});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.starts_with("TIME (UTC)"));
  for (const char* kind : {"earn", "redeem", "reverse"}) {
    CHECK(run.out.find(kind) != std::string::npos);
  }
  CHECK(run.out.find("C-1002") != std::string::npos);
  CHECK(run.out.find("more:") == std::string::npos);

  run = daemon->Patron({"status"});
  CHECK(run.exit_code == 0);
  CHECK(Field(run.out, "members") == "1");
  CHECK(Field(run.out, "terminal") == "S001-T01 (store S001)");
  CHECK(daemon->Stop().exit_code == 0);
}

TEST_CASE("the same story with --json, for scripts") {
  std::unique_ptr<Daemon> daemon = Daemon::Start();
  CliRun run = daemon->Patron({"--json", "member", "add", "--name", "Bo", "--phone", kPhone});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  json doc = Json(run);
  CHECK(doc["created"] == true);
  const std::string id = doc["member_id"];

  // --json is global: it may also follow the command.
  run = daemon->Patron({"sale", "--ref", "S-1", "--member", id, "--amount", "12.34", "--json"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  doc = Json(run);
  CHECK(doc["amount_minor"] == 1234);
  CHECK(doc["earned_points"] == 12);
  CHECK(doc["replayed"] == false);

  run = daemon->Patron(
      {"--json", "sale", "--ref", "S-2", "--member", id, "--amount", "5", "--redeem", "10"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Json(run)["redeemed_points"] == 10);

  run = daemon->Patron({"--json", "refund", "--sale", "S-1", "--ref", "R-1", "--amount", "2.34"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Json(run)["amount_minor"] == 234);

  run = daemon->Patron({"--json", "history", id, "--limit", "2"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  doc = Json(run);
  CHECK(doc["entries"].size() == 2);
  REQUIRE(doc["next_before"].is_number_integer());
  run = daemon->Patron(
      {"--json", "history", id, "--before", std::to_string(doc["next_before"].get<int64_t>())});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Json(run)["entries"].size() == 2);  // 4 entries: earn, redeem, earn, reverse

  run = daemon->Patron({"--json", "status"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Json(run)["member_count"] == 1);
  CHECK(daemon->Stop().exit_code == 0);
}

TEST_CASE("feedback: recorded once by its ref, shown to the cashier, refusals exit 1") {
  std::unique_ptr<Daemon> daemon = Daemon::Start();
  CliRun run = daemon->Patron({"--json", "member", "add", "--name", "王芳", "--phone", kPhone});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const std::string id = Json(run)["member_id"];
  REQUIRE(daemon->Patron({"sale", "--ref", "S-1", "--member", id, "--amount", "10"}).exit_code ==
          0);

  run = daemon->Patron({"feedback", id, "complaint", "--ref", "FB-1", "--topic", "points", "--sale",
                        "S-1", "--text", "积分没到账"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.find("feedback FB-1\n") != std::string::npos);
  CHECK(run.out.find("积分没到账") != std::string::npos);
  CHECK(run.out.find("opens a case") != std::string::npos);
  run = daemon->Patron({"--json", "feedback", id, "complaint", "--ref", "FB-1", "--topic", "points",
                        "--sale", "S-1", "--text", "积分没到账"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Json(run)["replayed"] == true);
  CHECK(Json(run)["sale_id"] == "S001-T01/S-1");

  run = daemon->Patron({"feedback", id, "rating", "--ref", "FB-2", "--rating", "9"});
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("invalid_feedback") != std::string::npos);
  run = daemon->Patron({"feedback", id, "praise"});
  CHECK(run.exit_code == 2);  // --ref is required
  run = daemon->Patron({"--json", "status"});
  CHECK(Json(run)["pending_records"] == 2);  // the sale and the complaint
  CHECK(daemon->Stop().exit_code == 0);
}

TEST_CASE("lookups and updates encode what the operator typed") {
  std::unique_ptr<Daemon> daemon = Daemon::Start();
  // Not the daemon's default country: an unencoded '+' would turn into a
  // space and the number into a +1 one.
  CliRun run = daemon->Patron(
      {"member", "add", "--name", "Cy", "--phone", "+44 20 7946 0958", "--card", "CARD-0071"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const std::string id = Field(run.out, "member_id");
  run = daemon->Patron({"member", "find", "--phone", "+44 20 7946 0958"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Field(run.out, "member_id") == id);
  run = daemon->Patron({"member", "find", "--card", "CARD-0071"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Field(run.out, "member_id") == id);

  run = daemon->Patron({"member", "update", id, "--name", "Cy Young", "--email", "cy@example.com",
                        "--email-consent", "true", "--birthday", "1990-02-03"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Field(run.out, "email") == "cy@example.com");
  run = daemon->Patron({"member", "update", id, "--clear-email", "--email-consent", "false"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  run = daemon->Patron({"member", "show", id});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(Field(run.out, "name") == "Cy Young");
  CHECK(Field(run.out, "email") == "-");
  CHECK(Field(run.out, "birthday") == "1990-02-03");
  CHECK(Field(run.out, "consent") == "sms no, email no");
  CHECK(daemon->Stop().exit_code == 0);
}

}  // namespace
}  // namespace patron::cli
