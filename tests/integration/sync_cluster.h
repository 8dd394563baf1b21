// The real patron-sync and N real patrond on 127.0.0.1, for end-to-end sync
// tests (DESIGN.md §3, §4).
//
//   SyncCluster cluster;  // server + S001-T01, S001-T02, S002-T01, online
//   TerminalNode& t1 = cluster.terminal(0);
//   ApiReply enrolled = t1.Post("/v1/members", {{"phone", "+14155550101"}, {"name", "Ann"}});
//   cluster.StopServer();     // SIGTERM: the terminals are offline
//   cluster.RestartServer();  // same data directory, same port
//   cluster.SyncAll();        // POST /v1/sync on every terminal, twice
//   std::map<std::string, sync::MemberState> members = cluster.ServerMembers();
//
// Each process has its own TempDir. The server is started once on port 0;
// that port is kept for its restarts, because every patrond was given
// --server http://127.0.0.1:<port>. The fixture's constructor and helpers
// REQUIRE what they need, so they are for use inside a test case. The
// destructor stops every process it started (SIGTERM, SIGKILL after a few
// seconds), terminals first, and removes the directories.
#ifndef PATRON_TESTS_INTEGRATION_SYNC_CLUSTER_H_
#define PATRON_TESTS_INTEGRATION_SYNC_CLUSTER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon_process.h"
#include "patron/http/client.h"
#include "patron/sync/protocol.h"
#include "support/subprocess.h"
#include "support/test_ca.h"
#include "support/temp_dir.h"

namespace patron::integration {

using testing::ApiReply;

inline constexpr std::string_view kAdminToken = "integration-admin-token-0123456789";

// The real patron-sync: --data-dir <dir>/data, its stderr in
// <dir>/patron-sync.<n>.log (one file per start), over HTTPS with a
// certificate from a test CA made in <dir> (support/test_ca.h): tills
// verify it as in production. Plain HTTP only for tests that must read the
// traffic (the fault-injecting proxy of sync_faults_test.cc).
class SyncServer {
 public:
  // Starts it on 127.0.0.1:`port` (0: an ephemeral port) and waits for its
  // "listening" line. Unavailable (with the log tail) if it does not start.
  // `extra_args` are added to its command line, on every start.
  static Result<std::unique_ptr<SyncServer>> Start(std::string dir, uint16_t port = 0,
                                                   std::vector<std::string> extra_args = {},
                                                   bool tls = true);

  SyncServer(const SyncServer&) = delete;
  SyncServer& operator=(const SyncServer&) = delete;
  ~SyncServer();  // SIGKILLs a server still running

  uint16_t port() const { return port_; }
  Endpoint endpoint() const { return {"127.0.0.1", port_}; }
  std::string url() const {
    return (ca_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_);
  }
  // What a client of it trusts; "" over plain HTTP.
  std::string ca_file() const { return ca_ ? ca_->ca_file : ""; }
  bool running() const { return process_ != nullptr; }
  pid_t pid() const;

  // SIGTERM and wait (SIGKILL after `timeout`). Exit 0 expected.
  testing::ExitStatus Stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Starts it again on the same data directory and port (retrying the bind
  // for a few seconds).
  Status Restart();

  // A request with "Authorization: Bearer <admin token>".
  ApiReply Admin(std::string_view method, std::string_view target,
                 const std::optional<nlohmann::json>& body = std::nullopt) const;
  // A request with exactly these headers (none: no Authorization at all).
  ApiReply Send(std::string_view method, std::string_view target, std::string_view body,
                std::vector<std::pair<std::string, std::string>> headers) const;
  // POST /v1/admin/terminals -> the terminal's token.
  Result<std::string> RegisterTerminal(const std::string& terminal_id,
                                       const std::string& store_id) const;
  std::string LogTail(size_t lines = 30) const;

 private:
  SyncServer(std::string dir, uint16_t port, std::vector<std::string> extra_args,
             std::optional<testing::TestCa> ca)
      : dir_(std::move(dir)), port_(port), extra_args_(std::move(extra_args)), ca_(std::move(ca)) {}
  Status Launch(uint16_t port);

  std::string dir_;
  uint16_t port_;
  std::vector<std::string> extra_args_;
  std::optional<testing::TestCa> ca_;  // none: plain HTTP
  int starts_ = 0;
  std::string log_path_;
  std::unique_ptr<testing::Subprocess> process_;
};

struct TerminalSpec {
  std::string terminal_id;
  std::string store_id;
};

struct ClusterOptions {
  std::vector<TerminalSpec> terminals = {
      {"S001-T01", "S001"}, {"S001-T02", "S001"}, {"S002-T01", "S002"}};
  // The background loop's interval; rounds also run after each checkout
  // while online, and on POST /v1/sync.
  int64_t sync_interval_ms = 200;
  // False: the server registers the terminals and is stopped before any
  // terminal starts, so they all start offline (RestartServer() later).
  bool server_running = true;
  // Added to patron-sync's command line.
  std::vector<std::string> server_args;
  // HTTPS between the tills and the server; false only for a test whose
  // proxy reads the traffic.
  bool tls = true;
  // The --server URL of a terminal (https://, the server's certificate names
  // 127.0.0.1), asked once the server is up (to put a proxy in front of it);
  // unset or "" gives the server's own URL.
  std::function<std::string(const TerminalSpec&, const SyncServer&)> server_url;
};

// One patrond and a keep-alive client to it.
class TerminalNode {
 public:
  TerminalNode(TerminalSpec spec, std::string token, std::string server_url,
               std::string ca_file, int64_t sync_interval_ms);

