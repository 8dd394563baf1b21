// patrond as the POS sees it: started as a process on 127.0.0.1, every
// endpoint's happy path over real HTTP, graceful stop on SIGTERM and SIGINT,
// and durability of what it acknowledged across a restart.
#include <doctest/doctest.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <string>

#include "daemon_process.h"
#include "support/temp_dir.h"

namespace patron::testing {
namespace {

using nlohmann::json;

// DeriveMemberId(kDemoChainKey, "+14155550100"): the member id of a phone
// is a pure function of the chain key and the normalised phone.
constexpr const char* kAnnId = "3f16ccbc-dabe-8f15-9a84-63bd968a7ef0";

std::unique_ptr<DaemonProcess> StartDaemon(const TempDir& dir, DaemonOptions options = {}) {
  auto daemon = DaemonProcess::Start(dir.path().string(), std::move(options));
  REQUIRE_MESSAGE(daemon.ok(), daemon.status().ToString());
  return std::move(*daemon);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("daemon: --listen 127.0.0.1:0 binds an ephemeral port and prints it") {
  TempDir dir;
  auto daemon = DaemonProcess::Start(dir.path().string());
  REQUIRE_MESSAGE(daemon.ok(), daemon.status().ToString());
  CHECK((*daemon)->port() > 0);
  ApiReply health = Call(*(*daemon)->Client(), "GET", "/v1/health");
  CHECK(health.status == 200);
  CHECK((*daemon)->Stop().exit_code == 0);
}

TEST_CASE("daemon: refuses to listen beyond loopback unless told to") {
  TempDir dir;
  auto child =
      Subprocess::Start({PATROND, "--data-dir", dir.File("data"), "--listen", "0.0.0.0:7420",
                         "--terminal-id", "S001-T01", "--store-id", "S001"},
                        {.stderr_path = dir.File("err.log")});
  REQUIRE(child.ok());
  CHECK((*child)->DrainLines(std::chrono::seconds(10)).empty());
  const std::optional<ExitStatus> how = (*child)->WaitFor(std::chrono::seconds(10));
  REQUIRE(how.has_value());
  CHECK(how->exit_code == 1);
  CHECK(ReadFile(dir.File("err.log")).find("not a loopback address") != std::string::npos);
}

TEST_CASE("daemon: refuses a sync server it would talk to in clear text or could not verify") {
  TempDir dir;
  struct Case {
    std::vector<std::string> args;
    std::string said;
  };
  const Case cases[] = {
      {{"--server", "http://hq.example:7430"}, "refusing plain http://"},
      {{"--server", "https://hq.example:7430"}, "needs ca_file"},
      {{"--server", "https://hq.example:7430", "--ca-file", dir.File("missing-ca.pem")},
       "missing-ca.pem"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {PATROND,       "--data-dir",    dir.File("data"),
                                     "--listen",    "127.0.0.1:0",   "--terminal-id",
                                     "S001-T01",    "--store-id",    "S001",
                                     "--token",     "t"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto child = Subprocess::Start(argv, {.stderr_path = dir.File("err.log")});
    REQUIRE(child.ok());
    const std::optional<ExitStatus> how = (*child)->WaitFor(std::chrono::seconds(10));
    INFO(c.said);
    REQUIRE(how.has_value());
    CHECK(how->exit_code == 1);
    CHECK(ReadFile(dir.File("err.log")).find(c.said) != std::string::npos);
  }
}

TEST_CASE("daemon: every endpoint's happy path over HTTP") {
  TempDir dir;
  std::unique_ptr<DaemonProcess> daemon = StartDaemon(dir);
  std::unique_ptr<HttpClient> client = daemon->Client();

  ApiReply health = Call(*client, "GET", "/v1/health");
  CHECK(health.status == 200);
  CHECK(health.body == json{{"status", "ok"}});
  CHECK(health.response.content_type.starts_with("application/json"));

  ApiReply status = Call(*client, "GET", "/v1/status");
  REQUIRE(status.status == 200);
  CHECK(status.body["terminal_id"] == "S001-T01");
  CHECK(status.body["store_id"] == "S001");
  CHECK(status.body["member_count"] == 0);
  CHECK(status.body["online"] == false);

  // Enrol with a national number: the default country code 1 applies.
  ApiReply enrolled = CallJson(*client, "POST", "/v1/members",
                               {{"phone", "(415) 555-0100"},
                                {"card", "C-1001"},
                                {"name", "Ann Lee"},
                                {"sms_consent", true}});
  REQUIRE_MESSAGE(enrolled.status == 201, enrolled.Describe());
  CHECK(enrolled.body["member_id"] == kAnnId);
  CHECK(enrolled.body["phone"] == "+14155550100");
  CHECK(enrolled.body["created"] == true);
  ApiReply again =
      CallJson(*client, "POST", "/v1/members", {{"phone", "+1 415 555 0100"}, {"name", "Ann Lee"}});
  CHECK(again.status == 200);
  CHECK(again.body["created"] == false);
  CHECK(again.body["member_id"] == kAnnId);

  const std::string member = std::string("/v1/members/") + kAnnId;
  for (const std::string& target : {std::string("/v1/members?phone=%2B14155550100"),
                                    std::string("/v1/members?phone=415.555.0100"),
                                    std::string("/v1/members?card=C-1001"), member}) {
    ApiReply found = Call(*client, "GET", target);
    INFO(target, " -> ", found.Describe());
    CHECK(found.status == 200);
    CHECK(found.body["member_id"] == kAnnId);
    CHECK_FALSE(found.body.contains("created"));
  }

  ApiReply patched =
      CallJson(*client, "PATCH", member, {{"email", "ann@example.com"}, {"email_consent", true}});
  REQUIRE_MESSAGE(patched.status == 200, patched.Describe());
  CHECK(patched.body["email"] == "ann@example.com");
  CHECK(patched.body["email_consent"] == true);
  CHECK(patched.body["sms_consent"] == true);

  const json basket = {{"member_id", kAnnId},
                       {"amount_minor", 12000},
                       {"lines",
                        {{{"sku", "COFFEE"}, {"qty", 2}, {"amount_minor", 9000}},
                         {{"sku", "MUG"}, {"amount_minor", 3000}}}}};
  ApiReply quote = CallJson(*client, "POST", "/v1/quote", basket);
  REQUIRE_MESSAGE(quote.status == 200, quote.Describe());
  CHECK(quote.body["points_to_earn"] == 120);
  CHECK(quote.body["max_redeemable"] == 0);

  json sale = basket;
  sale["sale_ref"] = "R-1";
  ApiReply sold = CallJson(*client, "POST", "/v1/sales", sale);
  REQUIRE_MESSAGE(sold.status == 201, sold.Describe());
  CHECK(sold.body["earned_points"] == 120);
  CHECK(sold.body["balance"] == 120);
  CHECK(sold.body["replayed"] == false);
  ApiReply replayed = CallJson(*client, "POST", "/v1/sales", sale);
  CHECK(replayed.status == 200);
  CHECK(replayed.body["replayed"] == true);
  CHECK(replayed.body["entry_ids"] == sold.body["entry_ids"]);
  ApiReply stored = Call(*client, "GET", "/v1/sales/R-1");
  CHECK(stored.status == 200);
  CHECK(stored.body["earned_points"] == 120);

  ApiReply redeemed = CallJson(
      *client, "POST", "/v1/sales",
      {{"sale_ref", "R-2"}, {"member_id", kAnnId}, {"amount_minor", 2000}, {"redeem_points", 100}});
  REQUIRE_MESSAGE(redeemed.status == 201, redeemed.Describe());
  CHECK(redeemed.body["redeemed_points"] == 100);
  CHECK(redeemed.body["discount_minor"] == 100);
  CHECK(redeemed.body["balance"] == 120 - 100 + 19);

  const json refund = {{"refund_ref", "F-1"}, {"lines", {{{"line_no", 1}, {"qty", 1}}}}};
  ApiReply refunded = CallJson(*client, "POST", "/v1/sales/R-1/refunds", refund);
  REQUIRE_MESSAGE(refunded.status == 201, refunded.Describe());
  CHECK(refunded.body["reversed_points"] == 30);
  CHECK(refunded.body["balance"] == 9);
  CHECK(CallJson(*client, "POST", "/v1/sales/R-1/refunds", refund).status == 200);

  // History: newest first, paged with next_before.
  ApiReply page = Call(*client, "GET", member + "/entries?limit=2");
  REQUIRE(page.status == 200);
  REQUIRE(page.body["entries"].size() == 2);
  CHECK(page.body["entries"][0]["kind"] == "reverse");
  REQUIRE(page.body["next_before"].is_number_integer());
  const std::vector<json> all = AllEntries(*client, kAnnId);
  CHECK(all.size() == 4);  // earn, redeem, earn, reverse
  int64_t sum = 0;
  for (const json& entry : all) sum += entry["points"].get<int64_t>();
  ApiReply now = Call(*client, "GET", member);
  CHECK(now.body["balance"] == sum);

  ApiReply after = Call(*client, "GET", "/v1/status");
  CHECK(after.body["member_count"] == 1);
  CHECK(after.body["pending_entries"] == 4);

  // No sync server is configured: sync now is unavailable, not an error of
  // the request.
  ApiReply sync = Call(*client, "POST", "/v1/sync");
  CHECK(sync.status == 503);
  CHECK(sync.ErrorCode() == "sync_not_configured");

  CHECK(daemon->Stop().exit_code == 0);
}

TEST_CASE("daemon: SIGTERM and SIGINT stop it with exit 0 and a restart finds everything") {
  TempDir dir;
  int signal_number = SIGTERM;
  SUBCASE("SIGTERM") { signal_number = SIGTERM; }
  SUBCASE("SIGINT") { signal_number = SIGINT; }
  std::string before;
  {
    std::unique_ptr<DaemonProcess> daemon = StartDaemon(dir);
    std::unique_ptr<HttpClient> client = daemon->Client();
    ApiReply enrolled = CallJson(*client, "POST", "/v1/members",
                                 {{"phone", "+1 415 555 0100"}, {"name", "Ann Lee"}});
    REQUIRE(enrolled.status == 201);
    for (int i = 0; i < 5; ++i) {
      ApiReply sold = CallJson(*client, "POST", "/v1/sales",
                               {{"sale_ref", "R-" + std::to_string(i)},
                                {"member_id", kAnnId},
                                {"amount_minor", 1000 + i}});
      REQUIRE(sold.status == 201);
    }
    before = MemberDigest(*client, kAnnId);
    REQUIRE(daemon->Signal(signal_number).ok());
    const ExitStatus how = daemon->Wait();
    CHECK_MESSAGE(how.exit_code == 0, how.ToString(), "\n", daemon->LogTail());
    const std::string log = daemon->LogTail(5);
    CHECK(log.find("stopped") != std::string::npos);
  }
  std::unique_ptr<DaemonProcess> daemon = StartDaemon(dir);
  std::unique_ptr<HttpClient> client = daemon->Client();
  CHECK(MemberDigest(*client, kAnnId) == before);
  for (int i = 0; i < 5; ++i) {
    CHECK(Call(*client, "GET", "/v1/sales/R-" + std::to_string(i)).status == 200);
  }
  CHECK(daemon->Stop().exit_code == 0);
}

}  // namespace
}  // namespace patron::testing
