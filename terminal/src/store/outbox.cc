#include "store/outbox.h"

namespace patron::terminal {

Status Outbox::AppendBody(std::string_view kind, std::string_view record_id, std::string body) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT INTO outbox(kind, record_id, body) VALUES (?, ?, ?)"));
  s.BindText(0, kind);
  s.BindText(1, record_id);
  s.BindText(2, body);
  return s.Run();
}

Result<std::optional<std::string>> Outbox::Find(std::string_view kind, std::string_view record_id) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT body FROM outbox WHERE kind = ? AND record_id = ?"));
  s.BindText(0, kind);
  s.BindText(1, record_id);
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return std::optional<std::string>();
  return std::optional<std::string>(s.ColumnText(0));
}

Result<std::vector<Outbox::Pending>> Outbox::Unacknowledged(int limit) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "SELECT outbox_id, kind, record_id, body FROM outbox"
          " WHERE outbox_id > (SELECT outbox_acked FROM terminal_state WHERE id = 1)"
          " ORDER BY outbox_id LIMIT ?"));
  s.BindInt64(0, limit);
  std::vector<Pending> pending;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return pending;
    Pending& p = pending.emplace_back();
    p.outbox_id = s.ColumnInt64(0);
    p.envelope.kind = s.ColumnText(1);
    p.envelope.record_id = s.ColumnText(2);
    p.envelope.body.text = s.ColumnText(3);
  }
}

Status Outbox::AcknowledgeThrough(int64_t outbox_id) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("UPDATE terminal_state SET outbox_acked = max(outbox_acked, ?)"
                             " WHERE id = 1"));
  s.BindInt64(0, outbox_id);
  return s.Run();
}

Status Outbox::NoteRefused(int64_t outbox_id, sync::PushOutcome outcome,
                           std::string_view message) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT OR REPLACE INTO outbox_refused(outbox_id, outcome, message)"
                             " VALUES (?, ?, ?)"));
  s.BindInt64(0, outbox_id);
  s.BindText(1, sync::PushOutcomeName(outcome));
  s.BindText(2, message);
  return s.Run();
}

Result<int64_t> Outbox::CountPending() {
  return db_.QueryInt64(
      "SELECT count(*) FROM outbox"
      " WHERE outbox_id > (SELECT outbox_acked FROM terminal_state WHERE id = 1)");
}

Result<int64_t> Outbox::CountRefused() {
  return db_.QueryInt64("SELECT count(*) FROM outbox_refused");
}

Status Outbox::ResetAcknowledgements() {
  PATRON_RETURN_IF_ERROR(db_.Execute("UPDATE terminal_state SET outbox_acked = 0 WHERE id = 1"));
  return db_.Execute("DELETE FROM outbox_refused");
}

}  // namespace patron::terminal
