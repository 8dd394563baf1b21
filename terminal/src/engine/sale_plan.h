// The arithmetic of one sale, shared by quote and checkout: what the member
// may redeem, what the points pay, what the money paid earns.
#ifndef PATRON_TERMINAL_SRC_ENGINE_SALE_PLAN_H_
#define PATRON_TERMINAL_SRC_ENGINE_SALE_PLAN_H_

#include <cstdint>

#include "engine/member_view.h"
#include "patron/rules.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

struct SalePlan {
  TierRule tier;                  // the member's tier before the sale
  // What the points are earned at: `tier`, or the base rate (1x, no tier
  // named) when the pack is past its valid_until.
  TierRule earn_tier;
  bool base_only = false;
  int64_t max_by_cap = 0;         // share-of-sale cap, in points
  int64_t max_redeemable = 0;     // min(cap, balance, redeemable here)
  int64_t redeem_points = 0;
  int64_t discount_minor = 0;     // money value of redeem_points
  int64_t paid_minor = 0;         // amount - discount
  int64_t eligible_paid_minor = 0;  // paid money on lines that earn
  int64_t earn_points = 0;
};

// Computes the plan for `sale` (normalised) against the member's figures.
// Refuses the redemption, in this order, with FailedPrecondition:
//   "redeem_cap_exceeded"  more than the rules let this sale pay in points;
//   "insufficient_points"  more than the member's balance;
//   "insufficient_rights"  within the balance, but more than this terminal
//                          may redeem without a grant from the server.
// `base_only`: the pack is past its valid_until (EngineContext::BaseOnly).
Result<SalePlan> PlanSale(const Rules& rules, const SaleRequest& sale, const MemberFigures& figures,
                          bool base_only);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_SALE_PLAN_H_
