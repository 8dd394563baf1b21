#include "daemon/config.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>

#include "patron/config_file.h"
#include "patron/http/listen.h"
#include "patron/private_files.h"

namespace patron::terminal {

Result<DaemonConfig> LoadConfigFile(const std::string& path, DaemonConfig c) {
  PATRON_ASSIGN_OR_RETURN(
      ConfigFile file,
      ConfigFile::Load(path, {"data_dir", "listen", "allow_non_loopback", "terminal_id",
                              "store_id", "server", "ca_file", "allow_plain_http", "token",
                              "token_file", "chain_key", "chain_key_file", "metrics_token",
                              "metrics_token_file", "default_country_code",
                              "sync_interval_ms", "body_limit", "max_connections",
                              "first_request_timeout_ms", "log_level"}));
  PATRON_RETURN_IF_ERROR(file.Get("data_dir", c.data_dir));
  PATRON_RETURN_IF_ERROR(file.Get("listen", c.listen));
  PATRON_RETURN_IF_ERROR(file.Get("allow_non_loopback", c.allow_non_loopback));
  PATRON_RETURN_IF_ERROR(file.Get("terminal_id", c.terminal_id));
  PATRON_RETURN_IF_ERROR(file.Get("store_id", c.store_id));
  PATRON_RETURN_IF_ERROR(file.Get("server", c.server));
  PATRON_RETURN_IF_ERROR(file.Get("ca_file", c.ca_file));
  PATRON_RETURN_IF_ERROR(file.Get("allow_plain_http", c.allow_plain_http));
  PATRON_RETURN_IF_ERROR(file.Get("token", c.token));
  PATRON_RETURN_IF_ERROR(file.Get("token_file", c.token_file));
  PATRON_RETURN_IF_ERROR(file.Get("chain_key", c.chain_key));
  PATRON_RETURN_IF_ERROR(file.Get("chain_key_file", c.chain_key_file));
  PATRON_RETURN_IF_ERROR(file.Get("metrics_token", c.metrics_token));
  PATRON_RETURN_IF_ERROR(file.Get("metrics_token_file", c.metrics_token_file));
  PATRON_RETURN_IF_ERROR(file.Get("default_country_code", c.default_country_code));
  PATRON_RETURN_IF_ERROR(file.Get("sync_interval_ms", c.sync_interval_ms));
  PATRON_RETURN_IF_ERROR(file.Get("body_limit", c.body_limit));
  PATRON_RETURN_IF_ERROR(file.Get("max_connections", c.max_connections));
  PATRON_RETURN_IF_ERROR(file.Get("first_request_timeout_ms", c.first_request_timeout_ms));
  PATRON_RETURN_IF_ERROR(file.Get("log_level", c.log_level));
  return c;
}

std::string ConfigToJson(const DaemonConfig& c) {
  nlohmann::json doc = {{"data_dir", c.data_dir},
                              {"listen", c.listen},
                              {"allow_non_loopback", c.allow_non_loopback},
                              {"terminal_id", c.terminal_id},
                              {"store_id", c.store_id},
                              {"server", c.server},
                              {"ca_file", c.ca_file},
                              {"allow_plain_http", c.allow_plain_http},
                              {"token", c.token},
                              {"chain_key", c.chain_key},
                              {"default_country_code", c.default_country_code},
                              {"sync_interval_ms", c.sync_interval_ms},
                              {"body_limit", c.body_limit},
                              {"max_connections", c.max_connections},
                              {"log_level", c.log_level}};
  // Only when used: files written before these keys existed stay the same.
  if (!c.token_file.empty()) doc["token_file"] = c.token_file;
  if (!c.chain_key_file.empty()) doc["chain_key_file"] = c.chain_key_file;
  if (!c.metrics_token_file.empty()) doc["metrics_token_file"] = c.metrics_token_file;
  return doc.dump(2) + "\n";
}

Status ReadSecretFiles(DaemonConfig& c, std::vector<std::string>& warnings) {
  for (auto [file, value] : {std::pair{&c.token_file, &c.token},
                             std::pair{&c.chain_key_file, &c.chain_key},
                             std::pair{&c.metrics_token_file, &c.metrics_token}}) {
    if (file->empty()) continue;
    PATRON_ASSIGN_OR_RETURN(*value, ReadSecretFile(*file, warnings));
  }
  return Status::OK();
}

Status ValidateConfig(const DaemonConfig& c) {
  if (c.terminal_id.empty()) {
    return Status::InvalidArgument("terminal_id is required (--terminal-id)", "invalid_config");
  }
  if (c.store_id.empty()) {
    return Status::InvalidArgument("store_id is required (--store-id)", "invalid_config");
  }
  if (c.data_dir.empty()) return Status::InvalidArgument("data_dir is empty", "invalid_config");
  PATRON_ASSIGN_OR_RETURN(Endpoint endpoint, ParseListenAddress(c.listen));
  if (!c.allow_non_loopback && !IsLoopbackHost(endpoint.host)) {
    return Status::InvalidArgument(
        "refusing to listen on " + c.listen +
            ": not a loopback address (pass --allow-non-loopback if you really mean it)",
        "invalid_config");
  }
  if (!c.server.empty()) {
    PATRON_ASSIGN_OR_RETURN(ServerUrl server, ParseServerUrl(c.server));
    if (server.https && c.ca_file.empty()) {
      return Status::InvalidArgument(
          "an https:// sync server needs ca_file (--ca-file): the CA certificate that signed "
          "its certificate",
          "invalid_config");
    }
    if (server.https && !std::filesystem::is_regular_file(c.ca_file)) {
      return Status::InvalidArgument("ca_file " + c.ca_file + " is not a readable file",
                                     "invalid_config");
    }
    if (!server.https && !c.allow_plain_http && !IsLoopbackHost(server.endpoint.host)) {
      return Status::InvalidArgument(
          "refusing plain http:// to " + c.server +
              ": the terminal's token and members' details would cross the network in clear "
              "text; use https:// with ca_file (or --allow-plain-http through a tunnel)",
          "invalid_config");
    }
  }
  if (c.body_limit < 1024 || c.max_connections < 1 || c.sync_interval_ms < 100 ||
      c.first_request_timeout_ms < 100) {
    return Status::InvalidArgument(
        "body_limit must be >= 1024, max_connections >= 1, sync_interval_ms >= 100, "
        "first_request_timeout_ms >= 100",
        "invalid_config");
  }
  if (c.log_level != "info" && c.log_level != "warn") {
    return Status::InvalidArgument("log_level must be info or warn", "invalid_config");
  }
  return Status::OK();
}

}  // namespace patron::terminal
