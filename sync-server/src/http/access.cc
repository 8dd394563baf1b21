// SyncApi's access control for head office's people: which credential a
// route admits (the admin token, or a session of an admitted role), a store
// manager's reports confined to their store, and the audit log of every
// state-changing request (head_office_accounts.h).
//
//   Guard::kAdmin      the admin token, or a session of role admin
//   Guard::kMarketing  ... or marketer (rule packs, segments, vouchers, gifts)
//   Guard::kReports    ... or analyst or store_manager (GET /v1/reports/*)
//   Guard::kCases      admin, marketer or store_manager (feedback and cases;
//                      the handlers confine a store manager to their store)
//   Guard::kSession    any session (or the admin token): /v1/auth/me, logout
#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "http/sync_api.h"
#include "patron/bearer.h"
#include "patron/json_util.h"

namespace patron::sync {
namespace {

// The name the admin token goes by in the audit log and /v1/auth/me.
constexpr std::string_view kAdminTokenUser = "admin-token";

// The reports that filter by store, so a store manager may read them with
// the filter forced to their store. The others (members, segments, the
// chain's campaign effect, cohorts, liability) describe every store at
// once and are not theirs to read.
constexpr std::array<std::string_view, 4> kStoreFilteredReports = {
    "/v1/reports/days", "/v1/reports/categories", "/v1/reports/campaigns", "/v1/reports/feedback"};

// What a state-changing request acted on, when its body names it: the
// first of these top-level fields it has.
std::string AuditTarget(const HttpRequest& request) {
  if (request.body.empty()) return {};
  Result<nlohmann::json> doc = json::Parse(request.body);
  if (!doc.ok() || !doc->is_object()) return {};
  for (const char* field : {"username", "terminal_id", "voucher_id", "member_id", "campaign_id",
                            "reward_id", "version", "action"}) {
    const auto it = doc->find(field);
    if (it == doc->end()) continue;
    if (it->is_string()) return std::string(field) + "=" + it->get<std::string>();
    if (it->is_number_integer())
      return std::string(field) + "=" + std::to_string(it->get<int64_t>());
  }
  return {};
}

}  // namespace

bool SyncApi::Admits(Guard guard, std::string_view role) {
  switch (guard) {
    case Guard::kAdmin:
      return role == kRoleAdmin;
    case Guard::kMarketing:
      return role == kRoleAdmin || role == kRoleMarketer;
    case Guard::kReports:
      return IsRole(role);
    case Guard::kCases:
      return role == kRoleAdmin || role == kRoleMarketer || role == kRoleStoreManager;
    case Guard::kSession:
      return IsRole(role);
    case Guard::kNone:
    case Guard::kTerminal:
      return false;
  }
  return false;
}

bool SyncApi::ForPeople(Guard guard) {
  return guard == Guard::kAdmin || guard == Guard::kMarketing || guard == Guard::kReports ||
         guard == Guard::kCases || guard == Guard::kSession;
}

std::variant<Principal, HttpResponse> SyncApi::Authorize(const HttpRequest& request, Guard guard,
                                                         Principal* identified) const {
  const std::string_view peer = PeerAddress(request.remote);
  // Checked first, and for the right token too: during a lockout no answer
  // may tell a guess that is right from one that is wrong.
  if (const std::optional<int64_t> wait_ms = admin_throttle_.LockedOutFor(peer)) {
    const int64_t seconds = (*wait_ms + 999) / 1000;
    HttpResponse refused = ErrorResponse(
        429, "too_many_failures",
        "too many wrong admin tokens or passwords: head-office requests are refused for " +
            std::to_string(seconds) + " s");
    refused.headers.emplace_back("Retry-After", std::to_string(seconds));
    return refused;
  }
  Result<std::string_view> token =
      BearerToken(request.authorization, "the admin token or a session token");
  // No header at all is no guess: a 401 without counting it.
  if (!token.ok() && token.status().reason() == "missing_token") {
    return AuthErrorResponse(token.status());
  }
  if (token.ok() && TokenMatches(*token, admin_token_sha256_)) {
    admin_throttle_.Succeeded(peer);
    return Principal{std::string(kAdminTokenUser), std::string(kRoleAdmin), ""};
  }
  if (token.ok()) {
    Result<Principal> session = service_.accounts().SessionOf(*token);
    if (session.ok()) {
      if (identified != nullptr) *identified = *session;
      if (!Admits(guard, session->role)) {
        return ErrorResponse(Status::PermissionDenied(
            "the role " + session->role + " may not use " + request.path, "role_not_allowed"));
      }
      return std::move(session).value();
    }
    // A session that ended is no guess (its hash was found): 401, so the
    // dashboard asks for a login again, without counting a failure.
    if (session.status().reason() == "session_expired") {
      return AuthErrorResponse(session.status());
    }
    if (session.status().reason() != "invalid_token") return ErrorResponse(session.status());
  }
  sleep_(admin_throttle_.Failed(peer));
  if (!token.ok()) return AuthErrorResponse(token.status());
  return ErrorResponse(Status::PermissionDenied(
      "this endpoint needs patron-sync's admin token or a session token", "admin_token_required"));
}

std::optional<HttpResponse> SyncApi::RefuseNonAdmin(const HttpRequest& request) const {
  RouteMatch<Route> match = router_.Find(request);
  const Guard guard = match.target != nullptr && ForPeople(match.target->guard)
                          ? match.target->guard
                          : Guard::kAdmin;
  std::variant<Principal, HttpResponse> who = Authorize(request, guard);
  if (auto* refused = std::get_if<HttpResponse>(&who)) return std::move(*refused);
  return std::nullopt;
}

std::variant<HttpRequest, HttpResponse> SyncApi::RestrictToStore(const HttpRequest& request,
                                                                 const std::string& store_id) {
  bool filtered = false;
  for (std::string_view path : kStoreFilteredReports) filtered = filtered || request.path == path;
  if (!filtered) {
    return ErrorResponse(Status::PermissionDenied(
        "a store manager reads their own store's days, categories, campaigns and feedback only",
        "store_restricted"));
  }
  HttpRequest restricted = request;
  std::erase_if(restricted.query, [&](const auto& param) { return param.first == "store"; });
  for (const auto& [name, value] : request.query) {
    if (name == "store" && value != store_id) {
      return ErrorResponse(Status::PermissionDenied(
          "a store manager of " + store_id + " may not read store " + value, "other_store"));
    }
  }
  restricted.query.emplace_back("store", store_id);
  return restricted;
}

bool SyncApi::Audited(const HttpRequest& request) {
  // A login is audited by Login itself, under the name it gave.
  if (request.method == "GET") {
    return request.path.starts_with("/v1/admin/members/") && request.path.ends_with("/export");
  }
  return request.method == "POST" && request.path != "/v1/auth/login" &&
         (request.path.starts_with("/v1/admin/") || request.path.starts_with("/v1/auth/"));
}

void SyncApi::AuditRequest(const HttpRequest& request, const Principal* who,
                           const HttpResponse& response, std::string_view username) const {
  AuditEvent event;
  event.at_ms = service_.accounts().NowMs();
  if (who != nullptr) {
    event.username = who->username;
    event.role = who->role;
  } else {
    event.username = std::string(username);
  }
  event.method = request.method;
  event.path = request.path;
  event.status = response.status;
  event.target = AuditTarget(request);
  event.peer = std::string(PeerAddress(request.remote));
  // The request has been answered; a log that cannot be written must not
  // turn its answer into an error, but it must be seen.
  if (Status logged = service_.accounts().Audit(event); !logged.ok() && on_audit_failure_) {
    on_audit_failure_(logged);
  }
}

}  // namespace patron::sync
