// UnsyncedWrites: what an operating system's page cache holds of files that
// were written but not synced yet, and what a power cut does to it.
//
// FaultVfs records here every write and truncate of a database, WAL or
// journal file, together with the bytes it replaced (its pre-image), and
// forgets a file's records once the file is synced (the fsync made them
// durable) or deleted. The files on disk always hold every write, as the
// running system sees them; LosePower() then turns them into what the disk
// holds when the power comes back: each file as its last sync left it, plus
// a random part of the writes made since (a disk reorders writes), the last
// of them possibly torn at a 512-byte sector boundary.
//
// What it does not model: a sync that fails makes nothing durable (a real
// one may have flushed part); creating, deleting and renaming files are
// durable at once (no directory sync); bytes outside a write never change
// (SQLite's unix VFS promises SQLITE_IOCAP_POWERSAFE_OVERWRITE); a write that
// survives holds exactly its bytes, never garbage; files written by anything
// but the FaultVfs (the -shm index SQLite maps into memory, inspecting
// connections) are not tracked.
//
// Not thread-safe: FaultVfs serialises every call.
#ifndef PATRON_TESTS_SIM_UNSYNCED_WRITES_H_
#define PATRON_TESTS_SIM_UNSYNCED_WRITES_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim_random.h"

struct sqlite3_vfs;

namespace patron::sim {

// What power cuts did to the unsynced writes and truncates they met.
struct PowerLossFigures {
  int64_t kept = 0;  // reached the disk whole
  int64_t lost = 0;  // never reached it
  int64_t torn = 0;  // reached it in part (some of its sectors)
};

class UnsyncedWrites {
 public:
  // The disk tears a write at this granularity.
  static constexpr int64_t kSectorBytes = 512;

  // After a write of `data` at `offset` reached the file (through the
  // page cache). `before`: what the file held in [offset, offset +
  // before.size()), the part of the write within the old size;
  // `size_before`: the file's size before. `open_flags`: the SQLite flags
  // the file was opened with, to open it again in LosePower.
  void Wrote(std::string_view path, int open_flags, int64_t offset, std::string data,
             std::string before, int64_t size_before);
  // After the file was truncated (or extended) to `size`; `before` holds
  // what it had in [size, size_before).
  void Truncated(std::string_view path, int open_flags, int64_t size, std::string before,
                 int64_t size_before);
  // The file was synced: everything written to it so far is durable.
  void Synced(std::string_view path);
  // The file is gone, and what the cache held of it with it.
  void Deleted(std::string_view path);

  // The file's size after its unsynced writes and truncates, if it has
  // any (else the caller asks the file: this saves a stat per write).
  bool SizeIfPending(std::string_view path, int64_t& size) const;

  // Unsynced writes and truncates, over all files.
  int64_t pending() const;

  // The power fails: every file goes back to its last synced content
  // through `vfs` (the real one, under FaultVfs), then each write or
  // truncate made since survives with probability 1/2, in order; the last
  // write of each file, if it survives, is torn with probability 1/2 (each
  // of its sectors reaches the disk or not). Every choice comes from
  // `random`. Forgets everything: what is on disk now is durable. Returns
  // an error message if a file could not be rewritten (empty if all went).
  std::string LosePower(sqlite3_vfs& vfs, SimRandom& random, PowerLossFigures& figures);

 private:
  struct Op {
    bool truncate = false;
    int64_t offset = 0;  // write: where; truncate: the new size
    std::string data;    // write: the bytes written
    std::string before;  // the pre-image (see Wrote and Truncated)
    int64_t size_before = 0;
  };
  struct File {
    int open_flags = 0;
    std::vector<Op> ops;  // in the order they were made
    int64_t size = 0;     // after the last of them
  };

  File& Of(std::string_view path, int open_flags);

  // By path: one order for every run. (Looked up by string_view: a write
  // costs no copy of its path.)
  std::map<std::string, File, std::less<>> files_;
};

}  // namespace patron::sim

#endif  // PATRON_TESTS_SIM_UNSYNCED_WRITES_H_
