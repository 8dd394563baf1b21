#include "service/recommendations.h"

#include <algorithm>

#include "patron/local_time.h"

namespace patron::sync {

void CategoryAffinity::AddMember(std::span<const MemberCategory> categories) {
  std::vector<const std::string*> mine;
  for (const MemberCategory& c : categories) {
    if (!c.category.empty()) mine.push_back(&c.category);
  }
  ++members_;
  for (const std::string* a : mine) {
    ++buyers_[*a];
    for (const std::string* b : mine) {
      if (a != b) ++pairs_[{*a, *b}];
    }
  }
}

std::optional<MemberOffer> CategoryAffinity::Together(
    std::span<const MemberCategory> bought) const {
  const auto has = [&](const std::string& category) {
    return std::any_of(bought.begin(), bought.end(),
                       [&](const MemberCategory& c) { return c.category == category; });
  };
  std::optional<MemberOffer> best;
  for (const MemberCategory& mine : bought) {
    const auto from = buyers_.find(mine.category);
    if (mine.category.empty() || from == buyers_.end()) continue;
    // Every pair (mine, other), in the map's order from (mine, "").
    for (auto pair = pairs_.lower_bound({mine.category, ""});
         pair != pairs_.end() && pair->first.first == mine.category; ++pair) {
      const std::string& other = pair->first.second;
      const int64_t both = pair->second;
      if (both < kMinPairMembers || both * 10'000 < kMinConfidenceBp * from->second || has(other)) {
        continue;
      }
      // lift = P(other | mine) / P(other) = both x members / (mine x other)
      const int64_t lift_percent = both * members_ * 100 / (from->second * buyers_.at(other));
      if (lift_percent < kMinLiftPercent) continue;
      if (!best || lift_percent > best->score ||
          (lift_percent == best->score && other < best->category)) {
        best = MemberOffer{other, std::string(kOfferTogether), mine.category, lift_percent};
      }
    }
  }
  return best;
}

std::vector<MemberOffer> OffersFor(const MemberMetrics& metrics,
                                   std::span<const MemberCategory> bought,
                                   const CategoryAffinity& affinity, int64_t today) {
  std::vector<MemberOffer> offers;
  const int64_t lapse = std::max(kMinLapseDays, 2 * metrics.ipi_days);
  for (const std::string& favourite : metrics.favourite_categories) {
    const auto row = std::find_if(bought.begin(), bought.end(),
                                  [&](const MemberCategory& c) { return c.category == favourite; });
    if (row == bought.end()) continue;
    const Result<int64_t> last = ParseLocalDay(row->last_day);
    if (last.ok() && today - *last >= lapse && offers.size() < kMaxOffers) {
      offers.push_back({favourite, std::string(kOfferAgain), "", today - *last});
    }
  }
  if (offers.size() < kMaxOffers) {
    if (std::optional<MemberOffer> together = affinity.Together(bought)) {
      offers.push_back(std::move(*together));
    }
  }
  return offers;
}

MemberOffers OffersForTills(const MemberMetrics& metrics) {
  return MemberOffers{metrics.member_id, metrics.offers};
}

}  // namespace patron::sync
