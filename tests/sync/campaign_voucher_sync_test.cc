// Campaigns that issue vouchers end to end (满额送券; records/
// campaign_voucher.h): the till that made the qualifying sale issues the
// voucher and holds it, so the member uses it there on the next visit,
// offline too; head office makes the same voucher from the sale's record,
// every till learns of it, and it is used once.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/records/campaign_voucher.h"
#include "patron/terminal/online_checkout.h"

namespace patron {
namespace {

using terminal::MemberVoucher;
using testing::Chain;

// Pack 2, in force at once: a basket of 300.00 or more earns a voucher for
// 30.00 off a basket of 100.00, valid 30 days.
Rules VoucherPack() {
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.name = "spend and get";
  pack.utc_offset_minutes = 480;
  Campaign spend;
  spend.id = "spend-300-get-30";
  spend.name = "满300送30 Spend 300.00, get 30.00 off next time";
  spend.basket.min_amount_minor = 30'000;
  spend.award.voucher = {3'000, 0, 0, 10'000, 30};
  pack.campaigns = {spend};
  return pack;
}

terminal::SaleRequest Sale(const std::string& ref, const std::string& member, int64_t amount,
                           std::vector<std::string> vouchers = {}) {
  terminal::SaleRequest sale;
  sale.sale_ref = ref;
  sale.member_id = member;
  sale.amount_minor = amount;
  sale.vouchers = std::move(vouchers);
  return sale;
}

std::optional<MemberVoucher> Seen(Chain& chain, size_t i, const std::string& member,
                                  const std::string& id) {
  auto vouchers = chain.till(i).Vouchers(member);
  REQUIRE_MESSAGE(vouchers.ok(), vouchers.status().ToString());
  for (const MemberVoucher& v : *vouchers) {
    if (v.voucher.voucher_id == id) return v;
  }
  return std::nullopt;
}

TEST_CASE("a qualifying sale issues a voucher held at its till, usable there offline") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  REQUIRE(chain.service().PublishRules(VoucherPack()).ok());
  chain.SyncAll();
  chain.SetOffline(true);

  // Below 300.00: nothing issued.
  auto small = chain.till(0).Checkout(Sale("R-1", ann, 29'999));
  REQUIRE_MESSAGE(small.ok(), small.status().ToString());
  CHECK(small->awards.empty());

  terminal::SaleRequest big = Sale("R-2", ann, 30'000);
  auto quote = chain.till(0).QuoteSale(big);
  REQUIRE(quote.ok());
  REQUIRE_FALSE(quote->awards.empty());
  CHECK(quote->awards.back().issues_voucher);

  auto sold = chain.till(0).Checkout(big);
  REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
  REQUIRE(sold->awards.size() == 1);
  const std::string id = CampaignVoucherId("S001-T01/R-2", "spend-300-get-30");
  CHECK(sold->awards[0].issued_voucher_id == id);
  CHECK(sold->awards[0].points == 0);
  CHECK(sold->earned_points == 300);
  const std::optional<MemberVoucher> here = Seen(chain, 0, ann, id);
  REQUIRE(here.has_value());
  CHECK(here->held_here);
  CHECK(here->state == "usable");
  CHECK(here->voucher.amount_off_minor == 3'000);
  CHECK(here->voucher.source == "campaign:spend-300-get-30");
  // Replayed, the same sale issues nothing more.
  auto again = chain.till(0).Checkout(big);
  REQUIRE(again.ok());
  CHECK(again->replayed);
  CHECK(again->awards == sold->awards);

  // Next visit, still offline: 30.00 off a basket of 120.00.
  auto used = chain.till(0).Checkout(Sale("R-3", ann, 12'000, {id}));
  REQUIRE_MESSAGE(used.ok(), used.status().ToString());
  CHECK(used->voucher_discount_minor == 3'000);
  CHECK(used->paid_minor == 9'000);
  auto twice = chain.till(0).Checkout(Sale("R-4", ann, 12'000, {id}));
  CHECK(twice.status().reason() == "voucher_used");

  chain.SetOffline(false);
  chain.SyncAll();
  CHECK(testing::EntriesRejected(chain) == 0);
  auto at_head_office = chain.service().MemberVouchers(ann);
  REQUIRE(at_head_office.ok());
  REQUIRE(at_head_office->size() == 1);
  CHECK(at_head_office->front().voucher_id == id);
  CHECK(at_head_office->front().status == kVoucherUsed);
  CHECK(at_head_office->front().used_sale_id == "S001-T01/R-3");
  const std::optional<MemberVoucher> elsewhere = Seen(chain, 1, ann, id);
  REQUIRE(elsewhere.has_value());
  CHECK(elsewhere->state == "used");
  testing::CheckConverged(chain);
}

TEST_CASE("a voucher a campaign issued is used at another store through head office") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  REQUIRE(chain.service().PublishRules(VoucherPack()).ok());
  chain.SyncAll();
  auto sold = chain.till(0).Checkout(Sale("R-1", ann, 50'000));
  REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
  const std::string id = sold->awards.at(0).issued_voucher_id;
  chain.SyncAll();

  const std::optional<MemberVoucher> seen = Seen(chain, 1, ann, id);
  REQUIRE(seen.has_value());
  CHECK_FALSE(seen->held_here);
  // Store 2 asks head office for it: store 1 holds it, so head office
  // recalls it, and store 2 has it once store 1 gave it back.
  auto claimed = terminal::CheckoutWithGrant(
      chain.till(1), Sale("B-1", ann, 10'000, {id}), {},
      [&chain](const sync::VoucherClaimRequest& ask) { return chain.net(1).ClaimVoucher(ask); });
  REQUIRE_FALSE(claimed.ok());
  CHECK(claimed.status().reason() == "voucher_held_elsewhere");
  chain.SyncAll();  // store 1 gives it back
  claimed = terminal::CheckoutWithGrant(
      chain.till(1), Sale("B-1", ann, 10'000, {id}), {},
      [&chain](const sync::VoucherClaimRequest& ask) { return chain.net(1).ClaimVoucher(ask); });
  REQUIRE_MESSAGE(claimed.ok(), claimed.status().ToString());
  CHECK(claimed->voucher_discount_minor == 3'000);
  chain.SyncAll();
  CHECK(testing::EntriesRejected(chain) == 0);
  CHECK(chain.till(0).Checkout(Sale("R-2", ann, 10'000, {id})).status().reason() == "voucher_used");
  testing::CheckConverged(chain);
}

}  // namespace
}  // namespace patron
