// Vouchers end to end (records/voucher.h): head office issues, every till
// learns of it, a till claims it (or holds it, placed there, and redeems it
// offline), the sale takes the discount and the voucher's points, head
// office marks it used, and no till can use it again.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/terminal/online_checkout.h"

namespace patron {
namespace {

using terminal::MemberVoucher;
using terminal::SaleRequest;
using terminal::SaleResult;
using testing::ByAmount;
using testing::Chain;

sync::VoucherIssue Birthday(const std::string& member_id, const std::string& id,
                            const std::string& place_at = "") {
  sync::VoucherIssue issue;
  issue.voucher.voucher_id = id;
  issue.voucher.member_id = member_id;
  issue.voucher.name = "生日礼券 Birthday 20 off";
  issue.voucher.amount_off_minor = 2'000;
  issue.voucher.min_spend_minor = 10'000;
  issue.voucher.bonus_points = 88;
  issue.valid_until = "2026-07-01T00:00:00Z";
  issue.place_at = place_at;
  return issue;
}

SaleRequest WithVoucher(const std::string& ref, const std::string& member_id, int64_t amount,
                        const std::string& voucher_id) {
  SaleRequest sale;
  sale.sale_ref = ref;
  sale.member_id = member_id;
  sale.amount_minor = amount;
  sale.vouchers = {voucher_id};
  return sale;
}

// Checkout at till `i`, claiming a voucher it does not hold through its
// transport, as patrond does.
Result<SaleResult> Checkout(Chain& chain, size_t i, const SaleRequest& sale) {
  return terminal::CheckoutWithGrant(
      chain.till(i), sale, {},
      [&chain, i](const sync::VoucherClaimRequest& ask) { return chain.net(i).ClaimVoucher(ask); });
}

MemberVoucher Seen(Chain& chain, size_t i, const std::string& member_id, const std::string& id) {
  auto vouchers = chain.till(i).Vouchers(member_id);
  REQUIRE_MESSAGE(vouchers.ok(), vouchers.status().ToString());
  for (const MemberVoucher& v : *vouchers) {
    if (v.voucher.voucher_id == id) return v;
  }
  FAIL("till " << i << " knows no voucher " << id);
  return {};
}

Voucher AtHeadOffice(Chain& chain, const std::string& member_id, const std::string& id) {
  auto vouchers = chain.service().MemberVouchers(member_id);
  REQUIRE(vouchers.ok());
  for (const Voucher& v : *vouchers) {
    if (v.voucher_id == id) return v;
  }
  FAIL("head office has no voucher " << id);
  return {};
}

TEST_CASE("a voucher head office keeps is claimed at checkout and used once, anywhere") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  chain.SyncAll();
  REQUIRE(chain.service().IssueVoucher(Birthday(ann, "BDAY-1")).ok());
  chain.SyncAll();

  const MemberVoucher known = Seen(chain, 1, ann, "BDAY-1");
  CHECK(known.state == "usable");
  CHECK_FALSE(known.held_here);

