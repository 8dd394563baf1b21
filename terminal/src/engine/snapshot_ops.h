// A new terminal's bootstrap from the server's member snapshot (protocol.h
// SnapshotInfo, sync/member_snapshot.h).
#ifndef PATRON_TERMINAL_SRC_ENGINE_SNAPSHOT_OPS_H_
#define PATRON_TERMINAL_SRC_ENGINE_SNAPSHOT_OPS_H_

#include <string>

#include "engine/context.h"
#include "patron/sync/protocol.h"

namespace patron::terminal {

// Takes the snapshot file at `path`, described by `info`, into the replica
// in one transaction: members it does not hold are copied, those it holds
// get the server's state merged as a pulled row would; the grants that came
// with it are recorded, and the rules if newer than ours; the cursor moves to
// (info.epoch, info.seq). Returns
// the number of member rows taken. Corruption ("bad_snapshot") if the file
// is not the snapshot `info` describes; nothing is changed then.
Result<int64_t> AdoptSnapshot(EngineContext& ctx, const std::string& path,
                              const sync::SnapshotInfo& info);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_SNAPSHOT_OPS_H_
