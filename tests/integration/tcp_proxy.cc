#include "tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <optional>
#include <utility>

namespace patron::integration {
namespace {

// How often blocked threads look at the stop flag.
constexpr int kPollMs = 50;

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

int ConnectLoopback(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const sockaddr_in addr = Loopback(port);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void CloseBoth(int fd) {
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// One complete HTTP/1.1 message at the front of `buffer`: its start line and
// its length (head plus Content-Length body). nullopt while incomplete.
struct Framed {
  std::string start_line;
  size_t total = 0;
};

std::optional<Framed> FrameMessage(const std::string& buffer) {
  const size_t head_end = buffer.find("\r\n\r\n");
  if (head_end == std::string::npos) return std::nullopt;
  const std::string head = Lower(buffer.substr(0, head_end));
  size_t length = 0;
  const size_t at = head.find("\r\ncontent-length:");
  if (at != std::string::npos) {
    length = std::strtoul(head.c_str() + at + std::strlen("\r\ncontent-length:"), nullptr, 10);
  }
  const size_t total = head_end + 4 + length;
  if (buffer.size() < total) return std::nullopt;
  return Framed{buffer.substr(0, buffer.find("\r\n")), total};
}

// "POST /v1/push?x=1 HTTP/1.1" -> {"POST", "/v1/push"}.
std::pair<std::string, std::string> MethodAndPath(const std::string& request_line) {
  const size_t space = request_line.find(' ');
  if (space == std::string::npos) return {request_line, ""};
  const size_t end = request_line.find(' ', space + 1);
  std::string target = request_line.substr(
      space + 1, end == std::string::npos ? std::string::npos : end - space - 1);
  target = target.substr(0, target.find('?'));
  return {request_line.substr(0, space), target};
}

}  // namespace

Result<std::unique_ptr<TcpProxy>> TcpProxy::Start(uint16_t upstream_port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = Loopback(0);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 64) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return Status::IOError("cannot listen on 127.0.0.1: " + why);
  }
  socklen_t size = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return Status::IOError("getsockname: " + why);
  }
  std::unique_ptr<TcpProxy> proxy(new TcpProxy(fd, ntohs(addr.sin_port), upstream_port));
  TcpProxy* self = proxy.get();
  proxy->acceptor_ = std::thread([self] { self->AcceptLoop(); });
  return proxy;
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> relays;
  {
    std::lock_guard lock(mu_);
    relays.swap(relays_);
  }
  for (std::thread& relay : relays) relay.join();
  ::close(listen_fd_);
}

void TcpProxy::DropFirstResponseTo(std::string method, std::string path) {
  std::lock_guard lock(mu_);
  armed_ = true;
  fault_method_ = std::move(method);
  fault_path_ = std::move(path);
}

bool TcpProxy::TakeFault(const std::string& method, const std::string& path) {
  std::lock_guard lock(mu_);
  if (!armed_ || method != fault_method_ || path != fault_path_) return false;
  armed_ = false;
  return true;
}

void TcpProxy::AcceptLoop() {
  while (!stopping_) {
    pollfd pfd{listen_fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, kPollMs);
    if (ready <= 0) continue;
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ++connections_;
    std::lock_guard lock(mu_);
    relays_.emplace_back([this, client] { Relay(client); });
  }
}

void TcpProxy::Relay(int client_fd) {
  const int upstream_fd = ConnectLoopback(upstream_port_);
  if (upstream_fd < 0) {
    CloseBoth(client_fd);  // like a server that is down: the client sees a reset/close
    return;
  }
  std::string requests;   // client bytes already forwarded, kept for framing
  std::string responses;  // upstream bytes not yet forwarded
  std::deque<std::pair<std::string, std::string>> in_flight;  // method, path
  char chunk[16384];
  bool open = true;
  while (open && !stopping_) {
    pollfd fds[2] = {{client_fd, POLLIN, 0}, {upstream_fd, POLLIN, 0}};
    const int ready = ::poll(fds, 2, kPollMs);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    if (fds[0].revents != 0) {
      const ssize_t got = ::recv(client_fd, chunk, sizeof chunk, 0);
      if (got <= 0 || !SendAll(upstream_fd, chunk, static_cast<size_t>(got))) break;
      requests.append(chunk, static_cast<size_t>(got));
      while (std::optional<Framed> request = FrameMessage(requests)) {
        in_flight.push_back(MethodAndPath(request->start_line));
        requests.erase(0, request->total);
      }
    }
    if (fds[1].revents != 0) {
      const ssize_t got = ::recv(upstream_fd, chunk, sizeof chunk, 0);
      if (got <= 0) {
        // The server hung up: pass on whatever it sent, then hang up too.
        SendAll(client_fd, responses.data(), responses.size());
        break;
      }
      responses.append(chunk, static_cast<size_t>(got));
      while (std::optional<Framed> response = FrameMessage(responses)) {
        std::pair<std::string, std::string> request;
        if (!in_flight.empty()) {
          request = std::move(in_flight.front());
          in_flight.pop_front();
        }
        if (TakeFault(request.first, request.second)) {
          ++dropped_;  // the server committed and answered; the client never hears it
          open = false;
          break;
        }
        if (!SendAll(client_fd, responses.data(), response->total)) {
          open = false;
          break;
        }
        responses.erase(0, response->total);
      }
    }
  }
  CloseBoth(client_fd);
  CloseBoth(upstream_fd);
}

}  // namespace patron::integration
