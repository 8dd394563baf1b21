#include "http/response_builder.h"

#include <string>
#include <string_view>
#include <utility>

#include "http/beast_strings.h"

namespace patron::http_internal {
namespace {

namespace http = boost::beast::http;

bool IsSafeFieldText(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Empty string if `reply` can be sent as is, else why not.
std::string Unsendable(const HttpResponse& reply) {
  if (reply.status < 200 || reply.status > 599) {
    return "handler returned HTTP status " + std::to_string(reply.status);
  }
  if (!IsSafeFieldText(reply.content_type)) return "handler returned an invalid Content-Type";
  for (const auto& [name, value] : reply.headers) {
    if (name.empty() || !IsSafeFieldText(name) || !IsSafeFieldText(value)) {
      return "handler returned an invalid header field";
    }
  }
  return {};
}

bool IsServerOwnedField(std::string_view name) {
  switch (http::string_to_field(ToBeast(name))) {
    case http::field::content_length:
    case http::field::transfer_encoding:
    case http::field::connection:
    case http::field::server:
      return true;
    default:
      return false;
  }
}

}  // namespace

void BuildResponse(HttpResponse& reply, unsigned version, bool keep_alive, bool head_request,
                   http::response<http::string_body>& out) {
  if (std::string why = Unsendable(reply); !why.empty()) {
    reply = ErrorResponse(500, "internal", why);
  }
  out = http::response<http::string_body>{};
  out.version(version);
  out.result(static_cast<unsigned>(reply.status));
  out.set(http::field::server, "patron");
  const bool bodiless = reply.status == 204 || reply.status == 304;
  if (!reply.content_type.empty() && !bodiless) {
    out.set(http::field::content_type, reply.content_type);
  }
  for (const auto& [name, value] : reply.headers) {
    if (!IsServerOwnedField(name)) out.insert(name, value);
  }
  out.keep_alive(keep_alive);
  if (bodiless) {
    reply.body.clear();  // these statuses never carry a body or its length
  } else if (head_request) {
    // The length the GET would have, and no body.
    out.content_length(reply.body.size());
  } else {
    out.body() = std::move(reply.body);
    out.prepare_payload();
  }
}

}  // namespace patron::http_internal
