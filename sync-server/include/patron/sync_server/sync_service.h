// SyncService: the sync server's protocol logic (DESIGN.md §3, §4, §5) with
// no sockets and an injected clock. The HTTP adapter (patron-sync) and the
// in-process simulation both drive it.
//
// A facade over head office's role services, each with its own state and
// its own roles of the store (server_store.h):
//   ServerClock       the hybrid clock, persisted with what it stamps
//   TerminalRegistry  registration, tokens, when terminals last synced
//   MemberFolder      folding appended changes into member rows, and when
//   SnapshotServer    member snapshot files for bootstrapping terminals
// and the protocol's operations, one file each: push.cc, pull.cc,
// grant.cc, returns.cc (with record_filer.cc), snapshot.cc, and in
// sync_service.cc the down-channel, rules and reports.
//
// Every call names the caller: the terminal id that Authenticate() resolved
// from its bearer token. Thread-safe: writes are serialised by the store.
#ifndef PATRON_SYNC_SERVER_SYNC_SERVICE_H_
#define PATRON_SYNC_SERVER_SYNC_SERVICE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "patron/hlc.h"
#include "patron/rules.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/sync_server/analytics_reports.h"
#include "patron/sync_server/case_flow.h"
#include "patron/sync_server/entry_policy.h"
#include "patron/sync_server/head_office_accounts.h"
#include "patron/sync_server/member_folder.h"
#include "patron/sync_server/rule_packs.h"
#include "patron/sync_server/server_clock.h"
#include "patron/sync_server/server_store.h"
#include "patron/sync_server/snapshot_server.h"
#include "patron/sync_server/sync_counters.h"
#include "patron/sync_server/terminal_registry.h"

namespace patron::sync {

// A voucher head office is asked to issue (POST /v1/admin/vouchers): the
// voucher's id ("" = head office makes one), member, name, source and
// benefit; its window as pack times, read in the offset of the pack in
// force unless they name one (valid_from "" = now); and the terminal to
// place it at, so that till can redeem it offline ("" = head office keeps
// it until a till claims it).
struct VoucherIssue {
  Voucher voucher;
  std::string valid_from;
  std::string valid_until;
  std::string place_at;
};

struct IssuedVoucher {
  Voucher voucher;
  bool created = false;  // false: the same voucher was issued before
};

// What a filed exchange did that its till should not have (a security
// event's reason and message).
struct ExchangeExcess {
  std::string reason;
  std::string message;
};

// What one run of IssueGifts did.
struct GiftRun {
  int64_t members_scanned = 0;
  int64_t vouchers_issued = 0;
};

// What one run of RunExpiry did.
struct ExpiryRun {
  int64_t members = 0;            // members whose lots owed expiry
  int64_t entries = 0;            // expire and adjust entries written
  int64_t points_expired = 0;     // taken by expiry
  int64_t points_given_back = 0;  // expired too much, given back (lots.h)
};

// A reward's stock as head office holds it (GET /v1/admin/rewards).
struct RewardStock {
  std::string reward_id;
  std::string name;
  int64_t stock = 0;                      // 0 = no limit
  int64_t handed_out = 0;                 // the tills' shares together
  int64_t exchanged = 0;                  // reported by tills so far
  std::map<std::string, int64_t> shares;  // terminal id -> its share
};

// A campaign's budget as head office holds it (GET /v1/admin/campaigns/
// budgets; campaign.h CampaignBudget).
struct CampaignBudgetState {
  std::string campaign_id;
  std::string name;
  int64_t budget = 0;                         // points, in all
  int64_t handed_out = 0;                     // the tills' shares together
  int64_t used = 0;                           // given by the tills' awards so far
  std::map<std::string, BudgetShare> shares;  // terminal id -> its share
};

// A complaint case as head office shows it: the case, its SLA timers now,
// the complaint, and (one case asked for) its timeline.
struct CaseView {
  CaseRecord record;
  CaseSla sla;
  FeedbackRecord complaint;
  std::vector<CaseNote> notes;
};

// One action on a case (case_flow.h) by a head-office user: the reply or
// note's text, the assignee to assign ("" unassigns), the points of a
// goodwill compensation (1 to kMaxGoodwillPoints).
struct CaseUpdate {
  CaseAction action = CaseAction::kNote;
  std::string text;
  std::string assignee;
  int64_t points = 0;
};
inline constexpr int64_t kMaxGoodwillPoints = 1'000'000;
inline constexpr size_t kMaxCaseNoteBytes = 4000;

// Open cases now (GET /metrics): how many, and how many past each SLA.
struct CaseGauge {
  int64_t open = 0;  // open, replied or on hold
  int64_t first_response_breached = 0;
  int64_t resolution_breached = 0;
};

// Everything head office holds about one member (GDPR Art. 15 and 20,
// PIPL Art. 45): the profile with its consents, balance, tier and lots;
// the ledger; purchases and returns with their lines; vouchers, exchanges
// and the campaigns that gave to them or held them out; what head office
// derived about them (metrics, segments' inputs); their feedback and the
// cases it opened, with their timelines.
struct MemberExport {
  int64_t exported_ms = 0;
  std::optional<MemberState> member;  // nullopt: entries only, no row yet
  std::vector<LedgerEntry> entries;
  std::vector<SaleRecord> sales;
  std::vector<RefundRecord> refunds;
  std::vector<Voucher> vouchers;
  std::vector<ExchangeRecord> exchanges;
  std::vector<CampaignMember> campaigns;
  std::optional<MemberMetrics> metrics;
  std::vector<FeedbackRecord> feedback;
  std::vector<CaseView> cases;
};

struct SyncServiceOptions {
  // The chain key's public fingerprint (ChainKeyFingerprint); requests from
  // terminals provisioned with another key are refused, because two keys
  // would split one customer into two members.
  std::string chain_key_fingerprint;
  std::function<int64_t()> wall_clock_ms;  // default: system clock
  // Terminal timestamps further ahead of the server's clock than this are
  // clamped (profile writes) and not merged into the server's clock.
  int64_t max_clock_drift_ms = 5 * 60 * 1000;
  // What one entry a till pushes may hold (entry_policy.h).
  EntryLimits entry_limits;
  // Called, after the push commits, with each entry refused from a till
  // (patron-sync writes them to its log); optional.
  std::function<void(const SecurityEvent&)> on_security_event;
  std::function<void(std::span<uint8_t>)> fill_random;  // tokens; default OpenSSL
  int max_pull_limit = 10'000;
  // Member snapshots for new terminals (snapshot_server.h); no directory:
  // none, every terminal bootstraps page by page.
  SnapshotOptions snapshot;

