// Vouchers at head office (records/voucher.h): issued once to a member it
// holds, handed to one till at a time, given back on recall, and used once:
// a voucher's bonus is taken only from its holder, as issued.
#include <doctest/doctest.h>

#include "patron/record/record_json.h"
#include "patron/records/campaign_voucher.h"
#include "patron/records/sale.h"
#include "patron/records/voucher.h"
#include "patron/sync/codec.h"
#include "service_fixture.h"

namespace patron::sync {
namespace {

// Ann exists at head office once a till's earn for her arrived.
void Known(ServiceFixture& f, const std::string& member_id, int64_t seq) {
  PushRequest push = f.NewPush(f.t1);
  push.entries = {f.Earn(f.t1, seq, member_id, 10)};
  REQUIRE(f.service().Push(f.t1, push).ok());
}

VoucherIssue Birthday(const std::string& member_id, const std::string& id = "BDAY-1") {
  VoucherIssue issue;
  issue.voucher.voucher_id = id;
  issue.voucher.member_id = member_id;
  issue.voucher.name = "生日礼券 Birthday 20 off";
  issue.voucher.source = "birthday";
  issue.voucher.amount_off_minor = 2'000;
  issue.voucher.min_spend_minor = 10'000;
  issue.voucher.bonus_points = 88;
  issue.valid_until = "2026-07-01T00:00:00Z";
  return issue;
}

Voucher Stored(ServiceFixture& f, const std::string& member_id, const std::string& id) {
  auto vouchers = f.service().MemberVouchers(member_id);
  REQUIRE(vouchers.ok());
  for (const Voucher& v : *vouchers) {
    if (v.voucher_id == id) return v;
  }
  FAIL("no voucher " << id);
  return {};
}

VoucherClaimRequest Claim(const Caller& caller, const std::string& id,
                          const std::string& member_id) {
  return {caller.terminal_id, ChainKeyFingerprint(kDemoChainKey), id, member_id};
}

template <typename Record>
RecordEnvelope Envelope(std::string_view kind, const std::string& id, const Record& record) {
  return {std::string(kind), id, {record::EncodeRecord(record)}};
}

LedgerEntry VoucherBonus(ServiceFixture& f, const Caller& caller, int64_t seq,
                         const std::string& member_id, const std::string& voucher_id,
                         int64_t points) {
  LedgerEntry e = f.Earn(caller, seq, member_id, points);
  e.kind = EntryKind::kBonus;
  e.amount_minor = 0;
  e.detail.voucher_id = voucher_id;
  return e;
}

SaleRecord SaleUsing(const Caller& caller, const std::string& ref, const std::string& member_id,
                     const std::string& voucher_id, const std::string& bonus_entry) {
  SaleRecord sale;
  sale.sale_id = MakeSaleId(caller.terminal_id, ref);
  sale.terminal_id = caller.terminal_id;
  sale.store_id = caller.store_id;
  sale.sale_ref = ref;
  sale.member_id = member_id;
  sale.amount_minor = 12'000;
  sale.currency = "USD";
  sale.voucher_discount_minor = 2'000;
  sale.paid_minor = 10'000;
  sale.eligible_paid_minor = 10'000;
  sale.rule_version = 1;
  sale.hlc = HlcTimestamp::FromParts(kNow, 1);
  sale.wall_ms = kNow;
  SaleAward award;
  award.voucher_id = voucher_id;
  award.discount_minor = 2'000;
  award.points = bonus_entry.empty() ? 0 : 88;
  award.entry_id = bonus_entry;
  sale.awards.push_back(award);
  return sale;
}

PushResponse PushAll(ServiceFixture& f, const Caller& caller, std::vector<LedgerEntry> entries,
                     std::vector<RecordEnvelope> records = {}) {
  PushRequest push = f.NewPush(caller);
  push.entries = std::move(entries);
  push.records = std::move(records);
  auto response = f.service().Push(caller, push);
  REQUIRE_MESSAGE(response.ok(), response.status().ToString());
  return *response;
}

TEST_CASE("head office issues a voucher once, to a member it holds, and sends it to every till") {
  ServiceFixture f;
  auto unknown = f.service().IssueVoucher(Birthday(f.ann));
  CHECK(unknown.status().reason() == "unknown_member");
  Known(f, f.ann, 1);

  VoucherIssue nothing = Birthday(f.ann);
  nothing.voucher.amount_off_minor = 0;
  nothing.voucher.bonus_points = 0;
  auto refused = f.service().IssueVoucher(nothing);
  CHECK(refused.status().reason() == "invalid_voucher");
  CHECK(refused.status().message().starts_with("amount_off_minor"));
  VoucherIssue no_end = Birthday(f.ann);
  no_end.valid_until.clear();
  CHECK(f.service().IssueVoucher(no_end).status().message().starts_with("valid_until"));
  VoucherIssue bad_time = Birthday(f.ann);
  bad_time.valid_until = "July";
  CHECK(f.service().IssueVoucher(bad_time).status().reason() == "invalid_time");
  VoucherIssue nowhere = Birthday(f.ann);
  nowhere.place_at = "S009-T09";
  CHECK(f.service().IssueVoucher(nowhere).status().reason() == "unknown_terminal");
  CHECK(f.service().MemberVouchers(f.ann)->empty());

  auto issued = f.service().IssueVoucher(Birthday(f.ann));
  REQUIRE_MESSAGE(issued.ok(), issued.status().ToString());
  CHECK(issued->created);
  const Voucher& v = issued->voucher;
  CHECK(v.status == "issued");
  CHECK(v.holder.empty());
  CHECK(v.holder_gen == 0);
  CHECK(v.issued_ms == kNow);
  CHECK(v.valid_from_ms == kNow);
  CHECK(v.valid_until_ms == 1'782'864'000'000);  // 2026-07-01T00:00:00Z
  CHECK(f.service().counters().vouchers_issued == 1);

  // A retry is answered by what is stored; other terms under the id are refused.
  f.now_ms += 1'000;
  auto again = f.service().IssueVoucher(Birthday(f.ann));
  REQUIRE(again.ok());
  CHECK_FALSE(again->created);
  CHECK(again->voucher == v);
  VoucherIssue bigger = Birthday(f.ann);
  bigger.voucher.amount_off_minor = 5'000;
  CHECK(f.service().IssueVoucher(bigger).status().reason() == "voucher_id_taken");
  CHECK(f.service().counters().vouchers_issued == 1);

  // Without an id, head office makes one.
  VoucherIssue unnamed = Birthday(f.ann, "");
  auto made = f.service().IssueVoucher(unnamed);
  REQUIRE(made.ok());
  CHECK(made->voucher.voucher_id.size() == 21);
  CHECK(made->voucher.voucher_id[0] == 'V');
  CHECK(f.service().MemberVouchers(f.ann)->size() == 2);

  // Every till gets it, addressed to the member.
  auto page = f.service().Pull(f.t2, f.NewPull(f.t2));
  REQUIRE(page.ok());
  int vouchers = 0;
  for (const DownItem& item : page->down) {
    if (item.kind != kVoucherItem) continue;
    ++vouchers;
    CHECK(item.audience == "member");
    CHECK(item.address == f.ann);
    auto body = record::DecodeRecord<Voucher>(item.body.text);
    REQUIRE(body.ok());
    CHECK(body->voucher_id == item.key);
    if (item.key == "BDAY-1") CHECK(*body == v);
  }
  CHECK(vouchers == 2);
}

TEST_CASE("a claim hands a voucher to one till; another till's claim asks for it back") {
  ServiceFixture f;
  Known(f, f.ann, 1);
  Known(f, f.bob, 2);
  REQUIRE(f.service().IssueVoucher(Birthday(f.ann)).ok());

  CHECK(f.service().ClaimVoucher(f.t1, Claim(f.t1, "NOPE", f.ann)).status().reason() ==
        "unknown_voucher");
  CHECK(f.service().ClaimVoucher(f.t1, Claim(f.t1, "BDAY-1", f.bob)).status().reason() ==
        "voucher_other_member");
  CHECK(f.service().ClaimVoucher(f.t1, Claim(f.t2, "BDAY-1", f.ann)).status().code() ==
        StatusCode::kPermissionDenied);  // speaking for another till

  auto first = f.service().ClaimVoucher(f.t1, Claim(f.t1, "BDAY-1", f.ann));
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  CHECK(first->holder == "S001-T01");
  CHECK(first->holder_gen == 1);
  // Claimed again by its holder: a new holding.
  auto second = f.service().ClaimVoucher(f.t1, Claim(f.t1, "BDAY-1", f.ann));
  REQUIRE(second.ok());
  CHECK(second->holder_gen == 2);
  CHECK(f.service().counters().vouchers_claimed == 2);

  auto elsewhere = f.service().ClaimVoucher(f.t2, Claim(f.t2, "BDAY-1", f.ann));
  CHECK(elsewhere.status().reason() == "voucher_held_elsewhere");
  CHECK(elsewhere.status().code() == StatusCode::kConflict);
  CHECK(Stored(f, f.ann, "BDAY-1").recall);
  CHECK(Stored(f, f.ann, "BDAY-1").holder == "S001-T01");

  // A give-back of the first holding is stale: the second stands.
  const VoucherRelease stale{"BDAY-1", "S001-T01", 1, kNow};
  const VoucherRelease current{"BDAY-1", "S001-T01", 2, kNow};
  PushResponse pushed =
      PushAll(f, f.t1, {},
              {Envelope(kVoucherReleaseKind, VoucherReleaseId("S001-T01", "BDAY-1", 1), stale)});
  CHECK(pushed.records[0].outcome == PushOutcome::kOk);
  CHECK(Stored(f, f.ann, "BDAY-1").holder == "S001-T01");
  // Only the holder gives back, under the id of what it gives back.
  pushed =
      PushAll(f, f.t2, {},
              {Envelope(kVoucherReleaseKind, VoucherReleaseId("S001-T01", "BDAY-1", 2), current),
               Envelope(kVoucherReleaseKind, "S001-T01/voucher_release/x", current)});
  CHECK(pushed.records[0].outcome == PushOutcome::kRejected);
  CHECK(Stored(f, f.ann, "BDAY-1").holder == "S001-T01");
  pushed =
      PushAll(f, f.t1, {},
              {Envelope(kVoucherReleaseKind, "S001-T01/voucher_release/x", current),
               Envelope(kVoucherReleaseKind, VoucherReleaseId("S001-T01", "BDAY-1", 2), current)});
  CHECK(pushed.records[0].outcome == PushOutcome::kRejected);
  CHECK(pushed.records[1].outcome == PushOutcome::kOk);
  const Voucher back = Stored(f, f.ann, "BDAY-1");
  CHECK(back.holder.empty());
  CHECK_FALSE(back.recall);

  auto handed = f.service().ClaimVoucher(f.t2, Claim(f.t2, "BDAY-1", f.ann));
  REQUIRE(handed.ok());
  CHECK(handed->holder == "S002-T01");
  CHECK(handed->holder_gen == 3);

  // Past its window nobody gets it.
  f.now_ms = 1'782'864'000'000;
  CHECK(f.service().ClaimVoucher(f.t2, Claim(f.t2, "BDAY-1", f.ann)).status().reason() ==
        "voucher_expired");
}

TEST_CASE("head office takes a voucher's bonus only from its holder, once, as issued") {
  ServiceFixture f;
  Known(f, f.ann, 1);
  VoucherIssue placed = Birthday(f.ann);
  placed.place_at = "S001-T01";
  auto issued = f.service().IssueVoucher(placed);
  REQUIRE(issued.ok());
  CHECK(issued->voucher.holder == "S001-T01");
  CHECK(issued->voucher.holder_gen == 1);

  PushResponse pushed = PushAll(f, f.t2, {VoucherBonus(f, f.t2, 1, f.ann, "BDAY-1", 88)});
  CHECK(pushed.entries[0].reason == "voucher_not_as_issued");
  pushed = PushAll(
      f, f.t1,
      {VoucherBonus(f, f.t1, 2, f.ann, "BDAY-1", 99), VoucherBonus(f, f.t1, 3, f.ann, "NOPE", 88)});
  CHECK(pushed.entries[0].reason == "voucher_not_as_issued");
  CHECK(pushed.entries[1].reason == "voucher_not_as_issued");
  CHECK(Stored(f, f.ann, "BDAY-1").status == "issued");

  const LedgerEntry bonus = VoucherBonus(f, f.t1, 4, f.ann, "BDAY-1", 88);
  pushed = PushAll(f, f.t1, {bonus, VoucherBonus(f, f.t1, 5, f.ann, "BDAY-1", 88)});
  CHECK(pushed.entries[0].outcome == PushOutcome::kOk);
  CHECK(pushed.entries[1].reason == "voucher_not_as_issued");  // its bonus was given
  Voucher used = Stored(f, f.ann, "BDAY-1");
  CHECK(used.status == "used");
  CHECK(used.used_sale_id == "S001-T01/R-4");
  CHECK(used.bonus_entry == bonus.entry_id);
  CHECK(f.Member(f.ann).balance == 10 + 88);

  // The sale that used it completes it; a sale at another till naming it
  // is filed (it happened) and logged.
  const SaleRecord sale = SaleUsing(f.t1, "R-4", f.ann, "BDAY-1", bonus.entry_id);
  const SaleRecord misuse = SaleUsing(f.t2, "R-9", f.ann, "BDAY-1", "");
  pushed = PushAll(f, f.t1, {}, {Envelope(kSaleRecordKind, sale.sale_id, sale)});
  CHECK(pushed.records[0].outcome == PushOutcome::kOk);
  pushed = PushAll(f, f.t2, {}, {Envelope(kSaleRecordKind, misuse.sale_id, misuse)});
  CHECK(pushed.records[0].outcome == PushOutcome::kOk);
  CHECK(f.service().counters().vouchers_used == 1);
  CHECK(f.service().counters().vouchers_misused == 1);
  CHECK(Stored(f, f.ann, "BDAY-1").used_sale_id == "S001-T01/R-4");
  auto events = f.service().SecurityEvents(0, 100);
  REQUIRE(events.ok());
  REQUIRE_FALSE(events->empty());
  CHECK(events->back().reason == "voucher_not_held");
  CHECK(events->back().subject == "S002-T01/R-9");

  // A sale whose vouchers' discounts do not add up is refused.
  SaleRecord wrong = SaleUsing(f.t1, "R-10", f.ann, "BDAY-1", "");
  wrong.voucher_discount_minor = 1;
  pushed = PushAll(f, f.t1, {}, {Envelope(kSaleRecordKind, wrong.sale_id, wrong)});
  CHECK(pushed.records[0].outcome == PushOutcome::kRejected);
}

TEST_CASE("a sale naming an unused voucher its till did not hold spends it, and is logged") {
  ServiceFixture f;
  Known(f, f.ann, 1);
  REQUIRE(f.service().IssueVoucher(Birthday(f.ann)).ok());  // head office holds it
  // A till restored from an old backup believed it held the voucher.
  const SaleRecord sale = SaleUsing(f.t2, "R-7", f.ann, "BDAY-1", "");
  PushResponse pushed = PushAll(f, f.t2, {}, {Envelope(kSaleRecordKind, sale.sale_id, sale)});
  CHECK(pushed.records[0].outcome == PushOutcome::kOk);
  const Voucher spent = Stored(f, f.ann, "BDAY-1");
  CHECK(spent.status == "used");
  CHECK(spent.used_sale_id == "S002-T01/R-7");
  CHECK(f.service().counters().vouchers_misused == 1);
  CHECK(f.service().SecurityEvents(0, 10)->back().reason == "voucher_not_held");
  // No other till gets it now.
  CHECK(f.service().ClaimVoucher(f.t1, Claim(f.t1, "BDAY-1", f.ann)).status().reason() ==
        "voucher_used");
}

TEST_CASE("head office takes a voucher back from a till that will not give it back") {
  ServiceFixture f;
  Known(f, f.ann, 1);
  VoucherIssue placed = Birthday(f.ann);
  placed.place_at = "S001-T01";
  REQUIRE(f.service().IssueVoucher(placed).ok());
  CHECK(f.service().TakeBackVoucher("NOPE").status().reason() == "unknown_voucher");
  auto back = f.service().TakeBackVoucher("BDAY-1");
  REQUIRE(back.ok());
  CHECK(back->holder.empty());
  CHECK(back->holder_gen == 2);
  // The old holder's word no longer counts: its bonus is refused.
  PushResponse pushed = PushAll(f, f.t1, {VoucherBonus(f, f.t1, 2, f.ann, "BDAY-1", 88)});
  CHECK(pushed.entries[0].reason == "voucher_not_as_issued");
  auto claimed = f.service().ClaimVoucher(f.t2, Claim(f.t2, "BDAY-1", f.ann));
  REQUIRE(claimed.ok());
  CHECK(claimed->holder_gen == 3);
  pushed = PushAll(f, f.t2, {VoucherBonus(f, f.t2, 3, f.ann, "BDAY-1", 88)});
  REQUIRE(pushed.entries[0].outcome == PushOutcome::kOk);
  CHECK(f.service().TakeBackVoucher("BDAY-1").status().reason() == "voucher_used");
}

// A sale given money off by a campaign, as a till files it (evaluate.h).
SaleRecord SaleWithMoneyOff(const Caller& caller, const std::string& ref,
                            const std::string& member_id, int64_t off) {
  SaleRecord sale = SaleUsing(caller, ref, member_id, "", "");
  sale.awards.clear();
  sale.voucher_discount_minor = 0;
  SaleAward award;
  award.campaign_id = "tenth-off";
  award.discount_minor = off;
  sale.awards.push_back(award);
  sale.campaign_discount_minor = off;
  sale.paid_minor = sale.eligible_paid_minor = sale.amount_minor - off;
  return sale;
}

TEST_CASE("a sale's money off by campaigns is filed only when its awards add up to it") {
  ServiceFixture f;
  Known(f, f.ann, 1);
  const auto outcome = [&](const SaleRecord& sale) {
    return PushAll(f, f.t1, {}, {Envelope(kSaleRecordKind, sale.sale_id, sale)}).records[0].outcome;
  };
  CHECK(outcome(SaleWithMoneyOff(f.t1, "R-1", f.ann, 1'200)) == PushOutcome::kOk);

  SaleRecord wrong_total = SaleWithMoneyOff(f.t1, "R-2", f.ann, 1'200);
  wrong_total.campaign_discount_minor = 1'000;
  CHECK(outcome(wrong_total) == PushOutcome::kRejected);

  SaleRecord with_points = SaleWithMoneyOff(f.t1, "R-3", f.ann, 1'200);
  with_points.awards[0].points = 10;
  CHECK(outcome(with_points) == PushOutcome::kRejected);

  SaleRecord held_out_off = SaleWithMoneyOff(f.t1, "R-4", f.ann, 1'200);
  held_out_off.awards[0].held_out = true;
  CHECK(outcome(held_out_off) == PushOutcome::kRejected);

  // Campaigns and vouchers together never take off more than the sale.
  SaleRecord too_much = SaleWithMoneyOff(f.t1, "R-5", f.ann, 11'000);
  SaleAward voucher;
  voucher.voucher_id = "V-1";
  voucher.discount_minor = 2'000;
  too_much.awards.push_back(voucher);
  too_much.voucher_discount_minor = 2'000;
  too_much.paid_minor = too_much.eligible_paid_minor = 0;
  CHECK(outcome(too_much) == PushOutcome::kRejected);
}

TEST_CASE("head office keeps a campaign's voucher only under the id the sale's pack gives it") {
  ServiceFixture f;
  Known(f, f.ann, 1);
  Rules pack = DefaultRules();
  pack.version = 2;
  Campaign spend;
  spend.id = "spend-get";
  spend.award.voucher = {300, 0, 0, 0, 7};
  pack.campaigns = {spend};
  REQUIRE(f.service().PublishRules(pack).ok());
  const auto push = [&](const SaleRecord& sale) {
    return PushAll(f, f.t1, {}, {Envelope(kSaleRecordKind, sale.sale_id, sale)}).records[0];
  };
  const auto issuing = [&](const std::string& ref, const std::string& voucher_id) {
    SaleRecord sale = SaleUsing(f.t1, ref, f.ann, "", "");
    sale.awards.clear();
    sale.voucher_discount_minor = 0;
    sale.paid_minor = sale.eligible_paid_minor = sale.amount_minor;
    sale.rule_version = 2;
    SaleAward award;
    award.campaign_id = "spend-get";
    award.issued_voucher_id = voucher_id;
    sale.awards.push_back(award);
    return sale;
  };
  CHECK(push(issuing("R-1", "c-forged")).outcome == PushOutcome::kRejected);
  const SaleRecord sale = issuing("R-2", CampaignVoucherId("S001-T01/R-2", "spend-get"));
  CHECK(push(sale).outcome == PushOutcome::kOk);
  const Voucher kept = Stored(f, f.ann, CampaignVoucherId("S001-T01/R-2", "spend-get"));
  CHECK(kept.holder == "S001-T01");
  CHECK(kept.amount_off_minor == 300);
  CHECK(kept.valid_until_ms == sale.wall_ms + 7 * 86'400'000);
}

}  // namespace
}  // namespace patron::sync
