// Accepts connections and hands each to a new Session on its own strand, as
// the listener of Beast's examples does.
#ifndef PATRON_SRC_HTTP_LISTENER_H_
#define PATRON_SRC_HTTP_LISTENER_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <memory>

#include "http/server_state.h"
#include "patron/status.h"

namespace patron::http_internal {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Opens, binds and listens on `endpoint`; accepting starts with Start().
  // Unavailable if the address cannot be bound.
  static Result<std::shared_ptr<Listener>> Open(boost::asio::io_context& ioc,
                                                const boost::asio::ip::tcp::endpoint& endpoint,
                                                std::shared_ptr<ServerState> state);

  Listener(boost::asio::io_context& ioc, std::shared_ptr<ServerState> state);
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  uint16_t port() const { return port_; }

  void Start();
  // Thread-safe. Stops accepting and closes the listening socket.
  void Close();

 private:
  void Accept();
  void OnAccept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;  // used on strand_ only
  boost::asio::steady_timer retry_timer_;    // used on strand_ only
  const std::shared_ptr<ServerState> state_;
  uint16_t port_ = 0;
  bool closed_ = false;  // on strand_
};

}  // namespace patron::http_internal

#endif  // PATRON_SRC_HTTP_LISTENER_H_