  // The quote shows what it gives; it needs a basket of 100.00.
  SaleRequest quoted = WithVoucher("", ann, 12'000, "BDAY-1");
  auto quote = chain.till(1).QuoteSale(quoted);
  REQUIRE_MESSAGE(quote.ok(), quote.status().ToString());
  CHECK(quote->voucher_discount_minor == 2'000);
  CHECK(quote->paid_minor == 10'000);
  CHECK(quote->points_to_earn == 100 + 88);
  REQUIRE(quote->awards.size() == 2);
  CHECK(quote->awards[1] == Award{std::string(kAwardVoucher), "", 88, false, 0, "BDAY-1", 2'000});
  quoted.amount_minor = 9'999;
  CHECK(chain.till(1).QuoteSale(quoted).status().reason() == "voucher_min_spend");
  SaleRequest unknown = WithVoucher("", ann, 12'000, "NOPE");
  CHECK(chain.till(1).QuoteSale(unknown).status().reason() == "unknown_voucher");

  // Head office holds it: the till alone may not use it; with head office,
  // it claims it first.
  CHECK(chain.till(1).Checkout(WithVoucher("R-1", ann, 12'000, "BDAY-1")).status().reason() ==
        "voucher_not_held");
  chain.net(1).offline = true;
  auto offline = Checkout(chain, 1, WithVoucher("R-1", ann, 12'000, "BDAY-1"));
  CHECK(offline.status().reason() == "voucher_claim_unavailable");
  chain.net(1).offline = false;
  auto sold = Checkout(chain, 1, WithVoucher("R-1", ann, 12'000, "BDAY-1"));
  REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
  CHECK(sold->voucher_discount_minor == 2'000);
  CHECK(sold->paid_minor == 10'000);
  CHECK(sold->earned_points == 100 + 88);
  REQUIRE(sold->awards.size() == 1);
  CHECK(sold->awards[0].voucher_id == "BDAY-1");
  CHECK(sold->awards[0].discount_minor == 2'000);
  CHECK_FALSE(sold->awards[0].entry_id.empty());
  CHECK(Seen(chain, 1, ann, "BDAY-1").state == "used");
  // Again, the same sale: replayed. Another: used.
  auto replay = Checkout(chain, 1, WithVoucher("R-1", ann, 12'000, "BDAY-1"));
  REQUIRE(replay.ok());
  CHECK(replay->replayed);
  CHECK(Checkout(chain, 1, WithVoucher("R-2", ann, 12'000, "BDAY-1")).status().reason() ==
        "voucher_used");

  chain.SyncAll();
  const Voucher used = AtHeadOffice(chain, ann, "BDAY-1");
  CHECK(used.status == "used");
  CHECK(used.used_sale_id == "S002-T01/R-1");
  CHECK(used.bonus_entry == sold->awards[0].entry_id);
  CHECK(chain.service().counters().vouchers_used == 1);
  CHECK(chain.service().counters().vouchers_misused == 0);
  // The other store knows it is spent, without asking.
  CHECK(Seen(chain, 0, ann, "BDAY-1").state == "used");
  CHECK(Checkout(chain, 0, WithVoucher("R-3", ann, 12'000, "BDAY-1")).status().reason() ==
        "voucher_used");
  CHECK(chain.ServerMembers()[ann].balance == 188);
  testing::CheckConverged(chain);

  // A return pays back the money paid, and takes back the voucher's points
  // with the earn's, by the same share; the voucher stays used.
  auto half = chain.till(1).Refund(ByAmount("R-1", "A-1", 6'000));
  REQUIRE_MESSAGE(half.ok(), half.status().ToString());
  CHECK(half->paid_back_minor == 5'000);
  CHECK(half->reversed_points == 50 + 44);
  chain.SyncAll();
  CHECK(chain.ServerMembers()[ann].balance == 188 - 94);
  CHECK(AtHeadOffice(chain, ann, "BDAY-1").status == "used");
  testing::CheckConverged(chain);

  // Issued a moment ago, before any till synced: a checkout online claims
  // it all the same.
  REQUIRE(chain.service().IssueVoucher(Birthday(ann, "FRESH-1")).ok());
  auto fresh = Checkout(chain, 0, WithVoucher("R-5", ann, 12'000, "FRESH-1"));
  REQUIRE_MESSAGE(fresh.ok(), fresh.status().ToString());
  CHECK(fresh->voucher_discount_minor == 2'000);
}

TEST_CASE("a voucher placed at a till is redeemed there offline; elsewhere once it gives it back") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  chain.SyncAll();
  REQUIRE(chain.service().IssueVoucher(Birthday(ann, "BDAY-1", "S001-T01")).ok());
  REQUIRE(chain.service().IssueVoucher(Birthday(ann, "BDAY-2", "S001-T01")).ok());
  chain.SyncAll();
  CHECK(Seen(chain, 0, ann, "BDAY-1").held_here);
  CHECK_FALSE(Seen(chain, 1, ann, "BDAY-1").held_here);

  // The store's network is down: its till redeems what it holds.
  chain.net(0).offline = true;
  auto offline = chain.till(0).Checkout(WithVoucher("R-1", ann, 10'000, "BDAY-1"));
  REQUIRE_MESSAGE(offline.ok(), offline.status().ToString());
  CHECK(offline->voucher_discount_minor == 2'000);

  // The member walks into the other store with the second voucher: head
  // office asks the first till for it, which is offline.
  auto held = Checkout(chain, 1, WithVoucher("R-2", ann, 10'000, "BDAY-2"));
  CHECK(held.status().reason() == "voucher_held_elsewhere");
  CHECK(held.status().message().find("S001-T01") != std::string::npos);
  CHECK(AtHeadOffice(chain, ann, "BDAY-2").recall);
  // Back online, the first till gives it back (and sends its offline sale).
  chain.net(0).offline = false;
  chain.SyncAll();
  CHECK(AtHeadOffice(chain, ann, "BDAY-2").holder.empty());
  CHECK(AtHeadOffice(chain, ann, "BDAY-1").status == "used");
  CHECK_FALSE(Seen(chain, 0, ann, "BDAY-2").held_here);
  CHECK(chain.till(0).Checkout(WithVoucher("R-3", ann, 10'000, "BDAY-2")).status().reason() ==
        "voucher_not_held");
  auto claimed = Checkout(chain, 1, WithVoucher("R-2", ann, 10'000, "BDAY-2"));
  REQUIRE_MESSAGE(claimed.ok(), claimed.status().ToString());
  CHECK(claimed->voucher_discount_minor == 2'000);
  // The first till, asked again before that sale reached head office, hears
  // that the other till holds it; once it has, that it is used.
  auto again = Checkout(chain, 0, WithVoucher("R-3", ann, 10'000, "BDAY-2"));
  CHECK(again.status().reason() == "voucher_held_elsewhere");
  chain.SyncAll();
  CHECK(AtHeadOffice(chain, ann, "BDAY-2").used_sale_id == "S002-T01/R-2");
  CHECK_FALSE(AtHeadOffice(chain, ann, "BDAY-2").recall);
  again = Checkout(chain, 0, WithVoucher("R-3", ann, 10'000, "BDAY-2"));
  CHECK(again.status().reason() == "voucher_used");
  CHECK(chain.service().counters().vouchers_used == 2);
  CHECK(chain.service().counters().vouchers_misused == 0);
  CHECK(chain.ServerMembers()[ann].balance == 2 * (80 + 88));
  testing::CheckConverged(chain);
}

}  // namespace
}  // namespace patron
