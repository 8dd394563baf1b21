// Store contract: the analytics role (analytics_store.h): rows that sum
// their deltas, a member's days and summary, ranges, clearing.
// Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::TempDir;

StoreDay Day(std::string store, std::string day, int64_t sales, int64_t points_net) {
  StoreDay row;
  row.store_id = std::move(store);
  row.day = std::move(day);
  row.sales = sales;
  row.points_net = points_net;
  return row;
}

MemberDay Bought(std::string member, std::string day, std::string store, int64_t paid,
                 int64_t refunded = 0, int64_t sales = 1) {
  return {std::move(member), std::move(day), std::move(store), sales, paid, refunded};
}

TEST_CASE_TEMPLATE("a rollup row sums its deltas; reads filter by store and range, in key order",
                   Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    REQUIRE(txn->AddStoreDay(Day("S002", "2026-06-01", 1, 10)).ok());
    REQUIRE(txn->AddStoreDay(Day("S001", "2026-06-02", 2, -5)).ok());
    REQUIRE(txn->AddStoreDay(Day("S001", "2026-06-01", 1, 7)).ok());
    REQUIRE(txn->AddStoreDay(Day("S002", "2026-06-01", 3, -4)).ok());
    REQUIRE(txn->AddCategoryDay({"S001", "2026-06-01", "tea", 1, 2, 300}).ok());
    REQUIRE(txn->AddCategoryDay({"S001", "2026-06-01", "tea", 1, 1, 100}).ok());
    REQUIRE(txn->AddCampaignDay({"double", "S001", "2026-06-01", 1, 0, 30, 0, 0, 900, 0}).ok());
    REQUIRE(txn->AddCampaignDay({"double", "S001", "2026-06-01", 0, 1, 0, 0, 0, 0, 500}).ok());
    REQUIRE(txn->AddCampaignDay({"welcome", "S002", "2026-06-01", 1, 0, 5, 0, 1, 100, 0}).ok());
    REQUIRE(txn->AddTierDay({"gold", "2026-06-01", 1, 900, 18}).ok());
    REQUIRE(txn->AddMemberCategory({"m1", "tea", 2, 300, "2026-06-02"}).ok());
    REQUIRE(txn->AddMemberCategory({"m1", "tea", 1, 100, "2026-06-01"}).ok());
    REQUIRE(txn->SetAnalyticsSeq(42).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  CHECK(txn->AnalyticsSeq().value() == 42);
  const std::vector<StoreDay> all = txn->StoreDays({}).value();
  REQUIRE(all.size() == 3);
  CHECK(all[0] == Day("S001", "2026-06-01", 1, 7));
  CHECK(all[1] == Day("S001", "2026-06-02", 2, -5));
  CHECK(all[2] == Day("S002", "2026-06-01", 4, 6));
  CHECK(txn->StoreDays({"S001", "", ""}).value().size() == 2);
  CHECK(txn->StoreDays({"", "2026-06-02", ""}).value() == std::vector<StoreDay>{all[1]});
  CHECK(txn->StoreDays({"", "", "2026-06-01"}).value().size() == 2);
  CHECK(txn->CategoryDays({}).value() ==
        std::vector<CategoryDay>{{"S001", "2026-06-01", "tea", 2, 3, 400}});
  const std::vector<CampaignDay> doubled = txn->CampaignDays("double", {}).value();
  REQUIRE(doubled.size() == 1);
  CHECK(doubled[0].awards == 1);
  CHECK(doubled[0].held_out == 1);
  CHECK(doubled[0].held_out_paid_minor == 500);
  CHECK(txn->CampaignDays("", {"S002", "", ""}).value().size() == 1);
  CHECK(txn->TierDays({}).value().size() == 1);
  CHECK(txn->MemberCategories("m1").value() ==
        std::vector<MemberCategory>{{"m1", "tea", 3, 400, "2026-06-02"}});  // the later day
}

TEST_CASE_TEMPLATE("a member's days say what was new and keep the member's summary", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);

  MemberDayNews news = txn->AddMemberDay(Bought("m1", "2026-06-03", "S002", 500)).value();
  CHECK(news.new_store_day);
  CHECK(news.new_day);
  CHECK(news.new_member);
  CHECK_FALSE(news.first_was);
  CHECK(news.first_now == std::make_pair(std::string("2026-06-03"), std::string("S002")));

  news = txn->AddMemberDay(Bought("m1", "2026-06-03", "S001", 200)).value();  // same day
  CHECK(news.new_store_day);
  CHECK_FALSE(news.new_day);
  CHECK_FALSE(news.new_member);
  CHECK(news.first_was == std::make_pair(std::string("2026-06-03"), std::string("S002")));
  CHECK(news.first_now == std::make_pair(std::string("2026-06-03"), std::string("S001")));

  news = txn->AddMemberDay(Bought("m1", "2026-06-03", "S001", 100)).value();  // same row
  CHECK_FALSE(news.new_store_day);
  CHECK_FALSE(news.first_now);

  news = txn->AddMemberDay(Bought("m1", "2026-06-01", "S003", 50)).value();  // arrived late
  CHECK(news.new_day);
  CHECK(news.first_now == std::make_pair(std::string("2026-06-01"), std::string("S003")));

  // A refund changes an existing day, and only the summary otherwise.
  news = txn->AddMemberDay(Bought("m1", "2026-06-03", "S002", 0, 120, 0)).value();
  CHECK_FALSE(news.new_store_day);
  news = txn->AddMemberDay(Bought("m1", "2026-05-01", "S009", 0, 30, 0)).value();
  CHECK_FALSE(news.new_store_day);
  CHECK_FALSE(news.new_day);
  CHECK(txn->AddMemberDay(Bought("m2", "2026-05-01", "S009", 0, 30, 0)).ok());

  const MemberSummary m1 = txn->FindMemberSummary("m1").value().value();
  CHECK(m1.first_day == "2026-06-01");
  CHECK(m1.first_store == "S003");
  CHECK(m1.last_day == "2026-06-03");
  CHECK(m1.purchase_days == 2);
  CHECK(m1.sales == 4);
  CHECK(m1.paid_minor == 850);
  CHECK(m1.refunded_minor == 150);
  CHECK_FALSE(txn->FindMemberSummary("m2").value());  // bought nothing
  const std::vector<MemberDay> days = txn->MemberDays("m1").value();
  REQUIRE(days.size() == 3);
  CHECK(days[0] == Bought("m1", "2026-06-01", "S003", 50));
  CHECK(days[1] == Bought("m1", "2026-06-03", "S001", 300, 0, 2));
  CHECK(days[2] == Bought("m1", "2026-06-03", "S002", 500, 120));
  CHECK(txn->MemberSummaries("", 10).value().size() == 1);
  CHECK(txn->MemberSummaries("m1", 10).value().empty());
}

