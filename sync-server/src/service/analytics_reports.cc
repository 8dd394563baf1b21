#include "patron/sync_server/analytics_reports.h"

#include "patron/local_time.h"
#include "service/analytics_folder.h"
#include "service/checks.h"

namespace patron::sync {

Status CheckDayRange(const DayRange& range) {
  for (const std::string* day : {&range.from_day, &range.to_day}) {
    if (!day->empty() && !ParseLocalDay(*day).ok()) {
      return Status::InvalidArgument("'" + *day + "' is not a date (YYYY-MM-DD)", "invalid_range");
    }
  }
  if (!range.from_day.empty() && !range.to_day.empty() && range.from_day > range.to_day) {
    return Status::InvalidArgument("from " + range.from_day + " is after to " + range.to_day,
                                   "invalid_range");
  }
  return Status::OK();
}

Result<std::vector<StoreDay>> AnalyticsReports::StoreDays(const DayRange& range) {
  PATRON_RETURN_IF_ERROR(CheckDayRange(range));
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->StoreDays(range);
}

Result<std::vector<CategoryDay>> AnalyticsReports::CategoryDays(const DayRange& range) {
  PATRON_RETURN_IF_ERROR(CheckDayRange(range));
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->CategoryDays(range);
}

Result<std::vector<CampaignDay>> AnalyticsReports::CampaignDays(const std::string& campaign_id,
                                                                const DayRange& range) {
  PATRON_RETURN_IF_ERROR(CheckDayRange(range));
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->CampaignDays(campaign_id, range);
}

Result<std::vector<TierDay>> AnalyticsReports::TierDays(const DayRange& range) {
  PATRON_RETURN_IF_ERROR(CheckDayRange(range));
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->TierDays(range);
}

Result<MemberPurchases> AnalyticsReports::Member(const std::string& member_id) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::optional<MemberSummary> summary, txn->FindMemberSummary(member_id));
  if (!summary) {
    return Status::NotFound("head office holds no purchase of member " + member_id,
                            "unknown_member");
  }
  MemberPurchases purchases{std::move(*summary), {}, {}, {}};
  PATRON_ASSIGN_OR_RETURN(purchases.days, txn->MemberDays(member_id));
  PATRON_ASSIGN_OR_RETURN(purchases.categories, txn->MemberCategories(member_id));
  PATRON_ASSIGN_OR_RETURN(purchases.metrics, txn->FindMemberMetrics(member_id));
  return purchases;
}

Result<MemberPersona> AnalyticsReports::Persona(const std::string& member_id) {
  MemberPersona persona;
  {
    Result<MemberPurchases> purchases = Member(member_id);
    if (purchases.ok()) {
      persona.purchases = std::move(*purchases);
    } else if (!purchases.status().IsNotFound()) {
      return purchases.status();
    }
  }
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::optional<MemberRecord> row, txn->FindMember(member_id));
  if (!row && !persona.purchases) {
    return Status::NotFound("head office holds no member " + member_id, "unknown_member");
  }
  if (row) {
    PATRON_ASSIGN_OR_RETURN(const Rules pack, ActiveRulesIn(*txn, wall_clock_ms_()));
    // The tier head office holds for the member (it may be held above what
    // their spend reaches), or before tiers were held, their spend's.
    Result<TierRule> held = FindTier(pack, row->state.tier);
    const TierRule tier = held.ok() ? *held : TierFor(pack, row->state.spend_minor);
    persona.tier_progress = NextTier(pack, tier, row->state.spend_minor);
    persona.member = std::move(row->state);
  }
  PATRON_ASSIGN_OR_RETURN(persona.vouchers, txn->VouchersOfMember(member_id));
  PATRON_ASSIGN_OR_RETURN(persona.campaigns, txn->CampaignMembersOf(member_id));
  PATRON_ASSIGN_OR_RETURN(persona.feedback, txn->FeedbackOfMember(member_id));
  return persona;
}

Result<std::vector<MemberSummary>> AnalyticsReports::Members(const std::string& after, int limit) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->MemberSummaries(after, limit);
}

Result<std::optional<SegmentRun>> AnalyticsReports::SegmentRunOf(int64_t version) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->FindSegmentRun(version);
}

Result<std::optional<InsightRun>> AnalyticsReports::InsightRunOf(int64_t run) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->FindInsightRun(run);
}

Status AnalyticsReports::Rebuild() { return RebuildAnalytics(store_, wall_clock_ms_()); }

}  // namespace patron::sync
