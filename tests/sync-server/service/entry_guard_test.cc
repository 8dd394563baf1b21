// Head office trusts no till (DESIGN.md §4, service/entry_guard.h): what a
// till pushes is checked against head office's own journal and rules, and
// what a till may not write is refused, logged and counted while the rest
// of the push goes through.
#include <doctest/doctest.h>

#include "patron/local_time.h"
#include "patron/lots.h"
#include "patron/sync_server/sync_service.h"
#include "service/service_fixture.h"

namespace patron::sync {
namespace {

// The entry's acknowledgement in `response`.
const EntryAck& AckOf(const PushResponse& response, const LedgerEntry& entry) {
  for (const EntryAck& ack : response.entries) {
    if (ack.entry_id == entry.entry_id) return ack;
  }
  FAIL("no acknowledgement of " << entry.entry_id);
  static const EntryAck none;
  return none;
}

int64_t Rejected(ServiceFixture& f, EntryRefusal reason) {
  return f.service().counters().entries_rejected[static_cast<size_t>(reason)].load();
}

// A reverse by `caller` of `original`, taking back (or giving back) `points`.
LedgerEntry Reverse(ServiceFixture& f, const Caller& caller, int64_t seq,
                    const LedgerEntry& original, int64_t points, int64_t amount_minor) {
  LedgerEntry e = f.Earn(caller, seq, original.member_id, 0);
  e.kind = EntryKind::kReverse;
  e.points = points;
  e.amount_minor = amount_minor;
  e.sale_ref = original.sale_ref;
  e.ref_entry = original.entry_id;
  return e;
}

LedgerEntry Redeem(ServiceFixture& f, const Caller& caller, int64_t seq,
                   const std::string& member_id, int64_t points) {
  LedgerEntry e = f.Earn(caller, seq, member_id, 0);
  e.kind = EntryKind::kRedeem;
  e.points = -points;
  e.amount_minor = 0;
  return e;
}

TEST_CASE("the forged pushes of one store's token are refused and no balance moves") {
  ServiceFixture f;
  // Bob shops at the other store: 100 points, handed back to head office.
  PushRequest honest = f.NewPush(f.t2);
  honest.entries = {f.Earn(f.t2, 1, f.bob, 100), f.HandBack(f.t2, 2, f.bob, 100)};
  REQUIRE(f.service().Push(f.t2, honest).ok());
  REQUIRE(f.Member(f.bob).balance == 100);

  // With S001-T01's token, as an attacker would (issue 15).
  LedgerEntry adjust = f.Earn(f.t1, 1, f.bob, 1'000'000);
  adjust.kind = EntryKind::kAdjust;
  adjust.amount_minor = 0;
  LedgerEntry bonus = f.Earn(f.t1, 2, f.bob, 500'000);
  bonus.kind = EntryKind::kBonus;  // of a campaign no pack has
  bonus.amount_minor = 0;
  bonus.detail.campaign_id = "jackpot";
  LedgerEntry big_earn = f.Earn(f.t1, 3, f.bob, 250'000);
  big_earn.amount_minor = 1;  // a 0.01 sale
  LedgerEntry ghost = f.Earn(f.t1, 4, f.bob, 0);
  ghost.kind = EntryKind::kReverse;
  ghost.points = 100'000;
  ghost.amount_minor = 0;
  ghost.ref_entry = "S002-T01/999";
  LedgerEntry hand_over = f.HandBack(f.t1, 5, f.bob, 1'000'000);
  LedgerEntry spend = Redeem(f, f.t1, 6, f.bob, 50);
  PushRequest forged = f.NewPush(f.t1);
  forged.entries = {adjust, bonus, big_earn, ghost, hand_over, spend};
  auto answered = f.service().Push(f.t1, forged);
  REQUIRE_MESSAGE(answered.ok(), answered.status().ToString());

  const std::pair<const LedgerEntry*, std::string> expected[] = {
      {&adjust, "kind_not_allowed"},     {&bonus, "bonus_not_as_rules"},
      {&big_earn, "earn_exceeds_rules"}, {&ghost, "reverse_unknown_entry"},
      {&hand_over, "rights_exceeded"},   {&spend, "rights_exceeded"}};
  for (const auto& [entry, reason] : expected) {
    const EntryAck& ack = AckOf(*answered, *entry);
    CHECK(ack.outcome == PushOutcome::kRejected);
    CHECK(ack.reason == reason);
    CHECK_FALSE(ack.message.empty());
  }
  CHECK(f.Member(f.bob).balance == 100);
  CHECK(Rejected(f, EntryRefusal::kKindNotAllowed) == 1);
  CHECK(Rejected(f, EntryRefusal::kBonusNotAsRules) == 1);
  CHECK(Rejected(f, EntryRefusal::kRightsExceeded) == 2);
  CHECK(f.service().counters().entries_ingested == 2);

  // The other store's till cannot spend what was never accepted.
  CHECK(f.service().Grant(f.t2, f.NewGrant(f.t2, "g-1", f.bob, 1'000'000)).status().reason() ==
        "insufficient_points");

  // Every refusal is in the security log, with the entry as sent.
  auto events = f.service().SecurityEvents(0, 100);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 6);
  CHECK((*events)[0].subject == adjust.entry_id);
  CHECK((*events)[0].terminal_id == "S001-T01");
  CHECK((*events)[0].store_id == "S001");
  CHECK((*events)[0].reason == "kind_not_allowed");
  CHECK((*events)[0].at_ms == f.now_ms);
  CHECK((*events)[0].body.text.find("\"adjust\"") != std::string::npos);
  CHECK((*events)[2].reason == "earn_exceeds_rules");
  auto after = f.service().SecurityEvents((*events)[3].event_id, 100);
  REQUIRE(after.ok());
  CHECK(after->size() == 2);

  // A retry is refused the same way and changes nothing.
  auto again = f.service().Push(f.t1, forged);
  REQUIRE(again.ok());
  CHECK(AckOf(*again, big_earn).reason == "earn_exceeds_rules");
  CHECK(f.Member(f.bob).balance == 100);
}

TEST_CASE("what a till legitimately writes is accepted, in one push with what it may not") {
  ServiceFixture f;
  Rules rules = DefaultRules();
  rules.version = 2;
  REQUIRE(f.service().PublishRules(rules).ok());
  // Gold (1.5x) is the most any member earns: 150 points for 100.00.
  LedgerEntry gold = f.Earn(f.t1, 1, f.ann, 150);
  gold.amount_minor = 10'000;
  gold.rule_version = 2;
  LedgerEntry greedy = f.Earn(f.t1, 2, f.ann, 151);
  greedy.amount_minor = 10'000;
  greedy.rule_version = 2;
  LedgerEntry old_rules = f.Earn(f.t1, 3, f.ann, 10);  // offline, still on version 1
  LedgerEntry future_rules = f.Earn(f.t1, 4, f.ann, 10);
  future_rules.rule_version = 7;
  LedgerEntry no_sale = f.Earn(f.t1, 5, f.ann, 10);
  no_sale.sale_ref.clear();
  LedgerEntry redeem = Redeem(f, f.t1, 6, f.ann, 160);  // of the 160 earned here
  LedgerEntry too_much = Redeem(f, f.t1, 7, f.ann, 1);
  // An earn that names its tier gets exactly what that tier gives: silver
  // (1.25x) gives 125 for 100.00, neither more nor less.
  LedgerEntry silver = f.Earn(f.t1, 8, f.ann, 125);
  silver.amount_minor = 10'000;
  silver.detail.tier = "silver";
  LedgerEntry silver_plus = f.Earn(f.t1, 9, f.ann, 140);  // within gold's bound only
  silver_plus.amount_minor = 10'000;
  silver_plus.detail.tier = "silver";
  LedgerEntry silver_short = f.Earn(f.t1, 10, f.ann, 100);
  silver_short.amount_minor = 10'000;
  silver_short.detail.tier = "silver";
  LedgerEntry platinum = f.Earn(f.t1, 11, f.ann, 100);
  platinum.amount_minor = 10'000;
  platinum.detail.tier = "platinum";
  PushRequest push = f.NewPush(f.t1);
  push.entries = {gold,     greedy, old_rules,   future_rules, no_sale,
                  redeem,   too_much, silver,    silver_plus,  silver_short,
                  platinum};
  auto answered = f.service().Push(f.t1, push);
  REQUIRE_MESSAGE(answered.ok(), answered.status().ToString());
  CHECK(AckOf(*answered, gold).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, greedy).reason == "earn_exceeds_rules");
  CHECK(AckOf(*answered, old_rules).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, future_rules).reason == "unknown_rule_version");
  CHECK(AckOf(*answered, no_sale).reason == "missing_sale");
  CHECK(AckOf(*answered, redeem).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, too_much).reason == "rights_exceeded");
  CHECK(AckOf(*answered, silver).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, silver_plus).reason == "earn_not_as_rules");
  CHECK(AckOf(*answered, silver_short).reason == "earn_not_as_rules");
  CHECK(AckOf(*answered, platinum).reason == "earn_not_as_rules");
  CHECK(f.Member(f.ann).balance == 125);

  // A retry of the accepted redeem is answered from the journal, not
  // checked against the rights it already spent.
  PushRequest retry = f.NewPush(f.t1);
  retry.entries = {redeem};
  auto again = f.service().Push(f.t1, retry);
  REQUIRE(again.ok());
  CHECK(again->entries[0].outcome == PushOutcome::kExists);
}

