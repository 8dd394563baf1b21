// FaultVfs: a SQLite VFS that forwards every call to the default VFS and can
// make the k-th write or sync fail, to test what survives a failing disk or
// a process that dies mid-transaction (DESIGN.md §7).
//
//   FaultVfs vfs("sim-t0");            // registers VFS "sim-t0"
//   options.db_options.vfs = vfs.name();
//   vfs.FailAt(3, FaultVfs::Mode::kAlways);   // the 3rd write/sync from now
//   ... Checkout fails; every later write/sync/truncate/delete fails too:
//   ... the files on disk are exactly what a process killed there leaves.
//   vfs.Clear();                       // "restart": the disk works again
//
// Counted operations ("I/O" below): xWrite, xSync and xTruncate of any file
// the VFS opened (database, WAL, journal), and xDelete. Reads, locks and the
// WAL shared-memory index are never failed.
//
// Thread safety: the counters are atomic; FailAt/Clear may be called while
// no connection is using the VFS. Register each name once per process; the
// destructor unregisters, so every connection using it must be closed first.
#ifndef PATRON_TESTS_SIM_FAULT_VFS_H_
#define PATRON_TESTS_SIM_FAULT_VFS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace patron::sim {

class FaultVfs {
 public:
  enum class Mode {
    kOnce,    // only the k-th I/O fails (a transient error); later ones succeed
    kAlways,  // the k-th and every later I/O fail (a dead process or disk)
  };

  // Registers a VFS called `name` over SQLite's default VFS (not as default).
  explicit FaultVfs(std::string name);
  ~FaultVfs();
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  const std::string& name() const { return name_; }

  // The k-th counted I/O from now (k >= 1) fails with SQLITE_IOERR.
  void FailAt(int64_t k, Mode mode);
  // No faults pending; the disk works again (counters keep counting).
  void Clear();

  // Counted I/O operations attempted since construction (failed ones too).
  int64_t io_count() const { return io_count_.load(); }
  // I/O operations that were failed since construction.
  int64_t faults_injected() const { return faults_injected_.load(); }
  // True once a kAlways fault has fired, until Clear().
  bool dead() const { return dead_.load(); }

  // For the VFS callbacks: counts one I/O and says whether it must fail.
  bool NextIoFails();

 private:
  struct Registration;

  std::string name_;
  std::unique_ptr<Registration> registration_;
  std::atomic<int64_t> io_count_{0};
  std::atomic<int64_t> faults_injected_{0};
  std::atomic<int64_t> fail_at_{0};  // absolute io_count that fails; 0 = none
  std::atomic<bool> always_{false};
  std::atomic<bool> dead_{false};
};

}  // namespace patron::sim

#endif  // PATRON_TESTS_SIM_FAULT_VFS_H_
