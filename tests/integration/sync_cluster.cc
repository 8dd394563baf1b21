#include "sync_cluster.h"

#include <doctest/doctest.h>
#include <signal.h>

#include <cstdlib>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "patron/member_id.h"
#include "patron/rules.h"
#include "patron/sync/codec.h"

namespace patron::integration {
namespace {

using testing::ExitStatus;
using testing::Subprocess;

constexpr std::string_view kListening = "patron-sync listening on 127.0.0.1:";
constexpr auto kRequestTimeout = std::chrono::seconds(15);

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

ApiReply ToReply(Result<HttpResponse> response) {
  ApiReply reply;
  if (!response.ok()) {
    reply.transport = response.status();
    return reply;
  }
  reply.status = response->status;
  reply.raw = response->body;
  reply.body = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  reply.response = std::move(*response);
  return reply;
}

nlohmann::json Optional(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

// ---- SyncServer ----

Result<std::unique_ptr<SyncServer>> SyncServer::Start(std::string dir, uint16_t port,
                                                      std::vector<std::string> extra_args,
                                                      bool tls) {
  std::optional<testing::TestCa> ca;
  if (tls) {
    PATRON_ASSIGN_OR_RETURN(ca, testing::MakeTestCa(dir));
  }
  std::unique_ptr<SyncServer> server(
      new SyncServer(std::move(dir), port, std::move(extra_args), std::move(ca)));
  PATRON_RETURN_IF_ERROR(server->Launch(port));
  return server;
}

SyncServer::~SyncServer() = default;

pid_t SyncServer::pid() const { return process_ ? process_->pid() : -1; }

Status SyncServer::Launch(uint16_t port) {
  log_path_ = dir_ + "/patron-sync." + std::to_string(++starts_) + ".log";
  // clang-format off
  std::vector<std::string> argv = {PATRON_SYNC_BIN,
                                         "--data-dir", dir_ + "/data",
                                         "--listen", "127.0.0.1:" + std::to_string(port),
                                         "--admin-token", std::string(kAdminToken),
                                         "--log-level", "info"};
  // clang-format on
  if (ca_) {
    argv.insert(argv.end(), {"--tls-cert", ca_->server.cert_file, "--tls-key",
                             ca_->server.key_file});
  }
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  testing::SubprocessOptions options;
  options.stderr_path = log_path_;
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Subprocess> child, Subprocess::Start(argv, options));
  std::optional<std::string> line = child->ReadLine(std::chrono::seconds(20));
  if (!line || !line->starts_with(kListening)) {
    static_cast<void>(child->Kill(SIGKILL));
    const ExitStatus how = child->Wait();
    return Status::Unavailable("patron-sync did not start (" + how.ToString() + ", stdout '" +
                               line.value_or("") + "'):\n" + ReadTail(log_path_, 20));
  }
  const int bound = std::atoi(line->c_str() + kListening.size());
  if (bound <= 0 || bound > 65535 || (port != 0 && bound != port)) {
    static_cast<void>(child->Kill(SIGKILL));
    child->Wait();
    return Status::Unavailable("patron-sync printed an unexpected port: " + *line);
  }
  port_ = static_cast<uint16_t>(bound);
  process_ = std::move(child);
  return Status::OK();
}

ExitStatus SyncServer::Stop(std::chrono::milliseconds timeout) {
  if (!process_) return ExitStatus{0, 0};
  static_cast<void>(process_->Kill(SIGTERM));
  std::optional<ExitStatus> how = process_->WaitFor(timeout);
  if (!how) {
    static_cast<void>(process_->Kill(SIGKILL));
    how = process_->Wait();
  }
  process_.reset();
  return *how;
}

Status SyncServer::Restart() {
  if (process_) return Status::FailedPrecondition("patron-sync is still running");
  Status last;
  // The port was ours a moment ago; SO_REUSEADDR covers TIME_WAIT, and a
  // retry covers the unlikely case of the kernel lending it meanwhile.
  for (int attempt = 0; attempt < 20; ++attempt) {
    last = Launch(port_);
    if (last.ok()) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return last;
}

ApiReply SyncServer::Send(std::string_view method, std::string_view target, std::string_view body,
                          std::vector<std::pair<std::string, std::string>> headers) const {
  HttpClient client = ca_ ? HttpClient(endpoint(), kRequestTimeout, ca_->client())
                         : HttpClient(endpoint(), kRequestTimeout);
  return ToReply(client.Send(method, target, body, std::move(headers)));
}

ApiReply SyncServer::Admin(std::string_view method, std::string_view target,
                           const std::optional<nlohmann::json>& body) const {
  return Send(method, target, body ? body->dump() : std::string(),
              {{"Authorization", "Bearer " + std::string(kAdminToken)}});
}

Result<std::string> SyncServer::RegisterTerminal(const std::string& terminal_id,
                                                 const std::string& store_id) const {
  ApiReply reply = Admin("POST", "/v1/admin/terminals",
                         nlohmann::json{{"terminal_id", terminal_id}, {"store_id", store_id}});
  if (reply.status != 201 || !reply.body.is_object() || !reply.body["token"].is_string()) {
    return Status::Unavailable("registering " + terminal_id + ": " + reply.Describe());
  }
  return reply.body["token"].get<std::string>();
}

std::string SyncServer::LogTail(size_t lines) const { return ReadTail(log_path_, lines); }

// ---- TerminalNode ----

TerminalNode::TerminalNode(TerminalSpec spec, std::string token, std::string server_url,
                           std::string ca_file, int64_t sync_interval_ms)
    : spec_(std::move(spec)),
      token_(std::move(token)),
      server_url_(std::move(server_url)),
      ca_file_(std::move(ca_file)),
      sync_interval_ms_(sync_interval_ms) {}

void TerminalNode::Start() {
  REQUIRE_FALSE(running());
  testing::DaemonOptions options;
  options.terminal_id = spec_.terminal_id;
  options.store_id = spec_.store_id;
  options.country_code = "1";
  options.config_file = nlohmann::json{{"sync_interval_ms", sync_interval_ms_}};
  options.extra_args = {"--server", server_url_, "--token", token_};
  if (!ca_file_.empty()) options.extra_args.insert(options.extra_args.end(), {"--ca-file", ca_file_});
  auto started = testing::DaemonProcess::Start(dir_.path().string(), options);
  REQUIRE_MESSAGE(started.ok(), started.status().ToString());
  daemon_ = std::move(started).value();
  client_ = daemon_->Client(kRequestTimeout);
}

void TerminalNode::Stop() {
  REQUIRE(running());
  client_.reset();
  const ExitStatus how = daemon_->Stop(std::chrono::seconds(20));
  const std::string log = daemon_->LogTail();
  daemon_.reset();
  CHECK_MESSAGE(how.exit_code == 0, spec_.terminal_id, " stopped with ", how.ToString(), "\n", log);
}

void TerminalNode::Kill() {
  REQUIRE(running());
  client_.reset();
  static_cast<void>(daemon_->Signal(SIGKILL));
  const ExitStatus how = daemon_->Wait(std::chrono::seconds(10));
  daemon_.reset();
  CHECK(how.term_signal == SIGKILL);
}

ApiReply TerminalNode::Get(std::string_view target) {
  REQUIRE(running());
  return testing::Call(*client_, "GET", target);
}

ApiReply TerminalNode::Post(std::string_view target, const nlohmann::json& body) {
  REQUIRE(running());
  return testing::CallJson(*client_, "POST", target, body);
}

ApiReply TerminalNode::Patch(std::string_view target, const nlohmann::json& body) {
  REQUIRE(running());
  return testing::CallJson(*client_, "PATCH", target, body);
}

ApiReply TerminalNode::Sync() {
  REQUIRE(running());
  return testing::Call(*client_, "POST", "/v1/sync");
}

nlohmann::json TerminalNode::GetStatus() {
  ApiReply reply = Get("/v1/status");
  REQUIRE_MESSAGE(reply.status == 200, id(), ": ", reply.Describe());
  return reply.body;
}

nlohmann::json TerminalNode::Member(const std::string& member_id) {
  ApiReply reply = Get("/v1/members/" + member_id);
  REQUIRE_MESSAGE(reply.status == 200, id(), " member ", member_id, ": ", reply.Describe());
  return reply.body;
}

std::string TerminalNode::Enrol(const nlohmann::json& body) {
  ApiReply reply = Post("/v1/members", body);
  REQUIRE_MESSAGE((reply.status == 201 || reply.status == 200), id(), ": ", reply.Describe());
  return reply.body["member_id"].get<std::string>();
}

ApiReply TerminalNode::Checkout(const std::string& sale_ref, const std::string& member_id,
                                int64_t amount_minor, int64_t redeem_points) {
  nlohmann::json body = {
      {"sale_ref", sale_ref}, {"member_id", member_id}, {"amount_minor", amount_minor}};
  if (redeem_points != 0) body["redeem_points"] = redeem_points;
  return Post("/v1/sales", body);
}

std::string TerminalNode::LogTail(size_t lines) const {
  return daemon_ ? daemon_->LogTail(lines) : std::string("(not running)");
}

// ---- SyncCluster ----

SyncCluster::SyncCluster(ClusterOptions options) : options_(std::move(options)) {
  auto server =
      SyncServer::Start(server_dir_.path().string(), 0, options_.server_args, options_.tls);
  REQUIRE_MESSAGE(server.ok(), server.status().ToString());
  server_ = std::move(server).value();
  for (const TerminalSpec& spec : options_.terminals) {
    Result<std::string> token = server_->RegisterTerminal(spec.terminal_id, spec.store_id);
    REQUIRE_MESSAGE(token.ok(), token.status().ToString());
    std::string url = options_.server_url ? options_.server_url(spec, *server_) : "";
    if (url.empty()) url = server_->url();
    terminals_.push_back(
        std::make_unique<TerminalNode>(spec, *token, url, server_->ca_file(),
                                       options_.sync_interval_ms));
  }
  if (!options_.server_running) StopServer();
  for (auto& terminal : terminals_) terminal->Start();
}

SyncCluster::~SyncCluster() {
  // Terminals first: a terminal stopping mid-round waits for its server.
  for (auto& terminal : terminals_) {
    if (!terminal->running()) continue;
    static_cast<void>(terminal->daemon().Stop(std::chrono::seconds(5)));
  }
  terminals_.clear();
  if (server_ && server_->running()) static_cast<void>(server_->Stop(std::chrono::seconds(5)));
}

TerminalNode& SyncCluster::terminal(std::string_view terminal_id) {
  for (auto& terminal : terminals_) {
    if (terminal->id() == terminal_id) return *terminal;
  }
  FAIL("no terminal " << terminal_id);
  throw std::logic_error("unreachable");
}

void SyncCluster::StopServer() {
  const ExitStatus how = server_->Stop();
  CHECK_MESSAGE(how.exit_code == 0, "patron-sync stopped with ", how.ToString(), "\n",
                server_->LogTail());
}

void SyncCluster::RestartServer() {
  const patron::Status restarted = server_->Restart();
  REQUIRE_MESSAGE(restarted.ok(), restarted.ToString());
}

void SyncCluster::SyncAll(int rounds) {
  for (int round = 0; round < rounds; ++round) {
    for (auto& terminal : terminals_) {
      if (!terminal->running()) continue;
      ApiReply reply = terminal->Sync();
      REQUIRE_MESSAGE(reply.status == 200, terminal->id(), " sync: ", reply.Describe(), "\n",
                      terminal->LogTail(), "\nserver:\n", server_->LogTail());
    }
    WaitUntilFolded();
  }
}

void SyncCluster::WaitUntilFolded() {
  if (!server_->running()) return;
  REQUIRE_MESSAGE(Eventually([&] { return Metrics()["patron_sync_fold_pending_seqs"] == 0; }),
                  "the server did not fold its pushes\n", server_->LogTail());
}

void SyncCluster::SyncUntilQuiet(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    SyncAll(1);
    bool quiet = true;
    for (auto& terminal : terminals_) {
      if (!terminal->running()) continue;
      const nlohmann::json status = terminal->GetStatus();
      if (status["pending_entries"] != 0 || status["pending_profile_changes"] != 0) quiet = false;
    }
    if (quiet) break;
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                    "terminals still have pending entries after repeated syncs");
  }
  SyncAll(1);
}

std::map<std::string, sync::MemberState> SyncCluster::PullAll(const SyncServer& server,
                                                              const std::string& terminal_id,
                                                              const std::string& token) {
  std::map<std::string, sync::MemberState> members;
  sync::PullRequest request;
  request.terminal_id = terminal_id;
  request.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
  request.limit = 1000;
  for (int page = 0; page < 1000; ++page) {
    ApiReply reply = server.Send("POST", "/v1/pull", sync::EncodePullRequest(request),
                                 {{"Authorization", "Bearer " + token}});
    REQUIRE_MESSAGE(reply.status == 200, "pull: ", reply.Describe());
    Result<sync::PullResponse> decoded = sync::DecodePullResponse(reply.raw);
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
    for (sync::MemberState& member : decoded->members) {
      members[member.member_id] = std::move(member);
    }
    if (!decoded->more) return members;
    request.cursor = decoded->next;
  }
  FAIL("the server's pull never ended");
  return members;
}

std::map<std::string, sync::MemberState> SyncCluster::ServerMembers() {
  REQUIRE(!terminals_.empty());
  WaitUntilFolded();
  return PullAll(*server_, terminals_.front()->id(), terminals_.front()->token());
}

nlohmann::json SyncCluster::StoreReport() {
  WaitUntilFolded();
  ApiReply reply = server_->Admin("GET", "/v1/reports/stores");
  REQUIRE_MESSAGE(reply.status == 200, reply.Describe());
  return reply.body;
}

std::map<std::string, int64_t> SyncCluster::Metrics() {
  ApiReply reply = server_->Send("GET", "/metrics", "", {});
  REQUIRE_MESSAGE(reply.status == 200, reply.Describe());
  std::map<std::string, int64_t> samples;
  std::istringstream lines(reply.raw);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || line.find('{') != std::string::npos) continue;
    const size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    samples[line.substr(0, space)] = std::strtoll(line.c_str() + space + 1, nullptr, 10);
  }
  return samples;
}

