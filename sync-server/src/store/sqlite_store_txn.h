// SqliteStoreTxn: one SQLite transaction on a connection lent by
// SqliteServerStore, implementing the StoreTxn contract (server_store.h).
//
// A write transaction runs BEGIN IMMEDIATE on the store's single writer
// connection; a read transaction runs BEGIN DEFERRED on a reader connection
// and reads server_state first, which pins its WAL snapshot for the rest of
// the transaction. Both read the counters of server_state at Begin; a write
// transaction hands out sequence numbers from memory and writes the counters
// back just before COMMIT, so a rollback gives them back with everything else.
//
// Thread safety: one thread at a time per transaction; it may move between
// threads. The lease keeps the connection alive as long as it is needed.
#ifndef PATRON_SYNC_SERVER_SRC_STORE_SQLITE_STORE_TXN_H_
#define PATRON_SYNC_SERVER_SRC_STORE_SQLITE_STORE_TXN_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "patron/sql/database.h"
#include "patron/sql/transaction.h"
#include "patron/status.h"
#include "patron/sync_server/server_store.h"

namespace patron::sync {

// A connection lent to one transaction for the transaction's whole life.
// Destroying the lease gives the connection back (ends the writer's turn, or
// returns a reader to the pool); the transaction has ended by then.
class ConnectionLease {
 public:
  virtual ~ConnectionLease() = default;
  virtual sql::Database& db() = 0;
};

class SqliteStoreTxn final : public StoreTxn {
 public:
  enum class Mode { kRead, kWrite };

  // Begins the transaction on the leased connection. The connection must not
  // be in a transaction.
  static Result<std::unique_ptr<SqliteStoreTxn>> Begin(std::unique_ptr<ConnectionLease> lease,
                                                       Mode mode);

  SqliteStoreTxn(const SqliteStoreTxn&) = delete;
  SqliteStoreTxn& operator=(const SqliteStoreTxn&) = delete;
  // Rolls back unless committed, then gives the connection back.
  ~SqliteStoreTxn() override;

  Result<std::string> Epoch() override;
  Result<int64_t> LastSeq() override;
  Result<int64_t> NextSeq() override;
  Result<int64_t> NextServerEntrySeq() override;
  Result<HlcTimestamp> SavedHlc() override;
  Status SaveHlc(HlcTimestamp hlc) override;

  Result<std::optional<StoredEntry>> FindEntry(std::string_view entry_id) override;
  Result<bool> InsertEntryIfNew(const LedgerEntry& entry, int64_t seq) override;
  Result<std::vector<StoredEntry>> EntriesTo(std::string_view holder, int64_t after,
                                             int64_t through) override;

  // Folding (sqlite_store_fold.cc).
  Result<int64_t> FoldedSeq() override;
  Status SetFoldedSeq(int64_t seq) override;
  Result<std::vector<StoredEntry>> EntriesBetween(int64_t after, int64_t through) override;
  Result<std::vector<StoredEntry>> EntriesOfMember(std::string_view member_id) override;
  Result<std::vector<StoredSale>> SalesOfMember(std::string_view member_id) override;
  Result<std::vector<StoredRefund>> RefundsOfMember(std::string_view member_id) override;
  Status IndexByMember(std::span<const StoredEntry> entries) override;
  Result<WindowSpend> SpendSince(std::string_view member_id, int64_t since_ms) override;
  Result<std::map<std::string, int64_t>> RightsByHolder(std::string_view member_id) override;
  Result<std::map<std::string, int64_t>> RightsHeldBy(std::string_view holder) override;
  Status QueueProfileChange(const QueuedProfileChange& change) override;
  Result<std::vector<QueuedProfileChange>> QueuedProfileChanges(int64_t after,
                                                                int64_t through) override;
  Status DropQueuedProfileChanges(int64_t through) override;

