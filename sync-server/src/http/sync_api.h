// SyncApi: patron-sync's HTTP surface (DESIGN.md §4) as a pure
// `HttpRequest -> HttpResponse` function over SyncService, with no I/O of its
// own, so tests drive it without sockets and main.cc wraps it in HttpServer.
//
//   POST /v1/push, /v1/pull, /v1/grant   terminal bearer token; sync codec bodies
//   POST /v1/admin/terminals             admin token; registers a terminal -> 201
//   POST /v1/admin/rules                 admin token; publishes rules -> 204
//   GET  /v1/reports/stores              admin token; per-store figures
//   GET  /v1/admin/security-events       admin token; what was refused from tills
//   /v1/auth/*, /v1/admin/users, /v1/admin/audit  head office's people (auth_api.cc)
//   GET  /dashboard/...                  the dashboard's files (dashboard_files.h)
//   GET  /v1/health                      liveness
//   GET  /metrics                        Prometheus text format 0.0.4
//
// Unknown paths answer 404, a known path with another method 405 (with
// Allow), a JSON route with another Content-Type 415. Every error body is
// `{"error":{"code","message"}}`, mapped from the service's Status by
// ErrorResponse. Credentials travel as `Authorization: Bearer <token>`
// (patron/bearer.h; any other scheme is 401). A missing or unknown
// credential is 401 with `WWW-Authenticate: Bearer`; a terminal token or a
// wrong token on an admin route is 403. Wrong admin tokens are throttled
// (credential_throttle.h): after repeated failures 429 `too_many_failures`
// with Retry-After. With a metrics token configured, GET /metrics needs it.
//
// Head office's people log in (POST /v1/auth/login) and use the session
// token as the admin token is used; each route admits the roles its guard
// names (access.cc), a store manager's reports are confined to their store,
// and every state-changing request under /v1/admin/ and /v1/auth/ is
// written to the audit log.
//
// Thread safety: Handle() may run on any number of threads at once (the
// service serialises writes; the request counters are atomics).
#ifndef PATRON_SYNC_SERVER_SRC_HTTP_SYNC_API_H_
#define PATRON_SYNC_SERVER_SRC_HTTP_SYNC_API_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/credential_throttle.h"
#include "http/dashboard_files.h"
#include "patron/http/message.h"
#include "patron/http/router.h"
#include "patron/sync_server/head_office_accounts.h"
#include "patron/sync_server/sync_service.h"

namespace patron::sync {

// A non-negative decimal number (digits only, within int64), or nullopt: a
// query parameter's value.
std::optional<int64_t> ParseCount(std::string_view text);

struct SyncApiOptions {
  // Head office's secret for /v1/admin/* and /v1/reports/*. Only its SHA-256
  // is kept; empty refuses every admin request (403).
  std::string admin_token;
  // When set, a terminal registration also answers the chain key and its
  // fingerprint, so the installer provisions the terminal with the key along
  // with its token (DESIGN.md §2). Empty: the reply carries neither.
  std::string chain_key;
  // When set, GET /metrics needs `Authorization: Bearer <metrics_token>`
  // (only its SHA-256 is kept). Empty: /metrics is open, as before.
  std::string metrics_token = {};
  // Wrong admin tokens: when to lock a peer (or everyone) out, for how long.
  CredentialThrottleOptions admin_throttle = {};
  // Waits out the throttle's delay after a wrong admin token; default:
  // std::this_thread::sleep_for. Tests pass a no-op.
  std::function<void(std::chrono::milliseconds)> sleep = {};
  // Where /dashboard/ is served from (dashboard_files.h); empty dir: 404.
  DashboardOptions dashboard = {};
  // The most goodwill points one compensation may give unless an admin
  // gives it: marketers and store managers work cases, and a store
  // manager's own till could file the complaint they compensate.
  int64_t goodwill_max_points = 500;
  // Told when an audit event could not be written (patron-sync logs it).
  std::function<void(const Status&)> on_audit_failure = {};
};

class SyncApi {
 public:
  // `service` must outlive the SyncApi.
  SyncApi(SyncService& service, SyncApiOptions options);
  SyncApi(const SyncApi&) = delete;
  SyncApi& operator=(const SyncApi&) = delete;

  HttpResponse Handle(const HttpRequest& request) const;
  // HttpServerOptions::screen: given a request whose body is still to be
  // read, the refusal Handle() would give it whatever its body (404, 405,
  // 415, or the 401/403 of a missing or wrong token), a 413 if its route
  // reads no body, or nullopt to read the body and Handle() it. Without a
  // valid credential nobody gets the server to buffer a push-sized body.
  std::optional<HttpResponse> Screen(const HttpRequest& request) const;
  // HttpServerOptions::authenticates: whether the request carries a valid
  // terminal, admin or metrics token. Only classifies the connection (for
  // the connection limits); counts nothing, refuses nothing.
  bool HasCredentials(const HttpRequest& request) const;

