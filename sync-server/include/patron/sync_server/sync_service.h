// SyncService: the sync server's protocol logic (DESIGN.md §3, §4, §5) with
// no sockets and an injected clock. The HTTP adapter (patron-sync) and the
// in-process simulation both drive it.
//
// Every call names the caller: the terminal id that Authenticate() resolved
// from its bearer token. Thread-safe: writes are serialised by the store.
#ifndef PATRON_SYNC_SERVER_SYNC_SERVICE_H_
#define PATRON_SYNC_SERVER_SYNC_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "patron/hlc.h"
#include "patron/rules.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/sync_server/server_store.h"

namespace patron::sync {

struct SyncServiceOptions {
  // The chain key's public fingerprint (ChainKeyFingerprint); requests from
  // terminals provisioned with another key are refused, because two keys
  // would split one customer into two members.
  std::string chain_key_fingerprint;
  std::function<int64_t()> wall_clock_ms;  // default: system clock
  // Terminal timestamps further ahead of the server's clock than this are
  // clamped (profile writes) and not merged into the server's clock.
  int64_t max_clock_drift_ms = 5 * 60 * 1000;
  std::function<void(std::span<uint8_t>)> fill_random;  // tokens; default OpenSSL
  int max_pull_limit = 10'000;
  // Member snapshots for new terminals (protocol.h SnapshotInfo) are kept in
  // this directory, which the service owns; empty: no snapshots, every
  // terminal bootstraps page by page.
  std::string snapshot_dir;
  // BuildSnapshotIfDue builds a new snapshot once the store has moved this
  // many sequence numbers past the one served (the first at this many).
  int64_t snapshot_min_changes = 50'000;
  // ... and at least this long after the previous build began, whether it
  // succeeded or not (wall clock): under a steady stream of pushes a large
  // chain is not rewritten back to back, nor a failing build retried in a
  // loop. The first build does not wait.
  int64_t snapshot_min_interval_ms = 60'000;
  // The most bytes of a snapshot file one SnapshotChunk returns.
  int64_t snapshot_chunk_bytes = 8 << 20;

  // Folding (Fold). false: Push and Grant fold everything before they
  // return, so a pull right after sees their effect; for tests and small
  // setups. true: they only append, and the owner calls FoldIfDue from a
  // background thread (patron-sync does).
  bool fold_in_background = false;
  // The most sequence numbers one Fold takes (one write transaction).
  int64_t fold_batch_seqs = 100'000;
  // FoldIfDue folds once no push or grant is under way or waiting and none
  // has been for this long...
  int64_t fold_idle_ms = 100;
  // ... or once the oldest change not yet folded is this old, even while
  // pushes keep coming: a fold holds the store's one writer, so during a
  // burst it waits, up to this long, and the burst is acknowledged at the
  // speed of appending. The default is the terminals' default sync period.
  int64_t fold_max_lag_ms = 30'000;
};

// What one Fold did.
struct FoldStats {
  int64_t from_seq = 0;    // the watermark before
  int64_t folded_seq = 0;  // the watermark after
  int64_t last_seq = 0;    // the store's last sequence when it began
  int64_t entries = 0;
  int64_t profile_changes = 0;
  int64_t members = 0;    // member rows written
  int64_t saturated = 0;  // entries whose effect hit the int64 limits (ApplyEntry)
  int64_t skipped = 0;    // queued profile changes that no longer merge
};

// The fold's progress, for GET /metrics.
struct FoldGauge {
  int64_t folded_seq = 0;
  int64_t last_seq = 0;           // as last seen by a write
  int64_t oldest_pending_ms = 0;  // age of the oldest change not folded (0: none)
};

// The member snapshot being served, for GET /metrics.
struct SnapshotGauge {
  int64_t seq = 0;  // 0: none
  int64_t members = 0;
  int64_t bytes = 0;
};

struct RegisteredTerminal {
  std::string terminal_id;
  std::string store_id;
  std::string token;  // shown once; only its hash is stored
};

struct Caller {
  std::string terminal_id;
  std::string store_id;
};

// Counters for GET /metrics.
struct SyncCounters {
  std::atomic<int64_t> pushes{0};
  std::atomic<int64_t> pulls{0};
  std::atomic<int64_t> grants{0};
  std::atomic<int64_t> snapshots{0};  // bootstraps from a member snapshot
  std::atomic<int64_t> entries_ingested{0};
  std::atomic<int64_t> entries_duplicate{0};
  std::atomic<int64_t> entries_conflict{0};
  std::atomic<int64_t> profile_changes{0};
  // The up-channel (record_store.h): new records filed by kind, held whole
  // (kinds this server does not know), retried, conflicting, rejected; and
  // refunds that went past what was left of their sale.
  std::atomic<int64_t> records_filed{0};
  std::atomic<int64_t> records_held{0};
  std::atomic<int64_t> records_duplicate{0};
  std::atomic<int64_t> records_conflict{0};
  std::atomic<int64_t> records_rejected{0};
  std::atomic<int64_t> refunds_exceeding{0};
  std::atomic<int64_t> returns_claimed{0};  // online returns in another store
  std::atomic<int64_t> returns_matched{0};  // offline returns head office reversed
  // Refunds in several stores at once that took back more than their sale
  // gave, whose excess head office undid.
  std::atomic<int64_t> refunds_corrected{0};
  std::atomic<int64_t> folds{0};
  std::atomic<int64_t> entries_folded{0};
  std::atomic<int64_t> entries_saturated{0};
  std::atomic<int64_t> fold_skipped{0};
  std::atomic<int64_t> fold_us{0};  // time spent in folds that moved the watermark
};

class SyncService {
 public:
  SyncService(ServerStore& store, SyncServiceOptions options);

