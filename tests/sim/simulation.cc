#include "simulation.h"

#include <cstdio>
#include <sstream>

#include "patron/digest.h"
#include "patron/sql/database.h"
#include "hostile_till.h"
#include "sim_world.h"
#include "support/temp_dir.h"
#include "workload.h"

namespace patron::sim {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int64_t kMonthMs = 31 * kDayMs;

// How often each fault strikes, per thousand steps.
struct FaultsPerMille {
  int partition = 8;             // a random subset of terminals is cut off
  int heal = 10;                 // every partition ends
  int terminal_crash = 4;        // killed between operations, restarted
  int terminal_dies_mid_io = 8;  // killed at the k-th write/sync of what comes next
  int terminal_disk_fault = 4;   // one write/sync fails, then the disk works
  int server_crash = 3;
  int server_dies_mid_io = 5;
  int server_disk_fault = 3;
  int clock_jump = 10;
  int far_future_clock = 2;
  int late_delivery = 23;        // delayed requests arrive (out of order)
  // Power cuts, last so that runs without them draw exactly as before. As
  // the crashes above, but the files also lose what was not synced.
  int terminal_power_cut = 3;
  int terminal_power_cut_mid_io = 5;
  int server_power_cut = 2;
  int server_power_cut_mid_io = 3;
};
constexpr FaultsPerMille kFaultsPerMille;

class Run {
 public:
  explicit Run(const SimConfig& config)
      : config_(config),
        random_(config.seed),
        review_random_(config.seed ^ 0x726576696577ULL),
        expiry_random_(config.seed ^ 0x657870697279ULL),
        dir_(config.parent_dir.empty() ? testing::FastTempParent() : config.parent_dir),
        auditor_((dir_.path() / "server.db").string()),
        world_(dir_.path(),
               {.terminals = config.terminals,
                .network_faults = NetworkFaults{},
                .power_seed = config.seed,
                .terminals_synchronous_full = !config.sabotage_synchronous_normal},
               random_, auditor_),
        workload_(world_, random_, auditor_, config.phones),
        hostile_(config.seed, world_, auditor_) {
    result_.seed = config.seed;
    result_.config = config;
  }

