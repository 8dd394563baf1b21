// HTTP messages as Patron's handlers see them: plain structs with no Beast in
// sight, so a handler is a pure `HttpRequest -> HttpResponse` function that
// doctest drives without sockets.
//
//   HttpResponse Health(const HttpRequest& request) {
//     if (request.method != "GET") return ErrorResponse(405, "method_not_allowed", "use GET");
//     return JsonResponse(200, R"({"ok":true})");
//   }
//
// Errors travel as `{"error":{"code":"<reason>","message":"<text>"}}`;
// ErrorResponse(const Status&) is the one place a Status becomes an HTTP status.
#ifndef PATRON_HTTP_MESSAGE_H_
#define PATRON_HTTP_MESSAGE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "patron/status.h"

namespace patron {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // as sent: "GET", "POST", "HEAD", "PROPFIND"
  std::string target;  // raw request target: "/v1/members?phone=%2B33612"
  std::string path;    // percent-decoded, without the query: "/v1/members"
  // Percent-decoded, '+' read as a space, in the order sent; repeats are kept.
  std::vector<std::pair<std::string, std::string>> query;
  std::string body;
  std::string content_type;   // Content-Type header, "" if absent
  std::string authorization;  // Authorization header, "" if absent
  std::string remote;         // peer "ip:port" ("[::1]:5123" for IPv6)
  HeaderList headers;         // every header field as received, names as sent

  // The first query value named `name` (exact, case-sensitive match).
  std::optional<std::string> QueryParam(std::string_view name) const;
  // The first header field named `name` (case-insensitive match).
  std::optional<std::string> Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  // Sent as Content-Type unless empty.
  std::string content_type = "application/json";
  // Extra header fields. The server sets Content-Length, Connection and
  // Server itself; names or values holding CR, LF or NUL make the server
  // answer 500 instead, so a handler cannot split a response by accident.
  HeaderList headers;
};

// Handlers run on the connection's strand and may block (SQLite work). A
// handler that throws gets its client a 500; the server keeps running.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// A response with `body` as application/json.
HttpResponse JsonResponse(int status, std::string body);

// `{"error":{"code":"<code>","message":"<message>"}}`, JSON-escaped.
std::string JsonErrorBody(std::string_view code, std::string_view message);
// JsonResponse(status, JsonErrorBody(code, message)).
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message);

// The HTTP status for a Status code: InvalidArgument 400, Unauthenticated 401,
// PermissionDenied 403, NotFound 404, Conflict 409, FailedPrecondition 422,
// Unavailable 503, IOError/Corruption/Internal 500, OK 200.
int HttpStatusFor(StatusCode code);
// ErrorResponse(HttpStatusFor(status.code()), status.reason(), status.message()).
// Precondition: !status.ok() (an OK status yields a 500 "internal").
HttpResponse ErrorResponse(const Status& status);

// Standard reason phrase ("Not Found"); "Unknown" for codes it does not know.
std::string_view HttpReasonPhrase(int status);

// Percent-decodes `text`. With `plus_as_space` (query strings), '+' becomes
// ' '. InvalidArgument ("invalid_target") for '%' not followed by two hex
// digits.
Result<std::string> PercentDecode(std::string_view text, bool plus_as_space);

// Splits "a=1&b=x+y&c" into {{"a","1"},{"b","x y"},{"c",""}}, decoding each
// name and value. Empty segments ("a=1&&b=2") are skipped.
Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);

struct ParsedTarget {
  std::string path;  // decoded
  std::vector<std::pair<std::string, std::string>> query;
};

// Splits an origin-form request target ("/path?query", no fragment) into its
// decoded path and query. InvalidArgument ("invalid_target") if the target
// does not start with '/', holds invalid percent-encoding, or its path decodes
// to a NUL byte.
Result<ParsedTarget> ParseTarget(std::string_view target);

}  // namespace patron

#endif  // PATRON_HTTP_MESSAGE_H_