  // Registers (or re-registers, rotating the token of) a terminal.
  Result<RegisteredTerminal> RegisterTerminal(std::string_view terminal_id,
                                              std::string_view store_id);
  // Resolves an "Authorization: Bearer <token>" header value (or the bare
  // token). Unauthenticated if missing or unknown.
  Result<Caller> Authenticate(std::string_view authorization);

  // Inserts entries by id (ok / exists / conflict) and queues profile
  // changes for the fold, which merges them last-writer-wins. All or
  // nothing: a request with an entry the caller did not write
  // (PermissionDenied) or a malformed one (InvalidArgument) changes nothing.
  Result<PushResponse> Push(const Caller& caller, const PushRequest& request);
  // Member rows changed after the cursor, coalesced and paged, plus the
  // transfers addressed to the caller. Conflict ("cursor_reset") if the
  // cursor belongs to another epoch or lies beyond this server's history.
  Result<PullResponse> Pull(const Caller& caller, const PullRequest& request);
  // Moves `points` of the member's rights from the server to the caller if
  // the server's own rights cover them, counting entries not yet folded;
  // idempotent by request_id.
  Result<GrantResponse> Grant(const Caller& caller, const GrantRequest& request);

  // The member snapshot a terminal that has never pulled bootstraps from,
  // with the transfers addressed to the caller up to its sequence. NotFound
  // ("snapshot_unavailable") when there is none: pull page by page.
  Result<SnapshotInfo> Snapshot(const Caller& caller, const SnapshotRequest& request);
  // Up to snapshot_chunk_bytes of the snapshot file from `offset`. NotFound
  // ("snapshot_gone") once snapshot `seq` has been replaced by a newer one.
  Result<std::string> SnapshotChunk(const Caller& caller, int64_t seq, int64_t offset);
  // Builds a new snapshot if the one served is snapshot_min_changes behind
  // the store (or there is none and the store has come that far) and
  // snapshot_min_interval_ms have passed since the last build, then serves
  // it. Runs for seconds on a large store; one build at a time. Meant
  // for a background thread; true if it built one.
  Result<bool> BuildSnapshotIfDue();
  SnapshotGauge SnapshotState() const;

  // Folds the oldest changes not yet folded into member rows: at most
  // fold_batch_seqs sequence numbers, one write transaction (fold.cc).
  Result<FoldStats> Fold();
  // Folds until nothing is left.
  Status FoldAll();
  // One Fold if one is due (fold_idle_ms, fold_max_lag_ms); true if it moved
  // the watermark. Meant for a background thread that calls it in a loop.
  Result<bool> FoldIfDue();
  FoldGauge FoldState() const;

  // A return of another terminal's sale at the caller's till, online
  // (protocol.h ReturnClaimRequest): counted against the sale's totals
  // across every store and answered with what the till reverses.
  // Idempotent by refund_id. NotFound "unknown_sale" while the sale has not
  // reached head office (the till records a pending return); the refusals
  // of PlanRefund ("refund_exceeds_sale", "already_refunded", ...).
  Result<ReturnClaimResponse> ClaimReturn(const Caller& caller, const ReturnClaimRequest& request);