  Result<std::optional<MemberRecord>> FindMember(std::string_view member_id) override;
  Status PutMember(const MemberRecord& member) override;
  Result<std::vector<std::string>> MembersDueForReview(int64_t now_ms, int limit) override;
  Result<std::vector<std::string>> MembersDueForExpiry(int64_t today, int limit) override;
  Status SetReviewAt(std::string_view member_id, int64_t review_at_ms) override;
  Result<std::vector<std::string>> HeldTiers() override;
  Result<std::vector<MemberState>> MembersAfter(int64_t after, int limit) override;
  Result<std::vector<MemberState>> MembersByKey(std::string_view after, int limit) override;

  Result<std::optional<GrantRecord>> FindGrant(std::string_view terminal_id,
                                               std::string_view request_id) override;
  Status InsertGrant(const GrantRecord& grant) override;

  Result<std::optional<TerminalRecord>> FindTerminal(std::string_view terminal_id) override;
  Result<std::optional<TerminalRecord>> FindTerminalByTokenHash(
      std::string_view token_hash) override;
  Status PutTerminal(const TerminalRecord& terminal) override;
  Result<std::vector<TerminalRecord>> ListTerminals() override;

  Result<std::optional<std::pair<int64_t, std::string>>> ActiveRules() override;
  Result<std::optional<std::string>> RulesVersion(int64_t version) override;
  Result<std::vector<StoredRules>> AllRules() override;
  // A version's body is immutable: storing the same body again is OK, a
  // different one is Conflict.
  Status PutRules(int64_t version, std::string_view rules_json, int64_t stored_ms) override;

  Result<std::vector<StoreFigures>> StoreReport() override;
  Result<int64_t> CountEntries() override;
  Result<ReversalSums> ReversalsOf(std::string_view entry_id, std::string_view origin) override;
  Result<int64_t> CountBonuses(std::string_view origin, std::string_view sale_ref,
                               std::string_view campaign_id) override;
  Result<std::vector<StoredEntry>> BonusesOfMember(std::string_view member_id,
                                                   std::string_view campaign_id) override;

  // The security log (sqlite_store_security.cc).
  Result<int64_t> AppendSecurityEvent(const SecurityEvent& event) override;
  Result<std::vector<SecurityEvent>> SecurityEvents(int64_t after, int limit) override;

  // Records (sqlite_store_records.cc).
  Result<std::optional<StoredRecord>> FindRecord(std::string_view kind,
                                                 std::string_view record_id) override;
  Status InsertRecord(const StoredRecord& record) override;
  Status InsertSale(int64_t seq, const SaleRecord& sale) override;
  Result<std::optional<StoredSale>> FindSale(std::string_view sale_id) override;
  Status SetSaleRefunded(std::string_view sale_id, int64_t refunded_amount_minor,
                         const std::vector<int64_t>& refunded_qty) override;
  Status InsertRefund(const StoredRefund& refund) override;
  Status SetRefundOutcome(int64_t seq, RefundStatus status, const RefundRecord& refund) override;
  Result<std::optional<StoredRefund>> FindRefund(std::string_view refund_id) override;
  Result<std::vector<StoredRefund>> RefundsOfSale(std::string_view sale_id) override;
  Result<std::vector<StoredSale>> SalesBetween(int64_t after, int64_t through, int limit) override;
  Result<std::vector<StoredRefund>> RefundsBetween(int64_t after, int64_t through,
                                                   int limit) override;
  Result<int64_t> CountRecords(std::string_view kind) override;

  // The down-channel (sqlite_store_channel.cc).
  Status PutDownItem(const DownItem& item) override;
  Result<std::vector<DownItem>> DownItemsFor(std::string_view terminal_id,
                                             std::string_view store_id, int64_t after,
                                             int64_t through, int limit) override;

