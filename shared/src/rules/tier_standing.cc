#include "patron/tier_standing.h"

#include <algorithm>

#include "patron/local_time.h"

namespace patron {
namespace {

size_t SpendRank(const Rules& rules, int64_t spend_minor) {
  return TierRank(rules, TierFor(rules, spend_minor).name);
}

// A standing at tier `rank`, held from now_ms (valid rules keep
// tier_hold_days within ten years, so the sum cannot overflow a real clock).
TierStanding HeldFrom(const Rules& rules, size_t rank, int64_t now_ms) {
  return TierStanding{rules.tiers[rank].name,
                      rank == 0 ? 0 : now_ms + rules.tier_hold_days * kMsPerDay};
}

}  // namespace

const TierRule& CurrentTier(const Rules& rules, const TierStanding& held, int64_t spend_minor) {
  const TierRule& reached = TierFor(rules, spend_minor);
  const size_t held_rank = TierRank(rules, held.tier);
  return held_rank > TierRank(rules, reached.name) ? rules.tiers[held_rank] : reached;
}

TierStanding NextStanding(const Rules& rules, const TierStanding& held, int64_t spend_minor,
                          int64_t now_ms) {
  const size_t held_rank = TierRank(rules, held.tier);
  const size_t reached = SpendRank(rules, spend_minor);
  if (reached > held_rank) return HeldFrom(rules, reached, now_ms);
  if (held_rank == 0) return HeldFrom(rules, 0, now_ms);
  if (held.until_ms >= now_ms) return TierStanding{rules.tiers[held_rank].name, held.until_ms};
  return HeldFrom(rules, std::max(reached, held_rank - 1), now_ms);
}

std::optional<TierReview> UpcomingReview(const Rules& rules, const TierStanding& held,
                                         int64_t spend_at_review_minor, int64_t now_ms) {
  const size_t held_rank = TierRank(rules, held.tier);
  if (held_rank == 0 || held.until_ms == 0) return std::nullopt;
  if (now_ms < held.until_ms - rules.tier_warning_days * kMsPerDay) return std::nullopt;
  const size_t reached = SpendRank(rules, spend_at_review_minor);
  if (reached >= held_rank) return std::nullopt;
  const TierRule& keep = rules.tiers[held_rank];
  return TierReview{held.until_ms, rules.tiers[std::max(reached, held_rank - 1)].name,
                    keep.min_spend_minor - std::max<int64_t>(0, spend_at_review_minor)};
}

}  // namespace patron
