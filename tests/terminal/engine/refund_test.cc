#include <doctest/doctest.h>

#include "terminal_fixture.h"
#include "support/sale_lines.h"

namespace patron::terminal {
namespace {

RefundRequest ByAmount(const std::string& sale, const std::string& ref, int64_t amount) {
  RefundRequest r;
  r.sale_ref = sale;
  r.refund_ref = ref;
  r.amount_minor = amount;
  return r;
}

RefundRequest Full(const std::string& sale, const std::string& ref) {
  RefundRequest r;
  r.sale_ref = sale;
  r.refund_ref = ref;
  return r;
}

TEST_CASE("a partial refund reverses earned points in proportion") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-1", m.member_id, 10'000).ok());  // 100 points
  auto refund = f.till().Refund(ByAmount("R-1", "F-1", 2'500));
  REQUIRE(refund.ok());
  CHECK(refund->reversed_points == 25);
  CHECK(refund->returned_points == 0);
  CHECK(refund->paid_back_minor == 2'500);
  CHECK(refund->balance == 75);
  CHECK_FALSE(refund->clawback);
  CHECK(refund->entry_ids.size() == 1);
  CHECK(f.Get(m.member_id).qualifying_spend_minor == 7'500);
}

TEST_CASE("partial refunds add up exactly to the sale despite truncation") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-0", m.member_id, 100'000).ok());  // 1000 points
  auto sale = f.Sell("R-1", m.member_id, 1'000, 333);  // 10.00, 3.33 in points, 6.67 paid
  REQUIRE(sale.ok());
  const int64_t earned = sale->earned_points;
  int64_t reversed = 0, returned = 0, paid_back = 0;
  for (int i = 0; i < 3; ++i) {  // 3.33 + 3.33 + 3.34
    const int64_t amount = i < 2 ? 333 : 334;
    auto refund = f.till().Refund(ByAmount("R-1", "F-" + std::to_string(i), amount));
    REQUIRE(refund.ok());
    reversed += refund->reversed_points;
    returned += refund->returned_points;
    paid_back += refund->paid_back_minor;
  }
  CHECK(reversed == earned);
  CHECK(returned == 333);
  CHECK(paid_back == sale->paid_minor);
  CHECK(f.Get(m.member_id).balance == 1000);
  CHECK(f.till().Refund(ByAmount("R-1", "F-9", 1)).status().reason() == "refund_exceeds_sale");
}

TEST_CASE("a full refund gives back redeemed points and reverses the earn") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-0", m.member_id, 100'000).ok());
  auto sale = f.Sell("R-1", m.member_id, 4'000, 1'000);
  REQUIRE(sale.ok());
  auto refund = f.till().Refund(Full("R-1", "F-1"));
  REQUIRE(refund.ok());
  CHECK(refund->amount_minor == 4'000);
  CHECK(refund->returned_points == 1'000);
  CHECK(refund->reversed_points == sale->earned_points);
  CHECK(refund->paid_back_minor == 3'000);
  CHECK(refund->balance == 1'000);
  CHECK(refund->entry_ids.size() == 2);
  CHECK(f.till().Refund(Full("R-1", "F-2")).status().reason() == "already_refunded");
}

TEST_CASE("refund by lines returns the value of the lines, never more than sold") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  SaleRequest sale;
  sale.sale_ref = "R-1";
  sale.member_id = m.member_id;
  sale.amount_minor = 1'000;
  sale.lines = {testing::Line("A", 3, 700), testing::Line("B", 1, 300)};  // A: 7.00 for 3 units
  REQUIRE(f.till().Checkout(sale).ok());
  RefundRequest one_a = Full("R-1", "F-1");
  one_a.lines = {{0, 1}};
  auto first = f.till().Refund(one_a);
  REQUIRE(first.ok());
  CHECK(first->amount_minor == 233);  // 700 * 1/3 truncated
  RefundRequest two_a = Full("R-1", "F-2");
  two_a.lines = {{0, 2}};
  auto second = f.till().Refund(two_a);
  REQUIRE(second.ok());
  CHECK(second->amount_minor == 467);  // the rest of the line, exactly
  RefundRequest one_more = Full("R-1", "F-3");
  one_more.lines = {{0, 1}};
  CHECK(f.till().Refund(one_more).status().reason() == "refund_exceeds_sale");
  RefundRequest no_line = Full("R-1", "F-4");
  no_line.lines = {{7, 1}};
  CHECK(f.till().Refund(no_line).status().reason() == "unknown_line");
  auto rest = f.till().Refund(Full("R-1", "F-5"));
  REQUIRE(rest.ok());
  CHECK(rest->amount_minor == 300);
  CHECK(f.Get(m.member_id).balance == 0);
}

TEST_CASE("refunds are idempotent by refund_ref") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-1", m.member_id, 10'000).ok());
  auto first = f.till().Refund(ByAmount("R-1", "F-1", 1'000));
  REQUIRE(first.ok());
  const std::string after = f.Snapshot();
  auto replay = f.till().Refund(ByAmount("R-1", "F-1", 1'000));
  REQUIRE(replay.ok());
  CHECK(replay->replayed);
  CHECK(replay->reversed_points == first->reversed_points);
  CHECK(replay->entry_ids == first->entry_ids);
  CHECK(f.Snapshot() == after);
  CHECK(f.till().Refund(ByAmount("R-1", "F-1", 2'000)).status().reason() ==
        "refund_ref_conflict");
  CHECK(f.Snapshot() == after);
}

TEST_CASE("refunding points already spent is a reported clawback") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-1", m.member_id, 100'000).ok());  // +1000, now silver
  // 20.00 of which 10.00 in points: -1000, then 10.00 paid at 1.25x: +12.
  REQUIRE(f.Sell("R-2", m.member_id, 2'000, 1'000).ok());
  auto refund = f.till().Refund(Full("R-1", "F-1"));  // takes back the 1000 spent
  REQUIRE(refund.ok());
  CHECK(refund->balance == 12 - 1000);
  CHECK(refund->clawback);
  CHECK(f.Get(m.member_id).balance == refund->balance);
  CHECK(f.Get(m.member_id).redeemable_here == 0);
}

TEST_CASE("bad refunds are refused and write nothing") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-1", m.member_id, 10'000).ok());
  const std::string before = f.Snapshot();
  CHECK(f.till().Refund(Full("R-404", "F-1")).status().reason() == "unknown_sale");
  CHECK(f.till().Refund(ByAmount("R-1", "F-1", 10'001)).status().reason() ==
        "refund_exceeds_sale");
  CHECK(f.till().Refund(ByAmount("R-1", "F-1", 0)).status().reason() == "invalid_amount");
  CHECK(f.till().Refund(ByAmount("R-1", "F-1", -3)).status().reason() == "invalid_amount");
  CHECK(f.till().Refund(Full("R-1", "")).status().reason() == "invalid_refund_ref");
  RefundRequest both = ByAmount("R-1", "F-1", 100);
  both.lines = {{0, 1}};
  CHECK(f.till().Refund(both).status().reason() == "invalid_refund");
  RefundRequest dup = Full("R-1", "F-1");
  dup.lines = {{0, 1}, {0, 1}};
  CHECK(f.till().Refund(dup).status().reason() == "invalid_line");
  // A line refund on a sale without lines names the missing line.
  RefundRequest missing = Full("R-1", "F-1");
  missing.lines = {{0, 1}};
  CHECK(f.till().Refund(missing).status().reason() == "unknown_line");
  CHECK(f.Snapshot() == before);
}

}  // namespace
}  // namespace patron::terminal
