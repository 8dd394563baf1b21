// The arithmetic of one sale, shared by quote and checkout: what the member
// may redeem, what the points pay, and what the money paid earns under the
// rule pack in force (evaluate.h), award by award.
#ifndef PATRON_TERMINAL_SRC_ENGINE_SALE_PLAN_H_
#define PATRON_TERMINAL_SRC_ENGINE_SALE_PLAN_H_

#include <cstdint>
#include <vector>

#include "engine/member_view.h"
#include "patron/evaluate.h"
#include "patron/rules.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

// What the sale is evaluated against besides the basket.
struct SaleContext {
  EvalMember member;  // its tier is the member's before the sale
  std::string store_id;
  int64_t now_ms = 0;
  std::vector<BudgetLeft> budgets;  // of this terminal's shares (store/budget_store.h)
};

struct SalePlan {
  TierRule tier;  // the member's tier before the sale
  // What the earn entry names: `tier`, or the base rate (1x, no tier named)
  // when the pack is past its valid_until.
  TierRule earn_tier;
  bool base_only = false;
  int64_t max_by_cap = 0;         // share-of-sale cap, in points
  int64_t max_redeemable = 0;     // min(cap, balance, redeemable here)
  int64_t redeem_points = 0;
  int64_t campaign_discount_minor = 0;  // the campaigns' money off
  int64_t voucher_discount_minor = 0;   // the vouchers' money off
  int64_t discount_minor = 0;           // money value of redeem_points
  int64_t paid_minor = 0;               // amount - every discount
  int64_t eligible_paid_minor = 0;  // paid money on lines that earn
  int64_t earn_points = 0;          // base + tier: the earn entry's points
  int64_t bonus_points = 0;         // the campaigns' and vouchers' awards' points
  int64_t points = 0;               // earn_points + bonus_points
  // Itemised (evaluate.h): base, tier, each campaign that applies or holds
  // the member out, then each voucher.
  std::vector<Award> awards;
};

// The money the pack's campaigns take off `sale` (evaluate.h): it comes
// first, then the vouchers' (engine/vouchers.h), then points pay a share
// of what is left.
Result<int64_t> CampaignMoneyOff(const Rules& rules, const SaleRequest& sale,
                                 const MemberFigures& figures, const SaleContext& context);

// Computes the plan for `sale` (normalised) against the member's figures,
// with `campaign_off` (CampaignMoneyOff) and the awards of the vouchers it
// redeems, which took their money off what the campaigns left.
// Refuses the redemption, in this order, with FailedPrecondition:
//   "redeem_cap_exceeded"  more than the rules let this sale pay in points;
//   "insufficient_points"  more than the member's balance;
//   "insufficient_rights"  within the balance, but more than this terminal
//                          may redeem without a grant from the server.
Result<SalePlan> PlanSale(const Rules& rules, const SaleRequest& sale, const MemberFigures& figures,
                          const SaleContext& context, int64_t campaign_off,
                          std::vector<Award> voucher_awards);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_SALE_PLAN_H_
