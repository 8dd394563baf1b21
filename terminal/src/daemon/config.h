// patrond's configuration: a JSON file, overridden by command-line flags,
// over documented defaults (README "Configuration").
#ifndef PATRON_TERMINAL_SRC_DAEMON_CONFIG_H_
#define PATRON_TERMINAL_SRC_DAEMON_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/status.h"

namespace patron::terminal {

struct DaemonConfig {
  std::string data_dir = "/var/lib/patron";
  std::string listen = "127.0.0.1:7420";
  // patrond serves the till on the same box; listening elsewhere exposes
  // members' data to the network and needs this explicit consent.
  bool allow_non_loopback = false;
  std::string terminal_id;
  std::string store_id;
  std::string server;  // sync server URL (https:// or http://); empty = offline only
  // The CA certificate (PEM) that signed the sync server's: required for an
  // https:// server, whose certificate must also name its host.
  std::string ca_file;
  // Plain http:// to a sync server that is not on this machine would carry
  // the token and members' details in clear text: refused without this.
  bool allow_plain_http = false;
  std::string token;   // bearer token issued by the sync server
  // Secrets may come from files read at start (a file wins over the value):
  // the command line is visible to every local user in /proc/<pid>/cmdline.
  std::string token_file;
  std::string chain_key;  // empty = the documented demo key
  std::string chain_key_file;
  // When set (or metrics_token_file), GET /metrics needs it as a bearer
  // token; empty: /metrics is open to the machine, as before.
  std::string metrics_token;
  std::string metrics_token_file;
  std::string default_country_code = "1";
  int64_t sync_interval_ms = 30'000;
  int64_t body_limit = 64 * 1024;
  int64_t max_connections = 64;
  // From accept, a new connection must have sent its first request's header
  // within this. With max_connections reached, a newcomer takes the slot of
  // the connection silent longest (patron/http/server.h), so silent sockets
  // cannot lock the POS out.
  int64_t first_request_timeout_ms = 5'000;
  std::string log_level = "info";  // "info" logs every request; "warn" only problems

  std::string DatabasePath() const { return data_dir + "/terminal.db"; }
};

// Reads a config file; unknown keys and wrong types are errors naming the key.
Result<DaemonConfig> LoadConfigFile(const std::string& path, DaemonConfig base = {});
// The file form of `config` (what `patron init` writes).
std::string ConfigToJson(const DaemonConfig& config);
// Reads the *_file secrets of `config` into their values; warnings for
// files other users may read.
Status ReadSecretFiles(DaemonConfig& config, std::vector<std::string>& warnings);
// Checks the combined configuration: required ids, a loopback listen address
// unless allowed, positive limits.
Status ValidateConfig(const DaemonConfig& config);


}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_DAEMON_CONFIG_H_
