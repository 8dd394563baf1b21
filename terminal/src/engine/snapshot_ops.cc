#include "engine/snapshot_ops.h"

#include <vector>

#include "engine/down_channel.h"
#include "engine/sync_ops.h"
#include "patron/rules_codec.h"
#include "patron/sync/member_snapshot.h"

namespace patron::terminal {
namespace {

// The snapshot file attached to the terminal's connection as `snapshot` for
// as long as this lives. ATTACH and DETACH cannot run inside a transaction.
class AttachedSnapshot {
 public:
  static Result<std::unique_ptr<AttachedSnapshot>> Attach(sql::Database& db,
                                                          const std::string& path) {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                            db.GetUniqueStatement("ATTACH DATABASE ? AS snapshot"));
    s.BindText(0, path);
    PATRON_RETURN_IF_ERROR(s.Run().WithContext("attach snapshot " + path));
    return std::unique_ptr<AttachedSnapshot>(new AttachedSnapshot(db));
  }
  ~AttachedSnapshot() { (void)db_.Execute("DETACH DATABASE snapshot"); }
  AttachedSnapshot(const AttachedSnapshot&) = delete;
  AttachedSnapshot& operator=(const AttachedSnapshot&) = delete;

 private:
  explicit AttachedSnapshot(sql::Database& db) : db_(db) {}
  sql::Database& db_;
};

Status BadSnapshot(const std::string& why) {
  return Status::Corruption("the member snapshot " + why, "bad_snapshot");
}

// The file must hold a members table (not a view or anything else that would
// run when read) and a meta row naming the snapshot the server described.
Status CheckMeta(sql::Database& db, const sync::SnapshotInfo& info) {
  Result<std::string> members = db.QueryString(
      "SELECT type FROM snapshot.sqlite_schema WHERE name = 'members'");
  if (!members.ok() || *members != "table") return BadSnapshot("file has no members table");
  Result<sql::Statement> s = db.GetUniqueStatement(sync::kSelectSnapshotMeta);
  if (!s.ok()) return BadSnapshot("file has no meta table: " + s.status().message());
  Result<bool> found = s->Step();
  if (!found.ok() || !*found) return BadSnapshot("file has no meta row");
  if (s->ColumnInt64(0) != sync::kMemberSnapshotFormat) {
    return BadSnapshot("file is of format " + std::to_string(s->ColumnInt64(0)) + ", not " +
                       std::to_string(sync::kMemberSnapshotFormat));
  }
  if (s->ColumnText(1) != info.epoch || s->ColumnInt64(2) != info.seq ||
      s->ColumnInt64(3) != info.members) {
    return BadSnapshot("file is not the one described (epoch, seq or member count differ)");
  }
  return Status::OK();
}

// The server's view in a snapshot row, as a pulled row carries it.
sync::MemberState ServerState(MemberRow row) {
  sync::MemberState m;
  static_cast<MemberProfile&>(m) = std::move(static_cast<MemberProfile&>(row));
  m.balance = row.server_balance;
  m.spend_minor = row.server_spend_minor;
  m.tier = row.server_tier;
  m.tier_until_ms = row.server_tier_until_ms;
  m.spend_at_review_minor = row.server_spend_at_review_minor;
  m.last_purchase_ms = row.server_last_purchase_ms;
  m.lots = std::move(row.server_lots);
  m.version = row.server_version;
  return m;
}

}  // namespace

Result<int64_t> AdoptSnapshot(EngineContext& ctx, const std::string& path,
                              const sync::SnapshotInfo& info) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<AttachedSnapshot> attached,
                          AttachedSnapshot::Attach(*ctx.db, path));
  PATRON_RETURN_IF_ERROR(CheckMeta(*ctx.db, info));
  std::vector<Rules> new_packs;
  Result<int64_t> taken = InWriteTransaction(ctx, [&]() -> Result<int64_t> {
    // Read before the new rows go in: afterwards every row is "held here".
    PATRON_ASSIGN_OR_RETURN(std::vector<MemberRow> held, ctx.members.SnapshotRowsHeldHere());
    PATRON_ASSIGN_OR_RETURN(int64_t inserted, ctx.members.InsertFromSnapshot());
    for (MemberRow& row : held) {
      sync::MemberState remote = ServerState(std::move(row));
      PATRON_ASSIGN_OR_RETURN(std::optional<MemberRow> local, ctx.members.Get(remote.member_id));
      PATRON_RETURN_IF_ERROR(
          ctx.members.ReplaceFromServer(MergeServerState(std::move(local), remote), true));
    }
    const int64_t taken = inserted + static_cast<int64_t>(held.size());
    if (taken != info.members) {
      return BadSnapshot("file holds " + std::to_string(taken) +
                         " member rows, not the " + std::to_string(info.members) + " described");
    }
    PATRON_RETURN_IF_ERROR(ApplyItems(ctx, info.items));
    PATRON_ASSIGN_OR_RETURN(new_packs,
                            TakeDelivery(ctx, {info.rules_json, &info.down, &info.notes, 1}));
    PATRON_RETURN_IF_ERROR(ctx.state.SetCursor(info.epoch, info.seq));
    MergeClock(ctx, info.server_hlc);
    return info.members;
  });
  if (taken.ok()) ctx.AddPacks(std::move(new_packs));  // only once committed
  return taken;
}

}  // namespace patron::terminal
