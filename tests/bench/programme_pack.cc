#include "programme_pack.h"

#include <sqlite3.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "patron/campaign.h"
#include "patron/local_time.h"
#include "patron/rules_codec.h"
#include "patron/sync/down_items.h"
#include "patron/sync/protocol.h"
#include "raw_sqlite.h"

namespace patron::bench {
namespace {

struct CatalogueItem {
  std::string_view sku;
  std::string_view name;
  std::string_view category;
  int64_t unit_minor;
  int weight;  // how often it is bought, relative to the others
};

// A small supermarket's best sellers. The campaigns below name these
// categories and SKUs; tobacco and gift cards earn nothing (BasePack).
constexpr CatalogueItem kCatalogue[] = {
    {"SKU-BANANA", "Bananas 1kg", "produce", 249, 6},
    {"SKU-APPLE", "Apples 1kg", "produce", 399, 5},
    {"SKU-TOMATO", "Tomatoes 500g", "produce", 299, 4},
    {"SKU-SALAD", "Salad", "produce", 199, 3},
    {"SKU-MILK-1L", "Milk 1L", "dairy", 129, 8},
    {"SKU-YOGHURT", "Yoghurt", "dairy", 89, 5},
    {"SKU-CHEESE", "Cheddar 200g", "dairy", 449, 3},
    {"SKU-BUTTER", "Butter 250g", "dairy", 279, 3},
    {"SKU-BREAD", "Sourdough loaf", "bakery", 219, 6},
    {"SKU-CROISSANT", "Croissant", "bakery", 129, 3},
    {"SKU-CAKE", "Birthday cake", "bakery", 1299, 1},
    {"SKU-HAM", "Ham 150g", "deli", 349, 3},
    {"SKU-SANDWICH", "Club sandwich", "deli", 499, 3},
    {"SKU-WATER-6", "Water 6x1.5L", "beverages", 349, 4},
    {"SKU-COLA", "Cola 1.5L", "beverages", 149, 4},
    {"SKU-JUICE", "Orange juice 1L", "beverages", 299, 3},
    {"SKU-BEER-6", "Beer 6-pack", "beverages", 799, 2},
    {"SKU-COFFEE-1KG", "Coffee beans 1kg", "pantry", 1499, 1},
    {"SKU-COFFEE-500", "Coffee beans 500g", "pantry", 849, 2},
    {"SKU-PASTA", "Spaghetti 500g", "pantry", 119, 4},
    {"SKU-RICE-5KG", "Rice 5kg", "pantry", 999, 2},
    {"SKU-OIL", "Olive oil 1L", "pantry", 549, 2},
    {"SKU-CHIPS", "Crisps", "snacks", 229, 4},
    {"SKU-CHOC", "Chocolate bar", "snacks", 159, 4},
    {"SKU-NUTS", "Mixed nuts", "snacks", 499, 2},
    {"SKU-PIZZA", "Frozen pizza", "frozen", 449, 3},
    {"SKU-ICECREAM", "Ice cream 1L", "frozen", 599, 2},
    {"SKU-PEAS", "Frozen peas", "frozen", 249, 2},
    {"SKU-DETERGENT", "Laundry detergent", "household", 1199, 2},
    {"SKU-TISSUE", "Tissues 12-pack", "household", 699, 2},
    {"SKU-ECOBAG", "Reusable bag", "household", 99, 3},
    {"SKU-SHAMPOO", "Shampoo", "personal_care", 599, 2},
    {"SKU-TOOTHPASTE", "Toothpaste", "personal_care", 299, 2},
    {"SKU-CIGS", "Cigarettes", "tobacco", 1250, 1},
    {"SKU-GIFT-50", "Gift card 50.00", "gift_cards", 5000, 1},
};

std::string Mode(std::string_view mode) { return std::string(mode); }
CampaignLimit Limit(int64_t times, std::string_view per) { return {times, std::string(per)}; }

// The campaigns are written with designated initializers: every field
// they do not name keeps its default, which for a condition means "does not
// restrict" (campaign.h). GCC 12 warns about the fields left out all the same.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

// Member days (会员日): the 8th, 18th and 28th; one award per member and
// day from the group, the highest tier's first.
void AddMemberDays(std::vector<Campaign>& out) {
  const std::string group = "member-day";
  const std::vector<int64_t> days = {8, 18, 28};
  out.push_back({.id = "member-day-gold",
                 .name = "会员日 gold triple points",
                 .priority = 120,
                 .stack_group = group,
                 .stack_mode = Mode(kStackExclusive),
                 .when = {.month_days = days},
                 .who = {.tiers = {"gold"}},
                 .award = {.multiplier_bp = 30'000},
                 .limit = Limit(1, kPerDay)});
  out.push_back({.id = "member-day-silver",
                 .name = "会员日 silver 2.5x",
                 .priority = 110,
                 .stack_group = group,
                 .stack_mode = Mode(kStackExclusive),
                 .when = {.month_days = days},
                 .who = {.tiers = {"silver"}},
                 .award = {.multiplier_bp = 25'000},
                 .limit = Limit(1, kPerDay)});
  out.push_back({.id = "member-day",
                 .name = "会员日 double points",
                 .priority = 100,
                 .stack_group = group,
                 .stack_mode = Mode(kStackExclusive),
                 .when = {.month_days = days},
                 .award = {.multiplier_bp = 20'000},
                 .limit = Limit(1, kPerDay)});
  out.push_back({.id = "super-member-day",
                 .name = "First of the month triple",
                 .priority = 130,
                 .stack_group = group,
                 .stack_mode = Mode(kStackExclusive),
                 .when = {.month_days = {1}},
                 .award = {.multiplier_bp = 30'000, .max_points = 1'000}});
  out.push_back({.id = "payday",
                 .name = "Payday bonus",
                 .when = {.month_days = {15, 30}},
                 .basket = {.min_amount_minor = 3'000},
                 .award = {.bonus_points = 30}});
}

// Weekdays and hours; the best of the "daypart" group.
void AddDayparts(std::vector<Campaign>& out) {
  const std::string group = "daypart";
  out.push_back({.id = "monday-basket",
                 .name = "Monday: 20 points over 25.00",
                 .when = {.weekdays = {1}},
                 .basket = {.min_amount_minor = 2'500},
                 .award = {.bonus_points = 20},
                 .limit = Limit(1, kPerWeek)});
  out.push_back({.id = "weekend-double",
                 .name = "Weekend double points",
                 .priority = 10,
                 .stack_group = group,
                 .stack_mode = Mode(kStackBestOfGroup),
                 .when = {.weekdays = {6, 7}},
                 .award = {.multiplier_bp = 20'000}});
  out.push_back({.id = "wednesday-dairy",
                 .name = "Wednesday dairy triple",
                 .when = {.weekdays = {3}},
                 .basket = {.categories = {"dairy"}},
                 .award = {.multiplier_bp = 30'000}});
  out.push_back({.id = "morning-coffee",
                 .name = "Morning coffee beans bonus",
                 .when = {.time_from = "07:00", .time_until = "10:00"},
                 .basket = {.skus = {"SKU-COFFEE-1KG", "SKU-COFFEE-500"}},
                 .award = {.bonus_points = 10}});
  out.push_back({.id = "lunch-deli",
                 .name = "Lunch: deli and bakery 1.5x",
                 .priority = 20,
                 .stack_group = group,
                 .stack_mode = Mode(kStackBestOfGroup),
                 .when = {.time_from = "11:00", .time_until = "14:00"},
                 .basket = {.categories = {"deli", "bakery"}},
                 .award = {.multiplier_bp = 15'000},
                 .limit = Limit(1, kPerDay)});
  out.push_back({.id = "weekday-lunch-snacks",
                 .name = "Weekday lunch snacks double",
                 .priority = 20,
                 .stack_group = group,
                 .stack_mode = Mode(kStackBestOfGroup),
                 .when = {.weekdays = {1, 2, 3, 4, 5}, .time_from = "11:00", .time_until = "15:00"},
                 .basket = {.categories = {"snacks"}},
                 .award = {.multiplier_bp = 20'000}});
  out.push_back({.id = "happy-hour",
                 .name = "Happy hour drinks double",
                 .when = {.time_from = "17:00", .time_until = "19:00"},
                 .basket = {.categories = {"beverages"}},
                 .award = {.multiplier_bp = 20'000}});
  out.push_back({.id = "late-night",
                 .name = "Late night 15 points",
                 .when = {.time_from = "21:00"},
                 .award = {.bonus_points = 15}});
}

// Birthdays: one per member and year from the group, the gold treat first.
void AddBirthdays(std::vector<Campaign>& out) {
  const std::string group = "birthday";
  out.push_back({.id = "birthday-gold",
                 .name = "Gold birthday treat",
                 .priority = 220,
                 .stack_group = group,
                 .stack_mode = Mode(kStackExclusive),
                 .who = {.tiers = {"gold"}, .birthday_within_days = 3},
                 .award = {.bonus_points = 300},
                 .limit = Limit(1, kPerYear)});
  out.push_back({.id = "birthday-week",
                 .name = "Birthday week triple",
                 .priority = 210,
                 .stack_group = group,
                 .stack_mode = Mode(kStackExclusive),
                 .who = {.birthday_within_days = 7},
                 .award = {.multiplier_bp = 30'000, .max_points = 500},
                 .limit = Limit(1, kPerYear)});
  out.push_back({.id = "birthday-month",
                 .name = "Birthday month 100 points",
                 .priority = 200,
                 .stack_group = group,
                 .stack_mode = Mode(kStackExclusive),
                 .who = {.birthday_within_days = 15},
                 .award = {.bonus_points = 100},
                 .limit = Limit(1, kPerYear)});
}

// New members, first purchases and lapsed members.
void AddLifecycle(std::vector<Campaign>& out) {
  out.push_back({.id = "first-big-basket",
                 .name = "First shop over 50.00",
                 .priority = 310,
                 .stack_group = "welcome",
                 .stack_mode = Mode(kStackExclusive),
                 .who = {.first_purchase = true},
                 .basket = {.min_amount_minor = 5'000},
                 .award = {.bonus_points = 200},
                 .limit = Limit(1, kPerCampaign)});
  out.push_back({.id = "welcome-first-purchase",
                 .name = "Welcome: 100 points",
                 .priority = 300,
                 .stack_group = "welcome",
                 .stack_mode = Mode(kStackExclusive),
                 .who = {.first_purchase = true},
                 .award = {.bonus_points = 100},
                 .limit = Limit(1, kPerCampaign)});
  out.push_back({.id = "new-member-double",
                 .name = "First month double points",
                 .who = {.joined_within_days = 30},
                 .award = {.multiplier_bp = 20'000, .max_points = 400},
                 .limit = Limit(3, kPerMonth)});
  out.push_back({.id = "new-member-bakery",
                 .name = "New members: bakery bonus",
                 .who = {.joined_within_days = 90},
                 .basket = {.categories = {"bakery"}},
                 .award = {.bonus_points = 25},
                 .limit = Limit(1, kPerWeek)});
  const std::string group = "winback";
  out.push_back({.id = "winback-365",
                 .name = "We missed you: double",
                 .priority = 330,
                 .stack_group = group,
                 .stack_mode = Mode(kStackExclusive),
                 .who = {.lapsed_days = 365},
                 .award = {.multiplier_bp = 20'000, .max_points = 500},
                 .limit = Limit(1, kPerCampaign)});
  out.push_back({.id = "winback-180",
                 .name = "Welcome back 300",
                 .priority = 320,
                 .stack_group = group,
                 .stack_mode = Mode(kStackExclusive),
                 .who = {.lapsed_days = 180},
                 .award = {.bonus_points = 300},
                 .limit = Limit(1, kPerCampaign)});
  out.push_back({.id = "winback-90",
                 .name = "Welcome back 150",
                 .priority = 310,
                 .stack_group = group,
                 .stack_mode = Mode(kStackExclusive),
                 .who = {.lapsed_days = 90},
                 .award = {.bonus_points = 150},
                 .limit = Limit(1, kPerYear)});
}

// For some tiers only, and for some stores only (the best of "store").
void AddTiersAndStores(std::vector<Campaign>& out) {
  out.push_back({.id = "gold-everyday",
                 .name = "Gold: 1.2x everyday",
                 .who = {.tiers = {"gold"}},
                 .award = {.multiplier_bp = 12'000}});
  out.push_back({.id = "silver-household",
                 .name = "Silver: 10% off household, at most 5.00",
                 .who = {.tiers = {"silver"}},
                 .basket = {.categories = {"household"}},
                 .award = {.discount = {.percent_off_bp = 1'000, .max_off_minor = 500}}});
  out.push_back({.id = "fresh-for-members",
                 .name = "Silver and gold: fresh bonus",
                 .who = {.tiers = {"silver", "gold"}},
                 .basket = {.categories = {"produce", "dairy"}},
                 .award = {.bonus_points = 15},
                 .limit = Limit(2, kPerWeek)});
  out.push_back({.id = "regular-upsell",
                 .name = "Spend 80.00, get 40 points",
                 .who = {.tiers = {"regular"}},
                 .basket = {.min_amount_minor = 8'000},
                 .award = {.bonus_points = 40},
                 .limit = Limit(1, kPerMonth)});
  const std::string group = "store";
  out.push_back({.id = "s001-refit",
                 .name = "S001 reopened: 1.5x all March",
                 .priority = 40,
                 .stack_group = group,
                 .stack_mode = Mode(kStackBestOfGroup),
                 .when = {.from = "2027-03-01T00:00:00", .until = "2027-04-01T00:00:00"},
                 .who = {.stores = {"S001"}},
                 .award = {.multiplier_bp = 15'000}});
  out.push_back({.id = "s002-opening",
                 .name = "S002 opening bonus",
                 .priority = 40,
                 .stack_group = group,
                 .stack_mode = Mode(kStackBestOfGroup),
                 .who = {.stores = {"S002"}},
                 .award = {.bonus_points = 50}});
  out.push_back({.id = "north-stores",
                 .name = "Northern stores double",
                 .priority = 40,
                 .stack_group = group,
                 .stack_mode = Mode(kStackBestOfGroup),
                 .who = {.stores = {"S003", "S004", "S005"}},
                 .award = {.multiplier_bp = 20'000}});
  out.push_back(
      {.id = "s001-weekend",
       .name = "S001 weekend: 3.00 off the next visit",
       .when = {.weekdays = {6, 7}},
       .who = {.stores = {"S001"}},
       .award = {
           .voucher = {.amount_off_minor = 300, .min_spend_minor = 2'000, .valid_days = 14}}});
}

// Basket conditions: SKUs, categories, quantities, amounts.
void AddBaskets(std::vector<Campaign>& out) {
  out.push_back({.id = "coffee-beans",
                 .name = "Coffee beans triple",
                 .basket = {.skus = {"SKU-COFFEE-1KG", "SKU-COFFEE-500"}},
                 .award = {.multiplier_bp = 30'000}});
  const std::string category = "category";
  out.push_back({.id = "dairy-double",
                 .name = "Dairy double",
                 .priority = 30,
                 .stack_group = category,
                 .stack_mode = Mode(kStackBestOfGroup),
                 .basket = {.categories = {"dairy"}},
                 .award = {.multiplier_bp = 20'000}});
  out.push_back({.id = "produce-triple",
                 .name = "Produce triple",
                 .priority = 30,
                 .stack_group = category,
                 .stack_mode = Mode(kStackBestOfGroup),
                 .basket = {.categories = {"produce"}},
                 .award = {.multiplier_bp = 30'000, .max_points = 200}});
  out.push_back({.id = "frozen-four",
                 .name = "Four frozen items 1.5x",
                 .priority = 30,
                 .stack_group = category,
                 .stack_mode = Mode(kStackBestOfGroup),
                 .basket = {.categories = {"frozen"}, .min_qty = 4},
                 .award = {.multiplier_bp = 15'000}});
  out.push_back({.id = "beverages-four",
                 .name = "Four drinks, 30 points",
                 .basket = {.categories = {"beverages"}, .min_qty = 4},
                 .award = {.bonus_points = 30}});
  out.push_back({.id = "snacks-three",
                 .name = "Three snacks, 15 points",
                 .basket = {.categories = {"snacks"}, .min_qty = 3},
                 .award = {.bonus_points = 15},
                 .limit = Limit(1, kPerDay)});
  const std::string size = "basket-size";
  out.push_back({.id = "basket-200",
                 .name = "Spend 200.00, get 150",
                 .priority = 60,
                 .stack_group = size,
                 .stack_mode = Mode(kStackExclusive),
                 .basket = {.min_amount_minor = 20'000},
                 .award = {.bonus_points = 150}});
  out.push_back({.id = "basket-100",
                 .name = "Spend 100.00, get 50",
                 .priority = 50,
                 .stack_group = size,
                 .stack_mode = Mode(kStackExclusive),
                 .basket = {.min_amount_minor = 10'000},
                 .award = {.bonus_points = 50}});
  out.push_back({.id = "household-30",
                 .name = "Household over 30.00",
                 .basket = {.categories = {"household"}, .min_amount_minor = 3'000},
                 .award = {.bonus_points = 40}});
  out.push_back({.id = "personal-care-double",
                 .name = "Personal care double",
                 .basket = {.categories = {"personal_care"}},
                 .award = {.multiplier_bp = 20'000, .max_points = 100}});
  out.push_back({.id = "bakery-early",
                 .name = "Early bakery 10 points",
                 .when = {.time_from = "06:00", .time_until = "11:00"},
                 .basket = {.categories = {"bakery"}},
                 .award = {.bonus_points = 10}});
  out.push_back({.id = "ten-items",
                 .name = "Ten items or more",
                 .basket = {.min_qty = 10},
                 .award = {.bonus_points = 25}});
  out.push_back({.id = "eco-bag",
                 .name = "Reusable bag 5 points",
                 .basket = {.skus = {"SKU-ECOBAG"}},
                 .award = {.bonus_points = 5},
                 .limit = Limit(1, kPerDay)});
  out.push_back({.id = "cake-or-cheese",
                 .name = "Cake or cheddar 20 points",
                 .basket = {.skus = {"SKU-CAKE", "SKU-CHEESE"}},
                 .award = {.bonus_points = 20}});
}

// Campaigns with a control group, and promotions outside the bench's day.
void AddHoldoutsAndSeasons(std::vector<Campaign>& out) {
  out.push_back({.id = "spring-promo",
                 .name = "Spring 1.6x (10% control)",
                 .priority = 45,
                 .stack_group = "store",
                 .stack_mode = Mode(kStackBestOfGroup),
                 .holdout_bp = 1'000,
                 .when = {.from = "2027-03-01T00:00:00", .until = "2027-04-01T00:00:00"},
                 .award = {.multiplier_bp = 16'000}});
  out.push_back({.id = "dairy-test",
                 .name = "Dairy 20 points (20% control)",
                 .holdout_bp = 2'000,
                 .basket = {.categories = {"dairy"}},
                 .award = {.bonus_points = 20},
                 .limit = Limit(3, kPerWeek)});
  out.push_back({.id = "gold-thanks",
                 .name = "Gold thank-you (5% control)",
                 .holdout_bp = 500,
                 .who = {.tiers = {"gold"}},
                 .award = {.bonus_points = 50},
                 .limit = Limit(1, kPerMonth)});
  out.push_back({.id = "valentines",
                 .name = "Valentine's double",
                 .when = {.from = "2027-02-07T00:00:00", .until = "2027-02-15T00:00:00"},
                 .award = {.multiplier_bp = 20'000}});
  out.push_back({.id = "easter-bakery",
                 .name = "Easter bakery 40 points",
                 .when = {.from = "2027-03-26T00:00:00", .until = "2027-03-30T00:00:00"},
                 .basket = {.categories = {"bakery"}},
                 .award = {.bonus_points = 40}});
}

#pragma GCC diagnostic pop

// SplitMix64: a member's draws depend on its index alone.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

// The columns of bench_profile(phone, field), in MemberProfile's order.
enum ProfileColumn : int {
  kBirthday,
  kEnrolledMs,
  kLastPurchaseMs,
  kTier,
  kTierUntilMs,
  kSpendMinor,
  kBalance,
};

// bench_profile(phone, field): one field of ProfileOf for the bulk-loaded
// member with that phone (E164Phone: "+1415" then 2000000 + i).
void ProfileFunction(sqlite3_context* context, int, sqlite3_value** args) {
  const int64_t now_ms = *static_cast<const int64_t*>(sqlite3_user_data(context));
  const auto* phone = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
  if (phone == nullptr || std::string_view(phone).size() != 12) {
    sqlite3_result_error(context, "bench_profile: not a bulk-loaded phone", -1);
    return;
  }
  const MemberProfile p = ProfileOf(std::strtoll(phone + 5, nullptr, 10) - 2'000'000, now_ms);
  switch (sqlite3_value_int(args[1])) {
    case kBirthday:
      if (p.birthday) {
        sqlite3_result_text(context, p.birthday->c_str(), -1, SQLITE_TRANSIENT);
      } else {
        sqlite3_result_null(context);
      }
      return;
    case kEnrolledMs:
      return sqlite3_result_int64(context, p.enrolled_ms);
    case kLastPurchaseMs:
      return sqlite3_result_int64(context, p.last_purchase_ms);
    case kTier:
      return sqlite3_result_text(context, p.tier.c_str(), -1, SQLITE_TRANSIENT);
    case kTierUntilMs:
      return sqlite3_result_int64(context, p.tier_until_ms);
    case kSpendMinor:
      return sqlite3_result_int64(context, p.spend_minor);
    case kBalance:
      return sqlite3_result_int64(context, p.balance);
    default:
      sqlite3_result_error(context, "bench_profile: no such field", -1);
  }
}

// Head office's view as a pull writes it (the replica's server_* columns),
// and the profile fields the campaigns read.
constexpr const char* kApplyProfiles =
    "UPDATE members SET birthday = bench_profile(phone, 0), enrolled_ms = bench_profile(phone, 1),"
    " server_last_purchase_ms = bench_profile(phone, 2), server_tier = bench_profile(phone, 3),"
    " server_tier_until_ms = bench_profile(phone, 4), server_spend_minor = bench_profile(phone, 5),"
    " server_spend_at_review_minor = bench_profile(phone, 5),"
    " server_balance = bench_profile(phone, 6), server_version = 1";

}  // namespace

Rules BasePack() {
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.name = "2027 programme (bench)";
  pack.utc_offset_minutes = kPackUtcOffsetMinutes;
  pack.excluded_categories = {"tobacco", "gift_cards"};
  return pack;
}

Rules CampaignPack() {
  Rules pack = BasePack();
  pack.name = "2027 spring programme, 50 campaigns (bench)";
  AddMemberDays(pack.campaigns);
  AddDayparts(pack.campaigns);
  AddBirthdays(pack.campaigns);
  AddLifecycle(pack.campaigns);
  AddTiersAndStores(pack.campaigns);
  AddBaskets(pack.campaigns);
  AddHoldoutsAndSeasons(pack.campaigns);
  return pack;
}

std::vector<SaleLine> MakeBasket(std::mt19937_64& rng) {
  std::vector<int> weights;
  for (const CatalogueItem& item : kCatalogue) weights.push_back(item.weight);
  std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
  std::binomial_distribution<int> extra_lines(13, 0.3);
  // Mostly one of an item; now and then a few.
  std::discrete_distribution<int> qty({0, 70, 18, 7, 2, 2, 1});
  const int count = 1 + extra_lines(rng);
  std::vector<SaleLine> lines;
  for (int i = 0; i < count; ++i) {
    const CatalogueItem& item = kCatalogue[pick(rng)];
    SaleLine line;
    line.sku = std::string(item.sku);
    line.name = std::string(item.name);
    line.category = std::string(item.category);
    line.qty = qty(rng);
    line.amount_minor = item.unit_minor * line.qty;
    lines.push_back(std::move(line));
  }
  return lines;
}

Status InstallPack(terminal::Terminal& till, const Rules& pack) {
  PATRON_RETURN_IF_ERROR(ValidateRules(pack).WithContext("the benchmark's pack"));
  sync::PullResponse page;
  page.epoch = "bench";
  page.next = {"bench", 1};
  page.down.push_back({1,
                       std::string(sync::kRulesItem),
                       std::string(sync::kAudienceAll),
                       "",
                       "pack/" + std::to_string(pack.version),
                       {EncodeRules(pack)}});
  PATRON_RETURN_IF_ERROR(till.ApplyPullPage(page).status());
  PATRON_RETURN_IF_ERROR(till.EndPull());
  if (till.rules() != pack) {
    return Status::FailedPrecondition("the till did not take pack version " +
                                      std::to_string(pack.version));
  }
  return Status::OK();
}

MemberProfile ProfileOf(int64_t i, int64_t now_ms) {
  uint64_t h = Mix(static_cast<uint64_t>(i));
  const auto draw = [&h](int64_t n) {  // uniform in [0, n)
    const auto value = static_cast<int64_t>(h % static_cast<uint64_t>(n));
    h = Mix(h);
    return value;
  };
  MemberProfile p;
  if (draw(100) < 60) {
    char date[64];  // room for any int64, which -Wformat-truncation counts on
    std::snprintf(date, sizeof date, "%04" PRId64 "-%02" PRId64 "-%02" PRId64, 1950 + draw(56),
                  1 + draw(12), 1 + draw(28));
    p.birthday = date;
  }
  const bool joined_lately = draw(100) < 8;
  p.enrolled_ms =
      now_ms - (joined_lately ? draw(60 * kMsPerDay) : 60 * kMsPerDay + draw(6 * 365 * kMsPerDay));
  const int64_t buying = draw(100);
  if (buying < (joined_lately ? 50 : 5)) {
    p.last_purchase_ms = 0;
  } else if (!joined_lately && buying < 27) {
    p.last_purchase_ms = std::max(p.enrolled_ms, now_ms - 91 * kMsPerDay - draw(600 * kMsPerDay));
  } else {
    p.last_purchase_ms = std::max(p.enrolled_ms, now_ms - 1 - draw(60 * kMsPerDay));
  }
  const int64_t tier = draw(100);
  if (tier < 70) {
    p.tier = "regular";
    p.spend_minor = draw(100'000);
  } else {
    p.tier = tier < 92 ? "silver" : "gold";
    p.spend_minor = tier < 92 ? 100'000 + draw(400'000) : 500'000 + draw(1'500'000);
    p.tier_until_ms = now_ms + (30 + draw(300)) * kMsPerDay;
  }
  p.balance = draw(5'000);
  return p;
}

Status ApplyMemberProfiles(const std::string& db_path, int64_t now_ms) {
  PATRON_ASSIGN_OR_RETURN(RawDb db, OpenRaw(db_path));
  if (sqlite3_create_function(db.get(), "bench_profile", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                              &now_ms, ProfileFunction, nullptr, nullptr) != SQLITE_OK) {
    return RawError(db.get(), "create bench_profile");
  }
  // One transaction dirties every page of the table: a cache that holds
  // them keeps SQLite from spilling them to the WAL over and over.
  PATRON_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA cache_size = -1048576"));
  PATRON_RETURN_IF_ERROR(Exec(db.get(), "BEGIN IMMEDIATE"));
  PATRON_RETURN_IF_ERROR(Exec(db.get(), kApplyProfiles));
  PATRON_RETURN_IF_ERROR(Exec(db.get(), "COMMIT"));
  return Exec(db.get(), "PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace patron::bench
