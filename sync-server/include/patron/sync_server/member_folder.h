// MemberFolder: folds what pushes and grants appended into member rows
// (member_folder.cc has the why), and decides when to. Over the store's
// journal and member roles (journal_store.h, member_store.h). Thread-safe:
// folds are write transactions, which the store serialises.
//
// Writers tell it about themselves, so it folds while nobody writes, or
// once the oldest change not folded has waited too long:
//
//   const MemberFolder::WriteActivity activity(folder);  // around the write
//   ... BeginWrite, write, then just before Commit:
//   folder.NoteWriting();
//   txn->Commit();
//   folder.NoteWritten(last_seq);
#ifndef PATRON_SYNC_SERVER_MEMBER_FOLDER_H_
#define PATRON_SYNC_SERVER_MEMBER_FOLDER_H_

#include <atomic>
#include <cstdint>
#include <functional>

#include "patron/status.h"
#include "patron/sync_server/server_store.h"
#include "patron/sync_server/sync_counters.h"

namespace patron::sync {

struct FoldOptions {
  // The most sequence numbers one Fold takes (one write transaction).
  int64_t batch_seqs = 100'000;
  // FoldIfDue folds once no write is under way or waiting and none has been
  // for this long...
  int64_t idle_ms = 100;
  // ... or once the oldest change not yet folded is this old, even while
  // writes keep coming.
  int64_t max_lag_ms = 30'000;
  // Whether the fold keeps head office's analytics (analytics_store.h).
  // Off (for benchmarks) they fall behind, and the first fold with them on
  // makes them again from the ledger.
  bool analytics = true;
};

// What one Fold did.
struct FoldStats {
  int64_t from_seq = 0;    // the watermark before
  int64_t folded_seq = 0;  // the watermark after
  int64_t last_seq = 0;    // the store's last sequence when it began
  int64_t entries = 0;
  int64_t profile_changes = 0;
  int64_t members = 0;    // member rows written
  int64_t saturated = 0;  // entries whose effect hit the int64 limits (ApplyEntry)
  int64_t skipped = 0;    // queued profile changes that no longer merge
};

// The fold's progress, for GET /metrics.
struct FoldGauge {
  int64_t folded_seq = 0;
  int64_t last_seq = 0;           // as last seen by a write
  int64_t oldest_pending_ms = 0;  // age of the oldest change not folded (0: none)
};

class MemberFolder {
 public:
  // Reads the watermark and the last sequence from the store. `counters`
  // (folds, entries folded, ...) must outlive the folder.
  MemberFolder(ServerStore& store, FoldOptions options, std::function<int64_t()> wall_clock_ms,
               SyncCounters& counters);

  // Folds the oldest changes not yet folded: at most batch_seqs sequence
  // numbers, one write transaction.
  Result<FoldStats> Fold();
  // Folds until nothing is left.
  Status FoldAll();
  // One Fold if one is due (idle_ms, max_lag_ms); true if it moved the
  // watermark. Meant for a background thread that calls it in a loop.
  Result<bool> FoldIfDue();
  FoldGauge State() const;

  // Queues a fold of each member whose row needs one though nothing
  // happened to the member (MemberRecord::review_at_ms has come: the held
  // tier's review, or the earliest spend the row counts leaving the
  // window), at most `limit`, soonest first; the next folds make them.
  // Returns how many were queued.
  Result<int64_t> QueueReviews(int limit);

  // Around every write: FoldIfDue does not start a fold while one is under
  // way or waiting for the writer.
  class WriteActivity {
   public:
    explicit WriteActivity(MemberFolder& folder);
    ~WriteActivity();
    WriteActivity(const WriteActivity&) = delete;
    WriteActivity& operator=(const WriteActivity&) = delete;

   private:
    MemberFolder& folder_;
  };
  // In a write transaction that took sequence numbers, before it commits
  // (while no fold can run): starts the lag clock if it is not running.
  void NoteWriting();
  // After a write commits that took sequence numbers up to `last_seq`.
  void NoteWritten(int64_t last_seq);

 private:
  void NoteFolded(int64_t folded_seq, int64_t last_seq);

  ServerStore& store_;
  const FoldOptions options_;
  std::function<int64_t()> wall_clock_ms_;
  SyncCounters& counters_;
  std::atomic<int64_t> last_write_ms_{0};
  std::atomic<int> writes_in_flight_{0};
  std::atomic<int64_t> pending_since_ms_{0};  // 0: nothing known to be pending
  std::atomic<int64_t> folded_seq_{0};
  std::atomic<int64_t> last_seq_{0};
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_MEMBER_FOLDER_H_
