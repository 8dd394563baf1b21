// patron-sim: runs seeded simulations of a chain of terminals and a sync
// server under faults, and audits the ledger (issue 6).
//
//   patron-sim --seed 42 --trace          replay one seed, printing every step
//   patron-sim --seeds 100                the CI sweep: seeds 1..100
//   patron-sim --first 1000 --seeds 10000 --steps 3000     a long sweep
//   patron-sim --seed 7 --sabotage-synchronous-normal   must fail: power cuts
//                                         lose sales a NORMAL-synced till acknowledged
//
// Exit status: 0 if every run held every invariant, 1 if any did not (each
// failing seed is printed with its first violation), 2 on a usage error.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "simulation.h"

namespace {

struct Totals {
  int64_t seeds = 0, failures = 0, steps = 0;
  int64_t entries = 0, grants = 0, clawbacks = 0, requests = 0, lost_messages = 0;
  int64_t terminal_crashes = 0, server_crashes = 0, disk_faults = 0, failed_ios = 0;
  int64_t power_cuts = 0, unsynced_lost = 0;
  int64_t returns_claimed = 0, returns_pending = 0, returns_matched = 0, refunds_corrected = 0;
  int64_t partitions = 0, clock_faults = 0;
  int64_t forged_refused = 0;
  int64_t campaign_awards_limited = 0, vouchers_used = 0;
  int64_t reviews_queued = 0, held_above_spend = 0;
  int64_t exchanges = 0, exchange_vouchers = 0, exchange_vouchers_used = 0;
  int64_t stock = 0, stock_exchanged = 0, stock_handed_out = 0, limits_exceeded = 0;
  int64_t budget_given = 0, budget_short = 0, budget_handed_out = 0;
  int64_t expiry_runs = 0, points_expired = 0, expiry_given_back = 0, lots_compared = 0;
  int64_t awards_evaluated = 0, money_off_minor = 0, campaign_vouchers = 0;
  std::map<std::string, int64_t> exchange_outcomes;  // "exchange <outcome>" counts

  void Add(const patron::sim::SimResult& r) {
    ++seeds;
    failures += r.ok ? 0 : 1;
    steps += r.steps_run;
    entries += r.audit.entries_acknowledged;
    grants += r.audit.grants;
    clawbacks += r.audit.clawbacks;
    returns_claimed += r.audit.returns_claimed;
    returns_pending += r.audit.returns_pending;
    returns_matched += r.audit.returns_matched;
    refunds_corrected += r.audit.refunds_corrected;
    forged_refused += r.audit.forged_refused;
    campaign_awards_limited += r.audit.campaign_awards_limited;
    vouchers_used += r.audit.vouchers_used;
    reviews_queued += r.audit.reviews_queued;
    held_above_spend += r.audit.held_above_spend;
    exchanges += r.audit.exchanges_acknowledged;
    exchange_vouchers += r.audit.exchange_vouchers;
    exchange_vouchers_used += r.audit.exchange_vouchers_used;
    stock += r.audit.stock;
    stock_exchanged += r.audit.stock_exchanged;
    stock_handed_out += r.audit.stock_handed_out;
    limits_exceeded += r.audit.exchange_limits_exceeded;
    budget_given += r.audit.budget_given;
    budget_short += r.audit.budget_short;
    budget_handed_out += r.audit.budget_handed_out;
    expiry_runs += r.audit.expiry_runs;
    points_expired += r.audit.points_expired;
    expiry_given_back += r.audit.expiry_given_back;
    lots_compared += r.audit.lots_compared;
    awards_evaluated += r.audit.awards_evaluated;
    money_off_minor += r.audit.money_off_minor;
    campaign_vouchers += r.audit.campaign_vouchers;
    for (const auto& [what, count] : r.outcomes) {
      if (what.starts_with("exchange ")) exchange_outcomes[what] += count;
    }
    requests += r.network.requests;
    lost_messages += r.network.requests_dropped + r.network.replies_dropped;
    terminal_crashes += r.faults.terminal_crashes;
    server_crashes += r.faults.server_crashes;
    disk_faults += r.faults.terminal_disk_faults + r.faults.server_disk_faults;
    failed_ios += r.faults.vfs_faults_fired;
    power_cuts += r.faults.power_cuts_fired;
    unsynced_lost += r.faults.unsynced_lost;
    partitions += r.faults.partitions;
    clock_faults += r.faults.clock_jumps + r.faults.far_future_clocks;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"patron-sim: seeded fault simulation of Patron's ledger"};
  patron::sim::SimConfig config;
  uint64_t first = 1;
  int64_t seeds = 0;
  std::string dir;
  bool verbose = false;
  app.add_option("--seed", first, "the seed to run (or the first of a sweep)");
  app.add_option("--first", first, "same as --seed");
  app.add_option("--seeds", seeds, "run this many consecutive seeds (a sweep)");
  app.add_option("--steps", config.steps, "workload steps per run")->capture_default_str();
  app.add_option("--terminals", config.terminals, "terminals (two per store)")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  app.add_option("--phones", config.phones, "distinct customers")
      ->capture_default_str()
      ->check(CLI::Range(1, 9999));
  app.add_option("--dir", dir, "where run files go (default /dev/shm, else the temp dir)");
  app.add_flag("--trace", config.trace, "print every step to stderr");
  bool no_power_cuts = false;
  app.add_flag("--no-power-cuts", no_power_cuts,
               "no power cuts (as the simulation ran before it had them)");
  app.add_flag("--sabotage-synchronous-normal", config.sabotage_synchronous_normal,
               "terminals use synchronous=NORMAL: power cuts must make the run fail");
  std::string keep;
  app.add_option("--keep", keep, "copy the last run's databases into this directory");
  app.add_flag("--verbose", verbose, "print every run's figures, not only failures");
  CLI11_PARSE(app, argc, argv);
  config.power_cuts = !no_power_cuts;
  if (!dir.empty()) config.parent_dir = dir;
  if (!keep.empty()) config.keep_dir = keep;
  if (seeds <= 0) {
    seeds = 1;
    verbose = true;
  }

