#include "http/config.h"

#include <utility>

#include "patron/config_file.h"
#include "patron/http/listen.h"
#include "patron/private_files.h"

namespace patron::sync {
Result<ServerConfig> LoadConfigFile(const std::string& path, ServerConfig c) {
  PATRON_ASSIGN_OR_RETURN(ConfigFile file, ConfigFile::Load(path, {"data_dir",
                                                                   "listen",
                                                                   "allow_non_loopback",
                                                                   "tls_cert_file",
                                                                   "tls_key_file",
                                                                   "allow_plain_http",
                                                                   "admin_token",
                                                                   "admin_token_file",
                                                                   "chain_key",
                                                                   "chain_key_file",
                                                                   "metrics_token",
                                                                   "metrics_token_file",
                                                                   "log_level",
                                                                   "max_connections",
                                                                   "reserved_connections",
                                                                   "max_unauthenticated_per_peer",
                                                                   "first_request_timeout_ms",
                                                                   "threads",
                                                                   "read_timeout_ms",
                                                                   "snapshot_min_changes",
                                                                   "snapshot_min_interval_ms",
                                                                   "fold_max_lag_ms",
                                                                   "dashboard_dir",
                                                                   "dashboard_vendor_dir",
                                                                   "session_idle_ms",
                                                                   "session_max_ms",
                                                                   "case_first_response_ms",
                                                                   "case_resolution_ms",
                                                                   "case_goodwill_max_points"}));
  PATRON_RETURN_IF_ERROR(file.Get("data_dir", c.data_dir));
  PATRON_RETURN_IF_ERROR(file.Get("listen", c.listen));
  PATRON_RETURN_IF_ERROR(file.Get("allow_non_loopback", c.allow_non_loopback));
  PATRON_RETURN_IF_ERROR(file.Get("tls_cert_file", c.tls_cert_file));
  PATRON_RETURN_IF_ERROR(file.Get("tls_key_file", c.tls_key_file));
  PATRON_RETURN_IF_ERROR(file.Get("allow_plain_http", c.allow_plain_http));
  PATRON_RETURN_IF_ERROR(file.Get("admin_token", c.admin_token));
  PATRON_RETURN_IF_ERROR(file.Get("admin_token_file", c.admin_token_file));
  PATRON_RETURN_IF_ERROR(file.Get("chain_key", c.chain_key));
  PATRON_RETURN_IF_ERROR(file.Get("chain_key_file", c.chain_key_file));
  PATRON_RETURN_IF_ERROR(file.Get("metrics_token", c.metrics_token));
  PATRON_RETURN_IF_ERROR(file.Get("metrics_token_file", c.metrics_token_file));
  PATRON_RETURN_IF_ERROR(file.Get("log_level", c.log_level));
  PATRON_RETURN_IF_ERROR(file.Get("max_connections", c.max_connections));
  PATRON_RETURN_IF_ERROR(file.Get("reserved_connections", c.reserved_connections));
  PATRON_RETURN_IF_ERROR(
      file.Get("max_unauthenticated_per_peer", c.max_unauthenticated_per_peer));
  PATRON_RETURN_IF_ERROR(file.Get("first_request_timeout_ms", c.first_request_timeout_ms));
  PATRON_RETURN_IF_ERROR(file.Get("threads", c.threads));
  PATRON_RETURN_IF_ERROR(file.Get("read_timeout_ms", c.read_timeout_ms));
  PATRON_RETURN_IF_ERROR(file.Get("snapshot_min_changes", c.snapshot_min_changes));
  PATRON_RETURN_IF_ERROR(file.Get("snapshot_min_interval_ms", c.snapshot_min_interval_ms));
  PATRON_RETURN_IF_ERROR(file.Get("fold_max_lag_ms", c.fold_max_lag_ms));
  PATRON_RETURN_IF_ERROR(file.Get("dashboard_dir", c.dashboard_dir));
  PATRON_RETURN_IF_ERROR(file.Get("dashboard_vendor_dir", c.dashboard_vendor_dir));
  PATRON_RETURN_IF_ERROR(file.Get("session_idle_ms", c.session_idle_ms));
  PATRON_RETURN_IF_ERROR(file.Get("session_max_ms", c.session_max_ms));
  PATRON_RETURN_IF_ERROR(file.Get("case_first_response_ms", c.case_first_response_ms));
  PATRON_RETURN_IF_ERROR(file.Get("case_resolution_ms", c.case_resolution_ms));
  PATRON_RETURN_IF_ERROR(file.Get("case_goodwill_max_points", c.case_goodwill_max_points));
  return c;
}

Status ReadSecretFiles(ServerConfig& c, std::vector<std::string>& warnings) {
  for (auto [file, value] : {std::pair{&c.admin_token_file, &c.admin_token},
                             std::pair{&c.chain_key_file, &c.chain_key},
                             std::pair{&c.metrics_token_file, &c.metrics_token}}) {
    if (file->empty()) continue;
    PATRON_ASSIGN_OR_RETURN(*value, ReadSecretFile(*file, warnings));
  }
  return Status::OK();
}

Status ValidateConfig(const ServerConfig& c) {
  if (c.admin_token.empty()) {
    return Status::InvalidArgument(
        "an admin token is required (--admin-token-file, PATRON_ADMIN_TOKEN, or admin_token "
        "or admin_token_file in the config file)",
        "invalid_config");
  }
  if (c.data_dir.empty()) return Status::InvalidArgument("data_dir is empty", "invalid_config");
  PATRON_ASSIGN_OR_RETURN(Endpoint endpoint, ParseListenAddress(c.listen));
  if (!c.allow_non_loopback && !IsLoopbackHost(endpoint.host)) {
    return Status::InvalidArgument(
        "refusing to listen on " + c.listen +
            ": not a loopback address (pass --allow-non-loopback to serve the stores' network)",
        "invalid_config");
  }
  if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
    return Status::InvalidArgument("HTTPS needs both tls_cert_file and tls_key_file",
                                   "invalid_config");
  }
  if (c.tls_cert_file.empty() && !c.allow_plain_http && !IsLoopbackHost(endpoint.host)) {
    return Status::InvalidArgument(
        "refusing plain HTTP on " + c.listen +
            ": terminal and admin tokens, the chain key and members' details would cross the "
            "network in clear text; give --tls-cert and --tls-key (or --allow-plain-http "
            "behind a TLS-terminating proxy)",
        "invalid_config");
  }
  if (c.reserved_connections < 0 || c.reserved_connections >= c.max_connections ||
      c.max_unauthenticated_per_peer < 0 || c.first_request_timeout_ms < 100) {
    return Status::InvalidArgument(
        "reserved_connections must be 0..max_connections-1, max_unauthenticated_per_peer >= 0 "
        "(0: no limit), first_request_timeout_ms >= 100",
        "invalid_config");
  }
  if (c.max_connections < 1 || c.threads < 1 || c.threads > 64 || c.read_timeout_ms < 1000 ||
      c.snapshot_min_changes < 0 || c.snapshot_min_interval_ms < 0 || c.fold_max_lag_ms < 0) {
    return Status::InvalidArgument(
        "max_connections must be >= 1, threads 1..64, read_timeout_ms >= 1000, "
        "snapshot_min_changes, snapshot_min_interval_ms and fold_max_lag_ms >= 0",
        "invalid_config");
  }
  if (c.session_idle_ms < 1000 || c.session_max_ms < c.session_idle_ms) {
    return Status::InvalidArgument("session_idle_ms must be >= 1000 and session_max_ms >= it",
                                   "invalid_config");
  }
  if (c.case_first_response_ms < 60'000 || c.case_resolution_ms < c.case_first_response_ms ||
      c.case_goodwill_max_points < 0) {
    return Status::InvalidArgument(
        "case_first_response_ms must be >= 60000, case_resolution_ms >= it, "
        "case_goodwill_max_points >= 0",
        "invalid_config");
  }
  if (c.log_level != "info" && c.log_level != "warn") {
    return Status::InvalidArgument("log_level must be info or warn", "invalid_config");
  }
  return Status::OK();
}

}  // namespace patron::sync