  // The value of the patron_sync_requests_total series `endpoint` ("push",
  // "pull", "grant", "snapshot", "snapshot_data", "claim_return", "claim_voucher",
  // "issue_voucher", "list_vouchers", "register_terminal",
  // "publish_rules", "store_report", "health", "metrics", "other"); 0 for a
  // name it does not know.
  int64_t RequestCount(std::string_view endpoint) const;

 private:
  enum class Endpoint {
    kPush,
    kPull,
    kGrant,
    kSnapshot,
    kSnapshotData,
    kClaimReturn,
    kClaimVoucher,
    kIssueVoucher,
    kListVouchers,
    kTakeBackVoucher,
    kClaimStock,
    kListRewards,
    kListBudgets,
    kListExchanges,
    kIssueGifts,
    kRunExpiry,
    kRegisterTerminal,
    kPublishRules,
    kListPacks,
    kDryRunPack,
    kStoreReport,
    kReportDays,
    kReportCategories,
    kReportCampaigns,
    kReportTiers,
    kReportMembers,
    kRebuildAnalytics,
    kReportSegments,
    kRunSegments,
    kReportEffects,
    kReportCohorts,
    kReportLiability,
    kRunInsights,
    kSecurityEvents,
    kReviewMembers,
    kLogin,
    kLogout,
    kWhoAmI,
    kSaveUser,
    kListUsers,
    kAuditLog,
    kListCases,
    kGetCase,
    kUpdateCase,
    kListFeedback,
    kReportFeedback,
    kExportMember,
    kDashboard,
    kHealth,
    kMetrics,
    kOther,  // no route matched: 404
  };
  static constexpr size_t kEndpointCount = static_cast<size_t>(Endpoint::kOther) + 1;
  static std::string_view EndpointName(Endpoint endpoint);

  using Handler = HttpResponse (SyncApi::*)(const HttpRequest&) const;
  // A handler for people that acts on who asks (a store manager's store,
  // the author of a change) and reads the path's parameters.
  using PeopleHandler = HttpResponse (SyncApi::*)(const HttpRequest&, const Principal&,
                                                  const PathParams&) const;
  // The credential a route needs. Its handler checks it (it needs the
  // caller); Screen() checks it before the body is read. The guards for
  // people admit the admin token and sessions of some roles (access.cc).
  enum class Guard { kNone, kTerminal, kAdmin, kMarketing, kReports, kCases, kSession };
  struct Route {
    Guard guard;
    Endpoint endpoint;
    Handler handler;  // null when people_handler is set
    PeopleHandler people_handler = nullptr;
  };

  // sync_api.cc: the terminals' endpoints.
  HttpResponse Push(const HttpRequest& request) const;
  HttpResponse Pull(const HttpRequest& request) const;
  HttpResponse Grant(const HttpRequest& request) const;
  HttpResponse Snapshot(const HttpRequest& request) const;
  HttpResponse SnapshotData(const HttpRequest& request) const;
  HttpResponse ClaimReturn(const HttpRequest& request) const;
  HttpResponse ClaimVoucher(const HttpRequest& request) const;
  HttpResponse Health(const HttpRequest& request) const;
  HttpResponse Metrics(const HttpRequest& request) const;
  // The caller named by the request's bearer token; the service's refusal
  // (answer it with AuthErrorResponse) otherwise.
  Result<Caller> Authenticate(const HttpRequest& request) const;

