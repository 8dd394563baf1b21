// Disk faults on the terminal: FaultVfs fails the k-th write, sync, truncate
// or delete of one checkout, for every k the checkout performs (and a little
// beyond), once (a transient error, the terminal keeps running) and for good
// (the process dies there and restarts). Each run must end with the checkout
// committed whole or refused with an error, integrity_check ok, a retry of the
// same sale applied exactly once, and the engine still usable.
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fault_vfs.h"
#include "patron/digest.h"
#include "patron/sql/database.h"
#include "patron/terminal/terminal.h"
#include "support/temp_dir.h"

namespace patron::terminal {
namespace {

using sim::FaultVfs;

// 2026-06-01T12:00:00Z, as in the engine tests.
constexpr int64_t kNowMs = 1'780'315'200'000;
// The member's points before the faulted sale: 200.00 earns 200 at 1x.
constexpr int64_t kSetupAmountMinor = 20'000;
constexpr int64_t kSetupPoints = 200;
// The faulted sale both redeems and earns, so it writes two entries.
constexpr int64_t kFaultedAmountMinor = 20'000;
constexpr int64_t kFaultedRedeemPoints = 100;

constexpr char kSetupRef[] = "R-1";
constexpr char kFaultedRef[] = "R-2";
constexpr char kLaterRef[] = "R-3";

// One terminal over a fresh file, opened through `vfs`, whose member already
// holds kSetupPoints, so the faulted sale can redeem. Inspection goes through
// a second connection on SQLite's default VFS, which is never failed.
class FaultedTill {
 public:
  explicit FaultedTill(FaultVfs& vfs) : vfs_(vfs) {
    vfs_.Clear();
    Open();
    EnrolRequest enrol;
    enrol.phone = "07700 900123";
    enrol.profile.name = "Ann Example";
    auto enrolled = terminal_->Enrol(enrol);
    REQUIRE_MESSAGE(enrolled.ok(), enrolled.status().ToString());
    member_id_ = enrolled->member.member_id;
    auto setup = Sell(kSetupRef, kSetupAmountMinor, 0);
    REQUIRE_MESSAGE(setup.ok(), setup.status().ToString());
    REQUIRE(setup->balance == kSetupPoints);
  }

  Terminal& till() { return *terminal_; }

  void Open() {
    TerminalOptions o;
    o.db_path = dir_.File("terminal.db");
    o.terminal_id = "S001-T01";
    o.store_id = "S001";
    o.default_country_code = "44";
    o.wall_clock_ms = [] { return kNowMs; };
    o.fill_random = [this](std::span<uint8_t> out) {
      for (uint8_t& byte : out) {  // xorshift: the same ids in every run
        random_state_ ^= random_state_ << 13;
        random_state_ ^= random_state_ >> 7;
        random_state_ ^= random_state_ << 17;
        byte = static_cast<uint8_t>(random_state_);
      }
    };
    o.db_options.vfs = vfs_.name();
    auto opened = Terminal::Open(std::move(o));
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    terminal_ = std::move(opened).value();
  }

  // Closes the connection. With the VFS dead, nothing of the close reaches
  // the disk: the files are what a process killed at the fault leaves.
  void Close() { terminal_.reset(); }

  Result<SaleResult> Sell(const std::string& sale_ref, int64_t amount_minor,
                          int64_t redeem_points) {
    SaleRequest sale;
    sale.sale_ref = sale_ref;
    sale.member_id = member_id_;
    sale.amount_minor = amount_minor;
    sale.redeem_points = redeem_points;
    return terminal_->Checkout(sale);
  }
  Result<SaleResult> SellFaulted() {
    return Sell(kFaultedRef, kFaultedAmountMinor, kFaultedRedeemPoints);
  }

  int64_t Balance() {
    auto member = terminal_->FindById(member_id_);
    REQUIRE_MESSAGE(member.ok(), member.status().ToString());
    return member->balance;
  }

  // The ids of the member's entries that belong to `sale_ref`, newest first.
  std::vector<std::string> EntriesOf(const std::string& sale_ref) {
    auto page = terminal_->History(member_id_, 500);
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    std::vector<std::string> ids;
    for (const LedgerEntry& entry : page->entries) {
      if (entry.sale_ref == sale_ref) ids.push_back(entry.entry_id);
    }
    return ids;
  }