  // Folding (member_folder.h). false: Push and Grant fold everything before
  // they return, so a pull right after sees their effect; for tests and
  // small setups. true: they only append, and the owner calls FoldIfDue
  // from a background thread (patron-sync does), which waits while writes
  // come, up to fold.max_lag_ms (by default the terminals' sync period): a
  // fold holds the store's one writer, so during a burst pushes are
  // acknowledged at the speed of appending.
  bool fold_in_background = false;
  FoldOptions fold;
  // Head office's accounts and sessions (head_office_accounts.h).
  AccountOptions accounts;
  // How soon a complaint must be answered and resolved (case_flow.h).
  CaseSlaPolicy case_sla;
};

class SyncService {
 public:
  SyncService(ServerStore& store, SyncServiceOptions options);

  // TerminalRegistry::Register and Authenticate.
  Result<RegisteredTerminal> RegisterTerminal(std::string_view terminal_id,
                                              std::string_view store_id);
  Result<Caller> Authenticate(std::string_view authorization);

  // Inserts entries by id (ok / exists / conflict) and queues profile
  // changes for the fold, which merges them last-writer-wins. An entry the
  // caller may not write (entry_policy.h: a kind, amount or reverse a till
  // may not write, a redeem beyond its rights) is answered `rejected` with
  // its reason, logged (SecurityEvents) and counted; the rest of the push
  // goes on. A request with an entry the caller did not write
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
  // SnapshotServer::Chunk, for the caller.
  Result<std::string> SnapshotChunk(const Caller& caller, int64_t seq, int64_t offset);
  // SnapshotServer::BuildIfDue and State.
  Result<bool> BuildSnapshotIfDue();
  SnapshotGauge SnapshotState() const;

