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
//   400 bad_request           malformed HTTP or request target
//   503 too_many_connections  max_connections already open
//   500 internal              the handler threw (the server keeps serving)
// A connection silent for read_timeout (idle_timeout between keep-alive
// requests) is closed without a response.
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
  size_t max_connections = 64;
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
