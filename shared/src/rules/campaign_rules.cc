// ValidateCampaigns: everything Evaluate relies on, so that a pack head
// office accepted evaluates without error on every till.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "patron/local_time.h"
#include "patron/money.h"
#include "patron/records/campaign_voucher.h"
#include "patron/rules.h"
#include "rules/invalid_rules.h"

namespace patron {
namespace {

constexpr size_t kMaxCampaignIdBytes = 64;
constexpr size_t kMaxCampaigns = 200;
constexpr int64_t kMaxPriority = 1'000'000;
constexpr int64_t kMaxBonusPoints = 1'000'000;
constexpr int64_t kMaxBirthdayDays = 31;
constexpr int64_t kMaxLimitTimes = 1'000;
// A voucher's most (records/voucher.h kMaxVoucherAmount): 10,000,000.00.
constexpr int64_t kMaxMoneyOffMinor = 1'000'000'000;

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

class CampaignChecker {
 public:
  CampaignChecker(const Rules& rules, size_t index)
      : rules_(rules),
        campaign_(rules.campaigns[index]),
        path_("campaigns[" + std::to_string(index) + "]") {}

  Status Check() const {
    PATRON_RETURN_IF_ERROR(CheckIdentity());
    PATRON_RETURN_IF_ERROR(CheckWhen());
    PATRON_RETURN_IF_ERROR(CheckWho());
    PATRON_RETURN_IF_ERROR(CheckBasket());
    PATRON_RETURN_IF_ERROR(CheckAward());
    PATRON_RETURN_IF_ERROR(CheckLimit());
    PATRON_RETURN_IF_ERROR(InRange("budget.points", campaign_.budget.points, 0, kMaxBudgetPoints));
    PATRON_RETURN_IF_ERROR(CheckMoneyOff());
    return CheckVoucher();
  }

 private:
  Status Invalid(std::string_view field, std::string_view problem) const {
    return InvalidRules(path_ + "." + std::string(field), problem);
  }

