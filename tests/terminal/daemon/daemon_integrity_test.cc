// Start-up integrity (issue 15) as an operator meets it: patrond killed
// with a damaged page left behind refuses to serve the database (exit 3,
// saying why and what to run), `--check` says the same, `--recover`
// rebuilds it keeping every sale, and patrond then serves again. A clean
// stop leaves nothing to check.
#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "daemon_process.h"
#include "support/damaged_page.h"
#include "support/temp_dir.h"

namespace patron::testing {
namespace {

using nlohmann::json;

constexpr const char* kAnnId = "3f16ccbc-dabe-8f15-9a84-63bd968a7ef0";  // +1 415 555 0100

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// patrond run to completion with DaemonProcess's identity flags and `extra`;
// its exit code, its stderr in `log`.
int RunPatrond(const TempDir& dir, const std::vector<std::string>& extra, std::string& log) {
  std::vector<std::string> argv = {PATROND,
                                   "--data-dir",
                                   dir.File("data"),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--terminal-id",
                                   "S001-T01",
                                   "--store-id",
                                   "S001",
                                   "--country-code",
                                   "1"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const std::string log_path = dir.File("run.log");
  auto child = Subprocess::Start(argv, {.stderr_path = log_path});
  REQUIRE(child.ok());
  const std::optional<ExitStatus> how = (*child)->WaitFor(std::chrono::seconds(30));
  REQUIRE(how.has_value());
  log = ReadFile(log_path);
  return how->exit_code;
}

TEST_CASE(
    "daemon: a damaged database after an unclean stop is not served; --recover "
    "rebuilds it") {
  TempDir dir;
  const std::string db = dir.File("data/terminal.db");
  const std::string marker = dir.File("data/patrond.running");
  json before;
  {
    auto daemon = DaemonProcess::Start(dir.path().string());
    REQUIRE_MESSAGE(daemon.ok(), daemon.status().ToString());
    auto client = (*daemon)->Client();
    REQUIRE(CallJson(*client, "POST", "/v1/members",
                     {{"phone", "+1 415 555 0100"}, {"name", "Ann Lee"}})
                .status == 201);
    for (int i = 0; i < 3; ++i) {
      REQUIRE(CallJson(*client, "POST", "/v1/sales",
                       {{"sale_ref", "R-" + std::to_string(i)},
                        {"member_id", kAnnId},
                        {"amount_minor", 2'000}})
                  .status == 201);
    }
    before = Call(*client, "GET", std::string("/v1/members/") + kAnnId).body;
    REQUIRE(before["balance"] == 60);
    CHECK(std::filesystem::exists(marker));
    REQUIRE((*daemon)->Signal(SIGKILL).ok());
    (*daemon)->Wait();
  }
  CHECK(std::filesystem::exists(marker));  // an unclean stop leaves it
  REQUIRE(DamageTable(db, "members").ok());

  std::string log;
  CHECK(RunPatrond(dir, {}, log) == 3);
  CHECK(log.find("did not stop cleanly") != std::string::npos);
  CHECK(log.find("is damaged and is not served") != std::string::npos);
  CHECK(log.find("patrond --recover") != std::string::npos);
  CHECK(RunPatrond(dir, {"--check"}, log) == 3);

  REQUIRE(RunPatrond(dir, {"--recover"}, log) == 0);
  CHECK(log.find("kept 3 journal entries, 3 sales") != std::string::npos);
  CHECK(RunPatrond(dir, {"--check"}, log) == 0);

  auto daemon = DaemonProcess::Start(dir.path().string());
  REQUIRE_MESSAGE(daemon.ok(), daemon.status().ToString());
  auto client = (*daemon)->Client();
  for (int i = 0; i < 3; ++i) {
    CHECK(Call(*client, "GET", "/v1/sales/R-" + std::to_string(i)).status == 200);
  }
  // Without head office the member is a bare row until the next sync; the
  // points this till gave are all there.
  const ApiReply ann = Call(*client, "GET", std::string("/v1/members/") + kAnnId);
  CHECK(ann.status == 200);
  CHECK(ann.body["balance"] == 60);
  // One patrond per data directory.
  CHECK(RunPatrond(dir, {}, log) == 1);
  CHECK(log.find("is running on") != std::string::npos);
  CHECK((*daemon)->Stop().exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(marker));  // a clean stop removes it
  CHECK((*daemon)->LogTail(50).find("did not stop cleanly") == std::string::npos);
}

}  // namespace
}  // namespace patron::testing
