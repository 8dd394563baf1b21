// The sync server's storage, as an interface: SyncService holds the protocol
// logic (merge, rights, paging) and asks the store only for plain reads and
// writes inside one transaction. SqliteServerStore is the embedded
// implementation; another database could implement the same contract.
//
// Contract every implementation keeps:
//   - One write transaction at a time; sequence numbers (NextSeq) are handed
//     out inside it, so they are monotonic in commit order.
//   - A read transaction sees one consistent snapshot: every change with a
//     sequence number <= LastSeq() and nothing later.
//   - Nothing a transaction wrote is visible or durable before Commit()
//     returns OK; destroying an uncommitted transaction rolls it back.
#ifndef PATRON_SYNC_SERVER_SERVER_STORE_H_
#define PATRON_SYNC_SERVER_SERVER_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "patron/hlc.h"
#include "patron/ledger.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/sync_server/channel_store.h"
#include "patron/sync_server/record_store.h"

namespace patron::sync {

// A member as the server keeps it: what terminals pull, plus the server's
// own redemption rights for the member.
struct MemberRecord {
  MemberState state;
  int64_t server_rights = 0;
};

struct StoredEntry {
  LedgerEntry entry;
  int64_t seq = 0;  // when it became visible
};

// A profile change waiting to be folded into its member's row: `seq` is
// the change sequence its acknowledgement carried, change.hlc the stamp the
// server acknowledged (change_id is not kept).
struct QueuedProfileChange {
  int64_t seq = 0;
  ProfileChange change;
};

struct TerminalRecord {
  std::string terminal_id;
  std::string store_id;
  std::string token_hash;  // SHA-256 hex of the bearer token; the token is never stored
  int64_t registered_ms = 0;
  std::optional<int64_t> last_sync_ms;
};

struct GrantRecord {
  std::string terminal_id;
  std::string request_id;
  std::string entry_id;  // the transfer it produced
};

// Per-store figures for head office (GET /v1/reports/stores).
struct StoreFigures {
  std::string store_id;
  int64_t members_enrolled = 0;
  int64_t sales = 0;            // distinct (terminal, sale_ref) with an earn or redeem
  int64_t points_earned = 0;    // earn + bonus
  int64_t points_redeemed = 0;  // redeem, as a positive number
  int64_t points_outstanding = 0;  // the sum of every balance effect booked to the store
};

class StoreTxn : public RecordTxn, public ChannelTxn {
 public:
  ~StoreTxn() override = default;

  // The store's epoch (stable for the life of its data).
  virtual Result<std::string> Epoch() = 0;
  // The highest sequence number handed out and committed (in this snapshot).
  virtual Result<int64_t> LastSeq() = 0;
  // Write transactions only: the next sequence number.
  virtual Result<int64_t> NextSeq() = 0;
  // Write transactions only: the next seq of the server's own entries
  // ("server/<n>"), a counter separate from the change sequence.
  virtual Result<int64_t> NextServerEntrySeq() = 0;
  // The server clock's high-water mark saved by the last committed write
  // (zero if none was ever saved).
  virtual Result<HlcTimestamp> SavedHlc() = 0;
  // Write transactions only: saves `hlc` with the commit, unless what is
  // saved is later already.
  virtual Status SaveHlc(HlcTimestamp hlc) = 0;

  // Every change with a sequence number <= FoldedSeq() is folded into the
  // member rows (SyncService::Fold); later entries and queued profile
  // changes are not yet. Member versions never exceed it.
  virtual Result<int64_t> FoldedSeq() = 0;
  // Write transactions only: moves the watermark forward to `seq`.
  virtual Status SetFoldedSeq(int64_t seq) = 0;

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
  // the int64 limits.
  virtual Result<int64_t> SpendSince(std::string_view member_id, int64_t since_ms) = 0;
  // Every holder's redemption rights for the member (ledger.h RightsEffect
  // summed over the member's entries: those filed by IndexByMember and those
  // after FoldedSeq()), by holder; holders with no entry are absent.
  virtual Result<std::map<std::string, int64_t>> RightsByHolder(std::string_view member_id) = 0;

  // Write transactions only: queues a profile change for the fold.
  virtual Status QueueProfileChange(const QueuedProfileChange& change) = 0;
  // Queued profile changes with seq in (after, through], in seq order.
  virtual Result<std::vector<QueuedProfileChange>> QueuedProfileChanges(int64_t after,
                                                                        int64_t through) = 0;
  // Write transactions only: drops the queued changes with seq <= through.
  virtual Status DropQueuedProfileChanges(int64_t through) = 0;

  virtual Result<std::optional<MemberRecord>> FindMember(std::string_view member_id) = 0;
  // Inserts or replaces the member (keyed by state.member_id).
  virtual Status PutMember(const MemberRecord& member) = 0;
  // Members with state.version > after, in version order, at most `limit`.
  virtual Result<std::vector<MemberState>> MembersAfter(int64_t after, int limit) = 0;
  // Members with member_id > after (bytewise), in member_id order, at most
  // `limit`: the key order a member snapshot is written in.
  virtual Result<std::vector<MemberState>> MembersByKey(std::string_view after, int limit) = 0;

  virtual Result<std::optional<GrantRecord>> FindGrant(std::string_view terminal_id,
                                                       std::string_view request_id) = 0;
  virtual Status InsertGrant(const GrantRecord& grant) = 0;

  virtual Result<std::optional<TerminalRecord>> FindTerminal(std::string_view terminal_id) = 0;
  virtual Result<std::optional<TerminalRecord>> FindTerminalByTokenHash(
      std::string_view token_hash) = 0;
  // Inserts or replaces (keyed by terminal_id).
  virtual Status PutTerminal(const TerminalRecord& terminal) = 0;
  virtual Result<std::vector<TerminalRecord>> ListTerminals() = 0;

  // The active rules (JSON, rules_codec) and their version; nullopt if none.
  virtual Result<std::optional<std::pair<int64_t, std::string>>> ActiveRules() = 0;
  virtual Status PutRules(int64_t version, std::string_view rules_json) = 0;

  virtual Result<std::vector<StoreFigures>> StoreReport() = 0;
  virtual Result<int64_t> CountEntries() = 0;

  // Makes the transaction's writes durable and visible.
  virtual Status Commit() = 0;
};

class ServerStore {
 public:
  virtual ~ServerStore() = default;
  // A write transaction waits for the previous one to finish.
  virtual Result<std::unique_ptr<StoreTxn>> BeginWrite() = 0;
  virtual Result<std::unique_ptr<StoreTxn>> BeginRead() = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SERVER_STORE_H_
