#include "daemon/config.h"

#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "patron/json_util.h"

namespace patron::terminal {

Result<DaemonConfig> LoadConfigFile(const std::string& path, DaemonConfig c) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read config file " + path, "config_not_found");
  std::stringstream text;
  text << in.rdbuf();
  Result<nlohmann::json> parsed = json::Parse(text.str());
  if (!parsed.ok()) return parsed.status().WithContext(path);
  const nlohmann::json& doc = *parsed;
  PATRON_RETURN_IF_ERROR(json::ExpectObject(doc, "config file"));
  PATRON_RETURN_IF_ERROR(json::RejectUnknownFields(
                             doc, {"data_dir", "listen", "allow_non_loopback", "terminal_id",
                                   "store_id", "server", "token", "chain_key",
                                   "default_country_code", "sync_interval_ms", "body_limit",
                                   "max_connections", "log_level"})
                             .WithContext(path));
  auto text_field = [&](std::string_view key, std::string& out) -> Status {
    PATRON_ASSIGN_OR_RETURN(std::optional<std::string> value, json::GetOptionalString(doc, key));
    if (value) out = *value;
    return Status::OK();
  };
  auto int_field = [&](std::string_view key, int64_t& out) -> Status {
    PATRON_ASSIGN_OR_RETURN(std::optional<int64_t> value, json::GetOptionalInt(doc, key));
    if (value) out = *value;
    return Status::OK();
  };
  PATRON_RETURN_IF_ERROR(text_field("data_dir", c.data_dir).WithContext(path));
  PATRON_RETURN_IF_ERROR(text_field("listen", c.listen).WithContext(path));
  PATRON_RETURN_IF_ERROR(text_field("terminal_id", c.terminal_id).WithContext(path));
  PATRON_RETURN_IF_ERROR(text_field("store_id", c.store_id).WithContext(path));
  PATRON_RETURN_IF_ERROR(text_field("server", c.server).WithContext(path));
  PATRON_RETURN_IF_ERROR(text_field("token", c.token).WithContext(path));
  PATRON_RETURN_IF_ERROR(text_field("chain_key", c.chain_key).WithContext(path));
  PATRON_RETURN_IF_ERROR(
      text_field("default_country_code", c.default_country_code).WithContext(path));
  PATRON_RETURN_IF_ERROR(text_field("log_level", c.log_level).WithContext(path));
  PATRON_RETURN_IF_ERROR(int_field("sync_interval_ms", c.sync_interval_ms).WithContext(path));
  PATRON_RETURN_IF_ERROR(int_field("body_limit", c.body_limit).WithContext(path));
  PATRON_RETURN_IF_ERROR(int_field("max_connections", c.max_connections).WithContext(path));
  PATRON_ASSIGN_OR_RETURN(std::optional<bool> allow,
                          json::GetOptionalBool(doc, "allow_non_loopback"));
  if (allow) c.allow_non_loopback = *allow;
  return c;
}

std::string ConfigToJson(const DaemonConfig& c) {
  const nlohmann::json doc = {{"data_dir", c.data_dir},
                              {"listen", c.listen},
                              {"allow_non_loopback", c.allow_non_loopback},
                              {"terminal_id", c.terminal_id},
                              {"store_id", c.store_id},
                              {"server", c.server},
                              {"token", c.token},
                              {"chain_key", c.chain_key},
                              {"default_country_code", c.default_country_code},
                              {"sync_interval_ms", c.sync_interval_ms},
                              {"body_limit", c.body_limit},
                              {"max_connections", c.max_connections},
                              {"log_level", c.log_level}};
  return doc.dump(2) + "\n";
}

Result<Endpoint> ParseListenAddress(std::string_view text) {
  if (!text.ends_with(":0")) return ParseHostPort(text);
  // ParseHostPort refuses port 0 (nobody can connect to it): validate the
  // host with a placeholder port, then ask for an ephemeral one.
  std::string with_port(text.substr(0, text.size() - 1));
  with_port += '1';
  PATRON_ASSIGN_OR_RETURN(Endpoint endpoint, ParseHostPort(with_port));
  endpoint.port = 0;
  return endpoint;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  // Only an address literal can be trusted: "127.example.com" is a name.
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && address.is_loopback();
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
  if (!c.server.empty()) PATRON_RETURN_IF_ERROR(ParseHttpUrl(c.server).status());
  if (c.body_limit < 1024 || c.max_connections < 1 || c.sync_interval_ms < 100) {
    return Status::InvalidArgument(
        "body_limit must be >= 1024, max_connections >= 1, sync_interval_ms >= 100",
        "invalid_config");
  }
  if (c.log_level != "info" && c.log_level != "warn") {
    return Status::InvalidArgument("log_level must be info or warn", "invalid_config");
  }
  return Status::OK();
}

}  // namespace patron::terminal
