// Everything an engine operation needs: the stores over the terminal's one
// connection, the clock, the active rules and the terminal's identity.
// Operations are free functions over an EngineContext; the caller (Terminal)
// serialises them.
#ifndef PATRON_TERMINAL_SRC_ENGINE_CONTEXT_H_
#define PATRON_TERMINAL_SRC_ENGINE_CONTEXT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "patron/hlc.h"
#include "patron/ledger.h"
#include "patron/rules.h"
#include "patron/sql/database.h"
#include "patron/sql/transaction.h"
#include "patron/uuid.h"
#include "store/budget_store.h"
#include "store/down_store.h"
#include "store/exchange_store.h"
#include "store/journal.h"
#include "store/member_store.h"
#include "store/offer_store.h"
#include "store/outbox.h"
#include "store/rights_statement_store.h"
#include "store/sale_store.h"
#include "store/segment_store.h"
#include "store/state_store.h"
#include "store/voucher_store.h"

namespace patron::terminal {

struct Identity {
  std::string terminal_id;
  std::string store_id;
  std::string chain_key;
  std::string chain_key_fingerprint;
  std::string default_country_code;
};

struct EngineContext {
  EngineContext(std::unique_ptr<sql::Database> database, Identity id,
                std::function<int64_t()> wall_clock, int64_t max_drift_ms,
                HlcTimestamp restored_hlc, UuidV7Generator uuid_generator,
                std::vector<Rules> stored_packs);

  std::unique_ptr<sql::Database> db;
  Identity identity;
  std::function<int64_t()> wall_clock_ms;
  HybridClock clock;
  UuidV7Generator uuids;
  // The rule pack in force (DESIGN.md §9): the highest stored version whose
  // activate_at has come. Terminal's entry points call SwitchPackIfDue, so
  // a waiting pack takes over at its time, offline too, and never in the
  // middle of an operation.
  const Rules& rules() const { return active_pack_; }
  void SwitchPackIfDue();
  // Packs this process stored (committed); they wait for their activate_at.
  void AddPacks(std::vector<Rules> packs);
  // The newest version stored, in force or waiting.
  int64_t NewestPackVersion() const;
  // Whether a pack of `version` needs storing: false for the one in force,
  // older ones (they can no longer take over) and those waiting.
  bool WantsPack(int64_t version) const;
  // The waiting pack that takes over next (earliest activate_at); nullptr if none.
  const Rules* NextPack() const;
  // The pack in force is past its valid_until: earn base points only.
  bool BaseOnly() const { return NowMs() >= ValidUntilMs(active_pack_); }
  MemberStore members;
  Journal journal;
  SaleStore sales;
  StateStore state;
  Outbox outbox;
  DownStore down;
  SegmentStore segments;
  OfferStore offers;
  VoucherStore vouchers;
  ExchangeStore exchanges;
  BudgetStore budgets;
  RightsStatementStore rights_statement;
  // The page cache of everyday work (TerminalOptions::db_options; 0 =
  // SQLite's), and whether a multi-page pull has raised it for now.
  int everyday_cache_kib = 0;
  bool bulk_pull_cache = false;

  int64_t NowMs() const { return wall_clock_ms(); }

 private:
  Rules active_pack_;
  std::vector<Rules> waiting_packs_;  // versions above active_pack_'s, ascending
};

// Runs `body` inside an IMMEDIATE transaction, persists the clock and
// commits. Any error rolls everything back.
template <typename Body>
auto InWriteTransaction(EngineContext& ctx, Body&& body) -> decltype(body()) {
  sql::Transaction txn(*ctx.db);
  PATRON_RETURN_IF_ERROR(txn.Begin());
  auto result = body();
  if (!result.ok()) return result;
  PATRON_RETURN_IF_ERROR(ctx.state.SaveHlc(ctx.clock.Last()));
  PATRON_RETURN_IF_ERROR(txn.Commit());
  return result;
}

// Runs the reads of `body` in one DEFERRED transaction: one consistent
// snapshot, and SQLite takes its shared lock once instead of per statement.
template <typename Body>
auto InReadTransaction(EngineContext& ctx, Body&& body) -> decltype(body()) {
  sql::Transaction txn(*ctx.db, sql::Transaction::Mode::kDeferred);
  PATRON_RETURN_IF_ERROR(txn.Begin());
  auto result = body();
  if (!result.ok()) return result;
  PATRON_RETURN_IF_ERROR(txn.Commit());
  return result;
}

// Fills in the terminal's identity, the next sequence number, the HLC, wall
// time and rule version, and a credit's lot (lots.h), validates the entry
// and appends it to the journal. Call inside a write transaction.
Result<LedgerEntry> AppendOwnEntry(EngineContext& ctx, LedgerEntry draft);
// Names on `detail` the lot of the journal's entry `entry_id`, for its
// reversal; leaves it unnamed for an entry this terminal does not hold (a
// return of another store's sale: the reversal then draws soonest first).
Status CopyLot(EngineContext& ctx, std::string_view entry_id, EntryDetail& detail);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_CONTEXT_H_
