#include "store/voucher_store.h"

#include <string>

#include "patron/record/record_sql.h"

namespace patron::terminal {
namespace {

const std::string& SelectSql() {
  static const std::string sql = "SELECT " + record::ColumnList<VoucherRow>() + " FROM vouchers ";
  return sql;
}

}  // namespace

Result<std::optional<VoucherRow>> VoucherStore::Get(std::string_view voucher_id) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement(SelectSql() + "WHERE voucher_id = ?"));
  s.BindText(0, voucher_id);
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return std::optional<VoucherRow>();
  VoucherRow row;
  PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, row));
  return std::optional<VoucherRow>(std::move(row));
}

Status VoucherStore::Put(const VoucherRow& row) {
  static const std::string sql = "INSERT OR REPLACE INTO vouchers(" +
                                 record::ColumnList<VoucherRow>() + ") VALUES (" +
                                 record::Placeholders<VoucherRow>() + ")";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, row);
  return s.Run().WithContext("put voucher");
}

Status VoucherStore::ForgetHeadOffice(std::string_view own_sale_prefix) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("DELETE FROM vouchers WHERE NOT (status = 'used' AND "
                             "substr(used_sale_id, 1, length(?1)) = ?1) AND voucher_id NOT IN "
                             "(SELECT voucher_id FROM exchanges WHERE "
                             "substr(exchange_id, 1, length(?1)) = ?1)"));
  s.BindText(0, own_sale_prefix);
  return s.Run().WithContext("forget vouchers");
}

Result<std::vector<VoucherRow>> VoucherStore::OfMember(std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(SelectSql() + "WHERE member_id = ? ORDER BY issued_ms, voucher_id"));
  s.BindText(0, member_id);
  std::vector<VoucherRow> rows;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return rows;
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, rows.emplace_back()));
  }
}

}  // namespace patron::terminal