  // admin_api.cc: head office's endpoints.
  HttpResponse RegisterTerminal(const HttpRequest& request) const;
  HttpResponse StoreReport(const HttpRequest& request) const;
  HttpResponse SecurityEvents(const HttpRequest& request) const;
  HttpResponse ReviewMembers(const HttpRequest& request) const;
  // reports_api.cc: head office's analytics.
  HttpResponse ReportDays(const HttpRequest& request) const;
  HttpResponse ReportCategories(const HttpRequest& request) const;
  HttpResponse ReportCampaigns(const HttpRequest& request) const;
  HttpResponse ReportTiers(const HttpRequest& request) const;
  HttpResponse ReportMembers(const HttpRequest& request) const;
  HttpResponse RebuildAnalytics(const HttpRequest& request) const;
  HttpResponse ReportSegments(const HttpRequest& request) const;
  HttpResponse RunSegments(const HttpRequest& request) const;
  HttpResponse ReportEffects(const HttpRequest& request) const;
  HttpResponse ReportCohorts(const HttpRequest& request) const;
  HttpResponse ReportLiability(const HttpRequest& request) const;
  HttpResponse RunInsights(const HttpRequest& request) const;
  // packs_api.cc: rule packs. PublishRules answers POST /v1/admin/packs
  // with the pack's listing (201) and the older POST /v1/admin/rules with 204.
  HttpResponse PublishRules(const HttpRequest& request) const;
  HttpResponse ListPacks(const HttpRequest& request) const;
  HttpResponse DryRunPack(const HttpRequest& request) const;
  // vouchers_api.cc: POST /v1/admin/vouchers issues one (201; 200 for the
  // same voucher again), GET /v1/admin/vouchers?member_id= lists a member's.
  HttpResponse IssueVoucher(const HttpRequest& request) const;
  HttpResponse ListVouchers(const HttpRequest& request) const;
  // rewards_api.cc: a till's claim of stock; head office's rewards and a
  // member's exchanges.
  HttpResponse ClaimStock(const HttpRequest& request) const;
  HttpResponse ListRewards(const HttpRequest& request) const;
  // GET /v1/admin/campaigns/budgets: SyncService::CampaignBudgets.
  HttpResponse ListBudgets(const HttpRequest& request) const;
  HttpResponse ListExchanges(const HttpRequest& request) const;
  HttpResponse IssueGifts(const HttpRequest& request) const;
  HttpResponse RunExpiry(const HttpRequest& request) const;
  // POST /v1/admin/vouchers/take-back {"voucher_id"}: SyncService::TakeBackVoucher.
  HttpResponse TakeBackVoucher(const HttpRequest& request) const;
  // auth_api.cc: logins, sessions, accounts, the audit log.
  HttpResponse Login(const HttpRequest& request) const;
  HttpResponse Logout(const HttpRequest& request) const;
  HttpResponse WhoAmI(const HttpRequest& request) const;
  HttpResponse SaveUser(const HttpRequest& request) const;
  HttpResponse ListUsers(const HttpRequest& request) const;
  HttpResponse AuditLog(const HttpRequest& request) const;
  // cases_api.cc: member services. A store manager sees and works only
  // their store's feedback and cases.
  HttpResponse ListCases(const HttpRequest& request, const Principal& who,
                         const PathParams& params) const;
  HttpResponse GetCase(const HttpRequest& request, const Principal& who,
                       const PathParams& params) const;
  HttpResponse UpdateCase(const HttpRequest& request, const Principal& who,
                          const PathParams& params) const;
  HttpResponse ListFeedback(const HttpRequest& request, const Principal& who,
                            const PathParams& params) const;
  HttpResponse ReportFeedback(const HttpRequest& request) const;
  // privacy_api.cc: a member's rights over their data.
  HttpResponse ExportMember(const HttpRequest& request, const Principal& who,
                            const PathParams& params) const;

  // access.cc. nullopt if the request's credential is one its route's
  // guard admits (the admin token always); otherwise the 401/403, or 429
  // while its peer (or everyone) is locked out.
  std::optional<HttpResponse> RefuseNonAdmin(const HttpRequest& request) const;
  // Who the request is from, if `guard` admits them; the refusal otherwise.
  // Wrong tokens count against the throttle; an ended session does not.
  // `identified`, when given, is set to the session's principal even when
  // its role is refused (the audit log names who tried).
  std::variant<Principal, HttpResponse> Authorize(const HttpRequest& request, Guard guard,
                                                  Principal* identified = nullptr) const;
  static bool Admits(Guard guard, std::string_view role);
  static bool ForPeople(Guard guard);
  // A store manager's report request with its `store` filter forced to
  // their store; 403 for another store, or a report with no store filter.
  static std::variant<HttpRequest, HttpResponse> RestrictToStore(const HttpRequest& request,
                                                                 const std::string& store_id);
  // True for requests the audit log records: POSTs under /v1/admin/ and
  // /v1/auth/ (a login records itself), and exports of a member's data.
  static bool Audited(const HttpRequest& request);
  // Appends the request and its answer to the audit log; `username` names
  // the caller when `who` is null (a refused login's name).
  void AuditRequest(const HttpRequest& request, const Principal* who, const HttpResponse& response,
                    std::string_view username = {}) const;
  // Handle() for a route for people: authorizes, confines a store manager,
  // runs the handler, audits.
  HttpResponse HandleForPeople(const HttpRequest& request, const Route& route,
                               const PathParams& params) const;
  // True if `token` hashes to `sha256_hex` (compared in constant time);
  // false for an empty hash.
  static bool TokenMatches(std::string_view token, std::string_view sha256_hex);

  void Count(Endpoint endpoint) const;

  SyncService& service_;
  std::string admin_token_sha256_;  // empty: admin routes disabled
  std::string metrics_token_sha256_;  // empty: /metrics open
  std::string chain_key_;
  std::function<void(std::chrono::milliseconds)> sleep_;
  mutable CredentialThrottle admin_throttle_;
  DashboardFiles dashboard_;
  std::function<void(const Status&)> on_audit_failure_;
  int64_t goodwill_max_points_;
  Router<Route> router_;
  mutable std::array<std::atomic<int64_t>, kEndpointCount> requests_{};
};

// Turns a refused credential into its HTTP answer: ErrorResponse(status),
// plus `WWW-Authenticate: Bearer` when that is a 401.
HttpResponse AuthErrorResponse(const Status& status);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_HTTP_SYNC_API_H_