  // Puts `item` on the down-channel (its seq is assigned here), replacing
  // its predecessor: what head office's services send to tills.
  Result<DownItem> Publish(DownItem item);
  // Publishes version `version` of the replace-all set `name` to every till,
  // in parts of at most `part_rows` rows, in one transaction: a till
  // switches to it once it holds every part. The version must be above the
  // last published (FailedPrecondition "stale_set").
  Status PublishSet(std::string_view name, int64_t version,
                    const std::vector<record::RawJson>& rows, int64_t part_rows = 10'000);

  // A sale as head office holds it (any store's), with its refunded totals
  // across every store; nullopt if it has not arrived.
  Result<std::optional<StoredSale>> FindSale(std::string_view sale_id);
  // The refunds of a sale, from every store, in the order they arrived.
  Result<std::vector<StoredRefund>> RefundsOfSale(std::string_view sale_id);

  // Installs a rules snapshot (validated; version must increase).
  Status PublishRules(const Rules& rules);
  Result<std::vector<StoreFigures>> StoreReport();
  Result<std::vector<TerminalRecord>> Terminals();

  const SyncCounters& counters() const { return counters_; }
  int64_t NowMs() const { return options_.wall_clock_ms(); }

 private:
  Status CheckFingerprint(std::string_view fingerprint) const;
  // Merges a remote timestamp into the server clock unless it is too far
  // ahead; returns the server's current timestamp.
  HlcTimestamp MergeClock(HlcTimestamp remote);
  // The server clock's next timestamp.
  HlcTimestamp TickClock();
  // The server's clock is persisted with the data it stamps (DESIGN.md §4).
  // A transaction calls ResumeClock before it stamps anything (data, or a
  // reply's server_hlc): the clock continues above the mark the last commit
  // saved, which a clock now behind it (after a restart) may have issued.
  // A write transaction calls SaveClock just before Commit, so the mark
  // saved covers every stamp it wrote.
  Status ResumeClock(StoreTxn& txn);
  Status SaveClock(StoreTxn& txn);
  Result<Rules> ActiveRules(StoreTxn& txn);
  // Puts `item` on the down-channel at the transaction's next sequence
  // number, replacing its predecessor (channel_store.h).
  Result<DownItem> PublishItem(StoreTxn& txn, DownItem item);
  // Tells the terminal that made `sale_id` what other terminals have
  // refunded of it (a "sale_refunds" item), so its own refunds count them.
  Status PublishRefundsElsewhere(StoreTxn& txn, std::string_view sale_id);
  // Saves the clock, commits a write transaction that took sequence numbers,
  // and folds at once unless folds run in the background.
  Status CommitWrite(StoreTxn& txn);
  // Writes an entry of head office's own (origin "server") from `draft`:
  // its id, seq, store, time and rule version are filled in here. Inside the
  // caller's write transaction, after ResumeClock.
  Result<StoredEntry> WriteServerEntry(StoreTxn& txn, LedgerEntry draft);
  // Around every push and grant: FoldIfDue does not start a fold while one
  // is under way or waiting for the writer.
  class WriteActivity {
   public:
    explicit WriteActivity(SyncService& service);
    ~WriteActivity();
    WriteActivity(const WriteActivity&) = delete;
    WriteActivity& operator=(const WriteActivity&) = delete;

   private:
    SyncService& service_;
  };
  // In a write transaction that took sequence numbers, before it commits
  // (while no fold can run): starts the lag clock if it is not running.
  void NoteWriting();
  // After a write commits that took sequence numbers up to `last_seq`.
  void NoteWritten(int64_t last_seq);
  // The fold's watermark and the last sequence as stored, into the atomics
  // below (at construction).
  void LoadFoldState();
  void NoteFolded(int64_t folded_seq, int64_t last_seq);

  struct ServedSnapshot;
  std::shared_ptr<const ServedSnapshot> ServedSnapshotNow() const;
  Result<std::shared_ptr<const ServedSnapshot>> WriteSnapshot(StoreTxn& txn, int64_t seq);

  ServerStore& store_;
  SyncServiceOptions options_;
  // Records that a terminal synced now. Pulls change nothing in the store,
  // so their times are kept here (a write per pull page would cost a disk
  // flush); pushes also persist it.
  void MarkSeen(const std::string& terminal_id);

  std::mutex clock_mu_;
  HybridClock clock_;
  std::mutex seen_mu_;
  std::map<std::string, int64_t> last_seen_ms_;
  SyncCounters counters_;
  std::mutex snapshot_build_mu_;  // one build at a time
  mutable std::mutex snapshot_mu_;
  std::shared_ptr<const ServedSnapshot> snapshot_;  // guarded by snapshot_mu_
  int64_t snapshot_started_ms_ = 0;                 // guarded by snapshot_build_mu_
  std::atomic<int64_t> last_write_ms_{0};
  std::atomic<int> writes_in_flight_{0};
  std::atomic<int64_t> pending_since_ms_{0};  // 0: nothing known to be pending
  std::atomic<int64_t> folded_seq_{0};
  std::atomic<int64_t> last_seq_{0};
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SYNC_SERVICE_H_
