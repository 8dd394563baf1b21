// The insights run's arithmetic (insight_records.h; PROGRAMME.md §4):
// campaigns' windows, who is eligible for a campaign, the tallies a run
// adds each member to, and the statistics of a campaign's effect. Pure, so
// the run and its tests compute the same.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_INSIGHTS_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_INSIGHTS_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "patron/campaign.h"
#include "patron/rules.h"
#include "patron/sync/protocol.h"
#include "patron/sync_server/analytics_store.h"

namespace patron::sync {

// A published pack and when it came in force: its activation, or when it
// was published if later.
struct PackInForce {
  Rules pack;
  int64_t start_ms = 0;
};

// A campaign as its newest pack defines it, and the store-local days it
// ran: from its `when.from`, or the start of the first pack holding it;
// through the day before its `when.until`, or before the first pack in
// force after its newest one that does not hold it, or its newest pack's
// valid_until, whichever is first; `today` while it still runs.
struct CampaignWindow {
  Campaign campaign;
  int64_t pack_version = 0;
  std::string from_day;
  std::string to_day;
  bool ended = false;  // to_day is before today
};

// Each campaign of `packs` (by version, ascending) that has begun by
// `now_ms`, by id; days are local to `utc_offset_minutes`.
std::vector<CampaignWindow> CampaignWindows(const std::vector<PackInForce>& packs, int64_t now_ms,
                                            int64_t utc_offset_minutes);

// A member as the run reads them: their row, their purchase days (by day)
// and the segments of the last metrics run, with the day they enrolled
// (their first purchase day if head office has no enrolment yet; "" if
// neither).
struct MemberFacts {
  const MemberState& state;
  std::string enrolled_day;
  std::span<const MemberDay> days;
  std::span<const std::string> segments;
};

// Whether the campaign's `who` admits the member at the start of its
// window, as head office can tell: enrolled by its last day; in one of its
// tiers (the tier held now) and segments (as of the last run); enrolled at
// one of its stores or bought there; enrolled within joined_within_days
// before it began or during it; a birthday given for a birthday campaign;
// no purchase before it for a first-purchase campaign; a purchase before it
// and none in the lapsed_days before it for a win-back one.
bool EligibleFor(const CampaignWindow& window, const MemberFacts& member);

// One campaign's effect as members are added, by group.
class EffectTally {
 public:
  explicit EffectTally(CampaignWindow window, std::string today);

  // Adds an eligible member (EligibleFor) with what the campaign gave them.
  void Add(const MemberFacts& member, const CampaignMember* took_part);

  // The effect with its statistics (EffectStatistics); `given` sums the
  // campaign's days, `cost_minor` is what that cost.
  CampaignEffect Finish(const CampaignDay& given, int64_t cost_minor) const;

  const CampaignWindow& window() const { return window_; }

 private:
  struct Group {
    int64_t members = 0;
    int64_t buyers = 0;
    int64_t paid_minor = 0;
    double paid_squares = 0;  // sum of each member's paid squared, for the variance
    int64_t repurchased[3] = {0, 0, 0};
  };

  CampaignWindow window_;
  std::string today_;
  std::string after_days_[3];  // the last day of each repurchase window
  Group treated_, control_;
  int64_t participants_ = 0;
};

// The repurchase windows after a campaign, in days.
inline constexpr int64_t kRepurchaseDays[3] = {30, 60, 90};

// Fills the effect's rates, uplift with its 95% interval, z, revenue per
// member and incremental revenue with its interval from its counts and
// sums; `paid_difference_se_minor` is the standard error of the difference
// of the groups' mean revenue per member.
void EffectStatistics(CampaignEffect& effect, double paid_difference_se_minor);

// Monthly cohorts by enrolment month (CohortRow), up to `today_month`.
class CohortTally {
 public:
  explicit CohortTally(std::string today_month) : today_month_(std::move(today_month)) {}
  void Add(const MemberFacts& member);
  std::vector<CohortRow> Rows() const;

 private:
  std::string today_month_;
  std::map<std::string, CohortRow> cohorts_;
};

// Points members hold and when their lots expire.
class LiabilityTally {
 public:
  void Add(const MemberState& member);
  int64_t outstanding_points() const { return outstanding_points_; }
  int64_t members_with_points() const { return members_with_points_; }
  std::vector<ExpiringMonth> Months() const;  // by month, "" (never) last

 private:
  int64_t outstanding_points_ = 0;
  int64_t members_with_points_ = 0;
  std::map<std::string, int64_t> by_month_;
};

// Months between two "YYYY-MM" (to - from).
int64_t MonthsBetween(std::string_view from, std::string_view to);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_INSIGHTS_H_
