// Loyalty rules: earn rate, tiers, redemption value and cap. A Rules value is
// a versioned snapshot distributed by head office; every entry records the
// version it was computed under.
//
// Rounding: every computation here is integer arithmetic truncated toward
// zero (patron::MulDiv), once, at the end; the customer never receives a
// fraction of a point or of a minor currency unit, and the reversal of an
// amount mirrors it exactly.
#ifndef PATRON_RULES_H_
#define PATRON_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "patron/status.h"

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
  int64_t redeem_points_per_unit = 100;  // points worth one currency unit
  int64_t max_redeem_share_bp = 5000;    // share of a sale payable in points
  // Basket lines in these categories earn nothing (tobacco, gift cards).
  std::vector<std::string> excluded_categories;
  friend bool operator==(const Rules&, const Rules&) = default;
};

// The rules a fresh terminal ships with: USD, 1 point per 1.00 paid; tiers
// regular (0, 1x), silver (1,000.00, 1.25x), gold (5,000.00, 1.5x) over 365
// days; 100 points = 1.00; at most 50% of a sale paid in points.
Rules DefaultRules();

// InvalidArgument naming the first problem: bad currency, unordered tiers,
// first tier not at 0, negative rates, share above 100%.
Status ValidateRules(const Rules& rules);

// The highest tier whose threshold the spend reaches. Requires valid rules.
const TierRule& TierFor(const Rules& rules, int64_t qualifying_spend_minor);
// NotFound if no tier has this name.
Result<TierRule> FindTier(const Rules& rules, std::string_view name);

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

#endif  // PATRON_RULES_H_
