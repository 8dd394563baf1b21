// One seeded simulation run (issue 6): a chain of terminals and a sync
// server under network faults, crashes, disk faults and clock skew, with the
// auditor checking the ledger after every step and once all is healed.
// A run is a pure function of its SimConfig: the same seed replays exactly
// (the trace digest proves it).
#ifndef PATRON_TESTS_SIM_SIMULATION_H_
#define PATRON_TESTS_SIM_SIMULATION_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "auditor.h"
#include "sim_network.h"

namespace patron::sim {

struct SimConfig {
  uint64_t seed = 1;
  int steps = 3000;
  int terminals = 4;  // two per store
  int phones = 300;   // distinct customers the workload draws from
  // Where the run's files go (a fresh directory inside, removed after).
  std::filesystem::path parent_dir;
  bool trace = false;  // print every step to stderr
  // Copy the run's databases here at the end (for a post-mortem).
  std::filesystem::path keep_dir;
  // Power cuts among the faults. The regression seeds were found before
  // there were any, and replay as found with this off.
  bool power_cuts = true;
  // For the auditor's own tests only: SQL run against the server's database
  // just before the final audit, to plant the kind of damage it must find.
  std::string sabotage_server_sql;
  // For the auditor's own tests only: the terminals open with
  // synchronous=NORMAL, so a power cut loses sales they acknowledged.
  bool sabotage_synchronous_normal = false;
};

struct FaultFigures {
  int64_t partitions = 0;
  int64_t terminal_crashes = 0;       // stopped dead between operations
  int64_t terminal_crashes_armed = 0; // set to die at the k-th write/sync of what comes next
  int64_t terminal_disk_faults = 0;   // one failed write or sync, then fine
  int64_t server_crashes = 0;
  int64_t server_crashes_armed = 0;
  int64_t server_disk_faults = 0;
  int64_t terminal_power_cuts = 0;        // between operations, then a restart
  int64_t terminal_power_cuts_armed = 0;  // set to strike at the k-th I/O of what comes next
  int64_t server_power_cuts = 0;
  int64_t server_power_cuts_armed = 0;
  int64_t power_cuts_fired = 0;  // all machines, armed ones that struck included
  int64_t server_power_cuts_fired = 0;
  // What the power cuts did to writes and truncates not yet synced.
  int64_t unsynced_kept = 0;
  int64_t unsynced_lost = 0;  // torn included
  int64_t clock_jumps = 0;
  int64_t far_future_clocks = 0;
  int64_t vfs_faults_fired = 0;  // I/O operations actually failed
};

struct SimResult {
  uint64_t seed = 0;
  SimConfig config;  // what ran, to print the replay command
  bool ok = true;
  std::string violation;  // the first violated invariant
  int64_t violation_step = -1;  // -1: none; steps: found in the final check
  int64_t steps_run = 0;
  std::string trace_digest;  // SHA-256 of every step's trace line
  AuditFigures audit;
  NetworkStats network;
  FaultFigures faults;
  std::map<std::string, int64_t> outcomes;
};

SimResult RunSimulation(const SimConfig& config);

// A few lines: seed, verdict, figures.
std::string Summarize(const SimResult& result);

}  // namespace patron::sim

#endif  // PATRON_TESTS_SIM_SIMULATION_H_
