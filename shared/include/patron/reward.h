// The rewards catalogue of a rule pack (DESIGN.md §9, 积分兑换): items and
// vouchers a member buys with points at the till.
//
// Never more than the stock, offline included: head office hands each till
// a share of a reward's stock on request (POST /v1/rewards/stock), like
// redemption rights, and a till exchanges only from the share it holds, so
// the shares exchanged never add up to more than the stock, whatever the
// partitions. Per-member limits are counted by each till over the
// exchanges it knows (its own, and every other till's once head office has
// sent them down); two offline tills may each give a member the last one
// allowed, and head office reports that (`reward_limit_exceeded`).
#ifndef PATRON_REWARD_H_
#define PATRON_REWARD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "patron/campaign.h"
#include "patron/record/field.h"
#include "patron/voucher_terms.h"

namespace patron {

// Per-member limits count over a period of the pack's local calendar (the
// campaign periods "day", "week", "month", "year") or for ever.
inline constexpr std::string_view kPerEver = "ever";

struct Reward {
  std::string id;      // stable across pack versions; [A-Za-z0-9._-], at most 48
  std::string name;    // for people: "保温杯 Travel mug"
  int64_t points = 0;  // the price of one, > 0
  // How many head office may hand out across all tills while this id is in
  // the packs (the newest pack holding it says); 0 = no limit.
  int64_t stock = 0;
  CampaignLimit limit;             // per member: times per period; times 0 = no limit
  std::vector<std::string> tiers;  // tier names that may exchange it; empty = all
  RewardVoucher voucher;           // a voucher reward when it gives anything
  friend bool operator==(const Reward&, const Reward&) = default;
};

// A gift head office issues ahead of time, as a voucher held at head office
// (records/voucher.h; any till claims it at checkout): for a member's
// birthday, `days_before` it, valid until `valid_days` after the birthday;
// or a welcome, to each member who joined within the last `days_before`
// days, valid `valid_days` from issue. Each member gets each gift once (per
// birthday year): the voucher's id is made of the gift, the member and the
// year, so running the issue again changes nothing.
inline constexpr std::string_view kGiftBirthday = "birthday";
inline constexpr std::string_view kGiftWelcome = "welcome";

struct Gift {
  std::string id;        // [A-Za-z0-9._-], at most 48
  std::string name;      // the voucher's: "生日礼券 Birthday 20 off"
  std::string occasion;  // kGiftBirthday, kGiftWelcome
  int64_t days_before = 0;
  RewardVoucher voucher;  // what it gives; valid_days as above
  friend bool operator==(const Gift&, const Gift&) = default;
};

inline bool IsVoucherReward(const Reward& reward) {
  const RewardVoucher& v = reward.voucher;
  return v.amount_off_minor > 0 || v.percent_off_bp > 0;
}

}  // namespace patron

namespace patron::record {

template <>
struct Schema<Gift> {
  static constexpr std::string_view kName = "gift";
  static constexpr auto kFields = record::FieldList{
      Field<&Gift::id>{"id"},
      Field<&Gift::name>{"name"},
      Field<&Gift::occasion>{"occasion"},
      Field<&Gift::days_before>{"days_before"},
      Field<&Gift::voucher>{"voucher"},
  };
};

template <>
struct Schema<Reward> {
  static constexpr std::string_view kName = "reward";
  static constexpr auto kFields = record::FieldList{
      Field<&Reward::id>{"id"},
      Field<&Reward::name>{"name"},
      Field<&Reward::points>{"points"},
      Field<&Reward::stock>{"stock", {}, kOmitDefault},
      Field<&Reward::limit>{"limit", {}, kOmitDefault},
      Field<&Reward::tiers>{"tiers", {}, kOmitDefault},
      Field<&Reward::voucher>{"voucher", {}, kOmitDefault},
  };
};

}  // namespace patron::record

#endif  // PATRON_REWARD_H_
