#include "support/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <thread>
#include <utility>

namespace patron::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

Status Errno(std::string_view what, int error) {
  return Status::IOError(std::string(what) + ": " + strerror(error));
}

void CloseIfOpen(int fd) {
  if (fd >= 0) close(fd);
}

ExitStatus Decode(int wait_status) {
  ExitStatus status;
  if (WIFEXITED(wait_status)) status.exit_code = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) status.term_signal = WTERMSIG(wait_status);
  return status;
}

// Runs in the forked child, so only async-signal-safe calls: no allocation,
// no locks. Reports execv's errno through `error_fd` and exits 127.
[[noreturn]] void ExecChild(char* const* argv, pid_t parent, int stdin_fd, int stdout_fd,
                            int stderr_fd, int error_fd) {
#ifdef __linux__
  // Die with the test; the check closes the race with a parent that died
  // before the prctl.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
#else
  (void)parent;
#endif
  // The test may block or ignore signals (doctest handles some); the child
  // starts with the defaults a shell would give it.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  if (dup2(stdin_fd, STDIN_FILENO) < 0 || dup2(stdout_fd, STDOUT_FILENO) < 0 ||
      (stderr_fd >= 0 && dup2(stderr_fd, STDERR_FILENO) < 0)) {
    const int error = errno;
    (void)!write(error_fd, &error, sizeof error);
    _exit(127);
  }
  execv(argv[0], argv);
  const int error = errno;
  (void)!write(error_fd, &error, sizeof error);
  _exit(127);
}

}  // namespace

std::string ExitStatus::ToString() const {
  if (exited()) return "exit " + std::to_string(exit_code);
  if (signaled()) {
    return "signal " + std::to_string(term_signal) + " (" + strsignal(term_signal) + ")";
  }
  return "unknown exit status";
}

Result<std::unique_ptr<Subprocess>> Subprocess::Start(const std::vector<std::string>& argv,
                                                      const SubprocessOptions& options) {
  if (argv.empty()) return Status::InvalidArgument("argv is empty");
  // Everything the child needs is built before fork (it may not allocate).
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return Errno("pipe2", errno);
  int exec_error[2];
  if (pipe2(exec_error, O_CLOEXEC) != 0) {
    const int error = errno;
    CloseIfOpen(out[0]);
    CloseIfOpen(out[1]);
    return Errno("pipe2", error);
  }
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int stderr_fd = -1;
  if (!options.stderr_path.empty()) {
    stderr_fd = open(options.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  auto close_all = [&] {
    for (int fd : {out[0], out[1], exec_error[0], exec_error[1], null_fd, stderr_fd}) {
      CloseIfOpen(fd);
    }
  };
  if (null_fd < 0 || (!options.stderr_path.empty() && stderr_fd < 0)) {
    const int error = errno;
    close_all();
    return Errno("open /dev/null or " + options.stderr_path, error);
  }

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    close_all();
    return Errno("fork", error);
  }
  if (pid == 0) ExecChild(args.data(), parent, null_fd, out[1], stderr_fd, exec_error[1]);

  // Only the child may hold the write ends, or end-of-file would never come.
  const int stdout_fd = std::exchange(out[0], -1);
  const int error_fd = std::exchange(exec_error[0], -1);
  close_all();
  std::unique_ptr<Subprocess> child(new Subprocess(pid, stdout_fd));

  // The error pipe closes on a successful execv (O_CLOEXEC) and carries
  // errno on a failed one.
  int exec_errno = 0;
  ssize_t n;
  do {
    n = read(error_fd, &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  close(error_fd);
  if (n > 0) {
    child->Wait();
    Status failed = Errno("execv " + argv[0], exec_errno);
    if (exec_errno == ENOENT) return Status::NotFound(failed.message());
    return failed;
  }
  if (fcntl(stdout_fd, F_SETFL, fcntl(stdout_fd, F_GETFL) | O_NONBLOCK) != 0) {
    return Errno("fcntl O_NONBLOCK", errno);
  }
  return child;
}

Subprocess::~Subprocess() {
  if (!exit_status_) {
    kill(pid_, SIGKILL);
    Reap(/*block=*/true);
  }
  CloseIfOpen(stdout_fd_);
}

std::optional<std::string> Subprocess::ReadLine(milliseconds timeout) {
  return ReadLineUntil(steady_clock::now() + timeout);
}

std::vector<std::string> Subprocess::DrainLines(milliseconds timeout) {
  const Deadline deadline = steady_clock::now() + timeout;
  std::vector<std::string> lines;
  while (std::optional<std::string> line = ReadLineUntil(deadline)) {
    lines.push_back(std::move(*line));
  }
  return lines;
}

std::optional<std::string> Subprocess::ReadLineUntil(Deadline deadline) {
  for (;;) {
    const size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    if (eof_ || !Fill(deadline)) return std::nullopt;
  }
}

bool Subprocess::Fill(Deadline deadline) {
  char chunk[4096];
  for (;;) {
    const ssize_t n = read(stdout_fd_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n == 0) {
      eof_ = true;
      return true;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      eof_ = true;  // a broken pipe reads as the end of output
      return true;
    }
    const auto left = deadline - steady_clock::now();
    if (left <= steady_clock::duration::zero()) return false;
    // Rounded up, so a sub-millisecond remainder still waits instead of
    // spinning on poll(0).
    const auto wait_ms = std::chrono::ceil<milliseconds>(left).count();
    pollfd ready{stdout_fd_, POLLIN, 0};
    const int polled = poll(&ready, 1, static_cast<int>(wait_ms));
    if (polled == 0) return false;
    if (polled < 0 && errno != EINTR) {
      eof_ = true;
      return true;
    }
  }
}

Status Subprocess::Kill(int signal) {
  if (exit_status_) return Status::OK();
  if (kill(pid_, signal) != 0) return Errno("kill " + std::to_string(pid_), errno);
  return Status::OK();
}

ExitStatus Subprocess::Wait() { return *Reap(/*block=*/true); }

std::optional<ExitStatus> Subprocess::WaitFor(milliseconds timeout) {
  const Deadline deadline = steady_clock::now() + timeout;
  for (;;) {
    if (std::optional<ExitStatus> status = Reap(/*block=*/false)) return status;
    if (steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(milliseconds(1));
  }
}

std::optional<ExitStatus> Subprocess::Reap(bool block) {
  if (exit_status_) return exit_status_;
  int wait_status = 0;
  pid_t reaped;
  do {
    reaped = waitpid(pid_, &wait_status, block ? 0 : WNOHANG);
  } while (reaped < 0 && errno == EINTR);
  if (reaped == 0) return std::nullopt;
  // reaped < 0 (ECHILD): someone else reaped it; it is gone either way, and
  // its pid must not be signalled again.
  exit_status_ = reaped == pid_ ? Decode(wait_status) : ExitStatus{};
  return exit_status_;
}

}  // namespace patron::testing
