// Listen addresses of Patron's servers.
#ifndef PATRON_HTTP_LISTEN_H_
#define PATRON_HTTP_LISTEN_H_

#include <string_view>

#include "patron/http/client.h"
#include "patron/status.h"

namespace patron {

// "host:port" to listen on; unlike a client address, port 0 is allowed and
// means an ephemeral port (the servers print the one they got).
Result<Endpoint> ParseListenAddress(std::string_view text);

// True for "localhost" and address literals in 127.0.0.0/8, ::1 or
// ::ffff:127.0.0.0/104. A name such as "127.example.com" is not: it may
// resolve anywhere.
bool IsLoopbackHost(std::string_view host);

}  // namespace patron

#endif  // PATRON_HTTP_LISTEN_H_
