// The member services' side of SqliteStoreTxn (case_store.h): feedback,
// cases and their notes (server_schema.cc, version 19).
#include "patron/record/record_sql.h"
#include "store/sqlite_store_txn.h"

namespace patron::sync {
namespace {

template <typename Record>
Result<std::vector<Record>> ReadAll(sql::Statement& s) {
  std::vector<Record> rows;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return rows;
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, rows.emplace_back()));
  }
}

template <typename Record>
Result<std::optional<Record>> ReadOne(sql::Statement& s) {
  PATRON_ASSIGN_OR_RETURN(std::vector<Record> rows, ReadAll<Record>(s));
  if (rows.empty()) return std::optional<Record>();
  return std::optional<Record>(std::move(rows.front()));
}

const std::string& SelectFeedback() {
  static const std::string sql =
      "SELECT " + record::ColumnList<FeedbackRecord>() + " FROM feedback ";
  return sql;
}

const std::string& SelectCase() {
  static const std::string sql = "SELECT " + record::ColumnList<CaseRecord>() + " FROM cases ";
  return sql;
}

}  // namespace

Status SqliteStoreTxn::PutFeedback(const FeedbackRecord& feedback) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  static const std::string sql = "INSERT INTO feedback(" + record::ColumnList<FeedbackRecord>() +
                                 ") VALUES (" + record::Placeholders<FeedbackRecord>() + ")";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, feedback);
  return s.Run().WithContext("put feedback");
}

Result<std::optional<FeedbackRecord>> SqliteStoreTxn::FindFeedback(std::string_view feedback_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement(SelectFeedback() + "WHERE feedback_id = ?"));
  s.BindText(0, feedback_id);
  return ReadOne<FeedbackRecord>(s);
}

Result<std::vector<FeedbackRecord>> SqliteStoreTxn::FeedbackOfMember(std::string_view member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(SelectFeedback() +
                             "WHERE member_id = ? ORDER BY wall_ms, feedback_id"));
  s.BindText(0, member_id);
  return ReadAll<FeedbackRecord>(s);
}

Result<std::vector<FeedbackRecord>> SqliteStoreTxn::FeedbackPage(const FeedbackFilter& filter) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          SelectFeedback() +
          "WHERE (?1 = '' OR store_id = ?1) AND (?2 = '' OR kind = ?2) AND wall_ms >= ?3 "
          "AND (?4 = 0 OR wall_ms < ?4) "
          "AND (?6 = '' OR (wall_ms, feedback_id) < (?5, ?6)) "
          "ORDER BY wall_ms DESC, feedback_id DESC LIMIT ?7"));
  s.BindText(0, filter.store_id);
  // Bound as text, never NULL: "" stands for any kind.
  s.BindText(1, filter.kind ? FeedbackKindName(*filter.kind) : std::string_view(""));
  s.BindInt64(2, filter.from_ms);
  s.BindInt64(3, filter.to_ms);
  s.BindInt64(4, filter.after_wall_ms);
  s.BindText(5, filter.after_id);
  s.BindInt64(6, filter.limit);
  return ReadAll<FeedbackRecord>(s);
}

Result<std::vector<FeedbackCount>> SqliteStoreTxn::FeedbackSummary(
    int64_t from_ms, int64_t to_ms, std::string_view store_id,
    std::optional<int64_t> month_offset_minutes) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "SELECT store_id, CASE WHEN ?4 THEN strftime('%Y-%m', (wall_ms + ?5 * 60000) / 1000, "
          "'unixepoch') ELSE '' END AS month, kind, count(*), "
          "sum(kind = 'nps' OR rating > 0), sum(rating), sum(kind = 'nps' AND rating >= 9), "
          "sum(kind = 'nps' AND rating <= 6), sum(kind = 'csat' AND rating >= 4) FROM feedback "
          "WHERE wall_ms >= ?1 AND (?2 = 0 OR wall_ms < ?2) AND (?3 = '' OR store_id = ?3) "
          "GROUP BY store_id, month, kind ORDER BY store_id, month, kind"));
  s.BindInt64(0, from_ms);
  s.BindInt64(1, to_ms);
  s.BindText(2, store_id);
  s.BindInt64(3, month_offset_minutes ? 1 : 0);
  s.BindInt64(4, month_offset_minutes.value_or(0));
  return ReadAll<FeedbackCount>(s);
}

Status SqliteStoreTxn::PutCase(const CaseRecord& record) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  static const std::string sql = "INSERT OR REPLACE INTO cases(" +
                                 record::ColumnList<CaseRecord>() + ") VALUES (" +
                                 record::Placeholders<CaseRecord>() + ")";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, record);
  return s.Run().WithContext("put case");
}

Result<std::optional<CaseRecord>> SqliteStoreTxn::FindCase(std::string_view case_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement(SelectCase() + "WHERE case_id = ?"));
  s.BindText(0, case_id);
  return ReadOne<CaseRecord>(s);
}

Result<std::vector<CaseRecord>> SqliteStoreTxn::CasesPage(const CaseFilter& filter) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  // The statuses asked for, as one text: ",open,replied," (empty: any).
  std::string statuses;
  for (CaseStatus status : filter.statuses) {
    statuses += "," + std::string(CaseStatusName(status));
  }
  if (!statuses.empty()) statuses += ",";
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(SelectCase() +
                             "WHERE (?1 = '' OR instr(?1, ',' || status || ',') > 0) "
                             "AND (?2 = '' OR store_id = ?2) AND (?3 = 0 OR assignee = ?4) "
                             "AND (?6 = '' OR (opened_ms, case_id) > (?5, ?6)) "
                             "ORDER BY opened_ms, case_id LIMIT ?7"));
  s.BindText(0, statuses);
  s.BindText(1, filter.store_id);
  s.BindInt64(2, filter.assignee ? 1 : 0);
  s.BindText(3, filter.assignee.value_or(""));
  s.BindInt64(4, filter.after_opened_ms);
  s.BindText(5, filter.after_id);
  s.BindInt64(6, filter.limit);
  return ReadAll<CaseRecord>(s);
}

Result<std::vector<CaseRecord>> SqliteStoreTxn::WorkingCases(int64_t after_opened_ms,
                                                             std::string_view after_id, int limit) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  // The status condition repeats cases_working's (schema version 21), so
  // the partial index answers it.
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(SelectCase() + "WHERE status IN ('open', 'replied', 'on_hold') "
                                            "AND (?2 = '' OR (opened_ms, case_id) > (?1, ?2)) "
                                            "ORDER BY opened_ms, case_id LIMIT ?3"));
  s.BindInt64(0, after_opened_ms);
  s.BindText(1, after_id);
  s.BindInt64(2, limit);
  return ReadAll<CaseRecord>(s);
}

Status SqliteStoreTxn::AppendCaseNote(const CaseNote& note) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  static const std::string sql = "INSERT INTO case_notes(" + record::ColumnList<CaseNote>() +
                                 ") VALUES (" + record::Placeholders<CaseNote>() + ")";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, note);
  return s.Run().WithContext("append case note");
}

Result<std::vector<CaseNote>> SqliteStoreTxn::CaseNotes(std::string_view case_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT " + record::ColumnList<CaseNote>() +
                             " FROM case_notes WHERE case_id = ? ORDER BY note_id"));
  s.BindText(0, case_id);
  return ReadAll<CaseNote>(s);
}

}  // namespace patron::sync
