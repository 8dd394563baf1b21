#include "http/request_header.h"

#include <iterator>
#include <utility>

#include "http/beast_strings.h"

namespace patron::http_internal {

namespace http = boost::beast::http;

Status ReadRequestHeader(const http::request_header<>& header, HttpRequest& request) {
  request.method = ToStdString(header.method_string());
  request.target = ToStdString(header.target());
  request.content_type = ToStdString(header[http::field::content_type]);
  request.authorization = ToStdString(header[http::field::authorization]);
  request.headers.clear();
  request.headers.reserve(std::distance(header.begin(), header.end()));
  for (const auto& field : header) {
    request.headers.emplace_back(ToStdString(field.name_string()), ToStdString(field.value()));
  }
  PATRON_ASSIGN_OR_RETURN(ParsedTarget target, ParseTarget(request.target));
  request.path = std::move(target.path);
  request.query = std::move(target.query);
  return Status::OK();
}

}  // namespace patron::http_internal
