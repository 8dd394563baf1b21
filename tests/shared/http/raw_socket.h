// Plain POSIX sockets for the HTTP tests: they send what no well-behaved
// client would (garbage, half a request, silence) and watch how the server
// answers and when it hangs up.
#ifndef PATRON_TESTS_SHARED_HTTP_RAW_SOCKET_H_
#define PATRON_TESTS_SHARED_HTTP_RAW_SOCKET_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace patron::testing {

// A connected socket to 127.0.0.1:port; closed by the destructor.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() { Close(); }

  bool connected() const { return connected_; }
  bool eof() const { return eof_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads until the peer closes or `timeout` passes; returns all bytes read.
  std::string ReadUntilClosed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!eof_ && Fill(deadline)) {
    }
    return TakeAll();
  }

  // One complete response (header plus Content-Length body) or nullopt if
  // none arrived within `timeout`.
  std::optional<std::string> ReadResponse(std::chrono::milliseconds timeout,
                                          bool head_request = false) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const size_t header_end = buffer_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        size_t length = 0;
        const std::string header = Lower(buffer_.substr(0, header_end));
        const size_t at = header.find("\r\ncontent-length:");
        if (at != std::string::npos && !head_request) {
          length = std::strtoul(header.c_str() + at + 17, nullptr, 10);
        }
        const size_t total = header_end + 4 + length;
        if (buffer_.size() >= total) {
          std::string response = buffer_.substr(0, total);
          buffer_.erase(0, total);
          return response;
        }
      }
      if (eof_ || !Fill(deadline)) return std::nullopt;
    }
  }

  // True if the peer closed the connection within `timeout` (data before
  // the close is discarded).
  bool WaitForClose(std::chrono::milliseconds timeout) {
    ReadUntilClosed(timeout);
    return eof_;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  static std::string Lower(std::string text) {
    for (char& c : text) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return text;
  }

 private:
  // Appends what one recv() returns; false on timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      eof_ = true;  // orderly close or reset: either way, the server hung up
      return true;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  std::string TakeAll() {
    std::string all = std::move(buffer_);
    buffer_.clear();
    return all;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buffer_;
};

// A listening socket on 127.0.0.1 that never accepts or answers: the kernel
// completes handshakes into its backlog, so clients connect, then wait.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 8);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  ~SilentListener() { ::close(fd_); }

  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace patron::testing

#endif  // PATRON_TESTS_SHARED_HTTP_RAW_SOCKET_H_
