#include "sim_world.h"

#include "patron/member_id.h"

namespace patron::sim {
namespace {

// The seed of machine `i`'s power-cut choices (0: the server).
uint64_t PowerSeed(uint64_t seed, uint64_t i) { return seed ^ ((i + 1) * 0x9e3779b97f4a7c15ULL); }

}  // namespace

SimWorld::SimWorld(std::filesystem::path dir, const WorldOptions& options, SimRandom& random,
                   Auditor& auditor)
    : dir_(std::move(dir)),
      terminals_synchronous_full_(options.terminals_synchronous_full),
      random_(random),
      auditor_(auditor),
      server_random_(random.Fork(0)),
      network_(*this, random, options.network_faults) {
  server_vfs_ = std::make_unique<FaultVfs>("patron-sim-server", PowerSeed(options.power_seed, 0));
  for (int i = 0; i < options.terminals; ++i) {
    auto node = std::make_unique<Node>();
    char store[16];
    std::snprintf(store, sizeof store, "S%02d", i / 2 + 1);
    node->store = store;
    node->id = node->store + "-T" + std::to_string(i % 2 + 1);
    node->vfs =
        std::make_unique<FaultVfs>("patron-sim-" + node->id, PowerSeed(options.power_seed, i + 1));
    node->random = std::make_unique<SimRandom>(random.Fork(static_cast<uint64_t>(i) + 1));
    nodes_.push_back(std::move(node));
  }
}

SimWorld::~SimWorld() {
  // Connections first: each FaultVfs must outlive the databases that use it.
  CloseAll();
}

void SimWorld::CloseAll() {
  for (auto& node : nodes_) {
    node->client.reset();
    node->transport.reset();
    node->terminal.reset();
  }
  service_.reset();
  store_.reset();
}

std::vector<Reward> SimWorld::SimRewards() {
  Reward mug;  // little stock, shared out among the tills; two a member a month
  mug.id = "mug";
  mug.name = "保温杯 Travel mug";
  mug.points = 300;
  mug.stock = 12;
  mug.limit = {2, std::string(kPerMonth)};
  Reward tote;  // no stock limit, no member limit: taken by the handful
  tote.id = "tote";
  tote.name = "购物袋 Tote bag";
  tote.points = 60;
  Reward coupon;  // a voucher, usable at once at the till that sold it
  coupon.id = "coupon-5";
  coupon.name = "5元券 5.00 off";
  coupon.points = 150;
  coupon.voucher.amount_off_minor = 500;
  coupon.voucher.min_spend_minor = 2'000;
  coupon.voucher.valid_days = 2;  // some expire within a run
  Reward lounge;                  // silver and gold only, once a day
  lounge.id = "lounge";
  lounge.name = "贵宾茶 Lounge tea";
  lounge.points = 100;
  lounge.tiers = {"silver", "gold"};
  lounge.limit = {1, std::string(kPerDay)};
  return {mug, tote, coupon, lounge};
}

Rules SimWorld::CampaignPack() {
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.name = "simulation campaigns";
  Campaign doubled;  // double points, and 20% of members its control group
  doubled.id = "double";
  doubled.priority = 10;
  doubled.holdout_bp = 2'000;
  doubled.award.multiplier_bp = 20'000;
  doubled.award.max_points = 500;
  Campaign big_basket;  // within a budget a run uses up: tills fall short
  big_basket.id = "big-basket";
  big_basket.basket.min_amount_minor = 5'000;
  big_basket.award.bonus_points = 30;
  big_basket.budget.points = 6'000;
  Campaign welcome;  // once per member: tills offline may each give it
  welcome.id = "welcome";
  welcome.who.joined_within_days = 1;
  welcome.award.bonus_points = 7;
  welcome.limit = {1, std::string(kPerCampaign)};
  Campaign first;  // likewise: each till sees a first purchase until it syncs
  first.id = "first-purchase";
  first.who.first_purchase = true;
  first.award.bonus_points = 5;
  first.limit = {1, std::string(kPerCampaign)};
  Campaign tenth;  // money off, before points and vouchers
  tenth.id = "tenth-off";
  tenth.basket.min_amount_minor = 8'000;
  tenth.award.discount = {0, 1'000, kSimMostMoneyOffMinor};  // 10%, at most 5.00
  Campaign spend;  // a voucher for the next visit, held by the issuing till
  spend.id = "spend-get";
  spend.basket.min_amount_minor = 20'000;
  spend.award.voucher = {300, 0, 0, 2'000, 1};
  pack.campaigns = {doubled, big_basket, welcome, first, tenth, spend};
  // Points expire at the end of the month after they were earned: a run
  // passes a few months (simulation.cc), so head office writes expiry and
  // tills must show the same lots. No pending days: a run's hours between
  // months would leave next to nothing to redeem.
  pack.expiry.months = 1;
  pack.rewards = SimRewards();
  // A run lasts about a day and a half of simulated time: spend leaves the
  // window and held tiers come up for review within it.
  pack.qualifying_window_days = 1;
  pack.tier_hold_days = 1;
  pack.tier_warning_days = 1;  // tills warn throughout
  return pack;
}

Status SimWorld::Open() {
  PATRON_RETURN_IF_ERROR(OpenServer());
  for (size_t i = 0; i < nodes_.size(); ++i) {
    PATRON_RETURN_IF_ERROR(service_->RegisterTerminal(nodes_[i]->id, nodes_[i]->store).status());
    PATRON_RETURN_IF_ERROR(RestartTerminal(i));
  }
  PATRON_RETURN_IF_ERROR(service_->RegisterTerminal(kHostileTerminal, kHostileStore).status());
  // Campaigns that fire on most sales, so that bonus entries and their
  // reversal by every refund path go through every fault too; and rewards,
  // so exchanges and the tills' shares of stock do. The auditor judges
  // exchanges by the pack they name.
  const Rules pack = CampaignPack();
  auditor_.PackPublished(pack);
  return service_->PublishRules(pack);
}

Status SimWorld::OpenServer() {
  server_vfs_->Clear();
  auto fill = [this](std::span<uint8_t> out) { server_random_.Fill(out); };
  PATRON_ASSIGN_OR_RETURN(store_,
                          sync::SqliteServerStore::Open(server_db_path(), fill, server_vfs_->name()));
  sync::SyncServiceOptions options;
  options.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
  options.wall_clock_ms = [this] { return now_ms_; };
  options.fill_random = fill;
  // Pushes only append; the simulation folds at random steps (Fold), so
  // terminals pull while the server's member rows lag behind its ledger.
  options.fold_in_background = true;
  options.fold.batch_seqs = 64;  // several folds per backlog, in small steps
  service_ = std::make_unique<sync::SyncService>(*store_, options);
  return Status::OK();
}

void SimWorld::CrashServer() {
  if (!server_up()) return;
  ++server_crashes_;
  // Whatever it had not written yet is lost: nothing more reaches the disk,
  // not even the close.
  server_vfs_->FailAt(1, FaultVfs::Mode::kAlways);
  service_.reset();
  store_.reset();
}

void SimWorld::PowerCutServer() {
  if (!server_up()) return;
  ++server_crashes_;
  // Dead at once; the files lose their unsynced writes when it lets go of
  // them, below.
  server_vfs_->PowerCut();
  service_.reset();
  store_.reset();
}

Status SimWorld::RestartServer() {
  if (server_up()) return Status::OK();
  PATRON_RETURN_IF_ERROR(OpenServer());
  auditor_.ServerRestarted();
  for (const UnansweredGrant& grant : unanswered_grants_) {
    if (auto made = auditor_.GrantMade(grant.terminal_id, grant.request_id)) {
      AuditGrant(*made, grant.grantable);
    }
  }
  unanswered_grants_.clear();
  return Status::OK();
}

void SimWorld::CrashTerminal(size_t i) {
  Node& node = *nodes_[i];
  if (node.terminal == nullptr) return;
  ++node.crashes;
  node.vfs->FailAt(1, FaultVfs::Mode::kAlways);
  node.client.reset();
  node.transport.reset();
  node.terminal.reset();
}

void SimWorld::PowerCutTerminal(size_t i) {
  Node& node = *nodes_[i];
  if (node.terminal == nullptr) return;
  ++node.crashes;
  node.vfs->PowerCut();
  node.client.reset();
  node.transport.reset();
  node.terminal.reset();
}

Status SimWorld::RestartTerminal(size_t i) {
  Node& node = *nodes_[i];
  if (node.terminal != nullptr) return Status::OK();
  const bool power_cut = node.vfs->power_lost();
  node.vfs->Clear();
  terminal::TerminalOptions options;
  options.db_path = (dir_ / (node.id + ".db")).string();
  options.terminal_id = node.id;
  options.store_id = node.store;
  options.wall_clock_ms = [this, n = &node] { return now_ms_ + n->skew_ms; };
  options.fill_random = [n = &node](std::span<uint8_t> out) { n->random->Fill(out); };
  options.db_options.vfs = node.vfs->name();
  options.db_options.synchronous_full = terminals_synchronous_full_;
  PATRON_ASSIGN_OR_RETURN(node.terminal, terminal::Terminal::Open(std::move(options)));
  node.transport = network_.TransportFor({node.id, node.store}, &node.partitioned);
  node.client = std::make_unique<terminal::SyncClient>(*node.terminal, *node.transport);
  if (power_cut) auditor_.TerminalLostPower(node.id, *node.terminal);
  return Status::OK();
}

std::vector<terminal::Terminal*> SimWorld::terminals() {
  std::vector<terminal::Terminal*> out;
  for (auto& node : nodes_) out.push_back(node->terminal.get());
  return out;
}

template <typename Reply>
Result<Reply> SimWorld::AfterServerCall(Result<Reply> reply) {
  if (server_vfs_->dead()) {
    CrashServer();
    return Status::Unavailable("the sync server crashed while serving the request");
  }
  return reply;
}

Result<sync::PushResponse> SimWorld::Push(const sync::Caller& caller,
                                          const sync::PushRequest& request) {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  auto reply = AfterServerCall(service_->Push(caller, request));
  if (reply.ok()) auditor_.ServerPushed(request, *reply);
  return reply;
}

Result<sync::PushResponse> SimWorld::PushForged(const sync::PushRequest& request) {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  const sync::Caller hostile{std::string(kHostileTerminal), std::string(kHostileStore)};
  auto reply = AfterServerCall(service_->Push(hostile, request));
  if (reply.ok()) auditor_.ForgedPushed(request, *reply);
  return reply;
}

Status SimWorld::Fold(bool all) {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  const Status folded = all ? service_->FoldAll() : service_->Fold().status();
  if (server_vfs_->dead()) {
    CrashServer();
    return Status::Unavailable("the sync server crashed while folding");
  }
  return folded;
}

Status SimWorld::QueueReviews() {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  Result<int64_t> queued = service_->QueueMemberReviews();
  if (server_vfs_->dead()) {
    CrashServer();
    return Status::Unavailable("the sync server crashed while queuing reviews");
  }
  if (queued.ok()) auditor_.ReviewsQueued(*queued);
  return queued.status();
}

Status SimWorld::RunExpiry() {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  Result<sync::ExpiryRun> run = service_->RunExpiry();
  if (server_vfs_->dead()) {
    CrashServer();
    return Status::Unavailable("the sync server crashed while running expiry");
  }
  if (run.ok()) auditor_.ExpiryRan(*run);
  return run.status();
}

Result<sync::PullResponse> SimWorld::Pull(const sync::Caller& caller,
                                          const sync::PullRequest& request) {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  return AfterServerCall(service_->Pull(caller, request));
}

Result<sync::ReturnClaimResponse> SimWorld::ClaimReturn(const sync::Caller& caller,
                                                        const sync::ReturnClaimRequest& request) {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  return AfterServerCall(service_->ClaimReturn(caller, request));
}

Result<Voucher> SimWorld::ClaimVoucher(const sync::Caller& caller,
                                       const sync::VoucherClaimRequest& request) {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  return AfterServerCall(service_->ClaimVoucher(caller, request));
}

Result<sync::StockClaimResponse> SimWorld::ClaimStock(const sync::Caller& caller,
                                                      const sync::StockClaimRequest& request) {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  return AfterServerCall(service_->ClaimStock(caller, request));
}

Result<sync::IssuedVoucher> SimWorld::IssueVoucher(const sync::VoucherIssue& issue) {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  return AfterServerCall(service_->IssueVoucher(issue));
}

Result<sync::GrantResponse> SimWorld::Grant(const sync::Caller& caller,
                                            const sync::GrantRequest& request) {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  // A request the server has answered before (its answer was lost, maybe
  // in a crash after the commit) gets the grant made then: judged by the
  // call that made it, never by what is grantable after it.
  if (auditor_.GrantMade(caller.terminal_id, request.request_id)) {
    return AfterServerCall(service_->Grant(caller, request));
  }
  // What the server could safely grant when it decides.
  const int64_t grantable = auditor_.GrantableNow(request.member_id, caller.terminal_id);
  auto reply = AfterServerCall(service_->Grant(caller, request));
  if (reply.ok()) {
    AuditGrant(reply->transfer, grantable);
  } else if (!server_up()) {
    unanswered_grants_.push_back({caller.terminal_id, request.request_id, grantable});
  }
  return reply;
}

void SimWorld::AuditGrant(const LedgerEntry& transfer, int64_t grantable) {
  if (grants_seen_.insert(transfer.entry_id).second) auditor_.ServerGranted(transfer, grantable);
}

}  // namespace patron::sim
