// The terminal's ledger table: its own append-only entries plus the server's
// entries addressed to it (grants). Entries are never updated except to
// record the server's acknowledgement (ack_seq).
#ifndef PATRON_TERMINAL_SRC_STORE_JOURNAL_H_
#define PATRON_TERMINAL_SRC_STORE_JOURNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/ledger.h"
#include "patron/sql/database.h"
#include "patron/status.h"

namespace patron::terminal {

// What this terminal's journal adds to the server's view of one member.
struct JournalSums {
  // Points and qualifying spend of own entries the server's row at
  // `server_version` does not include yet (unacknowledged, or acknowledged at
  // a later sequence): DESIGN.md §4.
  int64_t pending_points = 0;
  int64_t pending_spend_minor = 0;
  // This terminal's redemption rights for the member (ledger.h RightsEffect).
  int64_t rights = 0;
};

class Journal {
 public:
  Journal(sql::Database& db, std::string holder) : db_(db), holder_(std::move(holder)) {}

  // Inserts an entry. Conflict if its id exists already.
  Status Append(const LedgerEntry& entry);
  Result<std::optional<LedgerEntry>> Get(std::string_view entry_id);

  // Sums for `member_id`: pending ones relative to `server_version`; spend
  // counts only entries written at or after `spend_since_ms`.
  Result<JournalSums> Sums(std::string_view member_id, int64_t server_version,
                           int64_t spend_since_ms);

  // Entries of the member, newest first, with hlc < before_hlc (0 = newest).
  Result<std::vector<LedgerEntry>> History(std::string_view member_id, int limit,
                                           int64_t before_hlc);
  Result<int64_t> CountUnacknowledged();

 private:
  sql::Database& db_;
  std::string holder_;  // this terminal's id: whose rights Sums() reports
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_JOURNAL_H_
