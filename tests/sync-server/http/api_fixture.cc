#include "api_fixture.h"

#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "support/test_entries.h"

namespace patron::sync {

ApiFixture::ApiFixture(SyncApiOptions options) {
  store_ = SqliteServerStore::Open(dir_.File("server.db")).value();
  SyncServiceOptions service_options;
  service_options.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
  service_options.wall_clock_ms = [this] { return now_ms; };
  service_ = std::make_unique<SyncService>(*store_, service_options);
  // No test waits out the throttle's delay after a wrong admin token.
  if (!options.sleep) options.sleep = [](std::chrono::milliseconds) {};
  api_ = std::make_unique<SyncApi>(*service_, std::move(options));
}

HttpRequest ApiFixture::Request(std::string method, std::string path, std::string body,
                                std::string authorization, std::string content_type) {
  HttpRequest request;
  request.method = std::move(method);
  // Split as the server splits it; a target that does not parse stays
  // whole, for the router to refuse.
  Result<ParsedTarget> parsed = ParseTarget(path);
  request.target = path;
  request.path = parsed.ok() ? std::move(parsed->path) : std::move(path);
  if (parsed.ok()) request.query = std::move(parsed->query);
  request.body = std::move(body);
  request.authorization = std::move(authorization);
  request.content_type = request.method == "GET" ? "" : std::move(content_type);
  request.remote = "127.0.0.1:5000";
  return request;
}

HttpResponse ApiFixture::Call(std::string method, std::string path, std::string body,
                              std::string authorization, std::string content_type) {
  return api_->Handle(Request(std::move(method), std::move(path), std::move(body),
                              std::move(authorization), std::move(content_type)));
}

HttpResponse ApiFixture::Admin(std::string method, std::string path, std::string body) {
  return Call(std::move(method), std::move(path), std::move(body),
              "Bearer " + std::string(kAdminToken));
}

std::string ApiFixture::Register(const std::string& terminal_id, const std::string& store_id) {
  HttpResponse response =
      Admin("POST", "/v1/admin/terminals",
            nlohmann::json{{"terminal_id", terminal_id}, {"store_id", store_id}}.dump());
  REQUIRE_MESSAGE(response.status == 201, response.body);
  return "Bearer " + nlohmann::json::parse(response.body)["token"].get<std::string>();
}

LedgerEntry ApiFixture::Earn(const std::string& terminal_id, const std::string& store_id,
                             int64_t seq, const std::string& member_id, int64_t points) const {
  return testing::EarnEntry(terminal_id, store_id, seq, member_id, points, now_ms);
}

PushRequest ApiFixture::NewPush(const std::string& terminal_id) const {
  PushRequest request;
  request.terminal_id = terminal_id;
  request.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
  request.hlc = HlcTimestamp::FromParts(now_ms, 0);
  return request;
}

PullRequest ApiFixture::NewPull(const std::string& terminal_id, Cursor cursor) const {
  PullRequest request;
  request.terminal_id = terminal_id;
  request.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
  request.cursor = std::move(cursor);
  request.limit = 100;
  return request;
}

void CreateUser(ApiFixture& f, const std::string& username, const std::string& role,
                const std::string& store_id) {
  nlohmann::json body = {
      {"username", username}, {"role", role}, {"password", username + "-secret"}};
  if (!store_id.empty()) body["store_id"] = store_id;
  const HttpResponse created = f.Admin("POST", "/v1/admin/users", body.dump());
  REQUIRE_MESSAGE(created.status == 200, created.body);
}

std::string LogIn(ApiFixture& f, const std::string& username) {
  const HttpResponse login =
      f.Call("POST", "/v1/auth/login",
             nlohmann::json{{"username", username}, {"password", username + "-secret"}}.dump());
  REQUIRE_MESSAGE(login.status == 200, login.body);
  const nlohmann::json reply = nlohmann::json::parse(login.body, nullptr, false);
  return "Bearer " + reply.value("token", std::string());
}

std::string ErrorCode(const HttpResponse& response) {
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("error")) return "";
  return body["error"].value("code", "");
}

std::optional<std::string> HeaderOf(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace patron::sync
