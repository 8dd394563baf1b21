// Turns a handler's HttpResponse into the Beast response the server writes.
#ifndef PATRON_SRC_HTTP_RESPONSE_BUILDER_H_
#define PATRON_SRC_HTTP_RESPONSE_BUILDER_H_

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "patron/http/message.h"

namespace patron::http_internal {

// Fills `out` (replacing what it held) with `reply` for a request of HTTP
// `version` (10 or 11): Server, Content-Type, the reply's own headers,
// Content-Length and the Connection field `keep_alive` calls for.
//
// `reply.body` is moved into `out`; the caller may move it back after the
// write. For HEAD (`head_request`) Content-Length announces the body but none
// is sent; 204 and 304 carry neither.
//
// A reply the server must not send verbatim (status outside 200..599; a
// header name or value holding CR, LF or NUL) is first replaced, in `reply`
// too, by a 500 "internal" error. Header fields the server owns
// (Content-Length, Transfer-Encoding, Connection, Server) are ignored.
void BuildResponse(HttpResponse& reply, unsigned version, bool keep_alive, bool head_request,
                   boost::beast::http::response<boost::beast::http::string_body>& out);

}  // namespace patron::http_internal

#endif  // PATRON_SRC_HTTP_RESPONSE_BUILDER_H_
