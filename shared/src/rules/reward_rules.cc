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
  if (reward.voucher.valid_days < 1 || reward.voucher.valid_days > kMaxPackDays) {
    return invalid("voucher.valid_days", "must be in [1, " + std::to_string(kMaxPackDays) + "]");
  }
  ExchangeRecord sample;
  sample.exchange_id = "t/validate";
  sample.member_id = "m";
  Status voucher = ValidateVoucher(VoucherBoughtBy(reward, sample));
  if (!voucher.ok()) return invalid("voucher", voucher.message());
  return Status::OK();
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
  return Status::OK();
}

}  // namespace patron
