// A till whose database was lost or rolled back (a replaced disk, a restored
// backup, a re-imaged POS box) would begin its journal again below what head
// office already holds from it, and every entry it wrote would collide with
// one stored under the same id (DESIGN.md §4, "a lost till never reuses an
// id"). Head office keeps each terminal's highest journal sequence
// (TerminalRecord::journal_high_seq) and answers every push and pull with it;
// the till goes on above it. A new database that had to write before it
// heard the mark (offline) starts from a random sequence far above any
// counter instead (a new incarnation). Head office notices a restart when a
// till says its next sequence is at or below the mark (journal_behind), or
// pushes an entry beyond the mark + 1 (journal_incarnation: one database's
// sequences have no gaps), and logs it in the security log with what it can
// tell about what was lost: the last entry it holds from the till and when
// the till last pushed. Whatever the till acknowledged to its POS after that
// and never pushed went with the old database; the POS's receipts since then
// say which sales those were.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_JOURNAL_RESTART_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_JOURNAL_RESTART_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "patron/record/field.h"
#include "patron/status.h"
#include "patron/sync_server/server_store.h"
#include "patron/sync_server/terminal_registry.h"

namespace patron::sync {

// The security log's reasons for a restarted journal.
inline constexpr std::string_view kJournalBehindReason = "journal_behind";
inline constexpr std::string_view kJournalIncarnationReason = "journal_incarnation";

// What head office knew of a till when its journal restarted: the body of
// the security event.
struct JournalRestart {
  int64_t journal_high_seq = 0;  // head office's mark
  int64_t journal_next_seq = 0;  // where the till said it stood (or its first new entry)
  int64_t last_contact_ms = 0;   // the till's last push before (0: never)
  std::string last_entry_id;     // the last entry head office holds from it
  std::string last_sale_ref;     // that entry's sale, if any
  int64_t last_entry_wall_ms = 0;
};

// The event to log when `next_seq` (a till's journal_next_seq; 0 = not sent)
// is at or below `terminal`'s mark; nullopt otherwise. Reads the last entry.
Result<std::optional<SecurityEvent>> JournalBehindEvent(StoreTxn& txn, const Caller& caller,
                                                        const TerminalRecord& terminal,
                                                        int64_t next_seq, int64_t now_ms);
// The event to log when `entry_seq`, of an entry the till pushes, is beyond
// `terminal`'s mark + 1 and the mark is not 0 (a first database that began
// offline lost nothing); nullopt otherwise.
Result<std::optional<SecurityEvent>> JournalIncarnationEvent(StoreTxn& txn, const Caller& caller,
                                                             const TerminalRecord& terminal,
                                                             int64_t entry_seq, int64_t now_ms);

}  // namespace patron::sync

namespace patron::record {

template <>
struct Schema<sync::JournalRestart> {
  static constexpr std::string_view kName = "journal_restart";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::JournalRestart::journal_high_seq>{"journal_high_seq"},
      Field<&sync::JournalRestart::journal_next_seq>{"journal_next_seq"},
      Field<&sync::JournalRestart::last_contact_ms>{"last_contact_ms"},
      Field<&sync::JournalRestart::last_entry_id>{"last_entry_id"},
      Field<&sync::JournalRestart::last_sale_ref>{"last_sale_ref"},
      Field<&sync::JournalRestart::last_entry_wall_ms>{"last_entry_wall_ms"},
  };
};

}  // namespace patron::record

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_JOURNAL_RESTART_H_
