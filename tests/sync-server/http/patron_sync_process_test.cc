// The real patron-sync binary on 127.0.0.1 and an ephemeral port, driven by
// real terminal engines through HttpSyncTransport.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "patron/http/client.h"
#include "patron/terminal/http_sync_transport.h"
#include "patron/terminal/sync_client.h"
#include "patron/terminal/terminal.h"
#include "shared/http/raw_socket.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace patron::sync {
namespace {

using terminal::HttpSyncTransport;
using terminal::SyncClient;
using terminal::Terminal;
using testing::ExitStatus;
using testing::Subprocess;

constexpr std::string_view kAdminToken = "process-test-admin-token";
constexpr std::string_view kListening = "patron-sync listening on 127.0.0.1:";
constexpr auto kTimeout = std::chrono::seconds(10);

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Server {
  std::unique_ptr<Subprocess> process;
  uint16_t port = 0;
  std::string log_path;

  Endpoint endpoint() const { return {"127.0.0.1", port}; }
};

std::vector<std::string> ServerArgs(const testing::TempDir& dir) {
  return {PATRON_SYNC_BIN, "--data-dir", dir.File("data"), "--listen", "127.0.0.1:0",
          "--log-level",   "info"};
}

// Starts patron-sync with `argv` and waits for its "listening" line.
Server Start(const testing::TempDir& dir, std::vector<std::string> argv) {
  Server server;
  server.log_path = dir.File("patron-sync.log");
  testing::SubprocessOptions options;
  options.stderr_path = server.log_path;
  auto child = Subprocess::Start(argv, options);
  REQUIRE_MESSAGE(child.ok(), child.status().ToString());
  server.process = std::move(child).value();
  std::optional<std::string> line = server.process->ReadLine(std::chrono::seconds(20));
  REQUIRE_MESSAGE(line.has_value(), ReadFile(server.log_path));
  REQUIRE_MESSAGE(line->starts_with(kListening), *line);
  server.port = static_cast<uint16_t>(std::atoi(line->c_str() + kListening.size()));
  REQUIRE(server.port != 0);
  return server;
}

Server StartWithToken(const testing::TempDir& dir) {
  std::vector<std::string> argv = ServerArgs(dir);
  argv.insert(argv.end(), {"--admin-token", std::string(kAdminToken)});
  return Start(dir, argv);
}

// Runs patron-sync expecting it to refuse to start.
ExitStatus RunRefused(const testing::TempDir& dir, std::vector<std::string> argv) {
  testing::SubprocessOptions options;
  options.stderr_path = dir.File("refused.log");
  auto child = Subprocess::Start(argv, options);
  REQUIRE(child.ok());
  CHECK_FALSE((*child)->ReadLine(std::chrono::seconds(20)).has_value());
  std::optional<ExitStatus> how = (*child)->WaitFor(std::chrono::seconds(20));
  REQUIRE(how.has_value());
  return *how;
}

nlohmann::json Call(const Server& server, std::string_view method, std::string_view target,
                    const std::string& body = {}, int expect = 200) {
  HttpClient client(server.endpoint(), kTimeout);
  auto response =
      client.Send(method, target, body, {{"Authorization", "Bearer " + std::string(kAdminToken)}});
  REQUIRE_MESSAGE(response.ok(), response.status().ToString());
  REQUIRE_MESSAGE(response->status == expect, response->body);
  return nlohmann::json::parse(response->body, nullptr, false);
}

// patron-sync folds pushed changes into the member rows terminals pull in
// the background, once pushes pause: waits until it has folded everything.
void WaitUntilFolded(const Server& server) {
  HttpClient client(server.endpoint(), kTimeout);
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (true) {
    auto metrics = client.Send("GET", "/metrics");
    REQUIRE_MESSAGE(metrics.ok(), metrics.status().ToString());
    if (metrics->body.find("\npatron_sync_fold_pending_seqs 0\n") != std::string::npos) return;
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, metrics->body);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string RegisterTerminal(const Server& server, const std::string& terminal_id,
                             const std::string& store_id) {
  const nlohmann::json reply =
      Call(server, "POST", "/v1/admin/terminals",
           nlohmann::json{{"terminal_id", terminal_id}, {"store_id", store_id}}.dump(), 201);
  return reply["token"].get<std::string>();
}

std::unique_ptr<Terminal> OpenTerminal(const testing::TempDir& dir, const std::string& terminal_id,
                                       const std::string& store_id,
                                       std::string_view chain_key = kDemoChainKey) {
  terminal::TerminalOptions options;
  options.db_path = dir.File(terminal_id + ".db");
  options.terminal_id = terminal_id;
  options.store_id = store_id;
  options.chain_key = std::string(chain_key);
  options.default_country_code = "44";
  auto opened = Terminal::Open(options);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  return std::move(opened).value();
}

nlohmann::json StoreRow(const nlohmann::json& report, const std::string& store_id) {
  for (const nlohmann::json& store : report["stores"]) {
    if (store["store_id"] == store_id) return store;
  }
  FAIL("no store " << store_id << " in " << report.dump());
  return {};
}

TEST_CASE("terminals sync through the real server: earn in one store, redeem in another") {
  testing::TempDir dir;
  Server server = StartWithToken(dir);
  CHECK(Call(server, "GET", "/v1/health")["status"] == "ok");

  auto t1 = OpenTerminal(dir, "S001-T01", "S001");
  HttpSyncTransport transport1(server.endpoint(), RegisterTerminal(server, "S001-T01", "S001"),
                               kTimeout);
  terminal::EnrolRequest enrol;
  enrol.phone = "07700 900123";
  enrol.profile.name = "Ann";
  auto ann = t1->Enrol(enrol);
  REQUIRE(ann.ok());
  terminal::SaleRequest sale;
  sale.sale_ref = "R-1";
  sale.member_id = ann->member.member_id;
  sale.amount_minor = 12'345;
  auto sold = t1->Checkout(sale);
  REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
  REQUIRE(sold->earned_points > 0);

  SyncClient client1(*t1, transport1);
  auto round = client1.SyncOnce();
  REQUIRE_MESSAGE(round.ok(), round.status().ToString());
  CHECK(round->entries_acknowledged >= 1);
  CHECK(round->changes_acknowledged >= 1);
  CHECK(t1->Status()->pending_entries == 0);
  WaitUntilFolded(server);

  nlohmann::json s1 = StoreRow(Call(server, "GET", "/v1/reports/stores"), "S001");
  CHECK(s1["members_enrolled"] == 1);
  CHECK(s1["sales"] == 1);
  CHECK(s1["points_earned"] == sold->earned_points);
  CHECK(s1["points_outstanding"] == sold->earned_points);
  CHECK(s1["terminals"][0]["last_sync_ms"].is_number());

  // Another store pulls the member, asks the server for the points it
  // cannot cover itself, and redeems them.
  auto t2 = OpenTerminal(dir, "S002-T01", "S002");
  HttpSyncTransport transport2(server.endpoint(), RegisterTerminal(server, "S002-T01", "S002"),
                               kTimeout);
  SyncClient client2(*t2, transport2);
  REQUIRE(client2.SyncOnce().ok());
  auto seen = t2->FindById(ann->member.member_id);
  REQUIRE(seen.ok());
  CHECK(seen->balance == sold->earned_points);
  CHECK(seen->redeemable_here == 0);
  Status granted = client2.RequestGrant(ann->member.member_id, 50, "S002-T01/g-1");
  REQUIRE_MESSAGE(granted.ok(), granted.ToString());
  CHECK(t2->FindById(ann->member.member_id)->redeemable_here == 50);
  terminal::SaleRequest redeem;
  redeem.sale_ref = "R-9";
  redeem.member_id = ann->member.member_id;
  redeem.amount_minor = 5'000;
  redeem.redeem_points = 50;
  auto redeemed = t2->Checkout(redeem);
  REQUIRE_MESSAGE(redeemed.ok(), redeemed.status().ToString());
  REQUIRE(client2.SyncOnce().ok());
  Status too_much = client2.RequestGrant(ann->member.member_id, 1'000'000, "S002-T01/g-2");
  CHECK(too_much.code() == StatusCode::kFailedPrecondition);
  CHECK(too_much.reason() == "insufficient_points");

  const nlohmann::json report = Call(server, "GET", "/v1/reports/stores");
  CHECK(StoreRow(report, "S002")["points_redeemed"] == 50);
  CHECK(report["totals"]["points_outstanding"] ==
        sold->earned_points - 50 + redeemed->earned_points);

  HttpClient metrics_client(server.endpoint(), kTimeout);
  auto metrics = metrics_client.Send("GET", "/metrics");
  REQUIRE(metrics.ok());
  CHECK(metrics->content_type == "text/plain; version=0.0.4");
  CHECK(metrics->body.find("patron_sync_lag_seconds{terminal=\"S001-T01\"}") != std::string::npos);
  CHECK(metrics->body.find("patron_sync_requests_total{endpoint=\"grant\"} 2") !=
        std::string::npos);

  static_cast<void>(server.process->Kill(SIGTERM));
  CHECK(server.process->Wait().exit_code == 0);
  const std::string log = ReadFile(server.log_path);
  CHECK(log.find("POST /v1/push 200") != std::string::npos);
  CHECK(log.find("demo chain key") != std::string::npos);
  CHECK(log.find("stopped") != std::string::npos);
  // With the server gone the transport reports it as unreachable.
  CHECK(client1.SyncOnce().status().code() == StatusCode::kUnavailable);
}

TEST_CASE("the transport turns the server's refusals back into their Status") {
  testing::TempDir dir;
  Server server = StartWithToken(dir);
  auto t1 = OpenTerminal(dir, "S001-T01", "S001");
  const std::string token = RegisterTerminal(server, "S001-T01", "S001");

  HttpSyncTransport stranger(server.endpoint(), "not-a-token", kTimeout);
  Status refused = SyncClient(*t1, stranger).SyncOnce().status();
  CHECK(refused.code() == StatusCode::kUnauthenticated);
  CHECK(refused.reason() == "invalid_token");

  auto other_chain = OpenTerminal(dir, "S001-T02", "S001", "another chain key");
  HttpSyncTransport transport(server.endpoint(), RegisterTerminal(server, "S001-T02", "S001"),
                              kTimeout);
  Status mismatch = SyncClient(*other_chain, transport).SyncOnce().status();
  CHECK(mismatch.code() == StatusCode::kFailedPrecondition);
  CHECK(mismatch.reason() == "chain_key_mismatch");

  // The sync endpoints take far more than a default 64 KiB body.
  HttpClient client(server.endpoint(), kTimeout);
  const std::string big = R"({"padding":")" + std::string(2 << 20, 'a') + R"("})";
  auto answer = client.Send("POST", "/v1/push", big, {{"Authorization", "Bearer " + token}});
  REQUIRE(answer.ok());
  CHECK(answer->status == 400);
  CHECK(terminal::SyncErrorFromResponse(*answer).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("one transport serves the sync loop and checkouts' grants at once") {
  testing::TempDir dir;
  Server server = StartWithToken(dir);
  auto t1 = OpenTerminal(dir, "S001-T01", "S001");
  HttpSyncTransport transport(server.endpoint(), RegisterTerminal(server, "S001-T01", "S001"),
                              kTimeout);
  SyncClient client(*t1, transport);
  std::vector<Status> grants;
  std::thread checkout([&] {
    const std::string member = DeriveMemberId(kDemoChainKey, "+447700900123").ToString();
    for (int i = 0; i < 20; ++i) {
      grants.push_back(client.RequestGrant(member, 10, "g-" + std::to_string(i)));
    }
  });
  for (int i = 0; i < 20; ++i) {
    auto round = client.SyncOnce();
    CHECK_MESSAGE(round.ok(), round.status().ToString());
  }
  checkout.join();
  REQUIRE(grants.size() == 20);
  for (const Status& grant : grants) CHECK(grant.reason() == "unknown_member");
}

TEST_CASE("patron-sync refuses from the header a body it would refuse anyway, before reading it") {
  testing::TempDir dir;
  Server server = StartWithToken(dir);
  const std::string terminal = RegisterTerminal(server, "S001-T01", "S001");
  struct Case {
    std::string method_and_path, authorization, status;
  };
  const std::vector<Case> cases = {
      {"POST /v1/push", "", "401"},
      {"POST /v1/pull", "Authorization: Bearer not-a-token\r\n", "401"},
      {"POST /v1/admin/terminals", "Authorization: Bearer " + terminal + "\r\n", "403"},
      {"POST /v1/no-such-route", "", "404"},
      {"GET /v1/health", "", "413"},  // a route that reads no body
  };
  for (const Case& c : cases) {
    CAPTURE(c.method_and_path);
    // 30 MB announced, none sent: the answer comes from the header alone.
    testing::RawConnection raw(server.port);
    raw.Send(c.method_and_path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
             c.authorization + "Content-Length: 30000000\r\n\r\n");
    const std::string reply = raw.ReadUntilClosed(std::chrono::seconds(2));
    CHECK(reply.rfind("HTTP/1.1 " + c.status + " ", 0) == 0);
    CHECK(raw.eof());
  }
  // With its token, the terminal's request is read and served as before.
  HttpClient client(server.endpoint(), kTimeout);
  Result<HttpResponse> pulled =
      client.Send("POST", "/v1/pull", "{", {{"Authorization", "Bearer " + terminal}});
  REQUIRE(pulled.ok());
  CHECK(pulled->status == 400);
}

TEST_CASE("patron-sync refuses to start without an admin token or on a public address") {
  testing::TempDir dir;
  ::unsetenv("PATRON_ADMIN_TOKEN");
  CHECK(RunRefused(dir, ServerArgs(dir)).exit_code == 1);
  CHECK(ReadFile(dir.File("refused.log")).find("admin token is required") != std::string::npos);

  std::vector<std::string> open = {PATRON_SYNC_BIN, "--data-dir", dir.File("data"),
                                   "--admin-token", "t",          "--listen",
                                   "0.0.0.0:0"};
  CHECK(RunRefused(dir, open).exit_code == 1);
  CHECK(ReadFile(dir.File("refused.log")).find("--allow-non-loopback") != std::string::npos);
}

TEST_CASE("patron-sync takes the admin token from the environment and stops on SIGINT") {
  testing::TempDir dir;
  ::setenv("PATRON_ADMIN_TOKEN", std::string(kAdminToken).c_str(), 1);
  Server server = Start(dir, ServerArgs(dir));
  ::unsetenv("PATRON_ADMIN_TOKEN");
  RegisterTerminal(server, "S001-T01", "S001");
  static_cast<void>(server.process->Kill(SIGINT));
  CHECK(server.process->Wait().exit_code == 0);
}

TEST_CASE("patron-sync: secrets from files, private data, and silent sockets lock no till out") {
  testing::TempDir dir;
  const std::string admin_file = dir.File("admin.token");
  const std::string metrics_file = dir.File("metrics.token");
  std::ofstream(admin_file) << kAdminToken << "\n";
  std::ofstream(metrics_file) << "metrics-scrape-token\n";
  ::chmod(admin_file.c_str(), 0600);
  ::chmod(metrics_file.c_str(), 0600);
  ::unsetenv("PATRON_ADMIN_TOKEN");
  std::vector<std::string> argv = ServerArgs(dir);
  argv.insert(argv.end(),
              {"--admin-token-file", admin_file, "--metrics-token-file", metrics_file});
  const mode_t old_umask = ::umask(0);  // a careless umask is inherited
  Server server = Start(dir, argv);
  ::umask(old_umask);
  const std::string till = RegisterTerminal(server, "S001-T01", "S001");

  // The token is nowhere on the command line other users can read.
  const std::string cmdline =
      ReadFile("/proc/" + std::to_string(server.process->pid()) + "/cmdline");
  CHECK(cmdline.find(kAdminToken) == std::string::npos);
  struct stat info {};
  REQUIRE(::stat(dir.File("data").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
  REQUIRE(::stat(dir.File("data/server.db").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  HttpClient scraper(server.endpoint(), kTimeout);
  CHECK(scraper.Send("GET", "/metrics").value().status == 401);
  CHECK(scraper.Send("GET", "/metrics", "", {{"Authorization", "Bearer metrics-scrape-token"}})
            .value()
            .status == 200);

  // 300 sockets that never say a word (256 used to hold every slot for the
  // read timeout, 120 s): a till and head office are still served at once.
  std::vector<std::unique_ptr<testing::RawConnection>> silent;
  for (int i = 0; i < 300; ++i) {
    silent.push_back(std::make_unique<testing::RawConnection>(server.port));
    REQUIRE(silent.back()->connected());
  }
  const auto start = std::chrono::steady_clock::now();
  HttpClient terminal_client(server.endpoint(), std::chrono::seconds(2));
  Result<HttpResponse> pulled = terminal_client.Send(
      "GET", "/v1/snapshot/data?seq=1&offset=0", "", {{"Authorization", "Bearer " + till}});
  REQUIRE_MESSAGE(pulled.ok(), pulled.status().ToString());
  CHECK(pulled->status != 503);
  CHECK(pulled->status != 401);
  HttpClient admin(server.endpoint(), std::chrono::seconds(2));
  Result<HttpResponse> report = admin.Send(
      "GET", "/v1/reports/stores", "", {{"Authorization", "Bearer " + std::string(kAdminToken)}});
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK(report->status == 200);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  // Each socket over the peer's cap of 32 took the slot of its oldest; the
  // rest go at the first-request deadline (5 s).
  int closed = 0;
  for (auto& socket : silent) closed += socket->WaitForClose(std::chrono::milliseconds(5)) ? 1 : 0;
  CHECK(closed >= 300 - 32);
  closed = 0;
  for (auto& socket : silent) {
    closed += (socket->eof() || socket->WaitForClose(std::chrono::seconds(8))) ? 1 : 0;
  }
  CHECK(closed == 300);
  static_cast<void>(server.process->Kill(SIGTERM));
  CHECK(server.process->Wait().exit_code == 0);
}

struct CommandOutput {
  ExitStatus status;
  std::vector<std::string> lines;
  std::string stderr_text;
};

// Runs patron-packs with `args` (and the server and admin token for every
// subcommand but validate) to its end.
CommandOutput RunPacks(const testing::TempDir& dir, const Server* server,
                       std::vector<std::string> args) {
  std::vector<std::string> argv = {PATRON_PACKS_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  if (server != nullptr) {
    argv.insert(argv.end(), {"--server", "http://127.0.0.1:" + std::to_string(server->port),
                             "--admin-token-file", dir.File("admin-token")});
  }
  testing::SubprocessOptions options;
  options.stderr_path = dir.File("packs.err");
  auto child = Subprocess::Start(argv, options);
  REQUIRE(child.ok());
  CommandOutput output;
  output.lines = (*child)->DrainLines(std::chrono::seconds(20));
  std::optional<ExitStatus> how = (*child)->WaitFor(std::chrono::seconds(20));
  REQUIRE(how.has_value());
  output.status = *how;
  output.stderr_text = ReadFile(dir.File("packs.err"));
  return output;
}

bool HasLine(const CommandOutput& output, std::string_view needle) {
  for (const std::string& line : output.lines) {
    if (line.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("patron-packs validates, compares, dry-runs, publishes and lists packs") {
  testing::TempDir dir;
  Server server = StartWithToken(dir);
  {
    std::ofstream token(dir.File("admin-token"));
    token << kAdminToken << "\n";
  }
  ::chmod(dir.File("admin-token").c_str(), 0600);
  const std::string pack = PATRON_DEFAULT_PACK;

  CommandOutput valid = RunPacks(dir, nullptr, {"validate", pack});
  CHECK(valid.status.exit_code == 0);
  CHECK(HasLine(valid, "a valid rule pack"));
  CHECK(HasLine(valid, "member-day, weekend-lunch"));
  CHECK(HasLine(valid, "mug (300 points), coupon-10 (400 points)"));

  nlohmann::json bad = nlohmann::json::parse(ReadFile(pack));
  bad["campaigns"][1]["when"]["weekdays"] = {8};
  std::ofstream(dir.File("bad.json")) << bad.dump();
  CommandOutput refused = RunPacks(dir, nullptr, {"validate", dir.File("bad.json")});
  CHECK(refused.status.exit_code == 1);
  CHECK(refused.stderr_text.find("'campaigns[1].when.weekdays'") != std::string::npos);
  CHECK(RunPacks(dir, &server, {"publish", dir.File("bad.json")}).status.exit_code == 1);

  CommandOutput diff = RunPacks(dir, &server, {"diff", pack});
  CHECK(diff.status.exit_code == 0);
  CHECK(HasLine(diff, "against the default rules (no published pack is in force)"));
  CHECK(HasLine(diff, "version: 1 -> 2"));
  CHECK(HasLine(diff, "campaign member-day: added"));
  CHECK(HasLine(diff, "reward mug: added"));

  const std::string dry_run = dir.File("dry-run.json");
  std::ofstream(dry_run) << R"({"at": "2027-05-08T12:00:00+08:00",
    "member": {"member_id": "0190e6a0-0000-7000-8000-000000000001", "tier": "gold"},
    "basket": {"store_id": "S002", "amount_minor": 10000,
               "lines": [{"sku": "MILK", "category": "dairy", "qty": 2, "amount_minor": 4000},
                         {"sku": "BREAD", "category": "bakery", "amount_minor": 6000}]}})";
  CommandOutput tried = RunPacks(dir, &server, {"dry-run", dry_run, "--pack", pack});
  CHECK(tried.status.exit_code == 0);
  CAPTURE(tried.stderr_text);
  // A Saturday member day at noon, for a gold member buying two dairy items.
  CHECK(HasLine(tried, "gold-dairy"));
  // Member day is listed whether it applies or the member is in its 10% holdout.
  CHECK(HasLine(tried, "member-day"));
  CHECK(HasLine(tried, "total"));

  CommandOutput published = RunPacks(dir, &server, {"publish", pack});
  CHECK(published.status.exit_code == 0);
  CHECK(HasLine(published, "state:        active"));
  CommandOutput again = RunPacks(dir, &server, {"publish", pack});
  CHECK(again.status.exit_code == 1);
  CHECK(again.stderr_text.find("stale_rules") != std::string::npos);
  CommandOutput listed = RunPacks(dir, &server, {"list"});
  CHECK(listed.status.exit_code == 0);
  CHECK(HasLine(listed, "active"));
  CommandOutput same = RunPacks(dir, &server, {"diff", pack});
  CHECK(HasLine(same, "against active pack 2"));
  CHECK(HasLine(same, "no change"));
}

}  // namespace
}  // namespace patron::sync
