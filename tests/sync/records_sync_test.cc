// The up-channel end to end: sales with their lines and refunds written at
// the till, in the transaction of the sale, reach head office once each,
// whatever is lost or repeated on the way.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/terminal/online_checkout.h"
#include "support/sale_lines.h"

namespace patron {
namespace {

using testing::Chain;

terminal::SaleRequest Basket(const std::string& ref, const std::string& member) {
  terminal::SaleRequest sale;
  sale.sale_ref = ref;
  sale.member_id = member;
  SaleLine tea = testing::Line("TEA-500", 2, 1'800, "grocery");
  tea.name = "龙井茶 Longjing 500g";
  tea.discount_minor = 200;
  SaleLine cig = testing::Line("CIG-20", 1, 1'200, "tobacco");
  sale.lines = {tea, cig};
  sale.amount_minor = 3'000;
  return sale;
}

TEST_CASE("records: every sale with its lines and every refund reaches head office once") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  chain.SetOffline(true);
  auto sold = chain.till(0).Checkout(Basket("R-1", ann));
  REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
  CHECK(sold->sale_id == "S001-T01/R-1");
  terminal::RefundRequest refund;
  refund.sale_ref = "R-1";
  refund.refund_ref = "F-1";
  refund.lines = {{0, 1}};
  REQUIRE(chain.till(0).Refund(refund).ok());
  CHECK(chain.till(0).Status()->pending_records == 2);
  CHECK_FALSE(chain.client(0).SyncOnce().ok());
  CHECK_FALSE(chain.service().FindSale("S001-T01/R-1")->has_value());

  // Back online, but the first push's reply is lost: the records went in,
  // the till does not know, and sends them again.
  chain.SetOffline(false);
  chain.net(0).lose_next_push_reply = true;
  CHECK_FALSE(chain.client(0).SyncOnce().ok());
  CHECK(chain.till(0).Status()->pending_records == 2);
  chain.SyncAll();
  const terminal::TerminalStatus status = *chain.till(0).Status();
  CHECK(status.pending_records == 0);
  CHECK(status.refused_records == 0);

  auto stored = chain.service().FindSale("S001-T01/R-1");
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  const SaleRecord& sale = (*stored)->sale;
  CHECK(sale.member_id == ann);
  CHECK(sale.store_id == "S001");
  CHECK(sale.earned_points == sold->earned_points);
  REQUIRE(sale.lines.size() == 2);
  CHECK(sale.lines[0].name == "龙井茶 Longjing 500g");
  CHECK(sale.lines[0].discount_minor == 200);
  CHECK(sale.lines[1].category == "tobacco");
  CHECK((*stored)->refunded_qty == std::vector<int64_t>{1, 0});
  CHECK((*stored)->refunded_amount_minor == 900);
  auto refunds = chain.service().RefundsOfSale("S001-T01/R-1");
  REQUIRE(refunds->size() == 1);
  CHECK((*refunds)[0].status == sync::RefundStatus::kApplied);
  CHECK((*refunds)[0].refund.entry_ids.size() == 1);
  CHECK(chain.service().counters().records_filed == 2);
  CHECK(chain.service().counters().records_duplicate == 2);
}

}  // namespace
}  // namespace patron

namespace patron {
namespace {

using testing::ByAmount;
using testing::Chain;
using testing::ReturnAt;

// A checkout at till `i` that may ask head office for redemption rights.
Result<terminal::SaleResult> SellOnline(Chain& chain, size_t i, const terminal::SaleRequest& sale) {
  return terminal::CheckoutWithGrant(
      chain.till(i), sale,
      [&chain, i](std::string_view member, int64_t points, std::string_view request_id) {
        return chain.client(i).RequestGrant(member, points, request_id);
      });
}

terminal::RefundRequest ByLines(const std::string& sale_ref, const std::string& ref,
                                std::vector<RefundLine> lines) {
  terminal::RefundRequest refund;
  refund.sale_ref = sale_ref;
  refund.refund_ref = ref;
  refund.lines = std::move(lines);
  return refund;
}

TEST_CASE("returns: a receipt from store A refunded online at store B, once, and balances agree") {
  Chain chain(3);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  REQUIRE(chain.Sell(0, "R-0", ann, 50'000).ok());  // 500 points to spend later
  chain.SyncAll();
  terminal::SaleRequest basket = Basket("R-1", ann);
  basket.redeem_points = 100;  // 1.00 of the 30.00 paid with points
  auto sold = SellOnline(chain, 0, basket);
  REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
  chain.SyncAll();
  const int64_t balance_before = chain.till(1).FindById(ann)->balance;

  // Store B takes the tea back; the claim's reply is lost: by lines, the
  // till cannot record it pending, and says so; the POS tries again and
  // gets what head office counted the first time.
  chain.net(1).lose_next_claim_reply = true;
  auto lost = ReturnAt(chain, 1, "S001-T01", ByLines("R-1", "B-1", {{0, 2}}));
  CHECK(lost.status().reason() == "return_needs_amount");
  auto again = ReturnAt(chain, 1, "S001-T01", ByLines("R-1", "B-1", {{0, 2}}));
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  CHECK_FALSE(again->pending);
  CHECK(again->amount_minor == 1'800);
  auto replayed = ReturnAt(chain, 1, "S001-T01", ByLines("R-1", "B-1", {{0, 2}}));
  REQUIRE(replayed.ok());
  CHECK(replayed->replayed);
  // Another lost reply, by amount: recorded pending here; head office
  // reverses what it counted for the claim, once.
  chain.net(1).lose_next_claim_reply = true;
  auto pending = ReturnAt(chain, 1, "S001-T01", ByAmount("R-1", "B-2", 600));
  REQUIRE(pending.ok());
  CHECK(pending->pending);
  chain.SyncAll();
  testing::CheckConverged(chain);
  auto refunds = *chain.service().RefundsOfSale("S001-T01/R-1");
  REQUIRE(refunds.size() == 2);
  CHECK(refunds[0].status == sync::RefundStatus::kApplied);
  CHECK(refunds[1].status == sync::RefundStatus::kMatched);
  auto stored = *chain.service().FindSale("S001-T01/R-1");
  CHECK(stored->refunded_amount_minor == 2'400);
  CHECK(stored->refunded_qty == std::vector<int64_t>{2, 0});
  // The points of 80% of the sale came back once: 60% by store B's till,
  // 20% by head office; the redeemed points only for what B reversed.
  CHECK(chain.till(2).FindById(ann)->balance ==
        balance_before - sold->earned_points * 8 / 10 + 60);
}

TEST_CASE("returns: online, store B reverses exactly what head office counted") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8001", "李娜").member_id;
  REQUIRE(chain.Sell(0, "R-0", ann, 50'000).ok());
  chain.SyncAll();
  terminal::SaleRequest basket = Basket("R-1", ann);
  basket.redeem_points = 100;
  auto sold = SellOnline(chain, 0, basket);
  REQUIRE(sold.ok());
  chain.SyncAll();
  const int64_t before = chain.till(1).FindById(ann)->balance;

  auto returned = ReturnAt(chain, 1, "S001-T01", ByLines("R-1", "B-1", {{0, 2}}));
  REQUIRE_MESSAGE(returned.ok(), returned.status().ToString());
  CHECK_FALSE(returned->pending);
  CHECK(returned->sale_id == "S001-T01/R-1");
  CHECK(returned->member_id == ann);
  CHECK(returned->amount_minor == 1'800);
  // 60% of the sale: 60% of the money paid, of the points earned and of
  // the points redeemed.
  CHECK(returned->paid_back_minor == 1'740);
  CHECK(returned->reversed_points == sold->earned_points * 6 / 10);
  CHECK(returned->returned_points == 60);
  CHECK(returned->entry_ids.size() == 2);
  CHECK(returned->balance == before - returned->reversed_points + returned->returned_points);

  // The rest can only be refunded once, wherever it is asked for.
  auto too_much = ReturnAt(chain, 1, "S001-T01", ByAmount("R-1", "B-2", 1'201));
  CHECK(too_much.status().reason() == "refund_exceeds_sale");
  // Once it has synced, the sale's own till knows what store B refunded
  // (a "sale_refunds" item): it refuses more than is left, and its own
  // refund of the rest takes back exactly what is left of the points.
  chain.SyncAll();
  CHECK(chain.till(0).Refund(ByAmount("R-1", "A-0", 1'201)).status().reason() ==
        "refund_exceeds_sale");
  auto rest = chain.till(0).Refund(ByAmount("R-1", "A-1", 1'200));
  REQUIRE_MESSAGE(rest.ok(), rest.status().ToString());
  CHECK(rest->reversed_points + returned->reversed_points == sold->earned_points);
  CHECK(rest->returned_points + returned->returned_points == 100);
  chain.SyncAll();
  testing::CheckConverged(chain);
  auto refunds = *chain.service().RefundsOfSale("S001-T01/R-1");
  REQUIRE(refunds.size() == 2);
  CHECK(refunds[0].status == sync::RefundStatus::kApplied);
  CHECK(refunds[1].status == sync::RefundStatus::kApplied);
  CHECK((*chain.service().FindSale("S001-T01/R-1"))->refunded_amount_minor == 3'000);
  // Every point the sale earned, and every point it redeemed, came back once.
  const int64_t after = chain.till(0).FindById(ann)->balance;
  CHECK(after == before - sold->earned_points + 100);
}

TEST_CASE("returns: offline at store B, pending; head office reverses the points at sync") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8002", "张伟").member_id;
  auto sold = chain.Sell(0, "R-1", ann, 10'000);  // 100 points
  REQUIRE(sold.ok());
  chain.SyncAll();
  const int64_t before = chain.till(1).FindById(ann)->balance;

  chain.net(1).offline = true;
  auto by_lines = ReturnAt(chain, 1, "S001-T01", ByLines("R-1", "B-1", {{0, 1}}));
  CHECK(by_lines.status().reason() == "return_needs_amount");
  auto pending = ReturnAt(chain, 1, "S001-T01", ByAmount("R-1", "B-1", 4'000));
  REQUIRE_MESSAGE(pending.ok(), pending.status().ToString());
  CHECK(pending->pending);
  CHECK(pending->paid_back_minor == 4'000);
  CHECK(pending->reversed_points == 0);
  CHECK(pending->entry_ids.empty());
  chain.net(1).offline = false;
  chain.SyncAll();
  testing::CheckConverged(chain);
  auto refunds = *chain.service().RefundsOfSale("S001-T01/R-1");
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].status == sync::RefundStatus::kMatched);
  CHECK(refunds[0].refund.reversed_points == 40);
  REQUIRE(refunds[0].refund.entry_ids.size() == 1);
  CHECK(refunds[0].refund.entry_ids[0].starts_with("server/"));
  CHECK(chain.till(0).FindById(ann)->balance == before - 40);
  CHECK(chain.service().counters().returns_matched == 1);
}

TEST_CASE("returns: a return before its sale reaches head office waits for it") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8003", "刘洋").member_id;
  chain.SyncAll();
  chain.net(0).offline = true;
  REQUIRE(chain.Sell(0, "R-1", ann, 10'000).ok());
  auto pending = ReturnAt(chain, 1, "S001-T01", ByAmount("R-1", "B-1", 10'000));
  REQUIRE_MESSAGE(pending.ok(), pending.status().ToString());
  CHECK(pending->pending);  // head office has no such sale yet
  REQUIRE(chain.client(1).SyncOnce().ok());
  CHECK((*chain.service().RefundsOfSale("S001-T01/R-1"))[0].status ==
        sync::RefundStatus::kAwaitingSale);
  chain.net(0).offline = false;
  chain.SyncAll();
  testing::CheckConverged(chain);
  CHECK((*chain.service().RefundsOfSale("S001-T01/R-1"))[0].status ==
        sync::RefundStatus::kMatched);
  CHECK(chain.till(1).FindById(ann)->balance == 0);
}

TEST_CASE("returns: refunds of one sale in two stores at once never exceed it; the excess is "
          "reported") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8004", "陈静").member_id;
  REQUIRE(chain.Sell(0, "R-1", ann, 10'000).ok());
  chain.SyncAll();
  // The sale's own till refunds it all offline; store B, online, too.
  chain.net(0).offline = true;
  REQUIRE(chain.till(0).Refund(ByAmount("R-1", "A-1", 10'000)).ok());
  auto claimed = ReturnAt(chain, 1, "S001-T01", ByAmount("R-1", "B-1", 10'000));
  REQUIRE(claimed.ok());
  CHECK_FALSE(claimed->pending);
  chain.net(0).offline = false;
  chain.SyncAll();
  auto refunds = *chain.service().RefundsOfSale("S001-T01/R-1");
  REQUIRE(refunds.size() == 2);
  CHECK(refunds[0].status == sync::RefundStatus::kApplied);
  CHECK(refunds[1].status == sync::RefundStatus::kExceeds);
  CHECK((*chain.service().FindSale("S001-T01/R-1"))->refunded_amount_minor == 10'000);
  CHECK(chain.service().counters().refunds_exceeding == 1);
  // Both tills took the sale's 100 points back; head office gave the
  // second 100 back, so the points came back once.
  CHECK(chain.service().counters().refunds_corrected == 1);
  CHECK(refunds[1].refund.reversed_points == 0);
  testing::CheckConverged(chain);
  CHECK(chain.till(1).FindById(ann)->balance == 0);
}

}  // namespace
}  // namespace patron
