// SimWorld: one sync server and N terminal engines in one process, each on
// its own SQLite file behind a FaultVfs, joined by a SimNetwork, all on one
// simulated clock. It owns their lifecycles: crash (stop dead, files left
// exactly as written), power cut (stop dead, files left as the disk kept
// them: what was not synced is lost, but for a random part) and restart
// (reopen from those files).
#ifndef PATRON_TESTS_SIM_SIM_WORLD_H_
#define PATRON_TESTS_SIM_SIM_WORLD_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "auditor.h"
#include "fault_vfs.h"
#include "patron/rules.h"
#include "patron/sync_server/sqlite_server_store.h"
#include "patron/sync_server/sync_service.h"
#include "patron/terminal/sync_client.h"
#include "patron/terminal/terminal.h"
#include "sim_network.h"
#include "sim_random.h"

namespace patron::sim {

// 2026-06-01T00:00:00Z: where simulated time starts.
inline constexpr int64_t kSimEpochMs = 1'780'272'000'000;

struct Node {
  std::string id;     // "S01-T1"
  std::string store;  // "S01"
  std::unique_ptr<FaultVfs> vfs;
  std::unique_ptr<SimRandom> random;  // the engine's ids; survives restarts
  int64_t skew_ms = 0;                // its clock minus true time
  bool partitioned = false;
  int64_t crashes = 0;  // power cuts included (vfs->power_cuts() counts those)
  std::unique_ptr<terminal::Terminal> terminal;  // null while crashed
  std::unique_ptr<terminal::SyncTransport> transport;
  std::unique_ptr<terminal::SyncClient> client;
};

// How the world is built, beyond its randomness.
struct WorldOptions {
  int terminals = 4;
  NetworkFaults network_faults;
  // Seeds each FaultVfs's choices of what a power cut keeps (so they draw
  // nothing from the run's SimRandom).
  uint64_t power_seed = 1;
  // False only to sabotage: the terminals open with synchronous=NORMAL,
  // which power cuts must be seen to punish.
  bool terminals_synchronous_full = true;
};

class SimWorld final : public ServerEndpoint {
 public:
  SimWorld(std::filesystem::path dir, const WorldOptions& options, SimRandom& random,
           Auditor& auditor);
  ~SimWorld() override;

  // The rule pack head office publishes as the simulation starts: its
  // campaigns, and SimRewards to exchange points for.
  static Rules CampaignPack();
  // The most money its campaigns take off one sale.
  static constexpr int64_t kSimMostMoneyOffMinor = 500;
  // A reward with a small stock and a per-member limit, one without any
  // limit, a voucher, and one for higher tiers only (reward.h).
  static std::vector<Reward> SimRewards();
  Status Open();
  // Closes every database cleanly (the end of a run).
  void CloseAll();

  int64_t now_ms() const { return now_ms_; }
  void Advance(int64_t ms) { now_ms_ += ms; }

  // ---- The sync server. ----
  bool server_up() const { return service_ != nullptr; }
  // Stops the server dead: its files stay exactly as last written.
  void CrashServer();
  // The server's power fails: it stops dead and its files lose what was
  // not synced.
  void PowerCutServer();
  // Reopens it from its files (clearing any disk fault).
  Status RestartServer();
  FaultVfs& server_vfs() { return *server_vfs_; }
  int64_t server_crashes() const { return server_crashes_; }
  std::string server_db_path() const { return (dir_ / "server.db").string(); }

  // ---- Terminals. ----
  size_t size() const { return nodes_.size(); }
  Node& node(size_t i) { return *nodes_[i]; }
  void CrashTerminal(size_t i);
  void PowerCutTerminal(size_t i);
  // Reopens a stopped terminal from its files (clearing any disk fault);
  // after a power cut, the auditor checks it kept every sale it acknowledged.
  Status RestartTerminal(size_t i);
  std::vector<terminal::Terminal*> terminals();

  SimNetwork& network() { return network_; }

  // One fold of the server's pushed changes into member rows (all: until
  // none is left). Unavailable while the server is down; a fold during
  // which its disk died crashes it.
  Status Fold(bool all);
  // Head office's member reviews (SyncService::QueueMemberReviews), queued
  // for the next fold; as Fold when the server is down or its disk dies.
  Status QueueReviews();
  // Head office's expiry run (SyncService::RunExpiry); as Fold when the
  // server is down or its disk dies.
  Status RunExpiry();

  // ServerEndpoint: the live service, or Unavailable while it is down. A
  // call during which the server's disk died crashes the server.
  Result<sync::PushResponse> Push(const sync::Caller& caller,
                                  const sync::PushRequest& request) override;
  Result<sync::PullResponse> Pull(const sync::Caller& caller,
                                  const sync::PullRequest& request) override;
  Result<sync::GrantResponse> Grant(const sync::Caller& caller,
                                    const sync::GrantRequest& request) override;
  Result<sync::ReturnClaimResponse> ClaimReturn(const sync::Caller& caller,
                                                const sync::ReturnClaimRequest& request) override;
  Result<Voucher> ClaimVoucher(const sync::Caller& caller,
                               const sync::VoucherClaimRequest& request) override;
  Result<sync::StockClaimResponse> ClaimStock(const sync::Caller& caller,
                                              const sync::StockClaimRequest& request) override;
  // Head office issues a voucher (an admin's request: no network faults);
  // Unavailable while the server is down.
  Result<sync::IssuedVoucher> IssueVoucher(const sync::VoucherIssue& issue);
  // The hostile till's push, straight to the live service with its token
  // (no network faults: its owner retries until it works).
  Result<sync::PushResponse> PushForged(const sync::PushRequest& request);

 private:
  Status OpenServer();
  template <typename Reply>
  Result<Reply> AfterServerCall(Result<Reply> reply);
  // Audits a grant the server made (once, however often it is answered).
  void AuditGrant(const LedgerEntry& transfer, int64_t grantable);

  std::filesystem::path dir_;
  bool terminals_synchronous_full_;
  SimRandom& random_;
  Auditor& auditor_;
  int64_t now_ms_ = kSimEpochMs;

  std::unique_ptr<FaultVfs> server_vfs_;
  SimRandom server_random_;
  std::unique_ptr<sync::SqliteServerStore> store_;
  std::unique_ptr<sync::SyncService> service_;
  int64_t server_crashes_ = 0;
  std::set<std::string> grants_seen_;  // transfer ids already audited
  // Grant requests the server crashed serving: made or not, found out
  // (and audited) once it restarts.
  struct UnansweredGrant {
    std::string terminal_id, request_id;
    int64_t grantable = 0;  // just before the call
  };
  std::vector<UnansweredGrant> unanswered_grants_;

  SimNetwork network_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace patron::sim

#endif  // PATRON_TESTS_SIM_SIM_WORLD_H_
