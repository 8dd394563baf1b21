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

#include "patron/evaluate.h"
#include "patron/ledger.h"
#include "patron/sql/database.h"
#include "patron/status.h"

namespace patron::terminal {

// What this terminal's journal adds to the server's view of one member:
// points and qualifying spend of own entries the server's row at
// `server_version` does not include yet (unacknowledged, or acknowledged at
// a later sequence): DESIGN.md §4.
struct PendingSums {
  int64_t points = 0;
  int64_t spend_minor = 0;
  int64_t last_purchase_ms = 0;  // the latest earn with an amount; 0: none
  std::vector<LedgerEntry> entries;  // the entries themselves, oldest first
};

class Journal {
 public:
  Journal(sql::Database& db, std::string holder) : db_(db), holder_(std::move(holder)) {}

  // Inserts an entry and adds its RightsEffect for this terminal to the
  // member's rights counter. Conflict if its id exists already.
  Status Append(const LedgerEntry& entry);
  Result<std::optional<LedgerEntry>> Get(std::string_view entry_id);

  // Pending entries and their sums relative to `server_version`; spend
  // counts only entries written at or after `spend_since_ms`. Costs one
  // index range over the pending entries, not the member's whole history.
  Result<PendingSums> Pending(std::string_view member_id, int64_t server_version,
                              int64_t spend_since_ms);

  // Entries of the member as they arrived here, newest first, with a local
  // position below `before` (0 = from the newest). Each entry's position is
  // returned alongside it, as the cursor of the next page.
  struct HistoryRow {
    int64_t position;
    LedgerEntry entry;
  };
  Result<std::vector<HistoryRow>> History(std::string_view member_id, int limit, int64_t before);
  Result<int64_t> CountUnacknowledged();
  // The campaign awards (bonus entries) this terminal gave the member, for
  // the campaigns' limits; refused ones gave nothing.
  Result<std::vector<CampaignUse>> CampaignUses(std::string_view member_id);

  // --- sync ---
  // This terminal's entries the server has not acknowledged, oldest first.
  Result<std::vector<LedgerEntry>> Unacknowledged(int limit);
  // Records the sequence at which the server made the entry visible.
  Status Acknowledge(std::string_view entry_id, int64_t seq);
  // Head office refused the entry (final): it no longer counts anywhere,
  // its effect on this terminal's rights is undone, and why is kept.
  Status Refuse(std::string_view entry_id, std::string_view reason, std::string_view message,
                int64_t now_ms);
  Result<int64_t> CountRefused();
  // Forgets every acknowledgement (the server's history was reset), so
  // everything is pushed again; set union makes that harmless. Refusals
  // stay.
  Status ClearAcknowledgements();
  Result<bool> Exists(std::string_view entry_id);

 private:
  sql::Database& db_;
  std::string holder_;  // this terminal's id: whose rights Sums() reports
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_JOURNAL_H_
