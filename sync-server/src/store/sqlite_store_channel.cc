// The down-channel's side of SqliteStoreTxn (channel_store.h): items
// addressed to tills (server_schema.cc, version 5).
#include "patron/record/record_sql.h"
#include "store/sqlite_store_txn.h"

namespace patron::sync {
namespace {

const std::string& InsertItemSql() {
  static const std::string sql = "INSERT INTO down_items(" +
                                 record::ColumnList<DownItem>() + ") VALUES (" +
                                 record::Placeholders<DownItem>() + ")";
  return sql;
}
// Items are few next to member rows, and most are every till's: a range of
// the table by seq, filtered.
const std::string& ItemsForSql() {
  static const std::string sql =
      "SELECT " + record::ColumnList<DownItem>() +
      " FROM down_items WHERE seq > ?1 AND seq <= ?2 AND (audience IN ('all', 'member')"
      " OR (audience = 'store' AND address = ?3) OR (audience = 'terminal' AND address = ?4))"
      " ORDER BY seq LIMIT ?5";
  return sql;
}

}  // namespace

Status SqliteStoreTxn::PutDownItem(const DownItem& item) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  {
    PATRON_ASSIGN_OR_RETURN(
        sql::Statement s,
        db_.GetCachedStatement("DELETE FROM down_items WHERE kind = ? AND audience = ? AND"
                               " address = ? AND item_key = ?"));
    s.BindText(0, item.kind);
    s.BindText(1, item.audience);
    s.BindText(2, item.address);
    s.BindText(3, item.key);
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertItemSql()));
  record::BindRecord(s, 0, item);
  return s.Run().WithContext("put down item");
}

Result<std::vector<DownItem>> SqliteStoreTxn::DownItemsFor(std::string_view terminal_id,
                                                           std::string_view store_id,
                                                           int64_t after, int64_t through,
                                                           int limit) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  std::vector<DownItem> items;
  if (limit <= 0) return items;
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(ItemsForSql()));
  s.BindInt64(0, after);
  s.BindInt64(1, through);
  s.BindText(2, store_id);
  s.BindText(3, terminal_id);
  s.BindInt64(4, limit);
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return items;
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, items.emplace_back()));
  }
}

}  // namespace patron::sync
