#include "patron/terminal/terminal.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <mutex>

#include "engine/budgets.h"
#include "engine/checkout.h"
#include "engine/context.h"
#include "engine/down_channel.h"
#include "engine/enrolment.h"
#include "engine/exchanges.h"
#include "engine/feedback.h"
#include "engine/member_view.h"
#include "engine/refund.h"
#include "engine/requests.h"
#include "engine/snapshot_ops.h"
#include "engine/sync_ops.h"
#include "engine/vouchers.h"
#include "patron/rules_codec.h"
#include "patron/sql/migration.h"
#include "patron/sql/wal_checkpointer.h"
#include "store/schema.h"

namespace patron::terminal {

struct Terminal::Impl {
  explicit Impl(std::unique_ptr<EngineContext> context) : ctx(std::move(context)) {}
  // Every entry point starts with one: it serialises the operation and
  // lets a rule pack whose time has come take over before it begins.
  class Entered {
   public:
    explicit Entered(Impl& impl) : lock_(impl.mu) { impl.ctx->SwitchPackIfDue(); }

   private:
    std::lock_guard<std::mutex> lock_;
  };
  mutable std::mutex mu;  // serialises every operation on the one connection
  std::unique_ptr<EngineContext> ctx;
  // Declared after ctx: stopped before the connection it watches closes.
  std::unique_ptr<sql::WalCheckpointer> checkpointer;
};

namespace {

Status ValidateIdentity(const TerminalOptions& o) {
  PATRON_RETURN_IF_ERROR(ValidateRef(o.terminal_id, "terminal_id"));
  PATRON_RETURN_IF_ERROR(ValidateRef(o.store_id, "store_id"));
  if (o.terminal_id == kServerOrigin) {
    return Status::InvalidArgument("'server' is reserved and cannot be a terminal id",
                                   "invalid_terminal_id");
  }
  if (o.terminal_id.find('/') != std::string::npos) {
    return Status::InvalidArgument("terminal_id must not contain '/'", "invalid_terminal_id");
  }
  if (o.chain_key.empty()) return Status::InvalidArgument("chain key is empty", "invalid_chain_key");
  return Status::OK();
}

// Creates the state row on first open; afterwards the file must belong to
// this terminal, store and chain key. Returns the persisted clock.
Result<HlcTimestamp> CheckOrCreateState(sql::Database& db, const TerminalOptions& o,
                                        const std::string& fingerprint, int64_t now_ms) {
  StateStore state(db);
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalStateRow> row, state.Load());
  if (!row) {
    TerminalStateRow fresh;
    fresh.terminal_id = o.terminal_id;
    fresh.store_id = o.store_id;
    fresh.chain_key_fingerprint = fingerprint;
    fresh.hlc = HlcTimestamp::FromParts(now_ms, 0);
    fresh.journal_confirmed = !o.await_journal_mark;
    PATRON_RETURN_IF_ERROR(state.Initialize(fresh));
    return fresh.hlc;
  }
  if (row->terminal_id != o.terminal_id || row->store_id != o.store_id) {
    return Status::FailedPrecondition(
        o.db_path + " belongs to terminal " + row->terminal_id + " of store " + row->store_id +
            ", not " + o.terminal_id + " of " + o.store_id,
        "terminal_mismatch");
  }
  if (row->chain_key_fingerprint != fingerprint) {
    return Status::FailedPrecondition(
        o.db_path + " was created with chain key " + row->chain_key_fingerprint +
            "; the configured key is " + fingerprint +
            ". Two keys would split one customer into two members",
        "chain_key_mismatch");
  }
  return row->hlc;
}

// Every stored pack, ascending; the defaults are seeded into a new database.
Result<std::vector<Rules>> LoadOrSeedPacks(sql::Database& db, int64_t now_ms) {
  StateStore state(db);
  PATRON_ASSIGN_OR_RETURN(std::vector<RulesRow> rows, state.AllRules());
  if (rows.empty()) {
    const Rules defaults = DefaultRules();
    PATRON_RETURN_IF_ERROR(state.InsertRules({defaults.version, EncodeRules(defaults)}, now_ms));
    return std::vector<Rules>{defaults};
  }
  std::vector<Rules> packs;
  for (const RulesRow& row : rows) {
    PATRON_ASSIGN_OR_RETURN(Rules pack, DecodeRules(row.body));
    if (pack.version != row.version) {
      return Status::Corruption("rules row " + std::to_string(row.version) +
                                " holds rules version " + std::to_string(pack.version));
    }
    packs.push_back(std::move(pack));
  }
  return packs;
}

void SystemRandom(std::span<uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) std::abort();
}

}  // namespace

