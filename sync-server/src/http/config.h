// patron-sync's configuration: a JSON file, overridden by the environment
// (PATRON_ADMIN_TOKEN, PATRON_METRICS_TOKEN, PATRON_CHAIN_KEY) and
// command-line flags, over documented defaults. Secrets may come from files
// (*_file keys, --*-file flags): the command line is visible to every local
// user in /proc/<pid>/cmdline.
#ifndef PATRON_SYNC_SERVER_SRC_HTTP_CONFIG_H_
#define PATRON_SYNC_SERVER_SRC_HTTP_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "patron/status.h"

// Where `cmake --install` puts the dashboard (sync-server/CMakeLists.txt
// defines it for patron-sync from the install prefix).
#ifndef PATRON_DASHBOARD_DIR
#define PATRON_DASHBOARD_DIR "/usr/share/patron-sync/dashboard"
#endif

namespace patron::sync {

struct ServerConfig {
  std::string data_dir = "/var/lib/patron-sync";
  std::string listen = "127.0.0.1:7430";
  // Head office usually serves its stores over the network, but that is a
  // decision to state, not a default: without this, only loopback.
  bool allow_non_loopback = false;
  // HTTPS (PEM files): the server's certificate chain and its key. Without
  // them the server speaks plain HTTP, which on a non-loopback address would
  // carry tokens, the chain key and members' details in clear text: refused
  // unless allow_plain_http says so (a TLS-terminating proxy in front).
  std::string tls_cert_file;
  std::string tls_key_file;
  bool allow_plain_http = false;
  std::string admin_token;         // required (here or in admin_token_file)
  std::string admin_token_file;    // read at start; wins over admin_token
  std::string chain_key;           // empty = the documented demo key (with a warning)
  std::string chain_key_file;      // read at start; wins over chain_key
  // When set (or metrics_token_file), GET /metrics needs it as a bearer
  // token; empty: /metrics is open.
  std::string metrics_token;
  std::string metrics_token_file;
  std::string log_level = "info";  // "info" logs every request; "warn" only problems
  int64_t max_connections = 256;
  // Of max_connections, kept for connections that presented a valid token
  // (tills, head office, a metrics scraper with its token): silent or slow
  // sockets cannot take them (patron/http/server.h, "Connection limits").
  int64_t reserved_connections = 64;
  // Connections one address may hold before presenting a token; beyond, its
  // own longest-silent connection makes room. A store behind NAT is one
  // address: leave room for its tills connecting at once.
  int64_t max_unauthenticated_per_peer = 32;
  // From accept, a new connection's TLS handshake and first request header
  // must be done within this.
  int64_t first_request_timeout_ms = 5'000;
  // I/O threads, which also run the handlers (SQLite work; writes wait for
  // each other, reads do not).
  int64_t threads = 4;
  // Bounds each read phase of a request: a 32 MiB push over a slow store
  // link needs more than the default 15 s.
  int64_t read_timeout_ms = 120'000;
  // A new member snapshot for bootstrapping terminals is built once the
  // store has moved this many sequence numbers (entries and member changes)
  // past the last one; 0: no snapshots (terminals pull page by page).
  int64_t snapshot_min_changes = 50'000;
  // ... but not sooner than this after the previous build began.
  int64_t snapshot_min_interval_ms = 60'000;
  // Pushes are acknowledged once stored; a background fold folds them into
  // the member rows other terminals pull, as soon as pushes pause, and
  // during a burst once the oldest change waiting is this old.
  int64_t fold_max_lag_ms = 30'000;
  // The dashboard's files (served under /dashboard/), where CMake's
  // install() puts them; and the directory of Debian's libjs-* packages,
  // served under /dashboard/vendor/ (Chart.js: chart.js/chart.min.js).
  std::string dashboard_dir = PATRON_DASHBOARD_DIR;
  std::string dashboard_vendor_dir = "/usr/share/javascript";
  // A dashboard session ends after this long without a request, and this
  // long after its login whatever happens.
  int64_t session_idle_ms = 30 * 60 * 1000;
  int64_t session_max_ms = 12 * 60 * 60 * 1000;
  // How soon a complaint case must have its first reply and be resolved
  // (SLA time: on hold and resolved time excluded; case_flow.h).
  int64_t case_first_response_ms = 24LL * 60 * 60 * 1000;
  int64_t case_resolution_ms = 72LL * 60 * 60 * 1000;
  // The most goodwill points a non-admin may give in one compensation.
  int64_t case_goodwill_max_points = 500;

  std::string DatabasePath() const { return data_dir + "/server.db"; }
  std::string SnapshotDir() const { return data_dir + "/snapshots"; }
};

// Reads a config file; unknown keys and wrong types are errors naming the key.
Result<ServerConfig> LoadConfigFile(const std::string& path, ServerConfig base = {});
// Reads the *_file secrets of `config` into their values (a file wins over
// the value); warnings for files other users may read.
Status ReadSecretFiles(ServerConfig& config, std::vector<std::string>& warnings);
// Checks the combined configuration: an admin token, a loopback listen
// address unless allowed, sane limits and log level.
Status ValidateConfig(const ServerConfig& config);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_HTTP_CONFIG_H_
