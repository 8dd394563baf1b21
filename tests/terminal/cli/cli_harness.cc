#include "cli_harness.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace patron::cli {
namespace {

using std::chrono::seconds;
using testing::Subprocess;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

CliRun RunPatron(const std::vector<std::string>& args) {
  testing::TempDir dir;
  std::vector<std::string> argv = {PATRON_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::SubprocessOptions options;
  options.stderr_path = dir.File("stderr");
  auto child = Subprocess::Start(argv, options);
  REQUIRE_MESSAGE(child.ok(), child.status().ToString());
  CliRun run;
  for (const std::string& line : (*child)->DrainLines(seconds(30))) run.out += line + "\n";
  REQUIRE_MESSAGE((*child)->eof(), "patron did not finish within 30 s");
  run.out += (*child)->unterminated();
  run.exit_code = (*child)->Wait().exit_code;
  run.err = ReadFile(options.stderr_path);
  return run;
}

std::string Field(const std::string& out, const std::string& key) {
  std::istringstream lines(out);
  const std::string prefix = key + ":";
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(prefix)) continue;
    const size_t value = line.find_first_not_of(' ', prefix.size());
    return value == std::string::npos ? "" : line.substr(value);
  }
  return "";
}

uint16_t UnusedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof address;
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                     getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  close(fd);
  REQUIRE(bound);
  return ntohs(address.sin_port);
}

std::unique_ptr<Daemon> Daemon::Start() {
  std::unique_ptr<Daemon> daemon(new Daemon());
  const std::vector<std::string> args = {PATROND,         "--data-dir",  daemon->dir_.File("data"),
                                         "--terminal-id", "S001-T01",    "--store-id",
                                         "S001",          "--log-level", "warn"};
  // Port 0 lets the kernel choose, race-free. A patrond that refuses port 0
  // gets a port that was free a moment ago instead.
  if (!daemon->TryStart(args, "0")) {
    REQUIRE_MESSAGE(daemon->TryStart(args, std::to_string(UnusedPort())),
                    ("patrond did not start:\n" + ReadFile(daemon->dir_.File("patrond.log"))));
  }
  return daemon;
}

std::unique_ptr<Daemon> Daemon::StartWithConfig(const std::string& config_path) {
  std::unique_ptr<Daemon> daemon(new Daemon());
  testing::SubprocessOptions options;
  options.stderr_path = daemon->dir_.File("patrond.log");
  auto child =
      Subprocess::Start({PATROND, "--config", config_path, "--log-level", "warn"}, options);
  REQUIRE_MESSAGE(child.ok(), child.status().ToString());
  daemon->process_ = std::move(*child);
  const std::optional<std::string> line = daemon->process_->ReadLine(seconds(30));
  REQUIRE_MESSAGE(line.has_value(),
                  ("patrond did not start:\n" + ReadFile(daemon->dir_.File("patrond.log"))));
  daemon->url_ = "http://" + line->substr(line->rfind(' ') + 1);
  return daemon;
}

bool Daemon::TryStart(std::vector<std::string> args, const std::string& port) {
  args.insert(args.end(), {"--listen", "127.0.0.1:" + port});
  testing::SubprocessOptions options;
  options.stderr_path = dir_.File("patrond.log");
  auto child = Subprocess::Start(args, options);
  REQUIRE_MESSAGE(child.ok(), child.status().ToString());
  process_ = std::move(*child);
  const std::optional<std::string> line = process_->ReadLine(seconds(30));
  if (!line) {
    (void)process_->Kill(SIGKILL);  // in case it hangs instead of exiting
    process_->Wait();
    return false;
  }
  // "patrond S001-T01 listening on 127.0.0.1:PORT"
  REQUIRE(line->starts_with("patrond S001-T01 listening on 127.0.0.1:"));
  url_ = "http://" + line->substr(line->rfind(' ') + 1);
  return true;
}

CliRun Daemon::Patron(std::vector<std::string> args) const {
  args.insert(args.begin(), {"--daemon", url_});
  return RunPatron(args);
}

testing::ExitStatus Daemon::Stop() {
  REQUIRE(process_->Kill(SIGTERM).ok());
  const std::optional<testing::ExitStatus> status = process_->WaitFor(seconds(30));
  REQUIRE_MESSAGE(status.has_value(), "patrond did not stop within 30 s of SIGTERM");
  return *status;
}

}  // namespace patron::cli
