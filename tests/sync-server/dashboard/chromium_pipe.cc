#include "chromium_pipe.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <thread>

namespace patron::testing {
namespace {

constexpr auto kAnswerTimeout = std::chrono::seconds(30);

std::string Base64Decode(std::string_view text) {
  std::string out(3 * (text.size() / 4) + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return {};
  out.resize(static_cast<size_t>(n));
  // EVP_DecodeBlock counts the padding's zero bytes too.
  size_t pad = 0;
  while (pad < text.size() && pad < 2 && text[text.size() - 1 - pad] == '=') ++pad;
  out.resize(out.size() - pad);
  return out;
}

}  // namespace

Result<std::unique_ptr<ChromiumPipe>> ChromiumPipe::Start(const std::string& profile_dir,
                                                          const std::string& log_path,
                                                          const std::string& binary) {
  int commands[2];  // test -> browser (its fd 3)
  int replies[2];   // browser -> test (its fd 4)
  if (pipe2(commands, O_CLOEXEC) != 0 || pipe2(replies, O_CLOEXEC) != 0) {
    return Status::IOError("pipe failed");
  }
  const std::vector<std::string> args = {
      binary,
      "--headless",
      "--no-sandbox",  // root in CI has no user namespace sandbox
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-extensions",
      "--disable-background-networking",
      "--remote-debugging-pipe",
      "--window-size=1280,1000",
      "--user-data-dir=" + profile_dir,
      "about:blank"};
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0) return Status::IOError("cannot open " + log_path);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return Status::IOError("fork failed");
  if (pid == 0) {
    // Async-signal-safe calls only. A group of its own, so the test kills
    // the renderers with the browser; and killed if the test dies.
    setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0 ||
        dup2(commands[0], 3) != 3 || dup2(replies[1], 4) != 4) {
      _exit(127);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here, so the group exists whichever runs first
  close(log_fd);
  close(commands[0]);
  close(replies[1]);
  std::unique_ptr<ChromiumPipe> browser(new ChromiumPipe(pid, commands[1], replies[0]));
  // The browser answers once it is up: a page of our own, attached flat so
  // page commands travel on this pipe with a session id.
  Result<nlohmann::json> target =
      browser->Call("Target.createTarget", {{"url", "about:blank"}}, false);
  if (!target.ok()) {
    return Status::Unavailable("chromium did not start (" + binary +
                               "): " + target.status().ToString() + "; see " + log_path);
  }
  Result<nlohmann::json> attached = browser->Call(
      "Target.attachToTarget", {{"targetId", (*target)["targetId"]}, {"flatten", true}}, false);
  if (!attached.ok()) return attached.status();
  browser->session_id_ = (*attached)["sessionId"].get<std::string>();
  for (const char* domain : {"Page.enable", "Runtime.enable", "Log.enable"}) {
    if (Result<nlohmann::json> enabled = browser->Call(domain); !enabled.ok()) {
      return enabled.status();
    }
  }
  return browser;
}

ChromiumPipe::~ChromiumPipe() { Stop(); }

void ChromiumPipe::Stop() {
  if (pid_ <= 0) return;
  // A polite close first (the profile is flushed), then the whole group.
  (void)Send({{"id", next_id_++}, {"method", "Browser.close"}});
  for (int i = 0; i < 40; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      kill(-pid_, SIGKILL);  // any renderer left behind
      pid_ = 0;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }
  close(to_browser_);
  close(from_browser_);
}

Status ChromiumPipe::Send(const nlohmann::json& message) {
  std::string text = message.dump();
  text.push_back('\0');
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(to_browser_, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Unavailable("the browser's pipe is closed");
    written += static_cast<size_t>(n);
  }
  return Status::OK();
}

Result<nlohmann::json> ChromiumPipe::Receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const size_t end = buffer_.find('\0');
    if (end != std::string::npos) {
      nlohmann::json message = nlohmann::json::parse(buffer_.substr(0, end), nullptr, false);
      buffer_.erase(0, end + 1);
      if (message.is_discarded()) return Status::Corruption("the browser sent bad JSON");
      return message;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Status::Unavailable("no answer from the browser in time");
    pollfd fd{from_browser_, POLLIN, 0};
    const int ready = poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char chunk[65536];
    const ssize_t n = read(from_browser_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Unavailable("the browser closed its pipe");
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

void ChromiumPipe::Note(const nlohmann::json& event) {
  const std::string method = event.value("method", "");
  const nlohmann::json& params = event.contains("params") ? event["params"] : nlohmann::json();
  if (method == "Runtime.exceptionThrown") {
    page_errors_.push_back("exception: " + params["exceptionDetails"].dump());
  } else if (method == "Runtime.consoleAPICalled" && params.value("type", "") == "error") {
    page_errors_.push_back("console.error: " + params["args"].dump());
  } else if (method == "Log.entryAdded" && params["entry"].value("level", "") == "error") {
    page_errors_.push_back("log: " + params["entry"].value("text", "") + " " +
                           params["entry"].value("url", ""));
  }
}

Result<nlohmann::json> ChromiumPipe::Call(std::string_view method, nlohmann::json params,
                                          bool to_page) {
  const int64_t id = next_id_++;
  nlohmann::json message = {{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (to_page) message["sessionId"] = session_id_;
  PATRON_RETURN_IF_ERROR(Send(message));
  while (true) {
    PATRON_ASSIGN_OR_RETURN(nlohmann::json reply, Receive(kAnswerTimeout));
    if (!reply.contains("id")) {
      Note(reply);
      continue;
    }
    if (reply["id"] != id) continue;
    if (reply.contains("error")) {
      return Status::Internal(std::string(method) + ": " + reply["error"].dump());
    }
    return reply["result"];
  }
}

Result<nlohmann::json> ChromiumPipe::Evaluate(const std::string& expression) {
  PATRON_ASSIGN_OR_RETURN(
      nlohmann::json result,
      Call("Runtime.evaluate",
           {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}}));
  if (result.contains("exceptionDetails")) {
    return Status::Internal("page exception: " + result["exceptionDetails"].dump());
  }
  return result["result"].value("value", nlohmann::json());
}

Result<nlohmann::json> ChromiumPipe::WaitFor(const std::string& expression,
                                             std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(nlohmann::json value, Evaluate(expression));
    const bool truthy = !value.is_null() && value != false && value != "" && value != 0;
    if (truthy) return value;
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("still false after the wait: " + expression);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Status ChromiumPipe::Navigate(const std::string& url) {
  return Call("Page.navigate", {{"url", url}}).status();
}

Status ChromiumPipe::Screenshot(const std::string& path) {
  PATRON_ASSIGN_OR_RETURN(nlohmann::json shot, Call("Page.captureScreenshot", {{"format", "png"}}));
  const std::string png = Base64Decode(shot["data"].get<std::string>());
  if (png.size() < 8 || png.compare(1, 3, "PNG") != 0) {
    return Status::Corruption("the screenshot is not a PNG");
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(png.data(), static_cast<std::streamsize>(png.size()));
  return out ? Status::OK() : Status::IOError("cannot write " + path);
}

}  // namespace patron::testing
