// A points exchange (积分兑换; reward.h): a member bought a reward of the
// rule pack with points at a till. The till sends the record to head office
// through the up-channel (record kind "exchange"); head office files it,
// issues the voucher it bought, and sends it down to every till addressed to
// the member (down item "exchange"), so every till counts it against the
// member's limits.
#ifndef PATRON_RECORDS_EXCHANGE_H_
#define PATRON_RECORDS_EXCHANGE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "patron/hlc.h"
#include "patron/record/field.h"
#include "patron/records/voucher.h"
#include "patron/reward.h"
#include "patron/rules.h"

namespace patron {

inline constexpr std::string_view kExchangeRecordKind = "exchange";
inline constexpr std::string_view kExchangeItem = "exchange";
// The most of one reward one exchange takes.
inline constexpr int64_t kMaxExchangeQuantity = 100;

struct ExchangeRecord {
  std::string exchange_id;  // MakeSaleId(terminal_id, exchange_ref)
  std::string terminal_id;
  std::string store_id;
  std::string exchange_ref;  // the POS's receipt number; idempotency key
  std::string member_id;
  std::string reward_id;
  std::string reward_name;  // as the pack named it then
  int64_t quantity = 1;
  int64_t points = 0;      // spent: the reward's points times quantity
  std::string entry_id;    // the kRedeem entry that spent them
  std::string voucher_id;  // the voucher it bought (ExchangeVoucherId); "" for an item
  int64_t rule_version = 0;
  HlcTimestamp hlc;
  int64_t wall_ms = 0;
  friend bool operator==(const ExchangeRecord&, const ExchangeRecord&) = default;
};

// The SQL columns of an exchange (record::ColumnList<ExchangeRecord>()
// with their types), for the `exchanges` tables of head office and of the
// terminal (each schema's version 11).
extern const std::string_view kExchangeColumnsSql;

// The id of the voucher an exchange bought: "x-" and 40 hex digits of the
// exchange id, the same at the till and at head office.
std::string ExchangeVoucherId(std::string_view exchange_id);

// The money off of `terms` on `voucher` (its window is the caller's: a
// reward's and a gift's valid_days count from different days).
void SetVoucherTerms(const RewardVoucher& terms, Voucher& voucher);

// The voucher `exchange` of `reward` bought: the reward's benefit, for the
// member, valid from the exchange for the reward's valid_days, held by the
// till that made the exchange (holder_gen 1), so the member may use it
// there at once, offline too. Requires a voucher reward.
Voucher VoucherBoughtBy(const Reward& reward, const ExchangeRecord& exchange);

// How many of `reward` the exchanges `known` (the member's) hold in the
// period of the reward's limit that `now_ms` falls in (LimitPeriod), by the
// pack's local calendar.
int64_t ExchangedInPeriod(const Rules& pack, const Reward& reward,
                          const std::vector<ExchangeRecord>& known, int64_t now_ms);

}  // namespace patron

namespace patron::record {

template <>
struct Schema<ExchangeRecord> {
  static constexpr std::string_view kName = "exchange";
  static constexpr auto kFields = record::FieldList{
      Field<&ExchangeRecord::exchange_id>{"exchange_id"},
      Field<&ExchangeRecord::terminal_id>{"terminal_id"},
      Field<&ExchangeRecord::store_id>{"store_id"},
      Field<&ExchangeRecord::exchange_ref>{"exchange_ref"},
      Field<&ExchangeRecord::member_id>{"member_id"},
      Field<&ExchangeRecord::reward_id>{"reward_id"},
      Field<&ExchangeRecord::reward_name>{"reward_name"},
      Field<&ExchangeRecord::quantity>{"quantity"},
      Field<&ExchangeRecord::points>{"points"},
      Field<&ExchangeRecord::entry_id>{"entry_id"},
      Field<&ExchangeRecord::voucher_id>{"voucher_id"},
      Field<&ExchangeRecord::rule_version>{"rule_version"},
      Field<&ExchangeRecord::hlc>{"hlc"},
      Field<&ExchangeRecord::wall_ms>{"wall_ms"},
  };
};

}  // namespace patron::record

#endif  // PATRON_RECORDS_EXCHANGE_H_
