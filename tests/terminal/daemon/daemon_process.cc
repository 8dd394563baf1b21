#include "daemon_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <fstream>

namespace patron::testing {
namespace {

constexpr std::string_view kListening = " listening on 127.0.0.1:";

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string ReadTail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out;
  for (const std::string& line : tail) out += line + "\n";
  return out;
}

}  // namespace

Result<std::unique_ptr<DaemonProcess>> DaemonProcess::Start(const std::string& dir,
                                                            DaemonOptions options) {
  // clang-format off
  std::vector<std::string> argv = {PATROND,
                                   "--data-dir", dir + "/data",
                                   "--listen", "127.0.0.1:0",
                                   "--terminal-id", options.terminal_id,
                                   "--store-id", options.store_id,
                                   "--country-code", options.country_code,
                                   "--log-level", options.log_level};
  // clang-format on
  if (options.config_file) {
    const std::string config_path = dir + "/patrond.json";
    std::ofstream(config_path) << options.config_file->dump(2);
    argv.push_back("--config");
    argv.push_back(config_path);
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());

  const std::string log_path = dir + "/patrond.log";
  SubprocessOptions child_options;
  child_options.stderr_path = log_path;
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Subprocess> child,
                          Subprocess::Start(argv, child_options));
  std::optional<std::string> line = child->ReadLine(std::chrono::seconds(20));
  const size_t at = line ? line->find(kListening) : std::string::npos;
  if (at == std::string::npos) {
    static_cast<void>(child->Kill(SIGKILL));
    const ExitStatus how = child->Wait();
    return Status::Unavailable("patrond did not start (" + how.ToString() + ", stdout '" +
                               line.value_or("") + "'):\n" + ReadTail(log_path, 20));
  }
  const int port = std::atoi(line->c_str() + at + kListening.size());
  if (port <= 0 || port > 65535) {
    return Status::Unavailable("patrond printed no port: " + *line);
  }
  return std::unique_ptr<DaemonProcess>(
      new DaemonProcess(std::move(child), static_cast<uint16_t>(port), log_path));
}

std::unique_ptr<HttpClient> DaemonProcess::Client(std::chrono::milliseconds timeout) const {
  return std::make_unique<HttpClient>(endpoint(), timeout);
}

ExitStatus DaemonProcess::Stop(std::chrono::milliseconds timeout) {
  static_cast<void>(process_->Kill(SIGTERM));
  return Wait(timeout);
}

ExitStatus DaemonProcess::Wait(std::chrono::milliseconds timeout) {
  if (std::optional<ExitStatus> how = process_->WaitFor(timeout)) return *how;
  static_cast<void>(process_->Kill(SIGKILL));
  return process_->Wait();
}

std::string DaemonProcess::LogTail(size_t lines) const { return ReadTail(log_path_, lines); }

std::string ApiReply::ErrorCode() const {
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return "";
  const nlohmann::json& code = body["error"]["code"];
  return code.is_string() ? code.get<std::string>() : "";
}

std::string ApiReply::Describe() const {
  if (status == 0) return "transport error: " + transport.ToString();
  return std::to_string(status) + " " + raw;
}

ApiReply Call(HttpClient& client, std::string_view method, std::string_view target,
              std::string_view body, std::string_view content_type) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!content_type.empty()) headers.emplace_back("Content-Type", std::string(content_type));
  Result<HttpResponse> response = client.Send(method, target, body, std::move(headers));
  ApiReply reply;
  if (!response.ok()) {
    reply.transport = response.status();
    return reply;
  }
  reply.status = response->status;
  reply.raw = response->body;
  if (response->content_type.starts_with("text/plain")) {
    reply.body = response->body;  // a JSON string, checked against a string schema
  } else {
    reply.body = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    if (reply.body.is_discarded()) reply.body = nullptr;
  }
  reply.response = std::move(*response);
  return reply;
}

std::vector<nlohmann::json> AllEntries(HttpClient& client, const std::string& member_id) {
  std::vector<nlohmann::json> entries;
  std::string target = "/v1/members/" + member_id + "/entries?limit=500";
  for (;;) {
    ApiReply page = Call(client, "GET", target);
    if (page.status != 200) return entries;
    for (const nlohmann::json& entry : page.body["entries"]) entries.push_back(entry);
    if (!page.body["next_before"].is_number_integer()) return entries;
    target = "/v1/members/" + member_id +
             "/entries?limit=500&before=" + std::to_string(page.body["next_before"].get<int64_t>());
  }
}

std::string MemberDigest(HttpClient& client, const std::string& member_id) {
  std::string digest = Call(client, "GET", "/v1/members/" + member_id).raw + "\n";
  for (const nlohmann::json& entry : AllEntries(client, member_id)) digest += entry.dump() + "\n";
  ApiReply status = Call(client, "GET", "/v1/status");
  digest += "members=" + status.body.value("member_count", nlohmann::json()).dump();
  digest += " pending=" + status.body.value("pending_entries", nlohmann::json()).dump();
  digest += " profile=" + status.body.value("pending_profile_changes", nlohmann::json()).dump();
  return digest;
}

RawConnection::RawConnection(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawConnection::Fill(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0 || fd_ < 0) return false;
  pollfd pfd{fd_, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
  char chunk[4096];
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    eof_ = true;  // orderly close or reset: the server hung up either way
    return true;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<std::string> RawConnection::ReadResponse(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const size_t header_end = buffer_.find("\r\n\r\n");
    if (header_end != std::string::npos) {
      const std::string header = Lower(buffer_.substr(0, header_end));
      const size_t at = header.find("\r\ncontent-length:");
      const size_t length =
          at == std::string::npos ? 0 : std::strtoul(header.c_str() + at + 17, nullptr, 10);
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

bool RawConnection::WaitForClose(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_ && Fill(deadline)) buffer_.clear();
  return eof_;
}

int RawStatus(std::string_view response) {
  if (!response.starts_with("HTTP/1.") || response.size() < 12) return 0;
  return std::atoi(std::string(response.substr(9, 3)).c_str());
}

nlohmann::json RawJsonBody(std::string_view response) {
  const size_t header_end = response.find("\r\n\r\n");
  if (header_end == std::string_view::npos) return nullptr;
  nlohmann::json body =
      nlohmann::json::parse(response.substr(header_end + 4), nullptr, /*allow_exceptions=*/false);
  return body.is_discarded() ? nlohmann::json() : body;
}

}  // namespace patron::testing
