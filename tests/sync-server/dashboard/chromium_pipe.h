// ChromiumPipe: Debian's headless Chromium driven over the DevTools
// protocol on a pipe (--remote-debugging-pipe: commands on the child's fd 3,
// replies and events on its fd 4, each message a JSON text ended by NUL),
// so a test needs no websocket and no port of its own.
//
//   auto browser = ChromiumPipe::Start(dir.File("profile"));
//   REQUIRE_MESSAGE(browser.ok(), browser.status().ToString());
//   (*browser)->Navigate("http://127.0.0.1:7430/dashboard/");
//   nlohmann::json ready = (*browser)->Evaluate("document.body.dataset.ready");
//
// Lifetime: the browser runs in a process group of its own, started with
// PR_SET_PDEATHSIG; Stop() (and the destructor) asks it to close, then
// kills that group by its id and reaps the browser, so no renderer
// outlives the test. The profile directory is the caller's (a TempDir).
//
// Thread safety: none; one thread drives a browser.
#ifndef PATRON_TESTS_SYNC_SERVER_DASHBOARD_CHROMIUM_PIPE_H_
#define PATRON_TESTS_SYNC_SERVER_DASHBOARD_CHROMIUM_PIPE_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "patron/status.h"

namespace patron::testing {

class ChromiumPipe {
 public:
  // Starts `binary` (default /usr/bin/chromium) headless with a fresh
  // profile in `profile_dir`, opens one page and attaches to it.
  // Unavailable if the browser does not start or answer within 30 s.
  static Result<std::unique_ptr<ChromiumPipe>> Start(
      const std::string& profile_dir, const std::string& log_path,
      const std::string& binary = "/usr/bin/chromium");
  ChromiumPipe(const ChromiumPipe&) = delete;
  ChromiumPipe& operator=(const ChromiumPipe&) = delete;
  ~ChromiumPipe();

  // Sends one command (to the page when `to_page`) and waits for its
  // result; a protocol error or no answer within 30 s is an error.
  Result<nlohmann::json> Call(std::string_view method,
                              nlohmann::json params = nlohmann::json::object(),
                              bool to_page = true);
  // Runtime.evaluate of `expression` in the page, promises awaited; the
  // value (returnByValue), or an error for an exception.
  Result<nlohmann::json> Evaluate(const std::string& expression);
  // Evaluates `expression` every 50 ms until it is truthy; its value, or
  // DeadlineExceeded-like Unavailable after `timeout`.
  Result<nlohmann::json> WaitFor(const std::string& expression, std::chrono::milliseconds timeout);
  Status Navigate(const std::string& url);
  // A PNG of the page's viewport, written to `path`.
  Status Screenshot(const std::string& path);
  // Messages the page logged as errors (console errors, uncaught
  // exceptions, failed loads), collected from events since start.
  const std::vector<std::string>& page_errors() const { return page_errors_; }

  // Closes the browser: Browser.close, then SIGKILL to its process group,
  // then reaps it. Idempotent.
  void Stop();
  pid_t pid() const { return pid_; }

 private:
  ChromiumPipe(pid_t pid, int to_browser, int from_browser)
      : pid_(pid), to_browser_(to_browser), from_browser_(from_browser) {}
  Status Send(const nlohmann::json& message);
  // The next message, or an error at end of file or after `timeout`.
  Result<nlohmann::json> Receive(std::chrono::milliseconds timeout);
  void Note(const nlohmann::json& event);

  pid_t pid_;
  int to_browser_;
  int from_browser_;
  std::string buffer_;
  int64_t next_id_ = 1;
  std::string session_id_;
  std::vector<std::string> page_errors_;
};

}  // namespace patron::testing

#endif  // PATRON_TESTS_SYNC_SERVER_DASHBOARD_CHROMIUM_PIPE_H_
