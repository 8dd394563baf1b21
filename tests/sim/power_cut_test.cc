// Power cuts on the terminal: FaultVfs cuts the power (between operations,
// or at the k-th write, sync, truncate or delete of one checkout), the files
// lose what was not synced (a random part of it survives, the last write
// perhaps torn), and the terminal restarts from what the disk kept.
//
// DESIGN.md §7: a receipt printed for an earn that a power cut then rolls
// back is a lost transaction. With synchronous=FULL (the product's setting)
// no checkout the engine reported as committed may be lost; the same runs
// with synchronous=NORMAL must lose one, or these tests could not fail.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "fault_vfs.h"
#include "faulted_till.h"
#include "patron/sql/database.h"
#include "support/temp_dir.h"
#include "unsynced_writes.h"

namespace patron::terminal {
namespace {

using sim::FaultVfs;

// Seeds per scenario: each picks other survivors among the unsynced writes.
constexpr uint64_t kSeeds = 16;
constexpr uint64_t kSeedsPerIo = 6;

// ---- UnsyncedWrites alone, on one file of the real VFS. ----

class RealFile {
 public:
  explicit RealFile(const std::string& path)
      : vfs_(*sqlite3_vfs_find(nullptr)),
        file_(static_cast<sqlite3_file*>(sqlite3_malloc(vfs_.szOsFile))) {
    std::fill_n(reinterpret_cast<char*>(file_), vfs_.szOsFile, 0);
    REQUIRE(vfs_.xOpen(&vfs_, path.c_str(), file_,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MAIN_DB,
                       nullptr) == SQLITE_OK);
  }
  ~RealFile() {
    file_->pMethods->xClose(file_);
    sqlite3_free(file_);
  }
  RealFile(const RealFile&) = delete;
  RealFile& operator=(const RealFile&) = delete;

  sqlite3_vfs& vfs() { return vfs_; }
  void Write(const std::string& data, int64_t offset) {
    REQUIRE(file_->pMethods->xWrite(file_, data.data(), static_cast<int>(data.size()), offset) ==
            SQLITE_OK);
  }
  void Truncate(int64_t size) { REQUIRE(file_->pMethods->xTruncate(file_, size) == SQLITE_OK); }
  std::string ReadAll() {
    sqlite3_int64 size = 0;
    REQUIRE(file_->pMethods->xFileSize(file_, &size) == SQLITE_OK);
    std::string out(static_cast<size_t>(size), '\0');
    if (size > 0) {
      REQUIRE(file_->pMethods->xRead(file_, out.data(), static_cast<int>(size), 0) == SQLITE_OK);
    }
    return out;
  }

