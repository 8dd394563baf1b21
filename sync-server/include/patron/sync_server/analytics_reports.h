// Head office's analytics as reports read them (DESIGN.md §10,
// analytics_store.h): the daily rollups in a store and day range, one
// member's purchases, members page by page, and the rebuild. Each read is
// one read transaction over rows the fold keeps, as of its watermark.
#ifndef PATRON_SYNC_SERVER_ANALYTICS_REPORTS_H_
#define PATRON_SYNC_SERVER_ANALYTICS_REPORTS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "patron/rules.h"
#include "patron/status.h"
#include "patron/sync_server/server_store.h"

namespace patron::sync {

// What head office knows of one member's purchases.
struct MemberPurchases {
  MemberSummary summary;
  std::vector<MemberDay> days;             // by day, then store
  std::vector<MemberCategory> categories;  // by category
  std::optional<MemberMetrics> metrics;    // as of the last metrics run
};

// One view of a member (DESIGN.md §10, "member persona"): head office's
// row (profile, consent, balance, tier, lots), the way to the next tier,
// their purchases and metrics, their vouchers, and the campaigns that gave
// to them or held them out.
struct MemberPersona {
  std::optional<MemberState> member;          // nullopt: no row yet (only purchases)
  std::optional<TierProgress> tier_progress;  // under the active pack; nullopt at the top
  std::optional<MemberPurchases> purchases;   // nullopt: nothing bought yet
  std::vector<Voucher> vouchers;
  std::vector<CampaignMember> campaigns;
  std::vector<FeedbackRecord> feedback;  // oldest first
};

// InvalidArgument "invalid_range" unless each given day is a date
// (YYYY-MM-DD) and from_day <= to_day.
Status CheckDayRange(const DayRange& range);

class AnalyticsReports {
 public:
  AnalyticsReports(ServerStore& store, std::function<int64_t()> wall_clock_ms)
      : store_(store), wall_clock_ms_(std::move(wall_clock_ms)) {}

  // Each refuses a range CheckDayRange refuses.
  Result<std::vector<StoreDay>> StoreDays(const DayRange& range);
  Result<std::vector<CategoryDay>> CategoryDays(const DayRange& range);
  // campaign_id "": every campaign's.
  Result<std::vector<CampaignDay>> CampaignDays(const std::string& campaign_id,
                                                const DayRange& range);
  // Chain-wide: the range's store is not a filter.
  Result<std::vector<TierDay>> TierDays(const DayRange& range);
  // NotFound "unknown_member" for a member who has bought nothing.
  Result<MemberPurchases> Member(const std::string& member_id);
  // NotFound "unknown_member" when head office holds neither a row nor a
  // purchase of the member.
  Result<MemberPersona> Persona(const std::string& member_id);
  // Members who have bought, by id after `after`, at most `limit`.
  Result<std::vector<MemberSummary>> Members(const std::string& after, int limit);
  // The metrics run of `version` (0: the latest); nullopt: none.
  Result<std::optional<SegmentRun>> SegmentRunOf(int64_t version);
  // The insights run numbered `run` (0: the latest); nullopt: none.
  Result<std::optional<InsightRun>> InsightRunOf(int64_t run);
  // Makes every figure again from the ledger and the records
  // (analytics_folder.h RebuildAnalytics).
  Status Rebuild();

 private:
  ServerStore& store_;
  std::function<int64_t()> wall_clock_ms_;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_ANALYTICS_REPORTS_H_
