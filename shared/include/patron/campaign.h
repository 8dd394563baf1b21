// A campaign of a rule pack (DESIGN.md §9): when it runs, whom it is for,
// which basket qualifies, and what it awards. Every condition left at its
// default does not restrict; a campaign with none runs for every sale while
// its pack is active. Times are pack times (local_time.h); days and hours are
// the pack's local time (Rules::utc_offset_minutes).
#ifndef PATRON_CAMPAIGN_H_
#define PATRON_CAMPAIGN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/record/field.h"
#include "patron/voucher_terms.h"

namespace patron {

struct CampaignWhen {
  std::string from;                 // a pack time; "" = since the pack activated
  std::string until;                // a pack time, exclusive; "" = while the pack lasts
  std::vector<int64_t> weekdays;    // 1 = Monday .. 7 = Sunday
  std::vector<int64_t> month_days;  // 1..31: member day is [8, 18, 28]
  std::string time_from;            // "HH:MM" local; "" = 00:00
  std::string time_until;           // "HH:MM" local, exclusive; "" = midnight
  friend bool operator==(const CampaignWhen&, const CampaignWhen&) = default;
};

struct CampaignWho {
  std::vector<std::string> tiers;   // tier names
  std::vector<std::string> stores;  // store ids
  // Enrolled less than this many days ago (welcome campaigns).
  std::optional<int64_t> joined_within_days;
  // The birthday (month and day; 29 February counts as 28 February in other
  // years) at most this many days before or after the sale's local date.
  std::optional<int64_t> birthday_within_days;
  // The member's first purchase: no earlier one known (EvalMember::
  // last_purchase_ms). Two offline tills may each see a first purchase;
  // with a `limit` of once per campaign head office keeps the earliest.
  bool first_purchase = false;
  // Win-back: the member bought before, and not in the last this many days.
  std::optional<int64_t> lapsed_days;
  // Segment ids of the pack (segment.h): the member is in at least one, as
  // far as the caller knows (EvalMember::segments). Head office computes
  // segments and ships them to tills; a till that has none yet knows no
  // member in any, and the campaign does not apply there.
  std::vector<std::string> segments;
  friend bool operator==(const CampaignWho&, const CampaignWho&) = default;
};

// Which lines of the basket the campaign is about. With categories or skus,
// a line matches if either list names it; with neither, every line earning
// points matches (and a basket sent without lines matches as a whole).
struct CampaignBasket {
  std::vector<std::string> categories;
  std::vector<std::string> skus;
  int64_t min_qty = 0;           // of the matching lines
  int64_t min_amount_minor = 0;  // of the matching lines, before points
  friend bool operator==(const CampaignBasket&, const CampaignBasket&) = default;
};

// Money off the sale (满减, 折扣): a fixed amount per qualifying sale, or a
// share of the matching lines' amount (before points and vouchers) within
// max_off_minor (0 = no cap); never more than the matching lines cost, nor
// than campaigns before it by priority left of the basket.
// A campaign gives money off or points, not both, and money off is given at
// the till for good: it has no limit and no budget (a once-only money-off
// benefit is a voucher, reward.h Gift), and its stack group holds only
// money-off campaigns, so what a sale is given off never depends on what
// points pay (evaluate.h).
struct CampaignDiscount {
  int64_t amount_off_minor = 0;
  int64_t percent_off_bp = 0;  // 1000 = 10% off
  int64_t max_off_minor = 0;
  friend bool operator==(const CampaignDiscount&, const CampaignDiscount&) = default;
};

struct CampaignAward {
  // Points on the matching lines at this multiple of the base rate
  // (20000 = double points): the award is the base points of the matching
  // money paid times (multiplier_bp - 10000) / 10000. 0 = none.
  int64_t multiplier_bp = 0;
  int64_t bonus_points = 0;  // a fixed bonus per qualifying sale
  int64_t max_points = 0;    // at most this many points per sale; 0 = no cap
  CampaignDiscount discount;
  // A voucher for a later visit (满额送券: "spend 300.00, get 30.00 off next
  // time"), issued to the member by the till that made the qualifying sale
  // and held there, so it is usable there at once, offline too, and anywhere
  // once head office has it (records/voucher.h). Valid from the sale for
  // valid_days. A campaign that issues a voucher gives nothing else, has no
  // limit and no budget, and is never in a best_of_group group.
  RewardVoucher voucher;
  friend bool operator==(const CampaignAward&, const CampaignAward&) = default;
};

inline bool GivesMoneyOff(const CampaignAward& award) {
  return award.discount != CampaignDiscount{};
}
inline bool IssuesVoucher(const CampaignAward& award) { return award.voucher != RewardVoucher{}; }

// How often one member may have the campaign: `times` per `per`, a period
// of the pack's local calendar ("day", "week" from Monday, "month", "year")
// or "campaign" (its whole life, across pack versions, by id). times 0 =
// no limit. A till counts the awards it gave itself; two offline tills may
// both give one, and head office settles: the earliest stand, the others
// are reversed (reason "campaign_limit").
inline constexpr std::string_view kPerDay = "day";
inline constexpr std::string_view kPerWeek = "week";
inline constexpr std::string_view kPerMonth = "month";
inline constexpr std::string_view kPerYear = "year";
inline constexpr std::string_view kPerCampaign = "campaign";

struct CampaignLimit {
  int64_t times = 0;
  std::string per;
  friend bool operator==(const CampaignLimit&, const CampaignLimit&) = default;
};

// A campaign's budget (DESIGN.md §9): at most `points` points awarded by
// it in all, at every till together, for its whole life (by id: the newest
// published pack holding the id says how many). Never overshot, offline
// included: head office hands each till a share of the budget on request,
// like a reward's stock (reward.h), and a till gives the campaign only from
// the share it holds (evaluate.h BudgetLeft). Points a refund or a limit
// takes back later are not given back to the budget. 0 = no budget.
inline constexpr int64_t kMaxBudgetPoints = 1'000'000'000'000;

struct CampaignBudget {
  int64_t points = 0;  // 0 to kMaxBudgetPoints
  friend bool operator==(const CampaignBudget&, const CampaignBudget&) = default;
};

// How campaigns sharing a stack group combine. A campaign without a group
// stacks with everything.
inline constexpr std::string_view kStackAdditive = "additive";          // all apply
inline constexpr std::string_view kStackExclusive = "exclusive";        // the first by priority
inline constexpr std::string_view kStackBestOfGroup = "best_of_group";  // the most points

struct Campaign {
  std::string id;        // stable across pack versions; [A-Za-z0-9._-], at most 64
  std::string name;      // for people: "会员日 Member day"
  int64_t priority = 0;  // higher first; ties by id
  std::string stack_group;
  std::string stack_mode = std::string(kStackAdditive);
  // Members with hash(member_id, id) mod 10000 < holdout_bp form the control
  // group: the campaign is evaluated for them but not given.
  int64_t holdout_bp = 0;
  CampaignWhen when;
  CampaignWho who;
  CampaignBasket basket;
  CampaignAward award;
  CampaignLimit limit;
  CampaignBudget budget;
  friend bool operator==(const Campaign&, const Campaign&) = default;
};

}  // namespace patron

