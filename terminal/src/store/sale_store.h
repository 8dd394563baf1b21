// Sales and refunds keyed by the POS's sale_ref / refund_ref, with the hash
// of the request that created them (idempotency) and running refund totals.
// A row is the consumption record head office receives (records/sale.h)
// plus what this terminal alone needs; the columns of each table derive
// from the row's field table.
#ifndef PATRON_TERMINAL_SRC_STORE_SALE_STORE_H_
#define PATRON_TERMINAL_SRC_STORE_SALE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/record/field.h"
#include "patron/records/sale.h"
#include "patron/sql/database.h"
#include "patron/status.h"

namespace patron::terminal {

struct SaleRow : SaleRecord {
  std::string request_hash;
  int64_t balance_after = 0;
  std::string tier_after;
  // The member's qualifying spend after the sale; nullopt for sales made
  // before schema version 8.
  std::optional<int64_t> spend_after_minor;
  // Running total of refunds made here; the next refund is computed from it
  // and what was refunded elsewhere, so the refunds of a sale add up
  // exactly to the sale.
  int64_t refunded_amount_minor = 0;
  // What other terminals refunded of it, as head office last said.
  int64_t refunded_elsewhere_minor = 0;
};

struct SaleLineRow : SaleLine {
  int64_t refunded_qty = 0;
  int64_t refunded_elsewhere_qty = 0;
};

struct RefundRow : RefundRecord {
  std::string request_hash;
  int64_t balance_after = 0;
};

class SaleStore {
 public:
  explicit SaleStore(sql::Database& db) : db_(db) {}

  // The sale with its lines (SaleRecord::lines); refunded quantities come
  // with GetLines.
  Result<std::optional<SaleRow>> GetSale(std::string_view sale_ref);
  Result<std::vector<SaleLineRow>> GetLines(std::string_view sale_ref);
  // The sale and its lines (sale.lines).
  Status InsertSale(const SaleRow& sale);
  Status SetRefundedAmount(std::string_view sale_ref, int64_t refunded_amount_minor);
  Status SetLineRefundedQty(std::string_view sale_ref, int64_t line_no, int64_t refunded_qty);
  // What other terminals refunded of a sale made here ("sale_refunds"
  // items); a sale this terminal does not hold is left alone.
  Status SetRefundedElsewhere(std::string_view sale_ref, int64_t refunded_minor,
                              const std::vector<int64_t>& refunded_qty);

  Result<std::optional<RefundRow>> GetRefund(std::string_view refund_ref);
  // The refund's lines are not kept here (the sale's lines count what was
  // refunded); they travel in its record.
  Status InsertRefund(const RefundRow& refund);

  // Every sale and every refund, oldest first, for the outbox of a terminal
  // that sold before records were sent (schema version 3).
  Result<std::vector<SaleRow>> AllSales();
  Result<std::vector<RefundRow>> AllRefunds();

 private:
  sql::Database& db_;
};

}  // namespace patron::terminal

namespace patron::record {

template <>
struct Schema<terminal::SaleRow> {
  static constexpr auto kFields = record::Concat(
      Schema<SaleRecord>::kFields,
      record::FieldList{
          Field<&terminal::SaleRow::request_hash>{"request_hash"},
          Field<&terminal::SaleRow::balance_after>{"balance_after"},
          Field<&terminal::SaleRow::tier_after>{"tier_after"},
          Field<&terminal::SaleRow::spend_after_minor>{"spend_after_minor"},
          Field<&terminal::SaleRow::refunded_amount_minor>{"refunded_amount_minor"},
          Field<&terminal::SaleRow::refunded_elsewhere_minor>{"refunded_elsewhere_minor"},
      });
};

template <>
struct Schema<terminal::SaleLineRow> {
  static constexpr auto kFields = record::Concat(
      Schema<SaleLine>::kFields,
      record::FieldList{
          Field<&terminal::SaleLineRow::refunded_qty>{"refunded_qty"},
          Field<&terminal::SaleLineRow::refunded_elsewhere_qty>{"refunded_elsewhere_qty"}});
};

template <>
struct Schema<terminal::RefundRow> {
  static constexpr auto kFields =
      record::Concat(Schema<RefundRecord>::kFields,
                     record::FieldList{
                         Field<&terminal::RefundRow::request_hash>{"request_hash"},
                         Field<&terminal::RefundRow::balance_after>{"balance_after"},
                     });
};

}  // namespace patron::record

#endif  // PATRON_TERMINAL_SRC_STORE_SALE_STORE_H_
