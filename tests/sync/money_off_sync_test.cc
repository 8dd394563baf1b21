// Money-off campaigns end to end (campaign.h CampaignDiscount): the till
// takes the campaigns' money off first, then points pay a share of what is
// left and the rest earns; the sale travels up with each campaign's money
// off, head office files it, and a refund hands back a share of what was
// actually paid.
#include <doctest/doctest.h>

#include "chain.h"

namespace patron {
namespace {

using testing::ByAmount;
using testing::Chain;

// Pack 2, in force at once: 10% off a basket of 100.00 or more, at most
// 15.00; and 5.00 off a basket holding dairy.
Rules MoneyOffPack() {
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.name = "money off";
  pack.utc_offset_minutes = 480;
  Campaign tenth;
  tenth.id = "tenth-off";
  tenth.priority = 10;
  tenth.basket.min_amount_minor = 10'000;
  tenth.award.discount = {0, 1'000, 1'500};
  Campaign dairy;
  dairy.id = "dairy-5-off";
  dairy.basket.categories = {"dairy"};
  dairy.award.discount = {500, 0, 0};
  pack.campaigns = {tenth, dairy};
  return pack;
}

SaleLine Line(int64_t line_no, std::string sku, std::string category, int64_t amount_minor) {
  SaleLine line;
  line.line_no = line_no;
  line.sku = std::move(sku);
  line.category = std::move(category);
  line.amount_minor = amount_minor;
  return line;
}

TEST_CASE("campaigns' money off comes first, offline too; points and earning follow it") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  REQUIRE(chain.service().PublishRules(MoneyOffPack()).ok());
  chain.SyncAll();
  REQUIRE(chain.till(0).rules().version == 2);

  // 100.00 without lines: the basket is one line, 10.00 off; 90.00 earns.
  auto first = chain.Sell(0, "R-1", ann, 10'000);
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  CHECK(first->campaign_discount_minor == 1'000);
  CHECK(first->paid_minor == 9'000);
  CHECK(first->earned_points == 90);
  REQUIRE(first->awards.size() == 1);
  CHECK(first->awards[0].campaign_id == "tenth-off");
  CHECK(first->awards[0].discount_minor == 1'000);
  CHECK(first->awards[0].points == 0);
  CHECK(first->awards[0].entry_id.empty());

  chain.SetOffline(true);
  terminal::SaleRequest basket;
  basket.sale_ref = "R-2";
  basket.member_id = ann;
  basket.amount_minor = 20'000;
  basket.redeem_points = 50;
  basket.lines = {Line(0, "MILK", "dairy", 5'000), Line(1, "RICE", "grocery", 15'000)};
  auto quote = chain.till(0).QuoteSale(basket);
  REQUIRE_MESSAGE(quote.ok(), quote.status().ToString());
  // 10% of 200.00 is capped at 15.00; dairy adds 5.00; 50 points pay 0.50.
  CHECK(quote->campaign_discount_minor == 2'000);
  CHECK(quote->discount_minor == 50);
  CHECK(quote->paid_minor == 17'950);
  CHECK(quote->points_to_earn == 179);
  // The points cap is a share of what the campaigns left: 50% of 180.00.
  CHECK(quote->max_redeemable_by_cap == 9'000);

  auto second = chain.till(0).Checkout(basket);
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  CHECK(second->campaign_discount_minor == quote->campaign_discount_minor);
  CHECK(second->paid_minor == quote->paid_minor);
  CHECK(second->earned_points == 179);
  CHECK(second->balance == 90 - 50 + 179);
  REQUIRE(second->awards.size() == 2);
  CHECK(second->awards[0].discount_minor == 1'500);
  CHECK(second->awards[1].campaign_id == "dairy-5-off");
  CHECK(second->awards[1].discount_minor == 500);

  chain.SetOffline(false);
  chain.SyncAll();
  CHECK(testing::EntriesRejected(chain) == 0);
  auto stored = chain.service().FindSale("S001-T01/R-2");
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->sale.campaign_discount_minor == 2'000);
  CHECK((*stored)->sale.awards == second->awards);
  CHECK(chain.ServerMembers().at(ann).balance == second->balance);

  // Half the goods back: half of what was paid in money, half the earn.
  auto refund = chain.till(0).Refund(ByAmount("R-2", "F-1", 10'000));
  REQUIRE_MESSAGE(refund.ok(), refund.status().ToString());
  CHECK(refund->paid_back_minor == 17'950 / 2);
  CHECK(refund->reversed_points == 89);
  chain.SyncAll();
  testing::CheckConverged(chain);
}

TEST_CASE("a voucher takes its share of what the campaigns left") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8001", "李娜").member_id;
  REQUIRE(chain.service().PublishRules(MoneyOffPack()).ok());
  chain.SyncAll();  // head office knows Ann
  sync::VoucherIssue half;
  half.voucher.voucher_id = "HALF-ANN";
  half.voucher.member_id = ann;
  half.voucher.name = "Half off";
  half.voucher.percent_off_bp = 5'000;
  half.valid_until = "2099-01-01T00:00:00Z";
  half.place_at = "S001-T01";
  REQUIRE(chain.service().IssueVoucher(half).ok());
  chain.SyncAll();

  terminal::SaleRequest basket;
  basket.sale_ref = "R-1";
  basket.member_id = ann;
  basket.amount_minor = 10'000;
  basket.vouchers = {"HALF-ANN"};
  auto sale = chain.till(0).Checkout(basket);
  REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
  CHECK(sale->campaign_discount_minor == 1'000);
  CHECK(sale->voucher_discount_minor == 4'500);  // half of 90.00
  CHECK(sale->paid_minor == 4'500);
  chain.SyncAll();
  CHECK(testing::EntriesRejected(chain) == 0);
  testing::CheckConverged(chain);
}

}  // namespace
}  // namespace patron