  const std::string& id() const { return spec_.terminal_id; }
  const std::string& store_id() const { return spec_.store_id; }
  const std::string& token() const { return token_; }
  testing::DaemonProcess& daemon() { return *daemon_; }
  bool running() const { return daemon_ != nullptr; }

  // Starts patrond (again, on the same data directory) and connects.
  void Start();
  // SIGTERM and wait; REQUIREs exit 0.
  void Stop();
  // SIGKILL and reap, like a power cut.
  void Kill();

  ApiReply Get(std::string_view target);
  ApiReply Post(std::string_view target, const nlohmann::json& body);
  ApiReply Patch(std::string_view target, const nlohmann::json& body);
  // POST /v1/sync; the reply (200 with a summary, or the error).
  ApiReply Sync();
  // GET /v1/status body (REQUIREs 200).
  nlohmann::json GetStatus();
  // GET /v1/members/{id} body (REQUIREs 200).
  nlohmann::json Member(const std::string& member_id);
  // POST /v1/members; REQUIREs 201 or 200, returns the member id.
  std::string Enrol(const nlohmann::json& body);
  // POST /v1/sales with these fields; the reply as is.
  ApiReply Checkout(const std::string& sale_ref, const std::string& member_id, int64_t amount_minor,
                    int64_t redeem_points = 0);
  std::string LogTail(size_t lines = 30) const;

 private:
  TerminalSpec spec_;
  std::string token_;
  std::string server_url_;
  std::string ca_file_;
  int64_t sync_interval_ms_;
  testing::TempDir dir_;
  std::unique_ptr<testing::DaemonProcess> daemon_;
  std::unique_ptr<HttpClient> client_;
};

class SyncCluster {
 public:
  explicit SyncCluster(ClusterOptions options = {});
  SyncCluster(const SyncCluster&) = delete;
  SyncCluster& operator=(const SyncCluster&) = delete;
  ~SyncCluster();

  SyncServer& server() { return *server_; }
  size_t size() const { return terminals_.size(); }
  TerminalNode& terminal(size_t i) { return *terminals_.at(i); }
  TerminalNode& terminal(std::string_view terminal_id);

  void StopServer();     // CHECKs exit 0
  void RestartServer();  // REQUIREs that it comes back on the same port

  // POST /v1/sync on every terminal, `rounds` times over; REQUIREs 200.
  // After each round, waits until the server has folded what was pushed
  // (WaitUntilFolded). Two rounds are enough for every terminal to pull
  // what any pushed.
  void SyncAll(int rounds = 2);
  // patron-sync folds pushes into the member rows terminals pull in the
  // background, once pushes pause: waits (REQUIREs, 10 s) until /metrics
  // shows nothing left to fold. A stopped server has nothing to wait for.
  void WaitUntilFolded();
  // Syncs every terminal until none has anything pending (entries or
  // profile changes), then once more so all pull the last pushes.
  void SyncUntilQuiet(std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // The server's state of every member once folded, by a full pull with
  // terminal 0's token (PullAll: with any terminal's). A pull changes no
  // member.
  std::map<std::string, sync::MemberState> ServerMembers();
  static std::map<std::string, sync::MemberState> PullAll(const SyncServer& server,
                                                          const std::string& terminal_id,
                                                          const std::string& token);
  // GET /v1/reports/stores (admin), once folded; REQUIREs 200.
  nlohmann::json StoreReport();
  // GET /metrics: unlabelled samples by name.
  std::map<std::string, int64_t> Metrics();

  // SIGTERM everything; CHECKs exit 0 everywhere.
  void Shutdown();

 private:
  ClusterOptions options_;
  testing::TempDir server_dir_;
  std::unique_ptr<SyncServer> server_;
  std::vector<std::unique_ptr<TerminalNode>> terminals_;
};

// The store row of a report (REQUIREs that it exists).
nlohmann::json StoreRow(const nlohmann::json& report, std::string_view store_id);

// A member as every replica should agree on it: the terminal's view
// (GET /v1/members/{id}) or the server's (from a pull), reduced to the same
// fields: identity, profile, balance, qualifying spend and tier.
nlohmann::json TerminalMemberView(const nlohmann::json& member);
nlohmann::json ServerMemberView(const sync::MemberState& member);

// Polls `done` every 25 ms until it holds or `timeout` passes.
bool Eventually(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace patron::integration

#endif  // PATRON_TESTS_INTEGRATION_SYNC_CLUSTER_H_
