#include "http/session.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <exception>
#include <utility>

#include "http/beast_strings.h"
#include "http/request_header.h"
#include "http/response_builder.h"

namespace patron::http_internal {
namespace {

constexpr std::size_t kFirstReadBytes = 4096;
// The most buffer a body is read through at a time.
constexpr std::uint64_t kBodyReadBytes = 64 * 1024;
// Lingering close: enough to swallow the rest of a refused upload or a
// pipelined request, short enough that Stop() is not held up.
constexpr std::chrono::milliseconds kLingerTimeout{500};
constexpr std::size_t kLingerMaxBytes = 1024 * 1024;

const std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// The peer's address (`peer`, as text) and address:port (`remote`).
void DescribePeer(const tcp::socket& socket, std::string& peer, std::string& remote) {
  peer = remote = "unknown";
  error_code ec;
  const tcp::endpoint endpoint = socket.remote_endpoint(ec);
  if (ec) return;
  const net::ip::address address = endpoint.address();
  std::string host = address.to_string(ec);
  if (ec) return;
  peer = host;
  if (address.is_v6()) host = "[" + host + "]";
  remote = host + ":" + std::to_string(endpoint.port());
}

bool IsHttpParseError(const error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_target).category();
}

}  // namespace

template <class Stream>
Session<Stream>::~Session() {
  if (admission_ != Admission::kDrop) state_->Release(id_);
}

template <class Stream>
void Session<Stream>::Start() {
  DescribePeer(Tcp().socket(), peer_, remote_);
  const HttpServerOptions& options = state_->options();
  // The whole way to the first request's header, handshake included, is
  // bounded from accept: a connection cannot stretch it by dribbling bytes.
  first_deadline_ = std::chrono::steady_clock::now() +
                    std::min(options.first_request_timeout, options.read_timeout);
  const AdmitResult admitted = state_->Admit(this->shared_from_this(), peer_);
  admission_ = admitted.admission;
  id_ = admitted.id;
  probation_ = admitted.probation;
  if (admission_ == Admission::kDrop) {
    error_code ec;
    Tcp().socket().close(ec);
    return;
  }
  // From here on every step runs on the connection's strand.
  net::dispatch(executor_, [self = this->shared_from_this()] {
    if constexpr (kTls) {
      self->Tcp().expires_at(self->first_deadline_);
      self->stream_.async_handshake(
          net::ssl::stream_base::server,
          beast::bind_front_handler(&Session::OnHandshake, self->shared_from_this()));
    } else {
      self->Serve();
    }
  });
}

template <class Stream>
void Session<Stream>::OnHandshake(error_code ec) {
  // No TLS, no HTTP: a plain-text request, a client that distrusts our
  // certificate, or silence gets nothing but the close.
  if (ec) return Close();
  Serve();
}

template <class Stream>
void Session<Stream>::Serve() {
  if (admission_ == Admission::kReject) {
    started_ = std::chrono::steady_clock::now();
    request_.remote = remote_;
    Refuse(503, "too_many_connections",
           "the server already has its maximum of " +
               std::to_string(state_->options().max_connections) +
               " connections open; retry later");
    return;
  }
  WaitForRequest();
}

template <class Stream>
void Session<Stream>::Shutdown() {
  net::post(executor_, [self = this->shared_from_this()] { self->ShutdownOnStrand(); });
}

template <class Stream>
void Session<Stream>::Evict() {
  net::post(executor_, [self = this->shared_from_this()] {
    // Waiting for the first request (or still in the TLS handshake): cut.
    // A session that started a request meanwhile learns of the eviction
    // from StartRequest() and closes there.
    if (self->phase_ == Phase::kIdle) self->Close();
  });
}

template <class Stream>
void Session<Stream>::ShutdownOnStrand() {
  stopping_ = true;
  // Only a connection parked between requests is cut; one reading, handling
  // or writing a request closes by itself after the response (see Write()).
  if (phase_ == Phase::kIdle) Close();
}