namespace patron::record {

template <>
struct Schema<CampaignWhen> {
  static constexpr std::string_view kName = "when";
  static constexpr auto kFields = record::FieldList{
      Field<&CampaignWhen::from>{"from", {}, kOmitDefault},
      Field<&CampaignWhen::until>{"until", {}, kOmitDefault},
      Field<&CampaignWhen::weekdays>{"weekdays", {}, kOmitDefault},
      Field<&CampaignWhen::month_days>{"month_days", {}, kOmitDefault},
      Field<&CampaignWhen::time_from>{"time_from", {}, kOmitDefault},
      Field<&CampaignWhen::time_until>{"time_until", {}, kOmitDefault},
  };
};

template <>
struct Schema<CampaignWho> {
  static constexpr std::string_view kName = "who";
  static constexpr auto kFields = record::FieldList{
      Field<&CampaignWho::tiers>{"tiers", {}, kOmitDefault},
      Field<&CampaignWho::stores>{"stores", {}, kOmitDefault},
      Field<&CampaignWho::joined_within_days>{"joined_within_days", {}, kOmitDefault},
      Field<&CampaignWho::birthday_within_days>{"birthday_within_days", {}, kOmitDefault},
      Field<&CampaignWho::first_purchase>{"first_purchase", {}, kOmitDefault},
      Field<&CampaignWho::lapsed_days>{"lapsed_days", {}, kOmitDefault},
      Field<&CampaignWho::segments>{"segments", {}, kOmitDefault},
  };
};

template <>
struct Schema<CampaignBasket> {
  static constexpr std::string_view kName = "basket";
  static constexpr auto kFields = record::FieldList{
      Field<&CampaignBasket::categories>{"categories", {}, kOmitDefault},
      Field<&CampaignBasket::skus>{"skus", {}, kOmitDefault},
      Field<&CampaignBasket::min_qty>{"min_qty", {}, kOmitDefault},
      Field<&CampaignBasket::min_amount_minor>{"min_amount_minor", {}, kOmitDefault},
  };
};

template <>
struct Schema<CampaignDiscount> {
  static constexpr std::string_view kName = "discount";
  static constexpr auto kFields = record::FieldList{
      Field<&CampaignDiscount::amount_off_minor>{"amount_off_minor", {}, kOmitDefault},
      Field<&CampaignDiscount::percent_off_bp>{"percent_off_bp", {}, kOmitDefault},
      Field<&CampaignDiscount::max_off_minor>{"max_off_minor", {}, kOmitDefault},
  };
};

template <>
struct Schema<CampaignAward> {
  static constexpr std::string_view kName = "award";
  static constexpr auto kFields = record::FieldList{
      Field<&CampaignAward::multiplier_bp>{"multiplier_bp", {}, kOmitDefault},
      Field<&CampaignAward::bonus_points>{"bonus_points", {}, kOmitDefault},
      Field<&CampaignAward::max_points>{"max_points", {}, kOmitDefault},
      Field<&CampaignAward::discount>{"discount", {}, kOmitDefault},
      Field<&CampaignAward::voucher>{"voucher", {}, kOmitDefault},
  };
};

template <>
struct Schema<CampaignLimit> {
  static constexpr std::string_view kName = "limit";
  static constexpr auto kFields = record::FieldList{
      Field<&CampaignLimit::times>{"times"},
      Field<&CampaignLimit::per>{"per"},
  };
};

template <>
struct Schema<CampaignBudget> {
  static constexpr std::string_view kName = "budget";
  static constexpr auto kFields = record::FieldList{
      Field<&CampaignBudget::points>{"points"},
  };
};

template <>
struct Schema<Campaign> {
  static constexpr std::string_view kName = "campaign";
  static constexpr auto kFields = record::FieldList{
      Field<&Campaign::id>{"id"},
      Field<&Campaign::name>{"name", {}, kOmitDefault},
      Field<&Campaign::priority>{"priority", {}, kOmitDefault},
      Field<&Campaign::stack_group>{"stack_group", {}, kOmitDefault},
      Field<&Campaign::stack_mode>{"stack_mode", {}, kOptional},
      Field<&Campaign::holdout_bp>{"holdout_bp", {}, kOmitDefault},
      Field<&Campaign::when>{"when", {}, kOmitDefault},
      Field<&Campaign::who>{"who", {}, kOmitDefault},
      Field<&Campaign::basket>{"basket", {}, kOmitDefault},
      Field<&Campaign::award>{"award"},
      Field<&Campaign::limit>{"limit", {}, kOmitDefault},
      Field<&Campaign::budget>{"budget", {}, kOmitDefault},
  };
};

}  // namespace patron::record

#endif  // PATRON_CAMPAIGN_H_
