#include "store/member_store.h"

#include "patron/record/lww_merge.h"
#include "patron/record/record_sql.h"

namespace patron::terminal {
namespace {

using record::ColumnList;

// Every column of a member row, in table order (record::Schema<ReplicaMember>).
const std::string& Columns() {
  static const std::string columns = ColumnList<MemberRow>();
  return columns;
}

const std::string& SelectById() {
  static const std::string sql = "SELECT " + Columns() + " FROM members WHERE member_id = ?";
  return sql;
}

// The snapshot's version of members held here, read in the replica's key
// order.
const std::string& SelectSnapshotHeldHere() {
  static const std::string sql = "SELECT " + ColumnList<MemberRow>({}, "s.") +
                                 " FROM main.members AS m JOIN snapshot.members AS s"
                                 " ON s.member_id = m.member_id ORDER BY m.member_id";
  return sql;
}

// The whole table, as SQLite's transfer optimisation requires (no WHERE, no
// column list): the snapshot's table is the replica's (kReplicaMembersTable).
constexpr std::string_view kCopySnapshot =
    "INSERT INTO main.members SELECT * FROM snapshot.members";
constexpr std::string_view kInsertSnapshotNew =
    "INSERT INTO main.members SELECT * FROM snapshot.members AS s "
    "WHERE NOT EXISTS (SELECT 1 FROM main.members AS m WHERE m.member_id = s.member_id)";

// local_rights is Journal::Append's; a new row starts at the table's 0.
const std::string& InsertSql() {
  static const std::string sql =
      "INSERT INTO members(" + Columns() + ") VALUES (" + record::Placeholders<MemberRow>() + ")";
  return sql;
}

// Every column but the key and local_rights, which is Journal::Append's.
constexpr std::string_view kNotUpdated[] = {"member_id", "local_rights"};

const std::string& UpdateSql() {
  static const std::string sql =
      "UPDATE members SET " + record::Assignments<MemberRow>(kNotUpdated) + " WHERE member_id = ?";
  return sql;
}

Result<MemberRow> ReadRow(const sql::Statement& s) {
  MemberRow row;
  PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, row));
  return row;
}

Result<std::optional<std::string>> QueryId(sql::Database& db, std::string_view sql,
                                           std::string_view key) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db.GetCachedStatement(sql));
  s.BindText(0, key);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(s.ColumnText(0));
}

}  // namespace

Result<std::optional<MemberRow>> MemberStore::Get(std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(SelectById()));
  s.BindText(0, member_id);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<MemberRow>();
  PATRON_ASSIGN_OR_RETURN(MemberRow row, ReadRow(s));
  return std::optional<MemberRow>(std::move(row));
}

Result<std::vector<MemberRow>> MemberStore::SnapshotRowsHeldHere() {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetUniqueStatement(SelectSnapshotHeldHere()));
  std::vector<MemberRow> rows;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return rows;
    PATRON_ASSIGN_OR_RETURN(MemberRow row, ReadRow(s));
    rows.push_back(std::move(row));
  }
}

Result<int64_t> MemberStore::InsertFromSnapshot() {
  PATRON_ASSIGN_OR_RETURN(int64_t held, Count());
  if (held > 0) {
    PATRON_RETURN_IF_ERROR(db_.Execute(kInsertSnapshotNew));
    return db_.Changes();
  }
  PATRON_ASSIGN_OR_RETURN(
      std::string trigger,
      db_.QueryString(
          "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'member_count_insert'"));
  PATRON_RETURN_IF_ERROR(db_.Execute("DROP TRIGGER member_count_insert"));
  PATRON_RETURN_IF_ERROR(db_.Execute(kCopySnapshot));
  const int64_t copied = db_.Changes();
  PATRON_RETURN_IF_ERROR(db_.Execute(trigger));
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetUniqueStatement("UPDATE member_count SET n = n + ? WHERE id = 1"));
  s.BindInt64(0, copied);
  PATRON_RETURN_IF_ERROR(s.Run());
  return copied;
}

Result<std::optional<std::string>> MemberStore::FindIdByPhone(std::string_view e164_phone) {
  return QueryId(db_, "SELECT member_id FROM members WHERE phone = ?", e164_phone);
}