 private:
  sqlite3_vfs& vfs_;
  sqlite3_file* file_;
};

TEST_CASE("UnsyncedWrites: a power cut restores the synced file, keeps some writes, tears one") {
  testing::TempDir dir(testing::FastTempParent());
  const std::string path = dir.File("cache.bin");
  constexpr int64_t kSector = sim::UnsyncedWrites::kSectorBytes;
  const std::string synced(2 * kSector, 'a');  // two sectors, durable
  int whole = 0, none = 0, torn = 0;
  for (uint64_t seed = 1; seed <= 64; ++seed) {
    CAPTURE(seed);
    RealFile file(path);
    file.Truncate(0);
    file.Write(synced, 0);
    sim::UnsyncedWrites cache;
    // One write over both sectors and on into a third, as it reached the file.
    const std::string data(3 * kSector, 'b');
    cache.Wrote(path, SQLITE_OPEN_MAIN_DB, 0, data, synced, 2 * kSector);
    file.Write(data, 0);
    CHECK(cache.pending() == 1);
    sim::SimRandom random(seed);
    sim::PowerLossFigures figures;
    CHECK(cache.LosePower(file.vfs(), random, figures).empty());
    CHECK(cache.pending() == 0);
    CHECK(figures.kept + figures.lost + figures.torn == 1);
    const std::string after = file.ReadAll();
    // Every sector holds the old bytes or the new, never a mix of both.
    REQUIRE(after.size() % kSector == 0);
    for (size_t at = 0; at < after.size(); at += kSector) {
      const std::string sector = after.substr(at, kSector);
      const bool old_bytes = at < synced.size() && sector == synced.substr(at, kSector);
      CHECK((old_bytes || sector == data.substr(at, kSector) || sector == std::string(kSector, 0)));
    }
    if (after == data) ++whole;
    if (after == synced) ++none;
    if (figures.torn == 1 && after != data && after != synced) ++torn;
  }
  MESSAGE("64 power cuts: ", whole, " kept the write whole, ", none, " lost it, ", torn,
          " tore it");
  CHECK(whole > 0);
  CHECK(none > 0);
  CHECK(torn > 0);
}

TEST_CASE("UnsyncedWrites: a sync makes writes durable; a lost truncate leaves the old size") {
  testing::TempDir dir(testing::FastTempParent());
  const std::string path = dir.File("cache.bin");
  int kept_size = 0, lost_size = 0;
  for (uint64_t seed = 1; seed <= 32; ++seed) {
    RealFile file(path);
    file.Truncate(0);
    sim::UnsyncedWrites cache;
    cache.Wrote(path, SQLITE_OPEN_MAIN_DB, 0, "synced", "", 0);
    file.Write("synced", 0);
    cache.Synced(path);
    CHECK(cache.pending() == 0);
    cache.Truncated(path, SQLITE_OPEN_MAIN_DB, 2, "nced", 6);
    file.Truncate(2);
    sim::SimRandom random(seed);
    sim::PowerLossFigures figures;
    CHECK(cache.LosePower(file.vfs(), random, figures).empty());
    const std::string after = file.ReadAll();
    CHECK((after == "sy" || after == "synced"));
    (after == "sy" ? kept_size : lost_size)++;
  }
  CHECK(kept_size > 0);
  CHECK(lost_size > 0);
}

// ---- FaultVfs under SQLite. ----

// Rows 1..n committed one by one; then the power fails.
std::string CommitThenCutPower(FaultVfs& vfs, const std::string& path, bool synchronous_full,
                               int rows, int64_t& unsynced_after_commit) {
  sql::DatabaseOptions options;
  options.vfs = vfs.name();
  options.synchronous_full = synchronous_full;
  {
    auto opened = sql::Database::Open(path, options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    sql::Database& db = **opened;
    REQUIRE(db.Execute("CREATE TABLE t (x INTEGER NOT NULL)").ok());
    for (int i = 1; i <= rows; ++i) {
      REQUIRE(db.Execute("INSERT INTO t (x) VALUES (" + std::to_string(i) + ")").ok());
    }
    unsynced_after_commit = vfs.unsynced();
    vfs.PowerCut();
    CHECK(vfs.dead());
    CHECK(db.Execute("INSERT INTO t (x) VALUES (0)").code() == StatusCode::kIOError);
  }  // the last file closes: the files lose what was not synced
  vfs.Clear();
  auto reopened = sql::Database::Open(path, options);
  REQUIRE_MESSAGE(reopened.ok(), reopened.status().ToString());
  const Status integrity = (*reopened)->CheckIntegrity();
  CHECK_MESSAGE(integrity.ok(), integrity.ToString());
  auto table = (*reopened)->QueryInt64("SELECT count(*) FROM sqlite_master WHERE name = 't'");
  REQUIRE(table.ok());
  if (*table == 0) return "";
  return (*reopened)
      ->QueryString("SELECT group_concat(x) FROM (SELECT x FROM t ORDER BY x)")
      .value_or("");
}

TEST_CASE("FaultVfs: a power cut keeps every commit with synchronous=FULL") {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    CAPTURE(seed);
    testing::TempDir dir(testing::FastTempParent());
    FaultVfs vfs("patron-sim-power-full", seed);
    int64_t unsynced = -1;
    CHECK(CommitThenCutPower(vfs, dir.File("full.db"), true, 3, unsynced) == "1,2,3");
    CHECK(unsynced == 0);  // each COMMIT synced the WAL
    CHECK(vfs.power_cuts() == 1);
  }
}

TEST_CASE("FaultVfs: a power cut loses recent commits with synchronous=NORMAL") {
  int lost_some = 0;
  int64_t writes_lost = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    CAPTURE(seed);
    testing::TempDir dir(testing::FastTempParent());
    FaultVfs vfs("patron-sim-power-normal", seed);
    int64_t unsynced = -1;
    const std::string rows = CommitThenCutPower(vfs, dir.File("normal.db"), false, 3, unsynced);
    CHECK(unsynced > 0);  // the WAL is synced at checkpoints only
    // WAL recovery stops at the first frame that did not survive whole:
    // what is left is the commits before it, in order.
    CHECK((rows == "" || rows == "1" || rows == "1,2" || rows == "1,2,3"));
    if (rows != "1,2,3") ++lost_some;
    writes_lost += vfs.power_loss().lost + vfs.power_loss().torn;
  }
  CHECK(writes_lost > 0);
  MESSAGE("synchronous=NORMAL: ", lost_some, " of ", kSeeds, " power cuts lost commits");
  CHECK(lost_some > 0);
}

TEST_CASE("FaultVfs: a killed process keeps its unsynced writes; a later power cut loses them") {
  sql::DatabaseOptions options;
  options.synchronous_full = false;
  int lost = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    CAPTURE(seed);
    testing::TempDir dir(testing::FastTempParent());
    FaultVfs vfs("patron-sim-power-later", seed);
    options.vfs = vfs.name();
    {
      auto db = sql::Database::Open(dir.File("later.db"), options);
      REQUIRE(db.ok());
      REQUIRE((*db)->Execute("CREATE TABLE t (x INTEGER NOT NULL); INSERT INTO t VALUES (1)").ok());
      vfs.FailAt(1, FaultVfs::Mode::kAlways);  // the process dies; the OS lives on
    }
    vfs.Clear();
    CHECK(vfs.unsynced() > 0);
    {
      // The restarted process finds the row: the page cache still holds it.
      auto db = sql::Database::Open(dir.File("later.db"), options);
      REQUIRE(db.ok());
      CHECK((*db)->QueryInt64("SELECT count(*) FROM t").value_or(-1) == 1);
      vfs.FailAt(1, FaultVfs::Mode::kAlways);  // and dies again, before any checkpoint
    }
    CHECK(vfs.unsynced() > 0);
    vfs.PowerCut();  // no file open: the loss is immediate
    CHECK(vfs.unsynced() == 0);
    vfs.Clear();
    auto db = sql::Database::Open(dir.File("later.db"), options);
    REQUIRE(db.ok());
    CHECK((*db)->CheckIntegrity().ok());
    if ((*db)->QueryInt64("SELECT count(*) FROM t").value_or(0) != 1) ++lost;
  }
  MESSAGE("a power cut after two process crashes lost the row ", lost, " times of ", kSeeds);
  CHECK(lost > 0);
}

