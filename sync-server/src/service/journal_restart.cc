#include "service/journal_restart.h"

#include <ctime>
#include <utility>

#include "patron/ledger.h"
#include "patron/record/record_json.h"

namespace patron::sync {
namespace {

// "2026-12-05 14:02:11 UTC", for the operator reading the log.
std::string UtcTime(int64_t wall_ms) {
  const std::time_t seconds = static_cast<std::time_t>(wall_ms / 1000);
  std::tm utc{};
  char text[32];
  if (gmtime_r(&seconds, &utc) == nullptr ||
      std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &utc) == 0) {
    return std::to_string(wall_ms) + " ms";
  }
  return text;
}

// What was lost, as far as head office can tell.
std::string DescribeLoss(const JournalRestart& r) {
  std::string message;
  if (!r.last_entry_id.empty()) {
    message += "The last entry head office holds from it is " + r.last_entry_id;
    if (!r.last_sale_ref.empty()) message += " (sale " + r.last_sale_ref + ")";
    message += ", written " + UtcTime(r.last_entry_wall_ms) + ". ";
  }
  if (r.last_contact_ms > 0) {
    message += "It last pushed at " + UtcTime(r.last_contact_ms) +
               ": sales it acknowledged to the POS after that and had not pushed were lost "
               "with the old database (the POS's receipts since then say which).";
  }
  return message;
}

Result<SecurityEvent> RestartEvent(StoreTxn& txn, const Caller& caller,
                                   const TerminalRecord& terminal, int64_t seen_seq,
                                   std::string_view reason, const std::string& what,
                                   int64_t now_ms) {
  JournalRestart restart;
  restart.journal_high_seq = terminal.journal_high_seq;
  restart.journal_next_seq = seen_seq;
  restart.last_contact_ms = terminal.last_sync_ms.value_or(0);
  // The mark may be a refused entry's, which is not stored.
  PATRON_ASSIGN_OR_RETURN(
      std::optional<StoredEntry> last,
      txn.FindEntry(MakeEntryId(caller.terminal_id, terminal.journal_high_seq)));
  if (last) {
    restart.last_entry_id = last->entry.entry_id;
    restart.last_sale_ref = last->entry.sale_ref;
    restart.last_entry_wall_ms = last->entry.wall_ms;
  }
  SecurityEvent event;
  event.at_ms = now_ms;
  event.terminal_id = caller.terminal_id;
  event.store_id = caller.store_id;
  event.subject = caller.terminal_id;
  event.reason = std::string(reason);
  event.message = what + DescribeLoss(restart);
  record::AppendRecord(restart, event.body.text);
  return event;
}

}  // namespace

Result<std::optional<SecurityEvent>> JournalBehindEvent(StoreTxn& txn, const Caller& caller,
                                                        const TerminalRecord& terminal,
                                                        int64_t next_seq, int64_t now_ms) {
  if (next_seq <= 0 || next_seq > terminal.journal_high_seq) return std::nullopt;
  const std::string what = "terminal " + caller.terminal_id + " says its journal goes on at " +
                           std::to_string(next_seq) + ", but head office holds its entries up to " +
                           std::to_string(terminal.journal_high_seq) +
                           ": its database was lost or rolled back, and it now goes on at " +
                           std::to_string(terminal.journal_high_seq + 1) + ". ";
  PATRON_ASSIGN_OR_RETURN(SecurityEvent event, RestartEvent(txn, caller, terminal, next_seq,
                                                            kJournalBehindReason, what, now_ms));
  return std::optional<SecurityEvent>(std::move(event));
}

Result<std::optional<SecurityEvent>> JournalIncarnationEvent(StoreTxn& txn, const Caller& caller,
                                                             const TerminalRecord& terminal,
                                                             int64_t entry_seq, int64_t now_ms) {
  if (terminal.journal_high_seq == 0 || entry_seq <= terminal.journal_high_seq + 1) {
    return std::nullopt;
  }
  const std::string what =
      "terminal " + caller.terminal_id + " began a new journal at " + std::to_string(entry_seq) +
      " while head office holds its entries up to " + std::to_string(terminal.journal_high_seq) +
      ": its database was replaced and it sold before it could reach head office. ";
  PATRON_ASSIGN_OR_RETURN(
      SecurityEvent event,
      RestartEvent(txn, caller, terminal, entry_seq, kJournalIncarnationReason, what, now_ms));
  return std::optional<SecurityEvent>(std::move(event));
}

}  // namespace patron::sync
