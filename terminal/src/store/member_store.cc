#include "store/member_store.h"

#include "patron/sql/register_binding.h"

namespace patron::terminal {
namespace {

using sql::BindRegister;

// Every column of a member row, in the order ReadRow reads them.
#define PATRON_MEMBER_COLUMNS(t)                                                           \
  t "member_id, " t "phone, " t "card, " t "status, " t "enrolled_store, " t "enrolled_ms, " \
  t "name, " t "name_hlc, " t "name_origin, " t "birthday, " t "birthday_hlc, "              \
  t "birthday_origin, " t "email, " t "email_hlc, " t "email_origin, " t "gender, "          \
  t "gender_hlc, " t "gender_origin, " t "sms_consent, " t "sms_consent_hlc, "               \
  t "sms_consent_origin, " t "email_consent, " t "email_consent_hlc, "                       \
  t "email_consent_origin, " t "server_version, " t "server_balance, "                       \
  t "server_spend_minor, " t "local_rights "

constexpr std::string_view kSelectById =
    "SELECT " PATRON_MEMBER_COLUMNS("") "FROM members WHERE member_id = ?";

// The snapshot's version of members held here, read in the replica's key
// order.
constexpr std::string_view kSelectSnapshotHeldHere =
    "SELECT " PATRON_MEMBER_COLUMNS("s.") "FROM main.members AS m "
    "JOIN snapshot.members AS s ON s.member_id = m.member_id ORDER BY m.member_id";

// The whole table, as SQLite's transfer optimisation requires (no WHERE).
constexpr std::string_view kCopySnapshot =
    "INSERT INTO main.members SELECT * FROM snapshot.members";
constexpr std::string_view kInsertSnapshotNew =
    "INSERT INTO main.members SELECT * FROM snapshot.members AS s "
    "WHERE NOT EXISTS (SELECT 1 FROM main.members AS m WHERE m.member_id = s.member_id)";

#undef PATRON_MEMBER_COLUMNS

constexpr std::string_view kInsert =
    "INSERT INTO members(member_id, phone, card, status, enrolled_store, enrolled_ms, "
    "name, name_hlc, name_origin, birthday, birthday_hlc, birthday_origin, "
    "email, email_hlc, email_origin, gender, gender_hlc, gender_origin, "
    "sms_consent, sms_consent_hlc, sms_consent_origin, "
    "email_consent, email_consent_hlc, email_consent_origin, "
    "server_version, server_balance, server_spend_minor) "
    "VALUES (?,?,?,?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?)";

constexpr std::string_view kUpdateProfile =
    "UPDATE members SET name = ?, name_hlc = ?, name_origin = ?, "
    "birthday = ?, birthday_hlc = ?, birthday_origin = ?, "
    "email = ?, email_hlc = ?, email_origin = ?, "
    "gender = ?, gender_hlc = ?, gender_origin = ?, "
    "sms_consent = ?, sms_consent_hlc = ?, sms_consent_origin = ?, "
    "email_consent = ?, email_consent_hlc = ?, email_consent_origin = ? "
    "WHERE member_id = ?";

template <typename T>
void ReadRegister(const sql::Statement& s, int first, LwwRegister<T>& reg) {
  if constexpr (std::is_same_v<T, std::string>) {
    reg.value = s.ColumnText(first);
  } else if constexpr (std::is_same_v<T, bool>) {
    reg.value = s.ColumnBool(first);
  } else {
    reg.value = s.ColumnOptionalText(first);
  }
  reg.hlc = HlcTimestamp::FromPacked(s.ColumnInt64(first + 1));
  reg.origin = s.ColumnText(first + 2);
}

// Reads a row of PATRON_MEMBER_COLUMNS.
MemberRow ReadRow(const sql::Statement& s) {
  MemberRow row;
  row.member_id = s.ColumnText(0);
  row.phone = s.ColumnOptionalText(1);
  row.card = s.ColumnOptionalText(2);
  row.status = s.ColumnText(3);
  row.enrolled_store = s.ColumnText(4);
  row.enrolled_ms = s.ColumnInt64(5);
  ReadRegister(s, 6, row.name);
  ReadRegister(s, 9, row.birthday);
  ReadRegister(s, 12, row.email);
  ReadRegister(s, 15, row.gender);
  ReadRegister(s, 18, row.sms_consent);
  ReadRegister(s, 21, row.email_consent);
  row.server_version = s.ColumnInt64(24);
  row.server_balance = s.ColumnInt64(25);
  row.server_spend_minor = s.ColumnInt64(26);
  row.local_rights = s.ColumnInt64(27);
  return row;
}

// Binds the six profile registers starting at parameter `first`.
void BindProfile(sql::Statement& s, int first, const MemberRow& row) {
  BindRegister(s, first, row.name);
  BindRegister(s, first + 3, row.birthday);
  BindRegister(s, first + 6, row.email);
  BindRegister(s, first + 9, row.gender);
  BindRegister(s, first + 12, row.sms_consent);
  BindRegister(s, first + 15, row.email_consent);
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
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kSelectById));
  s.BindText(0, member_id);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<MemberRow>();
  return std::optional<MemberRow>(ReadRow(s));
}

