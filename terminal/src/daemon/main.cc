// patrond: the POS-facing daemon of one terminal. Serves the local API on
// loopback over the terminal engine; stops gracefully on SIGTERM/SIGINT
// (stop accepting, finish in-flight requests, close the database, exit 0).
//
// After an unclean stop (its marker file left behind: killed, crashed, power
// cut) it checks terminal.db before serving it, and refuses to serve one that
// fails (exit 3): a damaged replica would show wrong balances and take sales
// on top. `--check` checks and exits; `--recover` rebuilds a damaged
// database from what is this terminal's own and head office
// (patron/terminal/database_repair.h).
#include <CLI/CLI.hpp>
#include <malloc.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>
#include <vector>

#include "api/local_api.h"
#include "daemon/config.h"
#include "daemon/sync_loop.h"
#include "patron/terminal/database_repair.h"
#include "patron/terminal/http_sync_transport.h"
#include "patron/http/client.h"
#include "patron/http/server.h"
#include "patron/http/listen.h"
#include "patron/hlc.h"
#include "patron/log.h"
#include "patron/member_id.h"
#include "patron/private_files.h"

namespace {

using namespace patron;
using namespace patron::terminal;

int Fail(const Status& status) {
  Log("error", status.ToString());
  return 1;
}

// patrond's exit status when terminal.db fails its check.
constexpr int kDamagedDatabase = 3;

// Checks the database; logs what is wrong. Returns 0, kDamagedDatabase, or 1
// if it cannot be read at all.
int CheckDatabase(const std::string& db_path) {
  Result<DatabaseProblems> found = CheckTerminalDatabase(db_path);
  if (!found.ok()) return Fail(found.status());
  if (found->ok()) {
    Log("info", db_path + " passed its integrity check");
    return 0;
  }
  for (const std::string& problem : found->problems) Log("error", db_path + ": " + problem);
  Log("error", db_path +
                   " is damaged and is not served: its balances cannot be trusted. Rebuild it "
                   "with `patrond --recover` (same configuration): it keeps this terminal's "
                   "journal, sales and refunds and pulls the members again from head office");
  return kDamagedDatabase;
}

int Recover(const TerminalOptions& options) {
  Result<RecoveryReport> report = RecoverTerminalDatabase(options, SystemWallClockMs());
  if (!report.ok()) return Fail(report.status());
  Log("info", "rebuilt " + options.db_path + ": kept " + std::to_string(report->entries) +
                  " journal entries, " + std::to_string(report->sales) + " sales, " +
                  std::to_string(report->refunds) + " refunds and " +
                  std::to_string(report->records) + " outbox records; " +
                  std::to_string(report->members) +
                  " members will be pulled again from head office at the next sync; the "
                  "damaged file is " + report->damaged_path);
  return 0;
}

// The file that says patrond is running on a data directory: left behind
// by anything but a clean stop, which removes it.
class RunningMarker {
 public:
  explicit RunningMarker(std::string path) : path_(std::move(path)) {}
  bool present() const { return std::filesystem::exists(path_); }
  // The patrond that placed it, if it still runs (its pid names a live
  // patrond): then the data directory is in use.
  std::optional<int> LiveHolder() const {
    int pid = 0;
    if (std::FILE* file = std::fopen(path_.c_str(), "r")) {
      if (std::fscanf(file, "%d", &pid) != 1) pid = 0;
      std::fclose(file);
    }
    if (pid <= 0 || pid == static_cast<int>(getpid())) return std::nullopt;
    std::FILE* comm = std::fopen(("/proc/" + std::to_string(pid) + "/comm").c_str(), "r");
    if (comm == nullptr) return std::nullopt;
    char name[32] = {};
    const bool patrond = std::fgets(name, sizeof name, comm) != nullptr &&
                         std::string_view(name).starts_with("patrond");
    std::fclose(comm);
    return patrond ? std::optional<int>(pid) : std::nullopt;
  }
  // After a recovery: the database is sound, nothing to check at the next start.
  void Clear() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  Status Place() {
    std::FILE* file = std::fopen(path_.c_str(), "w");
    if (file == nullptr) return Status::IOError("cannot create " + path_);
    std::fprintf(file, "%d\n", static_cast<int>(getpid()));
    if (std::fclose(file) != 0) return Status::IOError("cannot write " + path_);
    placed_ = true;
    return Status::OK();
  }
  ~RunningMarker() {
    std::error_code ec;
    if (placed_) std::filesystem::remove(path_, ec);
  }

