#include "store/state_store.h"

namespace patron::terminal {

Result<std::optional<TerminalStateRow>> StateStore::Load() {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT terminal_id, store_id, chain_key_fingerprint, next_seq, "
                             "hlc, cursor_epoch, cursor_seq, last_sync_ms "
                             "FROM terminal_state WHERE id = 1"));
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
  return std::optional<TerminalStateRow>(std::move(row));
}

Status StateStore::Initialize(const TerminalStateRow& row) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetUniqueStatement("INSERT INTO terminal_state(id, terminal_id, store_id, "
                             "chain_key_fingerprint, next_seq, hlc) VALUES (1, ?, ?, ?, ?, ?)"));
  s.BindText(0, row.terminal_id);
  s.BindText(1, row.store_id);
  s.BindText(2, row.chain_key_fingerprint);
  s.BindInt64(3, row.next_seq);
  s.BindInt64(4, row.hlc.Packed());
  return s.Run();
}

Result<int64_t> StateStore::AllocateSeq() {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "UPDATE terminal_state SET next_seq = next_seq + 1 WHERE id = 1 RETURNING next_seq - 1"));
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return Status::Corruption("terminal_state row is missing");
  return s.ColumnInt64(0);
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

Result<std::optional<RulesRow>> StateStore::ActiveRules() {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT version, body FROM rules ORDER BY version DESC LIMIT 1"));
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<RulesRow>();
  return std::optional<RulesRow>(RulesRow{s.ColumnInt64(0), s.ColumnText(1)});
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
