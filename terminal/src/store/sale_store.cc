#include "store/sale_store.h"

#include <sstream>

namespace patron::terminal {
namespace {

constexpr std::string_view kSelectSale =
    "SELECT sale_ref, request_hash, member_id, amount_minor, currency, discount_minor, "
    "paid_minor, eligible_paid_minor, earned_points, redeemed_points, earn_entry, "
    "redeem_entry, balance_after, tier_after, rule_version, created_ms, "
    "refunded_amount_minor FROM sales WHERE sale_ref = ?";
constexpr std::string_view kInsertSale =
    "INSERT INTO sales(sale_ref, request_hash, member_id, amount_minor, currency, "
    "discount_minor, paid_minor, eligible_paid_minor, earned_points, redeemed_points, "
    "earn_entry, redeem_entry, balance_after, tier_after, rule_version, created_ms, "
    "refunded_amount_minor) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
constexpr std::string_view kSelectLines =
    "SELECT line_no, sku, qty, amount_minor, category, refunded_qty FROM sale_lines "
    "WHERE sale_ref = ? ORDER BY line_no";
constexpr std::string_view kInsertLine =
    "INSERT INTO sale_lines(sale_ref, line_no, sku, qty, amount_minor, category, "
    "refunded_qty) VALUES (?,?,?,?,?,?,?)";
constexpr std::string_view kSelectRefund =
    "SELECT refund_ref, request_hash, sale_ref, amount_minor, paid_back_minor, "
    "reversed_points, returned_points, entry_ids, balance_after, created_ms "
    "FROM refunds WHERE refund_ref = ?";
constexpr std::string_view kInsertRefund =
    "INSERT INTO refunds(refund_ref, request_hash, sale_ref, amount_minor, paid_back_minor, "
    "reversed_points, returned_points, entry_ids, balance_after, created_ms) "
    "VALUES (?,?,?,?,?,?,?,?,?,?)";

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string joined;
  for (const std::string& id : ids) {
    if (!joined.empty()) joined += ' ';
    joined += id;
  }
  return joined;
}

std::vector<std::string> SplitIds(const std::string& joined) {
  std::vector<std::string> ids;
  std::istringstream in(joined);
  for (std::string id; in >> id;) ids.push_back(id);
  return ids;
}

// Runs a statement that must change exactly one row.
Status RunUpdateOne(sql::Database& db, sql::Statement& s, std::string_view what) {
  PATRON_RETURN_IF_ERROR(s.Run());
  if (db.Changes() != 1) return Status::NotFound(std::string(what) + " not found");
  return Status::OK();
}

}  // namespace

Result<std::optional<SaleRow>> SaleStore::GetSale(std::string_view sale_ref) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kSelectSale));
  s.BindText(0, sale_ref);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<SaleRow>();
  SaleRow r;
  r.sale_ref = s.ColumnText(0);
  r.request_hash = s.ColumnText(1);
  r.member_id = s.ColumnText(2);
  r.amount_minor = s.ColumnInt64(3);
  r.currency = s.ColumnText(4);
  r.discount_minor = s.ColumnInt64(5);
  r.paid_minor = s.ColumnInt64(6);
  r.eligible_paid_minor = s.ColumnInt64(7);
  r.earned_points = s.ColumnInt64(8);
  r.redeemed_points = s.ColumnInt64(9);
  r.earn_entry = s.ColumnText(10);
  r.redeem_entry = s.ColumnText(11);
  r.balance_after = s.ColumnInt64(12);
  r.tier_after = s.ColumnText(13);
  r.rule_version = s.ColumnInt64(14);
  r.created_ms = s.ColumnInt64(15);
  r.refunded_amount_minor = s.ColumnInt64(16);
  return std::optional<SaleRow>(std::move(r));
}