Result<std::unique_ptr<Terminal>> Terminal::Open(TerminalOptions o) {
  PATRON_RETURN_IF_ERROR(ValidateIdentity(o));
  if (!o.wall_clock_ms) o.wall_clock_ms = SystemWallClockMs;
  if (!o.fill_random) o.fill_random = SystemRandom;
  const int64_t now_ms = o.wall_clock_ms();
  const std::string fingerprint = ChainKeyFingerprint(o.chain_key);

  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db,
                          sql::Database::Open(o.db_path, o.db_options));
  PATRON_RETURN_IF_ERROR(sql::Migrate(*db, TerminalMigrations()));
  sql::Transaction txn(*db);
  PATRON_RETURN_IF_ERROR(txn.Begin());
  PATRON_ASSIGN_OR_RETURN(HlcTimestamp restored, CheckOrCreateState(*db, o, fingerprint, now_ms));
  PATRON_ASSIGN_OR_RETURN(std::vector<Rules> packs, LoadOrSeedPacks(*db, now_ms));
  PATRON_RETURN_IF_ERROR(txn.Commit());

  Identity identity{o.terminal_id, o.store_id, o.chain_key, fingerprint, o.default_country_code};
  UuidV7Generator uuids(o.wall_clock_ms, o.fill_random);
  auto ctx = std::make_unique<EngineContext>(std::move(db), std::move(identity), o.wall_clock_ms,
                                             o.max_clock_drift_ms, restored, std::move(uuids),
                                             std::move(packs));
  ctx->everyday_cache_kib = o.db_options.cache_size_kib;
  // What an older build could not read comes again for this one.
  PATRON_RETURN_IF_ERROR(RetryAfterUpgrade(*ctx).status());
  auto impl = std::make_unique<Impl>(std::move(ctx));
  if (o.background_checkpoints) {
    PATRON_ASSIGN_OR_RETURN(impl->checkpointer,
                            sql::WalCheckpointer::Start(*impl->ctx->db, o.db_options));
  }
  return std::unique_ptr<Terminal>(new Terminal(std::move(impl)));
}

Terminal::Terminal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Terminal::~Terminal() = default;

Rules Terminal::rules() const {
  const Impl::Entered entered(*impl_);
  return impl_->ctx->rules();
}

const std::string& Terminal::chain_key_fingerprint() const {
  return impl_->ctx->identity.chain_key_fingerprint;
}

Result<sync::PushRequest> Terminal::PendingPush(int max_entries, int max_changes) {
  const Impl::Entered entered(*impl_);
  return BuildPush(*impl_->ctx, max_entries, max_changes);
}

Result<PushSummary> Terminal::ApplyPushResponse(const sync::PushRequest& sent,
                                                const sync::PushResponse& response) {
  const Impl::Entered entered(*impl_);
  return terminal::ApplyPushResponse(*impl_->ctx, sent, response);
}

Result<int> Terminal::HandBackRights() {
  const Impl::Entered entered(*impl_);
  return terminal::HandBackRights(*impl_->ctx);
}

Result<sync::PullRequest> Terminal::NextPull(int limit) {
  const Impl::Entered entered(*impl_);
  return BuildPull(*impl_->ctx, limit);
}

Result<PullPageSummary> Terminal::ApplyPullPage(const sync::PullResponse& page) {
  const Impl::Entered entered(*impl_);
  PATRON_ASSIGN_OR_RETURN(AppliedPage applied, terminal::ApplyPullPage(*impl_->ctx, page));
  return PullPageSummary{!applied.packs.empty(), applied.journal_restarted};
}

Status Terminal::EndPull() {
  const Impl::Entered entered(*impl_);
  return terminal::EndPull(*impl_->ctx);
}

Status Terminal::ResetSyncState() {
  const Impl::Entered entered(*impl_);
  return terminal::ResetSyncState(*impl_->ctx);
}

