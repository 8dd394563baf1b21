// The rule pack (DESIGN.md §9): earn rate, tiers, redemption value and cap,
// campaigns, and when the pack applies. A Rules value is one version of the
// pack, published by head office and distributed to every till; every entry
// records the version it was computed under.
//
// Rounding: every computation here is integer arithmetic truncated toward
// zero (patron::MulDiv), once, at the end; the customer never receives a
// fraction of a point or of a minor currency unit, and the reversal of an
// amount mirrors it exactly.
#ifndef PATRON_RULES_H_
#define PATRON_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/campaign.h"
#include "patron/lots.h"
#include "patron/record/field.h"
#include "patron/reward.h"
#include "patron/segment.h"
#include "patron/status.h"
#include "patron/survey.h"

namespace patron {

struct TierRule {
  std::string name;                 // "regular", "silver", "gold"
  int64_t min_spend_minor = 0;      // qualifying spend needed over the window
  int64_t earn_multiplier_bp = 10000;  // 10000 = 1x, 15000 = 1.5x
  friend bool operator==(const TierRule&, const TierRule&) = default;
};

struct Rules {
  int64_t version = 1;
  std::string currency = "USD";
  int minor_digits = 2;  // minor units per currency unit = 10^minor_digits
  // Points per currency unit of money paid, in basis points
  // (10000 = 1 point per 1.00).
  int64_t earn_rate_bp = 10000;
  // Ascending by min_spend_minor; the first tier starts at 0.
  std::vector<TierRule> tiers;
  int64_t qualifying_window_days = 365;
  // A tier reached is held this long; at its review head office drops it
  // at most one level (tier_standing.h). Tills warn the member this many
  // days before a review that would drop them.
  int64_t tier_hold_days = 365;
  int64_t tier_warning_days = 30;
  int64_t redeem_points_per_unit = 100;  // points worth one currency unit
  int64_t max_redeem_share_bp = 5000;    // share of a sale payable in points
  // Basket lines in these categories earn nothing (tobacco, gift cards).
  std::vector<std::string> excluded_categories;

  // Added with rule packs; a document without them is a pack that applies at
  // once, forever, in UTC, without campaigns.
  std::string name;  // for people: "2027 spring programme"
  // Pack times (local_time.h). Tills switch to the pack at activate_at ("" =
  // as soon as they hold it), even offline; at valid_until ("" = never) and
  // after, without a newer pack, they earn base points only and say so.
  std::string activate_at;
  std::string valid_until;
  int64_t utc_offset_minutes = 0;  // local time of campaign days and hours
  std::vector<Campaign> campaigns;
  // The rewards catalogue, and the gifts head office issues (reward.h).
  std::vector<Reward> rewards;
  std::vector<Gift> gifts;
  // Member segments head office computes and ships to tills (segment.h).
  std::vector<SegmentRule> segments;
  // When points expire, and how long they wait before they can be spent
  // (lots.h); by default they never expire.
  ExpiryPolicy expiry;
  // Which share of sales the tills ask for an NPS or CSAT answer (survey.h).
  SurveyPolicy surveys;
  friend bool operator==(const Rules&, const Rules&) = default;
};

// The rules a fresh terminal ships with: USD, 1 point per 1.00 paid; tiers
// regular (0, 1x), silver (1,000.00, 1.25x), gold (5,000.00, 1.5x) over 365
// days; 100 points = 1.00; at most 50% of a sale paid in points.
Rules DefaultRules();

// InvalidArgument ("invalid_rules") naming the first problem's field: bad
// currency, unordered tiers, first tier not at 0, negative rates, share above
// 100%, a malformed pack time, a campaign that cannot be evaluated
// (ValidateCampaigns), a segment that cannot be computed (ValidateSegments).
Status ValidateRules(const Rules& rules);
// The campaigns' part of ValidateRules.
Status ValidateCampaigns(const Rules& rules);
// The rewards catalogue's and the gifts' part of ValidateRules: ids unique,
// a price above zero, a stock and limit in range, tiers the pack has, a
// voucher's benefit valid as a voucher's and for at least a day; a gift's
// occasion known and its days_before in range.
Status ValidateRewards(const Rules& rules);

// The pack's activation and expiry as milliseconds since the epoch:
// activate_at "" is 0, valid_until "" is INT64_MAX. Requires valid rules.
int64_t ActivationMs(const Rules& rules);
int64_t ValidUntilMs(const Rules& rules);

// The pack in force at `now_ms` among `packs`: the highest version whose
// activation has come, so a newer pack published to start sooner replaces
// an older one still waiting. nullptr if none has come.
const Rules* ActivePack(const std::vector<Rules>& packs, int64_t now_ms);

// The highest tier whose threshold the spend reaches. Requires valid rules.
const TierRule& TierFor(const Rules& rules, int64_t qualifying_spend_minor);
// The tier's place in rules.tiers (0 = the first); 0 for a name the pack
// does not hold.
size_t TierRank(const Rules& rules, std::string_view name);
// NotFound if no tier has this name.
Result<TierRule> FindTier(const Rules& rules, std::string_view name);

// The next tier above `current` and the qualifying spend still needed to
// reach it ("spend 230.00 more for gold"); nullopt at the top tier.
struct TierProgress {
  std::string next_tier;
  int64_t spend_to_next_minor = 0;
  friend bool operator==(const TierProgress&, const TierProgress&) = default;
};
std::optional<TierProgress> NextTier(const Rules& rules, const TierRule& current,
                                     int64_t qualifying_spend_minor);

// The campaign with this id; nullptr if the pack has none.
const Campaign* FindCampaign(const Rules& rules, std::string_view id);
// The reward with this id; nullptr if the pack has none.
const Reward* FindReward(const Rules& rules, std::string_view id);

bool IsExcludedCategory(const Rules& rules, std::string_view category);

// Points earned for `eligible_paid_minor` of money at `tier`:
// trunc(paid * earn_rate_bp * multiplier_bp / (10^minor_digits * 10^8)).
Result<int64_t> EarnPoints(const Rules& rules, const TierRule& tier, int64_t eligible_paid_minor);

// Money value of `points` when redeemed: trunc(points * 10^minor_digits / points_per_unit).
Result<int64_t> RedeemValueMinor(const Rules& rules, int64_t points);

// The most points that may pay for a sale of `amount_minor`: the largest p
// whose RedeemValueMinor(p) <= trunc(amount * max_redeem_share_bp / 10^4).
Result<int64_t> MaxRedeemablePoints(const Rules& rules, int64_t amount_minor);

// 10^minor_digits.
int64_t MinorPerUnit(const Rules& rules);

}  // namespace patron