template <class Stream>
void Session<Stream>::WaitForRequest() {
  phase_ = Phase::kIdle;
  if (stopping_ || state_->stopping()) return Close();
  // Pipelined bytes already buffered start the next request at once.
  if (buffer_.size() > 0) {
    if (!state_->StartRequest(id_)) return Close();
    started_ = std::chrono::steady_clock::now();
    return ReadHeader();
  }
  // A new connection must send its first request's header by
  // first_deadline_; a kept-alive one may sit idle for idle_timeout before
  // its next request.
  if (first_request_) {
    Tcp().expires_at(first_deadline_);
  } else {
    Tcp().expires_after(state_->options().idle_timeout);
  }
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          beast::bind_front_handler(&Session::OnFirstBytes, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnFirstBytes(error_code ec, std::size_t bytes) {
  // Silence, a clean close or Shutdown(): nothing was asked, nothing to answer.
  // Bytes that raced a Shutdown() are not served either: the response could
  // not be written, so a committed sale would reach the client as a reset.
  if (ec || phase_ == Phase::kClosed) return Close();
  // Evicted while the bytes were on their way: the slot is someone else's.
  if (!state_->StartRequest(id_)) return Close();
  buffer_.commit(bytes);
  started_ = std::chrono::steady_clock::now();
  ReadHeader();
}

template <class Stream>
void Session<Stream>::ReadHeader() {
  phase_ = Phase::kReading;
  const bool first = first_request_;
  first_request_ = false;
  request_ = HttpRequest{};
  request_.remote = remote_;
  // A fresh parser per message: limits and state never leak between requests.
  const HttpServerOptions& options = state_->options();
  parser_.emplace();
  parser_->body_limit(options.body_limit);
  parser_->header_limit(
      static_cast<std::uint32_t>(std::min<std::size_t>(options.header_limit, UINT32_MAX)));
  if (first) {
    Tcp().expires_at(first_deadline_);
  } else {
    Tcp().expires_after(options.read_timeout);
  }
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::OnHeader, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnHeader(error_code ec, std::size_t) {
  if (ec) return OnReadError(ec);
  const auto& header = parser_->get();
  const bool body_pending = !parser_->is_done();
  // A refusal before the body is read closes the connection: the body's
  // bytes would otherwise be read as the next request.
  if (!TakeHeader(/*keep_alive=*/!body_pending && header.keep_alive())) return;
  // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without
  // Host (HTTP/1.0 may omit it). An empty value is allowed.
  if (header.version() >= 11 && header.find(http::field::host) == header.end()) {
    return Refuse(400, "bad_request", "an HTTP/1.1 request needs a Host header");
  }
  if (!Classify()) return;
  if (!body_pending) return HandleRequest();
  if (ScreenRefused()) return;
  if (header.version() >= 11 && beast::iequals(header[http::field::expect], "100-continue")) {
    // The header passed the limits (a declared oversized body would already
    // have failed with body_limit), so invite the client to send the body.
    Tcp().expires_after(state_->options().write_timeout);
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     beast::bind_front_handler(&Session::OnContinueWritten, this->shared_from_this()));
    return;
  }
  ReadBody();
}

template <class Stream>
void Session<Stream>::OnContinueWritten(error_code ec, std::size_t) {
  if (ec) return Close();
  ReadBody();
}

template <class Stream>
void Session<Stream>::ReadBody() {
  // Beast reads at most the buffer's spare capacity at a time: room for a
  // large body's bytes saves thousands of small reads (a 2 MB push took
  // 500 of 4 KiB).
  const auto length = parser_->content_length();  // boost::optional
  if (length && *length > buffer_.capacity() - buffer_.size()) {
    buffer_.reserve(buffer_.size() +
                    static_cast<std::size_t>(std::min<std::uint64_t>(*length, kBodyReadBytes)));
  }
  Tcp().expires_after(state_->options().read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::OnBody, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnBody(error_code ec, std::size_t) {
  if (ec) return OnReadError(ec);
  HandleRequest();
}

template <class Stream>
void Session<Stream>::OnReadError(error_code ec) {
  // Whatever the start line gave (empty if it was not parsed), for on_request.
  if (parser_) {
    request_.method = ToStdString(parser_->get().method_string());
    request_.target = ToStdString(parser_->get().target());
  }
  const HttpServerOptions& options = state_->options();
  if (ec == http::error::body_limit) {
    return Refuse(
        413, "payload_too_large",
        "request body exceeds the limit of " + std::to_string(options.body_limit) + " bytes");
  }
  if (ec == http::error::header_limit) {
    return Refuse(
        431, "header_too_large",
        "request header exceeds the limit of " + std::to_string(options.header_limit) + " bytes");
  }
  // partial_message: the client hung up mid-request; nobody to answer.
  if (IsHttpParseError(ec) && ec != http::error::partial_message &&
      ec != http::error::end_of_stream) {
    return Refuse(400, "bad_request", "malformed HTTP request: " + ec.message());
  }
  // Timeout, reset, Shutdown(): close without a word.
  Close();
}

template <class Stream>
bool Session<Stream>::TakeHeader(bool keep_alive) {
  const auto& message = parser_->get();
  head_request_ = message.method() == http::verb::head;
  const Status status = ReadRequestHeader(message, request_);
  if (!status.ok()) {
    Write(ErrorResponse(status), keep_alive);
    return false;
  }
  return true;
}

template <class Stream>
bool Session<Stream>::Classify() {
  if (authenticated_) return true;
  if (const auto& authenticates = state_->options().authenticates) {
    bool valid = false;
    try {
      valid = authenticates(request_);
    } catch (...) {
    }
    if (valid) {
      authenticated_ = true;
      probation_ = false;
      state_->Authenticated(id_);
      return true;
    }
  }
  if (!probation_) return true;
  Refuse(503, "too_many_connections",
         "the server's connections for clients without credentials are all in use, and the "
         "rest are kept for authenticated clients; retry later");
  return false;
}

template <class Stream>
bool Session<Stream>::ScreenRefused() {
  const auto& screen = state_->options().screen;
  if (!screen) return false;
  std::optional<HttpResponse> refusal;
  try {
    refusal = screen(request_);
  } catch (...) {
    refusal = ErrorResponse(500, "internal", "internal error while handling the request");
  }
  if (!refusal) return false;
  head_request_ = false;
  Write(std::move(*refusal), /*keep_alive=*/false);
  return true;
}

template <class Stream>
void Session<Stream>::HandleRequest() {
  const bool keep_alive = parser_->get().keep_alive();
  request_.body = std::move(parser_->get().body());
  Write(RunHandler(), keep_alive);
}

template <class Stream>
HttpResponse Session<Stream>::RunHandler() {
  // The edge where a handler's exception stops: it costs this request a 500,
  // never the server. The message stays generic because the exception text
  // may describe internals the client has no business seeing.
  try {
    return state_->handler()(request_);
  } catch (...) {
    return ErrorResponse(500, "internal", "internal error while handling the request");
  }
}

template <class Stream>
void Session<Stream>::Refuse(int status, std::string_view code, std::string message) {
  head_request_ = false;
  Write(ErrorResponse(status, code, message), /*keep_alive=*/false);
}

template <class Stream>
void Session<Stream>::Write(HttpResponse reply, bool keep_alive) {
  phase_ = Phase::kWriting;
  if (stopping_ || state_->stopping()) keep_alive = false;
  // HTTP/1.0 clients get 1.0 answers; everyone else (and requests whose
  // start line was not parsed) 1.1.
  const unsigned version = parser_ && parser_->get().version() == 10 ? 10 : 11;
  reply_ = std::move(reply);
  BuildResponse(reply_, version, keep_alive, head_request_, response_);
  Tcp().expires_after(state_->options().write_timeout);
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&Session::OnWrite, this->shared_from_this(), keep_alive));
}

template <class Stream>
void Session<Stream>::OnWrite(bool keep_alive, error_code ec, std::size_t) {
  // Give the body back to reply_ (BuildResponse lent it) for on_request.
  if (!head_request_) reply_.body = std::move(response_.body());
  ReportRequest();
  if (ec) return Close();
  if (!keep_alive) return Linger();
  state_->AwaitRequest(id_);
  // Keep-alive answered; a Shutdown() that arrived meanwhile closes here.
  WaitForRequest();
}

template <class Stream>
void Session<Stream>::ReportRequest() {
  const auto& on_request = state_->options().on_request;
  if (!on_request) return;
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started_);
  try {
    on_request(request_, reply_, elapsed);
  } catch (...) {
    // An access log must not take a connection down.
  }
}

template <class Stream>
void Session<Stream>::Linger() {
  phase_ = Phase::kLingering;
  error_code ec;
  Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return Close();
  Tcp().expires_after(
      std::min<std::chrono::milliseconds>(kLingerTimeout, state_->options().read_timeout));
  stream_.async_read_some(net::buffer(discard_),
                          beast::bind_front_handler(&Session::OnLinger, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnLinger(error_code ec, std::size_t bytes) {
  discarded_ += bytes;
  if (ec || discarded_ > kLingerMaxBytes) return Close();
  stream_.async_read_some(net::buffer(discard_),
                          beast::bind_front_handler(&Session::OnLinger, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::Close() {
  phase_ = Phase::kClosed;
  error_code ec;
  Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
  Tcp().close();
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace patron::http_internal
