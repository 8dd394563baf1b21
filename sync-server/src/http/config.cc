#include "http/config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "patron/json_util.h"

namespace patron::sync {

Result<ServerConfig> LoadConfigFile(const std::string& path, ServerConfig c) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read config file " + path, "config_not_found");
  std::stringstream text;
  text << in.rdbuf();
  Result<nlohmann::json> parsed = json::Parse(text.str());
  if (!parsed.ok()) return parsed.status().WithContext(path);
  const nlohmann::json& doc = *parsed;
  PATRON_RETURN_IF_ERROR(json::ExpectObject(doc, "config file").WithContext(path));
  PATRON_RETURN_IF_ERROR(
      json::RejectUnknownFields(
          doc, {"data_dir", "listen", "allow_non_loopback", "admin_token", "chain_key", "log_level",
                "max_connections", "threads", "read_timeout_ms"})
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
  PATRON_RETURN_IF_ERROR(text_field("admin_token", c.admin_token).WithContext(path));
  PATRON_RETURN_IF_ERROR(text_field("chain_key", c.chain_key).WithContext(path));
  PATRON_RETURN_IF_ERROR(text_field("log_level", c.log_level).WithContext(path));
  PATRON_RETURN_IF_ERROR(int_field("max_connections", c.max_connections).WithContext(path));
  PATRON_RETURN_IF_ERROR(int_field("threads", c.threads).WithContext(path));
  PATRON_RETURN_IF_ERROR(int_field("read_timeout_ms", c.read_timeout_ms).WithContext(path));
  Result<std::optional<bool>> allow = json::GetOptionalBool(doc, "allow_non_loopback");
  if (!allow.ok()) return allow.status().WithContext(path);
  if (*allow) c.allow_non_loopback = **allow;
  return c;
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
  // Only literals are judged by their bytes: a name such as
  // "127.example.com" may resolve anywhere.
  const std::string literal(host);
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, literal.c_str(), bytes.data()) == 1) return bytes[0] == 127;
  if (inet_pton(AF_INET6, literal.c_str(), bytes.data()) != 1) return false;
  // ::1, or an IPv4-mapped ::ffff:127.x.y.z.
  const bool zero_prefix =
      std::all_of(bytes.begin(), bytes.begin() + 10, [](unsigned char b) { return b == 0; });
  if (zero_prefix && bytes[10] == 0 && bytes[11] == 0) {
    return std::all_of(bytes.begin() + 10, bytes.begin() + 15,
                       [](unsigned char b) { return b == 0; }) &&
           bytes[15] == 1;
  }
  return zero_prefix && bytes[10] == 0xff && bytes[11] == 0xff && bytes[12] == 127;
}

Status ValidateConfig(const ServerConfig& c) {
  if (c.admin_token.empty()) {
    return Status::InvalidArgument(
        "an admin token is required (--admin-token, PATRON_ADMIN_TOKEN or admin_token in the "
        "config file)",
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
  if (c.max_connections < 1 || c.threads < 1 || c.threads > 64 || c.read_timeout_ms < 1000) {
    return Status::InvalidArgument(
        "max_connections must be >= 1, threads 1..64, read_timeout_ms >= 1000", "invalid_config");
  }
  if (c.log_level != "info" && c.log_level != "warn") {
    return Status::InvalidArgument("log_level must be info or warn", "invalid_config");
  }
  return Status::OK();
}

}  // namespace patron::sync
