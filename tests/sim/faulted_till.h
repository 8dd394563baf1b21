// FaultedTill: one terminal over a fresh file behind a FaultVfs, with a
// member who already holds points, and the checks the disk-fault and
// power-cut tests make of one faulted checkout (patron_disk_fault_tests).
#ifndef PATRON_TESTS_SIM_FAULTED_TILL_H_
#define PATRON_TESTS_SIM_FAULTED_TILL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fault_vfs.h"
#include "patron/sql/database.h"
#include "patron/terminal/terminal.h"
#include "support/temp_dir.h"

namespace patron::terminal {

// 2026-06-01T12:00:00Z, as in the engine tests.
inline constexpr int64_t kNowMs = 1'780'315'200'000;
// The member's points before the faulted sale: 200.00 earns 200 at 1x.
inline constexpr int64_t kSetupAmountMinor = 20'000;
inline constexpr int64_t kSetupPoints = 200;
// The faulted sale both redeems and earns, so it writes two entries.
inline constexpr int64_t kFaultedAmountMinor = 20'000;
inline constexpr int64_t kFaultedRedeemPoints = 100;

inline constexpr char kSetupRef[] = "R-1";
inline constexpr char kFaultedRef[] = "R-2";
inline constexpr char kLaterRef[] = "R-3";

// A terminal whose member already holds kSetupPoints, so the faulted sale
// can redeem. Inspection goes through a second connection on SQLite's
// default VFS, which is never failed. `synchronous_full` false opens the
// engine with synchronous=NORMAL: only the power-cut tests do, to show
// that they catch what NORMAL loses.
class FaultedTill {
 public:
  explicit FaultedTill(sim::FaultVfs& vfs, bool synchronous_full = true);

  Terminal& till() { return *terminal_; }

  void Open();
  // Closes the connection. With the VFS dead, nothing of the close reaches
  // the disk: the files are what a process killed at the fault leaves (and,
  // after a power cut, what the disk kept).
  void Close() { terminal_.reset(); }

  Result<SaleResult> Sell(const std::string& sale_ref, int64_t amount_minor, int64_t redeem_points);
  Result<SaleResult> SellFaulted() {
    return Sell(kFaultedRef, kFaultedAmountMinor, kFaultedRedeemPoints);
  }

  int64_t Balance();
  // The ids of the member's entries that belong to `sale_ref`, newest first.
  std::vector<std::string> EntriesOf(const std::string& sale_ref);
  // A digest of every table, to prove a refused sale wrote nothing.
  std::string Snapshot();
  Status CheckIntegrity() { return Inspect()->CheckIntegrity(); }

 private:
  std::unique_ptr<sql::Database> Inspect();

  // On /dev/shm when usable: every run syncs, and a sync there costs nothing
  // (a power cut is the FaultVfs's, whatever the file system). Declared
  // first: removed after the terminal closed.
  testing::TempDir dir_{testing::FastTempParent()};
  sim::FaultVfs& vfs_;
  bool synchronous_full_;
  uint64_t random_state_ = 42;
  std::string member_id_;
  std::unique_ptr<Terminal> terminal_;
};

// What the faulted sale does when nothing fails, measured on a fresh till.
struct CleanRun {
  int64_t io_count = 0;  // counted I/Os of the checkout
  SaleResult sale;
};
CleanRun MeasureCleanCheckout(sim::FaultVfs& vfs, bool synchronous_full = true);

void CheckSameSale(const SaleResult& got, const SaleResult& want);
// The faulted sale is stored whole: its result, both entries, the balance.
void CheckCommittedWhole(FaultedTill& t, const SaleResult& want);
// The faulted sale left no trace: unknown, balance and every table unchanged.
void CheckRefusedClean(FaultedTill& t, const std::string& snapshot_before);
// The POS retries the same sale: it applies exactly once; then the engine
// takes a new sale and the file is sound.
void CheckRetryAndCarryOn(FaultedTill& t, bool was_committed, const SaleResult& want);

}  // namespace patron::terminal

#endif  // PATRON_TESTS_SIM_FAULTED_TILL_H_
