// SyncService::Snapshot and SnapshotChunk: a new terminal's bootstrap from
// the member snapshot SnapshotServer serves, with what else it must hold as
// of the snapshot's seq (its transfers, the down-channel, the rules).
#include <limits>

#include "patron/sync_server/sync_service.h"
#include "service/checks.h"

namespace patron::sync {

Result<SnapshotInfo> SyncService::Snapshot(const Caller& caller, const SnapshotRequest& request) {
  PATRON_RETURN_IF_ERROR(CheckFingerprint(request.chain_key_fingerprint));
  PATRON_RETURN_IF_ERROR(CheckSpeaksFor(caller, request.terminal_id));
  std::shared_ptr<const ServedSnapshot> served = snapshots_.Current();
  if (!served) {
    return Status::NotFound("the server has no member snapshot yet; pull page by page",
                            "snapshot_unavailable");
  }
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  SnapshotInfo info;
  PATRON_ASSIGN_OR_RETURN(info.epoch, txn->Epoch());
  if (info.epoch != served->epoch) {
    return Status::NotFound("the member snapshot is from another epoch", "snapshot_unavailable");
  }
  info.seq = served->seq;
  info.members = served->members;
  info.bytes = served->bytes;
  info.sha256 = served->sha256;
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredEntry> items,
                          txn->EntriesTo(caller.terminal_id, 0, served->seq));
  info.items = Delivered(std::move(items));
  // What is current at the snapshot's seq (items replace their
  // predecessors), all of it: a pull from seq brings only later items.
  PATRON_ASSIGN_OR_RETURN(info.down,
                          txn->DownItemsFor(caller.terminal_id, caller.store_id, 0, served->seq,
                                            std::numeric_limits<int>::max()));
  PATRON_ASSIGN_OR_RETURN(auto rules, txn->ActiveRules());
  if (rules && rules->first > request.rules_version) info.rules_json = rules->second;
  info.server_hlc = clock_.Tick();
  counters_.snapshots++;
  terminals_.MarkSeen(caller.terminal_id);
  return info;
}

Result<std::string> SyncService::SnapshotChunk(const Caller& caller, int64_t seq, int64_t offset) {
  PATRON_ASSIGN_OR_RETURN(std::string chunk, snapshots_.Chunk(seq, offset));
  terminals_.MarkSeen(caller.terminal_id);
  return chunk;
}

}  // namespace patron::sync
