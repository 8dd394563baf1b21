// Turns the header Beast parsed into the HttpRequest a handler sees. Apart
// from Session so that it runs without a socket: the fuzzer feeds raw bytes
// through a Beast request_parser and then through this (fuzz/).
#ifndef PATRON_SRC_HTTP_REQUEST_HEADER_H_
#define PATRON_SRC_HTTP_REQUEST_HEADER_H_

#include <boost/beast/http/message.hpp>

#include "patron/http/message.h"
#include "patron/status.h"

namespace patron::http_internal {

// Copies method, target, Content-Type, Authorization and every header field
// of `header` into `request`, then splits the target into its decoded path
// and query (ParseTarget). On a target that does not parse, returns its
// InvalidArgument ("invalid_target") with `path` and `query` left as they
// were; the other fields are filled either way, for the access log. Leaves
// `body` and `remote` alone.
Status ReadRequestHeader(const boost::beast::http::request_header<>& header, HttpRequest& request);

}  // namespace patron::http_internal

#endif  // PATRON_SRC_HTTP_REQUEST_HEADER_H_
