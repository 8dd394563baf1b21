#include "faulted_till.h"

#include <doctest/doctest.h>

#include <span>
#include <utility>

#include "patron/digest.h"

namespace patron::terminal {

FaultedTill::FaultedTill(sim::FaultVfs& vfs, bool synchronous_full)
    : vfs_(vfs), synchronous_full_(synchronous_full) {
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

void FaultedTill::Open() {
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
  o.db_options.synchronous_full = synchronous_full_;
  auto opened = Terminal::Open(std::move(o));
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  terminal_ = std::move(opened).value();
}

Result<SaleResult> FaultedTill::Sell(const std::string& sale_ref, int64_t amount_minor,
                                     int64_t redeem_points) {
  SaleRequest sale;
  sale.sale_ref = sale_ref;
  sale.member_id = member_id_;
  sale.amount_minor = amount_minor;
  sale.redeem_points = redeem_points;
  return terminal_->Checkout(sale);
}

int64_t FaultedTill::Balance() {
  auto member = terminal_->FindById(member_id_);
  REQUIRE_MESSAGE(member.ok(), member.status().ToString());
  return member->balance;
}

std::vector<std::string> FaultedTill::EntriesOf(const std::string& sale_ref) {
  auto page = terminal_->History(member_id_, 500);
  REQUIRE_MESSAGE(page.ok(), page.status().ToString());
  std::vector<std::string> ids;
  for (const LedgerEntry& entry : page->entries) {
    if (entry.sale_ref == sale_ref) ids.push_back(entry.entry_id);
  }
  return ids;
}

std::string FaultedTill::Snapshot() {
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

std::unique_ptr<sql::Database> FaultedTill::Inspect() {
  auto db = sql::Database::Open(dir_.File("terminal.db"));
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  return std::move(db).value();
}

CleanRun MeasureCleanCheckout(sim::FaultVfs& vfs, bool synchronous_full) {
  FaultedTill t(vfs, synchronous_full);
  const int64_t before = vfs.io_count();
  auto sale = t.SellFaulted();
  REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
  CleanRun run{vfs.io_count() - before, *sale};
  REQUIRE(vfs.faults_injected() == 0);
  REQUIRE(run.sale.redeemed_points == kFaultedRedeemPoints);
  REQUIRE(run.sale.earned_points > 0);
  REQUIRE(run.sale.entry_ids.size() == 2);
  REQUIRE(run.sale.balance == kSetupPoints + run.sale.earned_points - run.sale.redeemed_points);
  // At least the WAL frames (and, with synchronous=FULL, the commit's sync).
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

}  // namespace patron::terminal
