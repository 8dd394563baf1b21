// patron-sync: the central sync server. Serves SyncApi over HTTP/1.1 on one
// SQLite database; stops gracefully on SIGTERM/SIGINT (stop accepting,
// finish in-flight requests, close the database, exit 0).
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <sys/stat.h>

#include "http/config.h"
#include "patron/http/listen.h"
#include "patron/log.h"
#include "http/sync_api.h"
#include "patron/http/server.h"
#include "patron/member_id.h"
#include "patron/private_files.h"
#include "patron/sync/codec.h"
#include "patron/sync_server/sqlite_server_store.h"
#include "patron/sync_server/sync_service.h"

namespace {

using namespace patron;
using namespace patron::sync;

int Fail(const Status& status) {
  Log("error", status.ToString());
  return 1;
}

// One access-log line per request at "info"; at "warn" only what an operator
// should look at: server errors, and refused credentials (a terminal with a
// stale token, someone guessing the admin token).
void LogRequest(bool log_all, const HttpRequest& request, const HttpResponse& response,
                std::chrono::microseconds took) {
  const bool auth_refused = response.status == 401 || response.status == 403;
  if (!log_all && response.status < 500 && !auth_refused) return;
  const std::string_view level = response.status >= 500 ? "error" : (auth_refused ? "warn" : "info");
  Log(level, request.remote + " " + request.method + " " + request.path + " " +
                 std::to_string(response.status) + " " + std::to_string(response.body.size()) +
                 "B " + std::to_string(took.count()) + "us");
}

// Calls `step` in a loop on its own thread until stopped, waiting as long as
// the step returns before the next call (zero: at once).
class BackgroundLoop {
 public:
  explicit BackgroundLoop(std::function<std::chrono::milliseconds()> step)
      : step_(std::move(step)), thread_([this](std::stop_token stop) { Run(stop); }) {}
  ~BackgroundLoop() { Stop(); }
  // Wakes the thread (its wait watches the stop token) and waits for the
  // step under way to finish.
  void Stop() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run(std::stop_token stop) {
    while (!stop.stop_requested()) {
      const std::chrono::milliseconds wait = step_();
      if (wait.count() <= 0) continue;
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, stop, wait, [] { return false; });  // a stoppable sleep
    }
  }

  const std::function<std::chrono::milliseconds()> step_;
  std::mutex mu_;
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: started once the rest is built
};

// Keeps the member snapshot fresh: checks at start and every few seconds,
// building a new one when the store has moved far enough (BuildSnapshotIfDue).
std::chrono::milliseconds SnapshotStep(SyncService& service) {
  const auto started = std::chrono::steady_clock::now();
  Result<bool> built = service.BuildSnapshotIfDue();
  if (!built.ok()) {
    Log("error", "member snapshot: " + built.status().ToString());
  } else if (*built) {
    const SnapshotGauge made = service.SnapshotState();
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    Log("info", "member snapshot at seq " + std::to_string(made.seq) + ": " +
                    std::to_string(made.members) + " members, " + std::to_string(made.bytes) +
                    " bytes, built in " + std::to_string(took.count()) + " ms");
  }
  return std::chrono::seconds(5);
}

// Folds pushed changes into member rows when due (FoldIfDue): at once again
// after a fold, every 10 ms while none is due, a second after a failure.
std::chrono::milliseconds FoldStep(SyncService& service) {
  const auto started = std::chrono::steady_clock::now();
  const int64_t entries_before = service.counters().entries_folded.load();
  Result<bool> folded = service.FoldIfDue();
  if (folded.ok() && *folded) {
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    const int64_t entries = service.counters().entries_folded.load() - entries_before;
    Log("info", "folded " + std::to_string(entries) + " entries through seq " +
                    std::to_string(service.FoldState().folded_seq) + " in " +
                    std::to_string(took.count()) + " ms");
  }
  if (folded.ok()) return std::chrono::milliseconds(*folded ? 0 : 10);
  Log("error", "fold: " + folded.status().ToString());
  return std::chrono::seconds(1);
}

// Queues the folds of members whose tier review has come or whose counted
// spend leaves the window (QueueMemberReviews): again shortly while a batch
// was full (a pause, so pushes and folds get the writer in between; after
// the upgrade to schema 9 every member with purchases is due), every
// minute otherwise, and a minute after a failure.
std::chrono::milliseconds ReviewStep(SyncService& service) {
  constexpr int kBatch = 2'000;
  Result<int64_t> queued = service.QueueMemberReviews(kBatch);
  if (!queued.ok()) {
    Log("error", "member reviews: " + queued.status().ToString());
    return std::chrono::minutes(1);
  }
  if (*queued > 0) Log("info", "queued " + std::to_string(*queued) + " member reviews");
  return *queued == kBatch ? std::chrono::milliseconds(100) : std::chrono::minutes(1);
}

