// The simulation's own guarantees: a seed replays exactly, the faults it
// claims are really injected, the auditor finds damage planted for it, and
// the seeds that found bugs stay fixed.
#include <doctest/doctest.h>

#include "simulation.h"

namespace patron::sim {
namespace {

SimConfig Config(uint64_t seed, int steps) {
  SimConfig config;
  config.seed = seed;
  config.steps = steps;
  return config;
}

TEST_CASE("simulation: a seed replays exactly; another seed differs") {
  const SimResult first = RunSimulation(Config(11, 600));
  const SimResult again = RunSimulation(Config(11, 600));
  INFO(Summarize(first));
  CHECK(first.ok);
  CHECK(first.steps_run == 600);
  CHECK(first.trace_digest == again.trace_digest);
  CHECK(first.audit.entries_acknowledged == again.audit.entries_acknowledged);
  CHECK(RunSimulation(Config(12, 600)).trace_digest != first.trace_digest);
}

TEST_CASE("simulation: a run really injects every kind of fault and exercises the ledger") {
  const SimResult r = RunSimulation(Config(3, 2000));
  INFO(Summarize(r));
  REQUIRE(r.ok);
  CHECK(r.network.requests_dropped > 0);
  CHECK(r.network.replies_dropped > 0);
  CHECK(r.network.duplicated > 0);
  CHECK(r.network.late_deliveries > 0);
  CHECK(r.network.refused_partitioned > 0);
  CHECK(r.faults.terminal_crashes > 0);
  CHECK(r.faults.server_crashes > 0);
  CHECK(r.faults.terminal_disk_faults > 0);
  CHECK(r.faults.server_disk_faults > 0);
  CHECK(r.faults.vfs_faults_fired > 0);
  CHECK(r.faults.clock_jumps > 0);
  CHECK(r.audit.grants > 0);
  CHECK(r.audit.replays_checked > 0);
  CHECK(r.audit.refunds_acknowledged > 0);
  CHECK(r.audit.members > 100);
  CHECK(r.outcomes.at("in doubt") > 0);
  CHECK(r.outcomes.at("enrol existing") > 0);  // the same phone at several tills
}

// The auditor is only worth something if it fails when the ledger is wrong:
// each case plants one kind of damage in the server just before the final
// audit and expects the matching invariant to be reported.
TEST_CASE("simulation: the auditor reports a lost, a doubled and a diverged ledger") {
  struct Case {
    const char* sql;
    const char* expected;
  };
  const Case cases[] = {
      {"DELETE FROM entries WHERE seq = (SELECT MAX(seq) FROM entries WHERE kind = 'earn')",
       "set-full: lost entry"},
      {"INSERT INTO entries SELECT (SELECT MAX(seq) + 1 FROM entries), entry_id || 'x', origin, "
       "origin_seq + 100000, member_id, kind, points, amount_minor, currency, sale_ref, "
       "ref_entry, to_holder, store_id, terminal_id, hlc, wall_ms, rule_version, detail "
       "FROM entries WHERE kind = 'earn' LIMIT 1",
       "set-full: the server holds"},
      {"UPDATE members SET balance = balance + 1 "
       "WHERE member_id = (SELECT MIN(member_id) FROM members)",
       "convergence: member"},
      {"UPDATE members SET name = 'Mallory' "
       "WHERE member_id = (SELECT MAX(member_id) FROM members)",
       "convergence: member"},
  };
  for (const Case& c : cases) {
    SimConfig config = Config(5, 300);
    config.sabotage_server_sql = c.sql;
    const SimResult r = RunSimulation(config);
    INFO(c.sql);
    INFO(Summarize(r));
    CHECK_FALSE(r.ok);
    CHECK(r.violation.find(c.expected) != std::string::npos);
  }
}

// Seeds that found bugs, each checked to fail with its fix reverted.
TEST_CASE("simulation: regression seeds") {
  struct Regression {
    uint64_t seed;
    int steps;
    const char* bug;
  };
  const Regression seeds[] = {
      {2, 1100, "the server granted more points than the member's balance (grant.cc)"},
      {3, 2000, "two far-future writes of one field in one push tied at the clamp (push.cc)"},
      {34, 1000, "a retried checkout reused its grant id for another shortfall (online_checkout.cc)"},
      {66, 2000, "a profile edit stamped below the pulled value it overwrote (enrolment.cc)"},
  };
  for (const Regression& r : seeds) {
    const SimResult result = RunSimulation(Config(r.seed, r.steps));
    INFO(r.bug);
    INFO(Summarize(result));
    CHECK(result.ok);
  }
}

}  // namespace
}  // namespace patron::sim
