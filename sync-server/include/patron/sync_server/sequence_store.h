// The server store's clock and counters: one change sequence that orders
// everything head office writes (DESIGN.md §3), the epoch that names the
// store's history, and the hybrid clock's saved high-water mark. A role of
// the server's store (server_store.h); every transaction has it.
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - NextSeq numbers are handed out only inside a write transaction, are
//     monotonic in commit order, and a rolled-back transaction gives its
//     numbers back;
//   - LastSeq is the highest number committed as seen by this snapshot;
//   - the epoch never changes for the life of the store's data;
//   - SaveHlc never moves the saved mark back.
#ifndef PATRON_SYNC_SERVER_SEQUENCE_STORE_H_
#define PATRON_SYNC_SERVER_SEQUENCE_STORE_H_

#include <cstdint>
#include <string>

#include "patron/hlc.h"
#include "patron/status.h"

namespace patron::sync {

class SequenceTxn {
 public:
  virtual ~SequenceTxn() = default;

  // The store's epoch (stable for the life of its data).
  virtual Result<std::string> Epoch() = 0;
  // The highest sequence number handed out and committed (in this snapshot).
  virtual Result<int64_t> LastSeq() = 0;
  // Write transactions only: the next sequence number.
  virtual Result<int64_t> NextSeq() = 0;
  // Write transactions only: the next seq of the server's own entries
  // ("server/<n>"), a counter separate from the change sequence.
  virtual Result<int64_t> NextServerEntrySeq() = 0;
  // The server clock's high-water mark saved by the last committed write
  // (zero if none was ever saved).
  virtual Result<HlcTimestamp> SavedHlc() = 0;
  // Write transactions only: saves `hlc` with the commit, unless what is
  // saved is later already.
  virtual Status SaveHlc(HlcTimestamp hlc) = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SEQUENCE_STORE_H_