  // MemberFolder's Fold, FoldAll, FoldIfDue and State.
  Result<FoldStats> Fold();
  Status FoldAll();
  Result<bool> FoldIfDue();
  FoldGauge FoldState() const;
  // MemberFolder::QueueReviews: tier reviews and spend leaving the window,
  // at most `limit` members; folded at once unless folding in the
  // background. patron-sync calls it every minute and on
  // POST /v1/admin/members/review.
  Result<int64_t> QueueMemberReviews(int limit = 10'000);

  // A return of another terminal's sale at the caller's till, online
  // (protocol.h ReturnClaimRequest): counted against the sale's totals
  // across every store and answered with what the till reverses.
  // Idempotent by refund_id. NotFound "unknown_sale" while the sale has not
  // reached head office (the till records a pending return); the refusals
  // of PlanRefund ("refund_exceeds_sale", "already_refunded", ...).
  Result<ReturnClaimResponse> ClaimReturn(const Caller& caller, const ReturnClaimRequest& request);

  // Vouchers (records/voucher.h; vouchers.cc). IssueVoucher stores and
  // publishes one; issued again with the same terms (a retry) it answers the
  // stored voucher. Refuses: the refusals of ValidateVoucher and of pack
  // times; NotFound "unknown_member" (head office does not hold the member),
  // "unknown_terminal" (place_at); Conflict "voucher_id_taken" (other terms
  // under that id).
  Result<IssuedVoucher> IssueVoucher(const VoucherIssue& issue);
  // Hands the voucher to the calling till, if head office holds it (or the
  // till does: a claim again supersedes a give-back on its way). Refuses:
  // NotFound "unknown_voucher"; PermissionDenied "voucher_other_member";
  // Conflict "voucher_used"; FailedPrecondition "voucher_expired"; Conflict
  // "voucher_held_elsewhere" when another till holds it, which head office
  // then asks to give it back (recall).
  Result<Voucher> ClaimVoucher(const Caller& caller, const VoucherClaimRequest& request);
  // The member's vouchers, oldest first.
  Result<std::vector<Voucher>> MemberVouchers(std::string_view member_id);
  // Head office takes a voucher back from a till that will not give it
  // back (gone, or on a build without vouchers): a new holding, so nothing
  // that till says of the old one counts. Should that till have used it
  // offline, the sale still marks it used when it arrives, and the member
  // may have had it twice: meant for tills that are gone. NotFound
  // "unknown_voucher"; Conflict "voucher_used".
  Result<Voucher> TakeBackVoucher(std::string_view voucher_id);

  // Points exchanges (reward.h, records/exchange.h; exchanges.cc).
  // ClaimStock raises the calling till's share of a reward's stock towards
  // request.want, as far as the stock not handed out allows, and answers
  // the share it holds. Refuses: InvalidArgument "invalid_want",
  // "reward_without_stock" (no limit to share); NotFound "unknown_reward"
  // (no published pack has it). A claim naming a campaign_id instead is of
  // the campaign's budget (budgets.cc), likewise: InvalidArgument
  // "invalid_claim" (both or neither named), "campaign_without_budget";
  // NotFound "unknown_campaign".
  Result<StockClaimResponse> ClaimStock(const Caller& caller, const StockClaimRequest& request);
  // The member's exchanges, oldest first.
  Result<std::vector<ExchangeRecord>> MemberExchanges(std::string_view member_id);
  // Every reward of the published packs (the newest pack holding each id),
  // with its stock, the shares handed to tills and how many were exchanged.
  Result<std::vector<RewardStock>> RewardStocks();
  // Every campaign of the published packs with a budget (the newest pack
  // holding each id), with the tills' shares and what they gave.
  Result<std::vector<CampaignBudgetState>> CampaignBudgets();

  // Issues the gifts of the pack in force (reward.h Gift) that are due now
  // as vouchers head office holds, to every active member: birthday gifts
  // days_before the birthday, welcome gifts to members who joined within
  // days_before days. Idempotent (gifts.cc). patron-sync runs it hourly;
  // POST /v1/admin/gifts/run at once.
  Result<GiftRun> IssueGifts();

  // Writes the expiry the members' points lots owe today (expiry.cc):
  // `expire` entries for what is left of lots past their day, and the
  // points late entries show were expired too much given back. Idempotent;
  // patron-sync runs it hourly, POST /v1/admin/expiry/run at once.
  Result<ExpiryRun> RunExpiry();

  // Computes every member's metrics and the active pack's segments from
  // the analytics, stores them with the run (sizes, movement since the run
  // before, RFM counts), and ships the membership to every till as the next
  // version of the set "segments" (segments_run.cc). One run at a time;
  // patron-sync runs it daily, POST /v1/admin/segments/run at once.
  Result<SegmentRun> RunSegments();
  // RunSegments unless a run has been made today (local) with the pack in
  // force; nullopt when none was due.
  Result<std::optional<SegmentRun>> RunSegmentsIfDue();

  // Measures every campaign's effect against its holdout, the monthly
  // cohorts' retention and the points liability with its expiry by month,
  // from the members, the analytics and the last metrics run, and stores
  // the run (insights_run.cc). One run at a time; patron-sync runs it daily
  // after the segments, POST /v1/admin/insights/run at once.
  Result<InsightRun> RunInsights();
  // RunInsights unless a run has been made today (local); nullopt when
  // none was due.
  Result<std::optional<InsightRun>> RunInsightsIfDue();

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

  // Rule packs (rule_packs.h). PublishRules stores a validated pack whose
  // version is above every published one (Conflict "stale_rules" if not)
  // and sends it to every till, which switches to it at its activate_at.
  Status PublishRules(const Rules& rules);
  // Every published version, ascending, with its state at this server's time.
  Result<std::vector<PublishedPack>> Packs();
  // Evaluate (evaluate.h) of the request's basket at its time.
  // NotFound "unknown_pack_version" for a version never published.
  Result<DryRunResult> DryRun(const DryRunRequest& request);
  Result<std::vector<StoreFigures>> StoreReport();
  // What head office refused from tills, oldest first: the events with an
  // id above `after`, at most `limit`.
  Result<std::vector<SecurityEvent>> SecurityEvents(int64_t after, int limit);
  // TerminalRegistry::Terminals.
  Result<std::vector<TerminalRecord>> Terminals();

  // Member services (DESIGN.md §11; cases.cc). The feedback tills sent,
  // newest first, a page after the filter's cursor; counts by store and
  // kind (and local month, in the analytics' offset) with the ratings, NPS
  // and CSAT, in a window.
  Result<std::vector<FeedbackRecord>> Feedback(const FeedbackFilter& filter);
  Result<std::vector<FeedbackCount>> FeedbackSummary(int64_t from_ms, int64_t to_ms,
                                                     std::string_view store_id, bool by_month);
  // The time local day `day` ("YYYY-MM-DD") starts, in the analytics' UTC
  // offset (the active pack's). InvalidArgument "invalid_day".
  Result<int64_t> LocalDayStartMs(std::string_view day);
  // Cases oldest first, a page after the filter's cursor (without notes).
  Result<std::vector<CaseView>> Cases(const CaseFilter& filter);
  // One case with its timeline. NotFound "unknown_case".
  Result<CaseView> Case(std::string_view case_id);
  // Applies `update` by `author` and notes it in the case's timeline;
  // answers the case after. Refuses, changing nothing: NotFound
  // "unknown_case"; the refusals of ApplyCaseAction; InvalidArgument
  // "invalid_case_update" (a reply or note without text, text too long,
  // compensation points out of range); Conflict "already_compensated";
  // FailedPrecondition "unknown_member" (compensation for a member head
  // office does not hold yet). A compensation is an `adjust` entry of head
  // office's (detail.reason "goodwill", detail.request_id the case id),
  // written in the same transaction.
  Result<CaseView> UpdateCase(std::string_view case_id, const CaseUpdate& update,
                              std::string_view author);
  // The open cases and their breaches now.
  Result<CaseGauge> CaseState();

  // Everything head office holds about the member, folded up to now
  // (member_export.cc). InvalidArgument "invalid_member_id"; NotFound
  // "unknown_member" when head office holds nothing of them.
  Result<MemberExport> ExportMember(std::string_view member_id);

  // Head office's analytics (analytics_reports.h).
  AnalyticsReports& analytics() { return analytics_; }
  // Head office's people: accounts, sessions, the audit log.
  HeadOfficeAccounts& accounts() { return accounts_; }

  const SyncCounters& counters() const { return counters_; }
  int64_t NowMs() const { return options_.wall_clock_ms(); }

 private:
  Status CheckFingerprint(std::string_view fingerprint) const;
  // Puts `item` on the down-channel at the transaction's next sequence
  // number, replacing its predecessor (channel_store.h).
  Result<DownItem> PublishItem(StoreTxn& txn, DownItem item);
  // Tells the terminal that made `sale_id` what other terminals have
  // refunded of it (a "sale_refunds" item), so its own refunds count them.
  Status PublishRefundsElsewhere(StoreTxn& txn, std::string_view sale_id);
  // Stores `voucher` and sends it to every till (a "voucher" item).
  Status PutVoucher(StoreTxn& txn, const Voucher& voucher);
  // A till's sale `sale_id` used the voucher (a sale's award, or the bonus
  // entry `bonus_entry`, "" for the sale record): marks it used by that sale.
  // Returns why the till may not (voucher_use.h), for the caller to log;
  // nullopt once marked. A bonus so refused changes nothing; a sale record
  // still marks the member's unused voucher used (its discount was given).
  Result<std::optional<std::string>> UseVoucher(StoreTxn& txn, std::string_view terminal_id,
                                                std::string_view member_id,
                                                std::string_view voucher_id,
                                                std::string_view sale_id, int64_t at_ms,
                                                std::string_view bonus_entry);
  // Files a till's exchange (RecordFiler's hook): checks it against the
  // reward of its pack version (InvalidArgument "invalid_record", nothing
  // written, for one to reject), stores it, sends it to every till, and
  // issues the voucher it bought, held by that till. Returns what the till
  // should not have done though it happened: more than its share of the
  // stock ("reward_stock_exceeded"), more than the member's limit
  // ("reward_limit_exceeded", two offline tills), for the caller to log.
  Result<std::vector<ExchangeExcess>> FileExchange(StoreTxn& txn, const ExchangeRecord& exchange);
  // Files a till's feedback (RecordFiler's hook): stores it and opens a
  // case for a complaint, its SLA from when the member complained (the
  // till's clock, never later than now).
  Status FileFeedback(StoreTxn& txn, const FeedbackRecord& feedback);
  // The case with its SLA timers at now_ms and its complaint, and its
  // notes when `with_notes`.
  Result<CaseView> ViewCase(StoreTxn& txn, CaseRecord record, int64_t now_ms, bool with_notes);
  // ClaimStock of a campaign's budget (budgets.cc).
  Result<StockClaimResponse> ClaimBudget(const Caller& caller, const StockClaimRequest& request);
  // A till gave a recalled voucher back: head office holds it again, unless
  // the till has claimed it since (a newer holder_gen) or it was used.
  Status ReleaseVoucher(StoreTxn& txn, const VoucherRelease& release);
  // Saves the clock, commits a write transaction that took sequence numbers,
  // and folds at once unless folds run in the background.
  Status CommitWrite(StoreTxn& txn);
  // Writes an entry of head office's own (origin "server") from `draft`:
  // its id, seq, store, time and rule version are filled in here. Inside the
  // caller's write transaction, after clock_.Resume.
  Result<StoredEntry> WriteServerEntry(StoreTxn& txn, LedgerEntry draft);
  // After `reverse` is stored: if the reverses of the entry it names, from
  // every store, now exceed that entry (refunds in two stores at once), writes
  // head office's reverse of the excess (entry_guard.h ExcessReversal) and
  // returns true.
  Result<bool> SettleReversals(StoreTxn& txn, const LedgerEntry& reverse);
  // After a till's `bonus` is stored: of the member's awards of its
  // campaign, head office reverses what is left of each one given when, by
  // HLC, earlier awards in its period already reached the limit of the
  // award's own pack version (CampaignLimit; detail.reason
  // "campaign_limit"); returns how many.
  Result<int64_t> SettleCampaignLimit(StoreTxn& txn, const LedgerEntry& bonus);
  // Logs that a pulling till's journal is behind head office's mark
  // (service/journal_restart.h), in a write transaction of its own.
  Status LogJournalBehind(const Caller& caller, int64_t next_seq);

  ServerStore& store_;
  const SyncServiceOptions options_;
  SyncCounters counters_;
  ServerClock clock_;
  TerminalRegistry terminals_;
  MemberFolder folder_;
  SnapshotServer snapshots_;
  AnalyticsReports analytics_;
  HeadOfficeAccounts accounts_;
  std::mutex expiry_mutex_;    // RunExpiry: one run at a time
  std::mutex segments_mutex_;  // RunSegments: one run at a time
  std::mutex insights_mutex_;  // RunInsights: one run at a time
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SYNC_SERVICE_H_