  // A digest of every table, to prove a refused sale wrote nothing.
  std::string Snapshot() {
    std::unique_ptr<sql::Database> db = Inspect();
    CanonicalHasher hasher;
    auto tables =
        db->GetUniqueStatement("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    REQUIRE(tables.ok());
    while (tables->Step().value()) {
      const std::string table = tables->ColumnText(0);
      auto rows = db->GetUniqueStatement("SELECT * FROM \"" + table + "\"");
      REQUIRE(rows.ok());
      hasher.Add(table);
      while (rows->Step().value()) {
        for (int i = 0; i < rows->ColumnCount(); ++i) {
          hasher.Add(rows->ColumnIsNull(i) ? "<null>" : "=" + rows->ColumnText(i));
        }
      }
    }
    return hasher.HexDigest();
  }

  Status CheckIntegrity() { return Inspect()->CheckIntegrity(); }

 private:
  std::unique_ptr<sql::Database> Inspect() {
    auto db = sql::Database::Open(dir_.File("terminal.db"));
    REQUIRE_MESSAGE(db.ok(), db.status().ToString());
    return std::move(db).value();
  }

  // On /dev/shm when usable: every run syncs, and a sync there costs nothing.
  // Declared first: removed after the terminal closed.
  testing::TempDir dir_{testing::FastTempParent()};
  FaultVfs& vfs_;
  uint64_t random_state_ = 42;
  std::string member_id_;
  std::unique_ptr<Terminal> terminal_;
};

// What the faulted sale does when nothing fails, measured on a fresh till.
struct CleanRun {
  int64_t io_count = 0;  // counted I/Os of the checkout
  SaleResult sale;
};

CleanRun MeasureCleanCheckout(FaultVfs& vfs) {
  FaultedTill t(vfs);
  const int64_t before = vfs.io_count();
  auto sale = t.SellFaulted();
  REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
  CleanRun run{vfs.io_count() - before, *sale};
  REQUIRE(vfs.faults_injected() == 0);
  REQUIRE(run.sale.redeemed_points == kFaultedRedeemPoints);
  REQUIRE(run.sale.earned_points > 0);
  REQUIRE(run.sale.entry_ids.size() == 2);
  REQUIRE(run.sale.balance == kSetupPoints + run.sale.earned_points - run.sale.redeemed_points);
  // At least the WAL frames and the commit's sync.
  REQUIRE(run.io_count >= 2);
  MESSAGE("one checkout performs ", run.io_count, " counted I/Os");
  return run;
}

void CheckSameSale(const SaleResult& got, const SaleResult& want) {
  CHECK(got.sale_ref == want.sale_ref);
  CHECK(got.earned_points == want.earned_points);
  CHECK(got.redeemed_points == want.redeemed_points);
  CHECK(got.paid_minor == want.paid_minor);
  CHECK(got.balance == want.balance);
  CHECK(got.entry_ids == want.entry_ids);
}

// The faulted sale is stored whole: its result, both entries, the balance.
void CheckCommittedWhole(FaultedTill& t, const SaleResult& want) {
  auto found = t.till().FindSale(kFaultedRef);
  REQUIRE_MESSAGE(found.ok(), found.status().ToString());
  CheckSameSale(*found, want);
  CHECK(t.EntriesOf(kFaultedRef).size() == want.entry_ids.size());
  CHECK(t.Balance() == want.balance);
}

// The faulted sale left no trace: unknown, balance and every table unchanged.
void CheckRefusedClean(FaultedTill& t, const std::string& snapshot_before) {
  const Status missing = t.till().FindSale(kFaultedRef).status();
  CHECK(missing.IsNotFound());
  CHECK(missing.reason() == "unknown_sale");
  CHECK(t.EntriesOf(kFaultedRef).empty());
  CHECK(t.Balance() == kSetupPoints);
  CHECK(t.Snapshot() == snapshot_before);
}

// The POS retries the same sale: it applies exactly once; then the engine
// takes a new sale and the file is sound.
void CheckRetryAndCarryOn(FaultedTill& t, bool was_committed, const SaleResult& want) {
  auto retry = t.SellFaulted();
  REQUIRE_MESSAGE(retry.ok(), retry.status().ToString());
  CHECK(retry->replayed == was_committed);
  CheckSameSale(*retry, want);
  CHECK(t.Balance() == want.balance);
  CHECK(t.EntriesOf(kFaultedRef).size() == want.entry_ids.size());

  auto later = t.Sell(kLaterRef, 1'000, 0);
  REQUIRE_MESSAGE(later.ok(), later.status().ToString());
  CHECK_FALSE(later->replayed);
  CHECK(later->earned_points > 0);
  CHECK(t.Balance() == want.balance + later->earned_points);
  const Status integrity = t.CheckIntegrity();
  CHECK_MESSAGE(integrity.ok(), integrity.ToString());
}

TEST_CASE("FaultVfs fails the k-th write or sync, once or until cleared") {
  testing::TempDir dir(testing::FastTempParent());
  FaultVfs vfs("patron-sim-unit");
  sql::DatabaseOptions options;
  options.vfs = vfs.name();
  {
    auto opened = sql::Database::Open(dir.File("unit.db"), options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    sql::Database& db = **opened;
    REQUIRE(db.Execute("CREATE TABLE t (x INTEGER NOT NULL)").ok());
    REQUIRE(db.Execute("INSERT INTO t (x) VALUES (1)").ok());
    CHECK(vfs.io_count() > 0);  // the VFS really carries the connection
    CHECK(vfs.faults_injected() == 0);

    vfs.FailAt(1, FaultVfs::Mode::kOnce);
    const Status failed = db.Execute("INSERT INTO t (x) VALUES (2)");
    CHECK(failed.code() == StatusCode::kIOError);
    CHECK(vfs.faults_injected() == 1);
    CHECK_FALSE(vfs.dead());
    CHECK(db.Execute("INSERT INTO t (x) VALUES (3)").ok());
    CHECK(vfs.faults_injected() == 1);

    // A transaction whose COMMIT fails leaves nothing behind.
    REQUIRE(db.Execute("BEGIN IMMEDIATE; INSERT INTO t (x) VALUES (4)").ok());
    vfs.FailAt(1, FaultVfs::Mode::kOnce);
    CHECK(db.Execute("COMMIT").code() == StatusCode::kIOError);
    if (db.InTransaction()) REQUIRE(db.Execute("ROLLBACK").ok());

    vfs.FailAt(2, FaultVfs::Mode::kAlways);
    const int64_t faults = vfs.faults_injected();
    CHECK(db.Execute("INSERT INTO t (x) VALUES (5)").code() == StatusCode::kIOError);
    CHECK(vfs.dead());
    CHECK(db.Execute("INSERT INTO t (x) VALUES (6)").code() == StatusCode::kIOError);
    CHECK(vfs.faults_injected() >= faults + 2);
    vfs.Clear();
    CHECK_FALSE(vfs.dead());
    CHECK(db.Execute("INSERT INTO t (x) VALUES (7)").ok());
    CHECK(db.QueryString("SELECT group_concat(x) FROM (SELECT x FROM t ORDER BY x)").value() ==
          "1,3,7");
    CHECK(db.CheckIntegrity().ok());
  }
  {
    // A VFS name may be registered once at a time.
    CHECK_THROWS_AS(FaultVfs("patron-sim-unit"), std::runtime_error);
  }
}

TEST_CASE("FaultVfs counts the deletion of a rollback journal") {
  testing::TempDir dir(testing::FastTempParent());
  FaultVfs vfs("patron-sim-delete");
  sql::DatabaseOptions options;
  options.vfs = vfs.name();
  options.wal = false;  // journal_mode=DELETE: a commit ends by deleting the journal
  auto opened = sql::Database::Open(dir.File("delete.db"), options);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  sql::Database& db = **opened;
  REQUIRE(db.Execute("CREATE TABLE t (x INTEGER NOT NULL)").ok());
  REQUIRE(db.Execute("INSERT INTO t (x) VALUES (1)").ok());
  const int64_t before = vfs.io_count();
  REQUIRE(db.Execute("INSERT INTO t (x) VALUES (2)").ok());
  const int64_t per_insert = vfs.io_count() - before;
  REQUIRE(per_insert >= 3);  // journal, database, journal deletion

  // The same insert again, with its last I/O (the deletion) failed.
  vfs.FailAt(per_insert, FaultVfs::Mode::kOnce);
  CHECK(db.Execute("INSERT INTO t (x) VALUES (3)").code() == StatusCode::kIOError);
  CHECK(vfs.faults_injected() == 1);
  CHECK(vfs.io_count() - before == 2 * per_insert);
  // The journal survived, so SQLite treats it as hot and rolls the insert back.
  CHECK(db.QueryString("SELECT group_concat(x) FROM (SELECT x FROM t ORDER BY x)").value() ==
        "1,2");
  CHECK(db.CheckIntegrity().ok());
}

TEST_CASE("FaultVfs unregisters itself on destruction") {
  testing::TempDir dir(testing::FastTempParent());
  sql::DatabaseOptions options;
  options.vfs = "patron-sim-gone";
  { FaultVfs vfs(options.vfs); }
  CHECK_FALSE(sql::Database::Open(dir.File("gone.db"), options).ok());
  FaultVfs again(options.vfs);  // the name is free again
  CHECK(sql::Database::Open(dir.File("gone.db"), options).ok());
}

TEST_CASE("every write and sync of a checkout fails once: committed whole or refused") {
  FaultVfs vfs("patron-sim-once");
  const CleanRun clean = MeasureCleanCheckout(vfs);
  int committed = 0;
  int refused = 0;
  // Two beyond the checkout's last I/O: nothing fires, the sale commits.
  for (int64_t k = 1; k <= clean.io_count + 2; ++k) {
    CAPTURE(k);
    FaultedTill t(vfs);
    const std::string snapshot_before = t.Snapshot();
    const int64_t faults_before = vfs.faults_injected();
    vfs.FailAt(k, FaultVfs::Mode::kOnce);
    auto sale = t.SellFaulted();
    const bool fired = vfs.faults_injected() > faults_before;
    vfs.Clear();  // a fault beyond the checkout must not hit the checks
    CHECK(fired == (k <= clean.io_count));
    CHECK(vfs.faults_injected() - faults_before == (fired ? 1 : 0));
    if (sale.ok()) {
      ++committed;
      CHECK_FALSE(sale->replayed);
      CheckSameSale(*sale, clean.sale);
      CheckCommittedWhole(t, clean.sale);
    } else {
      ++refused;
      // Checked on the live connection only: after a failed commit sync the
      // WAL still holds the sale's complete frames, and a crash before the
      // next commit overwrites them would bring the sale back (the crash
      // case below meets that at the sync).
      CHECK_MESSAGE(sale.status().code() == StatusCode::kIOError, sale.status().ToString());
      CheckRefusedClean(t, snapshot_before);
    }
    CheckRetryAndCarryOn(t, sale.ok(), clean.sale);
  }
  MESSAGE("fail once: ", committed, " committed, ", refused, " refused");
  CHECK(refused > 0);
  CHECK(committed >= 2);  // at least the two runs beyond the checkout
}

TEST_CASE("every write and sync of a checkout fails for good: a crash there, then a restart") {
  FaultVfs vfs("patron-sim-always");
  const CleanRun clean = MeasureCleanCheckout(vfs);
  int survived = 0;
  int lost = 0;
  for (int64_t k = 1; k <= clean.io_count + 2; ++k) {
    CAPTURE(k);
    FaultedTill t(vfs);
    const std::string snapshot_before = t.Snapshot();
    vfs.FailAt(k, FaultVfs::Mode::kAlways);
    auto sale = t.SellFaulted();
    CHECK(vfs.dead() == (k <= clean.io_count));
    if (sale.ok()) {
      CHECK_FALSE(sale->replayed);
      CheckSameSale(*sale, clean.sale);
    } else {
      CHECK_MESSAGE(sale.status().code() == StatusCode::kIOError, sale.status().ToString());
    }
    // Beyond the checkout the fault fires while closing (the checkpoint):
    // the process dies after the commit.
    t.Close();
    CHECK(vfs.dead());
    vfs.Clear();
    // The restarted terminal recovers the WAL itself; the inspecting
    // connection comes second, so it neither recovers nor checkpoints.
    t.Open();
    const Status integrity = t.CheckIntegrity();
    CHECK_MESSAGE(integrity.ok(), integrity.ToString());

    auto found = t.till().FindSale(kFaultedRef);
    // Even a refused sale may be back: when the commit's sync failed, its
    // frames were already written to the WAL, and recovery replays them.
    if (found.ok()) {
      ++survived;
      CheckCommittedWhole(t, clean.sale);
    } else {
      ++lost;
      // A sale the POS was told is committed must survive the crash.
      CHECK_FALSE(sale.ok());
      CheckRefusedClean(t, snapshot_before);
    }
    CheckRetryAndCarryOn(t, found.ok(), clean.sale);
  }
  MESSAGE("crash: ", survived, " survived, ", lost, " lost");
  CHECK(lost > 0);
  CHECK(survived >= 2);
}

}  // namespace
}  // namespace patron::terminal
