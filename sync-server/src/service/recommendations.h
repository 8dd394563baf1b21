// Next-best offers from purchase history (DESIGN.md §10, issue 17):
// categories members buy together, and a member's favourites not bought
// lately. Pure, so the metrics run and its tests compute the same.
//
// "Together" is measured over members, not baskets: the share of the
// members who bought category A who also bought B, against the share of all
// members who bought B (lift). Head office keeps what each member bought of
// each category (analytics_store.h MemberCategory), not each basket's lines
// side by side, and members' habits are what an offer at the till is for.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_RECOMMENDATIONS_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_RECOMMENDATIONS_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "patron/offer.h"
#include "patron/sync_server/analytics_store.h"

namespace patron::sync {

// A pair counts only when this many members bought both, and A's buyers
// bought B at least this often (confidence, basis points), and B is at
// least this much likelier among them than among all (lift x 100).
inline constexpr int64_t kMinPairMembers = 5;
inline constexpr int64_t kMinConfidenceBp = 1'000;
inline constexpr int64_t kMinLiftPercent = 120;
// A favourite is "not bought lately" after max(this, twice the member's
// purchase interval) days.
inline constexpr int64_t kMinLapseDays = 30;
inline constexpr size_t kMaxOffers = 3;

// Which categories members buy, alone and in pairs.
class CategoryAffinity {
 public:
  // One member's categories (each once; "" is skipped).
  void AddMember(std::span<const MemberCategory> categories);

  // The category most bought together with what the member bought and
  // that they have not: its lift over the threshold, the category it goes
  // with; nullopt if none.
  std::optional<MemberOffer> Together(std::span<const MemberCategory> bought) const;

 private:
  int64_t members_ = 0;
  std::map<std::string, int64_t> buyers_;
  std::map<std::pair<std::string, std::string>, int64_t> pairs_;  // (a, b) and (b, a)
};

// The member's offers, at most kMaxOffers: favourites not bought lately
// (the most money first), then the best category bought together.
std::vector<MemberOffer> OffersFor(const MemberMetrics& metrics,
                                   std::span<const MemberCategory> bought,
                                   const CategoryAffinity& affinity, int64_t today);

// The member's row of the "offers" set shipped to tills (offer.h): their
// offers as computed, in order.
MemberOffers OffersForTills(const MemberMetrics& metrics);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_RECOMMENDATIONS_H_
