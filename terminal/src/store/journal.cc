#include "store/journal.h"

#include <algorithm>

#include "patron/money.h"
#include "patron/record/record_sql.h"

namespace patron::terminal {
namespace {

using record::ColumnList;

// The ledger's columns for an entry, in table order (record::Schema<LedgerEntry>).
const std::string& Columns() {
  static const std::string columns = ColumnList<LedgerEntry>();
  return columns;
}

const std::string& InsertSql() {
  static const std::string sql = "INSERT INTO ledger(" + Columns() + ") VALUES (" +
                                 record::Placeholders<LedgerEntry>() + ")";
  return sql;
}

const std::string& SelectByIdSql() {
  static const std::string sql = "SELECT " + Columns() + " FROM ledger WHERE entry_id = ?";
  return sql;
}

const std::string& SelectUnackedSql() {
  static const std::string sql =
      "SELECT " + Columns() +
      " FROM ledger WHERE ack_seq IS NULL AND origin = ? ORDER BY local_id LIMIT ?";
  return sql;
}

// The entry's columns, then local_id.
const std::string& HistorySql() {
  static const std::string sql =
      "SELECT " + Columns() +
      ", local_id FROM ledger WHERE member_id = ?1 AND (?2 = 0 OR local_id < ?2)"
      " ORDER BY local_id DESC LIMIT ?3";
  return sql;
}

// ?1 member_id, ?2 holder, ?3 server_version. The two ranges of
// ledger_by_member: not acknowledged (NULL), or acknowledged after the
// server row's version; in the order they were written.
const std::string& PendingSql() {
  static const std::string sql =
      "SELECT " + Columns() +
      " FROM ledger WHERE member_id = ?1 AND (ack_seq IS NULL OR ack_seq > ?3)"
      " AND origin = ?2 AND kind <> 'transfer' ORDER BY local_id";
  return sql;
}

// The ack_seq of an entry head office refused: below every server version,
// so it counts as neither pending nor included (PendingSql).
constexpr int64_t kRefusedAck = 0;

constexpr std::string_view kAddRights =
    "UPDATE members SET local_rights = local_rights + ? WHERE member_id = ?";

Result<LedgerEntry> ReadEntry(const sql::Statement& s) {
  LedgerEntry e;
  PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, e));
  return e;
}

}  // namespace

Status Journal::Append(const LedgerEntry& e) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertSql()));
  record::BindRecord(s, 0, e);
  PATRON_RETURN_IF_ERROR(s.Run());
  const int64_t rights = RightsEffect(e, holder_);
  if (rights == 0) return Status::OK();
  PATRON_ASSIGN_OR_RETURN(sql::Statement update, db_.GetCachedStatement(kAddRights));
  update.BindInt64(0, rights);
  update.BindText(1, e.member_id);
  PATRON_RETURN_IF_ERROR(update.Run());
  if (db_.Changes() != 1) return Status::NotFound("no member " + e.member_id, "unknown_member");
  return Status::OK();
}

Result<std::optional<LedgerEntry>> Journal::Get(std::string_view entry_id) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(SelectByIdSql()));
  s.BindText(0, entry_id);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<LedgerEntry>();
  PATRON_ASSIGN_OR_RETURN(LedgerEntry entry, ReadEntry(s));
  return std::optional<LedgerEntry>(std::move(entry));
}

Result<PendingSums> Journal::Pending(std::string_view member_id, int64_t server_version,
                                    int64_t spend_since_ms) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(PendingSql()));
  s.BindText(0, member_id);
  s.BindText(1, holder_);
  s.BindInt64(2, server_version);
  PendingSums sums;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return sums;
    PATRON_ASSIGN_OR_RETURN(LedgerEntry e, ReadEntry(s));
    PATRON_ASSIGN_OR_RETURN(sums.points, CheckedAdd(sums.points, e.points));
    if (e.wall_ms >= spend_since_ms) {
      PATRON_ASSIGN_OR_RETURN(sums.spend_minor, CheckedAdd(sums.spend_minor, e.amount_minor));
    }
    if (e.kind == EntryKind::kEarn && e.amount_minor > 0) {
      sums.last_purchase_ms = std::max(sums.last_purchase_ms, e.wall_ms);
    }
    sums.entries.push_back(std::move(e));
  }
}