// Issues the gifts of the pack in force that are due (IssueGifts): hourly,
// and ten minutes after a failure.
std::chrono::milliseconds GiftStep(SyncService& service) {
  Result<GiftRun> run = service.IssueGifts();
  if (!run.ok()) {
    Log("error", "gifts: " + run.status().ToString());
    return std::chrono::minutes(10);
  }
  if (run->vouchers_issued > 0) {
    Log("info", "issued " + std::to_string(run->vouchers_issued) + " gift vouchers to " +
                    std::to_string(run->members_scanned) + " members scanned");
  }
  return std::chrono::hours(1);
}

// Writes the expiry members' points lots owe (RunExpiry): hourly, so a
// lot past its day is expired within the hour after local midnight, and
// ten minutes after a failure.
std::chrono::milliseconds ExpiryStep(SyncService& service) {
  Result<ExpiryRun> run = service.RunExpiry();
  if (!run.ok()) {
    Log("error", "expiry: " + run.status().ToString());
    return std::chrono::minutes(10);
  }
  if (run->entries > 0) {
    Log("info", "expired " + std::to_string(run->points_expired) + " points and gave back " +
                    std::to_string(run->points_given_back) + " for " +
                    std::to_string(run->members) + " members");
  }
  return std::chrono::hours(1);
}

// Computes member metrics and segments and ships them to tills
// (RunSegmentsIfDue), then the insights that read them (RunInsightsIfDue):
// at start, then once a local day or when another pack comes in force
// (checked hourly), and ten minutes after a failure.
std::chrono::milliseconds SegmentStep(SyncService& service) {
  Result<std::optional<SegmentRun>> run = service.RunSegmentsIfDue();
  if (!run.ok()) {
    Log("error", "segments: " + run.status().ToString());
    return std::chrono::minutes(10);
  }
  if (*run) {
    Log("info", "segments version " + std::to_string((*run)->version) + ": metrics of " +
                    std::to_string((*run)->members) + " members");
  }
  Result<std::optional<InsightRun>> insights = service.RunInsightsIfDue();
  if (!insights.ok()) {
    Log("error", "insights: " + insights.status().ToString());
    return std::chrono::minutes(10);
  }
  if (*insights) {
    Log("info", "insights run " + std::to_string((*insights)->run) + ": " +
                    std::to_string((*insights)->effects.size()) + " campaigns, " +
                    std::to_string((*insights)->members) + " members");
  }
  return std::chrono::hours(1);
}

}  // namespace

