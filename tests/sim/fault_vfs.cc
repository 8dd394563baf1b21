#include "fault_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

namespace patron::sim {
namespace {

// An open file of the shim: SQLite allocates szOsFile bytes, this header
// first and the real VFS's file right behind it. `base` must come first:
// SQLite only sees a sqlite3_file*.
struct FaultFile {
  sqlite3_file base;
  FaultVfs* owner;
  sqlite3_file* real;  // points just past this header, into the same block
  // Set for a database, WAL or journal file (what a power cut can hurt),
  // null for temporary files. SQLite keeps the name valid until xClose.
  const char* path;
  int open_flags;
};

FaultFile* Cast(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file); }
sqlite3_file* Real(sqlite3_file* file) { return Cast(file)->real; }
const sqlite3_io_methods& RealMethods(sqlite3_file* file) { return *Real(file)->pMethods; }

// The real file's bytes in [offset, offset + amount) that lie within its
// `size`: what a write there replaces.
int ReadWithin(sqlite3_file* file, int64_t offset, int64_t amount, int64_t size, std::string& out) {
  const int64_t end = std::min(offset + amount, size);
  out.clear();
  if (end <= offset) return SQLITE_OK;
  out.resize(static_cast<size_t>(end - offset));
  return RealMethods(file).xRead(Real(file), out.data(), static_cast<int>(out.size()), offset);
}

// ---- sqlite3_io_methods: everything forwards to the real file; only
// xWrite, xSync and xTruncate count as I/O and may be failed (FaultVfs::File
// below). ----

int Read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  return RealMethods(file).xRead(Real(file), buffer, amount, offset);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  return RealMethods(file).xFileSize(Real(file), size);
}

int Lock(sqlite3_file* file, int level) { return RealMethods(file).xLock(Real(file), level); }
int Unlock(sqlite3_file* file, int level) { return RealMethods(file).xUnlock(Real(file), level); }

int CheckReservedLock(sqlite3_file* file, int* reserved) {
  return RealMethods(file).xCheckReservedLock(Real(file), reserved);
}

int FileControl(sqlite3_file* file, int op, void* arg) {
  return RealMethods(file).xFileControl(Real(file), op, arg);
}

int SectorSize(sqlite3_file* file) { return RealMethods(file).xSectorSize(Real(file)); }

int DeviceCharacteristics(sqlite3_file* file) {
  return RealMethods(file).xDeviceCharacteristics(Real(file));
}

// Version 2: the WAL index. SQLite only calls these when our methods'
// iVersion (the real file's) says they exist.
int ShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  return RealMethods(file).xShmMap(Real(file), region, size, extend, out);
}

int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return RealMethods(file).xShmLock(Real(file), offset, n, flags);
}

void ShmBarrier(sqlite3_file* file) { RealMethods(file).xShmBarrier(Real(file)); }

int ShmUnmap(sqlite3_file* file, int delete_flag) {
  return RealMethods(file).xShmUnmap(Real(file), delete_flag);
}

// Version 3: memory-mapped reads.
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return RealMethods(file).xFetch(Real(file), offset, amount, out);
}

int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return RealMethods(file).xUnfetch(Real(file), offset, page);
}

}  // namespace

// The counted file methods: the I/O a fault or a power cut may strike, and
// the bookkeeping of open files and unsynced writes a power cut needs.
struct FaultVfs::File {
  static FaultVfs& Owner(sqlite3_file* file) { return *Cast(file)->owner; }

  static int Close(sqlite3_file* file) {
    const int rc = RealMethods(file).xClose(Real(file));
    FaultVfs& owner = Owner(file);
    std::lock_guard lock(owner.mu_);
    // The dying process lets go of its last file: the power cut takes effect.
    if (--owner.open_files_ == 0 && owner.loss_due_) owner.LoseUnsyncedLocked();
    return rc;
  }

