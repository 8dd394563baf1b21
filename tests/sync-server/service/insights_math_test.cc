// The insights run's arithmetic (service/insights.h), on figures worked out
// by hand: a campaign's statistics, windows, eligibility, cohorts and the
// liability.
#include <doctest/doctest.h>

#include <cmath>

#include "patron/evaluate.h"
#include "patron/local_time.h"
#include "patron/lots.h"
#include "service/insights.h"

namespace patron::sync {
namespace {

int64_t Ms(const char* pack_time) { return ParsePackTime(pack_time, 0).value(); }

Campaign Named(const std::string& id) {
  Campaign c;
  c.id = id;
  c.award.bonus_points = 10;
  return c;
}

PackInForce Pack(int64_t version, const char* start, std::vector<Campaign> campaigns) {
  PackInForce p{DefaultRules(), Ms(start)};
  p.pack.version = version;
  p.pack.campaigns = std::move(campaigns);
  return p;
}

MemberDay Day(const std::string& day, int64_t paid_minor, const std::string& store = "S001") {
  return MemberDay{"m", day, store, 1, paid_minor, 0};
}

TEST_CASE("a campaign's uplift, its interval and z are the two-proportion figures") {
  CampaignEffect e;
  e.treated = 1'000;
  e.treated_buyers = 300;
  e.control = 1'000;
  e.control_buyers = 250;
  e.treated_paid_minor = 3'000'000;  // 30.00 a member
  e.control_paid_minor = 2'500'000;  // 25.00
  EffectStatistics(e, 100.0);        // a standard error of 1.00 a member
  CHECK(e.conversion_treated_bp == 3'000);
  CHECK(e.conversion_control_bp == 2'500);
  CHECK(e.uplift_bp == 500);
  // se = sqrt(.3 x .7 / 1000 + .25 x .75 / 1000) = 0.019937; x 1.96 = 0.039076.
  CHECK(e.uplift_low_bp == 109);
  CHECK(e.uplift_high_bp == 891);
  CHECK(e.relative_uplift_bp == 2'000);
  // Pooled p = .275: z = .05 / sqrt(.275 x .725 x 2 / 1000) = 2.5039.
  CHECK(e.z_milli == 2'504);
  CHECK(e.revenue_per_member_treated_minor == 3'000);
  CHECK(e.revenue_per_member_control_minor == 2'500);
  CHECK(e.incremental_revenue_minor == 500'000);
  CHECK(e.incremental_revenue_low_minor == 304'004);  // (500 - 1.96 x 100) x 1000
  CHECK(e.incremental_revenue_high_minor == 695'996);

  e.cost_minor = 100'000;
  ApplyMargin(e, 3'000);  // 30%: 150000 of margin for 100000 of cost
  CHECK(e.margin_bp == 3'000);
  CHECK(e.roi_bp == 5'000);
  e.cost_minor = 0;
  ApplyMargin(e, 3'000);
  CHECK_FALSE(e.roi_bp.has_value());
}

TEST_CASE("without a control group there is no uplift, only the treated figures") {
  CampaignEffect e;
  e.treated = 10;
  e.treated_buyers = 4;
  e.treated_paid_minor = 1'000;
  EffectStatistics(e, 0);
  CHECK(e.conversion_treated_bp == 4'000);
  CHECK_FALSE(e.conversion_control_bp.has_value());
  CHECK_FALSE(e.uplift_bp.has_value());
  CHECK_FALSE(e.incremental_revenue_minor.has_value());
}

TEST_CASE("a campaign runs from its pack or its `from` to its `until`, or until a pack drops it") {
  Campaign limited = Named("limited");
  limited.when.from = "2026-03-10T00:00:00Z";
  limited.when.until = "2026-03-20T00:00:00Z";
  Campaign dropped = Named("dropped");
  Campaign running = Named("running");
  Campaign future = Named("future");
  future.when.from = "2026-09-01T00:00:00Z";
  const std::vector<PackInForce> packs = {
      Pack(2, "2026-03-01T00:00:00Z", {limited, dropped, running, future}),
      Pack(3, "2026-04-15T00:00:00Z", {running, future})};
  const std::vector<CampaignWindow> windows = CampaignWindows(packs, Ms("2026-06-01T12:00:00Z"), 0);
  REQUIRE(windows.size() == 3);  // by id; "future" has not begun
  CHECK(windows[0].campaign.id == "dropped");
  CHECK(windows[0].from_day == "2026-03-01");
  CHECK(windows[0].to_day == "2026-04-14");
  CHECK(windows[0].ended);
  CHECK(windows[0].pack_version == 2);
  CHECK(windows[1].campaign.id == "limited");
  CHECK(windows[1].from_day == "2026-03-10");
  CHECK(windows[1].to_day == "2026-03-19");
  CHECK(windows[1].ended);
  CHECK(windows[2].campaign.id == "running");
  CHECK(windows[2].from_day == "2026-03-01");
  CHECK(windows[2].to_day == "2026-06-01");
  CHECK_FALSE(windows[2].ended);
  CHECK(windows[2].pack_version == 3);
}

TEST_CASE("who is eligible is read at the start of the window") {
  CampaignWindow window{Named("c"), 2, "2026-03-10", "2026-03-19", true};
  MemberState state;
  state.member_id = "m";
  state.tier = "silver";
  state.enrolled_store = "S001";
  const std::vector<MemberDay> days = {Day("2026-01-05", 100, "S002")};
  const std::vector<std::string> segments = {"vip"};
  const MemberFacts member{state, "2026-01-01", days, segments};
  CHECK(EligibleFor(window, member));

  MemberFacts late = member;
  late.enrolled_day = "2026-03-20";  // after the window
  CHECK_FALSE(EligibleFor(window, late));

  window.campaign.who.tiers = {"gold"};
  CHECK_FALSE(EligibleFor(window, member));
  window.campaign.who.tiers = {"silver", "gold"};
  window.campaign.who.segments = {"winback"};
  CHECK_FALSE(EligibleFor(window, member));
  window.campaign.who.segments = {"vip"};
  window.campaign.who.stores = {"S002"};  // bought there, enrolled elsewhere
  CHECK(EligibleFor(window, member));
  window.campaign.who.stores = {"S003"};
  CHECK_FALSE(EligibleFor(window, member));
  window.campaign.who.stores = {};

  window.campaign.who.first_purchase = true;  // bought before
  CHECK_FALSE(EligibleFor(window, member));
  window.campaign.who.first_purchase = false;
  window.campaign.who.lapsed_days = 60;  // last bought 64 days before
  CHECK(EligibleFor(window, member));
  window.campaign.who.lapsed_days = 90;
  CHECK_FALSE(EligibleFor(window, member));
  window.campaign.who.lapsed_days.reset();

  window.campaign.who.joined_within_days = 30;  // enrolled 68 days before
  CHECK_FALSE(EligibleFor(window, member));
  window.campaign.who.joined_within_days = 70;
  CHECK(EligibleFor(window, member));
}

TEST_CASE("an effect tally splits by the tills' hash and counts buyers, revenue and repurchase") {
  Campaign c = Named("split");
  c.holdout_bp = 5'000;
  const CampaignWindow window{c, 2, "2026-03-10", "2026-03-19", true};
  EffectTally tally(window, "2026-06-01");
  int64_t treated = 0, control = 0, treated_buyers = 0, control_buyers = 0, again_30 = 0;
  for (int i = 0; i < 40; ++i) {
    MemberState state;
    state.member_id = "member-" + std::to_string(i);
    std::vector<MemberDay> days;
    if (i % 2 == 0) days.push_back(Day("2026-03-12", 1'000));  // in the window
    if (i % 3 == 0) days.push_back(Day("2026-04-05", 500));    // 17 days after
    if (i % 5 == 0) days.push_back(Day("2026-05-30", 700));    // 71 days after
    const bool held_out = IsHeldOut(state.member_id, c);
    (held_out ? control : treated) += 1;
    if (i % 2 == 0) (held_out ? control_buyers : treated_buyers) += 1;
    if (!held_out && i % 3 == 0) ++again_30;
    const CampaignMember took{state.member_id, c.id, 1, 0};
    tally.Add(MemberFacts{state, "2026-01-01", days, {}},
              !held_out && i % 2 == 0 ? &took : nullptr);
  }
  REQUIRE(treated > 0);
  REQUIRE(control > 0);
  CampaignDay given;
  given.points = 120;
  const CampaignEffect e = tally.Finish(given, 60);
  CHECK(e.treated == treated);
  CHECK(e.control == control);
  CHECK(e.participants == treated_buyers);
  CHECK(e.treated_buyers == treated_buyers);
  CHECK(e.control_buyers == control_buyers);
  CHECK(e.treated_paid_minor == treated_buyers * 1'000);
  CHECK(e.repurchase_30_treated_bp ==
        std::llround(static_cast<double>(again_30) * 10'000 / static_cast<double>(treated)));
  CHECK(e.repurchase_60_control_bp.has_value());
  CHECK_FALSE(e.repurchase_90_treated_bp.has_value());  // 2026-06-17 is not over
  CHECK(e.points == 120);
  CHECK(e.cost_minor == 60);
}

TEST_CASE("repurchase is not measured before its window is over") {
  const CampaignWindow window{Named("c"), 2, "2026-05-01", "2026-05-10", true};
  EffectTally tally(window, "2026-06-15");
  MemberState state;
  state.member_id = "m";
  tally.Add(MemberFacts{state, "2026-01-01", {}, {}}, nullptr);
  const CampaignEffect e = tally.Finish({}, 0);
  CHECK(e.repurchase_30_treated_bp == 0);  // 2026-06-09 is over
  CHECK_FALSE(e.repurchase_60_treated_bp.has_value());
  CHECK_FALSE(e.repurchase_90_treated_bp.has_value());
}

TEST_CASE("cohorts count each member once a month from the month they enrolled") {
  CohortTally cohorts("2026-03");
  MemberState state;
  const std::vector<MemberDay> a = {Day("2026-01-03", 1), Day("2026-01-20", 1),
                                    Day("2026-03-02", 1)};
  const std::vector<MemberDay> b = {Day("2026-02-01", 1)};
  cohorts.Add(MemberFacts{state, "2026-01-02", a, {}});
  cohorts.Add(MemberFacts{state, "2026-01-30", b, {}});
  cohorts.Add(MemberFacts{state, "2026-02-10", {}, {}});
  cohorts.Add(MemberFacts{state, "", b, {}});  // no enrolment, no purchase: not counted
  const std::vector<CohortRow> rows = cohorts.Rows();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].cohort == "2026-01");
  CHECK(rows[0].size == 2);
  CHECK(rows[0].active == std::vector<int64_t>{1, 1, 1});
  CHECK(rows[1].cohort == "2026-02");
  CHECK(rows[1].size == 1);
  CHECK(rows[1].active == std::vector<int64_t>{0, 0});
  CHECK(MonthsBetween("2025-11", "2026-02") == 3);
}

TEST_CASE("the liability sums positive balances and lots by the month they expire") {
  LiabilityTally liability;
  MemberState a;
  a.balance = 150;
  a.lots.lots = {Lot{LotDays{DayNumberOf(2026, 12, 31), 0}, 100, 0},
                 Lot{LotDays{kNeverExpires, 0}, 60, 10}};
  MemberState b;
  b.balance = -20;
  b.lots.debt = 20;
  MemberState c;
  c.balance = 40;
  c.lots.lots = {Lot{LotDays{DayNumberOf(2026, 7, 31), 0}, 40, 0}};
  liability.Add(a);
  liability.Add(b);
  liability.Add(c);
  CHECK(liability.outstanding_points() == 190);
  CHECK(liability.members_with_points() == 2);
  const std::vector<ExpiringMonth> months = liability.Months();
  REQUIRE(months.size() == 3);
  CHECK(months[0] == ExpiringMonth{"2026-07", 40});
  CHECK(months[1] == ExpiringMonth{"2026-12", 100});
  CHECK(months[2] == ExpiringMonth{"", 50});
}

}  // namespace
}  // namespace patron::sync