  // Exchanges (sqlite_store_exchanges.cc).
  Result<std::optional<ExchangeRecord>> FindExchange(std::string_view exchange_id) override;
  Status PutExchange(const ExchangeRecord& exchange) override;
  Result<std::vector<ExchangeRecord>> ExchangesOfMember(std::string_view member_id) override;
  Result<int64_t> ExchangedAt(std::string_view terminal_id, std::string_view reward_id) override;
  Result<std::map<std::string, int64_t>> StockShares(std::string_view reward_id) override;
  Status SetStockShare(std::string_view reward_id, std::string_view terminal_id,
                       int64_t granted) override;
  Result<std::map<std::string, BudgetShare>> BudgetShares(std::string_view campaign_id,
                                                          std::string_view terminal_id) override;
  Status SetBudgetGranted(std::string_view campaign_id, std::string_view terminal_id,
                          int64_t granted) override;
  Status AddBudgetUsed(std::string_view campaign_id, std::string_view terminal_id,
                       int64_t points) override;

  // Analytics (sqlite_store_analytics.cc).
  Result<int64_t> AnalyticsSeq() override;
  Status SetAnalyticsSeq(int64_t seq) override;
  Result<int64_t> AnalyticsOffset() override;
  Status SetAnalyticsOffset(int64_t utc_offset_minutes) override;
  Status ClearAnalytics() override;
  Status AddStoreDay(const StoreDay& delta) override;
  Status AddCategoryDay(const CategoryDay& delta) override;
  Status AddCampaignDay(const CampaignDay& delta) override;
  Status AddTierDay(const TierDay& delta) override;
  Status AddMemberCategory(const MemberCategory& delta) override;
  Status AddCampaignMember(const CampaignMember& delta) override;
  Result<MemberDayNews> AddMemberDay(const MemberDay& delta) override;
  Result<std::vector<StoreDay>> EnrolmentsByDay(int64_t utc_offset_minutes) override;
  Result<std::vector<StoreDay>> StoreDays(const DayRange& range) override;
  Result<std::vector<CategoryDay>> CategoryDays(const DayRange& range) override;
  Result<std::vector<CampaignDay>> CampaignDays(const std::string& campaign_id,
                                                const DayRange& range) override;
  Result<std::vector<TierDay>> TierDays(const DayRange& range) override;
  Result<std::optional<MemberSummary>> FindMemberSummary(const std::string& member_id) override;
  Result<std::vector<MemberDay>> MemberDays(const std::string& member_id) override;
  Result<std::vector<MemberCategory>> MemberCategories(const std::string& member_id) override;
  Result<std::vector<MemberSummary>> MemberSummaries(const std::string& after, int limit) override;
  Result<std::vector<MemberDay>> MemberDaysBetween(const std::string& after,
                                                   const std::string& through) override;
  Result<std::vector<MemberCategory>> MemberCategoriesBetween(const std::string& after,
                                                              const std::string& through) override;
  Result<std::vector<MemberMetrics>> MemberMetricsBetween(const std::string& after,
                                                          const std::string& through) override;
  Result<std::optional<MemberMetrics>> FindMemberMetrics(const std::string& member_id) override;
  Status PutMemberMetrics(const MemberMetrics& metrics) override;
  Status PutSegmentRun(const SegmentRun& run) override;
  Result<std::optional<SegmentRun>> FindSegmentRun(int64_t version) override;
  Result<std::vector<CampaignMember>> CampaignMembersBetween(const std::string& after,
                                                             const std::string& through) override;
  Result<std::vector<CampaignMember>> CampaignMembersOf(const std::string& member_id) override;
  Status PutInsightRun(const InsightRun& run) override;
  Result<std::optional<InsightRun>> FindInsightRun(int64_t run) override;

  // Accounts, sessions, the audit log (sqlite_store_accounts.cc).
  Result<std::optional<Account>> FindAccount(std::string_view username) override;
  Status PutAccount(const Account& account) override;
  Result<std::vector<Account>> ListAccounts() override;
  Result<std::optional<AccountSession>> FindSession(std::string_view token_sha256) override;
  Status PutSession(const AccountSession& session) override;
  Status DeleteSession(std::string_view token_sha256) override;
  Status DeleteSessionsOf(std::string_view username) override;
  Status DeleteSessionsEndedBy(int64_t now_ms, int64_t idle_before_ms) override;
  Result<int64_t> AppendAudit(const AuditEvent& event) override;
  Result<std::vector<AuditEvent>> AuditEvents(int64_t before, int limit) override;

