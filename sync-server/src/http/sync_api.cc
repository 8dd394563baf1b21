#include "http/sync_api.h"

#include <charconv>
#include <functional>
#include <system_error>
#include <thread>

#include "http/metrics.h"
#include "patron/bearer.h"
#include "patron/digest.h"
#include "patron/sync/codec.h"

namespace patron::sync {
namespace {

// Decodes the body with the sync codec, runs the service operation on it and
// encodes its reply; a refusal at either step becomes its HTTP error.
template <typename Request, typename Response>
HttpResponse Serve(const std::string& body, Result<Request> (*decode)(std::string_view),
                   const std::function<Result<Response>(const Request&)>& run,
                   std::string (*encode)(const Response&)) {
  Result<Request> request = decode(body);
  if (!request.ok()) return ErrorResponse(request.status());
  Result<Response> response = run(*request);
  if (!response.ok()) return ErrorResponse(response.status());
  return JsonResponse(200, encode(*response));
}

}  // namespace

std::optional<int64_t> ParseCount(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text[0] == '-' || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

HttpResponse AuthErrorResponse(const Status& status) {
  HttpResponse response = ErrorResponse(status);
  if (response.status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

SyncApi::SyncApi(SyncService& service, SyncApiOptions options)
    : service_(service),
      admin_token_sha256_(options.admin_token.empty() ? "" : Sha256Hex(options.admin_token)),
      metrics_token_sha256_(options.metrics_token.empty() ? "" : Sha256Hex(options.metrics_token)),
      chain_key_(std::move(options.chain_key)),
      sleep_(options.sleep
                 ? std::move(options.sleep)
                 : [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }),
      admin_throttle_(std::move(options.admin_throttle)),
      dashboard_(std::move(options.dashboard)),
      on_audit_failure_(std::move(options.on_audit_failure)),
      goodwill_max_points_(options.goodwill_max_points) {
  constexpr RouteBody kNone = RouteBody::kNone;
  constexpr RouteBody kJson = RouteBody::kJson;
  auto add = [this](std::string method, std::string_view path, RouteBody body, Guard guard,
                    Endpoint endpoint, Handler handler) {
    router_.Add(std::move(method), path, body, {guard, endpoint, handler});
  };
  add("POST", "/v1/push", kJson, Guard::kTerminal, Endpoint::kPush, &SyncApi::Push);
  add("POST", "/v1/pull", kJson, Guard::kTerminal, Endpoint::kPull, &SyncApi::Pull);
  add("POST", "/v1/grant", kJson, Guard::kTerminal, Endpoint::kGrant, &SyncApi::Grant);
  add("POST", "/v1/snapshot", kJson, Guard::kTerminal, Endpoint::kSnapshot, &SyncApi::Snapshot);
  add("GET", "/v1/snapshot/data", kNone, Guard::kTerminal, Endpoint::kSnapshotData,
      &SyncApi::SnapshotData);
  add("POST", "/v1/returns/claim", kJson, Guard::kTerminal, Endpoint::kClaimReturn,
      &SyncApi::ClaimReturn);
  add("POST", "/v1/vouchers/claim", kJson, Guard::kTerminal, Endpoint::kClaimVoucher,
      &SyncApi::ClaimVoucher);
  add("POST", "/v1/admin/vouchers", kJson, Guard::kMarketing, Endpoint::kIssueVoucher,
      &SyncApi::IssueVoucher);
  add("GET", "/v1/admin/vouchers", kNone, Guard::kMarketing, Endpoint::kListVouchers,
      &SyncApi::ListVouchers);
  add("POST", "/v1/admin/vouchers/take-back", kJson, Guard::kMarketing, Endpoint::kTakeBackVoucher,
      &SyncApi::TakeBackVoucher);
  add("POST", "/v1/rewards/stock", kJson, Guard::kTerminal, Endpoint::kClaimStock,
      &SyncApi::ClaimStock);
  add("GET", "/v1/admin/rewards", kNone, Guard::kAdmin, Endpoint::kListRewards,
      &SyncApi::ListRewards);
  add("GET", "/v1/admin/campaigns/budgets", kNone, Guard::kAdmin, Endpoint::kListBudgets,
      &SyncApi::ListBudgets);
  add("GET", "/v1/admin/exchanges", kNone, Guard::kAdmin, Endpoint::kListExchanges,
      &SyncApi::ListExchanges);
  add("POST", "/v1/admin/gifts/run", kNone, Guard::kMarketing, Endpoint::kIssueGifts,
      &SyncApi::IssueGifts);
  add("POST", "/v1/admin/expiry/run", kNone, Guard::kAdmin, Endpoint::kRunExpiry,
      &SyncApi::RunExpiry);
  add("POST", "/v1/admin/terminals", kJson, Guard::kAdmin, Endpoint::kRegisterTerminal,
      &SyncApi::RegisterTerminal);
  add("POST", "/v1/admin/rules", kJson, Guard::kAdmin, Endpoint::kPublishRules,
      &SyncApi::PublishRules);
  add("POST", "/v1/admin/packs", kJson, Guard::kMarketing, Endpoint::kPublishRules,
      &SyncApi::PublishRules);
  add("GET", "/v1/admin/packs", kNone, Guard::kMarketing, Endpoint::kListPacks,
      &SyncApi::ListPacks);
  add("POST", "/v1/admin/packs/dry-run", kJson, Guard::kMarketing, Endpoint::kDryRunPack,
      &SyncApi::DryRunPack);
  add("GET", "/v1/reports/stores", kNone, Guard::kReports, Endpoint::kStoreReport,
      &SyncApi::StoreReport);
  add("GET", "/v1/reports/days", kNone, Guard::kReports, Endpoint::kReportDays,
      &SyncApi::ReportDays);
  add("GET", "/v1/reports/categories", kNone, Guard::kReports, Endpoint::kReportCategories,
      &SyncApi::ReportCategories);
  add("GET", "/v1/reports/campaigns", kNone, Guard::kReports, Endpoint::kReportCampaigns,
      &SyncApi::ReportCampaigns);
  add("GET", "/v1/reports/tiers", kNone, Guard::kReports, Endpoint::kReportTiers,
      &SyncApi::ReportTiers);
  add("GET", "/v1/reports/members", kNone, Guard::kReports, Endpoint::kReportMembers,
      &SyncApi::ReportMembers);
  add("POST", "/v1/admin/analytics/rebuild", kNone, Guard::kAdmin, Endpoint::kRebuildAnalytics,
      &SyncApi::RebuildAnalytics);
  add("GET", "/v1/reports/segments", kNone, Guard::kReports, Endpoint::kReportSegments,
      &SyncApi::ReportSegments);
  add("POST", "/v1/admin/segments/run", kNone, Guard::kMarketing, Endpoint::kRunSegments,
      &SyncApi::RunSegments);
  add("GET", "/v1/reports/effects", kNone, Guard::kReports, Endpoint::kReportEffects,
      &SyncApi::ReportEffects);
  add("GET", "/v1/reports/cohorts", kNone, Guard::kReports, Endpoint::kReportCohorts,
      &SyncApi::ReportCohorts);
  add("GET", "/v1/reports/liability", kNone, Guard::kReports, Endpoint::kReportLiability,
      &SyncApi::ReportLiability);
  add("POST", "/v1/admin/insights/run", kNone, Guard::kMarketing, Endpoint::kRunInsights,
      &SyncApi::RunInsights);
  add("GET", "/v1/admin/security-events", kNone, Guard::kAdmin, Endpoint::kSecurityEvents,
      &SyncApi::SecurityEvents);
  add("POST", "/v1/admin/members/review", kNone, Guard::kAdmin, Endpoint::kReviewMembers,
      &SyncApi::ReviewMembers);
  add("POST", "/v1/auth/login", kJson, Guard::kNone, Endpoint::kLogin, &SyncApi::Login);
  add("POST", "/v1/auth/logout", kNone, Guard::kSession, Endpoint::kLogout, &SyncApi::Logout);
  add("GET", "/v1/auth/me", kNone, Guard::kSession, Endpoint::kWhoAmI, &SyncApi::WhoAmI);
  add("POST", "/v1/admin/users", kJson, Guard::kAdmin, Endpoint::kSaveUser, &SyncApi::SaveUser);
  add("GET", "/v1/admin/users", kNone, Guard::kAdmin, Endpoint::kListUsers, &SyncApi::ListUsers);
  add("GET", "/v1/admin/audit", kNone, Guard::kAdmin, Endpoint::kAuditLog, &SyncApi::AuditLog);
  auto add_for_people = [this](std::string method, std::string_view path, RouteBody body,
                               Guard guard, Endpoint endpoint, PeopleHandler handler) {
    router_.Add(std::move(method), path, body, {guard, endpoint, nullptr, handler});
  };
  add_for_people("GET", "/v1/admin/cases", kNone, Guard::kCases, Endpoint::kListCases,
                 &SyncApi::ListCases);
  add_for_people("GET", "/v1/admin/cases/{id}", kNone, Guard::kCases, Endpoint::kGetCase,
                 &SyncApi::GetCase);
  add_for_people("POST", "/v1/admin/cases/{id}", kJson, Guard::kCases, Endpoint::kUpdateCase,
                 &SyncApi::UpdateCase);
  add_for_people("GET", "/v1/admin/feedback", kNone, Guard::kCases, Endpoint::kListFeedback,
                 &SyncApi::ListFeedback);
  add_for_people("GET", "/v1/admin/members/{id}/export", kNone, Guard::kAdmin,
                 Endpoint::kExportMember, &SyncApi::ExportMember);
  add("GET", "/v1/reports/feedback", kNone, Guard::kReports, Endpoint::kReportFeedback,
      &SyncApi::ReportFeedback);
  add("GET", "/v1/health", kNone, Guard::kNone, Endpoint::kHealth, &SyncApi::Health);
  add("GET", "/metrics", kNone, Guard::kNone, Endpoint::kMetrics, &SyncApi::Metrics);
}

std::string_view SyncApi::EndpointName(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kPush:
      return "push";
    case Endpoint::kPull:
      return "pull";
    case Endpoint::kGrant:
      return "grant";
    case Endpoint::kSnapshot:
      return "snapshot";
    case Endpoint::kSnapshotData:
      return "snapshot_data";
    case Endpoint::kClaimReturn:
      return "claim_return";
    case Endpoint::kClaimVoucher:
      return "claim_voucher";
    case Endpoint::kIssueVoucher:
      return "issue_voucher";
    case Endpoint::kListVouchers:
      return "list_vouchers";
    case Endpoint::kTakeBackVoucher:
      return "take_back_voucher";
    case Endpoint::kClaimStock:
      return "claim_stock";
    case Endpoint::kListRewards:
      return "list_rewards";
    case Endpoint::kListBudgets:
      return "list_budgets";
    case Endpoint::kListExchanges:
      return "list_exchanges";
    case Endpoint::kIssueGifts:
      return "issue_gifts";
    case Endpoint::kRunExpiry:
      return "run_expiry";
    case Endpoint::kRegisterTerminal:
      return "register_terminal";
    case Endpoint::kPublishRules:
      return "publish_rules";
    case Endpoint::kListPacks:
      return "list_packs";
    case Endpoint::kDryRunPack:
      return "dry_run_pack";
    case Endpoint::kStoreReport:
      return "store_report";
    case Endpoint::kReportDays:
      return "report_days";
    case Endpoint::kReportCategories:
      return "report_categories";
    case Endpoint::kReportCampaigns:
      return "report_campaigns";
    case Endpoint::kReportTiers:
      return "report_tiers";
    case Endpoint::kReportMembers:
      return "report_members";
    case Endpoint::kRebuildAnalytics:
      return "rebuild_analytics";
    case Endpoint::kReportSegments:
      return "report_segments";
    case Endpoint::kRunSegments:
      return "run_segments";
    case Endpoint::kReportEffects:
      return "report_effects";
    case Endpoint::kReportCohorts:
      return "report_cohorts";
    case Endpoint::kReportLiability:
      return "report_liability";
    case Endpoint::kRunInsights:
      return "run_insights";
    case Endpoint::kSecurityEvents:
      return "security_events";
    case Endpoint::kReviewMembers:
      return "review_members";
    case Endpoint::kLogin:
      return "login";
    case Endpoint::kLogout:
      return "logout";
    case Endpoint::kWhoAmI:
      return "who_am_i";
    case Endpoint::kSaveUser:
      return "save_user";
    case Endpoint::kListUsers:
      return "list_users";
    case Endpoint::kListCases:
      return "list_cases";
    case Endpoint::kGetCase:
      return "get_case";
    case Endpoint::kUpdateCase:
      return "update_case";
    case Endpoint::kListFeedback:
      return "list_feedback";
    case Endpoint::kReportFeedback:
      return "report_feedback";
    case Endpoint::kExportMember:
      return "export_member";
    case Endpoint::kAuditLog:
      return "audit_log";
    case Endpoint::kDashboard:
      return "dashboard";
    case Endpoint::kHealth:
      return "health";
    case Endpoint::kMetrics:
      return "metrics";
    case Endpoint::kOther:
      return "other";
  }
  return "other";
}

void SyncApi::Count(Endpoint endpoint) const {
  requests_[static_cast<size_t>(endpoint)].fetch_add(1, std::memory_order_relaxed);
}

int64_t SyncApi::RequestCount(std::string_view endpoint) const {
  for (size_t i = 0; i < kEndpointCount; ++i) {
    if (EndpointName(static_cast<Endpoint>(i)) == endpoint) {
      return requests_[i].load(std::memory_order_relaxed);
    }
  }
  return 0;
}

HttpResponse SyncApi::Handle(const HttpRequest& request) const {
  if (DashboardFiles::Handles(request.path)) {
    Count(Endpoint::kDashboard);
    return dashboard_.Serve(request);
  }
  RouteMatch<Route> match = router_.Find(request);
  Count(match.target != nullptr ? match.target->endpoint : Endpoint::kOther);
  if (match.refusal) return std::move(*match.refusal);
  if (ForPeople(match.target->guard)) {
    return HandleForPeople(request, *match.target, match.params);
  }
  HttpResponse response = (this->*match.target->handler)(request);
  if (Audited(request)) AuditRequest(request, nullptr, response);
  return response;
}

HttpResponse SyncApi::HandleForPeople(const HttpRequest& request, const Route& route,
                                      const PathParams& params) const {
  Principal identified;
  std::variant<Principal, HttpResponse> who = Authorize(request, route.guard, &identified);
  const Principal* principal = std::get_if<Principal>(&who);
  HttpResponse response;
  if (principal == nullptr) {
    response = std::get<HttpResponse>(std::move(who));
  } else if (route.people_handler != nullptr) {
    response = (this->*route.people_handler)(request, *principal, params);
  } else if (principal->role == kRoleStoreManager && route.guard == Guard::kReports) {
    std::variant<HttpRequest, HttpResponse> restricted =
        RestrictToStore(request, principal->store_id);
    if (auto* refused = std::get_if<HttpResponse>(&restricted)) {
      response = std::move(*refused);
    } else {
      response = (this->*route.handler)(std::get<HttpRequest>(restricted));
    }
  } else {
    response = (this->*route.handler)(request);
  }
  if (Audited(request)) {
    // A refused role is audited under the session's name.
    const bool named = principal != nullptr || identified.username.empty();
    AuditRequest(request, named ? principal : &identified, response);
  }
  return response;
}

std::optional<HttpResponse> SyncApi::Screen(const HttpRequest& request) const {
  if (DashboardFiles::Handles(request.path)) {
    Count(Endpoint::kDashboard);
    return ErrorResponse(413, "payload_too_large", "the dashboard's files take no request body");
  }
  RouteMatch<Route> match = router_.Find(request);
  // 404, 405 and 415 do not depend on the body: refused without reading it.
  std::optional<HttpResponse> refused = std::move(match.refusal);
  // A body is on its way (the server screens only such requests): a route
  // that reads none has no reason to receive it.
  if (!refused && match.body == RouteBody::kNone) {
    refused = ErrorResponse(413, "payload_too_large",
                            request.method + " " + request.path + " takes no request body");
  }
  if (!refused && ForPeople(match.target->guard)) {
    std::variant<Principal, HttpResponse> who = Authorize(request, match.target->guard);
    if (auto* refusal = std::get_if<HttpResponse>(&who)) refused = std::move(*refusal);
  }
  // Nobody logged in yet: a login's body is a name and a password.
  constexpr size_t kMaxLoginBody = 4096;
  if (!refused && match.target->endpoint == Endpoint::kLogin &&
      ParseCount(request.Header("Content-Length").value_or("0")).value_or(0) >
          static_cast<int64_t>(kMaxLoginBody)) {
    refused = ErrorResponse(413, "payload_too_large", "a login is at most 4 KiB");
  }
  if (refused && Audited(request)) AuditRequest(request, nullptr, *refused);
  if (!refused && match.target->guard == Guard::kTerminal) {
    Result<Caller> caller = Authenticate(request);
    if (!caller.ok()) refused = AuthErrorResponse(caller.status());
  }
  if (refused) Count(match.target != nullptr ? match.target->endpoint : Endpoint::kOther);
  return refused;
}

bool SyncApi::HasCredentials(const HttpRequest& request) const {
  Result<std::string_view> token = BearerToken(request.authorization, "a token");
  if (!token.ok()) return false;
  if (TokenMatches(*token, admin_token_sha256_) || TokenMatches(*token, metrics_token_sha256_)) {
    return true;
  }
  return service_.Authenticate(request.authorization).ok() ||
         service_.accounts().SessionOf(*token).ok();
}

Result<Caller> SyncApi::Authenticate(const HttpRequest& request) const {
  return service_.Authenticate(request.authorization);
}

HttpResponse SyncApi::Push(const HttpRequest& request) const {
  Result<Caller> caller = Authenticate(request);
  if (!caller.ok()) return AuthErrorResponse(caller.status());
  return Serve<PushRequest, PushResponse>(
      request.body, DecodePushRequest,
      [&](const PushRequest& push) { return service_.Push(*caller, push); }, EncodePushResponse);
}

HttpResponse SyncApi::Pull(const HttpRequest& request) const {
  Result<Caller> caller = Authenticate(request);
  if (!caller.ok()) return AuthErrorResponse(caller.status());
  return Serve<PullRequest, PullResponse>(
      request.body, DecodePullRequest,
      [&](const PullRequest& pull) { return service_.Pull(*caller, pull); }, EncodePullResponse);
}

HttpResponse SyncApi::Grant(const HttpRequest& request) const {
  Result<Caller> caller = Authenticate(request);
  if (!caller.ok()) return AuthErrorResponse(caller.status());
  return Serve<GrantRequest, GrantResponse>(
      request.body, DecodeGrantRequest,
      [&](const GrantRequest& grant) { return service_.Grant(*caller, grant); },
      EncodeGrantResponse);
}

HttpResponse SyncApi::Snapshot(const HttpRequest& request) const {
  Result<Caller> caller = Authenticate(request);
  if (!caller.ok()) return AuthErrorResponse(caller.status());
  return Serve<SnapshotRequest, SnapshotInfo>(
      request.body, DecodeSnapshotRequest,
      [&](const SnapshotRequest& snapshot) { return service_.Snapshot(*caller, snapshot); },
      EncodeSnapshotInfo);
}

HttpResponse SyncApi::ClaimReturn(const HttpRequest& request) const {
  Result<Caller> caller = Authenticate(request);
  if (!caller.ok()) return AuthErrorResponse(caller.status());
  return Serve<ReturnClaimRequest, ReturnClaimResponse>(
      request.body, DecodeReturnClaimRequest,
      [&](const ReturnClaimRequest& claim) { return service_.ClaimReturn(*caller, claim); },
      EncodeReturnClaimResponse);
}

HttpResponse SyncApi::ClaimVoucher(const HttpRequest& request) const {
  Result<Caller> caller = Authenticate(request);
  if (!caller.ok()) return AuthErrorResponse(caller.status());
  return Serve<VoucherClaimRequest, Voucher>(
      request.body, DecodeVoucherClaimRequest,
      [&](const VoucherClaimRequest& claim) { return service_.ClaimVoucher(*caller, claim); },
      EncodeVoucher);
}

HttpResponse SyncApi::SnapshotData(const HttpRequest& request) const {
  Result<Caller> caller = Authenticate(request);
  if (!caller.ok()) return AuthErrorResponse(caller.status());
  std::optional<int64_t> seq = ParseCount(request.QueryParam("seq").value_or(""));
  std::optional<int64_t> offset = ParseCount(request.QueryParam("offset").value_or(""));
  if (!seq || !offset) {
    return ErrorResponse(400, "invalid_query",
                         "give the snapshot as ?seq=<seq>&offset=<byte offset>, both numbers");
  }
  Result<std::string> chunk = service_.SnapshotChunk(*caller, *seq, *offset);
  if (!chunk.ok()) return ErrorResponse(chunk.status());
  HttpResponse response;
  response.content_type = "application/octet-stream";
  response.body = std::move(*chunk);
  return response;
}

HttpResponse SyncApi::Health(const HttpRequest&) const {
  return JsonResponse(200, R"({"status":"ok"})");
}

HttpResponse SyncApi::Metrics(const HttpRequest& request) const {
  if (!metrics_token_sha256_.empty()) {
    Result<std::string_view> token = BearerToken(request.authorization, "the metrics token");
    if (!token.ok()) return AuthErrorResponse(token.status());
    if (!TokenMatches(*token, metrics_token_sha256_)) {
      return ErrorResponse(Status::PermissionDenied(
          "/metrics needs patron-sync's metrics token", "metrics_token_required"));
    }
  }
  Result<std::vector<TerminalRecord>> terminals = service_.Terminals();
  // A scrape that fails is how Prometheus learns the database is unwell.
  if (!terminals.ok()) return ErrorResponse(terminals.status());
  Result<CaseGauge> cases = service_.CaseState();
  if (!cases.ok()) return ErrorResponse(cases.status());
  std::vector<EndpointRequests> requests;
  for (size_t i = 0; i < kEndpointCount; ++i) {
    requests.push_back(
        {EndpointName(static_cast<Endpoint>(i)), requests_[i].load(std::memory_order_relaxed)});
  }
  HttpResponse response;
  response.status = 200;
  response.content_type = std::string(kMetricsContentType);
  response.body = RenderMetrics(requests, service_.counters(), service_.SnapshotState(),
                                service_.FoldState(), *terminals, service_.NowMs());
  response.body += RenderAdminThrottleMetrics(admin_throttle_.failures(),
                                              admin_throttle_.lockouts(),
                                              admin_throttle_.locked_refusals());
  response.body += RenderCaseMetrics(*cases);
  return response;
}

}  // namespace patron::sync
