#include "store/sale_store.h"

#include "patron/record/record_sql.h"

namespace patron::terminal {
namespace {

using record::ColumnList;
using record::Placeholders;

const std::string& SelectSaleSql() {
  static const std::string sql =
      "SELECT " + ColumnList<SaleRow>() + " FROM sales WHERE sale_ref = ?";
  return sql;
}
const std::string& InsertSaleSql() {
  static const std::string sql = "INSERT INTO sales(" + ColumnList<SaleRow>() + ") VALUES (" +
                                 Placeholders<SaleRow>() + ")";
  return sql;
}
const std::string& AllSalesSql() {
  static const std::string sql = "SELECT " + ColumnList<SaleRow>() + " FROM sales ORDER BY wall_ms, sale_ref";
  return sql;
}
// sale_ref, then the line's own columns.
const std::string& SelectLinesSql() {
  static const std::string sql = "SELECT " + ColumnList<SaleLineRow>() +
                                 " FROM sale_lines WHERE sale_ref = ? ORDER BY line_no";
  return sql;
}
const std::string& InsertLineSql() {
  static const std::string sql = "INSERT INTO sale_lines(sale_ref, " + ColumnList<SaleLineRow>() +
                                 ") VALUES (?, " + Placeholders<SaleLineRow>() + ")";
  return sql;
}
const std::string& SelectRefundSql() {
  static const std::string sql =
      "SELECT " + ColumnList<RefundRow>() + " FROM refunds WHERE refund_ref = ?";
  return sql;
}
const std::string& InsertRefundSql() {
  static const std::string sql = "INSERT INTO refunds(" + ColumnList<RefundRow>() +
                                 ") VALUES (" + Placeholders<RefundRow>() + ")";
  return sql;
}
const std::string& AllRefundsSql() {
  static const std::string sql =
      "SELECT " + ColumnList<RefundRow>() + " FROM refunds ORDER BY wall_ms, refund_ref";
  return sql;
}

// Every row of a bound query of Row's columns.
template <typename Row>
Result<std::vector<Row>> ReadAll(sql::Statement& s) {
  std::vector<Row> rows;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return rows;
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, rows.emplace_back()));
  }
}

// Runs a statement that must change exactly one row.
Status RunUpdateOne(sql::Database& db, sql::Statement& s, std::string_view what) {
  PATRON_RETURN_IF_ERROR(s.Run());
  if (db.Changes() != 1) return Status::NotFound(std::string(what) + " not found");
  return Status::OK();
}

}  // namespace

Result<std::optional<SaleRow>> SaleStore::GetSale(std::string_view sale_ref) {
  std::optional<SaleRow> sale;
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(SelectSaleSql()));
    s.BindText(0, sale_ref);
    PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) return sale;
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, sale.emplace()));
  }
  PATRON_ASSIGN_OR_RETURN(std::vector<SaleLineRow> lines, GetLines(sale_ref));
  for (SaleLineRow& line : lines) sale->lines.push_back(std::move(line));
  return sale;
}

Result<std::vector<SaleLineRow>> SaleStore::GetLines(std::string_view sale_ref) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(SelectLinesSql()));
  s.BindText(0, sale_ref);
  return ReadAll<SaleLineRow>(s);
}

Status SaleStore::InsertSale(const SaleRow& sale) {
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertSaleSql()));
    record::BindRecord(s, 0, sale);
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  for (const SaleLine& line : sale.lines) {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertLineSql()));
    s.BindText(0, sale.sale_ref);
    SaleLineRow row;
    static_cast<SaleLine&>(row) = line;
    record::BindRecord(s, 1, row);
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

Status SaleStore::SetRefundedElsewhere(std::string_view sale_ref, int64_t refunded_minor,
                                       const std::vector<int64_t>& refunded_qty) {
  {
    PATRON_ASSIGN_OR_RETURN(
        sql::Statement s,
        db_.GetCachedStatement("UPDATE sales SET refunded_elsewhere_minor = ? WHERE sale_ref = ?"));
    s.BindInt64(0, refunded_minor);
    s.BindText(1, sale_ref);
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  PATRON_ASSIGN_OR_RETURN(std::vector<SaleLineRow> lines, GetLines(sale_ref));
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("UPDATE sale_lines SET refunded_elsewhere_qty = ?"
                                                 " WHERE sale_ref = ? AND line_no = ?"));
  for (size_t i = 0; i < lines.size() && i < refunded_qty.size(); ++i) {
    s.BindInt64(0, refunded_qty[i]);
    s.BindText(1, sale_ref);
    s.BindInt64(2, lines[i].line_no);
    PATRON_RETURN_IF_ERROR(s.Run());
    s.Reset(/*clear_bindings=*/false);
  }
  return Status::OK();
}

Result<std::optional<RefundRow>> SaleStore::GetRefund(std::string_view refund_ref) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(SelectRefundSql()));
  s.BindText(0, refund_ref);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<RefundRow>();
  std::optional<RefundRow> refund;
  PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, refund.emplace()));
  return refund;
}

Status SaleStore::InsertRefund(const RefundRow& refund) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertRefundSql()));
  record::BindRecord(s, 0, refund);
  return s.Run();
}

Result<std::vector<SaleRow>> SaleStore::AllSales() {
  std::vector<SaleRow> sales;
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetUniqueStatement(AllSalesSql()));
    PATRON_ASSIGN_OR_RETURN(sales, ReadAll<SaleRow>(s));
  }
  for (SaleRow& sale : sales) {
    PATRON_ASSIGN_OR_RETURN(std::vector<SaleLineRow> lines, GetLines(sale.sale_ref));
    for (SaleLineRow& line : lines) sale.lines.push_back(std::move(line));
  }
  return sales;
}

Result<std::vector<RefundRow>> SaleStore::AllRefunds() {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetUniqueStatement(AllRefundsSql()));
  return ReadAll<RefundRow>(s);
}

}  // namespace patron::terminal
