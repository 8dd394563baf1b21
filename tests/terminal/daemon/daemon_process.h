// The real patrond, started by a test: a child process on 127.0.0.1 and an
// ephemeral port, with its data directory and log in a directory the test
// owns.
//
//   TempDir dir;
//   auto daemon = DaemonProcess::Start(dir.path().string());
//   REQUIRE_MESSAGE(daemon.ok(), daemon.status().ToString());
//   auto client = (*daemon)->Client();
//   ApiReply health = Call(*client, "GET", "/v1/health");
//   CHECK((*daemon)->Stop().exit_code == 0);  // SIGTERM, wait, reap
//
// Lifetime: the DaemonProcess owns the child; its destructor SIGKILLs a
// daemon that was not stopped, so a failing REQUIRE never leaves one behind.
// Thread safety: Client() and endpoint() may be called from any thread;
// Start/Signal/Stop/Wait from the thread that started it.
#ifndef PATRON_TESTS_TERMINAL_DAEMON_DAEMON_PROCESS_H_
#define PATRON_TESTS_TERMINAL_DAEMON_DAEMON_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "patron/http/client.h"
#include "patron/status.h"
#include "support/subprocess.h"

namespace patron::testing {

struct DaemonOptions {
  std::string terminal_id = "S001-T01";
  std::string store_id = "S001";
  std::string country_code = "1";
  std::string log_level = "info";
  // Written as <dir>/patrond.json and passed with --config (limits that
  // have no flag: body_limit, max_connections).
  std::optional<nlohmann::json> config_file;
  std::vector<std::string> extra_args;
};

class DaemonProcess {
 public:
  // Starts patrond with --listen 127.0.0.1:0, --data-dir <dir>/data and its
  // stderr in <dir>/patrond.log; returns once it printed its "listening"
  // line (the port is read from it).
  // Unavailable if it exits or stays silent for 20 s (the log tail is in
  // the message).
  static Result<std::unique_ptr<DaemonProcess>> Start(const std::string& dir,
                                                      DaemonOptions options = {});

  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;
  ~DaemonProcess() = default;

  uint16_t port() const { return port_; }
  Endpoint endpoint() const { return {"127.0.0.1", port_}; }
  pid_t pid() const { return process_->pid(); }
  // A new keep-alive client; one per thread.
  std::unique_ptr<HttpClient> Client(
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  Status Signal(int signal) { return process_->Kill(signal); }
  // SIGTERM, then waits up to `timeout` for the exit (SIGKILL after that,
  // reported as a signal in the result).
  ExitStatus Stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Waits for an exit already asked for; SIGKILL after `timeout`.
  ExitStatus Wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // The last `lines` lines patrond logged, for failure messages.
  std::string LogTail(size_t lines = 20) const;

 private:
  DaemonProcess(std::unique_ptr<Subprocess> process, uint16_t port, std::string log_path)
      : process_(std::move(process)), port_(port), log_path_(std::move(log_path)) {}

  std::unique_ptr<Subprocess> process_;
  uint16_t port_;
  std::string log_path_;
};

// A response with its body parsed (null when the body is not JSON).
struct ApiReply {
  int status = 0;  // 0: the request failed at the transport level
  nlohmann::json body;
  std::string raw;
  HttpResponse response;
  Status transport;  // why status is 0

  // body["error"]["code"], or "" when the body carries no error.
  std::string ErrorCode() const;
  // "<status> <raw body>", for failure messages.
  std::string Describe() const;
};

// Sends one request; a non-empty body goes as application/json unless
// `content_type` says otherwise.
ApiReply Call(HttpClient& client, std::string_view method, std::string_view target,
              std::string_view body = {}, std::string_view content_type = {});
inline ApiReply CallJson(HttpClient& client, std::string_view method, std::string_view target,
                         const nlohmann::json& body) {
  return Call(client, method, target, body.dump());
}

// Everything the daemon knows about one member, as one string: the member,
// its full history and the terminal's counters. Equal before and after a
// request means the request changed nothing.
std::string MemberDigest(HttpClient& client, const std::string& member_id);

// Every entry of a member's history, newest first, following next_before.
std::vector<nlohmann::json> AllEntries(HttpClient& client, const std::string& member_id);

// A plain TCP connection to 127.0.0.1:port for what HttpClient will not send
// (garbage, oversized headers, silence). Closed by the destructor.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection();

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view data);
  // One response (header plus Content-Length body), or nullopt if none came
  // within `timeout` or the peer closed first.
  std::optional<std::string> ReadResponse(std::chrono::milliseconds timeout);
  // True if the peer closed within `timeout` (bytes before the close are
  // dropped).
  bool WaitForClose(std::chrono::milliseconds timeout);

 private:
  // Appends what one recv() returns; false on timeout. Sets eof_.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
};

// The status code of a raw HTTP response ("HTTP/1.1 431 ..." -> 431), 0 if
// it does not look like one.
int RawStatus(std::string_view response);
// The body of a raw response parsed as JSON (null if it is not).
nlohmann::json RawJsonBody(std::string_view response);

}  // namespace patron::testing

#endif  // PATRON_TESTS_TERMINAL_DAEMON_DAEMON_PROCESS_H_
