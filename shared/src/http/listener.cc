#include "http/listener.h"

#include <chrono>
#include <string>
#include <utility>

#include "http/session.h"

namespace patron::http_internal {
namespace {

// After a failed accept (EMFILE, ENOBUFS), wait before trying again rather
// than spin on an error that persists until some connection closes.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

}  // namespace

Result<std::shared_ptr<Listener>> Listener::Open(net::io_context& ioc,
                                                 const tcp::endpoint& endpoint,
                                                 std::shared_ptr<ServerState> state) {
  auto listener = std::make_shared<Listener>(ioc, std::move(state));
  tcp::acceptor& acceptor = listener->acceptor_;
  const std::string where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  error_code ec;
  auto fail = [&](std::string_view step) {
    return Status::Unavailable("cannot " + std::string(step) + " " + where + ": " + ec.message());
  };
  if (acceptor.open(endpoint.protocol(), ec); ec) return fail("open a socket for");
  // A restarted daemon must not wait for TIME_WAIT of its predecessor.
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) {
    return fail("set SO_REUSEADDR on");
  }
  if (acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen on");
  const tcp::endpoint bound = acceptor.local_endpoint(ec);
  if (ec) return fail("read the bound port of");
  listener->port_ = bound.port();
  return listener;
}

Listener::Listener(net::io_context& ioc, std::shared_ptr<ServerState> state)
    : ioc_(ioc),
      strand_(net::make_strand(ioc)),
      acceptor_(strand_),
      retry_timer_(strand_),
      state_(std::move(state)) {}

void Listener::Start() {
  net::dispatch(strand_, [self = shared_from_this()] { self->Accept(); });
}

void Listener::Close() {
  net::post(strand_, [self = shared_from_this()] {
    self->closed_ = true;
    error_code ec;
    self->acceptor_.close(ec);
    self->retry_timer_.cancel();
  });
}

void Listener::Accept() {
  if (closed_) return;
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
}

void Listener::OnAccept(error_code ec, tcp::socket socket) {
  if (closed_ || ec == net::error::operation_aborted) return;
  if (ec) {
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([self = shared_from_this()](error_code wait_ec) {
      if (!wait_ec) self->Accept();
    });
    return;
  }
  if (boost::asio::ssl::context* tls = state_->tls()) {
    std::make_shared<Session<TlsStream>>(std::move(socket), state_, *tls)->Start();
  } else {
    std::make_shared<Session<PlainStream>>(std::move(socket), state_)->Start();
  }
  Accept();
}

}  // namespace patron::http_internal