  SimResult Go() {
    Status opened = world_.Open();
    if (!opened.ok()) auditor_.Violate("setup: " + opened.ToString());
    for (int64_t step = 0; step < config_.steps && !auditor_.violation(); ++step) {
      world_.Advance(random_.Between(0, 120'000));
      std::string line = "step " + std::to_string(step) + ": " + InjectFaults();
      line += workload_.Step();
      line += hostile_.Step();
      // The server folds when it gets to it: a terminal often pulls member
      // rows that do not yet include what was pushed.
      if (world_.server_up() && random_.Chance(0.3)) {
        line += world_.Fold(/*all=*/false).ok() ? " [fold]" : " [fold fails]";
      }
      if (world_.server_up() && review_random_.Chance(0.05)) {
        line += world_.QueueReviews().ok() ? " [reviews]" : " [reviews fail]";
      }
      // Now and then a month passes and head office runs expiry: the pack's
      // points expire at the end of the month after they were earned.
      if (expiry_random_.Chance(0.002)) {
        world_.Advance(kMonthMs);
        line += world_.RunExpiry().ok() ? " [a month passes; expiry]" : " [a month; expiry fails]";
      }
      auditor_.CheckTouched();
      Record(line);
      result_.steps_run = step + 1;
      if (auditor_.violation()) result_.violation_step = step;
    }
    if (!auditor_.violation()) HealAndCheck();
    result_.ok = !auditor_.violation();
    if (!result_.ok) {
      result_.violation = *auditor_.violation();
      if (result_.violation_step < 0) result_.violation_step = result_.steps_run;
    }
    result_.trace_digest = trace_.HexDigest();
    if (!config_.keep_dir.empty()) Keep();
    result_.audit = auditor_.figures();
    result_.network = world_.network().stats();
    result_.outcomes = workload_.counts();
    faults_.server_crashes = world_.server_crashes();
    faults_.terminal_crashes = 0;
    faults_.vfs_faults_fired = 0;
    auto add_disk = [this](const FaultVfs& vfs) {
      faults_.vfs_faults_fired += vfs.faults_injected();
      faults_.power_cuts_fired += vfs.power_cuts();
      const PowerLossFigures loss = vfs.power_loss();
      faults_.unsynced_kept += loss.kept;
      faults_.unsynced_lost += loss.lost + loss.torn;
    };
    add_disk(world_.server_vfs());
    faults_.server_power_cuts_fired = world_.server_vfs().power_cuts();
    for (size_t i = 0; i < world_.size(); ++i) {
      faults_.terminal_crashes += world_.node(i).crashes;
      add_disk(*world_.node(i).vfs);
    }
    result_.faults = faults_;
    return result_;
  }

 private:
  size_t AnyTerminal() {
    return static_cast<size_t>(random_.Below(static_cast<int64_t>(world_.size())));
  }

  // At most one fault per step (about one step in twelve, kFaultsPerMille);
  // returns its trace.
  std::string InjectFaults() {
    std::string line;
    if (!world_.server_up() && random_.Chance(0.08)) {
      Status restarted = world_.RestartServer();
      if (!restarted.ok()) auditor_.Violate("server restart: " + restarted.ToString());
      line += "[server restarts] ";
    }
    int64_t roll = random_.Below(1000);
    const size_t t = AnyTerminal();
    Node& node = world_.node(t);
    // True if this step's roll falls in the next `per_mille` of the range.
    auto next = [&roll](int per_mille) { return (roll -= per_mille) < 0; };
    const FaultsPerMille& f = kFaultsPerMille;
    if (next(f.partition)) {
      ++faults_.partitions;
      line += "[partition";
      for (size_t i = 0; i < world_.size(); ++i) {
        world_.node(i).partitioned = random_.Chance(0.4);
        if (world_.node(i).partitioned) line += " " + world_.node(i).id;
      }
      return line + "] ";
    }
    if (next(f.heal)) {
      for (size_t i = 0; i < world_.size(); ++i) world_.node(i).partitioned = false;
      return line + "[partitions heal] ";
    }
    if (next(f.terminal_crash)) {
      world_.CrashTerminal(t);
      Status restarted = world_.RestartTerminal(t);
      if (!restarted.ok()) auditor_.Violate("crash: " + node.id + ": " + restarted.ToString());
      return line + "[" + node.id + " crashes and restarts] ";
    }
    if (next(f.terminal_dies_mid_io)) {
      ++faults_.terminal_crashes_armed;
      const int64_t k = random_.Between(1, 16);
      node.vfs->FailAt(k, FaultVfs::Mode::kAlways);
      return line + "[" + node.id + " dies at its I/O +" + std::to_string(k) + "] ";
    }
    if (next(f.terminal_disk_fault)) {
      ++faults_.terminal_disk_faults;
      const int64_t k = random_.Between(1, 16);
      node.vfs->FailAt(k, FaultVfs::Mode::kOnce);
      return line + "[" + node.id + " disk fails I/O +" + std::to_string(k) + "] ";
    }
    if (next(f.server_crash)) {
      if (!world_.server_up()) return line;
      world_.CrashServer();
      return line + "[server crashes] ";
    }
    if (next(f.server_dies_mid_io)) {
      if (!world_.server_up()) return line;
      ++faults_.server_crashes_armed;
      const int64_t k = random_.Between(1, 40);
      world_.server_vfs().FailAt(k, FaultVfs::Mode::kAlways);
      return line + "[server dies at its I/O +" + std::to_string(k) + "] ";
    }
    if (next(f.server_disk_fault)) {
      if (!world_.server_up()) return line;
      ++faults_.server_disk_faults;
      const int64_t k = random_.Between(1, 40);
      world_.server_vfs().FailAt(k, FaultVfs::Mode::kOnce);
      return line + "[server disk fails I/O +" + std::to_string(k) + "] ";
    }
    if (next(f.clock_jump)) {
      // Back to true time, a few minutes either way (around the 5 minutes
      // of drift the server tolerates), or hours either way.
      ++faults_.clock_jumps;
      const int64_t kind = random_.Below(3);
      node.skew_ms = kind == 0   ? 0
                     : kind == 1 ? random_.Between(-10, 10) * kMinuteMs
                                 : random_.Between(-12, 12) * kHourMs;
      return line + "[" + node.id + " clock skew " + std::to_string(node.skew_ms / kMinuteMs) +
             " min] ";
    }
    if (next(f.far_future_clock)) {
      ++faults_.far_future_clocks;
      node.skew_ms = random_.Between(30, 1500) * kDayMs;
      return line + "[" + node.id + " clock " + std::to_string(node.skew_ms / kDayMs) +
             " days ahead] ";
    }
    if (next(f.late_delivery)) {
      if (world_.network().in_flight() == 0) return line;
      world_.network().DeliverLate(static_cast<int>(random_.Between(1, 3)));
      return line + "[late deliveries] ";
    }
    if (!config_.power_cuts) return line;
    if (next(f.terminal_power_cut)) {
      ++faults_.terminal_power_cuts;
      world_.PowerCutTerminal(t);
      Status restarted = world_.RestartTerminal(t);
      if (!restarted.ok()) {
        auditor_.Violate("power cut: " + node.id + ": " + restarted.ToString());
      }
      return line + "[" + node.id + " loses power and restarts] ";
    }
    if (next(f.terminal_power_cut_mid_io)) {
      ++faults_.terminal_power_cuts_armed;
      const int64_t k = random_.Between(1, 16);
      node.vfs->FailAt(k, FaultVfs::Mode::kPowerCut);
      return line + "[" + node.id + " loses power at its I/O +" + std::to_string(k) + "] ";
    }
    if (next(f.server_power_cut)) {
      if (!world_.server_up()) return line;
      ++faults_.server_power_cuts;
      world_.PowerCutServer();
      return line + "[server loses power] ";
    }
    if (next(f.server_power_cut_mid_io)) {
      if (!world_.server_up()) return line;
      ++faults_.server_power_cuts_armed;
      const int64_t k = random_.Between(1, 40);
      world_.server_vfs().FailAt(k, FaultVfs::Mode::kPowerCut);
      return line + "[server loses power at its I/O +" + std::to_string(k) + "] ";
    }
    return line;
  }

  // The network heals, crashed processes restart, every sale in doubt is
  // asked again, every terminal syncs twice; then the final audit.
  void HealAndCheck() {
    world_.network().set_faults_enabled(false);
    world_.server_vfs().Clear();
    for (size_t i = 0; i < world_.size(); ++i) {
      world_.node(i).partitioned = false;
      // A till whose disk died and was not used since is restarted, not
      // revived in place; one with a fault still armed just gets its disk back.
      if (world_.node(i).vfs->dead()) {
        world_.CrashTerminal(i);
        Status restarted = world_.RestartTerminal(i);
        if (!restarted.ok()) return auditor_.Violate("final: restart: " + restarted.ToString());
      }
      world_.node(i).vfs->Clear();
    }
    Status restarted = world_.RestartServer();
    if (!restarted.ok()) return auditor_.Violate("final: server restart: " + restarted.ToString());
    world_.network().DeliverLate(static_cast<int>(world_.network().in_flight()));
    const size_t unsettled = workload_.SettleInDoubt();
    if (unsettled > 0) {
      return auditor_.Violate("final: " + std::to_string(unsettled) +
                              " sales or refunds stay in doubt with everything healed");
    }
    if (Status reviewed = world_.QueueReviews(); !reviewed.ok()) {
      return auditor_.Violate("final: the server cannot queue reviews: " + reviewed.ToString());
    }
    // Head office's expiry runs after the second round, when every late
    // entry is in (it gives back what they show it expired too much), and
    // the third round brings it to the tills.
    for (int round = 0; round < 3; ++round) {
      if (round == 2) {
        if (Status expired = world_.RunExpiry(); !expired.ok()) {
          return auditor_.Violate("final: the server cannot run expiry: " + expired.ToString());
        }
      }
      for (size_t i = 0; i < world_.size(); ++i) {
        // Folded between terminals too, so each pulls what the others pushed.
        if (Status folded = world_.Fold(/*all=*/true); !folded.ok()) {
          return auditor_.Violate("final: the server cannot fold: " + folded.ToString());
        }
        auto report = world_.node(i).client->SyncOnce();
        if (!report.ok()) {
          return auditor_.Violate("final: " + world_.node(i).id + " cannot sync after healing: " +
                                  report.status().ToString());
        }
        Record("final sync " + world_.node(i).id + " pulled " +
               std::to_string(report->members_pulled));
      }
    }
    if (Status folded = world_.Fold(/*all=*/true); !folded.ok()) {
      return auditor_.Violate("final: the server cannot fold: " + folded.ToString());
    }
    auditor_.CheckTouched();
    if (!config_.sabotage_server_sql.empty()) Sabotage();
    std::vector<int64_t> clocks_ms;
    for (size_t i = 0; i < world_.size(); ++i) {
      clocks_ms.push_back(world_.now_ms() + world_.node(i).skew_ms);
    }
    if (!auditor_.violation()) auditor_.CheckFinal(world_.terminals(), std::move(clocks_ms));
  }

  void Sabotage() {
    auto db = sql::Database::Open(world_.server_db_path());
    Status done = db.ok() ? (*db)->Execute(config_.sabotage_server_sql) : db.status();
    if (!done.ok()) auditor_.Violate("sabotage failed: " + done.ToString());
  }

  // Copies the databases, closed, for sqlite3 to look at.
  void Keep() {
    world_.CloseAll();
    std::error_code error;
    std::filesystem::create_directories(config_.keep_dir, error);
    std::filesystem::copy(dir_.path(), config_.keep_dir,
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing,
                          error);
    if (error) std::fprintf(stderr, "patron-sim: cannot keep files: %s\n", error.message().c_str());
  }

  void Record(const std::string& line) {
    trace_.Add(line);
    if (config_.trace) std::fprintf(stderr, "%s\n", line.c_str());
  }

  SimConfig config_;
  SimRandom random_;
  // When head office queues member reviews: a stream of its own, so the
  // other draws of a seed, and the regression seeds, are as they were.
  SimRandom review_random_;
  // When a month passes and head office runs expiry: likewise.
  SimRandom expiry_random_;
  testing::TempDir dir_;
  Auditor auditor_;
  SimWorld world_;
  Workload workload_;
  HostileTill hostile_;
  CanonicalHasher trace_;
  FaultFigures faults_;
  SimResult result_;
};

}  // namespace

SimResult RunSimulation(const SimConfig& config) { return Run(config).Go(); }

std::string Summarize(const SimResult& r) {
  std::ostringstream out;
  out << "seed " << r.seed << ": " << (r.ok ? "ok" : "VIOLATION") << " after " << r.steps_run
      << " steps, trace " << r.trace_digest.substr(0, 16) << "\n";
  if (!r.ok) {
    out << "  first violation (step " << r.violation_step << "): " << r.violation << "\n";
    out << "  replay: patron-sim --seed " << r.seed << " --steps " << r.config.steps
        << " --terminals " << r.config.terminals << " --phones " << r.config.phones
        << (r.config.power_cuts ? "" : " --no-power-cuts")
        << (r.config.sabotage_synchronous_normal ? " --sabotage-synchronous-normal" : "")
        << " --trace\n";
  }
  const AuditFigures& a = r.audit;
  out << "  acknowledged: " << a.sales_acknowledged << " sales, " << a.refunds_acknowledged
      << " refunds, " << a.entries_acknowledged << " entries (" << a.replays_checked
      << " replays checked, " << a.sales_rechecked
      << " sales rechecked after power cuts); server acked " << a.entries_server_acked
      << "; grants " << a.grants << "; members " << a.members << "; clawbacks " << a.clawbacks
      << "\n  returns in another store: " << a.returns_claimed << " claimed, " << a.returns_pending
      << " pending, " << a.returns_matched << " matched by head office, " << a.orphan_claims
      << " claims never heard back; " << a.refunds_corrected
      << " corrections of refunds in several stores; " << a.reversals_checked
      << " reversed entries checked\n  campaigns: " << a.campaign_awards_limited
      << " once-per-member awards (welcome, first purchase) beyond the first reversed by head "
         "office; "
      << a.vouchers_used << " vouchers redeemed, each by one sale\n  tiers: " << a.reviews_queued
      << " member reviews queued, " << a.held_above_spend
      << " members held above their spend's tier at the end\n  exchanges: "
      << a.exchanges_acknowledged << " acknowledged (" << a.exchange_points << " points, "
      << a.exchange_vouchers << " vouchers bought, " << a.exchange_vouchers_used
      << " of them redeemed by sales); stock " << a.stock_exchanged << " of " << a.stock
      << " exchanged, " << a.stock_handed_out << " handed to tills; " << a.exchange_limits_exceeded
      << " members' limits exceeded by tills offline\n  budgets: " << a.budget_given
      << " points given by budgeted campaigns, " << a.budget_short << " awards short of budget, "
      << a.budget_handed_out << " points handed to tills as shares\n  expiry: " << a.expiry_runs
      << " runs, " << a.points_expired << " points expired, " << a.expiry_given_back
      << " given back; " << a.lots_compared
      << " members' lots compared on the tills\n  campaign awards: " << a.awards_evaluated
      << " evaluated again and equal; " << a.money_off_minor << " minor units of money off; "
      << a.campaign_vouchers << " vouchers issued by campaigns\n  trust: " << a.forged_refused
      << " forged entries from a hostile till, every one refused\n";
  const NetworkStats& n = r.network;
  out << "  network: " << n.requests << " requests, " << n.refused_partitioned << " partitioned, "
      << n.requests_dropped << " dropped (" << n.requests_delayed << " delayed), "
      << n.duplicated << " duplicated, " << n.replies_dropped << " replies lost, "
      << n.late_deliveries << " late\n";
  out << "  outcomes:";
  for (const auto& [what, count] : r.outcomes) out << " " << what << "=" << count;
  out << "\n";
  const FaultFigures& f = r.faults;
  out << "  faults: " << f.partitions << " partitions, " << f.terminal_crashes
      << " terminal crashes (" << f.terminal_crashes_armed << " armed mid-I/O), "
      << f.terminal_disk_faults << " terminal disk faults, " << f.server_crashes
      << " server crashes (" << f.server_crashes_armed << " armed), " << f.server_disk_faults
      << " server disk faults, " << f.clock_jumps << " clock jumps, " << f.far_future_clocks
      << " far-future clocks, " << f.vfs_faults_fired << " failed I/Os\n";
  out << "  power cuts: " << f.power_cuts_fired << ", " << f.server_power_cuts_fired
      << " of the server (terminals " << f.terminal_power_cuts << " + "
      << f.terminal_power_cuts_armed << " armed, server " << f.server_power_cuts << " + "
      << f.server_power_cuts_armed << " armed); unsynced writes " << f.unsynced_lost
      << " lost or torn, " << f.unsynced_kept << " kept\n";
  return out.str();
}

}  // namespace patron::sim
