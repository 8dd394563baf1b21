// A member's metrics from head office's analytics (PROGRAMME.md §4,
// analytics_store.h MemberMetrics): pure functions, so a metrics run and
// its tests compute the same.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_MEMBER_METRICS_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_MEMBER_METRICS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "patron/sync_server/analytics_store.h"
#include "service/clv_model.h"

namespace patron::sync {

// The RFM window: purchase days and spend of the last 365 days count.
inline constexpr int64_t kRfmWindowDays = 365;

// Everything but the R and M scores, the RFM segment and the segments,
// which need every member's figures: recency, frequency, monetary, F score,
// purchase interval, lifecycle and favourite categories as of local day
// `today` (a day number). `days` and `categories` are the member's.
MemberMetrics BaseMetrics(const MemberSummary& summary, std::span<const MemberDay> days,
                          std::span<const MemberCategory> categories, int64_t today);

// The member's whole history as the predicted-value model reads it: repeat
// purchase days, days from the first to the last and to `today`, and the
// mean money (paid less refunded) of the days after the first.
CustomerHistory HistoryOf(const MemberSummary& summary, std::span<const MemberDay> days,
                          int64_t today);

// 1-5 for a purchase-day count: 1, 2, 3-4, 5-9, 10 or more (0 scores 1).
int64_t FrequencyScore(int64_t purchase_days);
// 1-5 by quintile: where `value` falls among `sorted` (ascending, holding
// every member's value); ties score alike. An empty list scores 1.
int64_t QuintileScore(const std::vector<int64_t>& sorted, int64_t value);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_MEMBER_METRICS_H_
