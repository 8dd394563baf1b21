#include "patron/records/exchange.h"

#include "patron/digest.h"
#include "patron/evaluate.h"

namespace patron {

const std::string_view kExchangeColumnsSql = R"sql(
  exchange_id TEXT PRIMARY KEY,
  terminal_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  exchange_ref TEXT NOT NULL,
  member_id TEXT NOT NULL,
  reward_id TEXT NOT NULL,
  reward_name TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  points INTEGER NOT NULL,
  entry_id TEXT NOT NULL,
  voucher_id TEXT NOT NULL,
  rule_version INTEGER NOT NULL,
  hlc INTEGER NOT NULL,
  wall_ms INTEGER NOT NULL)sql";

std::string ExchangeVoucherId(std::string_view exchange_id) {
  return "x-" + Sha256Hex(exchange_id).substr(0, 40);
}

void SetVoucherTerms(const RewardVoucher& terms, Voucher& voucher) {
  voucher.amount_off_minor = terms.amount_off_minor;
  voucher.percent_off_bp = terms.percent_off_bp;
  voucher.max_off_minor = terms.max_off_minor;
  voucher.min_spend_minor = terms.min_spend_minor;
}

Voucher VoucherBoughtBy(const Reward& reward, const ExchangeRecord& exchange) {
  constexpr int64_t kMsPerDay = 86'400'000;
  Voucher voucher;
  voucher.voucher_id = ExchangeVoucherId(exchange.exchange_id);
  voucher.member_id = exchange.member_id;
  voucher.name = reward.name;
  voucher.source = "exchange:" + reward.id;
  SetVoucherTerms(reward.voucher, voucher);
  voucher.valid_from_ms = exchange.wall_ms;
  voucher.valid_until_ms = exchange.wall_ms + reward.voucher.valid_days * kMsPerDay;
  voucher.issued_ms = exchange.wall_ms;
  voucher.holder = exchange.terminal_id;
  voucher.holder_gen = 1;
  return voucher;
}

int64_t ExchangedInPeriod(const Rules& pack, const Reward& reward,
                          const std::vector<ExchangeRecord>& known, int64_t now_ms) {
  const int64_t period = LimitPeriod(pack, reward.limit, now_ms);
  int64_t count = 0;
  for (const ExchangeRecord& exchange : known) {
    if (exchange.reward_id != reward.id) continue;
    if (LimitPeriod(pack, reward.limit, exchange.wall_ms) != period) continue;
    count += exchange.quantity;
  }
  return count;
}

}  // namespace patron