namespace patron::record {

template <>
struct Schema<TierRule> {
  static constexpr std::string_view kName = "tier";
  static constexpr auto kFields = record::FieldList{
      Field<&TierRule::name>{"name"},
      Field<&TierRule::min_spend_minor>{"min_spend_minor"},
      Field<&TierRule::earn_multiplier_bp>{"earn_multiplier_bp"},
  };
};

template <>
struct Schema<TierProgress> {
  static constexpr std::string_view kName = "tier_progress";
  static constexpr auto kFields = record::FieldList{
      Field<&TierProgress::next_tier>{"next_tier"},
      Field<&TierProgress::spend_to_next_minor>{"spend_to_next_minor"},
  };
};

// The pack as head office publishes it and tills store it (rules_codec.h).
template <>
struct Schema<Rules> {
  static constexpr std::string_view kName = "rules";
  static constexpr auto kFields = record::FieldList{
      Field<&Rules::version>{"version"},
      Field<&Rules::name>{"name", {}, kOmitDefault},
      Field<&Rules::activate_at>{"activate_at", {}, kOmitDefault},
      Field<&Rules::valid_until>{"valid_until", {}, kOmitDefault},
      Field<&Rules::utc_offset_minutes>{"utc_offset_minutes", {}, kOmitDefault},
      Field<&Rules::currency>{"currency"},
      Field<&Rules::minor_digits>{"minor_digits"},
      Field<&Rules::earn_rate_bp>{"earn_rate_bp"},
      Field<&Rules::tiers>{"tiers"},
      Field<&Rules::qualifying_window_days>{"qualifying_window_days"},
      Field<&Rules::tier_hold_days>{"tier_hold_days", {}, kOmitDefault},
      Field<&Rules::tier_warning_days>{"tier_warning_days", {}, kOmitDefault},
      Field<&Rules::redeem_points_per_unit>{"redeem_points_per_unit"},
      Field<&Rules::max_redeem_share_bp>{"max_redeem_share_bp"},
      Field<&Rules::excluded_categories>{"excluded_categories", {}, kOptional},
      Field<&Rules::campaigns>{"campaigns", {}, kOmitDefault},
      Field<&Rules::rewards>{"rewards", {}, kOmitDefault},
      Field<&Rules::gifts>{"gifts", {}, kOmitDefault},
      Field<&Rules::segments>{"segments", {}, kOmitDefault},
      Field<&Rules::expiry>{"expiry", {}, kOmitDefault},
      Field<&Rules::surveys>{"surveys", {}, kOmitDefault},
  };
};

}  // namespace patron::record

#endif  // PATRON_RULES_H_
