#include <doctest/doctest.h>

#include "terminal_fixture.h"
#include "support/sale_lines.h"

namespace patron::terminal {
namespace {

TEST_CASE("checkout earns on the money paid at the member's tier") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  auto first = f.Sell("R-1", m.member_id, 12'345);  // 123.45 at 1x
  REQUIRE(first.ok());
  CHECK(first->earned_points == 123);
  CHECK(first->redeemed_points == 0);
  CHECK(first->paid_minor == 12'345);
  CHECK(first->balance == 123);
  CHECK(first->tier == "regular");
  CHECK(first->entry_ids == std::vector<std::string>{"S001-T01/1"});
  CHECK_FALSE(first->replayed);

  // 900.00 more reaches silver (1,000.00); the sale that crosses still earns at 1x.
  auto second = f.Sell("R-2", m.member_id, 90'000);
  REQUIRE(second.ok());
  CHECK(second->earned_points == 900);
  CHECK(second->tier == "silver");
  // Now at 1.25x: 10.00 earns 12 (12.5 truncated).
  auto third = f.Sell("R-3", m.member_id, 1'000);
  REQUIRE(third.ok());
  CHECK(third->earned_points == 12);
  CHECK(f.Get(m.member_id).balance == 123 + 900 + 12);
  CHECK(f.Get(m.member_id).qualifying_spend_minor == 12'345 + 90'000 + 1'000);
}

TEST_CASE("the same sale_ref and body is replayed, a different body is a conflict") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  auto first = f.Sell("R-1", m.member_id, 5'000);
  REQUIRE(first.ok());
  const std::string after_first = f.Snapshot();
  auto again = f.Sell("R-1", m.member_id, 5'000);
  REQUIRE(again.ok());
  CHECK(again->replayed);
  CHECK(again->earned_points == first->earned_points);
  CHECK(again->balance == first->balance);
  CHECK(again->entry_ids == first->entry_ids);
  CHECK(f.Snapshot() == after_first);

  auto different = f.Sell("R-1", m.member_id, 5'001);
  CHECK(different.status().code() == StatusCode::kConflict);
  CHECK(different.status().reason() == "sale_ref_conflict");
  CHECK(f.Snapshot() == after_first);
  CHECK(f.Get(m.member_id).balance == 50);
}

TEST_CASE("a replay returns the stored result even after the balance moved on") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-1", m.member_id, 5'000).ok());
  REQUIRE(f.Sell("R-2", m.member_id, 5'000).ok());
  auto replay = f.Sell("R-1", m.member_id, 5'000);
  REQUIRE(replay.ok());
  CHECK(replay->replayed);
  CHECK(replay->balance == 50);
}

TEST_CASE("redemption pays part of the sale and earns only on the money paid") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-1", m.member_id, 100'000).ok());  // 1000 points, silver after
  auto sale = f.Sell("R-2", m.member_id, 2'000, 500);  // 20.00, 500 points = 5.00
  REQUIRE(sale.ok());
  CHECK(sale->redeemed_points == 500);
  CHECK(sale->discount_minor == 500);
  CHECK(sale->paid_minor == 1'500);
  CHECK(sale->earned_points == 18);  // 15.00 at silver 1.25x = 18.75
  CHECK(sale->balance == 1000 - 500 + 18);
  CHECK(sale->entry_ids.size() == 2);
}

TEST_CASE("the share-of-sale cap and the balance limit redemption") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-1", m.member_id, 100'000).ok());  // 1000 points
  const std::string before = f.Snapshot();
  // 10.00 sale: at most 5.00 = 500 points may be paid in points.
  auto capped = f.Sell("R-2", m.member_id, 1'000, 501);
  CHECK(capped.status().reason() == "redeem_cap_exceeded");
  CHECK(capped.status().code() == StatusCode::kFailedPrecondition);
  auto too_many = f.Sell("R-3", m.member_id, 1'000'000, 1'001);
  CHECK(too_many.status().reason() == "insufficient_points");
  CHECK(f.Snapshot() == before);
  CHECK(f.Sell("R-4", m.member_id, 1'000, 500).ok());
}

TEST_CASE("lines in excluded categories earn nothing but still count in the sale") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  Rules rules = f.till().rules();
  CHECK(rules.excluded_categories.empty());
  // With the default rules every line earns; check the line sum rule instead.
  SaleRequest sale;
  sale.sale_ref = "R-1";
  sale.member_id = m.member_id;
  sale.amount_minor = 3'000;
  sale.lines = {testing::Line("SKU-1", 2, 2'000, "grocery"), testing::Line("SKU-2", 1, 1'000, "tobacco")};
  auto result = f.till().Checkout(sale);
  REQUIRE(result.ok());
  CHECK(result->earned_points == 30);
  CHECK(f.Count("sale_lines") == 2);
}

TEST_CASE("a quote previews the checkout exactly and writes nothing") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-1", m.member_id, 150'000).ok());  // silver
  SaleRequest sale;
  sale.member_id = m.member_id;
  sale.amount_minor = 4'321;
  sale.redeem_points = 300;
  const std::string before = f.Snapshot();
  auto quote = f.till().QuoteSale(sale);
  REQUIRE(quote.ok());
  CHECK(f.Snapshot() == before);
  CHECK(quote->tier == "silver");
  CHECK(quote->earn_multiplier_bp == 12'500);
  CHECK(quote->max_redeemable_by_cap == 2'160);
  CHECK(quote->max_redeemable == 1'500);  // the balance is the tighter limit
  CHECK(quote->balance == 1'500);
  sale.sale_ref = "R-2";
  auto sold = f.till().Checkout(sale);
  REQUIRE(sold.ok());
  CHECK(sold->earned_points == quote->points_to_earn);
  CHECK(sold->discount_minor == quote->discount_minor);
  CHECK(sold->paid_minor == quote->paid_minor);
}

TEST_CASE("bad sale input is refused with a named reason and writes nothing") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-0", m.member_id, 1'000).ok());
  const std::string before = f.Snapshot();
  auto base = [&] {
    SaleRequest s;
    s.sale_ref = "R-1";
    s.member_id = m.member_id;
    s.amount_minor = 1'000;
    return s;
  };
  struct Case {
    SaleRequest sale;
    std::string reason;
  };
  std::vector<Case> cases;
  SaleRequest s = base();
  s.amount_minor = -5;
  cases.push_back({s, "invalid_amount"});
  s = base();
  s.amount_minor = 0;
  cases.push_back({s, "invalid_amount"});
  s = base();
  s.amount_minor = INT64_MAX;
  cases.push_back({s, "invalid_amount"});
  s = base();
  s.sale_ref = "";
  cases.push_back({s, "invalid_sale_ref"});
  s = base();
  s.sale_ref = "has space";
  cases.push_back({s, "invalid_sale_ref"});
  s = base();
  s.member_id = "nope";
  cases.push_back({s, "invalid_member_id"});
  s = base();
  s.member_id = "0190f0e0-0000-7000-8000-000000000000";
  cases.push_back({s, "unknown_member"});
  s = base();
  s.currency = "EUR";
  cases.push_back({s, "currency_mismatch"});
  s = base();
  s.redeem_points = -1;
  cases.push_back({s, "invalid_redeem_points"});
  s = base();
  s.lines = {testing::Line("A", 1, 600), testing::Line("B", 1, 300)};
  cases.push_back({s, "lines_mismatch"});
  s = base();
  s.lines = {testing::Line("A", 0, 1'000)};
  cases.push_back({s, "invalid_line"});
  s = base();
  s.lines = {testing::Line("A", 1, INT64_MAX), testing::Line("B", 1, INT64_MAX)};
  cases.push_back({s, "invalid_line"});
  s = base();
  s.redeem_points = 100;  // balance is 10
  cases.push_back({s, "insufficient_points"});
  s = base();
  s.sale_ref = "R-0";  // reused with another body
  s.amount_minor = 2'000;
  cases.push_back({s, "sale_ref_conflict"});
  for (const Case& c : cases) {
    auto result = f.till().Checkout(c.sale);
    CHECK_MESSAGE(result.status().reason() == c.reason, c.reason, " got ",
                  result.status().ToString());
  }
  CHECK(f.Snapshot() == before);
}

TEST_CASE("an inactive member cannot check out") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.db().Execute("UPDATE members SET status = 'blocked'").ok());
  CHECK(f.Sell("R-1", m.member_id, 1'000).status().reason() == "member_inactive");
}

}  // namespace
}  // namespace patron::terminal
