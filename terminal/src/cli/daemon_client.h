// DaemonClient: patrond's local API as the CLI sees it. Wraps HttpClient so
// commands deal in JSON documents and API errors, not in HTTP plumbing.
//
//   PATRON_ASSIGN_OR_RETURN(auto client, DaemonClient::Create(url, timeout));
//   PATRON_ASSIGN_OR_RETURN(DaemonResponse r, client->Get("/v1/status"));
//   if (!r.ok()) { ApiError e = ErrorOf(r); ... }
#ifndef PATRON_TERMINAL_SRC_CLI_DAEMON_CLIENT_H_
#define PATRON_TERMINAL_SRC_CLI_DAEMON_CLIENT_H_

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "patron/http/client.h"
#include "patron/status.h"

namespace patron::cli {

// One answer of patrond, whatever its HTTP status.
struct DaemonResponse {
  int status = 0;
  std::string body;     // exactly as received
  nlohmann::json json;  // the parsed body; a discarded value if it is not JSON

  bool ok() const { return status >= 200 && status < 300; }
};

// The error a non-2xx answer carries: the API's
// {"error":{"code":..., "message":...}}, or, for a body without that shape
// (a proxy, a crashed handler), "http_<status>" and the raw body.
struct ApiError {
  std::string code;
  std::string message;
};
ApiError ErrorOf(const DaemonResponse& response);

class DaemonClient {
 public:
  // `url` is "http://host:port" (ParseHttpUrl); InvalidArgument otherwise.
  // `timeout` bounds connecting, sending and waiting for the answer.
  static Result<std::unique_ptr<DaemonClient>> Create(std::string url,
                                                      std::chrono::milliseconds timeout);

  // `target` is an already encoded origin-form target ("/v1/members?phone=%2B1").
  // Errors: Unavailable when patrond cannot be reached or does not answer in
  // time; InvalidArgument for a target HTTP cannot carry.
  Result<DaemonResponse> Get(std::string_view target);
  // A null `body` sends no body at all (routes such as POST /v1/sync take none).
  Result<DaemonResponse> Post(std::string_view target, const nlohmann::json& body);
  Result<DaemonResponse> Patch(std::string_view target, const nlohmann::json& body);
  Result<DaemonResponse> Send(std::string_view method, std::string_view target,
                              const nlohmann::json& body);

  const std::string& url() const { return url_; }

 private:
  DaemonClient(std::string url, Endpoint endpoint, std::chrono::milliseconds timeout)
      : url_(std::move(url)), http_(std::move(endpoint), timeout) {}

  std::string url_;
  HttpClient http_;
};

// Percent-encodes every byte but RFC 3986's unreserved characters
// (A-Z a-z 0-9 - . _ ~), so any text is safe as one path segment or one query
// value: "+1 415 555 0100" -> "%2B1%20415%20555%200100". ('+' must be encoded:
// the daemon reads a bare '+' in a query as a space.)
std::string PercentEncode(std::string_view text);

}  // namespace patron::cli

#endif  // PATRON_TERMINAL_SRC_CLI_DAEMON_CLIENT_H_
