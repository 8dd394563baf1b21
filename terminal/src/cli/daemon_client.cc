#include "cli/daemon_client.h"

#include <utility>

namespace patron::cli {

ApiError ErrorOf(const DaemonResponse& response) {
  const nlohmann::json& doc = response.json;
  if (doc.is_object() && doc.contains("error") && doc["error"].is_object()) {
    const nlohmann::json& error = doc["error"];
    ApiError out;
    if (error.contains("code") && error["code"].is_string()) out.code = error["code"];
    if (error.contains("message") && error["message"].is_string()) out.message = error["message"];
    if (!out.code.empty()) return out;
  }
  std::string body = response.body.substr(0, 200);
  if (body.empty()) body = "(empty body)";
  return {"http_" + std::to_string(response.status), body};
}

Result<std::unique_ptr<DaemonClient>> DaemonClient::Create(std::string url,
                                                           std::chrono::milliseconds timeout) {
  PATRON_ASSIGN_OR_RETURN(Endpoint endpoint, ParseHttpUrl(url));
  // Trailing "/" is allowed by ParseHttpUrl; drop it so messages read cleanly.
  while (url.ends_with('/')) url.pop_back();
  return std::unique_ptr<DaemonClient>(
      new DaemonClient(std::move(url), std::move(endpoint), timeout));
}

Result<DaemonResponse> DaemonClient::Get(std::string_view target) {
  return Send("GET", target, nullptr);
}

Result<DaemonResponse> DaemonClient::Post(std::string_view target, const nlohmann::json& body) {
  return Send("POST", target, body);
}

Result<DaemonResponse> DaemonClient::Patch(std::string_view target, const nlohmann::json& body) {
  return Send("PATCH", target, body);
}

Result<DaemonResponse> DaemonClient::Send(std::string_view method, std::string_view target,
                                          const nlohmann::json& body) {
  // Replacing invalid UTF-8 keeps dump() from throwing on odd terminal input;
  // the daemon then refuses or stores the replacement character visibly.
  const std::string text =
      body.is_null() ? std::string()
                     : body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  PATRON_ASSIGN_OR_RETURN(HttpResponse http, http_.Send(method, target, text));
  DaemonResponse response;
  response.status = http.status;
  response.body = std::move(http.body);
  response.json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  return response;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' ||
                            byte == '_' || byte == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0f]);
    }
  }
  return out;
}

}  // namespace patron::cli
