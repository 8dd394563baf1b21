#include "engine/checkout.h"

#include "engine/member_view.h"
#include "engine/requests.h"
#include "engine/sale_plan.h"
#include "engine/vouchers.h"
#include "patron/money.h"
#include "patron/records/campaign_voucher.h"

namespace patron::terminal {
namespace {

SaleResult ResultFromRow(const SaleRow& row, bool replayed, const Rules& rules) {
  SaleResult result;
  result.sale_ref = row.sale_ref;
  result.member_id = row.member_id;
  result.amount_minor = row.amount_minor;
  result.discount_minor = row.discount_minor;
  result.voucher_discount_minor = row.voucher_discount_minor;
  result.campaign_discount_minor = row.campaign_discount_minor;
  result.paid_minor = row.paid_minor;
  result.earned_points = row.earned_points;
  for (const SaleAward& award : row.awards) result.earned_points += award.points;
  result.awards = row.awards;
  result.redeemed_points = row.redeemed_points;
  result.balance = row.balance_after;
  result.tier = row.tier_after;
  if (row.spend_after_minor) {
    // The tier after the sale, by the tiers of the pack in force now.
    const TierRule& after =
        CurrentTier(rules, TierStanding{row.tier_after, 0}, *row.spend_after_minor);
    result.tier_progress = NextTier(rules, after, *row.spend_after_minor);
  }
  result.rule_version = row.rule_version;
  result.sale_id = row.sale_id;
  result.survey = SurveyFor(rules.surveys, row.sale_id);
  if (!row.redeem_entry.empty()) result.entry_ids.push_back(row.redeem_entry);
  if (!row.earn_entry.empty()) result.entry_ids.push_back(row.earn_entry);
  for (const SaleAward& award : row.awards) {
    if (!award.entry_id.empty()) result.entry_ids.push_back(award.entry_id);
  }
  result.replayed = replayed;
  return result;
}

Status CheckActive(const MemberRow& row) {
  if (row.status == "active") return Status::OK();
  return Status::FailedPrecondition("member " + row.member_id + " is " + row.status,
                                    "member_inactive");
}

// What the pack's campaigns may know of the member at this till now: the
// campaign awards and purchases at other tills since the last sync are
// head office's to settle; the segments are those of the version of head
// office's set in force here (none before one arrives).
Result<SaleContext> ContextOf(EngineContext& ctx, const MemberRow& member,
                              const MemberFigures& figures) {
  SaleContext context;
  context.member.member_id = member.member_id;
  context.member.birthday = member.birthday.value;
  context.member.enrolled_ms = member.enrolled_ms;
  context.member.last_purchase_ms = figures.last_purchase_ms;
  PATRON_ASSIGN_OR_RETURN(context.member.uses, ctx.journal.CampaignUses(member.member_id));
  PATRON_ASSIGN_OR_RETURN(context.member.segments, ctx.segments.Of(member.member_id));
  context.store_id = ctx.identity.store_id;
  context.now_ms = ctx.NowMs();
  for (const Campaign& campaign : ctx.rules().campaigns) {
    if (campaign.budget.points <= 0) continue;
    PATRON_ASSIGN_OR_RETURN(const BudgetHere here, ctx.budgets.Of(campaign.id));
    context.budgets.push_back({campaign.id, here.Left()});
  }
  return context;
}

// The plan of `sale`: the campaigns' money off first, then the vouchers'
// (which, when `must_hold`, this terminal must hold), then points.
Result<SalePlan> Plan(EngineContext& ctx, const SaleRequest& sale, const MemberFigures& figures,
                      const SaleContext& context, bool must_hold) {
  PATRON_ASSIGN_OR_RETURN(const int64_t campaign_off,
                          CampaignMoneyOff(ctx.rules(), sale, figures, context));
  PATRON_ASSIGN_OR_RETURN(
      std::vector<Award> vouchers,
      VoucherAwards(ctx, sale, sale.amount_minor - campaign_off, must_hold));  // off <= amount
  return PlanSale(ctx.rules(), sale, figures, context, campaign_off, std::move(vouchers));
}

// Writes the bonus entry of each campaign award of `plan` (none for a
// member held out) and of each voucher giving points, issues the vouchers
// of campaigns that issue one (held here), lists the awards in the row, and
// marks the vouchers used. `row` holds the sale's ids, member and time.
Status WriteAwards(EngineContext& ctx, const SaleRequest& sale, const SalePlan& plan,
                   SaleRow& row) {
  for (const Award& award : plan.awards) {
    const bool voucher = award.kind == kAwardVoucher;
    if (award.kind != kAwardCampaign && !voucher) continue;
    SaleAward& listed = row.awards.emplace_back();
    listed.campaign_id = award.campaign_id;
    listed.voucher_id = award.voucher_id;
    listed.points = award.points;
    listed.discount_minor = award.discount_minor;
    listed.held_out = award.held_out;
    listed.budget_short = award.budget_short;
    if (voucher) PATRON_RETURN_IF_ERROR(MarkVoucherUsed(ctx, award.voucher_id, row.sale_id));
    if (award.budget_short > 0) {
      PATRON_RETURN_IF_ERROR(ctx.budgets.AddShort(award.campaign_id, award.budget_short));
    }
    if (award.issues_voucher) {
      const Campaign* campaign = FindCampaign(ctx.rules(), award.campaign_id);
      if (campaign == nullptr) {
        return Status::Internal("campaign " + award.campaign_id + " vanished");
      }
      VoucherRow issued;
      static_cast<Voucher&>(issued) = VoucherIssuedBy(*campaign, row);
      listed.issued_voucher_id = issued.voucher_id;
      PATRON_RETURN_IF_ERROR(ctx.vouchers.Put(issued));
    }
    if (award.held_out || award.points == 0) continue;
    LedgerEntry bonus;
    bonus.member_id = sale.member_id;
    bonus.kind = EntryKind::kBonus;
    bonus.points = award.points;
    bonus.sale_ref = sale.sale_ref;
    bonus.detail.paid_minor = plan.paid_minor;
    if (voucher) {
      bonus.detail.voucher_id = award.voucher_id;
    } else {
      const Campaign* campaign = FindCampaign(ctx.rules(), award.campaign_id);
      bonus.detail.campaign_id = award.campaign_id;
      bonus.detail.multiplier_bp = campaign != nullptr ? campaign->award.multiplier_bp : 0;
      if (campaign != nullptr && campaign->budget.points > 0) {
        PATRON_RETURN_IF_ERROR(ctx.budgets.AddUsed(campaign->id, award.points));
      }
    }
    PATRON_ASSIGN_OR_RETURN(LedgerEntry written, AppendOwnEntry(ctx, std::move(bonus)));
    listed.entry_id = written.entry_id;
  }
  return Status::OK();
}

// Writes the redeem and earn entries of `plan`; fills the row's entry ids.
Status WriteEntries(EngineContext& ctx, const SaleRequest& sale, const SalePlan& plan,
                    SaleRow& row) {
  if (plan.redeem_points > 0) {
    LedgerEntry redeem;
    redeem.member_id = sale.member_id;
    redeem.kind = EntryKind::kRedeem;
    redeem.points = -plan.redeem_points;
    redeem.sale_ref = sale.sale_ref;
    redeem.detail.discount_minor = plan.discount_minor;
    PATRON_ASSIGN_OR_RETURN(LedgerEntry written, AppendOwnEntry(ctx, std::move(redeem)));
    row.redeem_entry = written.entry_id;
  }
  // An earn entry also records qualifying spend, so it is written even when
  // the money paid earns less than one point.
  if (plan.earn_points > 0 || plan.eligible_paid_minor > 0) {
    LedgerEntry earn;
    earn.member_id = sale.member_id;
    earn.kind = EntryKind::kEarn;
    earn.points = plan.earn_points;
    earn.amount_minor = plan.eligible_paid_minor;
    earn.sale_ref = sale.sale_ref;
    // Past valid_until no tier is named: head office then holds the earn to
    // the rules' bound rather than to a tier's exact figure.
    earn.detail.tier = plan.earn_tier.name;
    earn.detail.multiplier_bp = plan.earn_tier.earn_multiplier_bp;
    earn.detail.sale_amount_minor = sale.amount_minor;
    earn.detail.paid_minor = plan.paid_minor;
    PATRON_ASSIGN_OR_RETURN(LedgerEntry written, AppendOwnEntry(ctx, std::move(earn)));
    row.earn_entry = written.entry_id;
  }
  return Status::OK();
}

}  // namespace

Result<Quote> QuoteSale(EngineContext& ctx, const SaleRequest& request) {
  PATRON_ASSIGN_OR_RETURN(SaleRequest sale,
                          NormalizeSale(request, ctx.rules(), /*require_sale_ref=*/false));
  PATRON_ASSIGN_OR_RETURN(MemberRow row, LoadMemberRow(ctx, sale.member_id));
  PATRON_ASSIGN_OR_RETURN(MemberFigures figures, ComputeFigures(ctx, row));
  PATRON_ASSIGN_OR_RETURN(const SaleContext context, ContextOf(ctx, row, figures));
  PATRON_ASSIGN_OR_RETURN(SalePlan plan, Plan(ctx, sale, figures, context, /*must_hold=*/false));
  Quote quote;
  quote.member_id = sale.member_id;
  quote.tier = plan.tier.name;
  quote.earn_multiplier_bp = plan.earn_tier.earn_multiplier_bp;
  quote.base_only = plan.base_only;
  quote.points_to_earn = plan.points;
  quote.awards = std::move(plan.awards);
  quote.tier_progress = NextTier(ctx.rules(), figures.tier, figures.qualifying_spend_minor);
  quote.tier_review =
      UpcomingReview(ctx.rules(), figures.standing, figures.spend_at_review_minor, ctx.NowMs());
  quote.redeem_points = plan.redeem_points;
  quote.discount_minor = plan.discount_minor;
  quote.voucher_discount_minor = plan.voucher_discount_minor;
  quote.campaign_discount_minor = plan.campaign_discount_minor;
  quote.paid_minor = plan.paid_minor;
  quote.max_redeemable = plan.max_redeemable;
  quote.max_redeemable_by_cap = plan.max_by_cap;
  quote.balance = figures.balance;
  quote.redeemable_here = figures.redeemable;
  for (const ExpiringPoints& soon : ExpiringSoonest(figures.lots, figures.today)) {
    if (soon.expires_day >= figures.today + kExpiringSoonDays) break;
    quote.expiring_soon.push_back(soon);
  }
  quote.rule_version = ctx.rules().version;
  PATRON_ASSIGN_OR_RETURN(quote.offers, ctx.offers.Of(sale.member_id));
  return quote;
}

Result<SaleResult> Checkout(EngineContext& ctx, const SaleRequest& request) {
  PATRON_ASSIGN_OR_RETURN(SaleRequest sale,
                          NormalizeSale(request, ctx.rules(), /*require_sale_ref=*/true));
  const std::string request_hash = HashSale(sale);
  return InWriteTransaction(ctx, [&]() -> Result<SaleResult> {
    PATRON_ASSIGN_OR_RETURN(std::optional<SaleRow> earlier, ctx.sales.GetSale(sale.sale_ref));
    if (earlier) {
      if (earlier->request_hash == request_hash) return ResultFromRow(*earlier, true, ctx.rules());
      return Status::Conflict("sale_ref " + sale.sale_ref +
                                  " was already used for a different sale",
                              "sale_ref_conflict");
    }
    PATRON_ASSIGN_OR_RETURN(MemberRow member, LoadMemberRow(ctx, sale.member_id));
    PATRON_RETURN_IF_ERROR(CheckActive(member));
    PATRON_ASSIGN_OR_RETURN(MemberFigures figures, ComputeFigures(ctx, member));
    PATRON_ASSIGN_OR_RETURN(const SaleContext context, ContextOf(ctx, member, figures));
    PATRON_ASSIGN_OR_RETURN(SalePlan plan, Plan(ctx, sale, figures, context, /*must_hold=*/true));

    SaleRow row;
    row.sale_id = MakeSaleId(ctx.identity.terminal_id, sale.sale_ref);
    row.terminal_id = ctx.identity.terminal_id;
    row.store_id = ctx.identity.store_id;
    row.sale_ref = sale.sale_ref;
    row.request_hash = request_hash;
    row.member_id = sale.member_id;
    row.amount_minor = sale.amount_minor;
    row.currency = sale.currency;
    row.discount_minor = plan.discount_minor;
    row.voucher_discount_minor = plan.voucher_discount_minor;
    row.campaign_discount_minor = plan.campaign_discount_minor;
    row.paid_minor = plan.paid_minor;
    row.eligible_paid_minor = plan.eligible_paid_minor;
    row.earned_points = plan.earn_points;
    row.redeemed_points = plan.redeem_points;
    row.rule_version = ctx.rules().version;
    row.hlc = ctx.clock.Now();
    row.wall_ms = ctx.NowMs();
    row.lines = sale.lines;
    PATRON_RETURN_IF_ERROR(WriteEntries(ctx, sale, plan, row));
    PATRON_RETURN_IF_ERROR(WriteAwards(ctx, sale, plan, row));

    PATRON_ASSIGN_OR_RETURN(int64_t net, CheckedSub(plan.points, plan.redeem_points));
    PATRON_ASSIGN_OR_RETURN(row.balance_after, CheckedAdd(figures.balance, net));
    PATRON_ASSIGN_OR_RETURN(int64_t spend_after, CheckedAdd(figures.qualifying_spend_minor,
                                                            plan.eligible_paid_minor));
    // An upgrade at once, offline included; never a drop (tier_standing.h).
    row.tier_after = CurrentTier(ctx.rules(), figures.standing, spend_after).name;
    row.spend_after_minor = spend_after;
    PATRON_RETURN_IF_ERROR(ctx.sales.InsertSale(row));
    // Head office receives every consumption record (DESIGN.md §8).
    PATRON_RETURN_IF_ERROR(
        ctx.outbox.Append(kSaleRecordKind, row.sale_id, static_cast<const SaleRecord&>(row)));
    return ResultFromRow(row, false, ctx.rules());
  });
}

Result<SaleResult> FindSale(EngineContext& ctx, std::string_view sale_ref) {
  PATRON_RETURN_IF_ERROR(ValidateRef(sale_ref, "sale_ref"));
  PATRON_ASSIGN_OR_RETURN(std::optional<SaleRow> row, ctx.sales.GetSale(sale_ref));
  if (!row) {
    return Status::NotFound("no sale " + std::string(sale_ref) + " on this terminal",
                            "unknown_sale");
  }
  return ResultFromRow(*row, false, ctx.rules());
}

}  // namespace patron::terminal
