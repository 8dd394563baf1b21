// What every `patron` command shares: the global options, the exit codes and
// one way to call patrond and report the outcome, so that all commands fail,
// print JSON and name the daemon alike.
#ifndef PATRON_TERMINAL_SRC_CLI_COMMAND_H_
#define PATRON_TERMINAL_SRC_CLI_COMMAND_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace patron::cli {

// Exit codes of `patron`; kExitCodesHelp documents them in --help.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // the API refused (or init could not write)
inline constexpr int kExitUsage = 2;        // the command line is wrong
inline constexpr int kExitUnreachable = 3;  // patrond could not be reached
extern const char kExitCodesHelp[];

inline constexpr char kDefaultDaemonUrl[] = "http://127.0.0.1:7420";

struct GlobalOptions {
  std::string daemon_url = kDefaultDaemonUrl;
  bool json = false;
  int timeout_ms = 5000;
};

// The parsed command line. A command's CLI11 callback sets `action` during
// parsing; main runs it only after the whole line parsed, so a command line
// with an error never sends a request.
struct Cli {
  GlobalOptions global;
  std::function<int()> action;
};

// Prints "error: <message>" and a pointer to --help to stderr; returns
// kExitUsage. For mistakes CLI11 cannot see (a config ValidateConfig refuses).
int UsageError(const std::string& message);

// Prints "error: <code>: <message>" to stderr; returns kExitFailed.
int Failure(const std::string& code, const std::string& message);

struct ApiRequest {
  std::string method;   // GET, POST, PATCH
  std::string target;   // encoded: "/v1/members?phone=%2B14155550100"
  nlohmann::json body;  // sent as JSON unless null
};

// Formats a successful answer for humans on stdout. May throw
// nlohmann::json::exception on a body of unexpected shape; CallDaemon reports
// that as "bad_response" instead of crashing.
using HumanPrinter = std::function<void(const nlohmann::json& body)>;

// Sends `request` to patrond and reports the outcome:
//   - unreachable: a message naming the URL and how to start patrond -> 3;
//   - a non-2xx answer: "error: <code>: <message>" on stderr -> 1;
//   - success: `print` (or, with --json, the body as received) -> 0.
// With --json the body is printed to stdout as received for errors too, so a
// script reads the API's error object from stdout and the exit code.
int CallDaemon(const GlobalOptions& global, const ApiRequest& request, const HumanPrinter& print);

}  // namespace patron::cli

#endif  // PATRON_TERMINAL_SRC_CLI_COMMAND_H_