TEST_CASE_TEMPLATE("clearing empties every rollup and the watermark", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  REQUIRE(txn->AddStoreDay(Day("S001", "2026-06-01", 1, 7)).ok());
  REQUIRE(txn->AddMemberDay(Bought("m1", "2026-06-01", "S001", 50)).ok());
  REQUIRE(txn->AddMemberCategory({"m1", "tea", 2, 300, "2026-06-02"}).ok());
  REQUIRE(txn->AddCampaignMember({"m1", "double", 1, 0}).ok());
  REQUIRE(txn->SetAnalyticsSeq(9).ok());
  REQUIRE(txn->ClearAnalytics().ok());
  CHECK(txn->CampaignMembersOf("m1").value().empty());
  CHECK(txn->AnalyticsSeq().value() == 0);
  CHECK(txn->StoreDays({}).value().empty());
  CHECK(txn->MemberDays("m1").value().empty());
  CHECK_FALSE(txn->FindMemberSummary("m1").value());
  CHECK(txn->MemberCategories("m1").value().empty());
}

TEST_CASE_TEMPLATE("enrolments are counted by store and local day from the members' rows", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  const int64_t june1_2300_utc = 1'780'354'800'000;  // 2026-06-01T23:00Z
  for (auto [id, enrolled, ms] : std::vector<std::tuple<std::string, std::string, int64_t>>{
           {"m1", "S001", june1_2300_utc},
           {"m2", "S001", june1_2300_utc - 16 * 3'600'000},
           {"m3", "", 0}}) {
    MemberRecord m = Member(id, txn->NextSeq().value());
    m.state.enrolled_store = enrolled;
    m.state.enrolled_ms = ms;
    REQUIRE(txn->PutMember(m).ok());
  }
  const std::vector<StoreDay> utc = txn->EnrolmentsByDay(0).value();
  REQUIRE(utc.size() == 1);
  CHECK(utc[0].day == "2026-06-01");
  CHECK(utc[0].new_members == 2);
  const std::vector<StoreDay> beijing = txn->EnrolmentsByDay(8 * 60).value();  // UTC+8
  REQUIRE(beijing.size() == 2);
  CHECK(beijing[0].day == "2026-06-01");  // 15:00 there
  CHECK(beijing[0].new_members == 1);
  CHECK(beijing[1].day == "2026-06-02");  // 07:00 there
  CHECK(beijing[1].new_members == 1);
}

TEST_CASE_TEMPLATE("campaigns' members sum by member and campaign, read by member", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  REQUIRE(txn->AddCampaignMember({"m2", "double", 1, 0}).ok());
  REQUIRE(txn->AddCampaignMember({"m1", "welcome", 1, 0}).ok());
  REQUIRE(txn->AddCampaignMember({"m1", "double", 0, 1}).ok());
  REQUIRE(txn->AddCampaignMember({"m1", "double", 0, 2}).ok());
  REQUIRE(txn->AddCampaignMember({"m3", "double", 2, 0}).ok());
  const std::vector<CampaignMember> m1 = {{"m1", "double", 0, 3}, {"m1", "welcome", 1, 0}};
  CHECK(txn->CampaignMembersOf("m1").value() == m1);
  const std::vector<CampaignMember> page = txn->CampaignMembersBetween("m1", "m2").value();
  CHECK(page == std::vector<CampaignMember>{{"m2", "double", 1, 0}});
  CHECK(txn->CampaignMembersBetween("", "m3").value().size() == 4);
}

TEST_CASE_TEMPLATE("insights runs are stored once each and read by number or the latest", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  CHECK_FALSE(txn->FindInsightRun(0).value());
  InsightRun first;
  first.run = 1;
  first.as_of_day = "2026-06-01";
  first.outstanding_points = 500;
  first.expiring = {{"2026-12", 300}, {"", 200}};
  first.cohorts = {{"2026-05", 3, {3, 1}}};
  CampaignEffect effect;
  effect.campaign_id = "double";
  effect.name = "双倍积分";
  effect.treated = 9;
  effect.uplift_bp = -120;
  first.effects = {effect};
  REQUIRE(txn->PutInsightRun(first).ok());
  InsightRun second = first;
  second.run = 2;
  second.as_of_day = "2026-06-02";
  second.effects.clear();
  REQUIRE(txn->PutInsightRun(second).ok());
  CHECK_FALSE(txn->PutInsightRun(second).ok());  // a run is stored once
  CHECK(txn->FindInsightRun(1).value() == first);
  CHECK(txn->FindInsightRun(0).value() == second);
  CHECK_FALSE(txn->FindInsightRun(3).value());
}

}  // namespace
}  // namespace patron::sync::contract
