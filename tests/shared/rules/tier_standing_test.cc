// Held tiers (tier_standing.h): upgrades at once, a hold, a review that
// drops at most one level, and the warning before it.
#include "patron/tier_standing.h"

#include <doctest/doctest.h>

#include "patron/local_time.h"

namespace patron {
namespace {

// regular (0), silver (1,000.00), gold (5,000.00); held 365 days, warned 30
// days before.
constexpr int64_t kSilver = 100'000;
constexpr int64_t kGold = 500'000;
constexpr int64_t kNow = 1'800'000'000'000;
constexpr int64_t kHold = 365 * kMsPerDay;

TEST_CASE("the current tier is the higher of the held one and the spend's") {
  const Rules rules = DefaultRules();
  CHECK(CurrentTier(rules, {"gold", kNow}, 0).name == "gold");
  CHECK(CurrentTier(rules, {"silver", kNow}, kGold).name == "gold");
  CHECK(CurrentTier(rules, {"", 0}, kSilver).name == "silver");
  CHECK(CurrentTier(rules, {"platinum", kNow}, 0).name == "regular");  // not in the pack
  CHECK(CurrentTier(rules, {"", 0}, -500).name == "regular");
}

TEST_CASE("reaching a tier holds it from then; the first tier has nothing to review") {
  const Rules rules = DefaultRules();
  CHECK(NextStanding(rules, {"", 0}, kSilver, kNow) == TierStanding{"silver", kNow + kHold});
  CHECK(NextStanding(rules, {"silver", kNow - 5}, kGold, kNow) ==
        TierStanding{"gold", kNow + kHold});
  CHECK(NextStanding(rules, {"", 0}, kSilver - 1, kNow) == TierStanding{"regular", 0});
}

TEST_CASE("until the review the held tier stays, whatever the spend") {
  const Rules rules = DefaultRules();
  const TierStanding gold{"gold", kNow};  // held through kNow, reviewed after it
  CHECK(NextStanding(rules, gold, 0, kNow) == gold);
  CHECK(NextStanding(rules, gold, kGold, kNow) == gold);  // no new hold before the review
}

TEST_CASE("the review keeps what the spend reaches but drops at most one level") {
  const Rules rules = DefaultRules();
  const TierStanding gold{"gold", kNow - 1};
  CHECK(NextStanding(rules, gold, 0, kNow) == TierStanding{"silver", kNow + kHold});
  CHECK(NextStanding(rules, gold, kSilver, kNow) == TierStanding{"silver", kNow + kHold});
  CHECK(NextStanding(rules, gold, kGold, kNow) == TierStanding{"gold", kNow + kHold});
  // A year later, still nothing bought: silver drops to regular, for good.
  CHECK(NextStanding(rules, {"silver", kNow - 1}, 0, kNow) == TierStanding{"regular", 0});
}

TEST_CASE("the hold follows the pack's tier_hold_days") {
  Rules rules = DefaultRules();
  rules.tier_hold_days = 180;
  CHECK(NextStanding(rules, {"", 0}, kGold, kNow).until_ms == kNow + 180 * kMsPerDay);
}

TEST_CASE("the warning comes tier_warning_days before a review that would drop the tier") {
  const Rules rules = DefaultRules();
  const TierStanding gold{"gold", kNow + 30 * kMsPerDay};
  CHECK_FALSE(UpcomingReview(rules, gold, kSilver, kNow - 1).has_value());  // too early
  const auto warned = UpcomingReview(rules, gold, kSilver + 2'300, kNow);
  REQUIRE(warned.has_value());
  CHECK(*warned == TierReview{kNow + 30 * kMsPerDay, "silver", kGold - kSilver - 2'300});
  // Nothing bought: still only one level down.
  CHECK(UpcomingReview(rules, gold, 0, kNow)->drops_to == "silver");
  CHECK(UpcomingReview(rules, gold, -100, kNow)->spend_to_keep_minor == kGold);
  // Enough spend keeps the tier: nothing to warn of; nor at the first tier.
  CHECK_FALSE(UpcomingReview(rules, gold, kGold, kNow).has_value());
  CHECK_FALSE(UpcomingReview(rules, {"regular", 0}, 0, kNow).has_value());
}

TEST_CASE("tier progress counts from the current tier, held or reached") {
  const Rules rules = DefaultRules();
  const TierRule gold = *FindTier(rules, "gold");
  const TierRule silver = *FindTier(rules, "silver");
  CHECK_FALSE(NextTier(rules, gold, 0).has_value());
  // Held silver on no spend: gold still needs its whole threshold.
  CHECK(*NextTier(rules, silver, 0) == TierProgress{"gold", kGold});
  CHECK(*NextTier(rules, silver, 270'000) == TierProgress{"gold", 230'000});
  CHECK(*NextTier(rules, rules.tiers.front(), -5) == TierProgress{"silver", kSilver});
}

TEST_CASE("tier_hold_days and tier_warning_days are checked") {
  Rules rules = DefaultRules();
  rules.tier_hold_days = 0;
  CHECK(ValidateRules(rules).message().find("tier_hold_days") != std::string::npos);
  rules = DefaultRules();
  rules.tier_warning_days = 366;
  CHECK(ValidateRules(rules).message().find("tier_warning_days") != std::string::npos);
  rules.tier_warning_days = -1;
  CHECK_FALSE(ValidateRules(rules).ok());
}

}  // namespace
}  // namespace patron
