// SyncApi over a SqliteServerStore in a temporary directory, with a
// controllable clock, driven as a pure handler (no sockets).
#ifndef PATRON_TESTS_SYNC_SERVER_HTTP_API_FIXTURE_H_
#define PATRON_TESTS_SYNC_SERVER_HTTP_API_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/sync_api.h"
#include "patron/http/message.h"
#include "patron/member_id.h"
#include "patron/sync_server/sqlite_server_store.h"
#include "patron/sync_server/sync_service.h"
#include "support/temp_dir.h"

namespace patron::sync {

inline constexpr int64_t kApiNowMs = 1'780'315'200'000;  // 2026-06-01T12:00:00Z
inline constexpr std::string_view kAdminToken = "head-office-admin-token-0123";

class ApiFixture {
 public:
  explicit ApiFixture(SyncApiOptions options = {std::string(kAdminToken), ""});

  SyncApi& api() { return *api_; }
  SyncService& service() { return *service_; }

  // One request as the HTTP server would hand it over; a body goes with
  // `content_type` (GET requests get none).
  static HttpRequest Request(std::string method, std::string path, std::string body = {},
                             std::string authorization = {},
                             std::string content_type = "application/json");
  // Handle(Request(...)).
  HttpResponse Call(std::string method, std::string path, std::string body = {},
                    std::string authorization = {}, std::string content_type = "application/json");
  // Call() with the admin token.
  HttpResponse Admin(std::string method, std::string path, std::string body = {});
  // Registers over HTTP; returns "Bearer <the terminal's token>".
  std::string Register(const std::string& terminal_id, const std::string& store_id);

  // Protocol messages stamped with now_ms and the demo chain key.
  LedgerEntry Earn(const std::string& terminal_id, const std::string& store_id, int64_t seq,
                   const std::string& member_id, int64_t points) const;
  PushRequest NewPush(const std::string& terminal_id) const;
  PullRequest NewPull(const std::string& terminal_id, Cursor cursor = {}) const;

  int64_t now_ms = kApiNowMs;
  const std::string ann = DeriveMemberId(kDemoChainKey, "+14155550100").ToString();

 private:
  testing::TempDir dir_;
  std::unique_ptr<SqliteServerStore> store_;
  std::unique_ptr<SyncService> service_;
  std::unique_ptr<SyncApi> api_;
};

// Makes an account with the admin token; its password is "<username>-secret".
void CreateUser(ApiFixture& f, const std::string& username, const std::string& role,
                const std::string& store_id = {});
// Logs in as an account CreateUser made; returns "Bearer <session token>".
std::string LogIn(ApiFixture& f, const std::string& username);

// body["error"]["code"], or "" when the body carries no error.
std::string ErrorCode(const HttpResponse& response);
// The value of the response's extra header `name` (exact match).
std::optional<std::string> HeaderOf(const HttpResponse& response, std::string_view name);

}  // namespace patron::sync

#endif  // PATRON_TESTS_SYNC_SERVER_HTTP_API_FIXTURE_H_