TEST_CASE("a till's campaign bonus is held to what its campaign gives, once per sale") {
  ServiceFixture f;
  Rules pack = DefaultRules();
  pack.version = 2;
  Campaign doubled;  // double points, at most 300 a sale
  doubled.id = "double";
  doubled.award.multiplier_bp = 20'000;
  doubled.award.max_points = 300;
  Campaign gift;  // 50 points on any qualifying sale
  gift.id = "gift";
  gift.award.bonus_points = 50;
  Campaign elsewhere = gift;  // the other store's
  elsewhere.id = "elsewhere";
  elsewhere.who.stores = {"S002"};
  Campaign over = gift;  // ended before the sale
  over.id = "over";
  over.when.until = FormatPackTime(f.now_ms - 1, 0);
  pack.campaigns = {doubled, gift, elsewhere, over};
  REQUIRE(f.service().PublishRules(pack).ok());
  const auto bonus = [&](int64_t seq, const std::string& campaign, int64_t points,
                         int64_t paid_minor) {
    LedgerEntry e = f.Earn(f.t1, seq, f.ann, points);
    e.kind = EntryKind::kBonus;
    e.amount_minor = 0;
    e.rule_version = 2;
    e.detail.campaign_id = campaign;
    e.detail.paid_minor = paid_minor;
    e.sale_ref = "R-1";
    return e;
  };
  // 100.00 paid: double gives 100 more, the gift 50.
  const LedgerEntry doubled_ok = bonus(1, "double", 100, 10'000);
  const LedgerEntry gift_ok = bonus(2, "gift", 50, 10'000);
  const LedgerEntry twice = bonus(3, "gift", 50, 10'000);  // the same sale again
  LedgerEntry other_sale = bonus(4, "gift", 50, 10'000);
  other_sale.sale_ref = "R-2";
  const LedgerEntry greedy = bonus(5, "double", 101, 10'000);
  const LedgerEntry capped = bonus(6, "double", 301, 1'000'000);  // above max_points
  LedgerEntry capped_sale = bonus(7, "double", 300, 1'000'000);
  capped_sale.sale_ref = "R-3";
  const LedgerEntry unknown = bonus(8, "jackpot", 1, 10'000);
  LedgerEntry paid_beyond = bonus(9, "gift", 50, 200'000'000'000);  // 2 billion paid
  paid_beyond.sale_ref = "R-4";
  LedgerEntry no_sale = bonus(10, "gift", 50, 10'000);
  no_sale.sale_ref.clear();
  LedgerEntry old_pack = bonus(11, "gift", 50, 10'000);
  old_pack.sale_ref = "R-5";
  old_pack.rule_version = 1;  // the default rules have no campaigns
  LedgerEntry other_store = bonus(12, "elsewhere", 50, 10'000);
  other_store.sale_ref = "R-6";
  LedgerEntry ended = bonus(13, "over", 50, 10'000);
  ended.sale_ref = "R-7";
  LedgerEntry nothing = bonus(14, "gift", 0, 10'000);
  nothing.sale_ref = "R-8";
  PushRequest push = f.NewPush(f.t1);
  push.entries = {doubled_ok, gift_ok,     twice,   other_sale, greedy,      capped, capped_sale,
                  unknown,    paid_beyond, no_sale, old_pack,   other_store, ended,  nothing};
  auto answered = f.service().Push(f.t1, push);
  REQUIRE_MESSAGE(answered.ok(), answered.status().ToString());
  CHECK(AckOf(*answered, doubled_ok).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, gift_ok).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, twice).reason == "bonus_not_as_rules");
  CHECK(AckOf(*answered, other_sale).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, greedy).reason == "bonus_not_as_rules");
  CHECK(AckOf(*answered, capped).reason == "bonus_not_as_rules");
  CHECK(AckOf(*answered, capped_sale).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, unknown).reason == "bonus_not_as_rules");
  CHECK(AckOf(*answered, paid_beyond).reason == "bonus_not_as_rules");
  CHECK(AckOf(*answered, no_sale).reason == "missing_sale");
  CHECK(AckOf(*answered, old_pack).reason == "bonus_not_as_rules");
  CHECK(AckOf(*answered, other_store).reason == "bonus_not_as_rules");
  CHECK(AckOf(*answered, ended).reason == "bonus_not_as_rules");
  CHECK(AckOf(*answered, nothing).reason == "bonus_not_as_rules");
  CHECK(Rejected(f, EntryRefusal::kBonusNotAsRules) == 9);
  CHECK(f.Member(f.ann).balance == 100 + 50 + 50 + 300);

  // The till takes back what a bonus gave, never more; a bonus cannot be
  // "given back".
  PushRequest refund = f.NewPush(f.t1);
  const LedgerEntry half = Reverse(f, f.t1, 15, doubled_ok, -50, 0);
  const LedgerEntry rest = Reverse(f, f.t1, 16, doubled_ok, -50, 0);
  const LedgerEntry beyond = Reverse(f, f.t1, 17, doubled_ok, -1, 0);
  const LedgerEntry adds = Reverse(f, f.t1, 18, gift_ok, 10, 0);
  const LedgerEntry with_spend = Reverse(f, f.t1, 19, gift_ok, -10, -100);  // it had none
  refund.entries = {half, rest, beyond, adds, with_spend};
  answered = f.service().Push(f.t1, refund);
  REQUIRE_MESSAGE(answered.ok(), answered.status().ToString());
  CHECK(AckOf(*answered, half).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, rest).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, beyond).reason == "reverse_exceeds");
  CHECK(AckOf(*answered, adds).reason == "reverse_mismatch");
  CHECK(AckOf(*answered, with_spend).reason == "reverse_exceeds");
  CHECK(f.Member(f.ann).balance == 50 + 50 + 300);

  // Another till takes back a bonus only as far as a claimed return says.
  PushRequest there = f.NewPush(f.t2);
  there.entries = {Reverse(f, f.t2, 1, gift_ok, -50, 0)};
  answered = f.service().Push(f.t2, there);
  REQUIRE(answered.ok());
  CHECK(answered->entries[0].reason == "reverse_not_claimed");
}

TEST_CASE("amounts, points and times beyond sane bounds are refused") {
  ServiceFixture f;
  LedgerEntry ancient = f.Earn(f.t1, 1, f.ann, 10);
  ancient.wall_ms = 631'152'000'000;  // 1990
  LedgerEntry far_ahead = f.Earn(f.t1, 2, f.ann, 10);
  far_ahead.hlc = HlcTimestamp::FromParts(f.now_ms + 20LL * 365 * 24 * 3600 * 1000, 0);
  LedgerEntry years_ahead = f.Earn(f.t1, 3, f.ann, 10);  // a till whose clock runs ahead
  years_ahead.wall_ms = f.now_ms + 4LL * 365 * 24 * 3600 * 1000;
  years_ahead.hlc = HlcTimestamp::FromParts(years_ahead.wall_ms, 0);
  LedgerEntry huge = f.Earn(f.t1, 4, f.ann, 2'000'000'000);
  huge.amount_minor = 200'000'000'000;
  PushRequest push = f.NewPush(f.t1);
  push.entries = {ancient, far_ahead, years_ahead, huge};
  auto answered = f.service().Push(f.t1, push);
  REQUIRE(answered.ok());
  CHECK(AckOf(*answered, ancient).reason == "out_of_bounds");
  CHECK(AckOf(*answered, far_ahead).reason == "out_of_bounds");
  CHECK(AckOf(*answered, years_ahead).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, huge).reason == "out_of_bounds");
  CHECK(Rejected(f, EntryRefusal::kOutOfBounds) == 3);
}

TEST_CASE(
    "a reverse names a real entry of its member and sale, with the opposite sign, "
    "never more than it") {
  ServiceFixture f;
  const LedgerEntry earn = f.Earn(f.t1, 1, f.ann, 100);  // 100.00 paid
  LedgerEntry redeem = Redeem(f, f.t1, 2, f.ann, 40);
  redeem.sale_ref = earn.sale_ref;
  const LedgerEntry hand_back = f.HandBack(f.t1, 3, f.ann, 10);
  PushRequest first = f.NewPush(f.t1);
  first.entries = {earn, redeem, hand_back};
  auto stored = f.service().Push(f.t1, first);
  REQUIRE(stored.ok());
  REQUIRE(stored->entries[2].outcome == PushOutcome::kOk);

  LedgerEntry other_member = Reverse(f, f.t1, 13, earn, -10, -1'000);
  other_member.member_id = f.bob;
  LedgerEntry other_sale = Reverse(f, f.t1, 4, earn, -10, -1'000);
  other_sale.sale_ref = "R-77";
  LedgerEntry adds = Reverse(f, f.t1, 5, earn, 10, 0);
  LedgerEntry takes = Reverse(f, f.t1, 6, redeem, -10, 0);
  LedgerEntry of_a_transfer = Reverse(f, f.t1, 7, hand_back, -10, 0);
  LedgerEntry partial = Reverse(f, f.t1, 8, earn, -60, -6'000);
  LedgerEntry rest = Reverse(f, f.t1, 9, earn, -40, -4'000);
  LedgerEntry beyond = Reverse(f, f.t1, 10, earn, -1, 0);
  LedgerEntry give_back = Reverse(f, f.t1, 11, redeem, 40, 0);
  LedgerEntry give_more = Reverse(f, f.t1, 12, redeem, 1, 0);
  PushRequest push = f.NewPush(f.t1);
  push.entries = {other_member, other_sale, adds,   takes,     of_a_transfer,
                  partial,      rest,       beyond, give_back, give_more};
  auto answered = f.service().Push(f.t1, push);
  REQUIRE_MESSAGE(answered.ok(), answered.status().ToString());
  CHECK(AckOf(*answered, other_member).reason == "reverse_mismatch");
  CHECK(AckOf(*answered, other_sale).reason == "reverse_mismatch");
  CHECK(AckOf(*answered, adds).reason == "reverse_mismatch");
  CHECK(AckOf(*answered, takes).reason == "reverse_mismatch");
  CHECK(AckOf(*answered, of_a_transfer).reason == "reverse_mismatch");
  CHECK(AckOf(*answered, partial).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, rest).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, beyond).reason == "reverse_exceeds");
  CHECK(AckOf(*answered, give_back).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, give_more).reason == "reverse_exceeds");
  CHECK(f.Member(f.ann).balance == 0);  // 100 - 40, less 100, plus 40
}

TEST_CASE("a till reverses another till's sale only as far as the returns it claimed") {
  ServiceFixture f;
  const LedgerEntry earn = f.Earn(f.t1, 1, f.ann, 100);
  PushRequest sale = f.NewPush(f.t1);
  sale.entries = {earn};
  REQUIRE(f.service().Push(f.t1, sale).ok());
  // A return at the other store that head office never counted: the
  // cashier gives the card's points back without a receipt anyone checked.
  PushRequest there = f.NewPush(f.t2);
  there.entries = {Reverse(f, f.t2, 1, earn, -100, -10'000)};
  auto answered = f.service().Push(f.t2, there);
  REQUIRE(answered.ok());
  CHECK(answered->entries[0].reason == "reverse_not_claimed");
  CHECK(f.Member(f.ann).balance == 100);
  // Claimed returns, and refunds in two stores at once that head office
  // settles: tests/sync/records_sync_test.cc.
}

}  // namespace
}  // namespace patron::sync

namespace patron::sync {
namespace {

TEST_CASE("a till's credit carries the lot its pack gives; a reversal names its earn's lot") {
  ServiceFixture f;
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.expiry.months = 12;
  pack.expiry.pending_days = 7;
  REQUIRE(f.service().PublishRules(pack).ok());
  const LotDays due = LotFor(pack, f.now_ms);
  const auto earn = [&](int64_t seq, const LotDays& lot) {
    LedgerEntry e = f.Earn(f.t1, seq, f.ann, 100);
    e.amount_minor = 10'000;
    e.rule_version = 2;
    SetLot(e.detail, lot);
    return e;
  };
  LedgerEntry honest = earn(1, due);
  LedgerEntry longer = earn(2, LotDays{due.expires_day + 365, due.available_day});
  LedgerEntry at_once = earn(3, LotDays{due.expires_day, 0});
  LedgerEntry never = earn(4, LotDays{});
  LedgerEntry garbled = earn(5, due);
  garbled.detail.expires_on = "2027-13-01";
  // Taking back the honest earn: its own lot, or none (a return elsewhere).
  LedgerEntry own_lot = Reverse(f, f.t1, 6, honest, -10, -1'000);
  SetLot(own_lot.detail, due);
  LedgerEntry no_lot = Reverse(f, f.t1, 7, honest, -10, -1'000);
  LedgerEntry other_lot = Reverse(f, f.t1, 8, honest, -10, -1'000);
  SetLot(other_lot.detail, LotDays{due.expires_day + 31, 0});
  PushRequest push = f.NewPush(f.t1);
  push.entries = {honest, longer, at_once, never, garbled, own_lot, no_lot, other_lot};
  auto answered = f.service().Push(f.t1, push);
  REQUIRE_MESSAGE(answered.ok(), answered.status().ToString());
  CHECK(AckOf(*answered, honest).outcome == PushOutcome::kOk);
  for (const LedgerEntry* forged : {&longer, &at_once, &never, &garbled, &other_lot}) {
    CHECK(AckOf(*answered, *forged).reason == "lot_not_as_rules");
  }
  CHECK(AckOf(*answered, own_lot).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, no_lot).outcome == PushOutcome::kOk);
  CHECK(Rejected(f, EntryRefusal::kLotNotAsRules) == 5);
  CHECK(f.Member(f.ann).balance == 80);
  // Head office's lots: the honest earn's, less what the reversals took.
  const MemberState ann = f.Member(f.ann);
  const LotBook& lots = ann.lots;
  REQUIRE(lots.lots.size() == 1);
  CHECK(lots.lots[0].days == due);
  CHECK(lots.lots[0].remaining() == 80);
}

}  // namespace
}  // namespace patron::sync
