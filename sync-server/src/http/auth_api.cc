// SyncApi's endpoints for head office's people (head_office_accounts.h):
//
//   POST /v1/auth/login    {username, password} -> {token, username, role,
//                          store_id, expires_ms}; no credential needed
//   POST /v1/auth/logout   ends the session of the bearer token -> 204
//   GET  /v1/auth/me       who the bearer token is
//   POST /v1/admin/users   creates or changes an account (admin)
//   GET  /v1/admin/users   every account, without password hashes (admin)
//   GET  /v1/admin/audit   the audit log, newest first, ?before=&limit= (admin)
//
// A wrong password counts against the same throttle as a wrong admin token
// (credential_throttle.h); every login, right or wrong, is audited under
// the name it gave.
#include <nlohmann/json.hpp>
#include <string>

#include "http/sync_api.h"
#include "patron/bearer.h"
#include "patron/json_util.h"
#include "patron/record/record_json.h"

namespace patron::sync {
namespace {

struct Credentials {
  std::string username;
  std::string password;
};

Result<Credentials> DecodeCredentials(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(nlohmann::json doc, json::Parse(body));
  PATRON_RETURN_IF_ERROR(json::ExpectObject(doc, "login"));
  PATRON_RETURN_IF_ERROR(json::RejectUnknownFields(doc, {"username", "password"}));
  Credentials c;
  PATRON_ASSIGN_OR_RETURN(c.username, json::GetString(doc, "username"));
  PATRON_ASSIGN_OR_RETURN(c.password, json::GetString(doc, "password"));
  return c;
}

Result<AccountChange> DecodeAccountChange(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(nlohmann::json doc, json::Parse(body));
  PATRON_RETURN_IF_ERROR(json::ExpectObject(doc, "account"));
  PATRON_RETURN_IF_ERROR(
      json::RejectUnknownFields(doc, {"username", "role", "store_id", "password", "disabled"}));
  AccountChange change;
  PATRON_ASSIGN_OR_RETURN(change.username, json::GetString(doc, "username"));
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> role, json::GetOptionalString(doc, "role"));
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> store,
                          json::GetOptionalString(doc, "store_id"));
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> password,
                          json::GetOptionalString(doc, "password"));
  PATRON_ASSIGN_OR_RETURN(change.disabled, json::GetOptionalBool(doc, "disabled"));
  change.role = role.value_or("");
  change.store_id = store.value_or("");
  change.password = password.value_or("");
  return change;
}

std::string PrincipalJson(const Principal& who) {
  return nlohmann::json{{"username", who.username}, {"role", who.role}, {"store_id", who.store_id}}
      .dump();
}

}  // namespace

HttpResponse SyncApi::Login(const HttpRequest& request) const {
  const std::string_view peer = PeerAddress(request.remote);
  if (const std::optional<int64_t> wait_ms = admin_throttle_.LockedOutFor(peer)) {
    const int64_t seconds = (*wait_ms + 999) / 1000;
    HttpResponse refused = ErrorResponse(
        429, "too_many_failures",
        "too many wrong passwords: logins are refused for " + std::to_string(seconds) + " s");
    refused.headers.emplace_back("Retry-After", std::to_string(seconds));
    AuditRequest(request, nullptr, refused, "");
    return refused;
  }
  Result<Credentials> credentials = DecodeCredentials(request.body);
  if (!credentials.ok()) {
    HttpResponse refused = ErrorResponse(credentials.status());
    AuditRequest(request, nullptr, refused, "");
    return refused;
  }
  Result<LoginResult> login =
      service_.accounts().Login(credentials->username, credentials->password);
  if (!login.ok()) {
    if (login.status().reason() == "bad_credentials") sleep_(admin_throttle_.Failed(peer));
    HttpResponse refused = AuthErrorResponse(login.status());
    AuditRequest(request, nullptr, refused, credentials->username);
    return refused;
  }
  admin_throttle_.Succeeded(peer);
  HttpResponse response = JsonResponse(200, nlohmann::json{{"token", login->token},
                                                           {"username", login->who.username},
                                                           {"role", login->who.role},
                                                           {"store_id", login->who.store_id},
                                                           {"expires_ms", login->expires_ms}}
                                                .dump());
  // The token must not linger in a shared cache.
  response.headers.emplace_back("Cache-Control", "no-store");
  AuditRequest(request, &login->who, response, "");
  return response;
}

HttpResponse SyncApi::Logout(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<std::string_view> token = BearerToken(request.authorization, "a session token");
  if (!token.ok()) return AuthErrorResponse(token.status());
  // The admin token has no session: logging it out changes nothing.
  if (Status ended = service_.accounts().Logout(*token); !ended.ok()) return ErrorResponse(ended);
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

HttpResponse SyncApi::WhoAmI(const HttpRequest& request) const {
  std::variant<Principal, HttpResponse> who = Authorize(request, Guard::kSession);
  if (auto* refused = std::get_if<HttpResponse>(&who)) return std::move(*refused);
  return JsonResponse(200, PrincipalJson(std::get<Principal>(who)));
}

HttpResponse SyncApi::SaveUser(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<AccountChange> change = DecodeAccountChange(request.body);
  if (!change.ok()) return ErrorResponse(change.status());
  Result<AccountInfo> saved = service_.accounts().SaveAccount(*change);
  if (!saved.ok()) return ErrorResponse(saved.status());
  return JsonResponse(200, record::EncodeRecord(*saved));
}

HttpResponse SyncApi::ListUsers(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<std::vector<AccountInfo>> accounts = service_.accounts().Accounts();
  if (!accounts.ok()) return ErrorResponse(accounts.status());
  std::string body = "{\"users\":[";
  for (size_t i = 0; i < accounts->size(); ++i) {
    if (i > 0) body += ',';
    record::AppendRecord((*accounts)[i], body);
  }
  body += "]}";
  return JsonResponse(200, std::move(body));
}

// {"events": [...newest first], "next_before": <the last id> or null}:
// page on with ?before=next_before.
HttpResponse SyncApi::AuditLog(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  constexpr int64_t kMaxLimit = 1000;
  const std::optional<int64_t> before = ParseCount(request.QueryParam("before").value_or("0"));
  const std::optional<int64_t> limit = ParseCount(request.QueryParam("limit").value_or("100"));
  if (!before || !limit || *limit < 1 || *limit > kMaxLimit) {
    return ErrorResponse(
        400, "invalid_query",
        "give ?before=<event id>&limit=<1.." + std::to_string(kMaxLimit) + ">, both numbers");
  }
  Result<std::vector<AuditEvent>> events =
      service_.accounts().AuditLog(*before, static_cast<int>(*limit));
  if (!events.ok()) return ErrorResponse(events.status());
  std::string body = "{\"events\":[";
  for (size_t i = 0; i < events->size(); ++i) {
    if (i > 0) body += ',';
    record::AppendRecord((*events)[i], body);
  }
  body += "],\"next_before\":";
  body += static_cast<int64_t>(events->size()) < *limit || events->empty()
              ? std::string("null")
              : std::to_string(events->back().audit_id);
  body += '}';
  return JsonResponse(200, std::move(body));
}

}  // namespace patron::sync
