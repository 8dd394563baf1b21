// Gifts (reward.h Gift): head office issues the pack's birthday and welcome
// gifts as vouchers ahead of time, once per member (and birthday year),
// and every till can redeem them through the voucher claim.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/local_time.h"
#include "patron/terminal/online_checkout.h"

namespace patron {
namespace {

using testing::Chain;

// A 20.00-off birthday voucher a week ahead, valid a week after; a 5.00-off
// welcome voucher for members who joined in the last 30 days. Beijing time.
Rules GiftPack() {
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.utc_offset_minutes = 480;
  Gift birthday;
  birthday.id = "birthday";
  birthday.name = "生日礼券 Birthday 20 off";
  birthday.occasion = std::string(kGiftBirthday);
  birthday.days_before = 7;
  birthday.voucher.amount_off_minor = 2'000;
  birthday.voucher.min_spend_minor = 10'000;
  birthday.voucher.valid_days = 7;
  Gift welcome;
  welcome.id = "welcome";
  welcome.name = "新会员礼 Welcome 5 off";
  welcome.occasion = std::string(kGiftWelcome);
  welcome.days_before = 30;
  welcome.voucher.amount_off_minor = 500;
  welcome.voucher.valid_days = 30;
  pack.gifts = {birthday, welcome};
  return pack;
}

std::string EnrolBorn(Chain& chain, const std::string& phone, const std::string& name,
                      std::optional<std::string> birthday) {
  terminal::EnrolRequest request;
  request.phone = phone;
  request.profile.name = name;
  request.profile.birthday = std::move(birthday);
  auto enrolled = chain.till(0).Enrol(request);
  REQUIRE_MESSAGE(enrolled.ok(), enrolled.status().ToString());
  return enrolled->member.member_id;
}

std::vector<Voucher> VouchersAt(Chain& chain, const std::string& member_id) {
  auto vouchers = chain.service().MemberVouchers(member_id);
  REQUIRE(vouchers.ok());
  return *vouchers;
}

TEST_CASE("head office issues birthday and welcome gifts once, ahead of time") {
  Chain chain(2);  // now: 2026-06-01 20:00 in Beijing
  REQUIRE(chain.service().PublishRules(GiftPack()).ok());
  const std::string ann = EnrolBorn(chain, "+86 138 0013 8200", "王芳", "1990-06-05");
  const std::string bob = EnrolBorn(chain, "+86 138 0013 8201", "李强", "1988-07-01");
  const std::string cal = EnrolBorn(chain, "+86 138 0013 8202", "陈静", std::nullopt);
  chain.SyncAll();

  auto run = chain.service().IssueGifts();
  REQUIRE_MESSAGE(run.ok(), run.status().ToString());
  CHECK(run->members_scanned == 3);
  CHECK(run->vouchers_issued == 4);  // Ann's birthday, and three welcomes
  std::vector<Voucher> anns = VouchersAt(chain, ann);
  REQUIRE(anns.size() == 2);
  for (const Voucher& v : anns) {
    CHECK(v.holder.empty());
    CHECK(v.valid_from_ms == chain.now_ms);
    if (v.source == "gift:birthday") {
      CHECK(v.amount_off_minor == 2'000);
      // To the end of 12 June, Beijing time: the birthday and 7 days.
      CHECK(v.valid_until_ms == *ParsePackTime("2026-06-13T00:00:00", 480));
    } else {
      CHECK(v.source == "gift:welcome");
      CHECK(v.valid_until_ms == chain.now_ms + 30 * 86'400'000LL);
    }
  }
  CHECK(VouchersAt(chain, bob).size() == 1);
  CHECK(VouchersAt(chain, cal).size() == 1);

  // Again: nothing new. Four weeks on, Bob's birthday is three days away.
  CHECK(chain.service().IssueGifts()->vouchers_issued == 0);
  chain.now_ms += 27 * 86'400'000LL;
  run = chain.service().IssueGifts();
  REQUIRE(run.ok());
  CHECK(run->vouchers_issued == 1);
  REQUIRE(VouchersAt(chain, bob).size() == 2);
  CHECK(chain.service().IssueGifts()->vouchers_issued == 0);
  CHECK(chain.service().counters().vouchers_issued.load() == 5);

  // Every till hears of them; another store claims Ann's at checkout.
  chain.SyncAll();
  std::string birthday_id;
  for (const Voucher& v : anns) {
    if (v.source == "gift:birthday") birthday_id = v.voucher_id;
  }
  chain.now_ms -= 27 * 86'400'000LL;  // back within its window
  terminal::SaleRequest sale;
  sale.sale_ref = "R-1";
  sale.member_id = ann;
  sale.amount_minor = 12'000;
  sale.vouchers = {birthday_id};
  auto sold = terminal::CheckoutWithGrant(
      chain.till(1), sale, {},
      [&chain](const sync::VoucherClaimRequest& ask) { return chain.net(1).ClaimVoucher(ask); });
  REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
  CHECK(sold->voucher_discount_minor == 2'000);
}

TEST_CASE("the default rules issue no gifts; a pack with gifts issues them at its first run") {
  Chain chain(1);
  const std::string ann = EnrolBorn(chain, "+86 138 0013 8210", "刘洋", "1990-06-03");
  chain.SyncAll();
  auto run = chain.service().IssueGifts();  // the default rules: no gifts
  REQUIRE(run.ok());
  CHECK(run->members_scanned == 0);
  CHECK(run->vouchers_issued == 0);
  REQUIRE(chain.service().PublishRules(GiftPack()).ok());
  run = chain.service().IssueGifts();
  REQUIRE(run.ok());
  CHECK(run->vouchers_issued == 2);
  CHECK(VouchersAt(chain, ann).size() == 2);
}

}  // namespace
}  // namespace patron
