// The up-channel's side of SqliteStoreTxn (record_store.h): records, sales
// and refunds (server_schema.cc, version 4). Columns come from the records'
// field tables (records/sale.h).
#include "patron/record/record_sql.h"
#include "store/sqlite_store_txn.h"

namespace patron::sync {
namespace {

using record::ColumnList;
using record::Placeholders;

constexpr std::string_view kRecordColumns = "seq, kind, record_id, origin, digest, body";

const std::string& InsertRecordSql() {
  static const std::string sql =
      "INSERT INTO records(" + std::string(kRecordColumns) + ") VALUES (?, ?, ?, ?, ?, ?)";
  return sql;
}
const std::string& FindRecordSql() {
  static const std::string sql = "SELECT " + std::string(kRecordColumns) +
                                 " FROM records WHERE kind = ? AND record_id = ?";
  return sql;
}
const std::string& InsertSaleSql() {
  static const std::string sql = "INSERT INTO sales(seq, " + ColumnList<SaleRecord>() +
                                 ") VALUES (?, " + Placeholders<SaleRecord>() + ")";
  return sql;
}
const std::string& InsertSaleLineSql() {
  static const std::string sql = "INSERT INTO sale_lines(sale_seq, " + ColumnList<SaleLine>() +
                                 ") VALUES (?, " + Placeholders<SaleLine>() + ")";
  return sql;
}
// Found through the records' unique index (sales has no index of its own).
const std::string& FindSaleSql() {
  static const std::string sql =
      "SELECT s.seq, s.refunded_amount_minor, " + ColumnList<SaleRecord>({}, "s.") +
      " FROM records r JOIN sales s ON s.seq = r.seq WHERE r.kind = 'sale' AND r.record_id = ?";
  return sql;
}
const std::string& SalesBetweenSql() {
  static const std::string sql = "SELECT seq, refunded_amount_minor, " + ColumnList<SaleRecord>() +
                                 " FROM sales WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
  return sql;
}
const std::string& SaleLinesSql() {
  static const std::string sql = "SELECT refunded_qty, " + ColumnList<SaleLine>() +
                                 " FROM sale_lines WHERE sale_seq = ? ORDER BY line_no";
  return sql;
}
const std::string& InsertRefundSql() {
  static const std::string sql = "INSERT INTO refunds(seq, status, " + ColumnList<RefundRecord>() +
                                 ") VALUES (?, ?, " + Placeholders<RefundRecord>() + ")";
  return sql;
}
const std::string& InsertRefundLineSql() {
  static const std::string sql = "INSERT INTO refund_lines(refund_seq, " +
                                 ColumnList<RefundLine>() + ") VALUES (?, " +
                                 Placeholders<RefundLine>() + ")";
  return sql;
}
const std::string& RefundsOfSaleSql() {
  static const std::string sql = "SELECT seq, status, " + ColumnList<RefundRecord>() +
                                 " FROM refunds WHERE sale_id = ? ORDER BY seq";
  return sql;
}
const std::string& RefundsBetweenSql() {
  static const std::string sql = "SELECT seq, status, " + ColumnList<RefundRecord>() +
                                 " FROM refunds WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
  return sql;
}
const std::string& FindRefundSql() {
  static const std::string sql = "SELECT seq, status, " + ColumnList<RefundRecord>() +
                                 " FROM refunds WHERE refund_id = ?";
  return sql;
}
const std::string& RefundLinesSql() {
  static const std::string sql = "SELECT " + ColumnList<RefundLine>() +
                                 " FROM refund_lines WHERE refund_seq = ? ORDER BY line_no";
  return sql;
}

Result<RefundStatus> ParseRefundStatus(std::string_view name) {
  for (RefundStatus status : {RefundStatus::kApplied, RefundStatus::kAwaitingSale,
                              RefundStatus::kPending, RefundStatus::kMatched,
                              RefundStatus::kExceeds, RefundStatus::kClaimed}) {
    if (RefundStatusName(status) == name) return status;
  }
  return Status::Corruption("refund status '" + std::string(name) + "' is not known",
                            "corrupt_record");
}

}  // namespace

std::string_view RefundStatusName(RefundStatus status) {
  switch (status) {
    case RefundStatus::kApplied: return "applied";
    case RefundStatus::kAwaitingSale: return "awaiting_sale";
    case RefundStatus::kPending: return "pending";
    case RefundStatus::kMatched: return "matched";
    case RefundStatus::kExceeds: return "exceeds";
    case RefundStatus::kClaimed: return "claimed";
  }
  return "applied";
}

Result<std::optional<StoredRecord>> SqliteStoreTxn::FindRecord(std::string_view kind,
                                                               std::string_view record_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(FindRecordSql()));
  s.BindText(0, kind);
  s.BindText(1, record_id);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<StoredRecord>();
  return std::optional<StoredRecord>(StoredRecord{s.ColumnInt64(0), s.ColumnText(1),
                                                  s.ColumnText(2), s.ColumnText(3),
                                                  s.ColumnText(4), s.ColumnOptionalText(5)});
}

