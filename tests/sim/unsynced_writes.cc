#include "unsynced_writes.h"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <utility>

namespace patron::sim {
namespace {

// One file opened through the real VFS, closed and freed with this object.
class RawFile {
 public:
  RawFile(sqlite3_vfs& vfs, const std::string& path, int open_flags)
      : file_(static_cast<sqlite3_file*>(sqlite3_malloc(vfs.szOsFile))) {
    if (file_ == nullptr) return;
    std::fill_n(reinterpret_cast<char*>(file_), vfs.szOsFile, 0);
    // Its kind (database, WAL, journal) as first opened; never created here.
    constexpr int kKinds = SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL |
                           SQLITE_OPEN_SUPER_JOURNAL;
    const int flags = (open_flags & kKinds) | SQLITE_OPEN_READWRITE;
    rc_ = vfs.xOpen(&vfs, path.c_str(), file_, flags, nullptr);
  }
  ~RawFile() {
    if (file_ != nullptr && file_->pMethods != nullptr) file_->pMethods->xClose(file_);
    sqlite3_free(file_);
  }
  RawFile(const RawFile&) = delete;
  RawFile& operator=(const RawFile&) = delete;

  bool ok() const { return file_ != nullptr && rc_ == SQLITE_OK && file_->pMethods != nullptr; }

  bool Write(const std::string& data, int64_t offset) {
    return data.empty() ||
           file_->pMethods->xWrite(file_, data.data(), static_cast<int>(data.size()), offset) ==
               SQLITE_OK;
  }
  bool Write(const char* data, int64_t size, int64_t offset) {
    return file_->pMethods->xWrite(file_, data, static_cast<int>(size), offset) == SQLITE_OK;
  }
  bool Truncate(int64_t size) { return file_->pMethods->xTruncate(file_, size) == SQLITE_OK; }

 private:
  sqlite3_file* file_;
  int rc_ = SQLITE_CANTOPEN;
};

}  // namespace

UnsyncedWrites::File& UnsyncedWrites::Of(std::string_view path, int open_flags) {
  auto it = files_.find(path);
  if (it == files_.end()) it = files_.emplace(std::string(path), File{}).first;
  it->second.open_flags = open_flags;
  return it->second;
}

void UnsyncedWrites::Wrote(std::string_view path, int open_flags, int64_t offset, std::string data,
                           std::string before, int64_t size_before) {
  File& file = Of(path, open_flags);
  file.size = std::max(size_before, offset + static_cast<int64_t>(data.size()));
  file.ops.push_back({false, offset, std::move(data), std::move(before), size_before});
}

void UnsyncedWrites::Truncated(std::string_view path, int open_flags, int64_t size,
                               std::string before, int64_t size_before) {
  File& file = Of(path, open_flags);
  file.size = size;
  file.ops.push_back({true, size, {}, std::move(before), size_before});
}

void UnsyncedWrites::Synced(std::string_view path) {
  if (auto it = files_.find(path); it != files_.end()) files_.erase(it);
}

void UnsyncedWrites::Deleted(std::string_view path) { Synced(path); }

bool UnsyncedWrites::SizeIfPending(std::string_view path, int64_t& size) const {
  auto it = files_.find(path);
  if (it == files_.end()) return false;
  size = it->second.size;
  return true;
}

int64_t UnsyncedWrites::pending() const {
  int64_t n = 0;
  for (const auto& [path, file] : files_) n += static_cast<int64_t>(file.ops.size());
  return n;
}

std::string UnsyncedWrites::LosePower(sqlite3_vfs& vfs, SimRandom& random,
                                      PowerLossFigures& figures) {
  std::string errors;
  for (const auto& [path, file] : files_) {
    // The choices first, so they do not depend on whether the file opens.
    const size_t last_write = [&file] {
      for (size_t i = file.ops.size(); i-- > 0;) {
        if (!file.ops[i].truncate) return i;
      }
      return file.ops.size();
    }();
    std::vector<char> survives(file.ops.size());
    std::vector<char> torn(file.ops.size());
    for (size_t i = 0; i < file.ops.size(); ++i) {
      survives[i] = random.Chance(0.5);
      torn[i] = survives[i] && i == last_write && random.Chance(0.5);
    }

    RawFile raw(vfs, path, file.open_flags);
    if (!raw.ok()) {
      errors += "cannot open " + path + "; ";
      continue;
    }
    bool ok = true;
    // Undo, newest first: each step restores the file as it was just before
    // that write or truncate, ending with the file as last synced.
    for (size_t i = file.ops.size(); i-- > 0;) {
      const Op& op = file.ops[i];
      if (op.truncate) {
        ok = ok && raw.Truncate(op.size_before) && raw.Write(op.before, op.offset);
      } else {
        ok = ok && raw.Write(op.before, op.offset) && raw.Truncate(op.size_before);
      }
    }
    // Then what reached the disk, oldest first.
    for (size_t i = 0; i < file.ops.size(); ++i) {
      const Op& op = file.ops[i];
      if (!survives[i]) {
        ++figures.lost;
        continue;
      }
      if (op.truncate) {
        ++figures.kept;
        ok = ok && raw.Truncate(op.offset);
        continue;
      }
      if (!torn[i]) {
        ++figures.kept;
        ok = ok && raw.Write(op.data, op.offset);
        continue;
      }
      ++figures.torn;
      // Sector by sector, at the disk's boundaries (not the write's).
      const int64_t end = op.offset + static_cast<int64_t>(op.data.size());
      for (int64_t at = op.offset; at < end;) {
        const int64_t next = std::min(end, (at / kSectorBytes + 1) * kSectorBytes);
        if (random.Chance(0.5)) {
          ok = ok && raw.Write(op.data.data() + (at - op.offset), next - at, at);
        }
        at = next;
      }
    }
    if (!ok) errors += "cannot rewrite " + path + "; ";
  }
  files_.clear();
  return errors;
}

}  // namespace patron::sim