  const auto started = std::chrono::steady_clock::now();
  Totals totals;
  for (int64_t i = 0; i < seeds; ++i) {
    config.seed = first + static_cast<uint64_t>(i);
    const patron::sim::SimResult result = patron::sim::RunSimulation(config);
    totals.Add(result);
    if (verbose || !result.ok) std::printf("%s", patron::sim::Summarize(result).c_str());
    std::fflush(stdout);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "patron-sim: %lld seeds from %llu, %lld steps, %lld violations, %.1f s\n"
      "  %lld acknowledged entries, %lld grants, %lld clawbacks; %lld requests, %lld lost;\n"
      "  %lld terminal crashes, %lld server crashes, %lld transient disk faults, %lld failed "
      "I/Os, %lld partitions, %lld clock faults;\n"
      "  %lld power cuts (crashes included above), %lld unsynced writes lost or torn;\n"
      "  returns in another store: %lld claimed, %lld pending, %lld matched by head office, "
      "%lld refunds corrected;\n"
      "  %lld campaign awards beyond their limit reversed by head office; %lld vouchers "
      "redeemed, each once;\n"
      "  %lld member reviews queued, %lld members held above their spend's tier at the end;\n"
      "  %lld forged entries from a hostile till, every one refused;\n"
      "  %lld exchanges (%lld vouchers bought, %lld of them redeemed by sales); stock %lld of "
      "%lld exchanged, %lld handed to tills; %lld members' limits exceeded by tills offline\n",
      static_cast<long long>(totals.seeds), static_cast<unsigned long long>(first),
      static_cast<long long>(totals.steps), static_cast<long long>(totals.failures), seconds,
      static_cast<long long>(totals.entries), static_cast<long long>(totals.grants),
      static_cast<long long>(totals.clawbacks), static_cast<long long>(totals.requests),
      static_cast<long long>(totals.lost_messages), static_cast<long long>(totals.terminal_crashes),
      static_cast<long long>(totals.server_crashes), static_cast<long long>(totals.disk_faults),
      static_cast<long long>(totals.failed_ios), static_cast<long long>(totals.partitions),
      static_cast<long long>(totals.clock_faults), static_cast<long long>(totals.power_cuts),
      static_cast<long long>(totals.unsynced_lost), static_cast<long long>(totals.returns_claimed),
      static_cast<long long>(totals.returns_pending),
      static_cast<long long>(totals.returns_matched),
      static_cast<long long>(totals.refunds_corrected),
      static_cast<long long>(totals.campaign_awards_limited),
      static_cast<long long>(totals.vouchers_used), static_cast<long long>(totals.reviews_queued),
      static_cast<long long>(totals.held_above_spend),
      static_cast<long long>(totals.forged_refused), static_cast<long long>(totals.exchanges),
      static_cast<long long>(totals.exchange_vouchers),
      static_cast<long long>(totals.exchange_vouchers_used),
      static_cast<long long>(totals.stock_exchanged), static_cast<long long>(totals.stock),
      static_cast<long long>(totals.stock_handed_out),
      static_cast<long long>(totals.limits_exceeded));
  std::printf(
      "  campaign budgets: %lld points given, %lld awards short of budget, %lld points handed "
      "to tills as shares\n",
      static_cast<long long>(totals.budget_given), static_cast<long long>(totals.budget_short),
      static_cast<long long>(totals.budget_handed_out));
  std::printf(
      "  expiry: %lld runs, %lld points expired, %lld given back; %lld members' lots compared "
      "on the tills\n",
      static_cast<long long>(totals.expiry_runs), static_cast<long long>(totals.points_expired),
      static_cast<long long>(totals.expiry_given_back),
      static_cast<long long>(totals.lots_compared));
  std::printf(
      "  campaign awards: %lld evaluated again and equal; %lld minor units of money off; %lld "
      "vouchers issued by campaigns, each held at head office\n",
      static_cast<long long>(totals.awards_evaluated),
      static_cast<long long>(totals.money_off_minor),
      static_cast<long long>(totals.campaign_vouchers));
  std::printf("  exchange outcomes:");
  for (const auto& [what, count] : totals.exchange_outcomes) {
    std::printf(" %s=%lld", what.substr(9).c_str(), static_cast<long long>(count));
  }
  std::printf("\n");
  return totals.failures == 0 ? 0 : 1;
}