Status SqliteStoreTxn::InsertRecord(const StoredRecord& r) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertRecordSql()));
  s.BindInt64(0, r.seq);
  s.BindTextInPlace(1, r.kind);
  s.BindTextInPlace(2, r.record_id);
  s.BindTextInPlace(3, r.origin);
  s.BindTextInPlace(4, r.digest);
  if (r.body) {
    s.BindTextInPlace(5, *r.body);
  } else {
    s.BindNull(5);
  }
  return s.Run().WithContext("insert record");
}

Status SqliteStoreTxn::InsertSale(int64_t seq, const SaleRecord& sale) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertSaleSql()));
    s.BindInt64(0, seq);
    record::BindRecordInPlace(s, 1, sale);
    PATRON_RETURN_IF_ERROR(s.Run().WithContext("insert sale"));
  }
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertSaleLineSql()));
  for (const SaleLine& line : sale.lines) {
    s.BindInt64(0, seq);
    record::BindRecordInPlace(s, 1, line);
    PATRON_RETURN_IF_ERROR(s.Run().WithContext("insert sale line"));
    s.Reset(/*clear_bindings=*/false);
  }
  return Status::OK();
}

Result<std::optional<StoredSale>> SqliteStoreTxn::FindSale(std::string_view sale_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(FindSaleSql()));
  s.BindText(0, sale_id);
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredSale> found, ReadSales(s));
  if (found.empty()) return std::optional<StoredSale>();
  return std::optional<StoredSale>(std::move(found.front()));
}

Result<std::vector<StoredSale>> SqliteStoreTxn::SalesBetween(int64_t after, int64_t through,
                                                             int limit) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(SalesBetweenSql()));
  s.BindInt64(0, after);
  s.BindInt64(1, through);
  s.BindInt64(2, limit);
  return ReadSales(s);
}

Result<std::vector<StoredSale>> SqliteStoreTxn::ReadSales(sql::Statement& s) {
  std::vector<StoredSale> sales;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    StoredSale& stored = sales.emplace_back();
    stored.seq = s.ColumnInt64(0);
    stored.refunded_amount_minor = s.ColumnInt64(1);
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 2, stored.sale));
  }
  s.Reset(/*clear_bindings=*/false);
  PATRON_ASSIGN_OR_RETURN(sql::Statement lines, db_.GetCachedStatement(SaleLinesSql()));
  for (StoredSale& stored : sales) {
    lines.BindInt64(0, stored.seq);
    while (true) {
      PATRON_ASSIGN_OR_RETURN(bool has_row, lines.Step());
      if (!has_row) break;
      stored.refunded_qty.push_back(lines.ColumnInt64(0));
      PATRON_RETURN_IF_ERROR(record::ReadColumns(lines, 1, stored.sale.lines.emplace_back()));
    }
    lines.Reset(/*clear_bindings=*/false);
  }
  return sales;
}

Status SqliteStoreTxn::SetSaleRefunded(std::string_view sale_id, int64_t refunded_amount_minor,
                                       const std::vector<int64_t>& refunded_qty) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(std::optional<StoredSale> sale, FindSale(sale_id));
  if (!sale) return Status::NotFound("no sale " + std::string(sale_id), "unknown_sale");
  {
    PATRON_ASSIGN_OR_RETURN(
        sql::Statement s,
        db_.GetCachedStatement("UPDATE sales SET refunded_amount_minor = ? WHERE seq = ?"));
    s.BindInt64(0, refunded_amount_minor);
    s.BindInt64(1, sale->seq);
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "UPDATE sale_lines SET refunded_qty = ? WHERE sale_seq = ? AND line_no = ?"));
  for (size_t i = 0; i < refunded_qty.size() && i < sale->sale.lines.size(); ++i) {
    if (refunded_qty[i] == sale->refunded_qty[i]) continue;
    s.BindInt64(0, refunded_qty[i]);
    s.BindInt64(1, sale->seq);
    s.BindInt64(2, sale->sale.lines[i].line_no);
    PATRON_RETURN_IF_ERROR(s.Run());
    s.Reset(/*clear_bindings=*/false);
  }
  return Status::OK();
}

