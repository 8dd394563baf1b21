// patron::HttpClient: a small synchronous HTTP/1.1 client for the CLI, the
// terminal's sync loop and tests. Beast stays out of this header.
//
//   PATRON_ASSIGN_OR_RETURN(Endpoint daemon, ParseHostPort("127.0.0.1:7420"));
//   HttpClient client(daemon, std::chrono::seconds(5));
//   PATRON_ASSIGN_OR_RETURN(HttpResponse response, client.Send("GET", "/v1/health"));
//   if (response.status != 200) ...
//
// Any HTTP status is a successful Send(); only transport failures are errors.
#ifndef PATRON_HTTP_CLIENT_H_
#define PATRON_HTTP_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "patron/http/message.h"
#include "patron/http/tls.h"
#include "patron/status.h"

namespace patron {

struct Endpoint {
  std::string host;  // a name or an IP literal, IPv6 without brackets
  uint16_t port = 0;

  // "host:port", with brackets around an IPv6 literal: "[::1]:7420".
  std::string ToString() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// "127.0.0.1:7420", "localhost:80", "[::1]:7420". The port is required and
// must be 1..65535. InvalidArgument otherwise.
Result<Endpoint> ParseHostPort(std::string_view text);

// "http://127.0.0.1:7420", optionally followed by "/" (nothing else). The
// port defaults to 80. InvalidArgument for other schemes (https included),
// paths, queries and userinfo.
Result<Endpoint> ParseHttpUrl(std::string_view url);

// A sync server's URL: "http://host[:port]" (port 80) or
// "https://host[:port]" (port 443), optionally followed by "/".
struct ServerUrl {
  Endpoint endpoint;
  bool https = false;
  friend bool operator==(const ServerUrl&, const ServerUrl&) = default;
};
Result<ServerUrl> ParseServerUrl(std::string_view url);

// Not thread-safe: one client per thread.
class HttpClient {
 public:
  // Responses with bodies larger than this are refused (Unavailable).
  static constexpr size_t kMaxResponseBody = 64 * 1024 * 1024;

  // `timeout` bounds each step of a Send(): connecting, writing the request
  // and reading the response. Nothing happens until the first Send().
  HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout);
  // Over TLS: the server's certificate must chain to `tls.ca_file` and name
  // endpoint.host; otherwise Send() fails (Unavailable, "certificate") and
  // sends nothing. A CA file that does not load is InvalidArgument.
  HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout, TlsClientFiles tls);
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  ~HttpClient();

  // Sends one request and reads its response over a kept-alive connection,
  // opening one when needed. If a reused connection turns out to have been
  // closed by the server before it answered, reconnects and sends once more.
  // (That is the usual race with the server's idle timeout. A server that
  // crashed mid-request also looks like that, so the request may then arrive
  // twice: Patron's mutating endpoints are idempotent by sale_ref/refund_ref.)
  //
  // Sets Host and, when `body` is not empty and `headers` names no
  // Content-Type, "Content-Type: application/json"; `headers` may add any
  // other field. Errors: Unavailable (naming host:port) when the server
  // cannot be reached, times out, hangs up or answers with something that is
  // not HTTP; InvalidArgument for a method, target or header the request
  // cannot carry (empty, CR/LF/NUL, spaces in the target).
  Result<HttpResponse> Send(std::string_view method, std::string_view target,
                            std::string_view body = {},
                            std::vector<std::pair<std::string, std::string>> headers = {});

  const Endpoint& endpoint() const { return endpoint_; }

  class Impl;

 private:
  Endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::optional<TlsClientFiles> tls_;
  std::unique_ptr<Impl> impl_;  // created by the first Send()
};

}  // namespace patron

#endif  // PATRON_HTTP_CLIENT_H_
