// The terms of a voucher a rule pack gives (reward.h rewards and gifts,
// campaign.h campaigns that issue one).
#ifndef PATRON_VOUCHER_TERMS_H_
#define PATRON_VOUCHER_TERMS_H_

#include <cstdint>
#include <string_view>

#include "patron/record/field.h"

namespace patron {

// The voucher a reward, a gift or a campaign gives (records/voucher.h):
// money off, and how many days from its issue it may be used. A reward
// without one is an item handed over at the till. (No bonus points: points
// bought with points would only be an exchange rate.)
struct RewardVoucher {
  int64_t amount_off_minor = 0;
  int64_t percent_off_bp = 0;
  int64_t max_off_minor = 0;
  int64_t min_spend_minor = 0;
  int64_t valid_days = 0;
  friend bool operator==(const RewardVoucher&, const RewardVoucher&) = default;
};

}  // namespace patron

namespace patron::record {

template <>
struct Schema<RewardVoucher> {
  static constexpr std::string_view kName = "reward_voucher";
  static constexpr auto kFields = record::FieldList{
      Field<&RewardVoucher::amount_off_minor>{"amount_off_minor", {}, kOmitDefault},
      Field<&RewardVoucher::percent_off_bp>{"percent_off_bp", {}, kOmitDefault},
      Field<&RewardVoucher::max_off_minor>{"max_off_minor", {}, kOmitDefault},
      Field<&RewardVoucher::min_spend_minor>{"min_spend_minor", {}, kOmitDefault},
      Field<&RewardVoucher::valid_days>{"valid_days", {}, kOmitDefault},
  };
};

}  // namespace patron::record

#endif  // PATRON_VOUCHER_TERMS_H_