Result<std::vector<SaleLineRow>> SaleStore::GetLines(std::string_view sale_ref) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kSelectLines));
  s.BindText(0, sale_ref);
  std::vector<SaleLineRow> lines;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    lines.push_back({s.ColumnInt64(0), s.ColumnText(1), s.ColumnInt64(2), s.ColumnInt64(3),
                     s.ColumnText(4), s.ColumnInt64(5)});
  }
  return lines;
}

Status SaleStore::InsertSale(const SaleRow& r, const std::vector<SaleLineRow>& lines) {
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kInsertSale));
    s.BindText(0, r.sale_ref);
    s.BindText(1, r.request_hash);
    s.BindText(2, r.member_id);
    s.BindInt64(3, r.amount_minor);
    s.BindText(4, r.currency);
    s.BindInt64(5, r.discount_minor);
    s.BindInt64(6, r.paid_minor);
    s.BindInt64(7, r.eligible_paid_minor);
    s.BindInt64(8, r.earned_points);
    s.BindInt64(9, r.redeemed_points);
    s.BindText(10, r.earn_entry);
    s.BindText(11, r.redeem_entry);
    s.BindInt64(12, r.balance_after);
    s.BindText(13, r.tier_after);
    s.BindInt64(14, r.rule_version);
    s.BindInt64(15, r.created_ms);
    s.BindInt64(16, r.refunded_amount_minor);
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  for (const SaleLineRow& line : lines) {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kInsertLine));
    s.BindText(0, r.sale_ref);
    s.BindInt64(1, line.line_no);
    s.BindText(2, line.sku);
    s.BindInt64(3, line.qty);
    s.BindInt64(4, line.amount_minor);
    s.BindText(5, line.category);
    s.BindInt64(6, line.refunded_qty);
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  return Status::OK();
}

Status SaleStore::SetRefundedAmount(std::string_view sale_ref, int64_t refunded_amount_minor) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("UPDATE sales SET refunded_amount_minor = ? WHERE sale_ref = ?"));
  s.BindInt64(0, refunded_amount_minor);
  s.BindText(1, sale_ref);
  return RunUpdateOne(db_, s, "sale");
}

Status SaleStore::SetLineRefundedQty(std::string_view sale_ref, int64_t line_no,
                                     int64_t refunded_qty) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("UPDATE sale_lines SET refunded_qty = ? "
                                                 "WHERE sale_ref = ? AND line_no = ?"));
  s.BindInt64(0, refunded_qty);
  s.BindText(1, sale_ref);
  s.BindInt64(2, line_no);
  return RunUpdateOne(db_, s, "sale line");
}

Result<std::optional<RefundRow>> SaleStore::GetRefund(std::string_view refund_ref) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kSelectRefund));
  s.BindText(0, refund_ref);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<RefundRow>();
  RefundRow r;
  r.refund_ref = s.ColumnText(0);
  r.request_hash = s.ColumnText(1);
  r.sale_ref = s.ColumnText(2);
  r.amount_minor = s.ColumnInt64(3);
  r.paid_back_minor = s.ColumnInt64(4);
  r.reversed_points = s.ColumnInt64(5);
  r.returned_points = s.ColumnInt64(6);
  r.entry_ids = SplitIds(s.ColumnText(7));
  r.balance_after = s.ColumnInt64(8);
  r.created_ms = s.ColumnInt64(9);
  return std::optional<RefundRow>(std::move(r));
}

Status SaleStore::InsertRefund(const RefundRow& r) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kInsertRefund));
  s.BindText(0, r.refund_ref);
  s.BindText(1, r.request_hash);
  s.BindText(2, r.sale_ref);
  s.BindInt64(3, r.amount_minor);
  s.BindInt64(4, r.paid_back_minor);
  s.BindInt64(5, r.reversed_points);
  s.BindInt64(6, r.returned_points);
  s.BindText(7, JoinIds(r.entry_ids));
  s.BindInt64(8, r.balance_after);
  s.BindInt64(9, r.created_ms);
  return s.Run();
}

}  // namespace patron::terminal
