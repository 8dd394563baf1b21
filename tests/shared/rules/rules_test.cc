#include "patron/rules.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace patron {
namespace {

const TierRule& Tier(const Rules& rules, std::string_view name) {
  for (const TierRule& tier : rules.tiers) {
    if (tier.name == name) return tier;
  }
  FAIL("no tier " << name);
  return rules.tiers.front();
}

int64_t Value(const Result<int64_t>& result) {
  CAPTURE(result.status().ToString());
  REQUIRE(result.ok());
  return *result;
}

void CheckOverflow(const Result<int64_t>& result) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().IsInvalidArgument());
  CHECK(result.status().reason() == "overflow");
}

void CheckInvalid(const Result<int64_t>& result, std::string_view reason) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().IsInvalidArgument());
  CHECK(result.status().reason() == reason);
}

TEST_CASE("DefaultRules is the documented set, and valid") {
  const Rules rules = DefaultRules();
  CHECK(rules.version == 1);
  CHECK(rules.currency == "USD");
  CHECK(rules.minor_digits == 2);
  CHECK(rules.earn_rate_bp == 10000);
  REQUIRE(rules.tiers.size() == 3);
  CHECK(rules.tiers[0] == TierRule{"regular", 0, 10000});
  CHECK(rules.tiers[1] == TierRule{"silver", 100'000, 12500});
  CHECK(rules.tiers[2] == TierRule{"gold", 500'000, 15000});
  CHECK(rules.qualifying_window_days == 365);
  CHECK(rules.redeem_points_per_unit == 100);
  CHECK(rules.max_redeem_share_bp == 5000);
  CHECK(rules.excluded_categories.empty());
  CHECK(ValidateRules(rules).ok());
  CHECK(MinorPerUnit(rules) == 100);
}

TEST_CASE("MinorPerUnit is 10^minor_digits") {
  Rules rules = DefaultRules();
  const std::vector<int64_t> expected = {1, 10, 100, 1000, 10000};
  for (int digits = 0; digits <= 4; ++digits) {
    rules.minor_digits = digits;
    CHECK(MinorPerUnit(rules) == expected[static_cast<size_t>(digits)]);
  }
}

TEST_CASE("TierFor switches exactly at each threshold") {
  const Rules rules = DefaultRules();
  const std::vector<std::pair<int64_t, std::string>> cases = {
      {INT64_MIN, "regular"}, {-1, "regular"},     {0, "regular"},
      {99'999, "regular"},    {100'000, "silver"}, {100'001, "silver"},
      {499'999, "silver"},    {500'000, "gold"},   {INT64_MAX, "gold"},
  };
  for (const auto& [spend, name] : cases) {
    CAPTURE(spend);
    CHECK(TierFor(rules, spend).name == name);
  }
  Rules single = DefaultRules();
  single.tiers.resize(1);
  CHECK(TierFor(single, INT64_MAX).name == "regular");
}

TEST_CASE("FindTier and IsExcludedCategory") {
  Rules rules = DefaultRules();
  Result<TierRule> silver = FindTier(rules, "silver");
  REQUIRE(silver.ok());
  CHECK(silver->earn_multiplier_bp == 12500);
  Result<TierRule> missing = FindTier(rules, "platinum");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().IsNotFound());
  CHECK(missing.status().message().find("platinum") != std::string::npos);

  CHECK_FALSE(IsExcludedCategory(rules, "tobacco"));
  rules.excluded_categories = {"tobacco", "gift_card"};
  CHECK(IsExcludedCategory(rules, "tobacco"));
  CHECK(IsExcludedCategory(rules, "gift_card"));
  CHECK_FALSE(IsExcludedCategory(rules, "Tobacco"));
  CHECK_FALSE(IsExcludedCategory(rules, ""));
}

TEST_CASE("EarnPoints truncates once, at the end") {
  const Rules rules = DefaultRules();
  struct Case {
    const char* tier;
    int64_t paid_minor;
    int64_t points;
  };
  const std::vector<Case> cases = {
      {"gold", 1234, 18},       // 12.34 * 1.5 = 18.51
      {"regular", 99, 0},       // 0.99
      {"regular", 100, 1},      // 1.00
      {"regular", 0, 0},        // nothing paid
      {"regular", 1999, 19},    // 19.99
      {"silver", 1234, 15},     // 12.34 * 1.25 = 15.425
      {"silver", 80, 1},        // 0.80 * 1.25 = 1.0 exactly
      {"silver", 79, 0},        // 0.9875
      {"gold", 67, 1},          // 1.005
      {"gold", 66, 0},          // 0.99
      {"gold", 100'000, 1500},  // 1,000.00
  };
  for (const Case& c : cases) {
    CAPTURE(c.tier);
    CAPTURE(c.paid_minor);
    CHECK(Value(EarnPoints(rules, Tier(rules, c.tier), c.paid_minor)) == c.points);
  }

  // Truncating the base points first would give trunc(trunc(1.99) * 1.5) = 1;
  // the single truncation gives trunc(2.985) = 2.
  CHECK(Value(EarnPoints(rules, Tier(rules, "gold"), 199)) == 2);

  Rules double_rate = DefaultRules();
  double_rate.earn_rate_bp = 20000;  // 2 points per unit
  CHECK(Value(EarnPoints(double_rate, Tier(double_rate, "gold"), 1234)) == 37);  // 37.02

  Rules yen = DefaultRules();
  yen.currency = "JPY";
  yen.minor_digits = 0;
  yen.earn_rate_bp = 100;  // 1 point per 100 yen
  CHECK(Value(EarnPoints(yen, Tier(yen, "regular"), 1999)) == 19);
  CHECK(Value(EarnPoints(yen, Tier(yen, "gold"), 1999)) == 29);  // 29.985
}

TEST_CASE("EarnPoints refuses negative amounts and reports overflow") {
  const Rules rules = DefaultRules();
  CheckInvalid(EarnPoints(rules, rules.tiers[0], -1), "invalid_amount");
  CheckInvalid(EarnPoints(rules, rules.tiers[0], INT64_MIN), "invalid_amount");
  // The largest amount: the defaults scale it down (x 0.015), so nothing
  // overflows even though paid * rate * multiplier exceeds int64.
  CHECK(Value(EarnPoints(rules, Tier(rules, "gold"), INT64_MAX)) == 138'350'580'552'821'637);

  Rules steep = DefaultRules();
  steep.minor_digits = 0;
  steep.earn_rate_bp = 1'000'000;
  steep.tiers[0].earn_multiplier_bp = 100'000;  // 1000 points per unit
  REQUIRE(ValidateRules(steep).ok());
  CHECK(Value(EarnPoints(steep, steep.tiers[0], INT64_MAX / 1000)) == INT64_MAX / 1000 * 1000);
  CheckOverflow(EarnPoints(steep, steep.tiers[0], INT64_MAX / 1000 + 1));
  CheckOverflow(EarnPoints(steep, steep.tiers[0], INT64_MAX));

  TierRule negative = rules.tiers[0];
  negative.earn_multiplier_bp = -10000;
  CheckInvalid(EarnPoints(rules, negative, 100), "invalid_rules");
  Rules bad_digits = DefaultRules();
  bad_digits.minor_digits = 19;
  CheckInvalid(EarnPoints(bad_digits, bad_digits.tiers[0], 100), "invalid_rules");
}

TEST_CASE("RedeemValueMinor") {
  const Rules rules = DefaultRules();
  CHECK(Value(RedeemValueMinor(rules, 100)) == 100);
  CHECK(Value(RedeemValueMinor(rules, 0)) == 0);
  CHECK(Value(RedeemValueMinor(rules, 1)) == 1);
  CHECK(Value(RedeemValueMinor(rules, INT64_MAX)) == INT64_MAX);
  CheckInvalid(RedeemValueMinor(rules, -1), "invalid_points");

  Rules odd = DefaultRules();
  odd.minor_digits = 3;
  odd.redeem_points_per_unit = 7;
  CHECK(Value(RedeemValueMinor(odd, 7)) == 1000);
  CHECK(Value(RedeemValueMinor(odd, 1)) == 142);    // 142.857...
  CHECK(Value(RedeemValueMinor(odd, 10)) == 1428);  // 1428.57...

  Rules fine = DefaultRules();
  fine.minor_digits = 4;
  fine.redeem_points_per_unit = 1;  // one point per unit = 10^4 minor
  CHECK(Value(RedeemValueMinor(fine, INT64_MAX / 10000)) == INT64_MAX / 10000 * 10000);
  CheckOverflow(RedeemValueMinor(fine, INT64_MAX / 10000 + 1));

  Rules broken = DefaultRules();
  broken.redeem_points_per_unit = 0;
  CheckInvalid(RedeemValueMinor(broken, 100), "invalid_rules");
}

TEST_CASE("MaxRedeemablePoints, hand-computed") {
  const Rules rules = DefaultRules();
  CHECK(Value(MaxRedeemablePoints(rules, 1001)) == 500);  // cap 5.00 of 10.01
  CHECK(Value(RedeemValueMinor(rules, 500)) == 500);
  CHECK(Value(MaxRedeemablePoints(rules, 1000)) == 500);
  CHECK(Value(MaxRedeemablePoints(rules, 1)) == 0);
  CHECK(Value(MaxRedeemablePoints(rules, 0)) == 0);
  // Near INT64_MAX the answer fits and must not be reported as an overflow.
  CHECK(Value(MaxRedeemablePoints(rules, INT64_MAX)) == INT64_MAX / 2);
  Rules all = DefaultRules();
  all.max_redeem_share_bp = 10000;
  CHECK(Value(MaxRedeemablePoints(all, INT64_MAX)) == INT64_MAX);
  Rules none = DefaultRules();
  none.max_redeem_share_bp = 0;
  CHECK(Value(MaxRedeemablePoints(none, 1'000'000)) == 0);

  CheckInvalid(MaxRedeemablePoints(rules, -1), "invalid_amount");
  Rules broken = DefaultRules();
  broken.max_redeem_share_bp = 10001;
  CheckInvalid(MaxRedeemablePoints(broken, 100), "invalid_rules");
}

TEST_CASE("MaxRedeemablePoints reports overflow when the answer exceeds int64") {
  Rules cheap = DefaultRules();  // points worth almost nothing
  cheap.minor_digits = 0;
  cheap.redeem_points_per_unit = INT64_MAX;
  cheap.max_redeem_share_bp = 10000;
  REQUIRE(ValidateRules(cheap).ok());
  // Cap 0: every p below INT64_MAX is worth 0 minor.
  CHECK(Value(MaxRedeemablePoints(cheap, 0)) == INT64_MAX - 1);
  CheckOverflow(MaxRedeemablePoints(cheap, 1));
  CheckOverflow(MaxRedeemablePoints(cheap, INT64_MAX));
}

// Property: the result is the largest p whose value fits under the cap, for
// currencies where a point is worth more, less or an odd fraction of a minor
// unit.
TEST_CASE("MaxRedeemablePoints is the largest p within the cap") {
  std::vector<Rules> variants;
  Rules odd = DefaultRules();
  odd.minor_digits = 3;
  odd.redeem_points_per_unit = 7;
  variants.push_back(odd);
  variants.push_back(DefaultRules());
  Rules yen = DefaultRules();
  yen.minor_digits = 0;
  yen.redeem_points_per_unit = 7;  // a point is worth 1/7 yen
  yen.max_redeem_share_bp = 3333;
  variants.push_back(yen);
  Rules rich = DefaultRules();
  rich.minor_digits = 4;
  rich.redeem_points_per_unit = 3;
  rich.max_redeem_share_bp = 10000;
  variants.push_back(rich);

  std::vector<int64_t> amounts;
  for (int64_t a = 0; a <= 3000; ++a) amounts.push_back(a);
  for (int64_t a :
       {int64_t{99'999}, int64_t{1'000'003}, int64_t{123'456'789}, int64_t{1'000'000'000'000}}) {
    amounts.push_back(a);
  }
  for (const Rules& rules : variants) {
    REQUIRE(ValidateRules(rules).ok());
    for (int64_t amount : amounts) {
      CAPTURE(rules.minor_digits);
      CAPTURE(rules.redeem_points_per_unit);
      CAPTURE(amount);
      const int64_t cap = amount * rules.max_redeem_share_bp / 10000;
      const int64_t p = Value(MaxRedeemablePoints(rules, amount));
      REQUIRE(p >= 0);
      REQUIRE(Value(RedeemValueMinor(rules, p)) <= cap);
      REQUIRE(Value(RedeemValueMinor(rules, p + 1)) > cap);
    }
  }
}

struct BadRules {
  const char* field;
  std::function<void(Rules&)> mutate;
};

TEST_CASE("ValidateRules refuses each bad field, naming it") {
  const std::vector<BadRules> cases = {
      {"version", [](Rules& r) { r.version = 0; }},
      {"currency", [](Rules& r) { r.currency = "usd"; }},
      {"currency", [](Rules& r) { r.currency = "US"; }},
      {"currency", [](Rules& r) { r.currency = ""; }},
      {"minor_digits", [](Rules& r) { r.minor_digits = -1; }},
      {"minor_digits", [](Rules& r) { r.minor_digits = 5; }},
      {"earn_rate_bp", [](Rules& r) { r.earn_rate_bp = -1; }},
      {"earn_rate_bp", [](Rules& r) { r.earn_rate_bp = 1'000'001; }},
      {"tiers", [](Rules& r) { r.tiers.clear(); }},
      {"tiers[0].min_spend_minor", [](Rules& r) { r.tiers[0].min_spend_minor = 1; }},
      {"tiers[0].min_spend_minor", [](Rules& r) { r.tiers[0].min_spend_minor = -1; }},
      {"tiers[2].min_spend_minor", [](Rules& r) { r.tiers[2].min_spend_minor = 100'000; }},
      {"tiers[1].min_spend_minor", [](Rules& r) { r.tiers[1].min_spend_minor = 0; }},
      {"tiers[2].min_spend_minor", [](Rules& r) { std::swap(r.tiers[1], r.tiers[2]); }},
      {"tiers[1].name", [](Rules& r) { r.tiers[1].name.clear(); }},
      {"tiers[2].name", [](Rules& r) { r.tiers[2].name = "regular"; }},
      {"tiers[0].earn_multiplier_bp", [](Rules& r) { r.tiers[0].earn_multiplier_bp = -1; }},
      {"tiers[2].earn_multiplier_bp", [](Rules& r) { r.tiers[2].earn_multiplier_bp = 100'001; }},
      {"qualifying_window_days", [](Rules& r) { r.qualifying_window_days = 0; }},
      {"qualifying_window_days", [](Rules& r) { r.qualifying_window_days = 3661; }},
      {"redeem_points_per_unit", [](Rules& r) { r.redeem_points_per_unit = 0; }},
      {"redeem_points_per_unit", [](Rules& r) { r.redeem_points_per_unit = -100; }},
      {"max_redeem_share_bp", [](Rules& r) { r.max_redeem_share_bp = -1; }},
      {"max_redeem_share_bp", [](Rules& r) { r.max_redeem_share_bp = 10001; }},
  };
  for (const BadRules& c : cases) {
    Rules rules = DefaultRules();
    c.mutate(rules);
    const Status status = ValidateRules(rules);
    CAPTURE(c.field);
    CAPTURE(status.ToString());
    CHECK(status.IsInvalidArgument());
    CHECK(status.reason() == "invalid_rules");
    CHECK(status.message().find("'" + std::string(c.field) + "'") != std::string::npos);
  }
}

TEST_CASE("ValidateRules accepts the edges of every range") {
  Rules rules = DefaultRules();
  rules.minor_digits = 0;
  rules.earn_rate_bp = 0;
  rules.tiers = {{"only", 0, 0}};
  rules.qualifying_window_days = 1;
  rules.redeem_points_per_unit = 1;
  rules.max_redeem_share_bp = 0;
  CHECK(ValidateRules(rules).ok());
  rules.minor_digits = 4;
  rules.earn_rate_bp = 1'000'000;
  rules.tiers = {{"a", 0, 100'000}, {"b", 1, 100'000}, {"c", INT64_MAX, 0}};
  rules.qualifying_window_days = 3660;
  rules.redeem_points_per_unit = INT64_MAX;
  rules.max_redeem_share_bp = 10000;
  rules.version = INT64_MAX;
  CHECK(ValidateRules(rules).ok());
}

}  // namespace
}  // namespace patron