  // Feedback and cases (sqlite_store_cases.cc).
  Status PutFeedback(const FeedbackRecord& feedback) override;
  Result<std::optional<FeedbackRecord>> FindFeedback(std::string_view feedback_id) override;
  Result<std::vector<FeedbackRecord>> FeedbackOfMember(std::string_view member_id) override;
  Result<std::vector<FeedbackRecord>> FeedbackPage(const FeedbackFilter& filter) override;
  Result<std::vector<FeedbackCount>> FeedbackSummary(
      int64_t from_ms, int64_t to_ms, std::string_view store_id,
      std::optional<int64_t> month_offset_minutes) override;
  Status PutCase(const CaseRecord& record) override;
  Result<std::optional<CaseRecord>> FindCase(std::string_view case_id) override;
  Result<std::vector<CaseRecord>> CasesPage(const CaseFilter& filter) override;
  Result<std::vector<CaseRecord>> WorkingCases(int64_t after_opened_ms, std::string_view after_id,
                                               int limit) override;
  Status AppendCaseNote(const CaseNote& note) override;
  Result<std::vector<CaseNote>> CaseNotes(std::string_view case_id) override;

  // Vouchers (sqlite_store_vouchers.cc).
  Result<std::optional<Voucher>> FindVoucher(std::string_view voucher_id) override;
  Status PutVoucher(const Voucher& voucher) override;
  Result<std::vector<Voucher>> VouchersOfMember(std::string_view member_id) override;

  // For a read transaction, ends it (releases its snapshot). Either way the
  // connection goes back (the writer's turn ends) when Commit returns,
  // whatever its outcome; every method then returns FailedPrecondition.
  Status Commit() override;

 private:
  SqliteStoreTxn(std::unique_ptr<ConnectionLease> lease, Mode mode);

  Status LoadState();
  Status SaveCountersAndCommit();
  // FailedPrecondition once the transaction has ended (CheckWritable also
  // for a read transaction); IOError ("transaction_aborted") once SQLite has
  // rolled it back on its own after an error.
  Status CheckOpen() const;
  Status CheckWritable() const;
  Result<std::optional<TerminalRecord>> FindTerminalBy(std::string_view sql, std::string_view key);
  // The member ids of a query binding a bound (`at`) and a limit.
  Result<std::vector<std::string>> MembersDue(std::string_view sql, int64_t at, int limit);
  // The rows of `table` whose member_id is in (after, through], in `order`.
  template <typename Row>
  Result<std::vector<Row>> RowsBetween(std::string_view table, std::string_view order,
                                       const std::string& after, const std::string& through);
  // Every row of a bound query of sale columns (seq, refunded amount, then
  // the record's), with their lines.
  Result<std::vector<StoredSale>> ReadSales(sql::Statement& s);
  // Every row of a bound query of refund columns (seq, status, then the
  // record's), with their lines.
  Result<std::vector<StoredRefund>> ReadRefunds(sql::Statement& s);
  // Every row of a bound query of entry columns (kSelectEntry's layout).
  Result<std::vector<StoredEntry>> ReadEntries(sql::Statement& s);

  // Declared before txn_ so it is destroyed after it: the SQLite transaction
  // is over before the connection goes back. Reset by Commit.
  std::unique_ptr<ConnectionLease> lease_;
  sql::Database& db_;
  const Mode mode_;
  sql::Transaction txn_;
  bool ended_ = false;

  std::string epoch_;
  int64_t committed_last_seq_ = 0;
  int64_t last_seq_ = 0;  // committed_last_seq_ plus the numbers handed out here
  int64_t committed_next_server_entry_seq_ = 1;
  int64_t next_server_entry_seq_ = 1;
  HlcTimestamp committed_hlc_;
  HlcTimestamp hlc_;  // committed_hlc_, or a later one to save
  int64_t committed_folded_seq_ = 0;
  int64_t folded_seq_ = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_STORE_SQLITE_STORE_TXN_H_
