// SyncApi's endpoints for the rewards of the pack (reward.h,
// records/exchange.h): a till's request for a share of a reward's stock or
// of a campaign's budget; behind the admin token, the rewards with their
// stock, the campaigns with their budgets, a member's exchanges, issuing the
// gifts due now and running expiry.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/sync_api.h"
#include "patron/record/record_json.h"
#include "patron/sync/codec.h"
#include "patron/uuid.h"

namespace patron::sync {

HttpResponse SyncApi::ClaimStock(const HttpRequest& request) const {
  Result<Caller> caller = Authenticate(request);
  if (!caller.ok()) return AuthErrorResponse(caller.status());
  Result<StockClaimRequest> claim = DecodeStockClaimRequest(request.body);
  if (!claim.ok()) return ErrorResponse(claim.status());
  Result<StockClaimResponse> granted = service_.ClaimStock(*caller, *claim);
  if (!granted.ok()) return ErrorResponse(granted.status());
  return JsonResponse(200, EncodeStockClaimResponse(*granted));
}

HttpResponse SyncApi::ListRewards(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<std::vector<RewardStock>> stocks = service_.RewardStocks();
  if (!stocks.ok()) return ErrorResponse(stocks.status());
  nlohmann::json rewards = nlohmann::json::array();
  for (const RewardStock& stock : *stocks) {
    nlohmann::json shares = nlohmann::json::object();
    for (const auto& [terminal, granted] : stock.shares) shares[terminal] = granted;
    rewards.push_back({{"reward_id", stock.reward_id},
                       {"name", stock.name},
                       {"stock", stock.stock},
                       {"handed_out", stock.handed_out},
                       {"exchanged", stock.exchanged},
                       {"shares", shares}});
  }
  return JsonResponse(200, nlohmann::json{{"rewards", rewards}}.dump());
}

HttpResponse SyncApi::ListBudgets(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<std::vector<CampaignBudgetState>> budgets = service_.CampaignBudgets();
  if (!budgets.ok()) return ErrorResponse(budgets.status());
  nlohmann::json campaigns = nlohmann::json::array();
  for (const CampaignBudgetState& budget : *budgets) {
    nlohmann::json shares = nlohmann::json::object();
    for (const auto& [terminal, share] : budget.shares) {
      shares[terminal] = {{"granted", share.granted}, {"used", share.used}};
    }
    campaigns.push_back({{"campaign_id", budget.campaign_id},
                         {"name", budget.name},
                         {"budget", budget.budget},
                         {"handed_out", budget.handed_out},
                         {"used", budget.used},
                         {"shares", shares}});
  }
  return JsonResponse(200, nlohmann::json{{"campaigns", campaigns}}.dump());
}

HttpResponse SyncApi::IssueGifts(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<GiftRun> run = service_.IssueGifts();
  if (!run.ok()) return ErrorResponse(run.status());
  return JsonResponse(200, nlohmann::json{{"members_scanned", run->members_scanned},
                                          {"vouchers_issued", run->vouchers_issued}}
                               .dump());
}

HttpResponse SyncApi::RunExpiry(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<ExpiryRun> run = service_.RunExpiry();
  if (!run.ok()) return ErrorResponse(run.status());
  return JsonResponse(200, nlohmann::json{{"members", run->members},
                                          {"entries", run->entries},
                                          {"points_expired", run->points_expired},
                                          {"points_given_back", run->points_given_back}}
                               .dump());
}

HttpResponse SyncApi::ListExchanges(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<Uuid> member = Uuid::Parse(request.QueryParam("member_id").value_or(""));
  if (!member.ok()) {
    return ErrorResponse(400, "invalid_query", "give the member as ?member_id=<member id>");
  }
  Result<std::vector<ExchangeRecord>> exchanges = service_.MemberExchanges(member->ToString());
  if (!exchanges.ok()) return ErrorResponse(exchanges.status());
  std::string body = "{\"exchanges\":[";
  for (size_t i = 0; i < exchanges->size(); ++i) {
    if (i > 0) body += ',';
    record::AppendRecord((*exchanges)[i], body);
  }
  return JsonResponse(200, body + "]}");
}

}  // namespace patron::sync
