// The security log's side of SqliteStoreTxn (security_store.h): what head
// office refused from tills (server_schema.cc, version 6).
#include "patron/record/record_sql.h"
#include "store/sqlite_store_txn.h"

namespace patron::sync {
namespace {

const std::string& InsertEventSql() {
  static const std::string sql = "INSERT INTO security_events(" +
                                 record::ColumnList<SecurityEvent>() + ") VALUES (" +
                                 record::Placeholders<SecurityEvent>() + ")";
  return sql;
}

const std::string& EventsAfterSql() {
  static const std::string sql = "SELECT " + record::ColumnList<SecurityEvent>() +
                                 " FROM security_events WHERE event_id > ? ORDER BY event_id"
                                 " LIMIT ?";
  return sql;
}

}  // namespace

Result<int64_t> SqliteStoreTxn::AppendSecurityEvent(const SecurityEvent& event) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertEventSql()));
  record::BindRecord(s, 0, event);
  s.BindNull(0);  // event_id is the table's rowid: the store assigns it
  PATRON_RETURN_IF_ERROR(s.Run().WithContext("append security event"));
  return db_.LastInsertRowId();
}

Result<std::vector<SecurityEvent>> SqliteStoreTxn::SecurityEvents(int64_t after, int limit) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  std::vector<SecurityEvent> events;
  if (limit <= 0) return events;
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(EventsAfterSql()));
  s.BindInt64(0, after);
  s.BindInt64(1, limit);
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    SecurityEvent& event = events.emplace_back();
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, event));
  }
  return events;
}

}  // namespace patron::sync