Result<std::string> Terminal::SnapshotPath() const {
  const Impl::Entered entered(*impl_);
  const std::string& db_path = impl_->ctx->db->path();
  if (db_path.empty() || db_path == ":memory:") {
    return Status::FailedPrecondition("an in-memory replica bootstraps page by page");
  }
  return db_path + "-snapshot";
}

Result<int64_t> Terminal::AdoptSnapshot(const std::string& path, const sync::SnapshotInfo& info) {
  const Impl::Entered entered(*impl_);
  return terminal::AdoptSnapshot(*impl_->ctx, path, info);
}

Status Terminal::ApplyGrant(const sync::GrantResponse& grant) {
  const Impl::Entered entered(*impl_);
  return terminal::ApplyGrant(*impl_->ctx, grant);
}

Status Terminal::RecordSyncSuccess() {
  const Impl::Entered entered(*impl_);
  return terminal::RecordSyncSuccess(*impl_->ctx);
}

Result<EnrolResult> Terminal::Enrol(const EnrolRequest& request) {
  const Impl::Entered entered(*impl_);
  return terminal::Enrol(*impl_->ctx, request);
}

Result<Member> Terminal::FindByPhone(std::string_view phone) {
  const Impl::Entered entered(*impl_);
  return InReadTransaction(*impl_->ctx, [&] { return terminal::FindByPhone(*impl_->ctx, phone); });
}

Result<Member> Terminal::FindById(std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(std::string id, NormalizeMemberId(member_id));
  const Impl::Entered entered(*impl_);
  return InReadTransaction(*impl_->ctx, [&] { return LoadMember(*impl_->ctx, id); });
}

Result<Member> Terminal::FindByCard(std::string_view card) {
  const Impl::Entered entered(*impl_);
  return InReadTransaction(*impl_->ctx, [&] { return terminal::FindByCard(*impl_->ctx, card); });
}

Result<Member> Terminal::UpdateProfile(std::string_view member_id, const ProfilePatch& patch) {
  PATRON_ASSIGN_OR_RETURN(std::string id, NormalizeMemberId(member_id));
  const Impl::Entered entered(*impl_);
  return terminal::UpdateProfile(*impl_->ctx, id, patch);
}

Result<Quote> Terminal::QuoteSale(const SaleRequest& request) {
  const Impl::Entered entered(*impl_);
  return InReadTransaction(*impl_->ctx, [&] { return terminal::QuoteSale(*impl_->ctx, request); });
}

Result<int64_t> Terminal::RightsHere(std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(std::string id, NormalizeMemberId(member_id));
  const Impl::Entered entered(*impl_);
  return InReadTransaction(*impl_->ctx, [&]() -> Result<int64_t> {
    PATRON_ASSIGN_OR_RETURN(MemberRow row, LoadMemberRow(*impl_->ctx, id));
    PATRON_ASSIGN_OR_RETURN(MemberFigures figures, ComputeFigures(*impl_->ctx, row));
    return figures.rights;
  });
}

Result<SaleResult> Terminal::Checkout(const SaleRequest& request) {
  const Impl::Entered entered(*impl_);
  return terminal::Checkout(*impl_->ctx, request);
}

Result<SaleResult> Terminal::FindSale(std::string_view sale_ref) {
  const Impl::Entered entered(*impl_);
  return terminal::FindSale(*impl_->ctx, sale_ref);
}

Result<RefundResult> Terminal::Refund(const RefundRequest& request) {
  const Impl::Entered entered(*impl_);
  return terminal::Refund(*impl_->ctx, request);
}

Result<RefundResult> Terminal::ReturnForeignSale(
    const RefundRequest& request, const std::optional<sync::ReturnClaimResponse>& claim) {
  const Impl::Entered entered(*impl_);
  return terminal::ReturnForeignSale(*impl_->ctx, request, claim);
}

Result<std::vector<MemberVoucher>> Terminal::Vouchers(std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(std::string id, NormalizeMemberId(member_id));
  const Impl::Entered entered(*impl_);
  EngineContext& ctx = *impl_->ctx;
  return InReadTransaction(ctx, [&]() -> Result<std::vector<MemberVoucher>> {
    PATRON_RETURN_IF_ERROR(LoadMemberRow(ctx, id).status());
    return VouchersOf(ctx, id);
  });
}

