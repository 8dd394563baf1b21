#include "engine/sale_plan.h"

#include <algorithm>
#include <string>

#include "patron/money.h"

namespace patron::terminal {
namespace {

Status Refuse(std::string message, std::string_view reason) {
  return Status::FailedPrecondition(std::move(message), reason);
}

Result<Evaluation> EvaluateSale(const Rules& rules, const SaleRequest& sale,
                                const MemberFigures& figures, const SaleContext& context,
                                int64_t paid_minor) {
  EvalMember member = context.member;
  member.tier = figures.tier.name;
  const EvalBasket basket{context.store_id, sale.amount_minor, paid_minor, sale.lines,
                          context.budgets};
  return Evaluate(rules, member, basket, context.now_ms);
}

}  // namespace

Result<int64_t> CampaignMoneyOff(const Rules& rules, const SaleRequest& sale,
                                 const MemberFigures& figures, const SaleContext& context) {
  // Most packs take nothing off: then one evaluation per sale is enough.
  const auto& campaigns = rules.campaigns;
  if (std::none_of(campaigns.begin(), campaigns.end(),
                   [](const Campaign& c) { return GivesMoneyOff(c.award); })) {
    return int64_t{0};
  }
  PATRON_ASSIGN_OR_RETURN(const Evaluation before,
                          EvaluateSale(rules, sale, figures, context, sale.amount_minor));
  return before.discount_minor;
}

Result<SalePlan> PlanSale(const Rules& rules, const SaleRequest& sale, const MemberFigures& figures,
                          const SaleContext& context, int64_t campaign_off,
                          std::vector<Award> voucher_awards) {
  SalePlan plan;
  plan.tier = figures.tier;
  plan.campaign_discount_minor = campaign_off;
  for (const Award& award : voucher_awards) {
    PATRON_ASSIGN_OR_RETURN(plan.voucher_discount_minor,
                            CheckedAdd(plan.voucher_discount_minor, award.discount_minor));
  }
  PATRON_ASSIGN_OR_RETURN(const int64_t after_campaigns,
                          CheckedSub(sale.amount_minor, campaign_off));
  PATRON_ASSIGN_OR_RETURN(const int64_t after_vouchers,
                          CheckedSub(after_campaigns, plan.voucher_discount_minor));
  PATRON_ASSIGN_OR_RETURN(plan.max_by_cap, MaxRedeemablePoints(rules, after_vouchers));
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
  PATRON_RETURN_IF_ERROR(CheckSpendable(figures, r));
  if (r > figures.redeemable) {
    return Refuse("this terminal may redeem " + std::to_string(figures.redeemable) +
                      " points for the member without the server; " + std::to_string(r) +
                      " requested",
                  "insufficient_rights");
  }
  plan.redeem_points = r;
  PATRON_ASSIGN_OR_RETURN(plan.discount_minor, RedeemValueMinor(rules, r));
  PATRON_ASSIGN_OR_RETURN(plan.paid_minor, CheckedSub(after_vouchers, plan.discount_minor));

  PATRON_ASSIGN_OR_RETURN(Evaluation evaluation,
                          EvaluateSale(rules, sale, figures, context, plan.paid_minor));
  if (evaluation.discount_minor != campaign_off) {
    // evaluate.h: money off never depends on what is paid.
    return Status::Internal("the campaigns' money off changed with what points pay");
  }
  plan.base_only = evaluation.base_only;
  plan.earn_tier = plan.base_only ? TierRule{"", 0, kBasisPointsPerUnit} : figures.tier;
  plan.eligible_paid_minor = evaluation.eligible_paid_minor;
  plan.points = evaluation.points;
  for (const Award& award : evaluation.awards) {
    int64_t& part = award.kind == kAwardCampaign ? plan.bonus_points : plan.earn_points;
    part += award.points;  // within evaluation.points, which fits
  }
  plan.awards = std::move(evaluation.awards);
  for (Award& award : voucher_awards) {
    PATRON_ASSIGN_OR_RETURN(plan.bonus_points, CheckedAdd(plan.bonus_points, award.points));
    PATRON_ASSIGN_OR_RETURN(plan.points, CheckedAdd(plan.points, award.points));
    plan.awards.push_back(std::move(award));
  }
  return plan;
}

}  // namespace patron::terminal
