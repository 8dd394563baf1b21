#include "patron/sync/member_snapshot.h"

#include <filesystem>
#include <system_error>
#include <type_traits>

#include "patron/sql/database.h"
#include "patron/sync/member_columns.h"

namespace patron::sync {
namespace {

// The replica's members table and its card index, word for word as the
// terminal's schema version 1 creates them (SQLite's transfer optimisation
// needs the same columns, types, constraints and indexes); the test "a
// snapshot's layout is the replica's" compares the two. No triggers: the
// terminal keeps its member count itself.
constexpr std::string_view kSnapshotSchema = R"sql(
CREATE TABLE members (
  member_id TEXT PRIMARY KEY,
  phone TEXT UNIQUE,
  card TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  enrolled_store TEXT NOT NULL,
  enrolled_ms INTEGER NOT NULL,
  name TEXT NOT NULL, name_hlc INTEGER NOT NULL, name_origin TEXT NOT NULL,
  birthday TEXT, birthday_hlc INTEGER NOT NULL, birthday_origin TEXT NOT NULL,
  email TEXT, email_hlc INTEGER NOT NULL, email_origin TEXT NOT NULL,
  gender TEXT, gender_hlc INTEGER NOT NULL, gender_origin TEXT NOT NULL,
  sms_consent INTEGER NOT NULL, sms_consent_hlc INTEGER NOT NULL,
    sms_consent_origin TEXT NOT NULL,
  email_consent INTEGER NOT NULL, email_consent_hlc INTEGER NOT NULL,
    email_consent_origin TEXT NOT NULL,
  server_version INTEGER NOT NULL DEFAULT 0,
  server_balance INTEGER NOT NULL DEFAULT 0,
  server_spend_minor INTEGER NOT NULL DEFAULT 0,
  local_rights INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX members_by_card ON members(card) WHERE card IS NOT NULL;

CREATE TABLE snapshot_meta (
  format INTEGER NOT NULL,
  epoch TEXT NOT NULL,
  seq INTEGER NOT NULL,
  members INTEGER NOT NULL
) STRICT;
)sql";

constexpr std::string_view kInsertMember =
    "INSERT INTO members(member_id, phone, card, status, enrolled_store, enrolled_ms, "
    "name, name_hlc, name_origin, birthday, birthday_hlc, birthday_origin, "
    "email, email_hlc, email_origin, gender, gender_hlc, gender_origin, "
    "sms_consent, sms_consent_hlc, sms_consent_origin, "
    "email_consent, email_consent_hlc, email_consent_origin, "
    "server_balance, server_spend_minor, server_version, local_rights) "
    "VALUES (?,?,?,?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?,0)";

// Enough for a million members' phone index (the rows themselves go in key
// order and need no cache).
constexpr int kWriterCacheKib = 128 * 1024;

}  // namespace

MemberSnapshotWriter::MemberSnapshotWriter(std::unique_ptr<sql::Database> db)
    : db_(std::move(db)) {}

MemberSnapshotWriter::~MemberSnapshotWriter() = default;

Result<std::unique_ptr<MemberSnapshotWriter>> MemberSnapshotWriter::Create(
    const std::string& path) {
  std::error_code error;
  if (std::filesystem::exists(path, error) || error) {
    return Status::FailedPrecondition("snapshot file " + path + " already exists");
  }
  sql::DatabaseOptions options;
  options.wal = false;
  options.synchronous_full = false;
  options.foreign_keys = false;
  options.cache_size_kib = kWriterCacheKib;
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db, sql::Database::Open(path, options));
  PATRON_RETURN_IF_ERROR(db->Execute("PRAGMA journal_mode=OFF"));
  PATRON_RETURN_IF_ERROR(db->Execute("PRAGMA synchronous=OFF"));
  PATRON_RETURN_IF_ERROR(db->Execute(kSnapshotSchema));
  PATRON_RETURN_IF_ERROR(db->Execute("BEGIN"));
  return std::unique_ptr<MemberSnapshotWriter>(new MemberSnapshotWriter(std::move(db)));
}

Status MemberSnapshotWriter::Append(const MemberState& m) {
  if (finished_) return Status::FailedPrecondition("snapshot already finished");
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_->GetCachedStatement(kInsertMember));
  BindMemberState(s, m);
  PATRON_RETURN_IF_ERROR(s.Run().WithContext("snapshot member " + m.member_id));
  ++members_;
  return Status::OK();
}

Status MemberSnapshotWriter::Finish(const std::string& epoch, int64_t seq) {
  if (finished_) return Status::FailedPrecondition("snapshot already finished");
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_->GetUniqueStatement(
          "INSERT INTO snapshot_meta(format, epoch, seq, members) VALUES (?, ?, ?, ?)"));
  s.BindInt64(0, kMemberSnapshotFormat);
  s.BindText(1, epoch);
  s.BindInt64(2, seq);
  s.BindInt64(3, members_);
  PATRON_RETURN_IF_ERROR(s.Run());
  PATRON_RETURN_IF_ERROR(db_->Execute("COMMIT"));
  finished_ = true;
  return Status::OK();
}

}  // namespace patron::sync