Result<std::vector<Journal::HistoryRow>> Journal::History(std::string_view member_id, int limit,
                                                          int64_t before) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(HistorySql()));
  s.BindText(0, member_id);
  s.BindInt64(1, before);
  s.BindInt64(2, limit);
  std::vector<HistoryRow> rows;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    PATRON_ASSIGN_OR_RETURN(LedgerEntry entry, ReadEntry(s));
    rows.push_back({s.ColumnInt64(record::ColumnCount<LedgerEntry>()), std::move(entry)});
  }
  return rows;
}

Result<std::vector<CampaignUse>> Journal::CampaignUses(std::string_view member_id) {
  // Through ledger_by_member; a refused entry's ack_seq is 0.
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT json_extract(detail, '$.campaign_id'), wall_ms FROM ledger"
                             " WHERE member_id = ? AND kind = 'bonus'"
                             " AND (ack_seq IS NULL OR ack_seq <> 0)"));
  s.BindText(0, member_id);
  std::vector<CampaignUse> uses;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return uses;
    uses.push_back({s.ColumnText(0), s.ColumnInt64(1)});
  }
}

Result<int64_t> Journal::CountUnacknowledged() {
  return db_.QueryInt64("SELECT count(*) FROM ledger WHERE ack_seq IS NULL");
}

Result<std::vector<LedgerEntry>> Journal::Unacknowledged(int limit) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(SelectUnackedSql()));
  s.BindText(0, holder_);
  s.BindInt64(1, limit);
  std::vector<LedgerEntry> entries;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    PATRON_ASSIGN_OR_RETURN(LedgerEntry entry, ReadEntry(s));
    entries.push_back(std::move(entry));
  }
  return entries;
}

Status Journal::Acknowledge(std::string_view entry_id, int64_t seq) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("UPDATE ledger SET ack_seq = ? WHERE entry_id = ?"));
  s.BindInt64(0, seq);
  s.BindText(1, entry_id);
  PATRON_RETURN_IF_ERROR(s.Run());
  if (db_.Changes() != 1) {
    return Status::NotFound("acknowledged entry " + std::string(entry_id) + " is not in the journal");
  }
  return Status::OK();
}

Status Journal::Refuse(std::string_view entry_id, std::string_view reason,
                       std::string_view message, int64_t now_ms) {
  PATRON_ASSIGN_OR_RETURN(std::optional<LedgerEntry> entry, Get(entry_id));
  if (!entry) {
    return Status::NotFound("refused entry " + std::string(entry_id) + " is not in the journal");
  }
  PATRON_RETURN_IF_ERROR(Acknowledge(entry_id, kRefusedAck));
  {
    PATRON_ASSIGN_OR_RETURN(
        sql::Statement s,
        db_.GetCachedStatement("INSERT INTO ledger_refused(entry_id, reason, message, refused_ms)"
                               " VALUES (?, ?, ?, ?) ON CONFLICT(entry_id) DO NOTHING"));
    s.BindText(0, entry_id);
    s.BindText(1, reason);
    s.BindText(2, message);
    s.BindInt64(3, now_ms);
    PATRON_RETURN_IF_ERROR(s.Run());
    if (db_.Changes() != 1) return Status::OK();  // refused before: undone already
  }
  const int64_t rights = RightsEffect(*entry, holder_);
  if (rights == 0) return Status::OK();
  // An entry a rights statement covers counts only through the statement,
  // which left it out if head office refused it (rights_sql.h).
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement update,
      db_.GetCachedStatement("UPDATE members SET local_rights = local_rights - ?1 "
                             "WHERE member_id = ?2 AND ?3 > (SELECT rights_journal_seq "
                             "FROM terminal_state WHERE id = 1)"));
  update.BindInt64(0, rights);
  update.BindText(1, entry->member_id);
  update.BindInt64(2, entry->seq);
  return update.Run();
}

Result<int64_t> Journal::CountRefused() {
  return db_.QueryInt64("SELECT count(*) FROM ledger_refused");
}

Status Journal::ClearAcknowledgements() {
  return db_.Execute(
      "UPDATE ledger SET ack_seq = NULL WHERE origin <> 'server' AND ack_seq <> " +
      std::to_string(kRefusedAck));
}

Result<bool> Journal::Exists(std::string_view entry_id) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT 1 FROM ledger WHERE entry_id = ?"));
  s.BindText(0, entry_id);
  return s.Step();
}

}  // namespace patron::terminal
