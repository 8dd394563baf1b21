// Held tiers, end to end (DESIGN.md §9, tier_standing.h): a tier reached at
// any till is held for tier_hold_days at head office and on every till;
// head office's review drops it at most one level; tills warn ahead of a
// review that would drop it; a return takes back the upgrade its purchase
// caused, and no other; and the review also refreshes the spend of a
// member who stopped buying, so a later sale is not upgraded on spend that
// has left the window.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/local_time.h"

namespace patron {
namespace {

using testing::ByAmount;
using testing::Chain;
using testing::kStart;

constexpr int64_t kYear = 365 * kMsPerDay;

terminal::Member At(Chain& chain, size_t till, const std::string& member_id) {
  auto member = chain.till(till).FindById(member_id);
  REQUIRE_MESSAGE(member.ok(), member.status().ToString());
  return *member;
}

int64_t QueueReviews(Chain& chain) {
  auto queued = chain.service().QueueMemberReviews();
  REQUIRE_MESSAGE(queued.ok(), queued.status().ToString());
  return *queued;
}

TEST_CASE("a tier is held for a year on every till, then head office drops it one level") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  auto sold = chain.Sell(0, "R-1", ann, 600'000);  // 6000.00: gold at once
  REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
  CHECK(sold->tier == "gold");
  chain.SyncAll();

  const sync::MemberState held = chain.ServerMembers().at(ann);
  CHECK(held.tier == "gold");
  CHECK(held.tier_until_ms == kStart + kYear);
  for (size_t i = 0; i < chain.size(); ++i) {
    const terminal::Member m = At(chain, i, ann);
    CHECK(m.tier == "gold");
    CHECK(m.tier_held_until_ms == kStart + kYear);
    CHECK_FALSE(m.tier_progress.has_value());  // top tier
    CHECK_FALSE(m.tier_review.has_value());    // the spend keeps gold today
  }
  CHECK(QueueReviews(chain) == 0);  // nothing due yet

  SUBCASE("the review a year on: the sale has left the window, gold drops to silver only") {
    chain.now_ms = kStart + kYear + kMsPerDay;
    CHECK(At(chain, 1, ann).tier == "gold");  // only head office reviews
    CHECK(QueueReviews(chain) == 1);
    chain.SyncAll();
    const sync::MemberState reviewed = chain.ServerMembers().at(ann);
    CHECK(reviewed.tier == "silver");
    CHECK(reviewed.spend_minor == 0);
    CHECK(reviewed.tier_until_ms == chain.now_ms + kYear);
    CHECK(reviewed.balance == sold->balance);  // points are not touched
    for (size_t i = 0; i < chain.size(); ++i) {
      const terminal::Member m = At(chain, i, ann);
      CHECK(m.tier == "silver");
      CHECK(m.qualifying_spend_minor == 0);
      CHECK(m.tier_held_until_ms == chain.now_ms + kYear);
      CHECK_FALSE(m.tier_review.has_value());  // the warning period has not begun
    }
    CHECK(QueueReviews(chain) == 0);  // reviewed: not queued again

    // 29 days before the next review the tills warn that it would drop
    // her to regular, and say what spend keeps silver.
    const int64_t review_at = reviewed.tier_until_ms;
    chain.now_ms = review_at - 29 * kMsPerDay;
    const terminal::Member warned = At(chain, 1, ann);
    CHECK(warned.tier == "silver");
    REQUIRE(warned.tier_review.has_value());
    CHECK(warned.tier_review->review_at_ms == review_at);
    CHECK(warned.tier_review->drops_to == "regular");
    CHECK(warned.tier_review->spend_to_keep_minor == 100'000);

    terminal::SaleRequest basket;
    basket.member_id = ann;
    basket.amount_minor = 30'000;
    auto quote = chain.till(1).QuoteSale(basket);
    REQUIRE_MESSAGE(quote.ok(), quote.status().ToString());
    REQUIRE(quote->tier_review.has_value());
    CHECK(quote->tier_review->spend_to_keep_minor == 100'000);

    SUBCASE("spending enough before the review keeps the tier for another year") {
      REQUIRE(chain.Sell(1, "R-2", ann, 100'000).ok());
      CHECK_FALSE(At(chain, 1, ann).tier_review.has_value());
      chain.SyncAll();
      chain.now_ms = review_at + kMsPerDay;
      CHECK(QueueReviews(chain) == 1);
      chain.SyncAll();
      const sync::MemberState kept = chain.ServerMembers().at(ann);
      CHECK(kept.tier == "silver");
      CHECK(kept.tier_until_ms == chain.now_ms + kYear);
      CHECK(At(chain, 0, ann).tier == "silver");
    }
    SUBCASE("not spending: the review drops her to regular, which is not held") {
      chain.now_ms = review_at + kMsPerDay;
      CHECK(QueueReviews(chain) == 1);
      chain.SyncAll();
      const sync::MemberState dropped = chain.ServerMembers().at(ann);
      CHECK(dropped.tier == "regular");
      CHECK(dropped.tier_until_ms == 0);
      const terminal::Member m = At(chain, 0, ann);
      CHECK(m.tier == "regular");
      CHECK(m.tier_held_until_ms == 0);
      CHECK_FALSE(m.tier_review.has_value());
      CHECK(QueueReviews(chain) == 0);
    }
  }

  SUBCASE("a held silver member reaching gold offline is upgraded at once") {
    chain.now_ms = kStart + kYear + kMsPerDay;
    REQUIRE(QueueReviews(chain) == 1);
    chain.SyncAll();
    REQUIRE(At(chain, 1, ann).tier == "silver");
    chain.SetOffline(true);
    auto upgraded = chain.Sell(1, "R-3", ann, 500'000);
    REQUIRE(upgraded.ok());
    CHECK(upgraded->tier == "gold");
    CHECK(At(chain, 1, ann).tier == "gold");
    chain.SetOffline(false);
    chain.SyncAll();
    const sync::MemberState gold = chain.ServerMembers().at(ann);
    CHECK(gold.tier == "gold");
    CHECK(gold.tier_until_ms == chain.now_ms + kYear);
    CHECK(At(chain, 0, ann).tier == "gold");
  }
}

TEST_CASE("the warning counts only the spend that will still count at the review") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  REQUIRE(chain.Sell(0, "R-1", ann, 300'000).ok());  // silver
  chain.SyncAll();
  chain.now_ms = kStart + 10 * kMsPerDay;
  REQUIRE(chain.Sell(1, "R-2", ann, 300'000).ok());  // 6000.00: gold, held from today
  chain.SyncAll();
  const int64_t review_at = chain.ServerMembers().at(ann).tier_until_ms;
  REQUIRE(review_at == chain.now_ms + kYear);
  chain.now_ms = kStart + 100 * kMsPerDay;
  REQUIRE(chain.Sell(1, "R-3", ann, 100'000).ok());
  chain.SyncAll();
  const sync::MemberState gold = chain.ServerMembers().at(ann);
  REQUIRE(gold.tier == "gold");
  // Only what she spent after reaching gold will count at its review.
  CHECK(gold.spend_at_review_minor == 100'000);

  // 25 days before the review all three sales are in today's window, but
  // only R-3 will be at the review: the till warns of silver.
  chain.now_ms = review_at - 25 * kMsPerDay;
  terminal::Member m = At(chain, 0, ann);
  CHECK(m.qualifying_spend_minor == 700'000);
  REQUIRE(m.tier_review.has_value());
  CHECK(m.tier_review->review_at_ms == review_at);
  CHECK(m.tier_review->drops_to == "silver");
  CHECK(m.tier_review->spend_to_keep_minor == 400'000);

  // Spending it keeps gold: the warning goes at once at this till ...
  REQUIRE(chain.Sell(0, "R-4", ann, 400'000).ok());
  CHECK_FALSE(At(chain, 0, ann).tier_review.has_value());
  chain.SyncAll();
  // ... and at the other after a sync; the review then keeps gold.
  CHECK_FALSE(At(chain, 1, ann).tier_review.has_value());
  chain.now_ms = review_at + 60'000;
  CHECK(QueueReviews(chain) == 1);
  chain.SyncAll();
  CHECK(chain.ServerMembers().at(ann).tier == "gold");
  CHECK(chain.ServerMembers().at(ann).tier_until_ms == chain.now_ms + kYear);
}

TEST_CASE("a till whose clock runs ahead cannot stretch a tier into a second year") {
  Chain chain(2);
  chain.skew_ms[1] = 3 * 3'600'000;  // three hours ahead
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  chain.SyncAll();
  REQUIRE(chain.Sell(1, "R-1", ann, 600'000).ok());
  chain.SyncAll();
  const sync::MemberState gold = chain.ServerMembers().at(ann);
  REQUIRE(gold.tier == "gold");
  REQUIRE(gold.tier_until_ms == kStart + kYear);
  // Reviewed a minute after its time: the sale, dated three hours after head
  // office learned of it, counts from when it did, and has left the window.
  chain.now_ms = gold.tier_until_ms + 60'000;
  CHECK(QueueReviews(chain) == 1);
  chain.SyncAll();
  CHECK(chain.ServerMembers().at(ann).tier == "silver");
}

TEST_CASE("a return takes back the upgrade its purchase caused, and no other") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;

  SUBCASE("the purchase that made her gold, returned: regular again everywhere") {
    REQUIRE(chain.Sell(0, "R-1", ann, 600'000).ok());
    chain.SyncAll();
    REQUIRE(chain.ServerMembers().at(ann).tier == "gold");
    REQUIRE(At(chain, 1, ann).tier == "gold");
    auto refund = chain.till(0).Refund(ByAmount("R-1", "F-1", 600'000));
    REQUIRE_MESSAGE(refund.ok(), refund.status().ToString());
    chain.SyncAll();
    const sync::MemberState back = chain.ServerMembers().at(ann);
    CHECK(back.tier == "regular");
    CHECK(back.tier_until_ms == 0);
    CHECK(At(chain, 0, ann).tier == "regular");
    CHECK(At(chain, 1, ann).tier == "regular");
  }
  SUBCASE("a partial return that keeps the spend above gold changes nothing") {
    REQUIRE(chain.Sell(0, "R-1", ann, 600'000).ok());
    chain.SyncAll();
    REQUIRE(chain.till(0).Refund(ByAmount("R-1", "F-1", 50'000)).ok());
    chain.SyncAll();
    CHECK(chain.ServerMembers().at(ann).tier == "gold");
  }
  SUBCASE("silver from one purchase, gold from the next: each return takes back its own") {
    REQUIRE(chain.Sell(0, "R-1", ann, 300'000).ok());  // silver
    chain.SyncAll();
    const sync::MemberState silver = chain.ServerMembers().at(ann);
    REQUIRE(silver.tier == "silver");
    chain.now_ms += 10 * kMsPerDay;
    REQUIRE(chain.Sell(1, "R-2", ann, 250'000).ok());  // 5500.00: gold
    chain.SyncAll();
    REQUIRE(chain.ServerMembers().at(ann).tier == "gold");

    // R-1 did not make her gold: returning most of it leaves gold held.
    REQUIRE(chain.till(0).Refund(ByAmount("R-1", "F-1", 100'000)).ok());
    chain.SyncAll();
    CHECK(chain.ServerMembers().at(ann).tier == "gold");
    CHECK(At(chain, 1, ann).tier == "gold");

    // R-2 did: returning it puts back silver as it was held before.
    REQUIRE(chain.till(1).Refund(ByAmount("R-2", "F-2", 250'000)).ok());
    chain.SyncAll();
    const sync::MemberState back = chain.ServerMembers().at(ann);
    CHECK(back.tier == "silver");
    CHECK(back.tier_until_ms == silver.tier_until_ms);
    CHECK(back.spend_minor == 200'000);
    CHECK(At(chain, 0, ann).tier == "silver");
  }
}

TEST_CASE("head office refuses a pack that drops a tier members are held at") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  REQUIRE(chain.Sell(0, "R-1", ann, 600'000).ok());
  chain.SyncAll();
  REQUIRE(chain.ServerMembers().at(ann).tier == "gold");

  Rules renamed = DefaultRules();
  renamed.version = 2;
  renamed.tiers.back().name = "vip";
  const Status refused = chain.service().PublishRules(renamed);
  CHECK(refused.reason() == "invalid_rules");
  CHECK(refused.message().find("'gold'") != std::string::npos);

  Rules kept = DefaultRules();
  kept.version = 2;
  kept.tiers.back().min_spend_minor = 800'000;  // thresholds may change
  CHECK(chain.service().PublishRules(kept).ok());
}

TEST_CASE("a member who stopped buying is not upgraded on spend that left the window") {
  Chain chain(1);
  const std::string bo = chain.Enrol(0, "+86 139 0013 9000", "李波").member_id;
  REQUIRE(chain.Sell(0, "R-1", bo, 90'000).ok());  // 900.00: silver needs 1000.00
  chain.SyncAll();
  CHECK(chain.ServerMembers().at(bo).spend_minor == 90'000);

  // Nothing happens to Bo for 400 days; the 900.00 left the window after
  // 365, and head office's review of the member row says so.
  chain.now_ms = kStart + 400 * kMsPerDay;
  CHECK(QueueReviews(chain) == 1);
  chain.SyncAll();
  CHECK(chain.ServerMembers().at(bo).spend_minor == 0);
  CHECK(QueueReviews(chain) == 0);

  auto sale = chain.Sell(0, "R-2", bo, 20'000);
  REQUIRE(sale.ok());
  CHECK(sale->tier == "regular");  // 200.00 in the window, not 1100.00
  const terminal::Member m = At(chain, 0, bo);
  CHECK(m.qualifying_spend_minor == 20'000);
  REQUIRE(m.tier_progress.has_value());
  CHECK(m.tier_progress->spend_to_next_minor == 80'000);
}

}  // namespace
}  // namespace patron