// ---- The terminal: a checkout, then a power cut. ----

// Counts of what the power cuts did to the faulted sale.
struct Outcomes {
  int committed = 0;       // Checkout answered OK
  int committed_lost = 0;  // ... and the sale was gone after the restart
  int refused = 0;         // Checkout answered an error
  // ... and the sale was there after the restart: the power failed during
  // the commit's sync and every frame survived (rare: each is a coin toss).
  int refused_back = 0;
};

// The faulted checkout, the power failing at its k-th I/O (or, for k = 0
// or a k beyond the checkout and its close, right after the close), and a
// restart. With synchronous=FULL every check of the crash test holds; with
// NORMAL the member itself may be gone, so only the file's soundness is
// checked and the outcome counted.
void CutPowerAt(int64_t k, uint64_t seed, bool synchronous_full, Outcomes& outcomes,
                const SaleResult& clean) {
  CAPTURE(k);
  CAPTURE(seed);
  FaultVfs vfs("patron-sim-power", seed);
  FaultedTill t(vfs, synchronous_full);
  const std::string snapshot_before = t.Snapshot();
  if (k > 0) vfs.FailAt(k, FaultVfs::Mode::kPowerCut);
  auto sale = t.SellFaulted();
  if (k == 0) vfs.PowerCut();  // the checkout returned; the power fails
  t.Close();
  if (!vfs.power_lost()) vfs.PowerCut();
  vfs.Clear();
  t.Open();
  const Status integrity = t.CheckIntegrity();
  CHECK_MESSAGE(integrity.ok(), integrity.ToString());
  auto found = t.till().FindSale(kFaultedRef);
  if (sale.ok()) {
    ++outcomes.committed;
    if (!found.ok()) ++outcomes.committed_lost;
  } else {
    CHECK_MESSAGE(sale.status().code() == StatusCode::kIOError, sale.status().ToString());
    ++outcomes.refused;
    if (found.ok()) ++outcomes.refused_back;
  }
  if (!synchronous_full) return;
  if (found.ok()) {
    CheckCommittedWhole(t, clean);
  } else {
    // A sale the POS was told is committed must survive the power cut.
    CHECK_FALSE(sale.ok());
    CheckRefusedClean(t, snapshot_before);
  }
  CheckRetryAndCarryOn(t, found.ok(), clean);
}