Status SqliteStoreTxn::InsertRefund(const StoredRefund& stored) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertRefundSql()));
    s.BindInt64(0, stored.seq);
    s.BindText(1, RefundStatusName(stored.status));
    record::BindRecord(s, 2, stored.refund);
    PATRON_RETURN_IF_ERROR(s.Run().WithContext("insert refund"));
  }
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertRefundLineSql()));
  for (const RefundLine& line : stored.refund.lines) {
    s.BindInt64(0, stored.seq);
    record::BindRecord(s, 1, line);
    PATRON_RETURN_IF_ERROR(s.Run().WithContext("insert refund line"));
    s.Reset(/*clear_bindings=*/false);
  }
  return Status::OK();
}

Status SqliteStoreTxn::SetRefundOutcome(int64_t seq, RefundStatus status,
                                        const RefundRecord& refund) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("UPDATE refunds SET status = ?, member_id = ?, entry_ids = ?,"
                             " reversed_points = ?, returned_points = ?, spend_reversed_minor = ?,"
                             " reversed_awards = ? WHERE seq = ?"));
  s.BindText(0, RefundStatusName(status));
  s.BindText(1, refund.member_id);
  record::SqlCodec<std::vector<std::string>>::Bind(s, 2, refund.entry_ids);
  s.BindInt64(3, refund.reversed_points);
  s.BindInt64(4, refund.returned_points);
  s.BindInt64(5, refund.spend_reversed_minor);
  record::SqlCodec<record::JsonList<AwardReversal>>::Bind(s, 6, refund.reversed_awards);
  s.BindInt64(7, seq);
  PATRON_RETURN_IF_ERROR(s.Run());
  if (db_.Changes() != 1) return Status::NotFound("no refund at seq " + std::to_string(seq));
  return Status::OK();
}

Result<std::optional<StoredRefund>> SqliteStoreTxn::FindRefund(std::string_view refund_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(FindRefundSql()));
  s.BindText(0, refund_id);
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredRefund> found, ReadRefunds(s));
  if (found.empty()) return std::optional<StoredRefund>();
  return std::optional<StoredRefund>(std::move(found.front()));
}

Result<std::vector<StoredRefund>> SqliteStoreTxn::RefundsOfSale(std::string_view sale_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(RefundsOfSaleSql()));
  s.BindText(0, sale_id);
  return ReadRefunds(s);
}

Result<std::vector<StoredSale>> SqliteStoreTxn::SalesOfMember(std::string_view member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  static const std::string sql = "SELECT seq, refunded_amount_minor, " + ColumnList<SaleRecord>() +
                                 " FROM sales WHERE member_id = ? ORDER BY seq";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  s.BindText(0, member_id);
  return ReadSales(s);
}

Result<std::vector<StoredRefund>> SqliteStoreTxn::RefundsOfMember(std::string_view member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  static const std::string sql = "SELECT seq, status, " + ColumnList<RefundRecord>() +
                                 " FROM refunds WHERE member_id = ? ORDER BY seq";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  s.BindText(0, member_id);
  return ReadRefunds(s);
}

Result<std::vector<StoredRefund>> SqliteStoreTxn::RefundsBetween(int64_t after, int64_t through,
                                                                 int limit) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(RefundsBetweenSql()));
  s.BindInt64(0, after);
  s.BindInt64(1, through);
  s.BindInt64(2, limit);
  return ReadRefunds(s);
}

Result<std::vector<StoredRefund>> SqliteStoreTxn::ReadRefunds(sql::Statement& s) {
  std::vector<StoredRefund> refunds;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    StoredRefund& stored = refunds.emplace_back();
    stored.seq = s.ColumnInt64(0);
    PATRON_ASSIGN_OR_RETURN(stored.status, ParseRefundStatus(s.ColumnText(1)));
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 2, stored.refund));
  }
  s.Reset(/*clear_bindings=*/false);
  PATRON_ASSIGN_OR_RETURN(sql::Statement lines, db_.GetCachedStatement(RefundLinesSql()));
  for (StoredRefund& stored : refunds) {
    lines.BindInt64(0, stored.seq);
    while (true) {
      PATRON_ASSIGN_OR_RETURN(bool has_row, lines.Step());
      if (!has_row) break;
      PATRON_RETURN_IF_ERROR(record::ReadColumns(lines, 0, stored.refund.lines.emplace_back()));
    }
    lines.Reset(/*clear_bindings=*/false);
  }
  return refunds;
}

Result<int64_t> SqliteStoreTxn::CountRecords(std::string_view kind) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT count(*) FROM records WHERE kind = ?"));
  s.BindText(0, kind);
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return Status::Internal("count query returned no row");
  return s.ColumnInt64(0);
}

}  // namespace patron::sync