Result<std::vector<Offer>> Terminal::Offers(std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(std::string id, NormalizeMemberId(member_id));
  const Impl::Entered entered(*impl_);
  EngineContext& ctx = *impl_->ctx;
  return InReadTransaction(ctx, [&]() -> Result<std::vector<Offer>> {
    PATRON_RETURN_IF_ERROR(LoadMemberRow(ctx, id).status());
    return ctx.offers.Of(id);
  });
}

Result<std::vector<RewardOffer>> Terminal::Rewards(std::string_view member_id) {
  const Impl::Entered entered(*impl_);
  return RewardsOffered(*impl_->ctx, member_id);
}

Result<ExchangeResult> Terminal::Exchange(const ExchangeRequest& request) {
  const Impl::Entered entered(*impl_);
  return ExchangeReward(*impl_->ctx, request);
}

Result<FeedbackResult> Terminal::RecordFeedback(const FeedbackRequest& request) {
  const Impl::Entered entered(*impl_);
  return ::patron::terminal::RecordFeedback(*impl_->ctx, request);
}

Result<std::vector<ExchangeRecord>> Terminal::Exchanges(std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(std::string id, NormalizeMemberId(member_id));
  const Impl::Entered entered(*impl_);
  EngineContext& ctx = *impl_->ctx;
  return InReadTransaction(ctx, [&]() -> Result<std::vector<ExchangeRecord>> {
    PATRON_RETURN_IF_ERROR(LoadMemberRow(ctx, id).status());
    PATRON_ASSIGN_OR_RETURN(std::vector<ExchangeRow> rows, ctx.exchanges.OfMember(id));
    return std::vector<ExchangeRecord>(rows.begin(), rows.end());
  });
}

Result<ExchangeResult> Terminal::FindExchange(std::string_view exchange_ref) {
  const Impl::Entered entered(*impl_);
  return ::patron::terminal::FindExchange(*impl_->ctx, exchange_ref);
}

Status Terminal::TakeStockGrant(std::string_view reward_id, int64_t granted) {
  const Impl::Entered entered(*impl_);
  return ::patron::terminal::TakeStockGrant(*impl_->ctx, reward_id, granted);
}

Result<std::vector<sync::StockClaimRequest>> Terminal::BudgetClaims(bool learn_all) {
  const Impl::Entered entered(*impl_);
  EngineContext& ctx = *impl_->ctx;
  return InReadTransaction(ctx, [&] { return ::patron::terminal::BudgetClaims(ctx, learn_all); });
}

Status Terminal::TakeBudgetShare(const sync::StockClaimResponse& answer) {
  const Impl::Entered entered(*impl_);
  return ::patron::terminal::TakeBudgetShare(*impl_->ctx, answer);
}

Status Terminal::TakeClaimedVoucher(const Voucher& voucher) {
  const Impl::Entered entered(*impl_);
  EngineContext& ctx = *impl_->ctx;
  if (voucher.holder != ctx.identity.terminal_id) {
    return Status::FailedPrecondition("head office's answer hands voucher " + voucher.voucher_id +
                                          " to " + voucher.holder + ", not to this terminal",
                                      "voucher_not_held");
  }
  return InWriteTransaction(ctx,
                            [&]() -> Result<bool> {
                              PATRON_RETURN_IF_ERROR(TakeVoucher(ctx, voucher));
                              return true;
                            })
      .status();
}

Result<std::vector<std::string>> Terminal::SetRows(std::string_view name) {
  const Impl::Entered entered(*impl_);
  PATRON_ASSIGN_OR_RETURN(std::vector<record::RawJson> rows, impl_->ctx->down.SetRows(name));
  std::vector<std::string> texts;
  for (record::RawJson& row : rows) texts.push_back(std::move(row.text));
  return texts;
}

Status Terminal::ValidateRefund(const RefundRequest& request) {
  return terminal::ValidateRefund(request);
}

Result<bool> Terminal::HasRefund(std::string_view refund_ref) {
  const Impl::Entered entered(*impl_);
  return terminal::HasRefund(*impl_->ctx, refund_ref);
}

