// Sales and refunds keyed by the POS's sale_ref / refund_ref, with the hash
// of the request that created them (idempotency) and running refund totals.
#ifndef PATRON_TERMINAL_SRC_STORE_SALE_STORE_H_
#define PATRON_TERMINAL_SRC_STORE_SALE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/sql/database.h"
#include "patron/status.h"

namespace patron::terminal {

struct SaleRow {
  std::string sale_ref;
  std::string request_hash;
  std::string member_id;
  int64_t amount_minor = 0;
  std::string currency;
  int64_t discount_minor = 0;
  int64_t paid_minor = 0;
  int64_t eligible_paid_minor = 0;
  int64_t earned_points = 0;
  int64_t redeemed_points = 0;
  std::string earn_entry;    // empty if nothing was earned
  std::string redeem_entry;  // empty if nothing was redeemed
  int64_t balance_after = 0;
  std::string tier_after;
  int64_t rule_version = 0;
  int64_t created_ms = 0;
  int64_t refunded_amount_minor = 0;
};

struct SaleLineRow {
  int64_t line_no = 0;
  std::string sku;
  int64_t qty = 0;
  int64_t amount_minor = 0;
  std::string category;
  int64_t refunded_qty = 0;
};

struct RefundRow {
  std::string refund_ref;
  std::string request_hash;
  std::string sale_ref;
  int64_t amount_minor = 0;
  int64_t paid_back_minor = 0;
  int64_t reversed_points = 0;
  int64_t returned_points = 0;
  std::vector<std::string> entry_ids;
  int64_t balance_after = 0;
  int64_t created_ms = 0;
};

class SaleStore {
 public:
  explicit SaleStore(sql::Database& db) : db_(db) {}

  Result<std::optional<SaleRow>> GetSale(std::string_view sale_ref);
  Result<std::vector<SaleLineRow>> GetLines(std::string_view sale_ref);
  Status InsertSale(const SaleRow& sale, const std::vector<SaleLineRow>& lines);
  Status SetRefundedAmount(std::string_view sale_ref, int64_t refunded_amount_minor);
  Status SetLineRefundedQty(std::string_view sale_ref, int64_t line_no, int64_t refunded_qty);

  Result<std::optional<RefundRow>> GetRefund(std::string_view refund_ref);
  Status InsertRefund(const RefundRow& refund);

 private:
  sql::Database& db_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_SALE_STORE_H_
