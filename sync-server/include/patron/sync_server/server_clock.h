// ServerClock: head office's hybrid logical clock (DESIGN.md §4), shared by
// every role service that stamps data or replies, and persisted with the
// data it stamps through the store's sequence role (sequence_store.h).
//
// A transaction calls Resume before it stamps anything (data, or a reply's
// server_hlc): the clock continues above the mark the last commit saved,
// which a clock now behind it (after a restart) may have issued. A write
// transaction calls Save just before Commit, so the mark saved covers every
// stamp it wrote. Thread-safe.
#ifndef PATRON_SYNC_SERVER_SERVER_CLOCK_H_
#define PATRON_SYNC_SERVER_SERVER_CLOCK_H_

#include <cstdint>
#include <functional>
#include <mutex>

#include "patron/hlc.h"
#include "patron/status.h"
#include "patron/sync_server/sequence_store.h"

namespace patron::sync {

class ServerClock {
 public:
  // Remote timestamps more than `max_drift_ms` ahead of `wall_clock_ms`
  // are not merged (Merge).
  ServerClock(std::function<int64_t()> wall_clock_ms, int64_t max_drift_ms);

  // The clock's next timestamp.
  HlcTimestamp Tick();
  // Merges a remote timestamp into the clock unless it is too far ahead;
  // returns the clock's current timestamp.
  HlcTimestamp Merge(HlcTimestamp remote);
  Status Resume(SequenceTxn& txn);
  Status Save(SequenceTxn& txn);

 private:
  std::mutex mu_;
  HybridClock clock_;  // guarded by mu_
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SERVER_CLOCK_H_
