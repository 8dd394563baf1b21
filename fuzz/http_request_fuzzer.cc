// The HTTP request glue: raw bytes through a Beast request_parser, set up
// as Session sets it up for each message, then through ReadRequestHeader
// (the same conversion Session uses) into the HttpRequest handlers see:
// target splitting, percent-decoding, query and header lookups. The
// response side follows: an answer that echoes request text in its header
// fields must still be built (BuildResponse refuses CR, LF and NUL).
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "http/request_header.h"
#include "http/response_builder.h"
#include "patron/http/message.h"

namespace {

namespace http = boost::beast::http;
using patron::fuzz::Fail;

// Small limits, so that the limit paths are reachable with small inputs.
constexpr std::uint64_t kBodyLimit = 4096;
constexpr std::uint32_t kHeaderLimit = 2048;

void CheckRequest(const patron::HttpRequest& request) {
  if (request.path.find('\0') != std::string::npos) Fail("HttpRequest", "a NUL in the path");
  if (request.path.empty() || request.path.front() != '/') {
    Fail("HttpRequest", "a path not starting with '/': " + request.path);
  }
  for (const auto& [name, value] : request.query) {
    const std::optional<std::string> first = request.QueryParam(name);
    if (!first) Fail("HttpRequest", "QueryParam does not find " + name);
  }
  for (const auto& [name, value] : request.headers) {
    if (!request.Header(name)) Fail("HttpRequest", "Header does not find " + name);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(kBodyLimit);
  parser.header_limit(kHeaderLimit);
  parser.eager(true);
  boost::beast::error_code ec;
  boost::asio::const_buffer rest(data, size);
  // As a read does: put() until the message is done or the parser needs
  // more, and there is no more, which is the client hanging up. (Feeding
  // the same bytes again after need_more breaks Beast's preconditions.)
  while (!ec && !parser.is_done() && rest.size() > 0) {
    rest += parser.put(rest, ec);
  }
  if (ec == http::error::need_more) ec = {};
  // The end of the input is the client hanging up (Beast asks for bytes first).
  if (!ec && !parser.is_done() && parser.got_some()) parser.put_eof(ec);
  if (!parser.is_header_done()) return 0;

  patron::HttpRequest request;
  const patron::Status status = patron::http_internal::ReadRequestHeader(parser.get(), request);
  if (status.ok()) {
    CheckRequest(request);
  } else if (status.reason() != "invalid_target") {
    Fail("ReadRequestHeader", status.ToString());
  }
  if (parser.is_done()) request.body = parser.get().body();

  // What Session answers: an error for a bad target, else a reply that
  // carries request text back (as a handler echoing a header might).
  patron::HttpResponse reply =
      status.ok() ? patron::JsonResponse(200, request.body) : patron::ErrorResponse(status);
  for (const auto& [name, value] : request.headers) reply.headers.emplace_back(name, value);
  if (!request.query.empty()) reply.headers.emplace_back(request.query[0].first, request.path);
  http::response<http::string_body> response;
  const bool head = parser.get().method() == http::verb::head;
  patron::http_internal::BuildResponse(reply, parser.get().version() == 10 ? 10 : 11,
                                       parser.get().keep_alive(), head, response);
  for (const auto& field : response) {
    const std::string_view value(field.value().data(), field.value().size());
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
      Fail("BuildResponse", "a header value holding CR, LF or NUL");
    }
  }
  return 0;
}