int main(int argc, char** argv) {
  // Everything patron-sync creates (the database, its WAL, snapshots) is
  // for the service's user only, whatever umask it was started with.
  ::umask(kPrivateUmask);
  CLI::App app{"patron-sync: Patron's central sync server"};
  std::string config_path;
  ServerConfig flags;
  app.add_option("--config", config_path, "JSON config file (flags override it)");
  auto* data_dir = app.add_option("--data-dir", flags.data_dir, "directory of server.db");
  auto* listen = app.add_option("--listen", flags.listen, "host:port to serve (port 0: any)");
  // Secrets on the command line are readable by every local user
  // (/proc/<pid>/cmdline, ps): the help says so, and offers files and the
  // environment instead.
  auto* admin_token = app.add_option(
      "--admin-token", flags.admin_token,
      "head office's token; visible to other users in ps: prefer --admin-token-file or env "
      "PATRON_ADMIN_TOKEN");
  auto* admin_token_file = app.add_option("--admin-token-file", flags.admin_token_file,
                                          "file holding head office's token (mode 0600)");
  auto* chain_key = app.add_option(
      "--chain-key", flags.chain_key,
      "chain key (default: demo key); visible to other users in ps: prefer --chain-key-file or "
      "env PATRON_CHAIN_KEY");
  auto* chain_key_file =
      app.add_option("--chain-key-file", flags.chain_key_file, "file holding the chain key");
  auto* metrics_token_file = app.add_option(
      "--metrics-token-file", flags.metrics_token_file,
      "file holding a token GET /metrics then requires (or env PATRON_METRICS_TOKEN); without "
      "one /metrics is open");
  auto* allow = app.add_flag("--allow-non-loopback", flags.allow_non_loopback,
                             "allow listening on a non-loopback address");
  auto* tls_cert = app.add_option("--tls-cert", flags.tls_cert_file,
                                  "serve HTTPS with this certificate chain (PEM)");
  auto* tls_key = app.add_option("--tls-key", flags.tls_key_file, "... and its private key (PEM)");
  auto* allow_plain = app.add_flag("--allow-plain-http", flags.allow_plain_http,
                                   "serve plain HTTP on a non-loopback address (behind a "
                                   "TLS-terminating proxy only)");
  auto* log_level = app.add_option("--log-level", flags.log_level, "info or warn");
  auto* snapshot_min_changes =
      app.add_option("--snapshot-min-changes", flags.snapshot_min_changes,
                     "rebuild the member snapshot after this many changes (0: never)");
  auto* snapshot_min_interval =
      app.add_option("--snapshot-min-interval-ms", flags.snapshot_min_interval_ms,
                     "... and no sooner than this after the last build");
  auto* fold_max_lag =
      app.add_option("--fold-max-lag-ms", flags.fold_max_lag_ms,
                     "fold pushed changes into member rows at the latest this long after");
  auto* dashboard_dir = app.add_option("--dashboard-dir", flags.dashboard_dir,
                                       "the dashboard's files, served under /dashboard/");
  auto* dashboard_vendor_dir =
      app.add_option("--dashboard-vendor-dir", flags.dashboard_vendor_dir,
                     "Debian's /usr/share/javascript, served under /dashboard/vendor/");
  CLI11_PARSE(app, argc, argv);

  ServerConfig config;
  if (!config_path.empty()) {
    Result<ServerConfig> loaded = LoadConfigFile(config_path);
    if (!loaded.ok()) return Fail(loaded.status());
    config = *loaded;
  }
  // Flags win over the environment, which wins over the file. A secret's
  // file, wherever named, wins over its value (ReadSecretFiles).
  for (auto [name, value, file] :
       {std::tuple{"PATRON_ADMIN_TOKEN", &config.admin_token, &config.admin_token_file},
        std::tuple{"PATRON_METRICS_TOKEN", &config.metrics_token, &config.metrics_token_file},
        std::tuple{"PATRON_CHAIN_KEY", &config.chain_key, &config.chain_key_file}}) {
    if (const char* env = std::getenv(name); env != nullptr && *env != '\0') {
      *value = env;
      file->clear();
    }
  }
  if (*data_dir) config.data_dir = flags.data_dir;
  if (*listen) config.listen = flags.listen;
  if (*admin_token) {
    config.admin_token = flags.admin_token;
    config.admin_token_file.clear();
  }
  if (*admin_token_file) config.admin_token_file = flags.admin_token_file;
  if (*chain_key) {
    config.chain_key = flags.chain_key;
    config.chain_key_file.clear();
  }
  if (*chain_key_file) config.chain_key_file = flags.chain_key_file;
  if (*metrics_token_file) config.metrics_token_file = flags.metrics_token_file;
  if (*allow) config.allow_non_loopback = true;
  if (*tls_cert) config.tls_cert_file = flags.tls_cert_file;
  if (*tls_key) config.tls_key_file = flags.tls_key_file;
  if (*allow_plain) config.allow_plain_http = true;
  if (*log_level) config.log_level = flags.log_level;
  if (*snapshot_min_changes) config.snapshot_min_changes = flags.snapshot_min_changes;
  if (*snapshot_min_interval) config.snapshot_min_interval_ms = flags.snapshot_min_interval_ms;
  if (*fold_max_lag) config.fold_max_lag_ms = flags.fold_max_lag_ms;
  if (*dashboard_dir) config.dashboard_dir = flags.dashboard_dir;
  if (*dashboard_vendor_dir) config.dashboard_vendor_dir = flags.dashboard_vendor_dir;
  std::vector<std::string> warnings;
  if (Status read = ReadSecretFiles(config, warnings); !read.ok()) return Fail(read);
  if (Status valid = ValidateConfig(config); !valid.ok()) return Fail(valid);
  Result<patron::Endpoint> endpoint = ParseListenAddress(config.listen);
  if (!endpoint.ok()) return Fail(endpoint.status());

  if (config.chain_key.empty()) {
    Log("warn", "using the demo chain key; configure chain_key for production");
    config.chain_key = std::string(kDemoChainKey);
  }
  if (config.admin_token.size() < 16) {
    Log("warn", "the admin token is shorter than 16 characters; use a long random one");
  }

  // Members' data and token hashes: the data directory is ours alone (0700),
  // the database and what SQLite creates beside it 0600.
  if (Status made = MakePrivateDirectory(config.data_dir, warnings); !made.ok()) {
    return Fail(made);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    MakePrivateFile(config.DatabasePath() + suffix, warnings);
  }
  for (const std::string& warning : warnings) Log("warn", warning);
  Result<std::unique_ptr<SqliteServerStore>> store = SqliteServerStore::Open(config.DatabasePath());
  if (!store.ok()) return Fail(store.status().WithContext(config.DatabasePath()));
  // No push waits for a checkpoint.
  if (Status started = (*store)->StartBackgroundCheckpoints(); !started.ok()) {
    return Fail(started);
  }

  SyncServiceOptions service_options;
  service_options.chain_key_fingerprint = ChainKeyFingerprint(config.chain_key);
  service_options.snapshot.dir = config.SnapshotDir();
  service_options.snapshot.min_changes = config.snapshot_min_changes;
  service_options.snapshot.min_interval_ms = config.snapshot_min_interval_ms;
  service_options.fold_in_background = true;
  service_options.fold.max_lag_ms = config.fold_max_lag_ms;
  service_options.accounts.idle_ms = config.session_idle_ms;
  service_options.accounts.session_ms = config.session_max_ms;
  service_options.case_sla.first_response_ms = config.case_first_response_ms;
  service_options.case_sla.resolution_ms = config.case_resolution_ms;
  service_options.on_security_event = [](const SecurityEvent& event) {
    Log("warn", "security: refused " + event.subject + " from " + event.terminal_id + " (store " +
                    event.store_id + "): " + event.reason + ": " + event.message);
  };
  SyncService service(**store, service_options);
  BackgroundLoop folds([&service] { return FoldStep(service); });
  BackgroundLoop snapshots([&service] { return SnapshotStep(service); });
  BackgroundLoop reviews([&service] { return ReviewStep(service); });
  BackgroundLoop gifts([&service] { return GiftStep(service); });
  BackgroundLoop expiry([&service] { return ExpiryStep(service); });
  BackgroundLoop segments([&service] { return SegmentStep(service); });
  SyncApiOptions api_options;
  api_options.admin_token = config.admin_token;
  api_options.chain_key = config.chain_key;
  api_options.metrics_token = config.metrics_token;
  api_options.dashboard = {config.dashboard_dir, config.dashboard_vendor_dir};
  api_options.goodwill_max_points = config.case_goodwill_max_points;
  api_options.on_audit_failure = [](const Status& status) {
    Log("error", "audit log: " + status.ToString());
  };
  SyncApi api(service, std::move(api_options));

  HttpServerOptions server_options;
  server_options.host = endpoint->host;
  server_options.port = endpoint->port;
  // One limit per server: the sync endpoints' (a bootstrap page, a backlog).
  server_options.body_limit = kMaxSyncBodyBytes;
  // Credentials and routes are checked before a body is read.
  server_options.screen = [&api](const HttpRequest& request) { return api.Screen(request); };
  server_options.max_connections = static_cast<size_t>(config.max_connections);
  // Silent sockets must not lock tills out: a short deadline before the
  // first request, a cap per address on connections without a token, and
  // a share of the slots only connections with a valid token may use.
  server_options.reserved_for_authenticated = static_cast<size_t>(config.reserved_connections);
  server_options.max_unauthenticated_per_peer =
      static_cast<size_t>(config.max_unauthenticated_per_peer);
  server_options.first_request_timeout =
      std::chrono::milliseconds(config.first_request_timeout_ms);
  server_options.authenticates = [&api](const HttpRequest& request) {
    return api.HasCredentials(request);
  };
  server_options.threads = static_cast<int>(config.threads);
  server_options.read_timeout = std::chrono::milliseconds(config.read_timeout_ms);
  server_options.write_timeout = std::chrono::milliseconds(config.read_timeout_ms);
  if (!config.tls_cert_file.empty()) {
    server_options.tls = TlsServerFiles{config.tls_cert_file, config.tls_key_file};
  }
  const bool log_all = config.log_level == "info";
  server_options.on_request = [log_all](const HttpRequest& request, const HttpResponse& response,
                                        std::chrono::microseconds took) {
    LogRequest(log_all, request, response, took);
  };
  // Installed before the "listening" line: a SIGTERM sent as soon as a
  // supervisor (or test) reads it must stop us gracefully, not kill us.
  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);
  Result<std::unique_ptr<HttpServer>> http = HttpServer::Start(
      server_options, [&api](const HttpRequest& request) { return api.Handle(request); });
  if (!http.ok()) return Fail(http.status());

  // Tests and scripts read the bound port from this line (with --listen :0).
  const patron::Endpoint bound{endpoint->host, (*http)->port()};
  std::printf("patron-sync listening on %s\n", bound.ToString().c_str());
  std::fflush(stdout);
  Log("info", std::string(server_options.tls ? "HTTPS" : "plain HTTP") + ", data " +
                  config.DatabasePath() + ", epoch " + (*store)->epoch() + ", chain key " +
                  ChainKeyFingerprint(config.chain_key));

  signals.async_wait([&](const boost::system::error_code&, int signal) {
    Log("info", "signal " + std::to_string(signal) + ": finishing in-flight requests");
    (*http)->Stop();
  });
  signals_io.run();
  http->reset();
  snapshots.Stop();
  folds.Stop();
  Log("info", "stopped");
  return 0;
}