  // A failed write writes nothing: the bytes on disk stay as they were. A
  // write the power fails during reaches the page cache, and the loss then
  // decides what of it reaches the disk.
  static int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    FaultVfs& owner = Owner(file);
    const Fate fate = owner.NextIo();
    if (fate == Fate::kFail) return SQLITE_IOERR_WRITE;
    const FaultFile& f = *Cast(file);
    if (f.path == nullptr) {
      const int rc = RealMethods(file).xWrite(Real(file), data, amount, offset);
      return fate == Fate::kPowerFails ? SQLITE_IOERR_WRITE : rc;
    }
    // The write and its record under one lock: another connection's sync
    // of the same file cannot come between them.
    std::lock_guard lock(owner.mu_);
    int64_t size = 0;
    int rc = SQLITE_OK;
    if (!owner.unsynced_.SizeIfPending(f.path, size)) {
      sqlite3_int64 real_size = 0;
      rc = RealMethods(file).xFileSize(Real(file), &real_size);
      size = real_size;
    }
    std::string before;
    if (rc == SQLITE_OK) rc = ReadWithin(file, offset, amount, size, before);
    if (rc != SQLITE_OK) return rc;
    rc = RealMethods(file).xWrite(Real(file), data, amount, offset);
    if (rc == SQLITE_OK) {
      owner.unsynced_.Wrote(
          f.path, f.open_flags, offset,
          std::string(static_cast<const char*>(data), static_cast<size_t>(amount)),
          std::move(before), size);
    }
    return fate == Fate::kPowerFails ? SQLITE_IOERR_WRITE : rc;
  }

  static int Truncate(sqlite3_file* file, sqlite3_int64 new_size) {
    FaultVfs& owner = Owner(file);
    const Fate fate = owner.NextIo();
    if (fate == Fate::kFail) return SQLITE_IOERR_TRUNCATE;
    const FaultFile& f = *Cast(file);
    std::unique_lock lock(owner.mu_, std::defer_lock);
    sqlite3_int64 size = 0;
    std::string before;
    if (f.path != nullptr) {
      lock.lock();
      int rc = RealMethods(file).xFileSize(Real(file), &size);
      if (rc == SQLITE_OK) rc = ReadWithin(file, new_size, size - new_size, size, before);
      if (rc != SQLITE_OK) return rc;
    }
    const int rc = RealMethods(file).xTruncate(Real(file), new_size);
    if (rc == SQLITE_OK && f.path != nullptr) {
      owner.unsynced_.Truncated(f.path, f.open_flags, new_size, std::move(before), size);
    }
    return fate == Fate::kPowerFails ? SQLITE_IOERR_TRUNCATE : rc;
  }

  // A failed sync leaves earlier writes in the OS cache (as a real fsync
  // error would): a process crash keeps them, a power cut may lose them. A
  // sync the power fails during makes nothing durable.
  static int Sync(sqlite3_file* file, int flags) {
    FaultVfs& owner = Owner(file);
    if (owner.NextIo() != Fate::kProceed) return SQLITE_IOERR_FSYNC;
    const FaultFile& f = *Cast(file);
    std::lock_guard lock(owner.mu_);
    const int rc = RealMethods(file).xSync(Real(file), flags);
    if (rc == SQLITE_OK && f.path != nullptr) owner.unsynced_.Synced(f.path);
    return rc;
  }

  static constexpr sqlite3_io_methods MethodsOfVersion(int version) {
    return {.iVersion = version,
            .xClose = Close,
            .xRead = Read,
            .xWrite = Write,
            .xTruncate = Truncate,
            .xSync = Sync,
            .xFileSize = FileSize,
            .xLock = Lock,
            .xUnlock = Unlock,
            .xCheckReservedLock = CheckReservedLock,
            .xFileControl = FileControl,
            .xSectorSize = SectorSize,
            .xDeviceCharacteristics = DeviceCharacteristics,
            .xShmMap = ShmMap,
            .xShmLock = ShmLock,
            .xShmBarrier = ShmBarrier,
            .xShmUnmap = ShmUnmap,
            .xFetch = Fetch,
            .xUnfetch = Unfetch};
  }

  static const sqlite3_io_methods kIoMethods[3];
};

// Indexed by iVersion - 1: a file gets the version its real file has, so
// SQLite never calls a forwarder the real file lacks.
constexpr sqlite3_io_methods FaultVfs::File::kIoMethods[3] = {
    MethodsOfVersion(1), MethodsOfVersion(2), MethodsOfVersion(3)};

// The registered sqlite3_vfs. Its pAppData is the FaultVfs; every callback
// forwards to `real`, the default VFS when the FaultVfs was made.
struct FaultVfs::Registration {
  sqlite3_vfs vfs{};
  sqlite3_vfs* real = nullptr;

  static FaultVfs& Owner(sqlite3_vfs* vfs) { return *static_cast<FaultVfs*>(vfs->pAppData); }
  static sqlite3_vfs* RealVfs(sqlite3_vfs* vfs) { return Owner(vfs).registration_->real; }