Result<std::vector<MemberRow>> MemberStore::SnapshotRowsHeldHere() {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetUniqueStatement(kSelectSnapshotHeldHere));
  std::vector<MemberRow> rows;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return rows;
    rows.push_back(ReadRow(s));
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
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kInsert));
  s.BindText(0, row.member_id);
  s.BindOptionalText(1, row.phone);
  s.BindOptionalText(2, row.card);
  s.BindText(3, row.status);
  s.BindText(4, row.enrolled_store);
  s.BindInt64(5, row.enrolled_ms);
  BindProfile(s, 6, row);
  s.BindInt64(24, row.server_version);
  s.BindInt64(25, row.server_balance);
  s.BindInt64(26, row.server_spend_minor);
  return s.Run();
}

Status MemberStore::UpdateProfile(const MemberRow& row) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kUpdateProfile));
  BindProfile(s, 0, row);
  s.BindText(18, row.member_id);
  return s.Run();
}

Result<int64_t> MemberStore::Count() {
  return db_.QueryInt64("SELECT n FROM member_count WHERE id = 1");
}

Status MemberStore::AppendOutbox(std::string_view member_id, std::string_view field,
                                 std::string_view value_json, HlcTimestamp hlc) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "INSERT INTO profile_outbox(member_id, field, value, hlc) VALUES (?, ?, ?, ?)"));
  s.BindText(0, member_id);
  s.BindText(1, field);
  s.BindText(2, value_json);
  s.BindInt64(3, hlc.Packed());
  return s.Run();
}

Result<int64_t> MemberStore::CountPendingOutbox() {
  return db_.QueryInt64("SELECT count(*) FROM profile_outbox WHERE acked = 0");
}

Result<std::vector<MemberStore::OutboxChange>> MemberStore::PendingOutbox(int limit) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT change_id, member_id, field, value, hlc FROM profile_outbox "
                             "WHERE acked = 0 ORDER BY change_id LIMIT ?"));
  s.BindInt64(0, limit);
  std::vector<OutboxChange> changes;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    PATRON_ASSIGN_OR_RETURN(HlcTimestamp hlc, HlcTimestamp::FromPackedChecked(s.ColumnInt64(4)));
    changes.push_back({s.ColumnInt64(0), s.ColumnText(1), s.ColumnText(2), s.ColumnText(3), hlc});
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
  static constexpr std::string_view kFields[] = {"name", "birthday", "email", "gender",
                                                 "sms_consent", "email_consent"};
  bool known = false;
  for (std::string_view f : kFields) known = known || f == field;
  if (!known) return Status::OK();  // "identity" carries no register stamp
  // The column name comes from the fixed list above, never from input.
  const std::string column(field);
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
  if (!exists) return Insert(row);
  PATRON_RETURN_IF_ERROR(UpdateProfile(row));
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("UPDATE members SET phone = ?, card = ?, status = ?, "
                             "enrolled_store = ?, enrolled_ms = ?, server_version = ?, "
                             "server_balance = ?, server_spend_minor = ? WHERE member_id = ?"));
  s.BindOptionalText(0, row.phone);
  s.BindOptionalText(1, row.card);
  s.BindText(2, row.status);
  s.BindText(3, row.enrolled_store);
  s.BindInt64(4, row.enrolled_ms);
  s.BindInt64(5, row.server_version);
  s.BindInt64(6, row.server_balance);
  s.BindInt64(7, row.server_spend_minor);
  s.BindText(8, row.member_id);
  return s.Run();
}

Status MemberStore::ResetServerViews() {
  return db_.Execute(
      "UPDATE members SET server_version = 0, server_balance = 0, server_spend_minor = 0");
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
