// SyncService::RunInsights: campaign effect against the holdout, monthly
// cohort retention and the points liability with its expiry by month
// (insight_records.h), in one pass over every member row, a page at a time
// in one read transaction, with the page's purchase days, campaign
// participation and segments. Only the run is written, in a transaction of
// its own: O(members + purchase days) read, one row written.
#include <algorithm>
#include <map>

#include "patron/local_time.h"
#include "patron/rules_codec.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"
#include "service/insights.h"

namespace patron::sync {
namespace {

constexpr int kMembersPerPage = 5'000;

// Rows of one member from a page's rows (by member): advances `at`.
template <typename Row>
std::span<const Row> RowsOf(const std::vector<Row>& rows, size_t& at, const std::string& member) {
  while (at < rows.size() && rows[at].member_id < member) ++at;
  const size_t begin = at;
  while (at < rows.size() && rows[at].member_id == member) ++at;
  return std::span(rows).subspan(begin, at - begin);
}

// Points redeemed per point credited, ever, in basis points.
Result<int64_t> RedemptionRateBp(StoreTxn& txn) {
  PATRON_ASSIGN_OR_RETURN(std::vector<StoreDay> days, txn.StoreDays(DayRange{}));
  int64_t credited = 0, redeemed = 0;
  for (const StoreDay& d : days) {
    credited += d.points_earned + d.points_bonus;
    redeemed += d.points_redeemed;
  }
  return credited > 0 ? std::min<int64_t>(10'000, redeemed * 10'000 / credited) : 0;
}

// What a campaign's gifts cost: points at their redemption value times the
// redemption rate, money off, and each voucher at its face value.
Result<int64_t> CostMinor(const Rules& pack, const Campaign& campaign, const CampaignDay& given,
                          int64_t redemption_rate_bp) {
  PATRON_ASSIGN_OR_RETURN(const int64_t points_value, RedeemValueMinor(pack, given.points));
  const RewardVoucher& voucher = campaign.award.voucher;
  const int64_t face =
      voucher.amount_off_minor > 0 ? voucher.amount_off_minor : voucher.max_off_minor;
  return points_value * redemption_rate_bp / 10'000 + given.discount_minor +
         given.vouchers_issued * face;
}

}  // namespace

Result<InsightRun> SyncService::RunInsights() {
  const std::lock_guard<std::mutex> one_run_at_a_time(insights_mutex_);
  const int64_t now_ms = NowMs();
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(const Rules active, ActiveRulesIn(*txn, now_ms));
  const int64_t offset = active.utc_offset_minutes;
  InsightRun run;
  {
    PATRON_ASSIGN_OR_RETURN(std::optional<InsightRun> last, txn->FindInsightRun(0));
    run.run = last ? last->run + 1 : 1;
  }
  run.as_of_day = FormatLocalDay(ToLocalDate(now_ms, offset).day_number);
  run.ran_ms = now_ms;
  PATRON_ASSIGN_OR_RETURN(run.redemption_rate_bp, RedemptionRateBp(*txn));

  std::vector<PackInForce> packs;
  {
    PATRON_ASSIGN_OR_RETURN(std::vector<StoredRules> stored, txn->AllRules());
    for (const StoredRules& row : stored) {
      PATRON_ASSIGN_OR_RETURN(Rules pack, DecodeRules(row.body));
      // In force from its activation, or from when it was published if later.
      const int64_t start = std::max(ActivationMs(pack), row.stored_ms);
      packs.push_back({std::move(pack), start});
    }
  }
  std::vector<EffectTally> effects;
  for (CampaignWindow& window : CampaignWindows(packs, now_ms, offset)) {
    effects.emplace_back(std::move(window), run.as_of_day);
  }
  CohortTally cohorts(run.as_of_day.substr(0, 7));
  LiabilityTally liability;

  for (std::string after;;) {
    PATRON_ASSIGN_OR_RETURN(std::vector<MemberState> members,
                            txn->MembersByKey(after, kMembersPerPage));
    if (members.empty()) break;
    const std::string& through = members.back().member_id;
    PATRON_ASSIGN_OR_RETURN(std::vector<MemberDay> days, txn->MemberDaysBetween(after, through));
    PATRON_ASSIGN_OR_RETURN(std::vector<CampaignMember> took_part,
                            txn->CampaignMembersBetween(after, through));
    PATRON_ASSIGN_OR_RETURN(std::vector<MemberMetrics> metrics,
                            txn->MemberMetricsBetween(after, through));
    size_t d = 0, t = 0, m = 0;
    for (const MemberState& state : members) {
      const std::span<const MemberDay> mine = RowsOf(days, d, state.member_id);
      const std::span<const CampaignMember> parts = RowsOf(took_part, t, state.member_id);
      const std::span<const MemberMetrics> metric = RowsOf(metrics, m, state.member_id);
      MemberFacts facts{state, "", mine, {}};
      if (state.enrolled_ms > 0) {
        facts.enrolled_day = FormatLocalDay(ToLocalDate(state.enrolled_ms, offset).day_number);
      } else if (!mine.empty()) {
        facts.enrolled_day = mine.front().day;
      }
      if (!metric.empty()) facts.segments = metric.front().segments;
      ++run.members;
      cohorts.Add(facts);
      liability.Add(state);
      for (EffectTally& effect : effects) {
        if (!EligibleFor(effect.window(), facts)) continue;
        const auto part = std::find_if(parts.begin(), parts.end(), [&](const CampaignMember& p) {
          return p.campaign_id == effect.window().campaign.id;
        });
        effect.Add(facts, part == parts.end() ? nullptr : &*part);
      }
    }
    after = through;
  }

  run.outstanding_points = liability.outstanding_points();
  run.members_with_points = liability.members_with_points();
  PATRON_ASSIGN_OR_RETURN(run.outstanding_value_minor,
                          RedeemValueMinor(active, run.outstanding_points));
  for (ExpiringMonth& month : liability.Months()) run.expiring.push_back(std::move(month));
  for (CohortRow& row : cohorts.Rows()) run.cohorts.push_back(std::move(row));
  for (const EffectTally& effect : effects) {
    const Campaign& campaign = effect.window().campaign;
    PATRON_ASSIGN_OR_RETURN(std::vector<CampaignDay> rows,
                            txn->CampaignDays(campaign.id, DayRange{}));
    CampaignDay given;
    for (const CampaignDay& row : rows) {
      given.points += row.points;
      given.discount_minor += row.discount_minor;
      given.vouchers_issued += row.vouchers_issued;
    }
    PATRON_ASSIGN_OR_RETURN(const int64_t cost,
                            CostMinor(active, campaign, given, run.redemption_rate_bp));
    run.effects.push_back(effect.Finish(given, cost));
  }
  PATRON_RETURN_IF_ERROR(txn->Commit());

  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> write, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(write->PutInsightRun(run));
  PATRON_RETURN_IF_ERROR(write->Commit());
  return run;
}

Result<std::optional<InsightRun>> SyncService::RunInsightsIfDue() {
  {
    const int64_t now_ms = NowMs();
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
    PATRON_ASSIGN_OR_RETURN(const Rules pack, ActiveRulesIn(*txn, now_ms));
    PATRON_ASSIGN_OR_RETURN(std::optional<InsightRun> last, txn->FindInsightRun(0));
    const std::string today =
        FormatLocalDay(ToLocalDate(now_ms, pack.utc_offset_minutes).day_number);
    if (last && last->as_of_day >= today) return std::optional<InsightRun>();
  }
  PATRON_ASSIGN_OR_RETURN(InsightRun run, RunInsights());
  return std::optional<InsightRun>(std::move(run));
}

}  // namespace patron::sync
