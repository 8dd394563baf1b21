#include "engine/exchanges.h"

#include <algorithm>
#include <optional>
#include <string>

#include "engine/member_view.h"
#include "engine/requests.h"
#include "engine/vouchers.h"
#include "patron/digest.h"
#include "patron/money.h"
#include "patron/records/sale.h"

namespace patron::terminal {
namespace {

std::vector<ExchangeRecord> Records(std::vector<ExchangeRow> rows) {
  return std::vector<ExchangeRecord>(rows.begin(), rows.end());
}

std::string HashExchange(const ExchangeRequest& request) {
  return CanonicalHasher()
      .Add(request.member_id)
      .Add(request.reward_id)
      .Add(request.quantity)
      .HexDigest();
}

Result<ExchangeRequest> NormalizeExchange(const ExchangeRequest& request) {
  ExchangeRequest normal = request;
  PATRON_RETURN_IF_ERROR(ValidateRef(normal.exchange_ref, "exchange_ref"));
  PATRON_ASSIGN_OR_RETURN(normal.member_id, NormalizeMemberId(normal.member_id));
  if (normal.quantity < 1 || normal.quantity > kMaxExchangeQuantity) {
    return Status::InvalidArgument("quantity must be 1 to " + std::to_string(kMaxExchangeQuantity),
                                   "invalid_quantity");
  }
  return normal;
}

// Left of this terminal's share of the reward's stock; nullopt: no limit.
Result<std::optional<int64_t>> StockHere(EngineContext& ctx, const Reward& reward) {
  if (reward.stock == 0) return std::optional<int64_t>();
  PATRON_ASSIGN_OR_RETURN(const int64_t granted, ctx.exchanges.StockGranted(reward.id));
  PATRON_ASSIGN_OR_RETURN(const int64_t given,
                          ctx.exchanges.GivenHere(ctx.identity.terminal_id, reward.id));
  return std::optional<int64_t>(std::max<int64_t>(0, granted - given));
}

// Whether the member may have `quantity` of the reward now, by tier and
// limit; a refusal says why.
Status CheckMemberMay(EngineContext& ctx, const Reward& reward, const MemberFigures& figures,
                      const std::vector<ExchangeRecord>& known, int64_t quantity,
                      std::optional<int64_t>* limit_left) {
  const std::vector<std::string>& tiers = reward.tiers;
  if (!tiers.empty() && std::find(tiers.begin(), tiers.end(), figures.tier.name) == tiers.end()) {
    return Status::PermissionDenied("reward " + reward.id + " is for members of tier " +
                                        tiers.front() + (tiers.size() > 1 ? " and others" : "") +
                                        "; this member is " + figures.tier.name,
                                    "reward_tier_only");
  }
  if (reward.limit.times > 0) {
    const int64_t had = ExchangedInPeriod(ctx.rules(), reward, known, ctx.NowMs());
    const int64_t left = std::max<int64_t>(0, reward.limit.times - had);
    if (limit_left != nullptr) *limit_left = left;
    if (quantity > left) {
      return Status::Conflict("reward " + reward.id + " is limited to " +
                                  std::to_string(reward.limit.times) + " per member per " +
                                  reward.limit.per + "; this member may have " +
                                  std::to_string(left) + " more",
                              "reward_limit_reached");
    }
  }
  return Status::OK();
}

Result<ExchangeResult> ResultOf(EngineContext& ctx, const ExchangeRow& row, bool replayed) {
  ExchangeResult result;
  result.exchange = row;
  result.balance = row.balance_after;
  result.replayed = replayed;
  if (!row.voucher_id.empty()) {
    PATRON_ASSIGN_OR_RETURN(std::vector<MemberVoucher> vouchers, VouchersOf(ctx, row.member_id));
    for (MemberVoucher& voucher : vouchers) {
      if (voucher.voucher.voucher_id == row.voucher_id) result.voucher = std::move(voucher);
    }
  }
  return result;
}

}  // namespace

Result<std::vector<RewardOffer>> RewardsOffered(EngineContext& ctx, std::string_view member_id) {
  return InReadTransaction(ctx, [&]() -> Result<std::vector<RewardOffer>> {
    std::optional<MemberFigures> figures;
    std::vector<ExchangeRecord> known;
    if (!member_id.empty()) {
      PATRON_ASSIGN_OR_RETURN(const std::string id, NormalizeMemberId(member_id));
      PATRON_ASSIGN_OR_RETURN(MemberRow row, LoadMemberRow(ctx, id));
      PATRON_ASSIGN_OR_RETURN(figures, ComputeFigures(ctx, row));
      PATRON_ASSIGN_OR_RETURN(std::vector<ExchangeRow> rows, ctx.exchanges.OfMember(id));
      known = Records(std::move(rows));
    }
    std::vector<RewardOffer> offers;
    for (const Reward& reward : ctx.rules().rewards) {
      RewardOffer& offer = offers.emplace_back();
      offer.reward = reward;
      PATRON_ASSIGN_OR_RETURN(offer.stock_here, StockHere(ctx, reward));
      PATRON_ASSIGN_OR_RETURN(offer.stock_granted, ctx.exchanges.StockGranted(reward.id));
      if (!figures) continue;
      Status may = CheckMemberMay(ctx, reward, *figures, known, 1, &offer.limit_left);
      if (!may.ok()) {
        offer.unavailable = may.reason();
      } else if (figures->balance < reward.points) {
        offer.unavailable = "insufficient_points";
      } else if (figures->spendable < reward.points) {
        offer.unavailable = "points_not_spendable";
      }
    }
    return offers;
  });
}

Result<ExchangeResult> ExchangeReward(EngineContext& ctx, const ExchangeRequest& request) {
  PATRON_ASSIGN_OR_RETURN(const ExchangeRequest exchange, NormalizeExchange(request));
  const std::string request_hash = HashExchange(exchange);
  return InWriteTransaction(ctx, [&]() -> Result<ExchangeResult> {
    PATRON_ASSIGN_OR_RETURN(std::optional<ExchangeRow> earlier,
                            ctx.exchanges.GetOwn(ctx.identity.terminal_id, exchange.exchange_ref));
    if (earlier) {
      if (earlier->request_hash == request_hash) return ResultOf(ctx, *earlier, true);
      return Status::Conflict(
          "exchange_ref " + exchange.exchange_ref + " was already used for another exchange",
          "exchange_ref_conflict");
    }
    PATRON_ASSIGN_OR_RETURN(MemberRow member, LoadMemberRow(ctx, exchange.member_id));
    if (member.status != "active") {
      return Status::FailedPrecondition("member " + member.member_id + " is " + member.status,
                                        "member_inactive");
    }
    const Reward* reward = FindReward(ctx.rules(), exchange.reward_id);
    if (reward == nullptr) {
      return Status::NotFound("the programme in force (version " +
                                  std::to_string(ctx.rules().version) + ") has no reward " +
                                  exchange.reward_id,
                              "unknown_reward");
    }
    if (IsVoucherReward(*reward) && exchange.quantity != 1) {
      return Status::InvalidArgument("a voucher reward is exchanged one at a time",
                                     "invalid_quantity");
    }
    PATRON_ASSIGN_OR_RETURN(MemberFigures figures, ComputeFigures(ctx, member));
    PATRON_ASSIGN_OR_RETURN(std::vector<ExchangeRow> rows,
                            ctx.exchanges.OfMember(exchange.member_id));
    PATRON_RETURN_IF_ERROR(CheckMemberMay(ctx, *reward, figures, Records(std::move(rows)),
                                          exchange.quantity, nullptr));
    PATRON_ASSIGN_OR_RETURN(const std::optional<int64_t> stock_here, StockHere(ctx, *reward));
    if (stock_here && *stock_here < exchange.quantity) {
      return Status::Conflict("this till has " + std::to_string(*stock_here) + " of reward " +
                                  reward->id + " left of its share of the stock",
                              "reward_out_of_stock_here");
    }
    PATRON_ASSIGN_OR_RETURN(const int64_t points, CheckedMul(reward->points, exchange.quantity));
    if (points > figures.balance) {
      return Status::FailedPrecondition("the member has " + std::to_string(figures.balance) +
                                            " points; " + reward->id + " costs " +
                                            std::to_string(points),
                                        "insufficient_points");
    }
    PATRON_RETURN_IF_ERROR(CheckSpendable(figures, points));
    if (points > figures.redeemable) {
      return Status::FailedPrecondition(
          "this terminal may redeem " + std::to_string(figures.redeemable) +
              " points for the member without the server; " + std::to_string(points) + " needed",
          "insufficient_rights");
    }
    LedgerEntry redeem;
    redeem.member_id = exchange.member_id;
    redeem.kind = EntryKind::kRedeem;
    redeem.points = -points;
    redeem.sale_ref = exchange.exchange_ref;
    redeem.detail.reward_id = reward->id;
    PATRON_ASSIGN_OR_RETURN(LedgerEntry written, AppendOwnEntry(ctx, std::move(redeem)));

    ExchangeRow row;
    row.exchange_id = MakeSaleId(ctx.identity.terminal_id, exchange.exchange_ref);
    row.terminal_id = ctx.identity.terminal_id;
    row.store_id = ctx.identity.store_id;
    row.exchange_ref = exchange.exchange_ref;
    row.member_id = exchange.member_id;
    row.reward_id = reward->id;
    row.reward_name = reward->name;
    row.quantity = exchange.quantity;
    row.points = points;
    row.entry_id = written.entry_id;
    row.rule_version = ctx.rules().version;
    row.hlc = ctx.clock.Now();
    row.wall_ms = ctx.NowMs();
    row.request_hash = request_hash;
    row.balance_after = figures.balance - points;
    if (IsVoucherReward(*reward)) {
      VoucherRow voucher;
      static_cast<Voucher&>(voucher) = VoucherBoughtBy(*reward, row);
      row.voucher_id = voucher.voucher_id;
      PATRON_RETURN_IF_ERROR(ctx.vouchers.Put(voucher));
    }
    PATRON_RETURN_IF_ERROR(ctx.exchanges.Add(row));
    PATRON_RETURN_IF_ERROR(ctx.outbox.Append(kExchangeRecordKind, row.exchange_id,
                                             static_cast<const ExchangeRecord&>(row)));
    return ResultOf(ctx, row, false);
  });
}

Result<ExchangeResult> FindExchange(EngineContext& ctx, std::string_view exchange_ref) {
  PATRON_RETURN_IF_ERROR(ValidateRef(exchange_ref, "exchange_ref"));
  return InReadTransaction(ctx, [&]() -> Result<ExchangeResult> {
    PATRON_ASSIGN_OR_RETURN(std::optional<ExchangeRow> row,
                            ctx.exchanges.GetOwn(ctx.identity.terminal_id, exchange_ref));
    if (!row) {
      return Status::NotFound("no exchange " + std::string(exchange_ref) + " on this terminal",
                              "unknown_exchange");
    }
    return ResultOf(ctx, *row, false);
  });
}

Status TakeStockGrant(EngineContext& ctx, std::string_view reward_id, int64_t granted) {
  return InWriteTransaction(ctx,
                            [&]() { return ctx.exchanges.RaiseStockGranted(reward_id, granted); });
}

Status TakeExchange(EngineContext& ctx, const ExchangeRecord& exchange) {
  if (exchange.terminal_id == ctx.identity.terminal_id) return Status::OK();
  ExchangeRow row;
  static_cast<ExchangeRecord&>(row) = exchange;
  return ctx.exchanges.Add(row);
}

}  // namespace patron::terminal
