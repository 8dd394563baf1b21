// Head office's side of the points exchange (reward.h, records/exchange.h):
// tills' shares of each reward's stock, and filing the exchanges tills
// report.
#include <algorithm>
#include <utility>

#include "patron/evaluate.h"
#include "patron/local_time.h"
#include "patron/record/record_json.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"

namespace patron::sync {
namespace {

// The reward as the newest published pack holding its id says.
Result<std::optional<Reward>> NewestReward(StoreTxn& txn, std::string_view reward_id) {
  PATRON_ASSIGN_OR_RETURN(std::vector<Rules> packs, PublishedRulesIn(txn));
  for (auto pack = packs.rbegin(); pack != packs.rend(); ++pack) {
    if (const Reward* reward = FindReward(*pack, reward_id)) return std::optional<Reward>(*reward);
  }
  return std::optional<Reward>();
}

Status Reject(const ExchangeRecord& exchange, const std::string& why) {
  return Status::InvalidArgument("exchange " + exchange.exchange_id + ": " + why, "invalid_record");
}

}  // namespace

Result<StockClaimResponse> SyncService::ClaimStock(const Caller& caller,
                                                   const StockClaimRequest& request) {
  if (request.reward_id.empty() == request.campaign_id.empty()) {
    return Status::InvalidArgument("a claim names a reward_id or a campaign_id", "invalid_claim");
  }
  if (!request.campaign_id.empty()) return ClaimBudget(caller, request);
  PATRON_RETURN_IF_ERROR(CheckFingerprint(request.chain_key_fingerprint));
  PATRON_RETURN_IF_ERROR(CheckSpeaksFor(caller, request.terminal_id));
  if (request.want < 0 || request.want > kMaxVoucherAmount) {
    return Status::InvalidArgument("want must be 0 to 10^9", "invalid_want");
  }
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  PATRON_ASSIGN_OR_RETURN(std::optional<Reward> reward, NewestReward(*txn, request.reward_id));
  if (!reward) {
    return Status::NotFound("no published pack has a reward " + request.reward_id,
                            "unknown_reward");
  }
  if (reward->stock == 0) {
    return Status::InvalidArgument("reward " + reward->id + " has no stock limit to share out",
                                   "reward_without_stock");
  }
  PATRON_ASSIGN_OR_RETURN(auto shares, txn->StockShares(reward->id));
  int64_t handed_out = 0;
  for (const auto& [terminal, granted] : shares) handed_out += granted;
  const ShareClaim claim =
      ClaimShare(reward->stock, handed_out, shares[caller.terminal_id], request.want);
  StockClaimResponse response;
  response.reward_id = reward->id;
  response.granted = claim.granted;
  response.unassigned = claim.unassigned;
  if (claim.raised > 0) {
    PATRON_RETURN_IF_ERROR(txn->SetStockShare(reward->id, caller.terminal_id, claim.granted));
    PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
    counters_.stock_granted += claim.raised;
  }
  return response;
}

Result<std::vector<ExchangeExcess>> SyncService::FileExchange(StoreTxn& txn,
                                                              const ExchangeRecord& exchange) {
  PATRON_ASSIGN_OR_RETURN(std::optional<Rules> pack, RulesVersionIn(txn, exchange.rule_version));
  if (!pack)
    return Reject(exchange, "names rules version " + std::to_string(exchange.rule_version) +
                                ", never published");
  const Reward* reward = FindReward(*pack, exchange.reward_id);
  if (reward == nullptr) {
    return Reject(exchange, "rules version " + std::to_string(exchange.rule_version) +
                                " has no reward " + exchange.reward_id);
  }
  if (exchange.quantity < 1 || exchange.quantity > kMaxExchangeQuantity ||
      (IsVoucherReward(*reward) && exchange.quantity != 1)) {
    return Reject(exchange, "quantity " + std::to_string(exchange.quantity) + " is not allowed");
  }
  if (exchange.points != reward->points * exchange.quantity) {
    return Reject(exchange, "spent " + std::to_string(exchange.points) +
                                " points; the reward costs " +
                                std::to_string(reward->points * exchange.quantity));
  }
  const std::string voucher_id =
      IsVoucherReward(*reward) ? ExchangeVoucherId(exchange.exchange_id) : "";
  if (exchange.voucher_id != voucher_id) {
    return Reject(exchange,
                  "names voucher '" + exchange.voucher_id + "', not '" + voucher_id + "'");
  }

  PATRON_RETURN_IF_ERROR(txn.PutExchange(exchange));
  PATRON_RETURN_IF_ERROR(PublishItem(txn, {0,
                                           std::string(kExchangeItem),
                                           std::string(kAudienceMember),
                                           exchange.member_id,
                                           exchange.exchange_id,
                                           {record::EncodeRecord(exchange)}})
                             .status());
  if (!voucher_id.empty()) {
    PATRON_ASSIGN_OR_RETURN(std::optional<Voucher> held, txn.FindVoucher(voucher_id));
    if (!held) PATRON_RETURN_IF_ERROR(PutVoucher(txn, VoucherBoughtBy(*reward, exchange)));
  }

  // What the till should not have done, though it happened: more than its
  // share of the stock, more than the member's limit (two offline tills).
  std::vector<ExchangeExcess> excesses;
  if (reward->stock > 0) {
    PATRON_ASSIGN_OR_RETURN(auto shares, txn.StockShares(reward->id));
    PATRON_ASSIGN_OR_RETURN(const int64_t given, txn.ExchangedAt(exchange.terminal_id, reward->id));
    const int64_t share = shares[exchange.terminal_id];
    if (given > share) {
      excesses.push_back({"reward_stock_exceeded", "till " + exchange.terminal_id + " gave " +
                                                       std::to_string(given) + " of reward " +
                                                       reward->id + " against a share of " +
                                                       std::to_string(share)});
    }
  }
  if (reward->limit.times > 0) {
    PATRON_ASSIGN_OR_RETURN(std::vector<ExchangeRecord> known,
                            txn.ExchangesOfMember(exchange.member_id));
    const int64_t had = ExchangedInPeriod(*pack, *reward, known, exchange.wall_ms);
    if (had > reward->limit.times) {
      excesses.push_back(
          {"reward_limit_exceeded", "member " + exchange.member_id + " has " + std::to_string(had) +
                                        " of reward " + reward->id + " this " + reward->limit.per +
                                        "; the limit is " + std::to_string(reward->limit.times)});
    }
  }
  return excesses;
}

Result<std::vector<ExchangeRecord>> SyncService::MemberExchanges(std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->ExchangesOfMember(member_id);
}

Result<std::vector<RewardStock>> SyncService::RewardStocks() {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::vector<Rules> packs, PublishedRulesIn(*txn));
  std::vector<RewardStock> stocks;
  for (auto pack = packs.rbegin(); pack != packs.rend(); ++pack) {
    for (const Reward& reward : pack->rewards) {
      const bool seen = std::any_of(stocks.begin(), stocks.end(),
                                    [&](const RewardStock& s) { return s.reward_id == reward.id; });
      if (seen) continue;
      RewardStock& stock = stocks.emplace_back();
      stock.reward_id = reward.id;
      stock.name = reward.name;
      stock.stock = reward.stock;
      PATRON_ASSIGN_OR_RETURN(stock.shares, txn->StockShares(reward.id));
      for (const auto& [terminal, granted] : stock.shares) stock.handed_out += granted;
      PATRON_ASSIGN_OR_RETURN(stock.exchanged, txn->ExchangedAt("", reward.id));
    }
  }
  return stocks;
}

}  // namespace patron::sync
