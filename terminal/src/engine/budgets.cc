#include "engine/budgets.h"

#include <algorithm>
#include <limits>

#include "patron/local_time.h"

namespace patron::terminal {
namespace {

// Whether the campaign runs at this store between now and now + lead:
// its date window and stores, not its days or hours (a member day's share
// is taken the day before, while the till can still reach head office).
bool RunsSoonHere(const Rules& pack, const Campaign& campaign, std::string_view store_id,
                  int64_t now_ms) {
  const std::vector<std::string>& stores = campaign.who.stores;
  if (!stores.empty() && std::find(stores.begin(), stores.end(), store_id) == stores.end()) {
    return false;
  }
  const int64_t offset = pack.utc_offset_minutes;
  const CampaignWhen& when = campaign.when;
  const int64_t from = when.from.empty() ? 0 : ParsePackTime(when.from, offset).value_or(INT64_MAX);
  const int64_t until = when.until.empty() ? std::numeric_limits<int64_t>::max()
                                           : ParsePackTime(when.until, offset).value_or(0);
  return from <= now_ms + kBudgetLeadMs && now_ms < until;
}

}  // namespace

int64_t BudgetChunk(const Campaign& campaign) {
  const int64_t budget = campaign.budget.points;
  const int64_t chunk = std::max((budget + 99) / 100, campaign.award.bonus_points);
  return std::min(chunk, budget);
}

Result<std::vector<sync::StockClaimRequest>> BudgetClaims(EngineContext& ctx, bool learn_all) {
  const int64_t now_ms = ctx.NowMs();
  std::vector<const Rules*> packs;
  if (!ctx.BaseOnly()) packs.push_back(&ctx.rules());  // else no campaign runs here
  const Rules* next = ctx.NextPack();
  if (next != nullptr && ActivationMs(*next) <= now_ms + kBudgetLeadMs) packs.push_back(next);
  std::vector<sync::StockClaimRequest> claims;
  for (const Rules* pack : packs) {
    for (const Campaign& campaign : pack->campaigns) {
      if (campaign.budget.points <= 0) continue;
      const auto claimed = [&](const sync::StockClaimRequest& c) {
        return c.campaign_id == campaign.id;
      };
      if (std::any_of(claims.begin(), claims.end(), claimed)) continue;
      if (!RunsSoonHere(*pack, campaign, ctx.identity.store_id, now_ms)) continue;
      PATRON_ASSIGN_OR_RETURN(const BudgetHere here, ctx.budgets.Of(campaign.id));
      const int64_t need = std::max(BudgetChunk(campaign), here.short_of);
      const bool top_up = here.Left() < need;
      if (!top_up && !learn_all) continue;
      sync::StockClaimRequest& claim = claims.emplace_back();
      claim.terminal_id = ctx.identity.terminal_id;
      claim.chain_key_fingerprint = ctx.identity.chain_key_fingerprint;
      claim.campaign_id = campaign.id;
      claim.want =
          std::min(std::max(here.granted, here.used) + (top_up ? need : 0), kMaxBudgetPoints);
    }
  }
  return claims;
}

Status TakeBudgetShare(EngineContext& ctx, const sync::StockClaimResponse& answer) {
  if (answer.campaign_id.empty() || answer.granted < 0 || answer.used < 0) {
    return Status::InvalidArgument("head office's answer names no campaign's budget",
                                   "bad_sync_reply");
  }
  return InWriteTransaction(
      ctx, [&]() { return ctx.budgets.Raise(answer.campaign_id, answer.granted, answer.used); });
}

}  // namespace patron::terminal
