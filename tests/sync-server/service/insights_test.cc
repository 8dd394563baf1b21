// The insights run at head office (insights_run.cc): a campaign measured
// against its holdout from what tills pushed, the cohorts and the points
// liability, stored and read back as the latest run.
#include <doctest/doctest.h>

#include <cmath>

#include "consumption_records.h"
#include "patron/evaluate.h"
#include "patron/local_time.h"

namespace patron::sync {
namespace {

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;
constexpr int kMembers = 24;

std::string MemberNo(int i) {
  return DeriveMemberId(kDemoChainKey, "+1415555" + std::to_string(2000 + i)).ToString();
}

// Pack 2, in force since 200 days ago: "spring" ran from 150 to 100 days ago
// with half its members held out; "gold-only" is for gold members, whom
// there are none of.
Campaign Spring() {
  Campaign spring;
  spring.id = "spring";
  spring.name = "春季 Spring";
  spring.holdout_bp = 5'000;
  spring.award.bonus_points = 10;
  spring.when.from = FormatPackTime(kNow - 150 * kDayMs, 0);
  spring.when.until = FormatPackTime(kNow - 100 * kDayMs, 0);
  return spring;
}

void PublishPack(ServiceFixture& f) {
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.activate_at = FormatPackTime(kNow - 200 * kDayMs, 0);
  Campaign gold_only;
  gold_only.id = "gold-only";
  gold_only.award.bonus_points = 5;
  gold_only.who.tiers = {pack.tiers.back().name};
  pack.campaigns = {Spring(), gold_only};
  f.now_ms = kNow - 200 * kDayMs;
  REQUIRE(f.service().PublishRules(pack).ok());
  f.now_ms = kNow;
}

// Every member enrols 180 days ago at S001; the even ones buy 120 days ago
// (in spring's window: given 10 points, or held out) and earn 20 points; the
// members divisible by 4 buy again 90 days ago, 11 days after the window.
void Trade(ServiceFixture& f) {
  PushRequest push = f.NewPush(f.t1);
  int64_t seq = 0;
  for (int i = 0; i < kMembers; ++i) {
    const std::string id = MemberNo(i);
    push.profile_changes.push_back(
        f.Change(f.t1, i + 1, id, "identity",
                 R"({"phone":"+1415555)" + std::to_string(2000 + i) +
                     R"(","card":null,"enrolled_store":"S001","enrolled_ms":)" +
                     std::to_string(kNow - 180 * kDayMs) + "}",
                 kNow - 180 * kDayMs));
    if (i % 2 != 0) continue;
    SaleRecord sale = Sale(f.t1, "R-" + std::to_string(i), id, 2'000);
    sale.wall_ms = kNow - 120 * kDayMs;
    sale.hlc = HlcTimestamp::FromParts(sale.wall_ms, 1);
    SaleAward award;
    award.campaign_id = "spring";
    if (IsHeldOut(id, Spring())) {
      award.held_out = true;
    } else {
      award.points = 10;
      award.entry_id = f.t1.terminal_id + "/" + std::to_string(1'000 + i);  // its bonus entry
    }
    sale.awards = {award};
    push.records.push_back(Envelope(kSaleRecordKind, sale.sale_id, sale));
    push.entries.push_back(f.Earn(f.t1, ++seq, id, 20));
    if (i % 4 == 0) {
      SaleRecord again = Sale(f.t1, "A-" + std::to_string(i), id, 500);
      again.wall_ms = kNow - 90 * kDayMs;
      again.hlc = HlcTimestamp::FromParts(again.wall_ms, 1);
      push.records.push_back(Envelope(kSaleRecordKind, again.sale_id, again));
    }
  }
  REQUIRE(f.service().Push(f.t1, push).ok());
}

int64_t Bp(int64_t part, int64_t whole) {
  return std::llround(static_cast<double>(part) * 10'000 / static_cast<double>(whole));
}

TEST_CASE(
    "an insights run measures a campaign against its holdout, the cohorts and the liability") {
  ServiceFixture f;
  PublishPack(f);
  Trade(f);

  int64_t treated = 0, control = 0, treated_buyers = 0, control_buyers = 0;
  int64_t treated_again = 0, control_again = 0;
  for (int i = 0; i < kMembers; ++i) {
    const bool held_out = IsHeldOut(MemberNo(i), Spring());
    (held_out ? control : treated) += 1;
    if (i % 2 == 0) (held_out ? control_buyers : treated_buyers) += 1;
    if (i % 4 == 0) (held_out ? control_again : treated_again) += 1;
  }
  REQUIRE(treated > 0);
  REQUIRE(control > 0);

  const InsightRun run = f.service().RunInsights().value();
  CHECK(run.run == 1);
  CHECK(run.as_of_day == "2026-06-01");
  CHECK(run.members == kMembers);
  REQUIRE(run.effects.size() == 2);

  const CampaignEffect& gold = run.effects[0];
  CHECK(gold.campaign_id == "gold-only");
  CHECK(gold.treated + gold.control == 0);  // nobody is gold
  CHECK_FALSE(gold.ended);

  const CampaignEffect& spring = run.effects[1];
  CHECK(spring.campaign_id == "spring");
  CHECK(spring.name == "春季 Spring");
  CHECK(spring.from_day == FormatLocalDay(ToLocalDate(kNow - 150 * kDayMs, 0).day_number));
  // `until` is exclusive: at noon, its day is the window's last.
  CHECK(spring.to_day == FormatLocalDay(ToLocalDate(kNow - 100 * kDayMs, 0).day_number));
  CHECK(spring.ended);
  CHECK(spring.treated == treated);
  CHECK(spring.control == control);
  CHECK(spring.participants == treated_buyers);
  CHECK(spring.treated_buyers == treated_buyers);
  CHECK(spring.control_buyers == control_buyers);
  CHECK(spring.treated_paid_minor == treated_buyers * 2'000);
  CHECK(spring.control_paid_minor == control_buyers * 2'000);
  CHECK(spring.conversion_treated_bp == Bp(treated_buyers, treated));
  CHECK(spring.conversion_control_bp == Bp(control_buyers, control));
  CHECK(spring.uplift_bp.has_value());
  CHECK(spring.repurchase_30_treated_bp == Bp(treated_again, treated));
  CHECK(spring.repurchase_90_control_bp == Bp(control_again, control));
  CHECK(spring.points == 10 * treated_buyers);
  CHECK(spring.cost_minor == 0);  // nothing was ever redeemed: points cost nothing yet
  CHECK(run.redemption_rate_bp == 0);

  // Everyone enrolled in December; the even ones bought in February, every
  // fourth in March too.
  REQUIRE(run.cohorts.size() == 1);
  CHECK(run.cohorts[0].cohort == "2025-12");
  CHECK(run.cohorts[0].size == kMembers);
  CHECK(run.cohorts[0].active == std::vector<int64_t>{0, 0, kMembers / 2, kMembers / 4, 0, 0, 0});

  CHECK(run.outstanding_points == 20 * kMembers / 2);
  CHECK(run.members_with_points == kMembers / 2);
  int64_t expiring = 0;
  for (const ExpiringMonth& month : run.expiring) expiring += month.points;
  CHECK(expiring == run.outstanding_points);

  CHECK(f.service().analytics().InsightRunOf(0).value() == run);

  // The first member's persona: row, purchases, the campaign, the next tier.
  const MemberPersona persona = f.service().analytics().Persona(MemberNo(0)).value();
  REQUIRE(persona.member.has_value());
  CHECK(persona.member->balance == 20);
  CHECK(persona.member->enrolled_store == "S001");
  REQUIRE(persona.purchases.has_value());
  CHECK(persona.purchases->summary.sales == 2);
  REQUIRE(persona.campaigns.size() == 1);
  CHECK(persona.campaigns[0].campaign_id == "spring");
  CHECK(persona.campaigns[0].awards + persona.campaigns[0].held_out == 1);
  const Rules pack = DefaultRules();
  REQUIRE(persona.tier_progress.has_value());
  CHECK(persona.tier_progress->next_tier == pack.tiers[1].name);
  CHECK(persona.tier_progress->spend_to_next_minor ==
        pack.tiers[1].min_spend_minor - persona.member->spend_minor);
  const MemberPersona quiet = f.service().analytics().Persona(MemberNo(1)).value();
  CHECK(quiet.member.has_value());
  CHECK_FALSE(quiet.purchases.has_value());  // enrolled, never bought
  CHECK(f.service().analytics().Persona("nobody").status().code() == StatusCode::kNotFound);
  CHECK_FALSE(f.service().RunInsightsIfDue().value().has_value());  // made today
  f.now_ms += kDayMs;
  const std::optional<InsightRun> next = f.service().RunInsightsIfDue().value();
  REQUIRE(next.has_value());
  CHECK(next->run == 2);
  CHECK(next->as_of_day == "2026-06-02");
}

}  // namespace
}  // namespace patron::sync