// The power fails right after the checkout returned, kSeeds times.
Outcomes CutPowerAfterCheckout(bool synchronous_full) {
  SaleResult clean;
  {
    FaultVfs vfs("patron-sim-power-clean");
    clean = MeasureCleanCheckout(vfs, synchronous_full).sale;
  }
  Outcomes outcomes;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    CutPowerAt(0, seed, synchronous_full, outcomes, clean);
  }
  return outcomes;
}

// The power fails at every I/O of the checkout and two beyond (its close).
Outcomes CutPowerAtEveryIo(bool synchronous_full) {
  CleanRun clean;
  {
    FaultVfs vfs("patron-sim-power-clean");
    clean = MeasureCleanCheckout(vfs, synchronous_full);
  }
  Outcomes outcomes;
  for (int64_t k = 1; k <= clean.io_count + 2; ++k) {
    for (uint64_t seed = 1; seed <= kSeedsPerIo; ++seed) {
      CutPowerAt(k, seed, synchronous_full, outcomes, clean.sale);
    }
  }
  return outcomes;
}

void Report(const std::string& what, const Outcomes& o) {
  MESSAGE(what, ": ", o.committed, " committed (", o.committed_lost, " lost), ", o.refused,
          " refused (", o.refused_back, " back after the restart)");
}

TEST_CASE("power cut after a checkout, synchronous=FULL: no committed sale is lost") {
  const Outcomes o = CutPowerAfterCheckout(/*synchronous_full=*/true);
  Report("FULL, cut after the checkout", o);
  CHECK(o.committed == static_cast<int>(kSeeds));
  CHECK(o.committed_lost == 0);
}

// The same run with synchronous=NORMAL, which syncs the WAL only at
// checkpoints: the check above must see the loss, or it proves nothing.
TEST_CASE("power cut after a checkout, synchronous=NORMAL: a committed sale is lost") {
  const Outcomes o = CutPowerAfterCheckout(/*synchronous_full=*/false);
  Report("NORMAL, cut after the checkout", o);
  CHECK(o.committed == static_cast<int>(kSeeds));
  CHECK(o.committed_lost > 0);
}

TEST_CASE("power cut at every I/O of a checkout, synchronous=FULL: committed whole or refused") {
  const Outcomes o = CutPowerAtEveryIo(/*synchronous_full=*/true);
  Report("FULL, cut at every I/O", o);
  CHECK(o.committed_lost == 0);
  CHECK(o.committed > 0);  // the cuts during the close
  CHECK(o.refused > 0);
}

TEST_CASE("power cut at every I/O of a checkout, synchronous=NORMAL: a committed sale is lost") {
  const Outcomes o = CutPowerAtEveryIo(/*synchronous_full=*/false);
  Report("NORMAL, cut at every I/O", o);
  CHECK(o.committed_lost > 0);
}

}  // namespace
}  // namespace patron::terminal
