#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "patron/rules.h"
#include "patron/rules_codec.h"

namespace patron {
namespace {

Rules PackWithCampaign() {
  Rules rules = DefaultRules();
  rules.utc_offset_minutes = 480;
  rules.activate_at = "2027-01-01T00:00:00";
  rules.valid_until = "2027-07-01T00:00:00";
  Campaign campaign;
  campaign.id = "double-dairy";
  campaign.stack_group = "multipliers";
  campaign.stack_mode = "exclusive";
  campaign.when = {
      "2027-01-01T00:00:00", "2027-02-01T00:00:00", {6, 7}, {8, 18, 28}, "10:00", "22:00"};
  campaign.who.tiers = {"gold"};
  campaign.who.joined_within_days = 30;
  campaign.who.birthday_within_days = 3;
  campaign.basket.categories = {"dairy"};
  campaign.basket.min_qty = 2;
  campaign.award.multiplier_bp = 20000;
  campaign.limit = {2, "week"};
  campaign.budget.points = 1'000'000;
  rules.campaigns = {campaign};
  return rules;
}

CampaignAward MoneyOffAward(CampaignDiscount discount) {
  CampaignAward award;
  award.discount = discount;
  return award;
}

CampaignAward VoucherAward(RewardVoucher terms) {
  CampaignAward award;
  award.voucher = terms;
  return award;
}

TEST_CASE("a pack with a campaign using every condition is valid") {
  const Status status = ValidateRules(PackWithCampaign());
  CAPTURE(status.ToString());
  CHECK(status.ok());
}

TEST_CASE("every invalid part of a pack is refused, naming its field") {
  struct Case {
    std::string field;
    std::function<void(Rules&)> spoil;
  };
  const std::vector<Case> cases = {
      {"utc_offset_minutes", [](Rules& r) { r.utc_offset_minutes = 900; }},
      {"activate_at", [](Rules& r) { r.activate_at = "2027-01-01"; }},
      {"valid_until", [](Rules& r) { r.valid_until = "2027-02-30T00:00:00"; }},
      {"valid_until", [](Rules& r) { r.valid_until = "2026-12-31T23:59:59"; }},
      {"name", [](Rules& r) { r.name = std::string(201, 'x'); }},
      {"campaigns[0].id", [](Rules& r) { r.campaigns[0].id = "double dairy"; }},
      {"campaigns[0].id", [](Rules& r) { r.campaigns[0].id = ""; }},
      {"campaigns[1].id", [](Rules& r) { r.campaigns.push_back(r.campaigns[0]); }},
      {"campaigns[0].stack_mode", [](Rules& r) { r.campaigns[0].stack_mode = "stack"; }},
      {"campaigns[1].stack_mode",
       [](Rules& r) {
         Campaign other = r.campaigns[0];
         other.id = "other";
         other.stack_mode = "additive";
         r.campaigns.push_back(other);
       }},
      {"campaigns[0].holdout_bp", [](Rules& r) { r.campaigns[0].holdout_bp = 10001; }},
      {"campaigns[0].priority", [](Rules& r) { r.campaigns[0].priority = 2'000'000; }},
      {"campaigns[0].when.from", [](Rules& r) { r.campaigns[0].when.from = "tomorrow"; }},
      {"campaigns[0].when.until",
       [](Rules& r) { r.campaigns[0].when.until = "2026-12-01T00:00:00"; }},
      {"campaigns[0].when.weekdays", [](Rules& r) { r.campaigns[0].when.weekdays = {0}; }},
      {"campaigns[0].when.month_days", [](Rules& r) { r.campaigns[0].when.month_days = {32}; }},
      {"campaigns[0].when.time_from", [](Rules& r) { r.campaigns[0].when.time_from = "9:30"; }},
      {"campaigns[0].when.time_until", [](Rules& r) { r.campaigns[0].when.time_until = "09:00"; }},
      {"campaigns[0].who.tiers", [](Rules& r) { r.campaigns[0].who.tiers = {"platinum"}; }},
      {"campaigns[0].who.stores", [](Rules& r) { r.campaigns[0].who.stores = {""}; }},
      {"campaigns[0].who.segments[1]",
       [](Rules& r) {
         r.campaigns[0].who.segments = {"champions", ""};
       }},
      {"campaigns[0].who.segments[2]",
       [](Rules& r) {
         r.campaigns[0].who.segments = {"champions", "at_risk", "champions"};
       }},
      {"campaigns[0].who.joined_within_days",
       [](Rules& r) { r.campaigns[0].who.joined_within_days = 0; }},
      {"campaigns[0].who.birthday_within_days",
       [](Rules& r) { r.campaigns[0].who.birthday_within_days = 40; }},
      {"campaigns[0].who.lapsed_days", [](Rules& r) { r.campaigns[0].who.lapsed_days = 0; }},
      {"campaigns[0].who.lapsed_days",
       [](Rules& r) {
         r.campaigns[0].who.lapsed_days = 90;
         r.campaigns[0].who.first_purchase = true;
       }},
      {"campaigns[0].basket.min_qty", [](Rules& r) { r.campaigns[0].basket.min_qty = -1; }},
      {"campaigns[0].basket.min_amount_minor",
       [](Rules& r) { r.campaigns[0].basket.min_amount_minor = -5; }},
      {"campaigns[0].award.multiplier_bp",
       [](Rules& r) { r.campaigns[0].award.multiplier_bp = 5000; }},
      {"campaigns[0].award.bonus_points", [](Rules& r) { r.campaigns[0].award.bonus_points = -1; }},
      {"campaigns[0].award.max_points", [](Rules& r) { r.campaigns[0].award.max_points = -1; }},
      {"campaigns[0].award", [](Rules& r) { r.campaigns[0].award.multiplier_bp = 10000; }},
      {"campaigns[0].limit.times", [](Rules& r) { r.campaigns[0].limit.times = 0; }},
      {"campaigns[0].limit.times", [](Rules& r) { r.campaigns[0].limit.times = 1001; }},
      {"campaigns[0].limit.per", [](Rules& r) { r.campaigns[0].limit.per = "fortnight"; }},
      {"campaigns[0].limit.per", [](Rules& r) { r.campaigns[0].limit.per = ""; }},
      {"campaigns[0].budget.points", [](Rules& r) { r.campaigns[0].budget.points = -1; }},
      {"campaigns[0].budget.points",
       [](Rules& r) { r.campaigns[0].budget.points = kMaxBudgetPoints + 1; }},
      // Money off: one kind of it, in range, alone, never limited or budgeted,
      // never weighed against points in a group.
      {"campaigns[0].award",
       [](Rules& r) { r.campaigns[0].award.discount.amount_off_minor = 500; }},
      {"campaigns[0].award.discount",
       [](Rules& r) {
         r.campaigns[0].award = MoneyOffAward({500, 1000, 0});
       }},
      {"campaigns[0].award.discount",
       [](Rules& r) {
         r.campaigns[0].award = MoneyOffAward({0, 0, 2000});
       }},
      {"campaigns[0].award.discount.max_off_minor",
       [](Rules& r) {
         r.campaigns[0].award = MoneyOffAward({500, 0, 2000});
       }},
      {"campaigns[0].award.discount.percent_off_bp",
       [](Rules& r) {
         r.campaigns[0].award = MoneyOffAward({0, 10001, 0});
       }},
      {"campaigns[0].award.discount.amount_off_minor",
       [](Rules& r) {
         r.campaigns[0].award = MoneyOffAward({-1, 0, 0});
       }},
      {"campaigns[0].limit",
       [](Rules& r) {
         r.campaigns[0].award = MoneyOffAward({500, 0, 0});
         r.campaigns[0].budget = {};
       }},
      {"campaigns[0].budget",
       [](Rules& r) {
         r.campaigns[0].award = MoneyOffAward({500, 0, 0});
         r.campaigns[0].limit = {};
       }},
      // A voucher: valid terms for at least a day, alone, never limited,
      // budgeted or weighed in a best_of_group group.
      {"campaigns[0].award.voucher.valid_days",
       [](Rules& r) {
         r.campaigns[0].award = VoucherAward({1'000, 0, 0, 0, 0});
       }},
      {"campaigns[0].award.voucher",
       [](Rules& r) {
         r.campaigns[0].award = VoucherAward({1'000, 1'000, 0, 0, 30});
       }},
      {"campaigns[0].award",
       [](Rules& r) {
         r.campaigns[0].award = VoucherAward({1'000, 0, 0, 0, 30});
         r.campaigns[0].award.bonus_points = 5;
       }},
      {"campaigns[0].limit",
       [](Rules& r) {
         r.campaigns[0].award = VoucherAward({1'000, 0, 0, 0, 30});
         r.campaigns[0].budget = {};
       }},
      {"campaigns[0].stack_mode",
       [](Rules& r) {
         r.campaigns[0].award = VoucherAward({1'000, 0, 0, 0, 30});
         r.campaigns[0].limit = {};
         r.campaigns[0].budget = {};
         r.campaigns[0].stack_mode = std::string(kStackBestOfGroup);
       }},
      {"campaigns[1].stack_group",
       [](Rules& r) {
         Campaign off = r.campaigns[0];
         off.id = "off";
         off.award = MoneyOffAward({500, 0, 0});
         off.limit = {};
         off.budget = {};
         r.campaigns.push_back(off);
       }},
  };
  for (const Case& c : cases) {
    CAPTURE(c.field);
    Rules rules = PackWithCampaign();
    c.spoil(rules);
    const Status status = ValidateRules(rules);
    CAPTURE(status.ToString());
    REQUIRE_FALSE(status.ok());
    CHECK(status.reason() == "invalid_rules");
    CHECK(status.message().find("'" + c.field + "'") != std::string::npos);
  }
}

TEST_CASE("a pack's schedule reads in its own offset unless a time says otherwise") {
  Rules rules = PackWithCampaign();
  CHECK(ActivationMs(rules) == 1'798'732'800'000);  // 2026-12-31T16:00:00Z
  rules.activate_at = "2027-01-01T00:00:00Z";
  CHECK(ActivationMs(rules) == 1'798'761'600'000);
  rules.activate_at.clear();
  rules.valid_until.clear();
  CHECK(ActivationMs(rules) == 0);
  CHECK(ValidUntilMs(rules) == INT64_MAX);
}

TEST_CASE("the shipped default pack is valid and shows every campaign and reward feature") {
  std::ifstream file(PATRON_DEFAULT_PACK);
  REQUIRE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  Result<Rules> pack = DecodeRules(text.str());
  CAPTURE(pack.status().ToString());
  REQUIRE(pack.ok());
  std::set<std::string> shown;
  for (const Campaign& c : pack->campaigns) {
    if (!c.when.month_days.empty()) shown.insert("month_days");
    if (!c.when.weekdays.empty()) shown.insert("weekdays");
    if (!c.when.time_from.empty()) shown.insert("hours");
    if (!c.who.tiers.empty()) shown.insert("tiers");
    if (!c.who.stores.empty()) shown.insert("stores");
    if (c.who.joined_within_days) shown.insert("new members");
    if (c.who.birthday_within_days) shown.insert("birthday");
    if (c.who.first_purchase) shown.insert("first purchase");
    if (c.who.lapsed_days) shown.insert("lapsed");
    if (!c.basket.categories.empty()) shown.insert("categories");
    if (c.basket.min_qty > 0) shown.insert("quantity");
    if (c.basket.min_amount_minor > 0) shown.insert("amount");
    if (c.award.multiplier_bp > 0) shown.insert("multiplier");
    if (c.award.bonus_points > 0) shown.insert("bonus");
    if (c.award.max_points > 0) shown.insert("cap");
    if (GivesMoneyOff(c.award)) shown.insert("money off");
    if (IssuesVoucher(c.award)) shown.insert("voucher");
    if (c.holdout_bp > 0) shown.insert("holdout");
    if (c.limit.times > 0) shown.insert("limit");
    if (c.budget.points > 0) shown.insert("budget");
    shown.insert(c.stack_group.empty() ? std::string("no group") : c.stack_mode);
  }
  CHECK(shown == std::set<std::string>{"month_days", "weekdays",      "hours",    "tiers",
                                       "stores",     "new members",   "birthday", "first purchase",
                                       "lapsed",     "categories",    "quantity", "amount",
                                       "multiplier", "bonus",         "cap",      "money off",
                                       "voucher",    "holdout",       "limit",    "budget",
                                       "no group",   "best_of_group", "exclusive"});
  CHECK_FALSE(pack->valid_until.empty());
  CHECK(pack->utc_offset_minutes == 480);
  // And every kind of reward: an item with stock and a member limit, a
  // voucher, a tier-only one.
  std::set<std::string> rewards;
  for (const Reward& r : pack->rewards) {
    rewards.insert(IsVoucherReward(r) ? "voucher" : "item");
    if (r.stock > 0) rewards.insert("stock");
    if (r.limit.times > 0) rewards.insert("limit");
    if (!r.tiers.empty()) rewards.insert("tiers");
  }
  CHECK(rewards == std::set<std::string>{"item", "voucher", "stock", "limit", "tiers"});
  std::set<std::string> occasions;
  for (const Gift& g : pack->gifts) occasions.insert(g.occasion);
  CHECK(occasions == std::set<std::string>{"birthday", "welcome"});
}

}  // namespace
}  // namespace patron
