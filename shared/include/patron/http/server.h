// patron::HttpServer: the HTTP/1.1 server under patrond's local API and the
// sync server, on Boost.Beast (kept out of this header).
//
//   HttpServerOptions options;
//   options.port = 7420;
//   auto server = HttpServer::Start(options, [&](const HttpRequest& r) { return api.Handle(r); });
//   if (!server.ok()) return Fail(server.status());
//   // A signal thread (or an asio::signal_set elsewhere) calls (*server)->Stop().
//   (*server)->Wait();
//
// Per connection: keep-alive, a strand, one request at a time (read, run the
// handler, write, read again), so at most one response is queued for writing.
// Every message gets a fresh parser with the body and header limits; every
// read and write has a deadline. Input the server refuses is answered with a
// JSON error body (see JsonErrorBody) and the connection is closed:
//   413 payload_too_large     body over body_limit
//   431 header_too_large      header over header_limit
//   400 bad_request           malformed HTTP or request target, or an
//                             HTTP/1.1 request without Host (RFC 9112 §3.2)
//   503 too_many_connections  no room (see "Connection limits" below)
//   500 internal              the handler threw (the server keeps serving)
// A connection silent for read_timeout (idle_timeout between keep-alive
// requests) is closed without a response; a new connection must have sent
// its first request's complete header (after the TLS handshake) within
// first_request_timeout.
//
// Connection limits. Silent sockets must not lock real clients out (256 of
// them used to hold every slot of patron-sync for read_timeout), so the
// server tells connections apart by what they have shown:
//   - authenticated: a request header on it passed `authenticates` (a till's
//     or the admin's token); it keeps that status for its life and is never
//     evicted;
//   - unauthenticated: everything else. At most max_connections -
//     reserved_for_authenticated of them are open at once, and at most
//     max_unauthenticated_per_peer from one peer address.
// When a new connection would break a limit, the server makes room by
// closing an unauthenticated connection that is waiting for a request
// (never one in the middle of a request): the peer's own for the per-peer
// limit, anyone's otherwise; one that has never completed a request before
// an idle keep-alive one, and the one waiting longest first. Only if none
// can go is the newcomer answered 503. A newcomer admitted into the reserved
// share must authenticate with its first request, or it is answered 503.
// So one peer can hold at most its own cap of slots, and only while it keeps
// sending requests; a connection that just opened and sends its request at
// once is served.
//
// Clients sending `Expect: 100-continue` (curl does for bodies over 1 KiB) get
// "100 Continue" once their header has passed the limits.
#ifndef PATRON_HTTP_SERVER_H_
#define PATRON_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "patron/http/message.h"
#include "patron/http/tls.h"
#include "patron/status.h"

namespace patron {

struct HttpServerOptions {
  // An IP literal or a name resolved at Start ("localhost").
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = an ephemeral port; port() tells which
  size_t body_limit = 64 * 1024;
  size_t header_limit = 8 * 1024;
  // Bounds each read phase of a request (header, then body) once its first
  // byte has arrived, and the wait for the first request of a new connection.
  std::chrono::milliseconds read_timeout{15000};
  std::chrono::milliseconds write_timeout{15000};
  // Wait for the next request on a keep-alive connection.
  std::chrono::milliseconds idle_timeout{60000};
  // The pre-authentication deadline: from accept, a new connection must
  // have finished its TLS handshake and sent its first request's whole
  // header within this (and within read_timeout, if shorter). Short, because
  // a connection that has said nothing yet holds a slot for nobody's benefit.
  std::chrono::milliseconds first_request_timeout{5000};
  size_t max_connections = 64;
  // Slots of max_connections that only authenticated connections may use
  // (see "Connection limits"); needs `authenticates`. Must be below
  // max_connections.
  size_t reserved_for_authenticated = 0;
  // The most unauthenticated connections one peer address may hold; 0: no
  // per-peer limit. Behind a NAT a whole store is one peer: leave room for
  // its tills' connections being set up at once.
  size_t max_unauthenticated_per_peer = 0;
  // Optional: whether a request's header carries valid credentials. Runs on
  // the connection's strand for each request of a connection not yet
  // authenticated, before `screen`; must not block for long (a database
  // look-up is fine); exceptions count as false. It only classifies the
  // connection: the handler still checks the credentials of every request.
  std::function<bool(const HttpRequest&)> authenticates;
  int threads = 2;  // I/O threads, which also run the handler; at least 1
  // Serve HTTPS with this certificate and key (TLS 1.2 or later); none:
  // plain HTTP. Start() refuses files it cannot load.
  std::optional<TlsServerFiles> tls;
  // Optional: runs on the connection's strand once a request's header has
  // arrived with a body still to read, before that body is read (and before
  // "100 Continue"). A response it returns is sent instead, without reading
  // the body, and the connection is then closed. It sees the request without
  // its body. Lets a server refuse what it will refuse anyway (no valid
  // credentials, no such route) before buffering up to body_limit bytes of
  // it. Requests without a body go straight to the handler, which must make
  // the same checks. Exceptions count as a 500.
  std::function<std::optional<HttpResponse>(const HttpRequest&)> screen;
  // Called on the connection's strand after each response was written (or
  // failed to be), for access logs: the request (for a request refused while
  // being read, only `remote` and what its start line gave: method, target),
  // the response sent, and the time from the request's first byte to the end
  // of the write. Must not block for long; exceptions it throws are swallowed.
  std::function<void(const HttpRequest&, const HttpResponse&, std::chrono::microseconds)>
      on_request;
};

class HttpServer {
 public:
  // Binds host:port, starts `options.threads` threads and serves `handler`
  // until Stop(). InvalidArgument for bad options or an unresolvable host,
  // Unavailable if the address cannot be bound (in use, not local).
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options, HttpHandler handler);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  // Stop(). Must not run on one of the server's threads (inside a handler).
  ~HttpServer();

  // The bound port (the ephemeral one when options.port was 0).
  uint16_t port() const;

  // Graceful shutdown: stops accepting, closes idle keep-alive connections,
  // lets requests already being read or handled finish and their responses be
  // written (each step bounded by read_timeout / write_timeout; a handler
  // itself is never interrupted; a connection closed after a response drains
  // what its client still sends for at most 0.5 s, so that the client reads
  // the response rather than a reset), then joins the threads. Idempotent and
  // thread-safe: callable from a signal-handling thread (not from inside an
  // async signal handler). Called from a handler, it only starts the
  // shutdown and returns; Wait() or the destructor, on another thread,
  // finishes it.
  void Stop();

  // Blocks until the server has stopped (Stop() was called and, unless that
  // call came from a handler, has finished); then finishes it if needed.
  void Wait();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace patron

#endif  // PATRON_HTTP_SERVER_H_
