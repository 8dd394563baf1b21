// The member snapshot file a new terminal bootstraps from (protocol.h,
// SnapshotInfo): a SQLite database with two tables,
//
//   members        every member row, in exactly the layout of a terminal's
//                  replica table (replica_member.h kReplicaMembersTable):
//                  the server's view in the server_* columns, no local rights;
//   snapshot_meta  one row: format, epoch, seq, members.
//
// The identical layout is the point: a terminal whose replica is empty copies
// the whole table with one `INSERT INTO members SELECT * FROM snapshot.members`,
// which SQLite runs as a transfer of records in key order (no row is decoded
// and every index is filled from its first key to its last) instead of a
// million inserts landing on random index pages.
//
//   PATRON_ASSIGN_OR_RETURN(auto writer, MemberSnapshotWriter::Create(path));
//   for (const MemberState& m : rows_in_member_id_order) writer->Append(m);
//   PATRON_RETURN_IF_ERROR(writer->Finish(epoch, seq));
#ifndef PATRON_SYNC_MEMBER_SNAPSHOT_H_
#define PATRON_SYNC_MEMBER_SNAPSHOT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "patron/status.h"
#include "patron/sync/protocol.h"

namespace patron::sql {
class Database;
}

namespace patron::sync {

// Bumped whenever the file's tables change; a terminal refuses other formats.
// Format 2 (schema version 9) added the tier standing's and the latest
// purchase's columns, format 3 (schema version 12) the lots' column; an
// older terminal refuses it and bootstraps page by page.
inline constexpr int64_t kMemberSnapshotFormat = 3;

// The reader's query of the meta row, on a database attached as `snapshot`.
inline constexpr std::string_view kSelectSnapshotMeta =
    "SELECT format, epoch, seq, members FROM snapshot.snapshot_meta";

// Writes one snapshot file. A scratch file: no journal, no flushes (a server
// that crashed rebuilds its snapshot, it never reuses one).
class MemberSnapshotWriter {
 public:
  // Creates the file at `path`, which must not exist yet.
  static Result<std::unique_ptr<MemberSnapshotWriter>> Create(const std::string& path);
  ~MemberSnapshotWriter();
  MemberSnapshotWriter(const MemberSnapshotWriter&) = delete;
  MemberSnapshotWriter& operator=(const MemberSnapshotWriter&) = delete;

  // Appends one member's row. Rows come in member_id order, each member once.
  Status Append(const MemberState& member);
  // Writes the meta row and commits; the file is complete when this returns.
  Status Finish(const std::string& epoch, int64_t seq);

  int64_t members() const { return members_; }

 private:
  explicit MemberSnapshotWriter(std::unique_ptr<sql::Database> db);

  std::unique_ptr<sql::Database> db_;
  int64_t members_ = 0;
  bool finished_ = false;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_MEMBER_SNAPSHOT_H_
