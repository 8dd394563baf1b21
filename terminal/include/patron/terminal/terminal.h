// patron::terminal::Terminal: the loyalty engine of one till, over one SQLite
// file. Every operation is one SQLite transaction, works with no network, and
// either commits whole or changes nothing.
//
// Thread safety: all methods may be called from any thread; they are
// serialised internally (one connection, one writer).
#ifndef PATRON_TERMINAL_TERMINAL_H_
#define PATRON_TERMINAL_TERMINAL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "patron/member_id.h"
#include "patron/rules.h"
#include "patron/sql/database.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

// The page cache while a pull of several pages is applied (a new terminal's
// first sync, a long absence). 10,000-row pages over a large replica apply
// about twice as fast with 32 MiB as with 2; 128 MiB holds a million-member
// replica's phone index and, with rows applied in key order, took patrond's
// first sync of a million members from ~59 s to 44-52 s, for a peak RSS of
// ~190 MiB while it lasts. Everyday work keeps the configured cache: one
// that grows during look-ups costs page faults (FindByPhone's p99), and an
// idle daemon should stay small; the pages are freed when the pull ends
// (docs/BENCHMARKS.md).
inline constexpr int kBulkPullCacheKib = 128 * 1024;

struct TerminalOptions {
  std::string db_path;      // the SQLite file; created on first open
  std::string terminal_id;  // e.g. "S001-T01"
  std::string store_id;     // e.g. "S001"
  // Chain-wide settings provisioned with the terminal's token (DESIGN.md §2).
  std::string chain_key = std::string(kDemoChainKey);
  std::string default_country_code = "1";
  // Injected so tests and the simulation control time and randomness.
  std::function<int64_t()> wall_clock_ms;                // default: system clock
  std::function<void(std::span<uint8_t>)> fill_random;  // default: OpenSSL RAND_bytes
  int64_t max_clock_drift_ms = 5 * 60 * 1000;
  // cache_size_kib 0 keeps SQLite's 2 MiB page cache for everyday work; a
  // multi-page pull raises it to kBulkPullCacheKib while it lasts.
  sql::DatabaseOptions db_options;
  // Checkpoint the WAL on a thread of its own instead of inside the commit
  // that fills it (sql::WalCheckpointer): patrond's checkouts then never pay
  // for a checkpoint. Off by default: tests and the simulation keep SQLite's
  // own single-threaded behaviour.
  bool background_checkpoints = false;
  // A database this open creates writes no journal entry until head office
  // has told it the highest sequence it holds from this terminal (a push or
  // pull reply): a replaced or re-imaged till with an empty database must
  // not reuse ids its predecessor used (DESIGN.md §4). patrond sets it when
  // it has a head office; tests and the simulation without one leave it off.
  // Has no effect on an existing database.
  bool await_journal_mark = false;
};

class Terminal {
 public:
  // Opens or creates the terminal's database. Refuses a file that belongs to
  // another terminal or another chain key (FailedPrecondition).
  static Result<std::unique_ptr<Terminal>> Open(TerminalOptions options);
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  Result<EnrolResult> Enrol(const EnrolRequest& request);
  Result<Member> FindByPhone(std::string_view phone);
  Result<Member> FindById(std::string_view member_id);
  Result<Member> FindByCard(std::string_view card);
  // Last-writer-wins per field, ordered by (HLC, origin).
  Result<Member> UpdateProfile(std::string_view member_id, const ProfilePatch& patch);

  // Previews a sale; writes nothing.
  Result<Quote> QuoteSale(const SaleRequest& request);
  // This terminal's own redemption rights for the member: negative when a
  // refund here took back points it had already handed to the server. A
  // grant must fill that hole before it covers any new spending.
  Result<int64_t> RightsHere(std::string_view member_id);
  // Earn on the money paid plus an optional redemption, in one transaction.
  // Idempotent by sale_ref: the same request returns the stored result
  // (replayed = true); a different request with that sale_ref is a Conflict.
  Result<SaleResult> Checkout(const SaleRequest& request);
  // The stored result of an earlier checkout (a POS whose request timed out
  // asks whether it went through). NotFound ("unknown_sale") if it did not.
  Result<SaleResult> FindSale(std::string_view sale_ref);
  // A refund of a sale made here: full or partial, by amount or by lines;
  // idempotent by refund_ref.
  Result<RefundResult> Refund(const RefundRequest& request);
  // A return of a sale made at request.sale_terminal, with head office's
  // claim (its reversals are written here) or without (a pending return by
  // amount). RefundAnywhere (online_checkout.h) decides which.
  Result<RefundResult> ReturnForeignSale(const RefundRequest& request,
                                         const std::optional<sync::ReturnClaimResponse>& claim);
  Result<bool> HasRefund(std::string_view refund_ref);
  // The checks Refund and ReturnForeignSale make of a request before they
  // look anything up (InvalidArgument naming the field).
  static ::patron::Status ValidateRefund(const RefundRequest& request);

