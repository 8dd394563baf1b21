// patron::integration::TcpProxy: a loopback TCP proxy between a terminal and
// patron-sync that can lose one reply on purpose, to test what a terminal
// does when the server committed a push but the answer never arrived.
//
//   auto proxy = TcpProxy::Start(server_port);          // 127.0.0.1:0 -> 127.0.0.1:server_port
//   (*proxy)->DropFirstResponseTo("POST", "/v1/push");  // arm the fault
//   ... point patrond's --server at http://127.0.0.1:(*proxy)->port() ...
//   CHECK((*proxy)->dropped() == 1);
//
// Requests go through as they arrive. Responses are held until complete
// (Content-Length framing, which is what patron-sync sends), then matched to
// their request in order on that connection; the first complete response to
// the armed method and path is swallowed and both sides of its connection
// are closed, so the client sees the connection drop after the server did
// the work. Every other response is forwarded unchanged.
//
// Only 127.0.0.1, both ways. One thread accepts, one thread per connection;
// the destructor stops them all and closes every socket.
#ifndef PATRON_TESTS_INTEGRATION_TCP_PROXY_H_
#define PATRON_TESTS_INTEGRATION_TCP_PROXY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "patron/status.h"

namespace patron::integration {

class TcpProxy {
 public:
  static Result<std::unique_ptr<TcpProxy>> Start(uint16_t upstream_port);

  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;
  ~TcpProxy();

  uint16_t port() const { return port_; }
  // Arms the fault for the next complete response to `method` `path` (the
  // request target without its query).
  void DropFirstResponseTo(std::string method, std::string path);
  // Responses swallowed so far (0 or 1).
  int dropped() const { return dropped_.load(); }
  // Connections accepted so far.
  int connections() const { return connections_.load(); }

 private:
  TcpProxy(int listen_fd, uint16_t port, uint16_t upstream_port)
      : listen_fd_(listen_fd), port_(port), upstream_port_(upstream_port) {}

  void AcceptLoop();
  void Relay(int client_fd);
  // True if the response to this request must be swallowed (and the fault
  // is then disarmed).
  bool TakeFault(const std::string& method, const std::string& path);

  int listen_fd_;
  uint16_t port_;
  uint16_t upstream_port_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> dropped_{0};
  std::atomic<int> connections_{0};

  std::mutex mu_;
  bool armed_ = false;
  std::string fault_method_;
  std::string fault_path_;
  std::thread acceptor_;
  std::vector<std::thread> relays_;  // guarded by mu_
};

}  // namespace patron::integration

#endif  // PATRON_TESTS_INTEGRATION_TCP_PROXY_H_
