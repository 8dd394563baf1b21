#include "fault_vfs.h"

#include <sqlite3.h>

#include <algorithm>
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
};

FaultFile* Cast(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file); }
sqlite3_file* Real(sqlite3_file* file) { return Cast(file)->real; }
const sqlite3_io_methods& RealMethods(sqlite3_file* file) { return *Real(file)->pMethods; }

// ---- sqlite3_io_methods: everything forwards to the real file; only
// xWrite, xSync and xTruncate count as I/O and may be failed. ----

int Close(sqlite3_file* file) { return RealMethods(file).xClose(Real(file)); }

int Read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  return RealMethods(file).xRead(Real(file), buffer, amount, offset);
}

// A failed write writes nothing: the bytes on disk stay as they were.
int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  if (Cast(file)->owner->NextIoFails()) return SQLITE_IOERR_WRITE;
  return RealMethods(file).xWrite(Real(file), data, amount, offset);
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (Cast(file)->owner->NextIoFails()) return SQLITE_IOERR_TRUNCATE;
  return RealMethods(file).xTruncate(Real(file), size);
}

// A failed sync leaves earlier writes in the OS cache (as a real fsync error
// would): they may or may not be what the next reader finds.
int Sync(sqlite3_file* file, int flags) {
  if (Cast(file)->owner->NextIoFails()) return SQLITE_IOERR_FSYNC;
  return RealMethods(file).xSync(Real(file), flags);
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

constexpr sqlite3_io_methods MethodsOfVersion(int version) {
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

// Indexed by iVersion - 1: a file gets the version its real file has, so
// SQLite never calls a forwarder the real file lacks.
constexpr sqlite3_io_methods kIoMethods[] = {MethodsOfVersion(1), MethodsOfVersion(2),
                                             MethodsOfVersion(3)};

}  // namespace

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
    const int rc = RealVfs(vfs)->xOpen(RealVfs(vfs), name, fault->real, flags, out_flags);
    // SQLite calls xClose only on files whose pMethods is set, so a failed
    // open must leave it null.
    const sqlite3_io_methods* real_methods = fault->real->pMethods;
    if (rc != SQLITE_OK || real_methods == nullptr) {
      fault->base.pMethods = nullptr;
      return rc;
    }
    fault->base.pMethods = &kIoMethods[std::clamp(real_methods->iVersion, 1, 3) - 1];
    return SQLITE_OK;
  }

  static int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
    if (Owner(vfs).NextIoFails()) return SQLITE_IOERR_DELETE;
    return RealVfs(vfs)->xDelete(RealVfs(vfs), name, sync_dir);
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

FaultVfs::FaultVfs(std::string name)
    : name_(std::move(name)), registration_(std::make_unique<Registration>()) {
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
  always_.store(mode == Mode::kAlways);
  fail_at_.store(io_count_.load() + std::max<int64_t>(k, 1));
}

void FaultVfs::Clear() {
  fail_at_.store(0);
  always_.store(false);
  dead_.store(false);
}

bool FaultVfs::NextIoFails() {
  const int64_t count = io_count_.fetch_add(1) + 1;
  bool fails = dead_.load();
  if (!fails && count == fail_at_.load()) {
    fails = true;
    if (always_.load()) dead_.store(true);
  }
  if (fails) faults_injected_.fetch_add(1);
  return fails;
}

}  // namespace patron::sim
