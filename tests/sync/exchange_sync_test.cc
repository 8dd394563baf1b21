// The points exchange end to end (reward.h, records/exchange.h): tills
// exchange from their share of a reward's stock, offline too, and never
// beyond the stock; head office files every exchange, sends it to every
// till for the members' limits, issues the voucher one bought, and reports
// what two offline tills did beyond a limit.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/digest.h"
#include "patron/hlc.h"
#include "patron/record/record_json.h"
#include "patron/terminal/online_checkout.h"

namespace patron {
namespace {

using terminal::ExchangeRequest;
using terminal::ExchangeResult;
using testing::Chain;

// A mug (stock 3, at most 2 a member a month), a 10.00-off coupon for 300
// points, and a tea for gold members only.
Rules RewardPack() {
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.name = "积分兑换 exchange";
  Reward mug;
  mug.id = "mug";
  mug.name = "保温杯 Travel mug";
  mug.points = 500;
  mug.stock = 3;
  mug.limit = {2, std::string(kPerMonth)};
  Reward coupon;
  coupon.id = "coupon-10";
  coupon.name = "10元券 10.00 off";
  coupon.points = 300;
  coupon.voucher.amount_off_minor = 1'000;
  coupon.voucher.min_spend_minor = 5'000;
  coupon.voucher.valid_days = 30;
  Reward tea;
  tea.id = "gold-tea";
  tea.name = "金卡茶礼 Gold tea";
  tea.points = 100;
  tea.tiers = {"gold"};
  Reward pen;
  pen.id = "pen";
  pen.name = "笔 Pen";
  pen.points = 50;
  pen.limit = {1, std::string(kPerEver)};
  pack.rewards = {mug, coupon, tea, pen};
  return pack;
}

ExchangeRequest Ask(const std::string& ref, const std::string& member, const std::string& reward,
                    int64_t quantity = 1) {
  ExchangeRequest request;
  request.exchange_ref = ref;
  request.member_id = member;
  request.reward_id = reward;
  request.quantity = quantity;
  return request;
}

// An exchange at till `i` as patrond makes it: stock and grants from head
// office through the till's transport.
Result<ExchangeResult> Exchange(Chain& chain, size_t i, const ExchangeRequest& request) {
  return terminal::ExchangeWithHeadOffice(
      chain.till(i), request,
      [&chain, i](std::string_view member, int64_t points, std::string_view id) {
        return chain.client(i).RequestGrant(member, points, id);
      },
      [&chain, i](const sync::StockClaimRequest& ask) { return chain.net(i).ClaimStock(ask); });
}

sync::RewardStock StockOf(Chain& chain, const std::string& reward_id) {
  auto stocks = chain.service().RewardStocks();
  REQUIRE(stocks.ok());
  for (const sync::RewardStock& stock : *stocks) {
    if (stock.reward_id == reward_id) return stock;
  }
  FAIL("head office has no reward " << reward_id);
  return {};
}

TEST_CASE("tills exchange from their share of the stock, offline too, never beyond it") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8100", "王芳").member_id;
  const std::string bob = chain.Enrol(1, "+86 138 0013 8101", "李强").member_id;
  REQUIRE(chain.service().PublishRules(RewardPack()).ok());
  chain.SyncAll();
  REQUIRE(chain.Sell(0, "R-1", ann, 300'000).ok());  // 3,000 points, rights here
  REQUIRE(chain.Sell(1, "R-2", bob, 300'000).ok());

  // No share of the mug's stock yet: the till alone refuses; with head
  // office it asks for a twentieth of the stock (here 1) and exchanges.
  CHECK(chain.till(0).Exchange(Ask("X-1", ann, "mug")).status().reason() ==
        "reward_out_of_stock_here");
  auto first = Exchange(chain, 0, Ask("X-1", ann, "mug"));
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  CHECK_FALSE(first->replayed);
  CHECK(first->exchange.points == 500);
  CHECK(first->exchange.reward_name == "保温杯 Travel mug");
  CHECK(first->exchange.voucher_id.empty());
  CHECK(first->balance == 2'500);
  CHECK(chain.till(0).FindById(ann)->balance == 2'500);

  // The share is used up and head office cannot be reached: refused, and
  // nothing changes.
  chain.net(0).offline = true;
  CHECK(Exchange(chain, 0, Ask("X-2", ann, "mug")).status().reason() == "stock_claim_unavailable");
  CHECK(chain.till(0).FindById(ann)->balance == 2'500);
  chain.net(0).offline = false;
  REQUIRE(Exchange(chain, 0, Ask("X-2", ann, "mug")).ok());
  // Two a month for a member.
  auto third = Exchange(chain, 0, Ask("X-3", ann, "mug"));
  CHECK(third.status().reason() == "reward_limit_reached");

  // The other till takes the last one; then there is none.
  REQUIRE(Exchange(chain, 1, Ask("Y-1", bob, "mug")).ok());
  auto none = Exchange(chain, 1, Ask("Y-2", bob, "mug"));
  CHECK(none.status().reason() == "reward_out_of_stock");
  sync::RewardStock mug = StockOf(chain, "mug");
  CHECK(mug.stock == 3);
  CHECK(mug.handed_out == 3);
  CHECK(mug.shares.at("S001-T01") == 2);
  CHECK(mug.shares.at("S002-T01") == 1);

  // Retries and bad requests change nothing.
  auto again = Exchange(chain, 0, Ask("X-1", ann, "mug"));
  REQUIRE(again.ok());
  CHECK(again->replayed);
  CHECK(again->balance == 2'500);
  CHECK(Exchange(chain, 0, Ask("X-1", ann, "pen")).status().reason() == "exchange_ref_conflict");
  CHECK(Exchange(chain, 0, Ask("X-4", ann, "nope")).status().reason() == "unknown_reward");
  CHECK(Exchange(chain, 0, Ask("X-4", ann, "gold-tea")).status().reason() == "reward_tier_only");
  CHECK(Exchange(chain, 0, Ask("X-4", ann, "mug", 0)).status().reason() == "invalid_quantity");
  CHECK(Exchange(chain, 0, Ask("X-4", ann, "coupon-10", 2)).status().reason() ==
        "invalid_quantity");
  CHECK(Exchange(chain, 0, Ask("X-4", ann, "coupon-10", 1)).ok());
  CHECK(Exchange(chain, 0, Ask("X-5", ann, "pen", 100)).status().reason() ==
        "reward_limit_reached");
  CHECK(chain.till(0).FindById(ann)->balance == 3'000 - 2 * 500 - 300);

  // Head office files each once, and every till learns of them.
  chain.SyncAll();
  CHECK(chain.service().counters().exchanges_filed.load() == 4);
  CHECK(StockOf(chain, "mug").exchanged == 3);
  auto at_office = chain.service().MemberExchanges(ann);
  REQUIRE(at_office.ok());
  CHECK(at_office->size() == 3);
  auto at_other = chain.till(1).Exchanges(ann);
  REQUIRE(at_other.ok());
  CHECK(at_other->size() == 3);
  CHECK(chain.till(1).FindById(ann)->balance == 1'700);
  CHECK(chain.ServerMembers().at(ann).balance == 1'700);
  testing::CheckConverged(chain);
  auto events = chain.service().SecurityEvents(0, 10);
  REQUIRE(events.ok());
  CHECK(events->empty());

  // The catalogue at the other till: Ann has had her two mugs this month.
  auto offers = chain.till(1).Rewards(ann);
  REQUIRE(offers.ok());
  REQUIRE(offers->size() == 4);
  CHECK(offers->at(0).reward.id == "mug");
  CHECK(offers->at(0).unavailable == "reward_limit_reached");
  CHECK(offers->at(0).limit_left == 0);
  CHECK(offers->at(0).stock_here == 0);
  CHECK(offers->at(1).unavailable.empty());
  CHECK_FALSE(offers->at(1).stock_here.has_value());
  CHECK(offers->at(2).unavailable == "reward_tier_only");
}

TEST_CASE("a till whose rights a refund took below zero asks for a grant that fills the hole") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8100", "王芳").member_id;
  REQUIRE(chain.service().PublishRules(RewardPack()).ok());
  chain.SyncAll();
  REQUIRE(chain.Sell(0, "R-1", ann, 100'000).ok());  // +1,000
  REQUIRE(chain.Sell(0, "R-2", ann, 100'000).ok());  // +1,000
  chain.SyncAll();                                   // the till hands its rights to head office
  terminal::RefundRequest refund;
  refund.sale_ref = "R-1";
  refund.refund_ref = "R-1-F1";
  refund.amount_minor = 100'000;
  REQUIRE(chain.till(0).Refund(refund).ok());  // -1,000 here: rights -1,000
  REQUIRE(chain.till(0).RightsHere(ann).value() == -1'000);
  const int64_t before = chain.till(0).FindById(ann)->balance;

  // A mug costs 500: the grant must be 1,500, not 500.
  auto mug = Exchange(chain, 0, Ask("X-1", ann, "mug"));
  REQUIRE_MESSAGE(mug.ok(), mug.status().ToString());
  CHECK(mug->balance == before - 500);
  CHECK(chain.till(0).RightsHere(ann).value() == 0);
  chain.SyncAll();
  CHECK(chain.ServerMembers().at(ann).balance == before - 500);
  testing::CheckConverged(chain);
}

TEST_CASE("a voucher bought with points is usable at once at its till, and once anywhere") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8110", "陈静").member_id;
  REQUIRE(chain.service().PublishRules(RewardPack()).ok());
  chain.SyncAll();
  chain.SetOffline(true);
  REQUIRE(chain.Sell(0, "R-1", ann, 100'000).ok());  // 1,000 points, here

  // Offline: the till issues the voucher and holds it.
  auto bought = Exchange(chain, 0, Ask("X-1", ann, "coupon-10"));
  REQUIRE_MESSAGE(bought.ok(), bought.status().ToString());
  REQUIRE(bought->voucher.has_value());
  CHECK(bought->voucher->state == "usable");
  CHECK(bought->voucher->held_here);
  const Voucher& coupon = bought->voucher->voucher;
  const std::string voucher_id = coupon.voucher_id;
  CHECK(voucher_id == ExchangeVoucherId("S001-T01/X-1"));
  CHECK(bought->exchange.voucher_id == voucher_id);
  CHECK(coupon.amount_off_minor == 1'000);
  CHECK(coupon.valid_until_ms - coupon.valid_from_ms == 30 * 86'400'000LL);
  terminal::SaleRequest sale;
  sale.sale_ref = "R-2";
  sale.member_id = ann;
  sale.amount_minor = 6'000;
  sale.vouchers = {voucher_id};
  auto used = chain.till(0).Checkout(sale);
  REQUIRE_MESSAGE(used.ok(), used.status().ToString());
  CHECK(used->voucher_discount_minor == 1'000);

  // A second one, bought offline, is claimed at the other store once head
  // office has it: the buying till gives it back first.
  REQUIRE(Exchange(chain, 0, Ask("X-2", ann, "coupon-10")).ok());
  const std::string second = ExchangeVoucherId("S001-T01/X-2");
  chain.SetOffline(false);
  chain.SyncAll();
  auto at_office = chain.service().MemberVouchers(ann);
  REQUIRE(at_office.ok());
  REQUIRE(at_office->size() == 2);
  for (const Voucher& v : *at_office) {
    CHECK(v.source == "exchange:coupon-10");
    CHECK(v.holder == "S001-T01");
    CHECK(v.status == (v.voucher_id == voucher_id ? "used" : "issued"));
  }
  const auto claim = [&chain](const sync::VoucherClaimRequest& ask) {
    return chain.net(1).ClaimVoucher(ask);
  };
  sale.sale_ref = "R-3";
  sale.vouchers = {second};
  CHECK(terminal::CheckoutWithGrant(chain.till(1), sale, {}, claim).status().reason() ==
        "voucher_held_elsewhere");
  chain.SyncAll();  // the buying till gives it back
  auto elsewhere = terminal::CheckoutWithGrant(chain.till(1), sale, {}, claim);
  REQUIRE_MESSAGE(elsewhere.ok(), elsewhere.status().ToString());
  CHECK(elsewhere->voucher_discount_minor == 1'000);
  sale.sale_ref = "R-4";
  sale.vouchers = {voucher_id};
  CHECK(terminal::CheckoutWithGrant(chain.till(1), sale, {}, claim).status().reason() ==
        "voucher_used");
  chain.SyncAll();
  testing::CheckConverged(chain);
}

TEST_CASE("a member's limit counts every till's exchanges; two offline tills are reported") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8120", "刘洋").member_id;
  REQUIRE(chain.service().PublishRules(RewardPack()).ok());
  chain.SyncAll();
  REQUIRE(chain.Sell(0, "R-1", ann, 10'000).ok());
  REQUIRE(Exchange(chain, 0, Ask("X-1", ann, "pen")).ok());
  chain.SyncAll();
  REQUIRE(chain.Sell(1, "R-2", ann, 10'000).ok());
  CHECK(Exchange(chain, 1, Ask("Y-1", ann, "pen")).status().reason() == "reward_limit_reached");

  // Two tills that cannot see each other each give a new member the one pen.
  const std::string bea = chain.Enrol(0, "+86 138 0013 8121", "周敏").member_id;
  chain.SyncAll();
  chain.SetOffline(true);
  REQUIRE(chain.Sell(0, "R-3", bea, 10'000).ok());
  REQUIRE(chain.Sell(1, "R-4", bea, 10'000).ok());
  REQUIRE(Exchange(chain, 0, Ask("X-2", bea, "pen")).ok());
  chain.now_ms += 1'000;
  REQUIRE(Exchange(chain, 1, Ask("Y-2", bea, "pen")).ok());
  chain.SetOffline(false);
  chain.SyncAll();
  CHECK(chain.service().counters().exchanges_excess.load() == 1);
  auto events = chain.service().SecurityEvents(0, 10);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 1);
  CHECK(events->front().reason == "reward_limit_exceeded");
  CHECK(events->front().subject == "S002-T01/Y-2");
  // The points were spent and the pens handed over: both stand.
  CHECK(chain.ServerMembers().at(bea).balance == 200 - 100);
  testing::CheckConverged(chain);
}

TEST_CASE("head office refuses an exchange that is not as its pack says") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8130", "孙丽").member_id;
  REQUIRE(chain.service().PublishRules(RewardPack()).ok());
  chain.SyncAll();
  ExchangeRecord forged;
  forged.exchange_id = "S001-T01/F-1";
  forged.terminal_id = "S001-T01";
  forged.store_id = "S001";
  forged.exchange_ref = "F-1";
  forged.member_id = ann;
  forged.reward_id = "mug";
  forged.reward_name = "mug";
  forged.points = 5;  // the mug costs 500
  forged.entry_id = "S001-T01/99";
  forged.rule_version = 2;
  forged.hlc = HlcTimestamp::FromParts(chain.now_ms, 0);
  forged.wall_ms = chain.now_ms;
  sync::PushRequest push;
  push.terminal_id = "S001-T01";
  push.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
  push.records = {
      {std::string(kExchangeRecordKind), forged.exchange_id, {record::EncodeRecord(forged)}}};
  const sync::Caller caller{"S001-T01", "S001"};
  auto response = chain.service().Push(caller, push);
  REQUIRE_MESSAGE(response.ok(), response.status().ToString());
  REQUIRE(response->records.size() == 1);
  CHECK(response->records[0].outcome == sync::PushOutcome::kRejected);
  CHECK(response->records[0].message.find("costs 500") != std::string::npos);
  forged.points = 500;
  forged.voucher_id = "x-made-up";
  forged.reward_id = "coupon-10";
  forged.points = 300;
  push.records = {
      {std::string(kExchangeRecordKind), forged.exchange_id, {record::EncodeRecord(forged)}}};
  response = chain.service().Push(caller, push);
  REQUIRE(response.ok());
  CHECK(response->records[0].outcome == sync::PushOutcome::kRejected);
  auto exchanges = chain.service().MemberExchanges(ann);
  REQUIRE(exchanges.ok());
  CHECK(exchanges->empty());
  auto vouchers = chain.service().MemberVouchers(ann);
  REQUIRE(vouchers.ok());
  CHECK(vouchers->empty());
}

}  // namespace
}  // namespace patron
