// What the CLI tests run: the real patrond on a private data directory and a
// loopback port, and `patron` commands against it, each a child process
// whose exit code, stdout and stderr the tests check.
#ifndef PATRON_TESTS_TERMINAL_CLI_CLI_HARNESS_H_
#define PATRON_TESTS_TERMINAL_CLI_CLI_HARNESS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace patron::cli {

struct CliRun {
  int exit_code = -1;  // -1 if a signal ended it
  std::string out;
  std::string err;
};

// Runs `patron args...` to completion (REQUIREs that it ends within 30 s).
CliRun RunPatron(const std::vector<std::string>& args);

// The value of the "key:  value" line of human output; "" if there is none.
std::string Field(const std::string& out, const std::string& key);

// A port on 127.0.0.1 that nothing listens on (bound once, then released).
uint16_t UnusedPort();

class Daemon {
 public:
  // Starts patrond on a fresh data directory as terminal S001-T01 of store
  // S001 and waits for its "listening" line (REQUIREs it).
  static std::unique_ptr<Daemon> Start();
  // Starts `patrond --config config_path`.
  static std::unique_ptr<Daemon> StartWithConfig(const std::string& config_path);

  // "http://127.0.0.1:PORT", for --daemon.
  const std::string& url() const { return url_; }
  // `patron --daemon URL args...`.
  CliRun Patron(std::vector<std::string> args) const;
  // SIGTERM, then how patrond ended.
  testing::ExitStatus Stop();

 private:
  Daemon() = default;
  // Starts patrond with `args` plus `--listen 127.0.0.1:<port>`; false if it
  // ended before printing its "listening" line.
  bool TryStart(std::vector<std::string> args, const std::string& port);

  testing::TempDir dir_;  // data directory and patrond's log
  std::unique_ptr<testing::Subprocess> process_;
  std::string url_;
};

}  // namespace patron::cli

#endif  // PATRON_TESTS_TERMINAL_CLI_CLI_HARNESS_H_
