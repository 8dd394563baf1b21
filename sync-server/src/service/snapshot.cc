// SyncService's member snapshots: built from one read transaction in key
// order (MemberSnapshotWriter), served in chunks of the file, replaced when
// the store has moved on. A replaced file is deleted once the last chunk
// read of it has finished (the ServedSnapshot's destructor).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <system_error>

#include "patron/digest.h"
#include "patron/sync/member_snapshot.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"

namespace patron::sync {

struct SyncService::ServedSnapshot {
  std::string path;
  std::string epoch;
  int64_t seq = 0;
  int64_t members = 0;
  int64_t bytes = 0;
  std::string sha256;

  ServedSnapshot() = default;
  ServedSnapshot(const ServedSnapshot&) = delete;
  ServedSnapshot& operator=(const ServedSnapshot&) = delete;
  ~ServedSnapshot() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

namespace {

constexpr int kBuildPageRows = 10'000;
constexpr std::string_view kSnapshotPrefix = "members-";
constexpr std::string_view kSnapshotSuffix = ".snapshot";

std::string SnapshotPath(const std::string& dir, int64_t seq) {
  return dir + "/" + std::string(kSnapshotPrefix) + std::to_string(seq) +
         std::string(kSnapshotSuffix);
}

// Files a previous run of the server left behind: it never reuses them.
void RemoveLeftovers(const std::string& dir) {
  std::error_code error;
  for (const auto& file : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = file.path().filename().string();
    if (name.starts_with(kSnapshotPrefix)) std::filesystem::remove(file.path(), error);
  }
}

// SHA-256 of the file, read in pieces.
Result<std::string> FileSha256(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Status::IOError("cannot open snapshot " + path);
  Sha256Stream hash;
  std::string buffer(1 << 20, '\0');
  while (true) {
    const size_t n = std::fread(buffer.data(), 1, buffer.size(), file);
    hash.Update(std::string_view(buffer.data(), n));
    if (n < buffer.size()) break;
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return Status::IOError("cannot read snapshot " + path);
  return hash.HexDigest();
}

Result<std::string> ReadAt(const std::string& path, int64_t offset, int64_t length) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("cannot open snapshot " + path);
  std::string bytes(static_cast<size_t>(length), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pread(fd, bytes.data() + done, bytes.size() - done,
                              static_cast<off_t>(offset + static_cast<int64_t>(done)));
    if (n <= 0) {
      ::close(fd);
      return Status::IOError("cannot read snapshot " + path);
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return bytes;
}

}  // namespace

std::shared_ptr<const SyncService::ServedSnapshot> SyncService::ServedSnapshotNow() const {
  std::lock_guard lock(snapshot_mu_);
  return snapshot_;
}

SnapshotGauge SyncService::SnapshotState() const {
  std::shared_ptr<const ServedSnapshot> served = ServedSnapshotNow();
  if (!served) return {};
  return {served->seq, served->members, served->bytes};
}

Result<bool> SyncService::BuildSnapshotIfDue() {
  if (options_.snapshot_dir.empty() || options_.snapshot_min_changes <= 0) return false;
  std::lock_guard build(snapshot_build_mu_);
  std::shared_ptr<const ServedSnapshot> served = ServedSnapshotNow();
  if (!served) {
    std::error_code error;
    std::filesystem::create_directories(options_.snapshot_dir, error);
    if (error) {
      return Status::IOError("cannot create " + options_.snapshot_dir + ": " + error.message());
    }
    RemoveLeftovers(options_.snapshot_dir);
  }
  // One read transaction: the file is the member rows as of the fold's
  // watermark `folded` (pull.cc), whatever commits while it is written.
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(int64_t folded, txn->FoldedSeq());
  if (folded - (served ? served->seq : 0) < options_.snapshot_min_changes) return false;
  // Failed builds wait their turn too: a full disk is not rescanned every
  // few seconds.
  const int64_t now_ms = NowMs();
  if (snapshot_started_ms_ != 0 &&
      now_ms - snapshot_started_ms_ < options_.snapshot_min_interval_ms) {
    return false;
  }
  snapshot_started_ms_ = now_ms;
  PATRON_ASSIGN_OR_RETURN(std::shared_ptr<const ServedSnapshot> built, WriteSnapshot(*txn, folded));
  std::lock_guard lock(snapshot_mu_);
  snapshot_ = std::move(built);  // the old file goes with its last reader
  return true;
}

Result<std::shared_ptr<const SyncService::ServedSnapshot>> SyncService::WriteSnapshot(
    StoreTxn& txn, int64_t seq) {
  auto snapshot = std::make_shared<ServedSnapshot>();
  PATRON_ASSIGN_OR_RETURN(snapshot->epoch, txn.Epoch());
  snapshot->seq = seq;
  // Written under a temporary name (removed by the ServedSnapshot if the
  // build fails), renamed once complete.
  snapshot->path = SnapshotPath(options_.snapshot_dir, seq) + ".part";
  std::error_code error;
  std::filesystem::remove(snapshot->path, error);
  {
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<MemberSnapshotWriter> writer,
                            MemberSnapshotWriter::Create(snapshot->path));
    std::string after;
    while (true) {
      PATRON_ASSIGN_OR_RETURN(std::vector<MemberState> page,
                              txn.MembersByKey(after, kBuildPageRows));
      for (const MemberState& member : page) PATRON_RETURN_IF_ERROR(writer->Append(member));
      if (static_cast<int>(page.size()) < kBuildPageRows) break;
      after = page.back().member_id;
    }
    PATRON_RETURN_IF_ERROR(writer->Finish(snapshot->epoch, seq));
    snapshot->members = writer->members();
  }
  const std::string final_path = SnapshotPath(options_.snapshot_dir, seq);
  std::filesystem::rename(snapshot->path, final_path, error);
  if (error) return Status::IOError("cannot rename " + snapshot->path + ": " + error.message());
  snapshot->path = final_path;
  snapshot->bytes = static_cast<int64_t>(std::filesystem::file_size(final_path, error));
  if (error) return Status::IOError("cannot stat " + final_path + ": " + error.message());
  PATRON_ASSIGN_OR_RETURN(snapshot->sha256, FileSha256(final_path));
  return std::shared_ptr<const ServedSnapshot>(std::move(snapshot));
}

Result<SnapshotInfo> SyncService::Snapshot(const Caller& caller, const SnapshotRequest& request) {
  PATRON_RETURN_IF_ERROR(CheckFingerprint(request.chain_key_fingerprint));
  PATRON_RETURN_IF_ERROR(CheckSpeaksFor(caller, request.terminal_id));
  std::shared_ptr<const ServedSnapshot> served = ServedSnapshotNow();
  if (!served) {
    return Status::NotFound("the server has no member snapshot yet; pull page by page",
                            "snapshot_unavailable");
  }
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_RETURN_IF_ERROR(ResumeClock(*txn));
  SnapshotInfo info;
  PATRON_ASSIGN_OR_RETURN(info.epoch, txn->Epoch());
  if (info.epoch != served->epoch) {
    return Status::NotFound("the member snapshot is from another epoch", "snapshot_unavailable");
  }
  info.seq = served->seq;
  info.members = served->members;
  info.bytes = served->bytes;
  info.sha256 = served->sha256;
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredEntry> items,
                          txn->EntriesTo(caller.terminal_id, 0, served->seq));
  info.items = Delivered(std::move(items));
  // What is current at the snapshot's seq (items replace their
  // predecessors), all of it: a pull from seq brings only later items.
  PATRON_ASSIGN_OR_RETURN(info.down,
                          txn->DownItemsFor(caller.terminal_id, caller.store_id, 0, served->seq,
                                            std::numeric_limits<int>::max()));
  PATRON_ASSIGN_OR_RETURN(auto rules, txn->ActiveRules());
  if (rules && rules->first > request.rules_version) info.rules_json = rules->second;
  info.server_hlc = TickClock();
  counters_.snapshots++;
  MarkSeen(caller.terminal_id);
  return info;
}

Result<std::string> SyncService::SnapshotChunk(const Caller& caller, int64_t seq, int64_t offset) {
  std::shared_ptr<const ServedSnapshot> served = ServedSnapshotNow();
  if (!served || served->seq != seq) {
    return Status::NotFound("member snapshot " + std::to_string(seq) +
                                " is no longer served; ask for the current one",
                            "snapshot_gone");
  }
  if (offset < 0 || offset > served->bytes) {
    return Status::InvalidArgument("offset " + std::to_string(offset) + " lies outside the " +
                                       std::to_string(served->bytes) + "-byte snapshot",
                                   "invalid_offset");
  }
  MarkSeen(caller.terminal_id);
  return ReadAt(served->path, offset,
                std::min(options_.snapshot_chunk_bytes, served->bytes - offset));
}

}  // namespace patron::sync