 private:
  std::string path_;
  bool placed_ = false;
};

// Sets glibc malloc up for a long-running daemon that serves small requests.
void TuneMalloc() {
  // One malloc arena for every thread. patrond's threads rarely allocate at
  // the same moment, and with an arena each, the memory a large pull freed on
  // the sync threads stayed theirs: ~25 MiB of an idle daemon's RSS after a
  // first sync of a million members. With one, malloc_trim gives it back.
  mallopt(M_ARENA_MAX, 1);
  // Keep the heap's top when a request frees it. With the default 128 KiB
  // trim threshold, most checkouts shrank the heap with brk on the way out and
  // grew it again (and page-faulted it back in) on the next request: ~0.7 brk
  // calls per checkout and ~50 us of its latency on a VM. Free memory at the
  // top of the heap is kept up to the threshold; after a large pull, the sync
  // loop's explicit malloc_trim still hands everything free back.
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  mallopt(M_TOP_PAD, 1 << 20);
  // Fixing the trim threshold also fixes the mmap threshold (glibc stops
  // adapting it); at 4 MiB, only a large pull's page buffers are mmapped.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  // Everything patrond creates (terminal.db, its WAL, a recovered copy) is
  // for the service's user only, whatever umask it was started with.
  ::umask(kPrivateUmask);
  TuneMalloc();
  CLI::App app{"patrond: Patron's terminal daemon (local loyalty API for the POS)"};
  std::string config_path;
  DaemonConfig flags;
  app.add_option("--config", config_path, "JSON config file (flags override it)");
  auto* data_dir = app.add_option("--data-dir", flags.data_dir, "directory of terminal.db");
  auto* listen = app.add_option("--listen", flags.listen, "host:port of the local API (loopback)");
  auto* terminal_id = app.add_option("--terminal-id", flags.terminal_id, "e.g. S001-T01");
  auto* store_id = app.add_option("--store-id", flags.store_id, "e.g. S001");
  auto* server = app.add_option("--server", flags.server, "sync server URL");
  // Secrets on the command line are readable by every local user
  // (/proc/<pid>/cmdline, ps): the help says so and offers files instead.
  auto* token = app.add_option(
      "--token", flags.token,
      "bearer token from the sync server; visible to other users in ps: prefer --token-file, "
      "token_file in the config file, or env PATRON_TERMINAL_TOKEN");
  auto* token_file = app.add_option("--token-file", flags.token_file,
                                    "file holding the sync server's bearer token (mode 0600)");
  auto* ca_file = app.add_option("--ca-file", flags.ca_file,
                                 "CA certificate (PEM) that signed the https:// sync server's");
  auto* allow_plain = app.add_flag("--allow-plain-http", flags.allow_plain_http,
                                   "allow a plain http:// sync server off this machine");
  auto* chain_key = app.add_option(
      "--chain-key", flags.chain_key,
      "chain key (default: demo key); visible to other users in ps: prefer --chain-key-file or "
      "env PATRON_CHAIN_KEY");
  auto* chain_key_file =
      app.add_option("--chain-key-file", flags.chain_key_file, "file holding the chain key");
  auto* metrics_token_file = app.add_option(
      "--metrics-token-file", flags.metrics_token_file,
      "file holding a token GET /metrics then requires (or env PATRON_METRICS_TOKEN)");
  auto* country = app.add_option("--country-code", flags.default_country_code,
                                 "default phone country calling code");
  auto* allow = app.add_flag("--allow-non-loopback", flags.allow_non_loopback,
                             "allow listening on a non-loopback address");
  auto* log_level = app.add_option("--log-level", flags.log_level, "info or warn");
  bool check_only = false;
  bool recover = false;
  app.add_flag("--check", check_only,
               "check terminal.db and exit: 0 sound, 3 damaged (patrond must not be running)");
  app.add_flag("--recover", recover,
               "rebuild a damaged terminal.db (keeps the journal, sales, refunds and outbox; "
               "members are pulled again) and exit (patrond must not be running)");
  CLI11_PARSE(app, argc, argv);

  DaemonConfig config;
  if (!config_path.empty()) {
    Result<DaemonConfig> loaded = LoadConfigFile(config_path);
    if (!loaded.ok()) return Fail(loaded.status());
    config = *loaded;
  }
  // The environment wins over the file, flags over both; a secret's file
  // wins over its value given at the same level.
  for (auto [name, value, file] :
       {std::tuple{"PATRON_TERMINAL_TOKEN", &config.token, &config.token_file},
        std::tuple{"PATRON_METRICS_TOKEN", &config.metrics_token, &config.metrics_token_file},
        std::tuple{"PATRON_CHAIN_KEY", &config.chain_key, &config.chain_key_file}}) {
    if (const char* env = std::getenv(name); env != nullptr && *env != '\0') {
      *value = env;
      file->clear();
    }
  }
  if (*data_dir) config.data_dir = flags.data_dir;
  if (*listen) config.listen = flags.listen;
  if (*terminal_id) config.terminal_id = flags.terminal_id;
  if (*store_id) config.store_id = flags.store_id;
  if (*server) config.server = flags.server;
  if (*token) {
    config.token = flags.token;
    config.token_file.clear();
  }
  if (*token_file) config.token_file = flags.token_file;
  if (*chain_key_file) config.chain_key_file = flags.chain_key_file;
  if (*metrics_token_file) config.metrics_token_file = flags.metrics_token_file;
  if (*ca_file) config.ca_file = flags.ca_file;
  if (*allow_plain) config.allow_plain_http = true;
  if (*chain_key) {
    config.chain_key = flags.chain_key;
    if (!*chain_key_file) config.chain_key_file.clear();
  }
  if (*country) config.default_country_code = flags.default_country_code;
  if (*allow) config.allow_non_loopback = true;
  if (*log_level) config.log_level = flags.log_level;
  std::vector<std::string> warnings;
  if (Status read = ReadSecretFiles(config, warnings); !read.ok()) return Fail(read);
  if (Status valid = ValidateConfig(config); !valid.ok()) return Fail(valid);

  // Members' data: the data directory is ours alone (0700), terminal.db and
  // what SQLite creates beside it 0600.
  if (Status made = MakePrivateDirectory(config.data_dir, warnings); !made.ok()) {
    return Fail(made);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    MakePrivateFile(config.DatabasePath() + suffix, warnings);
  }
  for (const std::string& warning : warnings) Log("warn", warning);

  TerminalOptions options;
  options.db_path = config.DatabasePath();
  options.terminal_id = config.terminal_id;
  options.store_id = config.store_id;
  if (!config.chain_key.empty()) options.chain_key = config.chain_key;
  options.default_country_code = config.default_country_code;
  options.background_checkpoints = true;  // no checkout waits for a checkpoint
  // A database created here (a new or replaced till) writes no points
  // before head office has said which journal ids this terminal used.
  options.await_journal_mark = !config.server.empty();
  RunningMarker marker((std::filesystem::path(config.data_dir) / "patrond.running").string());
  if (const std::optional<int> holder = marker.LiveHolder()) {
    return Fail(Status::FailedPrecondition("patrond (pid " + std::to_string(*holder) +
                                               ") is running on " + config.data_dir +
                                               "; stop it first",
                                           "data_dir_in_use"));
  }
  if (check_only) return CheckDatabase(options.db_path);
  if (recover) {
    const int recovered = Recover(options);
    if (recovered == 0) marker.Clear();
    return recovered;
  }
  if (marker.present() && std::filesystem::exists(options.db_path)) {
    Log("warn", "patrond did not stop cleanly last time: checking " + options.db_path +
                    " before serving it");
    if (const int checked = CheckDatabase(options.db_path); checked != 0) return checked;
  }
  Result<std::unique_ptr<Terminal>> terminal = Terminal::Open(options);
  if (!terminal.ok()) return Fail(terminal.status());
  if (Status placed = marker.Place(); !placed.ok()) return Fail(placed);
  if (config.chain_key.empty()) {
    Log("warn", "using the demo chain key; configure chain_key for production");
  }

  // With a sync server: a background loop, online redemption, sync on demand.
  std::unique_ptr<SyncLoop> sync;
  SyncHooks hooks;
  if (!config.server.empty()) {
    Result<ServerUrl> server = ParseServerUrl(config.server);
    if (!server.ok()) return Fail(server.status());
    std::optional<TlsClientFiles> tls;
    if (server->https) tls = TlsClientFiles{config.ca_file};
    SyncLoopOptions sync_options;
    sync_options.server = config.server;
    sync_options.interval = std::chrono::milliseconds(config.sync_interval_ms);
    sync_options.log = [](const std::string& level, const std::string& message) {
      Log(level, message);
    };
    sync = std::make_unique<SyncLoop>(
        **terminal,
        std::make_unique<HttpSyncTransport>(server->endpoint, config.token,
                                            std::chrono::seconds(30), tls),
        // A checkout waits at most this long for the server's authorisation.
        std::make_unique<HttpSyncTransport>(server->endpoint, config.token,
                                            std::chrono::seconds(2), tls),
        std::move(sync_options));
    SyncLoop* loop = sync.get();
    hooks.info = [loop] { return loop->Info(); };
    hooks.sync_now = [loop] { return loop->SyncNow(); };
    hooks.request_grant = [loop](std::string_view member, int64_t points, std::string_view id) {
      return loop->RequestGrant(member, points, id);
    };
    hooks.claim_return = [loop](const sync::ReturnClaimRequest& request) {
      return loop->ClaimReturn(request);
    };
    hooks.claim_voucher = [loop](const sync::VoucherClaimRequest& request) {
      return loop->ClaimVoucher(request);
    };
    hooks.claim_stock = [loop](const sync::StockClaimRequest& request) {
      return loop->ClaimStock(request);
    };
    hooks.after_write = [loop] { loop->Trigger(); };
  } else {
    Log("info", "no sync server configured (--server): working offline only");
  }
  LocalApi api(**terminal, hooks, config.metrics_token);
  Result<Endpoint> endpoint = ParseListenAddress(config.listen);
  if (!endpoint.ok()) return Fail(endpoint.status());
  HttpServerOptions server_options;
  server_options.host = endpoint->host;
  server_options.port = endpoint->port;
  server_options.body_limit = static_cast<size_t>(config.body_limit);
  server_options.max_connections = static_cast<size_t>(config.max_connections);
  // The POS presents no credentials and every client is on this machine
  // (one peer), so neither a reserve nor a per-peer cap can tell the POS
  // from a local program holding sockets open. What protects it: a short
  // deadline for the first request, and at capacity the newcomer takes the
  // slot of the connection silent longest, never one that has completed a
  // request (the POS's kept-alive connection) nor one mid-request.
  server_options.first_request_timeout =
      std::chrono::milliseconds(config.first_request_timeout_ms);
  // One I/O thread: the engine serialises its calls anyway and a till has one
  // POS, while a second thread only adds a hand-over (futex, wake-up) to every
  // request: 30-50 us of a checkout's overhead (docs/BENCHMARKS.md).
  server_options.threads = 1;
  const bool log_requests = config.log_level == "info";
  server_options.on_request = [log_requests](const HttpRequest& request,
                                             const HttpResponse& response,
                                             std::chrono::microseconds took) {
    if (!log_requests && response.status < 500) return;
    Log(response.status >= 500 ? "error" : "info",
        request.method + " " + request.path + " " + std::to_string(response.status) + " " +
            std::to_string(took.count()) + "us");
  };
  Result<std::unique_ptr<HttpServer>> http = HttpServer::Start(
      server_options, [&api](const HttpRequest& request) { return api.Handle(request); });
  if (!http.ok()) return Fail(http.status());

  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    Log("info", "signal " + std::to_string(signal) + ": finishing in-flight requests");
    (*http)->Stop();
  });
  // Tests and scripts read the bound port from this line (with --listen :0);
  // the signal handler above is already in place when they see it.
  std::printf("patrond %s listening on %s:%u\n", config.terminal_id.c_str(),
              endpoint->host.c_str(), static_cast<unsigned>((*http)->port()));
  std::fflush(stdout);
  if (sync) sync->Start();
  Log("info", "terminal " + config.terminal_id + " of store " + config.store_id + ", data " +
                  options.db_path + ", chain key " + ChainKeyFingerprint(options.chain_key));

  signals_io.run();
  http->reset();
  sync.reset();  // finishes a round in progress
  terminal->reset();  // closes the database cleanly
  Log("info", "stopped");
  return 0;
}
