// A hostile till (issue 15): a registered terminal whose owner pushes
// entries straight to head office with its token, as a cashier crediting
// cards would: kinds that are head office's alone, earns beyond the rules,
// reverses of nothing, redemptions and hand-backs of rights it does not
// hold, entries dated in another century. Head office must refuse every
// one (the auditor checks each answer, and at the end that no entry of
// this till is stored, so no forged point reached a balance).
//
// Its choices come from a SimRandom of its own, so adding it left every
// other draw of a run, and the regression seeds, as they were.
#ifndef PATRON_TESTS_SIM_HOSTILE_TILL_H_
#define PATRON_TESTS_SIM_HOSTILE_TILL_H_

#include <cstdint>
#include <string>

#include "auditor.h"
#include "sim_random.h"
#include "sim_world.h"

namespace patron::sim {

class HostileTill {
 public:
  HostileTill(uint64_t seed, SimWorld& world, Auditor& auditor)
      : random_(seed ^ 0x686f7374696c65ULL), world_(world), auditor_(auditor) {}

  // Now and then (about one step in 25), one forged push of 1-3 entries
  // for members the chain has; returns its trace ("" when it does nothing).
  std::string Step();

 private:
  LedgerEntry Forge(const std::string& member_id);

  SimRandom random_;
  SimWorld& world_;
  Auditor& auditor_;
  int64_t next_seq_ = 1;
};

}  // namespace patron::sim

#endif  // PATRON_TESTS_SIM_HOSTILE_TILL_H_
