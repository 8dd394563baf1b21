#include "service/member_metrics.h"

#include <algorithm>
#include <set>
#include <string>

#include "patron/local_time.h"
#include "patron/segment.h"

namespace patron::sync {
namespace {

int64_t DayNumber(const std::string& day) {
  Result<int64_t> number = ParseLocalDay(day);
  return number.ok() ? *number : 0;
}

}  // namespace

MemberMetrics BaseMetrics(const MemberSummary& summary, std::span<const MemberDay> days,
                          std::span<const MemberCategory> categories, int64_t today) {
  MemberMetrics m;
  m.member_id = summary.member_id;
  m.as_of_day = FormatLocalDay(today);
  const int64_t first = DayNumber(summary.first_day);
  const int64_t last = DayNumber(summary.last_day);
  m.recency_days = std::max<int64_t>(0, today - last);
  std::set<int64_t> window_days;
  for (const MemberDay& day : days) {
    const int64_t number = DayNumber(day.day);
    if (number <= today - kRfmWindowDays || number > today) continue;
    if (day.sales > 0) window_days.insert(number);
    m.monetary_minor += day.paid_minor - day.refunded_minor;
  }
  m.frequency = static_cast<int64_t>(window_days.size());
  m.f_score = FrequencyScore(m.frequency);
  m.ipi_days = summary.purchase_days >= 2 ? (last - first) / (summary.purchase_days - 1) : 0;
  m.lifecycle = std::string(LifecycleOf(today - first, m.recency_days, m.ipi_days));

  std::vector<const MemberCategory*> ranked;
  for (const MemberCategory& c : categories) {
    if (!c.category.empty()) ranked.push_back(&c);  // lines without one are nobody's favourite
  }
  std::sort(ranked.begin(), ranked.end(), [](const MemberCategory* a, const MemberCategory* b) {
    return a->amount_minor != b->amount_minor ? a->amount_minor > b->amount_minor
                                              : a->category < b->category;
  });
  for (size_t i = 0; i < ranked.size() && i < 3; ++i) {
    m.favourite_categories.push_back(ranked[i]->category);
  }
  return m;
}

CustomerHistory HistoryOf(const MemberSummary& summary, std::span<const MemberDay> days,
                          int64_t today) {
  const int64_t first = DayNumber(summary.first_day);
  CustomerHistory history;
  history.frequency = std::max<int64_t>(0, summary.purchase_days - 1);
  history.recency_days = static_cast<double>(DayNumber(summary.last_day) - first);
  history.age_days = static_cast<double>(std::max(today, DayNumber(summary.last_day)) - first);
  if (history.frequency > 0) {
    int64_t repeat_minor = 0;
    for (const MemberDay& day : days) {
      if (day.day != summary.first_day) repeat_minor += day.paid_minor - day.refunded_minor;
    }
    history.mean_spend_minor =
        static_cast<double>(repeat_minor) / static_cast<double>(history.frequency);
  }
  return history;
}

int64_t FrequencyScore(int64_t purchase_days) {
  if (purchase_days >= 10) return 5;
  if (purchase_days >= 5) return 4;
  if (purchase_days >= 3) return 3;
  if (purchase_days == 2) return 2;
  return 1;
}

int64_t QuintileScore(const std::vector<int64_t>& sorted, int64_t value) {
  if (sorted.empty()) return 1;
  const auto below = std::lower_bound(sorted.begin(), sorted.end(), value) - sorted.begin();
  return 1 + (5 * static_cast<int64_t>(below)) / static_cast<int64_t>(sorted.size());
}

}  // namespace patron::sync
