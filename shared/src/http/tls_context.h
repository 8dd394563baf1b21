// OpenSSL contexts for HttpServer and HttpClient (patron/http/tls.h):
// TLS 1.2 or later only, and the files loaded up front, so that a wrong
// path or a key that does not match its certificate is an error at start,
// not a failed handshake later.
#ifndef PATRON_SRC_HTTP_TLS_CONTEXT_H_
#define PATRON_SRC_HTTP_TLS_CONTEXT_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "patron/http/tls.h"
#include "patron/status.h"

namespace patron::http_internal {

Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerContext(const TlsServerFiles& files);
// Verifies the server's chain against files.ca_file; the name is checked
// per connection (HttpClient).
Result<std::unique_ptr<boost::asio::ssl::context>> MakeClientContext(const TlsClientFiles& files);

}  // namespace patron::http_internal

#endif  // PATRON_SRC_HTTP_TLS_CONTEXT_H_