  static int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags,
                  int* out_flags) {
    FaultFile* fault = Cast(file);
    fault->owner = &Owner(vfs);
    fault->real = reinterpret_cast<sqlite3_file*>(fault + 1);
    constexpr int kDurable = SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL |
                             SQLITE_OPEN_SUPER_JOURNAL;
    const bool durable =
        name != nullptr && (flags & kDurable) != 0 && (flags & SQLITE_OPEN_DELETEONCLOSE) == 0;
    fault->path = durable ? name : nullptr;
    fault->open_flags = flags;
    const int rc = RealVfs(vfs)->xOpen(RealVfs(vfs), name, fault->real, flags, out_flags);
    // SQLite calls xClose only on files whose pMethods is set, so a failed
    // open must leave it null.
    const sqlite3_io_methods* real_methods = fault->real->pMethods;
    if (rc != SQLITE_OK || real_methods == nullptr) {
      fault->base.pMethods = nullptr;
      return rc;
    }
    fault->base.pMethods = &File::kIoMethods[std::clamp(real_methods->iVersion, 1, 3) - 1];
    std::lock_guard lock(fault->owner->mu_);
    ++fault->owner->open_files_;
    return SQLITE_OK;
  }

  // A deletion is durable at once (directory entries are not modelled):
  // what the page cache held of the file goes with it.
  static int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
    FaultVfs& owner = Owner(vfs);
    if (owner.NextIo() != Fate::kProceed) return SQLITE_IOERR_DELETE;
    std::lock_guard lock(owner.mu_);
    const int rc = RealVfs(vfs)->xDelete(RealVfs(vfs), name, sync_dir);
    if (rc == SQLITE_OK) owner.unsynced_.Deleted(name);
    return rc;
  }

  static int Access(sqlite3_vfs* vfs, const char* name, int flags, int* result) {
    return RealVfs(vfs)->xAccess(RealVfs(vfs), name, flags, result);
  }

  static int FullPathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
    return RealVfs(vfs)->xFullPathname(RealVfs(vfs), name, size, out);
  }

  static void* DlOpen(sqlite3_vfs* vfs, const char* name) {
    return RealVfs(vfs)->xDlOpen(RealVfs(vfs), name);
  }

  static void DlError(sqlite3_vfs* vfs, int size, char* out) {
    RealVfs(vfs)->xDlError(RealVfs(vfs), size, out);
  }

  static void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))() {
    return RealVfs(vfs)->xDlSym(RealVfs(vfs), handle, symbol);
  }

  static void DlClose(sqlite3_vfs* vfs, void* handle) {
    RealVfs(vfs)->xDlClose(RealVfs(vfs), handle);
  }

  static int Randomness(sqlite3_vfs* vfs, int size, char* out) {
    return RealVfs(vfs)->xRandomness(RealVfs(vfs), size, out);
  }

  static int Sleep(sqlite3_vfs* vfs, int microseconds) {
    return RealVfs(vfs)->xSleep(RealVfs(vfs), microseconds);
  }

  static int CurrentTime(sqlite3_vfs* vfs, double* out) {
    return RealVfs(vfs)->xCurrentTime(RealVfs(vfs), out);
  }

  static int GetLastError(sqlite3_vfs* vfs, int size, char* out) {
    return RealVfs(vfs)->xGetLastError(RealVfs(vfs), size, out);
  }

  // Version 2 and 3; installed only when the real VFS has them.
  static int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
    return RealVfs(vfs)->xCurrentTimeInt64(RealVfs(vfs), out);
  }

  static int SetSystemCall(sqlite3_vfs* vfs, const char* name, sqlite3_syscall_ptr call) {
    return RealVfs(vfs)->xSetSystemCall(RealVfs(vfs), name, call);
  }

  static sqlite3_syscall_ptr GetSystemCall(sqlite3_vfs* vfs, const char* name) {
    return RealVfs(vfs)->xGetSystemCall(RealVfs(vfs), name);
  }

  static const char* NextSystemCall(sqlite3_vfs* vfs, const char* name) {
    return RealVfs(vfs)->xNextSystemCall(RealVfs(vfs), name);
  }
};