Result<std::optional<std::string>> MemberStore::FindIdByCard(std::string_view card) {
  return QueryId(db_, "SELECT member_id FROM members WHERE card = ?", card);
}

Status MemberStore::Insert(const MemberRow& row) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertSql()));
  MemberRow fresh = row;
  fresh.local_rights = 0;
  record::BindRecord(s, 0, fresh);
  return s.Run();
}

Status MemberStore::Update(const MemberRow& row) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(UpdateSql()));
  s.BindText(record::BindRecord(s, 0, row, kNotUpdated), row.member_id);
  return s.Run();
}

Result<int64_t> MemberStore::Count() {
  return db_.QueryInt64("SELECT n FROM member_count WHERE id = 1");
}

Status MemberStore::AppendOutbox(std::string_view member_id, std::string_view field,
                                 const sync::ProfileValue& value, HlcTimestamp hlc) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "INSERT INTO profile_outbox(member_id, field, value, hlc) VALUES (?, ?, ?, ?)"));
  s.BindText(0, member_id);
  s.BindText(1, field);
  record::SqlCodec<sync::ProfileValue>::Bind(s, 2, value);
  s.BindInt64(3, hlc.Packed());
  return s.Run();
}

Result<int64_t> MemberStore::CountPendingOutbox() {
  return db_.QueryInt64("SELECT count(*) FROM profile_outbox WHERE acked = 0");
}

Result<std::vector<sync::ProfileChange>> MemberStore::PendingOutbox(int limit,
                                                                   std::string_view origin) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT change_id, member_id, field, value, hlc FROM profile_outbox "
                             "WHERE acked = 0 ORDER BY change_id LIMIT ?"));
  s.BindInt64(0, limit);
  std::vector<sync::ProfileChange> changes;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    sync::ProfileChange& change = changes.emplace_back();
    change.change_id = s.ColumnInt64(0);
    change.member_id = s.ColumnText(1);
    change.field = s.ColumnText(2);
    PATRON_RETURN_IF_ERROR(record::SqlCodec<sync::ProfileValue>::Read(s, 3, "value", change.value));
    PATRON_RETURN_IF_ERROR(record::SqlCodec<HlcTimestamp>::Read(s, 4, "hlc", change.hlc));
    change.origin = std::string(origin);
  }
  return changes;
}

Status MemberStore::AcknowledgeOutbox(int64_t change_id) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("UPDATE profile_outbox SET acked = 1 WHERE change_id = ?"));
  s.BindInt64(0, change_id);
  return s.Run();
}

Status MemberStore::ResetOutboxAcknowledgements() {
  return db_.Execute("UPDATE profile_outbox SET acked = 0");
}

Status MemberStore::AdoptStamp(std::string_view member_id, std::string_view field,
                               HlcTimestamp original, std::string_view origin,
                               HlcTimestamp accepted) {
  std::string_view register_column;
  // "identity" carries no register stamp.
  if (!record::HasRegister<MemberProfile>(field, &register_column)) return Status::OK();
  // The column name comes from the field table, never from input.
  const std::string column(register_column);
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetUniqueStatement("UPDATE members SET " + column + "_hlc = ? WHERE member_id = ? AND " +
                             column + "_hlc = ? AND " + column + "_origin = ?"));
  s.BindInt64(0, accepted.Packed());
  s.BindText(1, member_id);
  s.BindInt64(2, original.Packed());
  s.BindText(3, origin);
  return s.Run();
}

Status MemberStore::ReplaceFromServer(const MemberRow& row, bool exists) {
  return exists ? Update(row) : Insert(row);
}

Status MemberStore::ResetServerViews() {
  return db_.Execute(
      "UPDATE members SET server_version = 0, server_balance = 0, server_spend_minor = 0,"
      " server_tier = '', server_tier_until_ms = 0, server_spend_at_review_minor = 0,"
      " server_last_purchase_ms = 0, server_lots = '{}'");
}

Result<std::vector<std::pair<std::string, int64_t>>> MemberStore::MembersWithRights() {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetUniqueStatement("SELECT member_id, local_rights FROM members WHERE local_rights > 0"));
  std::vector<std::pair<std::string, int64_t>> members;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    members.emplace_back(s.ColumnText(0), s.ColumnInt64(1));
  }
  return members;
}

}  // namespace patron::terminal