  // The member's entries known here, newest first; `before` is the
  // next_before of the previous page (0 = from the newest).
  Result<HistoryPage> History(std::string_view member_id, int limit, int64_t before = 0);

  // The member's vouchers known here, oldest issued first.
  Result<std::vector<MemberVoucher>> Vouchers(std::string_view member_id);
  // Head office's next-best offers for the member (offer.h), the best first,
  // as the version of its "offers" set in force here gives them: none
  // before one arrives. NotFound "unknown_member" for a member not here.
  Result<std::vector<Offer>> Offers(std::string_view member_id);
  // Head office's answer to this terminal's claim of a voucher
  // (SyncClient::ClaimVoucher): it holds the voucher now.
  ::patron::Status TakeClaimedVoucher(const Voucher& voucher);

  // The rewards catalogue in force (reward.h), for `member_id` ("" = no
  // one) with what the member may have.
  Result<std::vector<RewardOffer>> Rewards(std::string_view member_id);
  // A points exchange (engine/exchanges.h ExchangeReward); idempotent by
  // exchange_ref. ExchangeWithHeadOffice (online_checkout.h) adds a grant
  // of rights or of stock when this terminal is short of either.
  Result<ExchangeResult> Exchange(const ExchangeRequest& request);
  // The member's exchanges known here (this till's, and other tills' once
  // head office has sent them), oldest first.
  Result<std::vector<ExchangeRecord>> Exchanges(std::string_view member_id);
  // The stored answer to an earlier exchange; NotFound "unknown_exchange".
  Result<ExchangeResult> FindExchange(std::string_view exchange_ref);
  // Records a member's feedback and queues it for head office
  // (engine/feedback.h RecordFeedback); idempotent by feedback_ref.
  Result<FeedbackResult> RecordFeedback(const FeedbackRequest& request);
  // Head office's answer to a request for stock (SyncClient::ClaimStock):
  // this terminal's share of the reward's stock, in all.
  ::patron::Status TakeStockGrant(std::string_view reward_id, int64_t granted);
  // The shares of campaigns' budgets (campaign.h CampaignBudget) a sync
  // round asks head office for (engine/budgets.h), and taking its answers.
  Result<std::vector<sync::StockClaimRequest>> BudgetClaims(bool learn_all);
  ::patron::Status TakeBudgetShare(const sync::StockClaimResponse& answer);

  Result<TerminalStatus> Status();
  // A new database waiting for head office's journal mark (its checkouts and
  // refunds answer Unavailable "journal_unconfirmed") that cannot reach head
  // office goes on from a random sequence instead (JournalIncarnation), so
  // that it sells offline without reusing an earlier database's ids. Does
  // nothing to a confirmed journal.
  ::patron::Status StartJournalIncarnation();
  // The rows of the version in force of replace-all set `name` (segments,
  // offers; sync/down_items.h), each the JSON object head office sent;
  // empty before any version is whole here.
  Result<std::vector<std::string>> SetRows(std::string_view name);
  // A copy: the rules may be replaced by a sync at any time.
  Rules rules() const;
  const std::string& chain_key_fingerprint() const;

  // ---- Sync (DESIGN.md §4). SyncClient drives these; each is one
  // transaction. ----
  Result<sync::PushRequest> PendingPush(int max_entries, int max_changes);
  Result<PushSummary> ApplyPushResponse(const sync::PushRequest& sent,
                                        const sync::PushResponse& response);
  Result<int> HandBackRights();
  Result<sync::PullRequest> NextPull(int limit);
  // A page with more to follow raises the page cache to kBulkPullCacheKib
  // until EndPull.
  Result<PullPageSummary> ApplyPullPage(const sync::PullResponse& page);
  // Ends a pull, complete or cut short: the everyday page cache comes back.
  ::patron::Status EndPull();
  ::patron::Status ResetSyncState();
  // Where a member snapshot is downloaded to: beside the database file.
  // FailedPrecondition for an in-memory database (no bootstrap from a file).
  Result<std::string> SnapshotPath() const;
  // Takes a downloaded member snapshot into the replica and moves the cursor
  // to its sequence (engine/snapshot_ops.h); returns the member rows taken.
  Result<int64_t> AdoptSnapshot(const std::string& path, const sync::SnapshotInfo& info);
  ::patron::Status ApplyGrant(const sync::GrantResponse& grant);
  ::patron::Status RecordSyncSuccess();

 private:
  struct Impl;
  explicit Terminal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_TERMINAL_H_
