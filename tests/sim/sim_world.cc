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
  Campaign big_basket;
  big_basket.id = "big-basket";
  big_basket.basket.min_amount_minor = 5'000;
  big_basket.award.bonus_points = 30;
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
  pack.campaigns = {doubled, big_basket, welcome, first};
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
  // reversal by every refund path go through every fault too.
  return service_->PublishRules(CampaignPack());
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

Result<sync::IssuedVoucher> SimWorld::IssueVoucher(const sync::VoucherIssue& issue) {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  return AfterServerCall(service_->IssueVoucher(issue));
}

Result<sync::GrantResponse> SimWorld::Grant(const sync::Caller& caller,
                                            const sync::GrantRequest& request) {
  if (!server_up()) return Status::Unavailable("the sync server is down");
  // What the server could safely grant when it decided.
  const int64_t grantable = auditor_.GrantableNow(request.member_id, caller.terminal_id);
  auto reply = AfterServerCall(service_->Grant(caller, request));
  if (reply.ok() && grants_seen_.insert(reply->transfer.entry_id).second) {
    auditor_.ServerGranted(*reply, grantable);
  }
  return reply;
}

}  // namespace patron::sim
