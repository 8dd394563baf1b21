// SnapshotServer: member snapshots built from one read transaction in key
// order (MemberSnapshotWriter), served in chunks of the file, replaced when
// the store has moved on. A replaced file is deleted once the last chunk
// read of it has finished (the ServedSnapshot's destructor).
#include "patron/sync_server/snapshot_server.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "patron/digest.h"
#include "patron/sync/member_snapshot.h"

namespace patron::sync {

ServedSnapshot::~ServedSnapshot() {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

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

SnapshotServer::SnapshotServer(ServerStore& store, SnapshotOptions options,
                               std::function<int64_t()> wall_clock_ms)
    : store_(store), options_(std::move(options)), wall_clock_ms_(std::move(wall_clock_ms)) {}

std::shared_ptr<const ServedSnapshot> SnapshotServer::Current() const {
  std::lock_guard lock(served_mu_);
  return served_;
}

SnapshotGauge SnapshotServer::State() const {
  std::shared_ptr<const ServedSnapshot> served = Current();
  if (!served) return {};
  return {served->seq, served->members, served->bytes};
}

Result<bool> SnapshotServer::BuildIfDue() {
  if (options_.dir.empty() || options_.min_changes <= 0) return false;
  std::lock_guard build(build_mu_);
  std::shared_ptr<const ServedSnapshot> served = Current();
  if (!served) {
    std::error_code error;
    std::filesystem::create_directories(options_.dir, error);
    if (error) {
      return Status::IOError("cannot create " + options_.dir + ": " + error.message());
    }
    RemoveLeftovers(options_.dir);
  }
  // One read transaction: the file is the member rows as of the fold's
  // watermark `folded` (pull.cc), whatever commits while it is written.
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(int64_t folded, txn->FoldedSeq());
  if (folded - (served ? served->seq : 0) < options_.min_changes) return false;
  // Failed builds wait their turn too: a full disk is not rescanned every
  // few seconds.
  const int64_t now_ms = wall_clock_ms_();
  if (started_ms_ != 0 && now_ms - started_ms_ < options_.min_interval_ms) {
    return false;
  }
  started_ms_ = now_ms;
  PATRON_ASSIGN_OR_RETURN(std::shared_ptr<const ServedSnapshot> built, Write(*txn, folded));
  std::lock_guard lock(served_mu_);
  served_ = std::move(built);  // the old file goes with its last reader
  return true;
}

Result<std::shared_ptr<const ServedSnapshot>> SnapshotServer::Write(StoreTxn& txn, int64_t seq) {
  auto snapshot = std::make_shared<ServedSnapshot>();
  PATRON_ASSIGN_OR_RETURN(snapshot->epoch, txn.Epoch());
  snapshot->seq = seq;
  // Written under a temporary name (removed by the ServedSnapshot if the
  // build fails), renamed once complete.
  snapshot->path = SnapshotPath(options_.dir, seq) + ".part";
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
  const std::string final_path = SnapshotPath(options_.dir, seq);
  std::filesystem::rename(snapshot->path, final_path, error);
  if (error) return Status::IOError("cannot rename " + snapshot->path + ": " + error.message());
  snapshot->path = final_path;
  snapshot->bytes = static_cast<int64_t>(std::filesystem::file_size(final_path, error));
  if (error) return Status::IOError("cannot stat " + final_path + ": " + error.message());
  PATRON_ASSIGN_OR_RETURN(snapshot->sha256, FileSha256(final_path));
  return std::shared_ptr<const ServedSnapshot>(std::move(snapshot));
}

Result<std::string> SnapshotServer::Chunk(int64_t seq, int64_t offset) const {
  std::shared_ptr<const ServedSnapshot> served = Current();
  if (!served || served->seq != seq) {
    return Status::NotFound(
        "member snapshot " + std::to_string(seq) + " is no longer served; ask for the current one",
        "snapshot_gone");
  }
  if (offset < 0 || offset > served->bytes) {
    return Status::InvalidArgument("offset " + std::to_string(offset) + " lies outside the " +
                                       std::to_string(served->bytes) + "-byte snapshot",
                                   "invalid_offset");
  }
  return ReadAt(served->path, offset, std::min(options_.chunk_bytes, served->bytes - offset));
}

}  // namespace patron::sync
