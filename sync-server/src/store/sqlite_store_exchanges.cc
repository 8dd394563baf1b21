// The exchanges' side of SqliteStoreTxn (exchange_store.h): one row per
// exchange and one per terminal's share of a reward's stock
// (server_schema.cc, version 11).
#include "patron/record/record_sql.h"
#include "store/sqlite_store_txn.h"

namespace patron::sync {
namespace {

const std::string& SelectSql() {
  static const std::string sql =
      "SELECT " + record::ColumnList<ExchangeRecord>() + " FROM exchanges ";
  return sql;
}

Result<std::vector<ExchangeRecord>> ReadAll(sql::Statement& s) {
  std::vector<ExchangeRecord> exchanges;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return exchanges;
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, exchanges.emplace_back()));
  }
}

}  // namespace

Result<std::optional<ExchangeRecord>> SqliteStoreTxn::FindExchange(std::string_view exchange_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement(SelectSql() + "WHERE exchange_id = ?"));
  s.BindText(0, exchange_id);
  PATRON_ASSIGN_OR_RETURN(std::vector<ExchangeRecord> found, ReadAll(s));
  if (found.empty()) return std::optional<ExchangeRecord>();
  return std::optional<ExchangeRecord>(std::move(found.front()));
}

Status SqliteStoreTxn::PutExchange(const ExchangeRecord& exchange) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  static const std::string sql = "INSERT OR REPLACE INTO exchanges(" +
                                 record::ColumnList<ExchangeRecord>() + ") VALUES (" +
                                 record::Placeholders<ExchangeRecord>() + ")";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, exchange);
  return s.Run().WithContext("put exchange");
}

Result<std::vector<ExchangeRecord>> SqliteStoreTxn::ExchangesOfMember(std::string_view member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(SelectSql() + "WHERE member_id = ? ORDER BY wall_ms, exchange_id"));
  s.BindText(0, member_id);
  return ReadAll(s);
}

Result<int64_t> SqliteStoreTxn::ExchangedAt(std::string_view terminal_id,
                                            std::string_view reward_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT coalesce(sum(quantity), 0) FROM exchanges "
                             "WHERE (?1 = '' OR terminal_id = ?1) AND reward_id = ?2"));
  s.BindText(0, terminal_id);
  s.BindText(1, reward_id);
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  return has_row ? s.ColumnInt64(0) : 0;
}

Result<std::map<std::string, int64_t>> SqliteStoreTxn::StockShares(std::string_view reward_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT terminal_id, granted FROM reward_stock WHERE reward_id = ?"));
  s.BindText(0, reward_id);
  std::map<std::string, int64_t> shares;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return shares;
    shares[s.ColumnText(0)] = s.ColumnInt64(1);
  }
}

Status SqliteStoreTxn::SetStockShare(std::string_view reward_id, std::string_view terminal_id,
                                     int64_t granted) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT OR REPLACE INTO reward_stock(reward_id, terminal_id, granted) "
                             "VALUES (?, ?, ?)"));
  s.BindText(0, reward_id);
  s.BindText(1, terminal_id);
  s.BindInt64(2, granted);
  return s.Run().WithContext("set stock share");
}

Result<std::map<std::string, BudgetShare>> SqliteStoreTxn::BudgetShares(
    std::string_view campaign_id, std::string_view terminal_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT terminal_id, granted, used FROM campaign_budget "
                             "WHERE campaign_id = ?1 AND (?2 = '' OR terminal_id = ?2)"));
  s.BindText(0, campaign_id);
  s.BindText(1, terminal_id);
  std::map<std::string, BudgetShare> shares;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return shares;
    shares[s.ColumnText(0)] = {s.ColumnInt64(1), s.ColumnInt64(2)};
  }
}

Status SqliteStoreTxn::SetBudgetGranted(std::string_view campaign_id, std::string_view terminal_id,
                                        int64_t granted) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT INTO campaign_budget(campaign_id, terminal_id, granted) "
                             "VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET granted = ?3"));
  s.BindText(0, campaign_id);
  s.BindText(1, terminal_id);
  s.BindInt64(2, granted);
  return s.Run().WithContext("set budget share");
}

Status SqliteStoreTxn::AddBudgetUsed(std::string_view campaign_id, std::string_view terminal_id,
                                     int64_t points) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT INTO campaign_budget(campaign_id, terminal_id, used) "
                             "VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET used = used + ?3"));
  s.BindText(0, campaign_id);
  s.BindText(1, terminal_id);
  s.BindInt64(2, points);
  return s.Run().WithContext("add budget use");
}

}  // namespace patron::sync
