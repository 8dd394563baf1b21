// The vouchers' side of SqliteStoreTxn (voucher_store.h): one row per
// voucher (server_schema.cc, version 10), columns from its field table.
#include "patron/record/record_sql.h"
#include "store/sqlite_store_txn.h"

namespace patron::sync {
namespace {

const std::string& PutSql() {
  static const std::string sql = "INSERT OR REPLACE INTO vouchers(" +
                                 record::ColumnList<Voucher>() + ") VALUES (" +
                                 record::Placeholders<Voucher>() + ")";
  return sql;
}

const std::string& SelectSql() {
  static const std::string sql = "SELECT " + record::ColumnList<Voucher>() + " FROM vouchers ";
  return sql;
}

}  // namespace

Result<std::optional<Voucher>> SqliteStoreTxn::FindVoucher(std::string_view voucher_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement(SelectSql() + "WHERE voucher_id = ?"));
  s.BindText(0, voucher_id);
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return std::optional<Voucher>();
  Voucher voucher;
  PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, voucher));
  return std::optional<Voucher>(std::move(voucher));
}

Status SqliteStoreTxn::PutVoucher(const Voucher& voucher) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(PutSql()));
  record::BindRecord(s, 0, voucher);
  return s.Run().WithContext("put voucher");
}

Result<std::vector<Voucher>> SqliteStoreTxn::VouchersOfMember(std::string_view member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(SelectSql() + "WHERE member_id = ? ORDER BY issued_ms, voucher_id"));
  s.BindText(0, member_id);
  std::vector<Voucher> vouchers;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return vouchers;
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, vouchers.emplace_back()));
  }
}

}  // namespace patron::sync