  Status InRange(std::string_view field, int64_t value, int64_t low, int64_t high) const {
    if (value >= low && value <= high) return Status::OK();
    return Invalid(field, "must be in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
  }

  Status CheckIdentity() const {
    const std::string& id = campaign_.id;
    if (id.empty() || id.size() > kMaxCampaignIdBytes ||
        !std::all_of(id.begin(), id.end(), IsIdChar)) {
      return Invalid("id", "must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    PATRON_RETURN_IF_ERROR(InRange("priority", campaign_.priority, -kMaxPriority, kMaxPriority));
    const std::string_view mode = campaign_.stack_mode;
    if (mode != kStackAdditive && mode != kStackExclusive && mode != kStackBestOfGroup) {
      return Invalid("stack_mode", "must be additive, exclusive or best_of_group");
    }
    return InRange("holdout_bp", campaign_.holdout_bp, 0, kBasisPointsPerUnit);
  }

  Status CheckWhen() const {
    const CampaignWhen& when = campaign_.when;
    for (const auto& [field, text] :
         {std::pair<std::string_view, const std::string&>{"when.from", when.from},
          {"when.until", when.until}}) {
      if (text.empty()) continue;
      if (Result<int64_t> ms = ParsePackTime(text, rules_.utc_offset_minutes); !ms.ok()) {
        return Invalid(field, ms.status().message());
      }
    }
    if (!when.from.empty() && !when.until.empty() &&
        *ParsePackTime(when.until, rules_.utc_offset_minutes) <=
            *ParsePackTime(when.from, rules_.utc_offset_minutes)) {
      return Invalid("when.until", "must be later than when.from");
    }
    for (int64_t weekday : when.weekdays) {
      PATRON_RETURN_IF_ERROR(InRange("when.weekdays", weekday, 1, 7));
    }
    for (int64_t day : when.month_days) {
      PATRON_RETURN_IF_ERROR(InRange("when.month_days", day, 1, 31));
    }
    int64_t from_minute = 0;
    int64_t until_minute = 24 * 60;
    if (!when.time_from.empty()) {
      Result<int64_t> minute = ParseClockTime(when.time_from);
      if (!minute.ok()) return Invalid("when.time_from", minute.status().message());
      from_minute = *minute;
    }
    if (!when.time_until.empty()) {
      Result<int64_t> minute = ParseClockTime(when.time_until);
      if (!minute.ok()) return Invalid("when.time_until", minute.status().message());
      until_minute = *minute;
    }
    if (until_minute <= from_minute) return Invalid("when.time_until", "must be after time_from");
    return Status::OK();
  }

  Status CheckWho() const {
    const CampaignWho& who = campaign_.who;
    for (const std::string& tier : who.tiers) {
      if (!FindTier(rules_, tier).ok()) return Invalid("who.tiers", "names no tier of the pack");
    }
    for (const std::string& store : who.stores) {
      if (store.empty()) return Invalid("who.stores", "must not hold an empty store id");
    }
    // Whether each names a segment the pack defines (Rules::segments) is
    // checked beside the segments themselves, in rules.cc ValidateRules.
    std::set<std::string_view> segments;
    for (size_t j = 0; j < who.segments.size(); ++j) {
      const std::string field = "who.segments[" + std::to_string(j) + "]";
      if (who.segments[j].empty()) return Invalid(field, "must name a segment");
      if (!segments.insert(who.segments[j]).second) {
        return Invalid(field, "names '" + who.segments[j] + "' again");
      }
    }
    if (who.joined_within_days) {
      PATRON_RETURN_IF_ERROR(
          InRange("who.joined_within_days", *who.joined_within_days, 1, kMaxPackDays));
    }
    if (who.birthday_within_days) {
      PATRON_RETURN_IF_ERROR(
          InRange("who.birthday_within_days", *who.birthday_within_days, 0, kMaxBirthdayDays));
    }
    if (who.lapsed_days) {
      PATRON_RETURN_IF_ERROR(InRange("who.lapsed_days", *who.lapsed_days, 1, kMaxPackDays));
      // A first purchase has no earlier one to have lapsed from.
      if (who.first_purchase) {
        return Invalid("who.lapsed_days", "cannot be combined with first_purchase");
      }
    }
    return Status::OK();
  }

  Status CheckBasket() const {
    const CampaignBasket& basket = campaign_.basket;
    PATRON_RETURN_IF_ERROR(InRange("basket.min_qty", basket.min_qty, 0, INT32_MAX));
    return InRange("basket.min_amount_minor", basket.min_amount_minor, 0, INT64_MAX / 2);
  }

  Status CheckLimit() const {
    const CampaignLimit& limit = campaign_.limit;
    if (limit == CampaignLimit{}) return Status::OK();
    PATRON_RETURN_IF_ERROR(InRange("limit.times", limit.times, 1, kMaxLimitTimes));
    const std::string_view per = limit.per;
    if (per != kPerDay && per != kPerWeek && per != kPerMonth && per != kPerYear &&
        per != kPerCampaign) {
      return Invalid("limit.per", "must be day, week, month, year or campaign");
    }
    return Status::OK();
  }

  // Money off is given at the till for good, and must not depend on what
  // points pay (campaign.h CampaignDiscount).
  Status CheckMoneyOff() const {
    const CampaignAward& award = campaign_.award;
    if (!GivesMoneyOff(award)) return Status::OK();
    const CampaignDiscount& discount = award.discount;
    PATRON_RETURN_IF_ERROR(InRange("award.discount.amount_off_minor", discount.amount_off_minor, 0,
                                   kMaxMoneyOffMinor));
    PATRON_RETURN_IF_ERROR(
        InRange("award.discount.percent_off_bp", discount.percent_off_bp, 0, kBasisPointsPerUnit));
    PATRON_RETURN_IF_ERROR(
        InRange("award.discount.max_off_minor", discount.max_off_minor, 0, kMaxMoneyOffMinor));
    if ((discount.amount_off_minor == 0) == (discount.percent_off_bp == 0)) {
      return Invalid("award.discount", "takes off an amount_off_minor or a percent_off_bp: one");
    }
    if (discount.max_off_minor > 0 && discount.percent_off_bp == 0) {
      return Invalid("award.discount.max_off_minor", "caps a percent_off_bp only");
    }
    if (award.multiplier_bp != 0 || award.bonus_points != 0 || award.max_points != 0) {
      return Invalid("award", "gives money off or points, not both: make two campaigns");
    }
    if (campaign_.limit != CampaignLimit{}) {
      return Invalid("limit",
                     "cannot limit money off, which a till gives for good: give a once-only "
                     "discount as a voucher (gifts)");
    }
    if (campaign_.budget.points != 0) {
      return Invalid("budget", "counts points; a money-off campaign has none");
    }
    return Status::OK();
  }

  // A voucher is issued at the till for good (campaign.h
  // CampaignAward::voucher).
  Status CheckVoucher() const {
    const CampaignAward& award = campaign_.award;
    if (!IssuesVoucher(award)) return Status::OK();
    if (award.voucher.valid_days < 1 || award.voucher.valid_days > kMaxPackDays) {
      return Invalid("award.voucher.valid_days",
                     "must be in [1, " + std::to_string(kMaxPackDays) + "]");
    }
    SaleRecord sample;
    sample.sale_id = "t/validate";
    sample.member_id = "m";
    sample.terminal_id = "t";
    if (Status voucher = ValidateVoucher(VoucherIssuedBy(campaign_, sample)); !voucher.ok()) {
      return Invalid("award.voucher", voucher.message());
    }
    if (award.multiplier_bp != 0 || award.bonus_points != 0 || award.max_points != 0 ||
        GivesMoneyOff(award)) {
      return Invalid("award", "issues a voucher and gives nothing else: make two campaigns");
    }
    if (campaign_.limit != CampaignLimit{}) {
      return Invalid("limit", "cannot limit vouchers, which a till issues for good");
    }
    if (campaign_.budget.points != 0) {
      return Invalid("budget", "counts points; a campaign issuing a voucher has none");
    }
    if (campaign_.stack_mode == kStackBestOfGroup) {
      return Invalid("stack_mode",
                     "best_of_group weighs points or money; order vouchers with exclusive");
    }
    return Status::OK();
  }

  Status CheckAward() const {
    const CampaignAward& award = campaign_.award;
    if (GivesMoneyOff(award) || IssuesVoucher(award)) return Status::OK();  // checked apart
    if (award.multiplier_bp != 0) {
      PATRON_RETURN_IF_ERROR(InRange("award.multiplier_bp", award.multiplier_bp,
                                     kBasisPointsPerUnit, kMaxMultiplierBp));
    }
    PATRON_RETURN_IF_ERROR(InRange("award.bonus_points", award.bonus_points, 0, kMaxBonusPoints));
    PATRON_RETURN_IF_ERROR(InRange("award.max_points", award.max_points, 0, INT64_MAX / 2));
    if (award.multiplier_bp <= kBasisPointsPerUnit && award.bonus_points == 0) {
      return Invalid("award", "gives nothing: set multiplier_bp above 10000 or bonus_points");
    }
    return Status::OK();
  }

  const Rules& rules_;
  const Campaign& campaign_;
  const std::string path_;
};

}  // namespace

Status ValidateCampaigns(const Rules& rules) {
  if (rules.campaigns.size() > kMaxCampaigns) {
    return InvalidRules("campaigns", "must hold at most 200 campaigns");
  }
  std::set<std::string_view> ids;
  std::map<std::string_view, std::string_view> group_modes;
  std::map<std::string_view, bool> group_money_off;
  for (size_t i = 0; i < rules.campaigns.size(); ++i) {
    const Campaign& campaign = rules.campaigns[i];
    PATRON_RETURN_IF_ERROR(CampaignChecker(rules, i).Check());
    const std::string path = "campaigns[" + std::to_string(i) + "]";
    if (!ids.insert(campaign.id).second) {
      return InvalidRules(path + ".id", "repeats an earlier campaign's id");
    }
    if (campaign.stack_group.empty()) continue;
    const auto [it, first] = group_modes.emplace(campaign.stack_group, campaign.stack_mode);
    if (!first && it->second != campaign.stack_mode) {
      return InvalidRules(path + ".stack_mode",
                          "differs from the mode of stack group '" + campaign.stack_group + "'");
    }
    // Money off is decided before points pay, so a group never weighs one
    // against points.
    const bool money_off = GivesMoneyOff(campaign.award);
    const auto [kind, first_kind] = group_money_off.emplace(campaign.stack_group, money_off);
    if (!first_kind && kind->second != money_off) {
      return InvalidRules(path + ".stack_group",
                          "'" + campaign.stack_group + "' mixes money-off and points campaigns");
    }
  }
  return Status::OK();
}

}  // namespace patron
