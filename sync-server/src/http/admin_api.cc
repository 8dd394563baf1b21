// SyncApi's head-office endpoints: terminal registration, the per-store
// report and the security log, all behind the admin token (rule packs:
// packs_api.cc; who may call what: access.cc).
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "http/sync_api.h"
#include "patron/bearer.h"
#include "patron/digest.h"
#include "patron/json_util.h"
#include "patron/member_id.h"
#include "patron/record/record_json.h"
#include "patron/rules_codec.h"

namespace patron::sync {
namespace {

struct Registration {
  std::string terminal_id;
  std::string store_id;
};

Result<Registration> DecodeRegistration(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(nlohmann::json doc, json::Parse(body));
  PATRON_RETURN_IF_ERROR(json::ExpectObject(doc, "terminal registration"));
  PATRON_RETURN_IF_ERROR(json::RejectUnknownFields(doc, {"terminal_id", "store_id"}));
  Registration r;
  PATRON_ASSIGN_OR_RETURN(r.terminal_id, json::GetString(doc, "terminal_id"));
  PATRON_ASSIGN_OR_RETURN(r.store_id, json::GetString(doc, "store_id"));
  return r;
}

nlohmann::json Figures(const StoreFigures& f) {
  return {{"members_enrolled", f.members_enrolled},
          {"sales", f.sales},
          {"points_earned", f.points_earned},
          {"points_redeemed", f.points_redeemed},
          {"points_outstanding", f.points_outstanding}};
}

}  // namespace

bool SyncApi::TokenMatches(std::string_view token, std::string_view sha256_hex) {
  return TokenMatchesSha256(token, sha256_hex);
}

HttpResponse SyncApi::RegisterTerminal(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<Registration> registration = DecodeRegistration(request.body);
  if (!registration.ok()) return ErrorResponse(registration.status());
  Result<RegisteredTerminal> registered =
      service_.RegisterTerminal(registration->terminal_id, registration->store_id);
  if (!registered.ok()) return ErrorResponse(registered.status());
  nlohmann::json body = {{"terminal_id", registered->terminal_id},
                         {"store_id", registered->store_id},
                         {"token", registered->token}};
  if (!chain_key_.empty()) {
    body["chain_key"] = chain_key_;
    body["chain_key_fingerprint"] = ChainKeyFingerprint(chain_key_);
  }
  return JsonResponse(201, body.dump());
}

HttpResponse SyncApi::StoreReport(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<std::vector<StoreFigures>> figures = service_.StoreReport();
  if (!figures.ok()) return ErrorResponse(figures.status());
  Result<std::vector<TerminalRecord>> terminals = service_.Terminals();
  if (!terminals.ok()) return ErrorResponse(terminals.status());

  // Keyed by store id: every store with figures, and every store with a
  // registered terminal (zero figures until it syncs), in id order.
  struct Row {
    StoreFigures figures;
    std::map<std::string, std::optional<int64_t>> last_sync_ms;  // by terminal id
  };
  std::map<std::string, Row> rows;
  for (const StoreFigures& f : *figures) rows[f.store_id].figures = f;
  for (const TerminalRecord& t : *terminals) {
    Row& row = rows[t.store_id];
    row.figures.store_id = t.store_id;
    row.last_sync_ms[t.terminal_id] = t.last_sync_ms;
  }

  StoreFigures totals;
  int64_t terminals_seen = 0;
  nlohmann::json stores = nlohmann::json::array();
  for (const auto& [store_id, row] : rows) {
    nlohmann::json store = Figures(row.figures);
    store["store_id"] = store_id;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [terminal_id, last_sync_ms] : row.last_sync_ms) {
      list.push_back({{"terminal_id", terminal_id},
                      {"last_sync_ms", last_sync_ms ? nlohmann::json(*last_sync_ms) : nullptr}});
      if (last_sync_ms) ++terminals_seen;
    }
    store["terminals"] = std::move(list);
    stores.push_back(std::move(store));
    totals.members_enrolled += row.figures.members_enrolled;
    totals.sales += row.figures.sales;
    totals.points_earned += row.figures.points_earned;
    totals.points_redeemed += row.figures.points_redeemed;
    totals.points_outstanding += row.figures.points_outstanding;
  }
  nlohmann::json total = Figures(totals);
  total["stores"] = rows.size();
  total["terminals"] = terminals->size();
  total["terminals_seen"] = terminals_seen;
  const nlohmann::json body = {{"stores", std::move(stores)}, {"totals", std::move(total)}};
  return JsonResponse(200, body.dump());
}

HttpResponse SyncApi::SecurityEvents(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  constexpr int64_t kMaxLimit = 1000;
  const std::optional<int64_t> after = ParseCount(request.QueryParam("after").value_or("0"));
  const std::optional<int64_t> limit = ParseCount(request.QueryParam("limit").value_or("100"));
  if (!after || !limit || *limit < 1 || *limit > kMaxLimit) {
    return ErrorResponse(400, "invalid_query",
                         "give ?after=<event id>&limit=<1.." + std::to_string(kMaxLimit) +
                             ">, both numbers");
  }
  Result<std::vector<SecurityEvent>> events =
      service_.SecurityEvents(*after, static_cast<int>(*limit));
  if (!events.ok()) return ErrorResponse(events.status());
  // {"events": [...], "next_after": <the last id, or `after`>}: page on with
  // ?after=next_after until the list comes back empty.
  std::string body = "{\"events\":[";
  for (size_t i = 0; i < events->size(); ++i) {
    if (i > 0) body += ',';
    record::AppendRecord((*events)[i], body);
  }
  body += "],\"next_after\":";
  body += std::to_string(events->empty() ? *after : events->back().event_id);
  body += '}';
  return JsonResponse(200, std::move(body));
}

// Queues every member review that has come (tier reviews, spend leaving the
// window: SyncService::QueueMemberReviews) now rather than at the next
// minute; the fold makes them. {"queued": <members>}.
HttpResponse SyncApi::ReviewMembers(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  constexpr int kBatch = 10'000;
  int64_t queued = 0;
  while (true) {
    Result<int64_t> batch = service_.QueueMemberReviews(kBatch);
    if (!batch.ok()) return ErrorResponse(batch.status());
    queued += *batch;
    if (*batch < kBatch) break;
  }
  return JsonResponse(200, "{\"queued\":" + std::to_string(queued) + "}");
}

}  // namespace patron::sync
