#include "store/exchange_store.h"

#include "patron/record/record_sql.h"

namespace patron::terminal {
namespace {

const std::string& SelectSql() {
  static const std::string sql = "SELECT " + record::ColumnList<ExchangeRow>() + " FROM exchanges ";
  return sql;
}

Result<std::vector<ExchangeRow>> ReadAll(sql::Statement& s) {
  std::vector<ExchangeRow> rows;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return rows;
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, rows.emplace_back()));
  }
}

Result<int64_t> ReadCount(sql::Statement& s) {
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  return has_row ? s.ColumnInt64(0) : 0;
}

}  // namespace

Result<std::optional<ExchangeRow>> ExchangeStore::GetOwn(std::string_view terminal_id,
                                                         std::string_view exchange_ref) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement(SelectSql() + "WHERE exchange_id = ?"));
  const std::string id = std::string(terminal_id) + "/" + std::string(exchange_ref);
  s.BindText(0, id);
  PATRON_ASSIGN_OR_RETURN(std::vector<ExchangeRow> rows, ReadAll(s));
  if (rows.empty()) return std::optional<ExchangeRow>();
  return std::optional<ExchangeRow>(std::move(rows.front()));
}

Status ExchangeStore::Add(const ExchangeRow& row) {
  static const std::string sql = "INSERT OR IGNORE INTO exchanges(" +
                                 record::ColumnList<ExchangeRow>() + ") VALUES (" +
                                 record::Placeholders<ExchangeRow>() + ")";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, row);
  return s.Run().WithContext("add exchange");
}

Result<std::vector<ExchangeRow>> ExchangeStore::OfMember(std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(SelectSql() + "WHERE member_id = ? ORDER BY wall_ms, exchange_id"));
  s.BindText(0, member_id);
  return ReadAll(s);
}

Result<int64_t> ExchangeStore::GivenHere(std::string_view terminal_id, std::string_view reward_id) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT coalesce(sum(quantity), 0) FROM exchanges "
                                                 "WHERE terminal_id = ? AND reward_id = ?"));
  s.BindText(0, terminal_id);
  s.BindText(1, reward_id);
  return ReadCount(s);
}

Result<int64_t> ExchangeStore::StockGranted(std::string_view reward_id) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT granted FROM reward_stock WHERE reward_id = ?"));
  s.BindText(0, reward_id);
  return ReadCount(s);
}

Status ExchangeStore::RaiseStockGranted(std::string_view reward_id, int64_t granted) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT INTO reward_stock(reward_id, granted) VALUES (?1, ?2) "
                             "ON CONFLICT(reward_id) DO UPDATE SET "
                             "granted = max(granted, excluded.granted)"));
  s.BindText(0, reward_id);
  s.BindInt64(1, granted);
  return s.Run().WithContext("raise stock granted");
}

Status ExchangeStore::ForgetOthers(std::string_view terminal_id) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("DELETE FROM exchanges WHERE terminal_id <> ?"));
  s.BindText(0, terminal_id);
  return s.Run().WithContext("forget exchanges");
}

}  // namespace patron::terminal
