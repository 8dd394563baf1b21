#include "patron/evaluate.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "patron/local_time.h"

namespace patron {
namespace {

// Beijing time: member day is the 8th, 18th and 28th.
Rules Pack() {
  Rules rules = DefaultRules();
  rules.utc_offset_minutes = 480;
  return rules;
}

int64_t At(const char* local_time) { return *ParsePackTime(local_time, 480); }

EvalMember Member(std::string tier = "regular") {
  EvalMember member;
  member.member_id = "M-0001";
  member.tier = std::move(tier);
  return member;
}

SaleLine Line(std::string sku, std::string category, int64_t qty, int64_t amount_minor) {
  SaleLine line;
  line.sku = std::move(sku);
  line.category = std::move(category);
  line.qty = qty;
  line.amount_minor = amount_minor;
  return line;
}

// 100.00 in all: 40.00 of dairy (two items), 60.00 of bakery; paid in money.
EvalBasket Basket() {
  EvalBasket basket;
  basket.store_id = "S001";
  basket.amount_minor = 10'000;
  basket.paid_minor = 10'000;
  basket.lines = {Line("MILK", "dairy", 2, 4'000), Line("BREAD", "bakery", 1, 6'000)};
  return basket;
}

Campaign Bonus(std::string id, int64_t points) {
  Campaign campaign;
  campaign.id = std::move(id);
  campaign.award.bonus_points = points;
  return campaign;
}

std::vector<std::string> CampaignIds(const Evaluation& evaluation) {
  std::vector<std::string> ids;
  for (const Award& award : evaluation.awards) {
    const bool given = !award.held_out && award.budget_short == 0;
    if (award.kind == kAwardCampaign && given) ids.push_back(award.campaign_id);
  }
  return ids;
}

int64_t PointsOf(const Evaluation& evaluation, std::string_view kind, std::string_view id = "") {
  for (const Award& award : evaluation.awards) {
    if (award.kind == kind && award.campaign_id == id) return award.points;
  }
  return 0;
}

TEST_CASE("without campaigns, base plus tier is the tier's earn, line by line") {
  const Rules pack = Pack();
  for (const TierRule& tier : pack.tiers) {
    for (int64_t paid : {0, 1, 99, 100, 101, 12'345, 999'999}) {
      EvalBasket basket;
      basket.amount_minor = 1'000'000;
      basket.paid_minor = paid;
      Result<Evaluation> evaluation =
          Evaluate(pack, Member(tier.name), basket, At("2027-01-09T12:00:00"));
      REQUIRE(evaluation.ok());
      CHECK(evaluation->points == *EarnPoints(pack, tier, paid));
      CHECK(PointsOf(*evaluation, kAwardBase) == *EarnPoints(pack, pack.tiers[0], paid));
      CHECK(evaluation->eligible_paid_minor == paid);
    }
  }
  Result<Evaluation> gold = Evaluate(pack, Member("gold"), Basket(), At("2027-01-09T12:00:00"));
  REQUIRE(gold.ok());
  CHECK(gold->awards ==
        std::vector<Award>{{"base", "", 100, false, 0, "", 0}, {"tier", "", 50, false, 0, "", 0}});
  CHECK(gold->pack_version == pack.version);
}

TEST_CASE("member day doubles points on the 8th, 18th and 28th of local time") {
  Rules pack = Pack();
  Campaign member_day;
  member_day.id = "member-day";
  member_day.when.month_days = {8, 18, 28};
  member_day.award.multiplier_bp = 20000;
  pack.campaigns = {member_day};
  // 00:30 on the 8th in Beijing is still the 7th in UTC.
  Result<Evaluation> on_day =
      Evaluate(pack, Member(), Basket(), *ParsePackTime("2027-01-07T16:30:00Z", 0));
  REQUIRE(on_day.ok());
  CHECK(PointsOf(*on_day, kAwardCampaign, "member-day") == 100);
  CHECK(on_day->points == 200);
  Result<Evaluation> day_after = Evaluate(pack, Member(), Basket(), At("2027-01-09T00:30:00"));
  REQUIRE(day_after.ok());
  CHECK(day_after->points == 100);
  CHECK(CampaignIds(*day_after).empty());
}

TEST_CASE("weekdays, hours and the campaign's dates bound it") {
  Rules pack = Pack();
  Campaign weekend = Bonus("weekend-lunch", 30);
  weekend.when = {"2027-01-01T00:00:00", "2027-02-01T00:00:00", {6, 7}, {}, "11:00", "14:00"};
  pack.campaigns = {weekend};
  auto points = [&](const char* when) {
    return Evaluate(pack, Member(), Basket(), At(when))->points - 100;
  };
  CHECK(points("2027-01-09T12:00:00") == 30);  // Saturday noon
  CHECK(points("2027-01-09T14:00:00") == 0);   // until is exclusive
  CHECK(points("2027-01-09T10:59:59") == 0);
  CHECK(points("2027-01-11T12:00:00") == 0);  // Monday
  CHECK(points("2027-02-06T12:00:00") == 0);  // a Saturday after the campaign
  CHECK(points("2026-12-26T12:00:00") == 0);  // a Saturday before it
}

TEST_CASE("basket conditions: categories, skus, quantity and amount of the matching lines") {
  Rules pack = Pack();
  pack.excluded_categories = {"tobacco"};
  Campaign dairy;
  dairy.id = "dairy-x3";
  dairy.basket.categories = {"dairy"};
  dairy.basket.min_qty = 2;
  dairy.award.multiplier_bp = 30000;
  pack.campaigns = {dairy};
  const int64_t saturday = At("2027-01-09T12:00:00");

  Result<Evaluation> both = Evaluate(pack, Member(), Basket(), saturday);
  REQUIRE(both.ok());
  CHECK(PointsOf(*both, kAwardCampaign, "dairy-x3") == 80);  // 40.00 at +2x

  EvalBasket one_milk = Basket();
  one_milk.lines[0].qty = 1;
  CHECK(CampaignIds(*Evaluate(pack, Member(), one_milk, saturday)).empty());

  // Half paid with points: the dairy lines keep their share of the money.
  EvalBasket half = Basket();
  half.paid_minor = 5'000;
  CHECK(PointsOf(*Evaluate(pack, Member(), half, saturday), kAwardCampaign, "dairy-x3") == 40);

  pack.campaigns[0].basket = {{}, {"BREAD"}, 0, 6'001};
  CHECK(CampaignIds(*Evaluate(pack, Member(), Basket(), saturday)).empty());
  pack.campaigns[0].basket.min_amount_minor = 6'000;
  CHECK(PointsOf(*Evaluate(pack, Member(), Basket(), saturday), kAwardCampaign, "dairy-x3") == 120);

  // Lines that earn nothing match nothing.
  pack.campaigns[0].basket = {{"tobacco"}, {}, 0, 0};
  EvalBasket cigarettes = Basket();
  cigarettes.lines[1].category = "tobacco";
  CHECK(CampaignIds(*Evaluate(pack, Member(), cigarettes, saturday)).empty());

  // A basket without lines matches only a campaign without a line filter.
  EvalBasket no_lines = Basket();
  no_lines.lines.clear();
  CHECK(CampaignIds(*Evaluate(pack, Member(), no_lines, saturday)).empty());
  pack.campaigns[0].basket = {};
  CHECK(PointsOf(*Evaluate(pack, Member(), no_lines, saturday), kAwardCampaign, "dairy-x3") == 200);
}

TEST_CASE("audience: tiers, stores, new members and birthdays") {
  Rules pack = Pack();
  Campaign gold_only = Bonus("gold-only", 10);
  gold_only.who.tiers = {"gold"};
  Campaign store_two = Bonus("store-two", 20);
  store_two.who.stores = {"S002"};
  Campaign welcome = Bonus("welcome", 30);
  welcome.who.joined_within_days = 30;
  Campaign birthday = Bonus("birthday-week", 40);
  birthday.who.birthday_within_days = 3;
  pack.campaigns = {gold_only, store_two, welcome, birthday};
  const int64_t now = At("2027-01-09T12:00:00");

  EvalMember member = Member();
  CHECK(CampaignIds(*Evaluate(pack, member, Basket(), now)).empty());

  member.tier = "gold";
  member.enrolled_ms = now - 29 * kMsPerDay;
  member.birthday = "1990-01-12";
  EvalBasket basket = Basket();
  basket.store_id = "S002";
  CHECK(CampaignIds(*Evaluate(pack, member, basket, now)) ==
        std::vector<std::string>{"birthday-week", "gold-only", "store-two", "welcome"});

  member.enrolled_ms = now - 30 * kMsPerDay;
  member.birthday = "1990-01-13";
  CHECK(CampaignIds(*Evaluate(pack, member, basket, now)) ==
        std::vector<std::string>{"gold-only", "store-two"});
}

TEST_CASE("audience: segments, as far as the caller knows the member's") {
  Rules pack = Pack();
  Campaign champions = Bonus("champions-bonus", 50);
  champions.who.segments = {"champions", "big_spenders"};
  pack.campaigns = {champions, Bonus("everyone", 5)};
  const int64_t now = At("2027-01-09T12:00:00");

  EvalMember member = Member();  // the caller knows no segment of the member
  CHECK(CampaignIds(*Evaluate(pack, member, Basket(), now)) ==
        std::vector<std::string>{"everyone"});
  member.segments = {"at_risk", "lost"};
  CHECK(CampaignIds(*Evaluate(pack, member, Basket(), now)) ==
        std::vector<std::string>{"everyone"});
  member.segments = {"at_risk", "big_spenders"};  // one of those named is enough
  const Evaluation in_segment = *Evaluate(pack, member, Basket(), now);
  CHECK(CampaignIds(in_segment) == std::vector<std::string>{"champions-bonus", "everyone"});
  CHECK(PointsOf(in_segment, kAwardCampaign, "champions-bonus") == 50);
  CHECK(in_segment.points == 100 + 50 + 5);
}

TEST_CASE("audience: first purchases and lapsed members (win-back)") {
  Rules pack = Pack();
  Campaign first = Bonus("first-purchase", 10);
  first.who.first_purchase = true;
  Campaign win_back = Bonus("win-back", 20);
  win_back.who.lapsed_days = 90;
  pack.campaigns = {first, win_back};
  const int64_t now = At("2027-01-09T12:00:00");

  EvalMember member = Member();  // never bought
  CHECK(CampaignIds(*Evaluate(pack, member, Basket(), now)) ==
        std::vector<std::string>{"first-purchase"});
  member.last_purchase_ms = now - 90 * kMsPerDay;  // lapsed exactly 90 days
  CHECK(CampaignIds(*Evaluate(pack, member, Basket(), now)) ==
        std::vector<std::string>{"win-back"});
  member.last_purchase_ms = now - 90 * kMsPerDay + 1;  // bought within them
  CHECK(CampaignIds(*Evaluate(pack, member, Basket(), now)).empty());
}

TEST_CASE("limits: a campaign a member has had as often as allowed this period does not apply") {
  Rules pack = Pack();
  const auto limited = [](std::string id, int64_t times, std::string_view per) {
    Campaign campaign = Bonus(std::move(id), 10);
    campaign.limit = {times, std::string(per)};
    return campaign;
  };
  pack.campaigns = {limited("daily", 1, kPerDay),     limited("weekly", 2, kPerWeek),
                    limited("monthly", 1, kPerMonth), limited("yearly", 1, kPerYear),
                    limited("once", 1, kPerCampaign), Bonus("always", 10)};
  // Wednesday 2027-01-13, 00:30 in Beijing: still the 12th in UTC.
  const int64_t now = At("2027-01-13T00:30:00");
  EvalMember member = Member();
  CHECK(CampaignIds(*Evaluate(pack, member, Basket(), now)).size() == 6);

  // Each had once, the evening before (Tuesday the 12th, local).
  for (const char* id : {"daily", "weekly", "monthly", "yearly", "once", "always"}) {
    member.uses.push_back({id, At("2027-01-12T23:50:00")});
  }
  CHECK(CampaignIds(*Evaluate(pack, member, Basket(), now)) ==
        std::vector<std::string>{"always", "daily", "weekly"});
  // Twice this week: weekly is spent too; the previous Sunday's is last week.
  member.uses.push_back({"weekly", At("2027-01-11T09:00:00")});
  member.uses.push_back({"weekly", At("2027-01-10T23:59:00")});
  CHECK(CampaignIds(*Evaluate(pack, member, Basket(), now)) ==
        std::vector<std::string>{"always", "daily"});
  // A new month and year bring monthly and yearly back; once never.
  const int64_t february = At("2027-02-01T00:00:00");
  CHECK(CampaignIds(*Evaluate(pack, member, Basket(), february)) ==
        std::vector<std::string>{"always", "daily", "monthly", "weekly"});
  const int64_t next_year = At("2028-01-03T12:00:00");
  CHECK(CampaignIds(*Evaluate(pack, member, Basket(), next_year)) ==
        std::vector<std::string>{"always", "daily", "monthly", "weekly", "yearly"});
  // Another campaign's use counts nothing.
  EvalMember other = Member();
  other.uses = {{"always", now}, {"unknown", now}};
  CHECK(CampaignIds(*Evaluate(pack, other, Basket(), now)).size() == 6);
}

TEST_CASE("LimitPeriod: days, ISO weeks, months and years of the pack's local calendar") {
  const Rules pack = Pack();
  const auto period = [&](std::string_view per, const char* local) {
    return LimitPeriod(pack, CampaignLimit{1, std::string(per)}, At(local));
  };
  CHECK(period(kPerDay, "2027-01-13T00:00:00") == period(kPerDay, "2027-01-13T23:59:59"));
  CHECK(period(kPerDay, "2027-01-13T00:00:00") != period(kPerDay, "2027-01-12T23:59:59"));
  CHECK(period(kPerWeek, "2027-01-11T00:00:00") == period(kPerWeek, "2027-01-17T23:59:59"));
  CHECK(period(kPerWeek, "2027-01-11T00:00:00") != period(kPerWeek, "2027-01-10T23:59:59"));
  CHECK(period(kPerMonth, "2027-01-31T23:59:59") != period(kPerMonth, "2027-02-01T00:00:00"));
  CHECK(period(kPerMonth, "2027-12-01T00:00:00") != period(kPerMonth, "2028-01-01T00:00:00"));
  CHECK(period(kPerYear, "2027-12-31T23:59:59") != period(kPerYear, "2028-01-01T00:00:00"));
  CHECK(period(kPerCampaign, "2027-01-01T00:00:00") == period(kPerCampaign, "2099-01-01T00:00:00"));
}

TEST_CASE("stacking: exclusive, best of group, additive, and priority") {
  Rules pack = Pack();
  Campaign a = Bonus("a", 10);
  Campaign b = Bonus("b", 50);
  Campaign c = Bonus("c", 30);
  for (Campaign* campaign : {&a, &b, &c}) campaign->stack_group = "g";
  a.priority = 5;
  const int64_t now = At("2027-01-09T12:00:00");

  for (Campaign* campaign : {&a, &b, &c}) campaign->stack_mode = "exclusive";
  pack.campaigns = {c, b, a};
  CHECK(CampaignIds(*Evaluate(pack, Member(), Basket(), now)) == std::vector<std::string>{"a"});

  for (Campaign* campaign : {&a, &b, &c}) campaign->stack_mode = "best_of_group";
  pack.campaigns = {c, b, a};
  CHECK(CampaignIds(*Evaluate(pack, Member(), Basket(), now)) == std::vector<std::string>{"b"});

  for (Campaign* campaign : {&a, &b, &c}) campaign->stack_mode = "additive";
  pack.campaigns = {c, b, a};
  Result<Evaluation> all = Evaluate(pack, Member(), Basket(), now);
  CHECK(CampaignIds(*all) == std::vector<std::string>{"a", "b", "c"});  // priority, then id
  CHECK(all->points == 100 + 90);

  // Two double-points campaigns add: +100% each, not x4.
  Campaign d1;
  d1.id = "double-1";
  d1.award.multiplier_bp = 20000;
  Campaign d2 = d1;
  d2.id = "double-2";
  pack.campaigns = {d1, d2};
  CHECK(Evaluate(pack, Member(), Basket(), now)->points == 300);

  // A cap bounds one campaign's award.
  pack.campaigns[0].award.max_points = 25;
  CHECK(Evaluate(pack, Member(), Basket(), now)->points == 225);
}

TEST_CASE("holdout: a stable control group of about the share asked for") {
  Campaign campaign = Bonus("spring", 10);
  campaign.holdout_bp = 2000;
  int held_out = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string member_id = "M-" + std::to_string(i);
    const bool out = IsHeldOut(member_id, campaign);
    CHECK(out == IsHeldOut(member_id, campaign));
    held_out += out ? 1 : 0;
  }
  CHECK(held_out > 850);  // 20% of 5000 is 1000; 5 standard deviations is 141
  CHECK(held_out < 1150);
  campaign.holdout_bp = 0;
  CHECK_FALSE(IsHeldOut("M-1", campaign));
  campaign.holdout_bp = 10000;
  CHECK(IsHeldOut("M-1", campaign));
}

TEST_CASE("a held-out member is listed without points, and the group falls to the next") {
  Rules pack = Pack();
  Campaign first = Bonus("first", 50);
  first.priority = 10;
  first.holdout_bp = 10000;  // everyone is in the control group
  Campaign second = Bonus("second", 20);
  for (Campaign* campaign : {&first, &second}) {
    campaign->stack_group = "g";
    campaign->stack_mode = "exclusive";
  }
  pack.campaigns = {first, second};
  Result<Evaluation> evaluation = Evaluate(pack, Member(), Basket(), At("2027-01-09T12:00:00"));
  REQUIRE(evaluation.ok());
  CHECK(evaluation->awards == std::vector<Award>{{"base", "", 100, false, 0, "", 0},
                                                 {"campaign", "first", 0, true, 0, "", 0},
                                                 {"campaign", "second", 20, false, 0, "", 0}});
  CHECK(evaluation->points == 120);
}

TEST_CASE("a held-out member is in a campaign's control group only where it would have applied") {
  Rules pack = Pack();
  Campaign big = Bonus("big", 50);
  big.priority = 10;
  Campaign small = Bonus("small", 20);
  small.holdout_bp = 10000;  // everyone would be held out of it
  for (Campaign* campaign : {&big, &small}) {
    campaign->stack_group = "g";
    campaign->stack_mode = "exclusive";
  }
  pack.campaigns = {big, small};
  Result<Evaluation> evaluation = Evaluate(pack, Member(), Basket(), At("2027-01-09T12:00:00"));
  REQUIRE(evaluation.ok());
  // "big" wins the group, so nobody was denied "small": no control line.
  CHECK(evaluation->awards == std::vector<Award>{{"base", "", 100, false, 0, "", 0},
                                                 {"campaign", "big", 50, false, 0, "", 0}});
}

TEST_CASE("a campaign with a budget gives only what the caller's share has left") {
  Rules pack = Pack();
  Campaign doubled;  // +100 on the basket
  doubled.id = "double";
  doubled.award.multiplier_bp = 20'000;
  doubled.budget.points = 10'000;
  Campaign gift = Bonus("gift", 30);  // no budget: unbounded
  pack.campaigns = {doubled, gift};
  const int64_t now = At("2027-01-09T12:00:00");
  EvalBasket basket = Basket();

  basket.budgets = {{"double", 100}};  // exactly enough
  Result<Evaluation> fits = Evaluate(pack, Member(), basket, now);
  REQUIRE(fits.ok());
  CHECK(fits->awards == std::vector<Award>{{"base", "", 100, false, 0, "", 0},
                                           {"campaign", "double", 100, false, 0, "", 0},
                                           {"campaign", "gift", 30, false, 0, "", 0}});

  // 99 left: the whole award does not fit, so none of it is given, and the
  // line says what it would have been.
  basket.budgets = {{"double", 99}};
  Result<Evaluation> short_of = Evaluate(pack, Member(), basket, now);
  REQUIRE(short_of.ok());
  CHECK(short_of->awards == std::vector<Award>{{"base", "", 100, false, 0, "", 0},
                                               {"campaign", "double", 0, false, 100, "", 0},
                                               {"campaign", "gift", 30, false, 0, "", 0}});
  CHECK(short_of->points == 130);

  // A campaign whose share the caller does not list has nothing left.
  basket.budgets.clear();
  CHECK(PointsOf(*Evaluate(pack, Member(), basket, now), kAwardCampaign, "double") == 0);
  CHECK(CampaignIds(*Evaluate(pack, Member(), basket, now)) == std::vector<std::string>{"gift"});
}

TEST_CASE("an exclusive group falls to the next campaign when the first's budget is short") {
  Rules pack = Pack();
  Campaign first = Bonus("first", 50);
  first.priority = 10;
  first.budget.points = 1'000;
  Campaign second = Bonus("second", 20);
  for (Campaign* campaign : {&first, &second}) {
    campaign->stack_group = "g";
    campaign->stack_mode = "exclusive";
  }
  pack.campaigns = {first, second};
  EvalBasket basket = Basket();
  basket.budgets = {{"first", 49}};
  Result<Evaluation> evaluation = Evaluate(pack, Member(), basket, At("2027-01-09T12:00:00"));
  REQUIRE(evaluation.ok());
  CHECK(evaluation->awards == std::vector<Award>{{"base", "", 100, false, 0, "", 0},
                                                 {"campaign", "first", 0, false, 50, "", 0},
                                                 {"campaign", "second", 20, false, 0, "", 0}});

  // A held-out member takes nothing from the budget and is not short of it.
  pack.campaigns[0].holdout_bp = 10'000;
  basket.budgets.clear();
  evaluation = Evaluate(pack, Member(), basket, At("2027-01-09T12:00:00"));
  REQUIRE(evaluation.ok());
  CHECK(evaluation->awards == std::vector<Award>{{"base", "", 100, false, 0, "", 0},
                                                 {"campaign", "first", 0, true, 0, "", 0},
                                                 {"campaign", "second", 20, false, 0, "", 0}});
}

Campaign MoneyOff(std::string id, int64_t amount_off, int64_t percent_off = 0, int64_t cap = 0) {
  Campaign campaign;
  campaign.id = std::move(id);
  campaign.award.discount = {amount_off, percent_off, cap};
  return campaign;
}

int64_t OffBy(const Evaluation& evaluation, std::string_view id) {
  for (const Award& award : evaluation.awards) {
    if (award.kind == kAwardCampaign && award.campaign_id == id) return award.discount_minor;
  }
  return -1;
}

TEST_CASE("money off: an amount or a share of the matching lines, within its cap") {
  Rules pack = Pack();
  const int64_t now = At("2027-01-09T12:00:00");
  Campaign dairy = MoneyOff("dairy-10pct", 0, 1000);
  dairy.basket.categories = {"dairy"};
  Campaign basket_off = MoneyOff("20-off", 2'000);
  basket_off.basket.min_amount_minor = 10'000;
  pack.campaigns = {dairy, basket_off};
  REQUIRE(ValidateRules(pack).ok());

  Result<Evaluation> off = Evaluate(pack, Member(), Basket(), now);
  REQUIRE(off.ok());
  CHECK(OffBy(*off, "dairy-10pct") == 400);  // 10% of 40.00 of dairy
  CHECK(OffBy(*off, "20-off") == 2'000);
  CHECK(off->discount_minor == 2'400);
  // Money off gives no points of its own; the base is on what is paid.
  CHECK(PointsOf(*off, kAwardCampaign, "dairy-10pct") == 0);
  CHECK(off->points == 100);

  // It does not depend on what is paid: the caller's second evaluation,
  // with the money off and points taken off, takes off the same.
  EvalBasket paid = Basket();
  paid.paid_minor = 10'000 - 2'400 - 1'000;
  Result<Evaluation> again = Evaluate(pack, Member(), paid, now);
  REQUIRE(again.ok());
  CHECK(again->discount_minor == 2'400);
  CHECK(again->points == 66);

  // A cap bounds a share; never more than the matching lines cost.
  pack.campaigns = {MoneyOff("half", 0, 5000, 1'500)};
  CHECK(Evaluate(pack, Member(), Basket(), now)->discount_minor == 1'500);
  pack.campaigns = {MoneyOff("huge", 50'000)};
  CHECK(Evaluate(pack, Member(), Basket(), now)->discount_minor == 10'000);
  // Below the amount it needs, none.
  pack.campaigns = {basket_off};
  EvalBasket small = Basket();
  small.lines[1].amount_minor = 5'000;
  small.amount_minor = small.paid_minor = 9'000;
  Result<Evaluation> none = Evaluate(pack, Member(), small, now);
  CHECK(none->discount_minor == 0);
  CHECK(CampaignIds(*none).empty());
}

TEST_CASE(
    "money off: additive campaigns never take off more than the basket; best of group "
    "weighs money") {
  Rules pack = Pack();
  const int64_t now = At("2027-01-09T12:00:00");
  Campaign first = MoneyOff("first", 7'000);
  first.priority = 2;
  Campaign second = MoneyOff("second", 7'000);
  pack.campaigns = {second, first};
  Result<Evaluation> both = Evaluate(pack, Member(), Basket(), now);
  REQUIRE(both.ok());
  CHECK(OffBy(*both, "first") == 7'000);
  CHECK(OffBy(*both, "second") == 3'000);  // what was left
  CHECK(both->discount_minor == 10'000);

  Campaign more = MoneyOff("more", 0, 3000);  // 30.00
  Campaign less = MoneyOff("less", 2'500);
  less.priority = 9;
  for (Campaign* c : {&more, &less}) {
    c->stack_group = "off";
    c->stack_mode = std::string(kStackBestOfGroup);
  }
  pack.campaigns = {less, more};
  CHECK(CampaignIds(*Evaluate(pack, Member(), Basket(), now)) == std::vector<std::string>{"more"});
  // A member held out of money off gets a line without it, and the group
  // falls to the next.
  more.holdout_bp = 10'000;
  pack.campaigns = {less, more};
  Result<Evaluation> held = Evaluate(pack, Member(), Basket(), now);
  CHECK(CampaignIds(*held) == std::vector<std::string>{"less"});
  CHECK(held->discount_minor == 2'500);
  CHECK(OffBy(*held, "more") == 0);
}

TEST_CASE("a campaign that issues a voucher says so on its line, and not for a held-out member") {
  Rules pack = Pack();
  const int64_t now = At("2027-01-09T12:00:00");
  Campaign spend = Bonus("spend-100-get-10", 0);
  spend.basket.min_amount_minor = 10'000;
  spend.award.voucher = {1'000, 0, 0, 0, 30};
  pack.campaigns = {spend};
  REQUIRE(ValidateRules(pack).ok());
  Result<Evaluation> issued = Evaluate(pack, Member(), Basket(), now);
  REQUIRE(issued.ok());
  CHECK(CampaignIds(*issued) == std::vector<std::string>{"spend-100-get-10"});
  CHECK(issued->awards.back().issues_voucher);
  CHECK(issued->awards.back().points == 0);
  CHECK(issued->points == 100);  // the base alone

  pack.campaigns[0].holdout_bp = 10'000;
  Result<Evaluation> held = Evaluate(pack, Member(), Basket(), now);
  REQUIRE(held.ok());
  CHECK(held->awards.back().held_out);
  CHECK_FALSE(held->awards.back().issues_voucher);
}

TEST_CASE("past valid_until a pack earns base points only, and says so") {
  Rules pack = Pack();
  pack.valid_until = "2027-02-01T00:00:00";
  pack.campaigns = {Bonus("always", 10)};
  Result<Evaluation> before = Evaluate(pack, Member("gold"), Basket(), At("2027-01-31T23:59:59"));
  REQUIRE(before.ok());
  CHECK_FALSE(before->base_only);
  CHECK(before->points == 160);
  Result<Evaluation> after = Evaluate(pack, Member("gold"), Basket(), At("2027-02-01T00:00:00"));
  REQUIRE(after.ok());
  CHECK(after->base_only);
  CHECK(after->awards == std::vector<Award>{{"base", "", 100, false, 0, "", 0}});
}

TEST_CASE("an inconsistent basket is refused") {
  const Rules pack = Pack();
  EvalBasket basket = Basket();
  basket.paid_minor = 10'001;
  CHECK(Evaluate(pack, Member(), basket, 0).status().reason() == "invalid_amount");
  basket = Basket();
  basket.lines[0].amount_minor = 3'000;
  CHECK(Evaluate(pack, Member(), basket, 0).status().reason() == "lines_mismatch");
  basket = Basket();
  basket.lines[0].qty = -1;
  CHECK(Evaluate(pack, Member(), basket, 0).status().reason() == "invalid_line");
}

}  // namespace
}  // namespace patron