void SyncCluster::Shutdown() {
  for (auto& terminal : terminals_) {
    if (terminal->running()) terminal->Stop();
  }
  if (server_->running()) StopServer();
}

// ---- helpers ----

nlohmann::json StoreRow(const nlohmann::json& report, std::string_view store_id) {
  for (const nlohmann::json& store : report["stores"]) {
    if (store["store_id"] == store_id) return store;
  }
  FAIL("no store " << store_id << " in " << report.dump());
  return {};
}

nlohmann::json TerminalMemberView(const nlohmann::json& m) {
  return {{"member_id", m["member_id"]},
          {"phone", m["phone"]},
          {"card", m["card"]},
          {"status", m["status"]},
          {"enrolled_store", m["enrolled_store"]},
          {"enrolled_ms", m["enrolled_ms"]},
          {"name", m["name"]},
          {"birthday", m["birthday"]},
          {"email", m["email"]},
          {"gender", m["gender"]},
          {"sms_consent", m["sms_consent"]},
          {"email_consent", m["email_consent"]},
          {"balance", m["balance"]},
          {"qualifying_spend_minor", m["qualifying_spend_minor"]},
          {"tier", m["tier"]}};
}

nlohmann::json ServerMemberView(const sync::MemberState& m) {
  // The server keeps the spend; the tier follows from the active rules,
  // which these tests never change.
  return {{"member_id", m.member_id},
          {"phone", Optional(m.phone)},
          {"card", Optional(m.card)},
          {"status", m.status},
          {"enrolled_store", m.enrolled_store},
          {"enrolled_ms", m.enrolled_ms},
          {"name", m.name.value},
          {"birthday", Optional(m.birthday.value)},
          {"email", Optional(m.email.value)},
          {"gender", Optional(m.gender.value)},
          {"sms_consent", m.sms_consent.value},
          {"email_consent", m.email_consent.value},
          {"balance", m.balance},
          {"qualifying_spend_minor", m.spend_minor},
          {"tier", TierFor(DefaultRules(), m.spend_minor).name}};
}

bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return true;
}

}  // namespace patron::integration
