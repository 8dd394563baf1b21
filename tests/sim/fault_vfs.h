// FaultVfs: a SQLite VFS that forwards every call to the default VFS and can
// make the k-th write or sync fail, to test what survives a failing disk, a
// process that dies mid-transaction, or a power cut (DESIGN.md §7).
//
//   FaultVfs vfs("sim-t0", seed);      // registers VFS "sim-t0"
//   options.db_options.vfs = vfs.name();
//   vfs.FailAt(3, FaultVfs::Mode::kAlways);   // the 3rd write/sync from now
//   ... Checkout fails; every later write/sync/truncate/delete fails too:
//   ... the files on disk are exactly what a process killed there leaves.
//   vfs.Clear();                       // "restart": the disk works again
//
// A killed process leaves every write it made: the operating system still
// holds them. A power cut also loses what the OS held and had not synced to
// the disk: with Mode::kPowerCut (or PowerCut(), now) the VFS dies as with
// kAlways, and once the last file it opened is closed, each file goes back
// to its last synced content plus a random part of the writes made since,
// the last one perhaps torn (UnsyncedWrites, seeded by `seed`, says exactly
// what is modelled). Writes stay unsynced across a process crash and
// restart, as in a page cache, until a sync or a power cut.
//
// Counted operations ("I/O" below): xWrite, xSync and xTruncate of any file
// the VFS opened (database, WAL, journal), and xDelete. Reads, locks and the
// WAL shared-memory index are never failed.
//
// Thread safety: the counters are atomic and the record of unsynced writes
// is guarded; FailAt/PowerCut may be called while connections use the VFS,
// Clear only while none does. Register each name once per process; the
// destructor unregisters, so every connection using it must be closed first.
#ifndef PATRON_TESTS_SIM_FAULT_VFS_H_
#define PATRON_TESTS_SIM_FAULT_VFS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "sim_random.h"
#include "unsynced_writes.h"

namespace patron::sim {

class FaultVfs {
 public:
  enum class Mode {
    kOnce,    // only the k-th I/O fails (a transient error); later ones succeed
    kAlways,  // the k-th and every later I/O fail (a dead process or disk)
    // The power fails during the k-th I/O: as kAlways, and the unsynced
    // writes are lost (see above). A write or truncate in flight reaches
    // the page cache first (so it may be torn); a sync or delete does not.
    kPowerCut,
  };

  // Registers a VFS called `name` over SQLite's default VFS (not as
  // default). `seed` drives every choice of what a power cut keeps.
  explicit FaultVfs(std::string name, uint64_t seed = 1);
  ~FaultVfs();
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  const std::string& name() const { return name_; }

  // The k-th counted I/O from now (k >= 1) fails with SQLITE_IOERR.
  void FailAt(int64_t k, Mode mode);
  // The power fails now: as FailAt(1, Mode::kPowerCut) firing at once.
  void PowerCut();
  // No faults pending; the disk works again (counters keep counting). After
  // a power cut, every file of the VFS must have been closed (so the files
  // already lost their unsynced writes); throws std::logic_error if not,
  // and std::runtime_error if a file could not be rewritten.
  void Clear();

  // Counted I/O operations attempted since construction (failed ones too).
  int64_t io_count() const { return io_count_.load(); }
  // I/O operations that were failed since construction.
  int64_t faults_injected() const { return faults_injected_.load(); }
  // True once a kAlways or kPowerCut fault has fired, until Clear().
  bool dead() const { return dead_.load(); }
  // True once the power failed, until Clear().
  bool power_lost() const { return power_lost_.load(); }
  // Power cuts since construction, and what they did to unsynced writes.
  int64_t power_cuts() const { return power_cuts_.load(); }
  PowerLossFigures power_loss() const;
  // Writes and truncates not synced yet (what a power cut now would meet).
  int64_t unsynced() const;

 private:
  struct Registration;
  struct File;
  // What a counted I/O does.
  enum class Fate {
    kProceed,
    kFail,        // fails, the disk untouched
    kPowerFails,  // the power fails during it
  };

  Fate NextIo();
  // The machine is off: the files lose their unsynced writes as soon as
  // none is open (at once, or at the last close). Under mu_.
  void CutPowerLocked();
  void LoseUnsyncedLocked();

  std::string name_;
  std::unique_ptr<Registration> registration_;
  mutable std::mutex mu_;  // guards everything below up to the counters
  UnsyncedWrites unsynced_;
  SimRandom random_;
  PowerLossFigures power_loss_;
  int open_files_ = 0;
  bool loss_due_ = false;   // the power failed; the files have not lost it yet
  std::string loss_error_;  // why a file could not be rewritten; empty if none
  std::atomic<int64_t> io_count_{0};
  std::atomic<int64_t> faults_injected_{0};
  std::atomic<int64_t> fail_at_{0};  // absolute io_count that fails; 0 = none
  std::atomic<Mode> mode_{Mode::kOnce};
  std::atomic<bool> dead_{false};
  std::atomic<bool> power_lost_{false};
  std::atomic<int64_t> power_cuts_{0};
};

}  // namespace patron::sim

#endif  // PATRON_TESTS_SIM_FAULT_VFS_H_
