// patron::testing::Subprocess: a child process started by a test (a crash
// driver, later a daemon), with its stdout captured line by line.
//
//   auto child = Subprocess::Start({driver_path, db_path, "100000"});
//   if (!child.ok()) FAIL(child.status().ToString());
//   std::optional<std::string> line = (*child)->ReadLine(std::chrono::seconds(10));
//   (*child)->Kill(SIGKILL);
//   std::vector<std::string> rest = (*child)->DrainLines(std::chrono::seconds(5));
//   ExitStatus how = (*child)->Wait();
//
// Lifetime: a Subprocess owns its child. The destructor SIGKILLs a child that
// has not been reaped yet and reaps it, so a failing test (REQUIRE throws)
// never leaves a process behind. On Linux the child also gets SIGKILL if the
// thread that started it dies (PR_SET_PDEATHSIG), which covers a test binary
// killed by CTest's timeout.
//
// The child's stdin is /dev/null; its stdout is a pipe read here; its stderr
// is inherited, or written to a file. No other descriptor of the test leaks
// into it (pipes are O_CLOEXEC), so a child's output reaches end-of-file
// exactly when that child (and whatever it forked itself) is gone.
//
// Thread safety: none; one thread drives a Subprocess.
#ifndef PATRON_TESTS_SUPPORT_SUBPROCESS_H_
#define PATRON_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "patron/status.h"

namespace patron::testing {

// How a child ended.
struct ExitStatus {
  int exit_code = -1;   // set if the child called exit(); -1 otherwise
  int term_signal = 0;  // set if a signal ended the child; 0 otherwise

  bool exited() const { return exit_code >= 0; }
  bool signaled() const { return term_signal != 0; }
  // "exit 0", "signal 9 (Killed)".
  std::string ToString() const;
};

struct SubprocessOptions {
  // Empty: the child writes to the test's stderr. Otherwise the file is
  // created or truncated and receives the child's stderr.
  std::string stderr_path;
};

class Subprocess {
 public:
  // Starts argv[0] (a path, not searched in PATH) with arguments argv.
  // IOError if the pipe or fork fails, NotFound/IOError if execv fails (its
  // errno is reported back to here, the child then exits 127 and is reaped).
  static Result<std::unique_ptr<Subprocess>> Start(const std::vector<std::string>& argv,
                                                   const SubprocessOptions& options = {});

  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  // SIGKILLs and reaps the child unless it was already reaped.
  ~Subprocess();

  pid_t pid() const { return pid_; }

  // The next complete line of stdout, without its '\n'. nullopt if no full
  // line arrived within `timeout` (0 = only what is already buffered), or at
  // end of output; eof() tells which. A final fragment without '\n' is never
  // returned as a line: it stays in unterminated() (a half-written line is
  // not a line the child finished printing).
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  // Every complete line until end of output, or until `timeout` passes with
  // the output still open (then eof() is false).
  std::vector<std::string> DrainLines(std::chrono::milliseconds timeout);
  // True once the child's stdout reached end-of-file (or failed to read).
  bool eof() const { return eof_; }
  // Bytes after the last '\n' read so far.
  const std::string& unterminated() const { return buffer_; }

  // Sends `signal` to the child. Does nothing once the child has been reaped,
  // because its pid may by then belong to an unrelated process.
  Status Kill(int signal);
  // Blocks until the child ends, reaps it and returns how it ended. Later
  // calls return the same status.
  ExitStatus Wait();
  // Like Wait() but gives up after `timeout` (nullopt: still running).
  std::optional<ExitStatus> WaitFor(std::chrono::milliseconds timeout);

 private:
  Subprocess(pid_t pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}
  using Deadline = std::chrono::steady_clock::time_point;

  // Reaps the child if it has ended; with `block`, waits for it to end.
  std::optional<ExitStatus> Reap(bool block);
  std::optional<std::string> ReadLineUntil(Deadline deadline);
  // Appends to buffer_ what one read() returns, waiting for data until
  // `deadline`; sets eof_ at end of output. False if the deadline passed.
  bool Fill(Deadline deadline);

  pid_t pid_;
  int stdout_fd_;                          // read end of the child's stdout, non-blocking
  std::optional<ExitStatus> exit_status_;  // set once reaped
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace patron::testing

#endif  // PATRON_TESTS_SUPPORT_SUBPROCESS_H_
