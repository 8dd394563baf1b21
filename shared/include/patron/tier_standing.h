// A member's tier standing (DESIGN.md §9). Qualifying spend over the rules'
// window earns a tier at once, at any till, offline included. A tier reached
// is held for tier_hold_days; at its review, which only head office makes (a
// till cannot see spend at other stores), the member keeps the tier the
// spend then reaches but drops at most one level, and holds the result for
// another period. Points redeemed are not spend, so redeeming never lowers
// a tier.
//
// Head office keeps the standing on the member row (sync/protocol.h
// MemberState: tier, tier_until_ms); tills show CurrentTier of it and their
// own view of the spend, and warn ahead of a review that would drop it.
#ifndef PATRON_TIER_STANDING_H_
#define PATRON_TIER_STANDING_H_

#include <cstdint>
#include <optional>
#include <string>

#include "patron/record/field.h"
#include "patron/rules.h"

namespace patron {

struct TierStanding {
  std::string tier;      // the held tier; "" or a name the pack lacks: the first
  int64_t until_ms = 0;  // when its review is due; 0 at the first tier
  friend bool operator==(const TierStanding&, const TierStanding&) = default;
};

// The member's tier: the held one or the one `spend_minor` reaches,
// whichever is higher. Requires valid rules.
const TierRule& CurrentTier(const Rules& rules, const TierStanding& held, int64_t spend_minor);

// Head office's standing after a fold at `now_ms`, `spend_minor` being the
// member's qualifying spend in the window then:
//   - the spend reaches above the held tier: that tier, held from now;
//   - the held tier's review is due (until_ms < now_ms): the higher of the
//     spend's tier and one below the held tier, held from now;
//   - otherwise the held tier, until_ms unchanged.
// A standing at the first tier has until_ms 0. Requires valid rules.
TierStanding NextStanding(const Rules& rules, const TierStanding& held, int64_t spend_minor,
                          int64_t now_ms);

// The warning ahead of a review that would drop the member: from
// tier_warning_days before until_ms, while the spend that will still count
// at the review (`spend_at_review_minor`: spend written after until_ms less
// the window, sync/protocol.h MemberState) would not keep the held tier.
// With the window as long as the hold, that is the spend since the tier was
// reached: a tier is kept by buying again within its year.
// nullopt when there is nothing to warn of.
struct TierReview {
  int64_t review_at_ms = 0;
  std::string drops_to;             // the tier the review gives as things stand
  int64_t spend_to_keep_minor = 0;  // more spend before it that keeps the held tier
  friend bool operator==(const TierReview&, const TierReview&) = default;
};
std::optional<TierReview> UpcomingReview(const Rules& rules, const TierStanding& held,
                                         int64_t spend_at_review_minor, int64_t now_ms);

}  // namespace patron

namespace patron::record {

template <>
struct Schema<TierReview> {
  static constexpr std::string_view kName = "tier_review";
  static constexpr auto kFields = record::FieldList{
      Field<&TierReview::review_at_ms>{"review_at_ms"},
      Field<&TierReview::drops_to>{"drops_to"},
      Field<&TierReview::spend_to_keep_minor>{"spend_to_keep_minor"},
  };
};

}  // namespace patron::record

#endif  // PATRON_TIER_STANDING_H_
