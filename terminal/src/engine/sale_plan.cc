#include "engine/sale_plan.h"

#include <algorithm>
#include <string>

#include "patron/money.h"

namespace patron::terminal {
namespace {

Result<int64_t> EligibleAmount(const Rules& rules, const SaleRequest& sale) {
  if (sale.lines.empty()) return sale.amount_minor;
  int64_t eligible = 0;
  for (const SaleLine& line : sale.lines) {
    if (IsExcludedCategory(rules, line.category)) continue;
    PATRON_ASSIGN_OR_RETURN(eligible, CheckedAdd(eligible, line.amount_minor));
  }
  return eligible;
}

Status Refuse(std::string message, std::string_view reason) {
  return Status::FailedPrecondition(std::move(message), reason);
}

}  // namespace

Result<SalePlan> PlanSale(const Rules& rules, const SaleRequest& sale, const MemberFigures& figures,
                          bool base_only) {
  SalePlan plan;
  plan.tier = figures.tier;
  plan.base_only = base_only;
  plan.earn_tier = base_only ? TierRule{"", 0, kBasisPointsPerUnit} : figures.tier;
  PATRON_ASSIGN_OR_RETURN(plan.max_by_cap, MaxRedeemablePoints(rules, sale.amount_minor));
  plan.max_redeemable = std::max<int64_t>(
      0, std::min({plan.max_by_cap, figures.balance, figures.redeemable}));

  const int64_t r = sale.redeem_points;
  if (r > plan.max_by_cap) {
    return Refuse("this sale may use at most " + std::to_string(plan.max_by_cap) + " points",
                  "redeem_cap_exceeded");
  }
  if (r > figures.balance) {
    return Refuse("the member has " + std::to_string(figures.balance) + " points, " +
                      std::to_string(r) + " requested",
                  "insufficient_points");
  }
  if (r > figures.redeemable) {
    return Refuse("this terminal may redeem " + std::to_string(figures.redeemable) +
                      " points for the member without the server; " + std::to_string(r) +
                      " requested",
                  "insufficient_rights");
  }
  plan.redeem_points = r;
  PATRON_ASSIGN_OR_RETURN(plan.discount_minor, RedeemValueMinor(rules, r));
  PATRON_ASSIGN_OR_RETURN(plan.paid_minor, CheckedSub(sale.amount_minor, plan.discount_minor));
  PATRON_ASSIGN_OR_RETURN(int64_t eligible, EligibleAmount(rules, sale));
  // Points pay for the basket pro rata, so excluded lines keep their share.
  PATRON_ASSIGN_OR_RETURN(plan.eligible_paid_minor,
                          ProRata(plan.paid_minor, eligible, sale.amount_minor));
  PATRON_ASSIGN_OR_RETURN(plan.earn_points,
                          EarnPoints(rules, plan.earn_tier, plan.eligible_paid_minor));
  return plan;
}

}  // namespace patron::terminal
