// The point journal at head office: every ledger entry any till or head
// office wrote, by id, at the change sequence at which it became visible;
// the index of entries by member the fold builds; and the grants that moved
// redemption rights to tills. A role of the server's store (server_store.h):
// push, grant and the fold see it.
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - an entry id is stored once, and a stored entry never changes;
//   - EntriesBetween / EntriesTo return entries in seq order;
//   - SpendSince and RightsByHolder count the member's indexed entries, and
//     RightsByHolder also those written after the fold's watermark;
//   - ReversalsOf sums every stored reverse naming the entry;
//   - CountBonuses counts one origin's bonus entries of a sale and campaign,
//     BonusesOfMember lists every origin's bonus entries of a member and
//     campaign, earliest (HLC, then id) first;
//   - (terminal, request id) of a grant is stored once.
#ifndef PATRON_SYNC_SERVER_JOURNAL_STORE_H_
#define PATRON_SYNC_SERVER_JOURNAL_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "patron/ledger.h"
#include "patron/status.h"

namespace patron::sync {

struct StoredEntry {
  LedgerEntry entry;
  int64_t seq = 0;  // when it became visible
};

// What the reversals of one entry add up to: the reverse entries naming it
// (ref_entry), of every origin, and of one origin among them.
struct ReversalSums {
  int64_t points = 0;
  int64_t amount_minor = 0;
  int64_t origin_points = 0;
  int64_t origin_amount_minor = 0;
  friend bool operator==(const ReversalSums&, const ReversalSums&) = default;
};

// A member's qualifying spend in a window (JournalTxn::SpendSince):
// earliest_ms is when the earliest entry it counts was written (0: none), so
// the sum next changes when that entry leaves the window.
struct WindowSpend {
  int64_t spend_minor = 0;
  int64_t earliest_ms = 0;
};

struct GrantRecord {
  std::string terminal_id;
  std::string request_id;
  std::string entry_id;  // the transfer it produced
};

class JournalTxn {
 public:
  virtual ~JournalTxn() = default;

  virtual Result<std::optional<StoredEntry>> FindEntry(std::string_view entry_id) = 0;
  // Stores the entry at `seq`, or returns false and changes nothing if an
  // entry with its id is stored already.
  virtual Result<bool> InsertEntryIfNew(const LedgerEntry& entry, int64_t seq) = 0;
  // Entries addressed to `holder` (transfers to it) with seq in (after, through].
  virtual Result<std::vector<StoredEntry>> EntriesTo(std::string_view holder, int64_t after,
                                                     int64_t through) = 0;
  // Entries with seq in (after, through], in seq order.
  virtual Result<std::vector<StoredEntry>> EntriesBetween(int64_t after, int64_t through) = 0;
  // Write transactions only: files the entries under their members, for
  // SpendSince and RightsByHolder. The fold files each entry once.
  virtual Status IndexByMember(std::span<const StoredEntry> entries) = 0;
  // Sum of the qualifying spend (amount_minor) of the member's entries
  // filed by IndexByMember and written at or after `since_ms`, saturating at
  // the int64 limits, and the earliest wall time among those with an amount.
  virtual Result<WindowSpend> SpendSince(std::string_view member_id, int64_t since_ms) = 0;
  // Every holder's redemption rights for the member (ledger.h RightsEffect
  // summed over the member's entries: those filed by IndexByMember and those
  // after the fold's watermark, member_store.h FoldedSeq), by holder;
  // holders with no entry are absent.
  virtual Result<std::map<std::string, int64_t>> RightsByHolder(std::string_view member_id) = 0;
  // One holder's redemption rights (RightsEffect) over every stored entry,
  // by member: those with non-zero rights, in member id order. Reads the
  // holder's own entries and the transfers to it, not the whole ledger; for
  // a till whose journal restarted (protocol.h RightsStatement).
  virtual Result<std::map<std::string, int64_t>> RightsHeldBy(std::string_view holder) = 0;
  virtual Result<int64_t> CountEntries() = 0;
  // The stored reverses of `entry_id`, and those among them `origin` wrote.
  virtual Result<ReversalSums> ReversalsOf(std::string_view entry_id,
                                           std::string_view origin) = 0;
  // How many bonus entries `origin` wrote for `sale_ref` under the campaign
  // `campaign_id` (detail.campaign_id), stored so far in this transaction.
  virtual Result<int64_t> CountBonuses(std::string_view origin, std::string_view sale_ref,
                                       std::string_view campaign_id) = 0;
  // Every stored bonus entry of the member under the campaign `campaign_id`,
  // from every origin, in (hlc, entry_id) order.
  virtual Result<std::vector<StoredEntry>> BonusesOfMember(std::string_view member_id,
                                                           std::string_view campaign_id) = 0;
  // Every stored entry of the member (those filed by IndexByMember and
  // those after the fold's watermark), in seq order.
  virtual Result<std::vector<StoredEntry>> EntriesOfMember(std::string_view member_id) = 0;

  virtual Result<std::optional<GrantRecord>> FindGrant(std::string_view terminal_id,
                                                       std::string_view request_id) = 0;
  // Write transactions only.
  virtual Status InsertGrant(const GrantRecord& grant) = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_JOURNAL_STORE_H_
