#include "engine/member_view.h"

#include <algorithm>

#include "patron/local_time.h"
#include "patron/lots.h"
#include "patron/money.h"

namespace patron::terminal {

Result<MemberFigures> ComputeFigures(EngineContext& ctx, const MemberRow& row) {
  const int64_t spend_since_ms = ctx.NowMs() - ctx.rules().qualifying_window_days * kMsPerDay;
  PATRON_ASSIGN_OR_RETURN(PendingSums pending,
                          ctx.journal.Pending(row.member_id, row.server_version, spend_since_ms));
  MemberFigures figures;
  PATRON_ASSIGN_OR_RETURN(figures.balance, CheckedAdd(row.server_balance, pending.points));
  PATRON_ASSIGN_OR_RETURN(figures.qualifying_spend_minor,
                          CheckedAdd(row.server_spend_minor, pending.spend_minor));
  figures.rights = row.local_rights;
  // Points past their expiry, or not yet spendable, are not redeemable
  // here, even before head office writes their expiry.
  figures.lots = row.server_lots;
  ReconcileLots(figures.lots, row.server_balance);
  const int64_t offset = ctx.rules().utc_offset_minutes;
  for (const LedgerEntry& entry : pending.entries) ApplyToLots(figures.lots, entry, offset);
  figures.today = ToLocalDate(ctx.NowMs(), offset).day_number;
  figures.spendable = SpendablePoints(figures.lots, figures.today);
  figures.redeemable =
      std::max<int64_t>(0, std::min({figures.balance, figures.spendable, figures.rights}));
  figures.standing = TierStanding{row.server_tier, row.server_tier_until_ms};
  // This till's spend not yet in head office's figure is recent: it counts.
  PATRON_ASSIGN_OR_RETURN(figures.spend_at_review_minor,
                          CheckedAdd(row.server_spend_at_review_minor, pending.spend_minor));
  figures.tier = CurrentTier(ctx.rules(), figures.standing, figures.qualifying_spend_minor);
  figures.last_purchase_ms = std::max(row.server_last_purchase_ms, pending.last_purchase_ms);
  return figures;
}

Status CheckSpendable(const MemberFigures& figures, int64_t points) {
  if (points <= figures.spendable) return Status::OK();
  const int64_t pending = PendingPoints(figures.lots, figures.today);
  return Status::FailedPrecondition(
      "the member may spend " + std::to_string(figures.spendable) + " of their " +
          std::to_string(figures.balance) + " points today (" + std::to_string(pending) +
          " are not spendable yet, the rest are past their expiry); " + std::to_string(points) +
          " requested",
      "points_not_spendable");
}

Member ToMember(EngineContext& ctx, const MemberRow& row, const MemberFigures& figures) {
  Member m;
  m.member_id = row.member_id;
  m.phone = row.phone;
  m.card = row.card;
  m.name = row.name.value;
  m.birthday = row.birthday.value;
  m.email = row.email.value;
  m.gender = row.gender.value;
  m.sms_consent = row.sms_consent.value;
  m.email_consent = row.email_consent.value;
  m.status = row.status;
  m.enrolled_store = row.enrolled_store;
  m.enrolled_ms = row.enrolled_ms;
  m.tier = figures.tier.name;
  m.balance = figures.balance;
  m.qualifying_spend_minor = figures.qualifying_spend_minor;
  // A tier this till's spend reached above the held one is held from when
  // head office folds it: not known yet.
  const bool held =
      TierRank(ctx.rules(), figures.tier.name) == TierRank(ctx.rules(), figures.standing.tier);
  m.tier_held_until_ms = held ? figures.standing.until_ms : 0;
  m.tier_progress = NextTier(ctx.rules(), figures.tier, figures.qualifying_spend_minor);
  m.tier_review =
      UpcomingReview(ctx.rules(), figures.standing, figures.spend_at_review_minor, ctx.NowMs());
  m.redeemable_here = figures.redeemable;
  m.expiring = ExpiringSoonest(figures.lots, figures.today);
  m.pending_points = PendingPoints(figures.lots, figures.today);
  return m;
}

Result<MemberRow> LoadMemberRow(EngineContext& ctx, std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(std::optional<MemberRow> row, ctx.members.Get(member_id));
  if (!row) {
    return Status::NotFound("no member with id '" + std::string(member_id) + "'",
                            "unknown_member");
  }
  return std::move(*row);
}

Result<Member> LoadMember(EngineContext& ctx, std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(MemberRow row, LoadMemberRow(ctx, member_id));
  PATRON_ASSIGN_OR_RETURN(MemberFigures figures, ComputeFigures(ctx, row));
  return ToMember(ctx, row, figures);
}

Status EnsureMemberRow(EngineContext& ctx, const std::string& member_id) {
  PATRON_ASSIGN_OR_RETURN(std::optional<MemberRow> known, ctx.members.Get(member_id));
  if (known) return Status::OK();
  MemberRow bare;
  bare.member_id = member_id;
  return ctx.members.Insert(bare);
}

}  // namespace patron::terminal
