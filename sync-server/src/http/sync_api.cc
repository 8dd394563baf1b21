#include "http/sync_api.h"

#include <cctype>
#include <charconv>
#include <system_error>
#include <functional>

#include "http/metrics.h"
#include "patron/digest.h"
#include "patron/sync/codec.h"

namespace patron::sync {
namespace {

bool IsJson(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/json";
}

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

// A non-negative decimal number (digits only, within int64), or nullopt.
std::optional<int64_t> ParseCount(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text[0] == '-' || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

HttpResponse AuthErrorResponse(const Status& status) {
  HttpResponse response = ErrorResponse(status);
  if (response.status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

SyncApi::SyncApi(SyncService& service, SyncApiOptions options)
    : service_(service),
      admin_token_sha256_(options.admin_token.empty() ? "" : Sha256Hex(options.admin_token)),
      chain_key_(std::move(options.chain_key)) {
  routes_ = {
      {"POST", "/v1/push", true, Guard::kTerminal, Endpoint::kPush, &SyncApi::Push},
      {"POST", "/v1/pull", true, Guard::kTerminal, Endpoint::kPull, &SyncApi::Pull},
      {"POST", "/v1/grant", true, Guard::kTerminal, Endpoint::kGrant, &SyncApi::Grant},
      {"POST", "/v1/snapshot", true, Guard::kTerminal, Endpoint::kSnapshot, &SyncApi::Snapshot},
      {"GET", "/v1/snapshot/data", false, Guard::kTerminal, Endpoint::kSnapshotData,
       &SyncApi::SnapshotData},
      {"POST", "/v1/returns/claim", true, Guard::kTerminal, Endpoint::kClaimReturn,
       &SyncApi::ClaimReturn},
      {"POST", "/v1/admin/terminals", true, Guard::kAdmin, Endpoint::kRegisterTerminal,
       &SyncApi::RegisterTerminal},
      {"POST", "/v1/admin/rules", true, Guard::kAdmin, Endpoint::kPublishRules,
       &SyncApi::PublishRules},
      {"GET", "/v1/reports/stores", false, Guard::kAdmin, Endpoint::kStoreReport,
       &SyncApi::StoreReport},
      {"GET", "/v1/health", false, Guard::kNone, Endpoint::kHealth, &SyncApi::Health},
      {"GET", "/metrics", false, Guard::kNone, Endpoint::kMetrics, &SyncApi::Metrics},
  };
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
    case Endpoint::kRegisterTerminal:
      return "register_terminal";
    case Endpoint::kPublishRules:
      return "publish_rules";
    case Endpoint::kStoreReport:
      return "store_report";
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
  const Route* path_match = nullptr;
  std::string allowed;
  for (const Route& route : routes_) {
    if (route.path != request.path) continue;
    if (path_match == nullptr) path_match = &route;
    if (route.method == request.method) {
      Count(route.endpoint);
      if (std::optional<HttpResponse> refused = RefuseContentType(route, request)) {
        return *refused;
      }
      return (this->*route.handler)(request);
    }
    if (!allowed.empty()) allowed += ", ";
    allowed += route.method;
  }
  if (path_match == nullptr) {
    Count(Endpoint::kOther);
    return ErrorResponse(404, "not_found", "no route for " + request.path);
  }
  Count(path_match->endpoint);
  HttpResponse response =
      ErrorResponse(405, "method_not_allowed",
                    request.method + " is not allowed on " + request.path + "; use " + allowed);
  response.headers.emplace_back("Allow", allowed);
  return response;
}

std::optional<HttpResponse> SyncApi::RefuseContentType(const Route& route,
                                                       const HttpRequest& request) {
  if (route.json_body && !IsJson(request.content_type)) {
    return ErrorResponse(415, "unsupported_media_type",
                         "send the body as JSON with Content-Type: application/json");
  }
  return std::nullopt;
}

const SyncApi::Route* SyncApi::FindRoute(const HttpRequest& request) const {
  for (const Route& route : routes_) {
    if (route.path == request.path && route.method == request.method) return &route;
  }
  return nullptr;
}

std::optional<HttpResponse> SyncApi::Screen(const HttpRequest& request) const {
  const Route* route = FindRoute(request);
  // 404 and 405 do not depend on the body: Handle() answers them without it.
  if (route == nullptr) return Handle(request);
  // A body is on its way (the server screens only such requests): a route
  // that reads none has no reason to receive it.
  std::optional<HttpResponse> refused;
  if (!route->json_body) {
    refused = ErrorResponse(413, "payload_too_large",
                            request.method + " " + request.path + " takes no request body");
  } else {
    refused = RefuseContentType(*route, request);
  }
  if (!refused && route->guard == Guard::kAdmin) refused = RefuseNonAdmin(request);
  if (!refused && route->guard == Guard::kTerminal) {
    Result<Caller> caller = Authenticate(request);
    if (!caller.ok()) refused = AuthErrorResponse(caller.status());
  }
  if (refused) Count(route->endpoint);
  return refused;
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

HttpResponse SyncApi::Metrics(const HttpRequest&) const {
  Result<std::vector<TerminalRecord>> terminals = service_.Terminals();
  // A scrape that fails is how Prometheus learns the database is unwell.
  if (!terminals.ok()) return ErrorResponse(terminals.status());
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
  return response;
}

}  // namespace patron::sync