FaultVfs::FaultVfs(std::string name, uint64_t seed)
    : name_(std::move(name)), registration_(std::make_unique<Registration>()), random_(seed) {
  // sqlite3_vfs_register accepts a second VFS of the same name and then
  // sqlite3_open_v2 silently picks one of them: refuse instead.
  if (sqlite3_vfs_find(name_.c_str()) != nullptr) {
    throw std::runtime_error("FaultVfs: a VFS named \"" + name_ + "\" is already registered");
  }
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (real == nullptr) throw std::runtime_error("FaultVfs: SQLite has no default VFS");
  registration_->real = real;

  sqlite3_vfs& vfs = registration_->vfs;
  vfs.iVersion = std::min(real->iVersion, 3);
  vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real->szOsFile;
  vfs.mxPathname = real->mxPathname;
  vfs.zName = name_.c_str();  // name_ lives as long as the registration
  vfs.pAppData = this;
  vfs.xOpen = Registration::Open;
  vfs.xDelete = Registration::Delete;
  vfs.xAccess = Registration::Access;
  vfs.xFullPathname = Registration::FullPathname;
  vfs.xDlOpen = Registration::DlOpen;
  vfs.xDlError = Registration::DlError;
  vfs.xDlSym = Registration::DlSym;
  vfs.xDlClose = Registration::DlClose;
  vfs.xRandomness = Registration::Randomness;
  vfs.xSleep = Registration::Sleep;
  vfs.xCurrentTime = Registration::CurrentTime;
  vfs.xGetLastError = Registration::GetLastError;
  if (vfs.iVersion >= 2) vfs.xCurrentTimeInt64 = Registration::CurrentTimeInt64;
  if (vfs.iVersion >= 3) {
    vfs.xSetSystemCall = Registration::SetSystemCall;
    vfs.xGetSystemCall = Registration::GetSystemCall;
    vfs.xNextSystemCall = Registration::NextSystemCall;
  }
  const int rc = sqlite3_vfs_register(&vfs, /*makeDflt=*/0);
  if (rc != SQLITE_OK) {
    throw std::runtime_error("FaultVfs: sqlite3_vfs_register: " + std::string(sqlite3_errstr(rc)));
  }
}

FaultVfs::~FaultVfs() { sqlite3_vfs_unregister(&registration_->vfs); }

void FaultVfs::FailAt(int64_t k, Mode mode) {
  mode_.store(mode);
  fail_at_.store(io_count_.load() + std::max<int64_t>(k, 1));
}

void FaultVfs::PowerCut() {
  std::lock_guard lock(mu_);
  if (!power_lost_.load()) CutPowerLocked();
}

void FaultVfs::Clear() {
  {
    std::lock_guard lock(mu_);
    if (loss_due_) {
      throw std::logic_error("FaultVfs " + name_ + ": Clear() after a power cut with " +
                             std::to_string(open_files_) + " files still open");
    }
    if (!loss_error_.empty()) {
      throw std::runtime_error("FaultVfs " + name_ +
                               ": a power cut could not be applied: " + loss_error_);
    }
  }
  fail_at_.store(0);
  mode_.store(Mode::kOnce);
  dead_.store(false);
  power_lost_.store(false);
}

PowerLossFigures FaultVfs::power_loss() const {
  std::lock_guard lock(mu_);
  return power_loss_;
}

int64_t FaultVfs::unsynced() const {
  std::lock_guard lock(mu_);
  return unsynced_.pending();
}

FaultVfs::Fate FaultVfs::NextIo() {
  const int64_t count = io_count_.fetch_add(1) + 1;
  if (dead_.load()) {
    faults_injected_.fetch_add(1);
    return Fate::kFail;
  }
  if (count != fail_at_.load()) return Fate::kProceed;
  faults_injected_.fetch_add(1);
  switch (mode_.load()) {
    case Mode::kOnce:
      return Fate::kFail;
    case Mode::kAlways:
      dead_.store(true);
      return Fate::kFail;
    case Mode::kPowerCut: {
      std::lock_guard lock(mu_);
      CutPowerLocked();
      return Fate::kPowerFails;
    }
  }
  return Fate::kFail;
}

void FaultVfs::CutPowerLocked() {
  dead_.store(true);
  power_lost_.store(true);
  power_cuts_.fetch_add(1);
  loss_due_ = true;
  if (open_files_ == 0) LoseUnsyncedLocked();
}

void FaultVfs::LoseUnsyncedLocked() {
  loss_due_ = false;
  loss_error_ += unsynced_.LosePower(*registration_->real, random_, power_loss_);
}

}  // namespace patron::sim
