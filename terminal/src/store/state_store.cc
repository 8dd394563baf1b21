#include "store/state_store.h"

namespace patron::terminal {

Result<std::optional<TerminalStateRow>> StateStore::Load() {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "SELECT terminal_id, store_id, chain_key_fingerprint, next_seq, "
          "hlc, cursor_epoch, cursor_seq, last_sync_ms, journal_confirmed, "
          "restart_ms, restart_high_seq, restart_from_seq, incarnation_ms, "
          "incarnation_seq, old_grants, rights_statement_due, rights_statement_ms, "
          "rights_journal_seq, rights_seq FROM terminal_state WHERE id = 1"));
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<TerminalStateRow>();
  TerminalStateRow row;
  row.terminal_id = s.ColumnText(0);
  row.store_id = s.ColumnText(1);
  row.chain_key_fingerprint = s.ColumnText(2);
  row.next_seq = s.ColumnInt64(3);
  PATRON_ASSIGN_OR_RETURN(row.hlc, HlcTimestamp::FromPackedChecked(s.ColumnInt64(4)));
  row.cursor_epoch = s.ColumnText(5);
  row.cursor_seq = s.ColumnInt64(6);
  row.last_sync_ms = s.ColumnOptionalInt64(7);
  row.journal_confirmed = s.ColumnInt64(8) != 0;
  row.restart.at_ms = s.ColumnOptionalInt64(9);
  row.restart.head_office_high_seq = s.ColumnInt64(10);
  row.restart.from_seq = s.ColumnInt64(11);
  row.incarnation.at_ms = s.ColumnOptionalInt64(12);
  row.incarnation.first_seq = s.ColumnInt64(13);
  row.old_grants = s.ColumnInt64(14) != 0;
  row.rights_statement_due = s.ColumnInt64(15) != 0;
  row.rights_statement_ms = s.ColumnOptionalInt64(16);
  row.rights_journal_seq = s.ColumnInt64(17);
  row.rights_seq = s.ColumnInt64(18);
  return std::optional<TerminalStateRow>(std::move(row));
}

Status StateStore::Initialize(const TerminalStateRow& row) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetUniqueStatement("INSERT INTO terminal_state(id, terminal_id, store_id, "
                             "chain_key_fingerprint, next_seq, hlc, journal_confirmed) "
                             "VALUES (1, ?, ?, ?, ?, ?, ?)"));
  s.BindText(0, row.terminal_id);
  s.BindText(1, row.store_id);
  s.BindText(2, row.chain_key_fingerprint);
  s.BindInt64(3, row.next_seq);
  s.BindInt64(4, row.hlc.Packed());
  s.BindInt64(5, row.journal_confirmed ? 1 : 0);
  return s.Run();
}

Result<int64_t> StateStore::AllocateSeq() {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "UPDATE terminal_state SET next_seq = next_seq + 1 "
          "WHERE id = 1 AND journal_confirmed = 1 RETURNING next_seq - 1"));
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (has_row) return s.ColumnInt64(0);
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalStateRow> row, Load());
  if (!row) return Status::Corruption("terminal_state row is missing");
  return Status::Unavailable(
      "this terminal's database is new and has not reached head office yet, which says "
      "which journal numbers this terminal already used (a replaced till must not reuse "
      "them); sync first, or start a new journal incarnation",
      "journal_unconfirmed");
}

Status StateStore::StartIncarnation(int64_t first_seq, int64_t now_ms) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("UPDATE terminal_state SET next_seq = max(next_seq, ?1), "
                             "incarnation_seq = max(next_seq, ?1), incarnation_ms = ?2, "
                             "journal_confirmed = 1, old_grants = 1, rights_statement_due = 1 "
                             "WHERE id = 1 AND journal_confirmed = 0"));
  s.BindInt64(0, first_seq);
  s.BindInt64(1, now_ms);
  return s.Run();
}

Status StateStore::EndPullRound() {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("UPDATE terminal_state SET old_grants = 0, rights_statement_due = 0 "
                             "WHERE id = 1 AND (old_grants = 1 OR rights_statement_due = 1)"));
  return s.Run();
}

Result<bool> StateStore::ObserveJournalMark(int64_t high_seq, int64_t now_ms) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement jump,
      db_.GetCachedStatement("UPDATE terminal_state SET restart_ms = ?2, restart_high_seq = ?1, "
                             "restart_from_seq = next_seq, next_seq = ?1 + 1, old_grants = 1, "
                             "rights_statement_due = 1 "
                             "WHERE id = 1 AND next_seq <= ?1"));
  jump.BindInt64(0, high_seq);
  jump.BindInt64(1, now_ms);
  PATRON_RETURN_IF_ERROR(jump.Run());
  const bool jumped = db_.Changes() > 0;
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement confirm,
      db_.GetCachedStatement(
          "UPDATE terminal_state SET journal_confirmed = 1 WHERE id = 1 AND journal_confirmed = 0"));
  PATRON_RETURN_IF_ERROR(confirm.Run());
  return jumped;
}

Status StateStore::SaveHlc(HlcTimestamp hlc) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("UPDATE terminal_state SET hlc = max(hlc, ?) WHERE id = 1"));
  s.BindInt64(0, hlc.Packed());
  return s.Run();
}

Status StateStore::SetCursor(std::string_view epoch, int64_t seq) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("UPDATE terminal_state SET cursor_epoch = ?, cursor_seq = ? WHERE id = 1"));
  s.BindText(0, epoch);
  s.BindInt64(1, seq);
  return s.Run();
}

Status StateStore::SetLastSync(int64_t ms) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("UPDATE terminal_state SET last_sync_ms = ? WHERE id = 1"));
  s.BindInt64(0, ms);
  return s.Run();
}

Result<std::vector<RulesRow>> StateStore::AllRules() {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s, db_.GetCachedStatement("SELECT version, body FROM rules ORDER BY version"));
  std::vector<RulesRow> rows;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) return rows;
    rows.push_back({s.ColumnInt64(0), s.ColumnText(1)});
  }
}

Status StateStore::InsertRules(const RulesRow& rules, int64_t received_ms) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT INTO rules(version, body, received_ms) VALUES (?, ?, ?)"));
  s.BindInt64(0, rules.version);
  s.BindText(1, rules.body);
  s.BindInt64(2, received_ms);
  return s.Run();
}

}  // namespace patron::terminal
