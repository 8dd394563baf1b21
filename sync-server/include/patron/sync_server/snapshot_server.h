// SnapshotServer: the member snapshots new terminals bootstrap from
// (protocol.h SnapshotInfo). Builds one from a read transaction of the
// store's member role (member_store.h) in key order, serves it in chunks of
// the file, and replaces it once the store has moved on. A replaced file is
// deleted once the last chunk read of it has finished. Thread-safe; one
// build at a time.
#ifndef PATRON_SYNC_SERVER_SNAPSHOT_SERVER_H_
#define PATRON_SYNC_SERVER_SNAPSHOT_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "patron/status.h"
#include "patron/sync_server/server_store.h"

namespace patron::sync {

struct SnapshotOptions {
  // The directory the snapshots are kept in, which the server owns; empty:
  // no snapshots, every terminal bootstraps page by page.
  std::string dir;
  // BuildIfDue builds a new snapshot once the store has folded this many
  // sequence numbers past the one served (the first at this many)...
  int64_t min_changes = 50'000;
  // ... and at least this long after the previous build began, whether it
  // succeeded or not (wall clock). The first build does not wait.
  int64_t min_interval_ms = 60'000;
  // The most bytes of a snapshot file one Chunk returns.
  int64_t chunk_bytes = 8 << 20;
};

// The member snapshot being served, for GET /metrics.
struct SnapshotGauge {
  int64_t seq = 0;  // 0: none
  int64_t members = 0;
  int64_t bytes = 0;
};

// A snapshot file as served: the member rows of `epoch` as of `seq`.
struct ServedSnapshot {
  std::string path;
  std::string epoch;
  int64_t seq = 0;
  int64_t members = 0;
  int64_t bytes = 0;
  std::string sha256;

  ServedSnapshot() = default;
  ServedSnapshot(const ServedSnapshot&) = delete;
  ServedSnapshot& operator=(const ServedSnapshot&) = delete;
  ~ServedSnapshot();  // deletes the file
};

class SnapshotServer {
 public:
  SnapshotServer(ServerStore& store, SnapshotOptions options,
                 std::function<int64_t()> wall_clock_ms);

  // Builds a new snapshot if the one served is min_changes behind the
  // store's fold (or there is none and the store has come that far) and
  // min_interval_ms have passed since the last build, then serves it. Runs
  // for seconds on a large store. Meant for a background thread; true if it
  // built one.
  Result<bool> BuildIfDue();
  // The snapshot served now; nullptr if none.
  std::shared_ptr<const ServedSnapshot> Current() const;
  SnapshotGauge State() const;
  // Up to chunk_bytes of snapshot `seq` from `offset`. NotFound
  // ("snapshot_gone") once it has been replaced by a newer one.
  Result<std::string> Chunk(int64_t seq, int64_t offset) const;

 private:
  Result<std::shared_ptr<const ServedSnapshot>> Write(StoreTxn& txn, int64_t seq);

  ServerStore& store_;
  const SnapshotOptions options_;
  std::function<int64_t()> wall_clock_ms_;
  std::mutex build_mu_;     // one build at a time
  int64_t started_ms_ = 0;  // guarded by build_mu_
  mutable std::mutex served_mu_;
  std::shared_ptr<const ServedSnapshot> served_;  // guarded by served_mu_
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SNAPSHOT_SERVER_H_
