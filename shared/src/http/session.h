// One accepted connection, in the manner of Beast's advanced_server: a strand,
// a fresh parser per message, a deadline on every read and write.
//
// Life of a request: wait for its first byte (on a new connection the whole
// header must be in by first_request_timeout from accept; idle_timeout
// between keep-alive requests), read the header, check Host, classify the
// connection (authenticates), let the options' screen refuse it if a body is
// to follow, say "100 Continue" if
// asked, read the body (read_timeout each), run the handler
// on the strand, write the response (write_timeout), then wait for the next
// one. One request at a time, so at most one response is queued.
//
// Over TLS (HttpServerOptions::tls) the same, after a TLS handshake that
// must finish within read_timeout.
//
// Lifetime: owned by the completion handlers it has in flight
// (shared_from_this); it dies, closing the socket, when the last one returns.
#ifndef PATRON_SRC_HTTP_SESSION_H_
#define PATRON_SRC_HTTP_SESSION_H_

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "http/server_state.h"
#include "patron/http/message.h"

namespace patron::http_internal {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;
using beast::error_code;

// What ServerState keeps of a session, to stop it.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Thread-safe. Closes the connection if it is waiting for a request;
  // otherwise lets the current request finish and closes after its response.
  virtual void Shutdown() = 0;
  // Thread-safe. ServerState took the connection's slot for a newcomer
  // (server.h, "Connection limits"): close it without a word. Only ever
  // called for a connection waiting for its first request.
  virtual void Evict() = 0;
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Stream: PlainStream or TlsStream (session.cc instantiates both).
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  // `socket` must have been accepted onto its own strand; `stream_args`
  // follow it into the stream's constructor (the TLS context).
  template <class... StreamArgs>
  Session(tcp::socket&& socket, std::shared_ptr<ServerState> state, StreamArgs&... stream_args)
      : executor_(socket.get_executor()),
        stream_(std::move(socket), stream_args...),
        state_(std::move(state)) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  // Admits the connection and starts serving (or refusing) it. Called once,
  // by the listener, right after construction.
  void Start();

  void Shutdown() override;
  void Evict() override;

 private:
  enum class Phase { kIdle, kReading, kWriting, kLingering, kClosed };

  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  // Once admitted (and, over TLS, past the handshake): serve, or refuse.
  void Serve();
  void OnHandshake(error_code ec);

  void WaitForRequest();
  void OnFirstBytes(error_code ec, std::size_t bytes);
  void ReadHeader();
  void OnHeader(error_code ec, std::size_t bytes);
  void OnContinueWritten(error_code ec, std::size_t bytes);
  void ReadBody();
  void OnBody(error_code ec, std::size_t bytes);
  void OnReadError(error_code ec);

  // Copies the parsed header (method, target, path, query, headers) into
  // request_; false (and the 400 answered) if the target does not parse.
  bool TakeHeader(bool keep_alive);
  // Runs the options' `authenticates` on request_ if the connection is not
  // authenticated yet; true if the request may go on (false: refused).
  bool Classify();
  // The options' screen on the header, if there is one; true if it refused
  // the request (and its response is being written).
  bool ScreenRefused();
  void HandleRequest();
  HttpResponse RunHandler();
  // Answers with an error body and closes the connection afterwards.
  void Refuse(int status, std::string_view code, std::string message);
  void Write(HttpResponse reply, bool keep_alive);
  void OnWrite(bool keep_alive, error_code ec, std::size_t bytes);
  void ReportRequest();

  // Half-closes, then reads and discards what the client still sends for a
  // short while, so that closing with unread data does not reset the
  // connection before the client has read our response.
  void Linger();
  void OnLinger(error_code ec, std::size_t bytes);
  void Close();
  void ShutdownOnStrand();

  const net::any_io_executor executor_;  // the connection's strand
  Stream stream_;
  beast::flat_buffer buffer_;
  const std::shared_ptr<ServerState> state_;
  Admission admission_ = Admission::kDrop;
  uint64_t id_ = 0;
  std::string remote_;  // address:port, for logs
  std::string peer_;    // address, for the per-peer limit
  // Admitted into the reserved share: the first request must authenticate.
  bool probation_ = false;
  bool authenticated_ = false;
  // When the first request's header must have arrived (first_request_timeout).
  std::chrono::steady_clock::time_point first_deadline_;

  Phase phase_ = Phase::kIdle;
  bool first_request_ = true;  // no request read yet on this connection
  bool stopping_ = false;      // Shutdown() reached the strand

  std::optional<http::request_parser<http::string_body>> parser_;  // fresh per message
  std::chrono::steady_clock::time_point started_;  // first byte of the current request
  bool head_request_ = false;
  HttpRequest request_;                         // for on_request
  HttpResponse reply_;                          // for on_request; body lent to response_
  http::response<http::string_body> response_;  // the one response being written

  std::array<char, 4096> discard_{};
  std::size_t discarded_ = 0;
};

}  // namespace patron::http_internal

#endif  // PATRON_SRC_HTTP_SESSION_H_
