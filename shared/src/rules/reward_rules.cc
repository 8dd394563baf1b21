// ValidateRewards: what a till relies on to exchange a reward of a pack head
// office accepted, and to issue the voucher it buys.
#include <algorithm>
#include <set>
#include <string>

#include "patron/money.h"
#include "patron/records/exchange.h"
#include "patron/records/voucher.h"
#include "patron/rules.h"
#include "rules/invalid_rules.h"

namespace patron {
namespace {

constexpr size_t kMaxRewards = 200;
constexpr int64_t kMaxRewardPoints = 100'000'000;
constexpr int64_t kMaxStock = 100'000'000;
constexpr int64_t kMaxLimitTimes = 1'000;

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// A voucher's terms as ValidateVoucher checks them, for `path`.
Status CheckVoucherTerms(const Reward& as_reward, const std::string& path) {
  if (as_reward.voucher.valid_days < 1 || as_reward.voucher.valid_days > kMaxPackDays) {
    return InvalidRules(path + ".voucher.valid_days",
                        "must be in [1, " + std::to_string(kMaxPackDays) + "]");
  }
  ExchangeRecord sample;
  sample.exchange_id = "t/validate";
  sample.member_id = "m";
  Status voucher = ValidateVoucher(VoucherBoughtBy(as_reward, sample));
  if (!voucher.ok()) return InvalidRules(path + ".voucher", voucher.message());
  return Status::OK();
}

Status CheckReward(const Rules& rules, const Reward& reward, const std::string& path) {
  const auto invalid = [&path](std::string_view field, std::string_view problem) {
    return InvalidRules(path + "." + std::string(field), problem);
  };
  if (reward.id.empty() || reward.id.size() > kMaxVoucherIdLength ||
      !std::all_of(reward.id.begin(), reward.id.end(), IsIdChar)) {
    return invalid("id", "must be 1 to 48 letters, digits, '.', '_' or '-'");
  }
  if (reward.name.empty() || reward.name.size() > kMaxVoucherTextLength) {
    return invalid("name", "is required, at most 200 bytes");
  }
  if (reward.points <= 0 || reward.points > kMaxRewardPoints) {
    return invalid("points", "must be in [1, " + std::to_string(kMaxRewardPoints) + "]");
  }
  if (reward.stock < 0 || reward.stock > kMaxStock) {
    return invalid("stock", "must be in [0, " + std::to_string(kMaxStock) + "] (0 = no limit)");
  }
  const CampaignLimit& limit = reward.limit;
  if (limit != CampaignLimit{}) {
    if (limit.times < 1 || limit.times > kMaxLimitTimes) {
      return invalid("limit.times", "must be in [1, " + std::to_string(kMaxLimitTimes) + "]");
    }
    const std::string_view per = limit.per;
    if (per != kPerDay && per != kPerWeek && per != kPerMonth && per != kPerYear &&
        per != kPerEver) {
      return invalid("limit.per", "must be day, week, month, year or ever");
    }
  }
  for (size_t i = 0; i < reward.tiers.size(); ++i) {
    if (!FindTier(rules, reward.tiers[i]).ok()) {
      return invalid("tiers[" + std::to_string(i) + "]", "names no tier of the pack");
    }
  }
  if (reward.voucher == RewardVoucher{}) return Status::OK();
  // The voucher it would issue, checked as head office checks an issued one.
  return CheckVoucherTerms(reward, path);
}

Status CheckGift(const Gift& gift, const std::string& path) {
  if (gift.id.empty() || gift.id.size() > kMaxVoucherIdLength ||
      !std::all_of(gift.id.begin(), gift.id.end(), IsIdChar)) {
    return InvalidRules(path + ".id", "must be 1 to 48 letters, digits, '.', '_' or '-'");
  }
  if (gift.name.empty() || gift.name.size() > kMaxVoucherTextLength) {
    return InvalidRules(path + ".name", "is required, at most 200 bytes");
  }
  if (gift.occasion != kGiftBirthday && gift.occasion != kGiftWelcome) {
    return InvalidRules(path + ".occasion", "must be birthday or welcome");
  }
  if (gift.days_before < 0 || gift.days_before > 366) {
    return InvalidRules(path + ".days_before", "must be in [0, 366]");
  }
  Reward as_reward;
  as_reward.name = gift.name;
  as_reward.voucher = gift.voucher;
  return CheckVoucherTerms(as_reward, path);
}

}  // namespace

Status ValidateRewards(const Rules& rules) {
  if (rules.rewards.size() > kMaxRewards) {
    return InvalidRules("rewards", "at most " + std::to_string(kMaxRewards) + " rewards");
  }
  std::set<std::string_view> ids;
  for (size_t i = 0; i < rules.rewards.size(); ++i) {
    const std::string path = "rewards[" + std::to_string(i) + "]";
    PATRON_RETURN_IF_ERROR(CheckReward(rules, rules.rewards[i], path));
    if (!ids.insert(rules.rewards[i].id).second) {
      return InvalidRules(path + ".id", "repeats an earlier reward's id");
    }
  }
  if (rules.gifts.size() > kMaxRewards) {
    return InvalidRules("gifts", "at most " + std::to_string(kMaxRewards) + " gifts");
  }
  std::set<std::string_view> gift_ids;
  for (size_t i = 0; i < rules.gifts.size(); ++i) {
    const std::string path = "gifts[" + std::to_string(i) + "]";
    PATRON_RETURN_IF_ERROR(CheckGift(rules.gifts[i], path));
    if (!gift_ids.insert(rules.gifts[i].id).second) {
      return InvalidRules(path + ".id", "repeats an earlier gift's id");
    }
  }
  return Status::OK();
}

}  // namespace patron
