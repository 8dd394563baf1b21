#include "patron/sync/member_snapshot.h"

#include <filesystem>
#include <system_error>
#include <type_traits>

#include "patron/sql/database.h"
#include "patron/record/record_sql.h"
#include "patron/sync/replica_member.h"

namespace patron::sync {
namespace {

constexpr std::string_view kSnapshotMeta = R"sql(
CREATE TABLE snapshot_meta (
  format INTEGER NOT NULL,
  epoch TEXT NOT NULL,
  seq INTEGER NOT NULL,
  members INTEGER NOT NULL
) STRICT;
)sql";

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
  // No triggers: the terminal keeps its member count itself.
  PATRON_RETURN_IF_ERROR(db->Execute(kReplicaMembersTable));
  PATRON_RETURN_IF_ERROR(db->Execute(kReplicaMembersV9));
  PATRON_RETURN_IF_ERROR(db->Execute(kReplicaMembersV12));
  PATRON_RETURN_IF_ERROR(db->Execute(kSnapshotMeta));
  PATRON_RETURN_IF_ERROR(db->Execute("BEGIN"));
  return std::unique_ptr<MemberSnapshotWriter>(new MemberSnapshotWriter(std::move(db)));
}

Status MemberSnapshotWriter::Append(const MemberState& m) {
  if (finished_) return Status::FailedPrecondition("snapshot already finished");
  static const std::string kInsertMember = "INSERT INTO members(" +
                                          record::ColumnList<ReplicaMember>() + ") VALUES (" +
                                          record::Placeholders<ReplicaMember>() + ")";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_->GetCachedStatement(kInsertMember));
  record::BindRecord(s, 0, ReplicaOf(m));
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