Result<HistoryPage> Terminal::History(std::string_view member_id, int limit, int64_t before) {
  if (limit < 1 || limit > 500) {
    return Status::InvalidArgument("limit must be between 1 and 500", "invalid_limit");
  }
  if (before < 0) return Status::InvalidArgument("before must not be negative", "invalid_cursor");
  PATRON_ASSIGN_OR_RETURN(std::string id, NormalizeMemberId(member_id));
  const Impl::Entered entered(*impl_);
  EngineContext& ctx = *impl_->ctx;
  return InReadTransaction(ctx, [&]() -> Result<HistoryPage> {
    PATRON_RETURN_IF_ERROR(LoadMemberRow(ctx, id));
    // One extra row tells whether another page exists.
    PATRON_ASSIGN_OR_RETURN(std::vector<Journal::HistoryRow> rows,
                            ctx.journal.History(id, limit + 1, before));
    HistoryPage page;
    const bool more = static_cast<int>(rows.size()) > limit;
    if (more) rows.pop_back();
    for (Journal::HistoryRow& row : rows) page.entries.push_back(std::move(row.entry));
    if (more) page.next_before = rows.back().position;
    return page;
  });
}

::patron::Status Terminal::StartJournalIncarnation() {
  const Impl::Entered entered(*impl_);
  EngineContext& ctx = *impl_->ctx;
  // A UUIDv7's last eight bytes are random (uuid.h).
  const Uuid uuid = ctx.uuids.Next();
  uint64_t random = 0;
  for (size_t i = 8; i < 16; ++i) random = random << 8 | uuid.bytes[i];
  constexpr uint64_t kLow = uint64_t{1} << 40, kHigh = uint64_t{1} << 52;
  const auto first_seq = static_cast<int64_t>(kLow + random % (kHigh - kLow));
  return InWriteTransaction(ctx, [&]() -> Result<bool> {
           PATRON_RETURN_IF_ERROR(ctx.state.StartIncarnation(first_seq, ctx.NowMs()));
           return true;
         })
      .status();
}

Result<TerminalStatus> Terminal::Status() {
  const Impl::Entered entered(*impl_);
  EngineContext& ctx = *impl_->ctx;
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalStateRow> state, ctx.state.Load());
  if (!state) return Status::Corruption("terminal_state row is missing");
  TerminalStatus status;
  status.terminal_id = state->terminal_id;
  status.store_id = state->store_id;
  status.chain_key_fingerprint = state->chain_key_fingerprint;
  status.cursor_epoch = state->cursor_epoch;
  status.cursor_seq = state->cursor_seq;
  status.last_sync_ms = state->last_sync_ms;
  status.journal_seq = state->next_seq - 1;
  status.journal_confirmed = state->journal_confirmed;
  status.journal_restart = state->restart;
  status.journal_incarnation = state->incarnation;
  status.rights_statement_due = state->rights_statement_due;
  status.rights_statement_ms = state->rights_statement_ms;
  status.rules_version = ctx.rules().version;
  status.pack_name = ctx.rules().name;
  status.pack_valid_until = ctx.rules().valid_until;
  status.pack_base_only = ctx.BaseOnly();
  if (const Rules* next = ctx.NextPack(); next != nullptr) {
    status.next_pack_version = next->version;
    status.next_pack_activate_at = next->activate_at;
  }
  PATRON_ASSIGN_OR_RETURN(status.member_count, ctx.members.Count());
  PATRON_ASSIGN_OR_RETURN(status.pending_entries, ctx.journal.CountUnacknowledged());
  PATRON_ASSIGN_OR_RETURN(status.pending_profile_changes, ctx.members.CountPendingOutbox());
  PATRON_ASSIGN_OR_RETURN(status.pending_records, ctx.outbox.CountPending());
  PATRON_ASSIGN_OR_RETURN(status.refused_records, ctx.outbox.CountRefused());
  PATRON_ASSIGN_OR_RETURN(status.refused_entries, ctx.journal.CountRefused());
  PATRON_ASSIGN_OR_RETURN(std::vector<UpgradeNote> notes, ctx.down.UpgradeNotes());
  for (UpgradeNote& note : notes) status.upgrade_notes.push_back(std::move(note.what));
  status.upgrade_needed = !status.upgrade_notes.empty();
  return status;
}

}  // namespace patron::terminal
