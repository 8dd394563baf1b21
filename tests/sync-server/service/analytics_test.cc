// Head office's analytics (analytics_folder.h, analytics_reports.h): the
// fold adds every sale, refund, entry and enrolment to the daily rollups and
// the members' figures, and a rebuild from the ledger gives the same.
#include <doctest/doctest.h>

#include "consumption_records.h"
#include "patron/sync_server/analytics_reports.h"

namespace patron::sync {
namespace {

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;
const std::string kDay1 = "2026-06-01";  // kNow's day, UTC (the default pack's offset)
const std::string kDay2 = "2026-06-02";

StoreDay RowOf(const std::vector<StoreDay>& rows, const std::string& store,
               const std::string& day) {
  for (const StoreDay& row : rows) {
    if (row.store_id == store && row.day == day) return row;
  }
  FAIL("no row for " << store << " " << day);
  return {};
}

// Everything the reports read, to compare two states.
struct Everything {
  std::vector<StoreDay> stores;
  std::vector<CategoryDay> categories;
  std::vector<CampaignDay> campaigns;
  std::vector<TierDay> tiers;
  std::vector<MemberSummary> members;
  std::vector<MemberPurchases> purchases;
};

Everything ReadEverything(SyncService& service) {
  AnalyticsReports& reports = service.analytics();
  Everything all;
  all.stores = reports.StoreDays({}).value();
  all.categories = reports.CategoryDays({}).value();
  all.campaigns = reports.CampaignDays("", {}).value();
  all.tiers = reports.TierDays({}).value();
  all.members = reports.Members("", 1000).value();
  for (const MemberSummary& m : all.members) {
    all.purchases.push_back(reports.Member(m.member_id).value());
  }
  return all;
}

void CheckSame(const Everything& a, const Everything& b) {
  CHECK(a.stores == b.stores);
  CHECK(a.categories == b.categories);
  CHECK(a.campaigns == b.campaigns);
  CHECK(a.tiers == b.tiers);
  CHECK(a.members == b.members);
  REQUIRE(a.purchases.size() == b.purchases.size());
  for (size_t i = 0; i < a.purchases.size(); ++i) {
    CHECK(a.purchases[i].summary == b.purchases[i].summary);
    CHECK(a.purchases[i].days == b.purchases[i].days);
    CHECK(a.purchases[i].categories == b.purchases[i].categories);
  }
}

// Ann buys twice on day 1 (S001, then S002) and once on day 2; Bob once on
// day 1 at S001; Ann returns 10.00 of her first sale at S002. Ann enrolled
// at S002 first, then (an earlier enrolment arriving late) at S001.
void SellADay(ServiceFixture& f) {
  SaleRecord first = Sale(f.t1, "R-1", f.ann, 3'000);
  SaleAward doubled;
  doubled.campaign_id = "double";
  doubled.points = 30;
  doubled.entry_id = "S001-T01/2";
  SaleAward held_out;
  held_out.campaign_id = "member-day";
  held_out.held_out = true;
  SaleAward money_off;
  money_off.campaign_id = "dairy-off";
  money_off.discount_minor = 150;
  first.awards = {doubled, held_out, money_off};
  first.campaign_discount_minor = 150;
  first.paid_minor = 2'850;
  SaleRecord bobs = Sale(f.t1, "R-2", f.bob, 1'000);
  SaleRecord second = Sale(f.t2, "R-3", f.ann, 2'000);
  SaleRecord next_day = Sale(f.t1, "R-4", f.ann, 500);
  next_day.wall_ms = kNow + kDayMs;
  next_day.lines = {testing::Line("MILK", 2, 500, "dairy")};

  PushRequest push = f.NewPush(f.t1);
  push.entries = {f.Earn(f.t1, 1, f.ann, 28), f.Earn(f.t1, 3, f.bob, 10)};
  push.profile_changes = {f.Change(f.t1, 1, f.ann, "identity",
                                   R"({"phone":"+14155550100","card":null,"enrolled_store":"S002",)"
                                   R"("enrolled_ms":1780315200000})",
                                   kNow)};
  push.records = {Envelope(kSaleRecordKind, first.sale_id, first),
                  Envelope(kSaleRecordKind, bobs.sale_id, bobs),
                  Envelope(kSaleRecordKind, next_day.sale_id, next_day)};
  REQUIRE(f.service().Push(f.t1, push).ok());
  PushRecords(f, f.t2,
              {Envelope(kSaleRecordKind, second.sale_id, second),
               Envelope(kRefundRecordKind, "S002-T01/F-1", Refund(f.t2, "F-1", first, 1'000))});
  PushRequest late = f.NewPush(f.t2);
  late.profile_changes = {f.Change(f.t2, 2, f.ann, "identity",
                                   R"({"phone":"+14155550100","card":null,"enrolled_store":"S001",)"
                                   R"("enrolled_ms":1780315100000})",
                                   kNow)};
  REQUIRE(f.service().Push(f.t2, late).ok());
}

TEST_CASE("the fold adds each day's sales, refunds, points and enrolments to its store") {
  ServiceFixture f;
  SellADay(f);
  const std::vector<StoreDay> rows = f.service().analytics().StoreDays({}).value();
  REQUIRE(rows.size() == 3);

  const StoreDay s1 = RowOf(rows, "S001", kDay1);
  CHECK(s1.sales == 2);
  CHECK(s1.members_buying == 2);
  CHECK(s1.first_purchases == 2);  // Ann's first purchase is S001's, the least store that day
  CHECK(s1.new_members == 1);      // the earlier enrolment stands
  CHECK(s1.basket_minor == 4'000);
  CHECK(s1.campaign_off_minor == 150);
  CHECK(s1.paid_minor == 3'850);
  CHECK(s1.points_earned == 38);
  CHECK(s1.points_net == 38);
  CHECK(s1.refunds == 0);

  const StoreDay s2 = RowOf(rows, "S002", kDay1);
  CHECK(s2.sales == 1);
  CHECK(s2.members_buying == 1);
  CHECK(s2.first_purchases == 0);
  CHECK(s2.new_members == 0);  // moved to S001
  CHECK(s2.refunds == 1);
  CHECK(s2.refunded_minor == 1'000);

  const StoreDay next = RowOf(rows, "S001", kDay2);
  CHECK(next.sales == 1);
  CHECK(next.members_buying == 1);
  CHECK(next.first_purchases == 0);

  // A range and a store narrow it.
  CHECK(f.service().analytics().StoreDays({"S001", kDay2, kDay2}).value() ==
        std::vector<StoreDay>{next});

  const MemberPurchases ann = f.service().analytics().Member(f.ann).value();
  CHECK(ann.summary.first_day == kDay1);
  CHECK(ann.summary.first_store == "S001");
  CHECK(ann.summary.last_day == kDay2);
  CHECK(ann.summary.purchase_days == 2);
  CHECK(ann.summary.sales == 3);
  CHECK(ann.summary.paid_minor == 2'850 + 2'000 + 500);
  CHECK(ann.summary.refunded_minor == 1'000);
  REQUIRE(ann.days.size() == 3);
  CHECK(ann.days[0].store_id == "S001");
  CHECK(ann.days[0].refunded_minor == 1'000);  // on the day of the sale refunded
  REQUIRE(ann.categories.size() == 3);
  CHECK(ann.categories[1].category == "dairy");
  CHECK(ann.categories[1].qty == 2);
  CHECK(ann.categories[1].last_day == kDay2);

  const std::vector<CampaignDay> campaigns = f.service().analytics().CampaignDays("", {}).value();
  REQUIRE(campaigns.size() == 3);
  CHECK(campaigns[0].campaign_id == "dairy-off");
  CHECK(campaigns[0].discount_minor == 150);
  CHECK(campaigns[1].campaign_id == "double");
  CHECK(campaigns[1].awards == 1);
  CHECK(campaigns[1].points == 30);
  CHECK(campaigns[1].paid_minor == 2'850);
  CHECK(campaigns[2].campaign_id == "member-day");
  CHECK(campaigns[2].awards == 0);
  CHECK(campaigns[2].held_out == 1);
  CHECK(campaigns[2].held_out_paid_minor == 2'850);

  const std::vector<TierDay> tiers = f.service().analytics().TierDays({}).value();
  REQUIRE(tiers.size() == 1);  // the entries name no tier (tills before tiers)
  CHECK(tiers[0].earns == 2);
  CHECK(tiers[0].points == 38);

  const std::vector<CategoryDay> categories =
      f.service().analytics().CategoryDays({"S001", kDay1, kDay1}).value();
  REQUIRE(categories.size() == 2);
  CHECK(categories[0].category == "");
  CHECK(categories[0].lines == 2);
  CHECK(categories[1].category == "grocery");
  CHECK(categories[1].qty == 6);
}

TEST_CASE("a refund arriving before its sale is taken off the member when the sale arrives") {
  ServiceFixture f;
  const SaleRecord sale = Sale(f.t1, "R-1", f.ann, 3'000);
  PushRecords(f, f.t2,
              {Envelope(kRefundRecordKind, "S002-T01/F-1", Refund(f.t2, "F-1", sale, 1'000))});
  CHECK(f.service().analytics().Member(f.ann).status().code() == StatusCode::kNotFound);
  CHECK(RowOf(f.service().analytics().StoreDays({}).value(), "S002", kDay1).refunds == 1);

  PushRecords(f, f.t1, {Envelope(kSaleRecordKind, sale.sale_id, sale)});
  const MemberPurchases ann = f.service().analytics().Member(f.ann).value();
  CHECK(ann.summary.paid_minor == 3'000);
  CHECK(ann.summary.refunded_minor == 1'000);
  REQUIRE(ann.days.size() == 1);
  CHECK(ann.days[0].refunded_minor == 1'000);
}

TEST_CASE("a rebuild from the ledger gives what folding gave, in any batches") {
  ServiceFixture f([](SyncServiceOptions& o) { o.fold.batch_seqs = 1; });
  SellADay(f);
  const Everything folded = ReadEverything(f.service());
  REQUIRE_FALSE(folded.stores.empty());
  REQUIRE(f.service().analytics().Rebuild().ok());
  CheckSame(ReadEverything(f.service()), folded);

  ServiceFixture whole;  // each push folded in one batch
  SellADay(whole);
  CheckSame(ReadEverything(whole.service()), folded);
}

TEST_CASE("analytics switched off fall behind, and the next fold with them on catches up") {
  bool analytics = false;
  ServiceFixture f([&](SyncServiceOptions& o) { o.fold.analytics = analytics; });
  SellADay(f);
  CHECK(f.service().analytics().StoreDays({}).value().empty());

  analytics = true;
  f.Restart();
  PushRecords(f, f.t1, {Envelope(kSaleRecordKind, "S001-T01/R-9", Sale(f.t1, "R-9", f.bob, 100))});
  ServiceFixture always;
  SellADay(always);
  PushRecords(always, always.t1,
              {Envelope(kSaleRecordKind, "S001-T01/R-9", Sale(always.t1, "R-9", always.bob, 100))});
  CheckSame(ReadEverything(f.service()), ReadEverything(always.service()));
}

TEST_CASE("a pack with another UTC offset makes the next fold redo every day in it") {
  ServiceFixture f;
  SellADay(f);
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.utc_offset_minutes = 12 * 60;  // kNow, 12:00 UTC, is midnight of the next day there
  REQUIRE(f.service().PublishRules(pack).ok());
  PushRecords(f, f.t1, {Envelope(kSaleRecordKind, "S001-T01/R-9", Sale(f.t1, "R-9", f.bob, 100))});

  const Everything folded = ReadEverything(f.service());
  for (const StoreDay& row : folded.stores) {
    // Ann's enrolment, 100 s before kNow, is the only thing left on day 1.
    CHECK((row.day >= kDay2 || (row.sales == 0 && row.new_members == 1)));
  }
  CHECK(RowOf(folded.stores, "S001", kDay2).sales == 3);  // the first day's two and R-9
  REQUIRE(f.service().analytics().Rebuild().ok());
  CheckSame(ReadEverything(f.service()), folded);
}

TEST_CASE("a report's range must be dates in order") {
  ServiceFixture f;
  AnalyticsReports& reports = f.service().analytics();
  CHECK(reports.StoreDays({"", "2026-13-01", ""}).status().reason() == "invalid_range");
  CHECK(reports.CategoryDays({"", "", "June"}).status().reason() == "invalid_range");
  CHECK(reports.CampaignDays("", {"", kDay2, kDay1}).status().reason() == "invalid_range");
  CHECK(reports.TierDays({"", kDay1, kDay1}).ok());
}

}  // namespace
}  // namespace patron::sync
