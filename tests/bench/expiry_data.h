// The head-office programme patron_expiry_bench runs RunExpiry over: members
// whose entries span three and a half years under a yearly expiry (points
// earned in a year expire on 31 December of the next, the shipped pack's
// policy), bulk-loaded into the store's own tables and left for the store's
// own fold.
//
//   PATRON_RETURN_IF_ERROR(PublishExpiryPacks(service));     // through SyncService
//   PATRON_RETURN_IF_ERROR(RegisterExpiryTills(service));
//   ... close the store ...
//   PATRON_ASSIGN_OR_RETURN(ExpiryProgramme p, LoadExpiryProgramme(path, 1'000'000, 20'000'000));
//   ... reopen, SyncService::FoldAll(): member rows, lots and expiry_due_day ...
//
// The loader writes what pushes would have appended: each member's identity
// and name as queued profile changes, then its entries, in one transaction,
// every row through the store's own record encoders (record_sql.h), plus the
// counters of server_state. Nothing is folded: the member rows, their lots
// and expiry_due_day, and member_entries are the fold's to make, so they are
// exactly what the store makes of those entries. The generator also applies
// every entry to a LotBook (lots.h) to know, for checking, what each member
// holds and what the run owes.
#ifndef PATRON_TESTS_BENCH_EXPIRY_DATA_H_
#define PATRON_TESTS_BENCH_EXPIRY_DATA_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "patron/ledger.h"
#include "patron/lots.h"
#include "patron/rules.h"
#include "patron/status.h"
#include "patron/sync_server/sync_service.h"

namespace patron::bench {

// Local time of every pack (China).
inline constexpr int64_t kExpiryUtcOffsetMinutes = 480;
// Entries fall on days from kExpiryDataFrom through kExpiryDataUntil,
// between 09:00 and 22:00. Head office's expiry run of the previous New
// Year (kExpiryPriorRunAt) expired what was left of the points earned in
// 2025; the benchmark's run (kExpiryRunAt) owes what is left of 2026's.
inline constexpr std::string_view kExpiryDataFrom = "2024-07-01";
inline constexpr std::string_view kExpiryDataUntil = "2027-12-31";
inline constexpr std::string_view kExpiryPriorRunAt = "2027-01-01T02:00:00+08:00";
inline constexpr std::string_view kExpiryRunAt = "2028-01-01T02:00:00+08:00";

// The packs head office published, oldest first: versions 2, 3 and 4, in
// force from 1 January 2025, 2026 and 2027 (DefaultRules otherwise, with
// local time UTC+8 and the expiry {"fixed_date": "12-31", "pending_days":
// 7}). Before 2025 tills ran DefaultRules (version 1), whose points never
// expire.
std::vector<Rules> ExpiryPacks();
Status PublishExpiryPacks(sync::SyncService& service);
// The tills entries come from: two in each of 100 stores.
Status RegisterExpiryTills(sync::SyncService& service);

// A member whose row the benchmark checks, with what the library says it
// must hold after the fold (the entries applied in order: ApplyToLots,
// ExpiryDueDay, BalanceEffect) and one of its entries as generated.
struct ExpirySample {
  std::string member_id;
  std::string phone;
  std::string enrolled_store;
  LotBook lots;
  int64_t expiry_due_day = 0;
  int64_t balance = 0;
  int64_t last_purchase_ms = 0;
  int64_t version = 0;  // the seq of its last change
  LedgerEntry entry;    // its last entry
  int64_t entry_seq = 0;
};

// What was loaded, and what the run at kExpiryRunAt owes (DueExpiry of
// every member's lots on that day).
struct ExpiryProgramme {
  int64_t members = 0;
  int64_t entries = 0;  // till entries and prior expiry entries together
  int64_t earns = 0;
  int64_t redeems = 0;
  int64_t prior_expiry_entries = 0;  // head office's, of kExpiryPriorRunAt
  int64_t profile_changes = 0;
  int64_t lots = 0;                    // in every member's book together
  int64_t members_never_expiring = 0;  // holding points that never expire
  int64_t due_members = 0;
  int64_t due_entries = 0;
  int64_t due_points_expired = 0;
  int64_t due_points_given_back = 0;
  int64_t run_day = 0;  // local day number of kExpiryRunAt
  int64_t run_ms = 0;
  std::vector<ExpirySample> samples;
  std::vector<std::string> member_ids;  // in key order
};

// Loads `members` members and `entries` entries (at least one a member on
// average) into the store at `path`: a database SqliteServerStore::Open
// made, with the packs published and the tills registered, everything
// folded, and no store open on it. `seed` fixes every random choice.
Result<ExpiryProgramme> LoadExpiryProgramme(const std::string& path, int64_t members,
                                            int64_t entries, uint64_t seed);

// The lots `book` holds after head office writes the expiry it owes on
// `today` at `at_ms` (DueExpiry, each owed entry applied as RunExpiry's).
LotBook AfterExpiry(LotBook book, int64_t today, int64_t at_ms);

}  // namespace patron::bench

#endif  // PATRON_TESTS_BENCH_EXPIRY_DATA_H_
