// The workload: what the tills of a chain do all day, at random terminals.
// Enrolments (the same phone at several stores, typed differently), look-ups,
// earning sales, redemptions (from the terminal's own rights, through a grant
// from the server, or refused), full, partial and line refunds (also of
// points spent elsewhere meanwhile), points exchanges (积分兑换: from the
// till's share of a reward's stock, with a grant, or refused), profile
// edits and sync rounds.
//
// Like a POS, it asks again, with the same receipt number, whenever it did
// not get an answer: a terminal that crashed mid-checkout or whose disk
// failed leaves the sale in doubt until a retry settles it.
#ifndef PATRON_TESTS_SIM_WORKLOAD_H_
#define PATRON_TESTS_SIM_WORKLOAD_H_

#include <cstdint>
#include <map>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auditor.h"
#include "sim_random.h"
#include "sim_world.h"

namespace patron::sim {

class Workload {
 public:
  Workload(SimWorld& world, SimRandom& random, Auditor& auditor, int phones);

  // One POS operation at a random terminal; returns a line for the trace.
  std::string Step();
  // One sync round at terminal `t`; returns a line for the trace.
  std::string Sync(size_t t);
  // Asks again for everything left in doubt (the final phase, all healed).
  // Returns how many stay in doubt (0 unless something is broken).
  size_t SettleInDoubt();

  // Outcome counts by name ("sale ok", "redeem insufficient_points", ...).
  const std::map<std::string, int64_t>& counts() const { return counts_; }

 private:
  struct SaleRecord {
    terminal::SaleRequest request;
    int refunds = 0;
  };
  using Request =
      std::variant<terminal::SaleRequest, terminal::RefundRequest, terminal::ExchangeRequest>;
  struct InDoubt {
    size_t terminal;
    Request request;
  };

  std::string Enrol(size_t t);
  std::string Lookup(size_t t);
  std::string Sell(size_t t, bool redeem);
  std::string RefundSome(size_t t);
  std::string EditProfile(size_t t);
  // A member exchanges points for a reward of the published pack at `t`,
  // through ExchangeWithHeadOffice as patrond does (stock claimed and
  // rights granted by head office over the network); now and then the POS
  // sends an acknowledged exchange again instead.
  std::string ExchangePoints(size_t t);
  // Head office issues a voucher to a member, kept there or placed at a
  // random till (records/voucher.h).
  std::string IssueVoucher();
  // A usable voucher of the member that terminal `t` knows, or "" (none,
  // or the dice say the customer brought none).
  std::string VoucherToBring(size_t t, const std::string& member_id);
  std::string Retry();
  // The POS sends an acknowledged sale again (its answer timed out on the
  // POS side): it must be answered as a replay, changing nothing.
  std::string Resend(size_t t);

  // Runs an exchange at `t`: OK if acknowledged (and recorded), else the
  // refusal or failure.
  Status SubmitExchange(size_t t, const terminal::ExchangeRequest& request, std::string& trace);
  // Runs a checkout, refund or exchange and settles its outcome; true if settled
  // (acknowledged or refused), false if left in doubt. `resent`: the request
  // was acknowledged before, so only a replay is a correct answer.
  bool Submit(size_t t, const Request& request, std::string& trace, bool resent = false);
  // After an operation at `t`: if its disk died under it, the till restarts.
  bool ReviveIfDead(size_t t);
  // Checks a refusal is one this operation may meet (`allowed` reasons);
  // anything else is a violation (an internal error, corruption, an
  // idempotency conflict, a sale the terminal forgot).
  void ExpectRefusal(const Status& status, const std::string& what,
                     std::initializer_list<std::string_view> allowed);
  // A member enrolled somewhere, as (phone index, member id); -1 if none yet.
  int PickEnrolled();
  std::string PhoneAs(int index, int style) const;
  void Count(const std::string& what) { ++counts_[what]; }

  SimWorld& world_;
  SimRandom& random_;
  Auditor& auditor_;
  int phones_;
  std::map<int, std::string> member_of_phone_;  // enrolled anywhere
  std::vector<std::vector<SaleRecord>> sales_;   // per terminal, acknowledged
  // Per terminal, acknowledged.
  std::vector<std::vector<terminal::ExchangeRequest>> exchanges_;
  std::vector<Reward> rewards_;                  // of the published pack
  std::vector<int64_t> next_ref_;                // per terminal
  int64_t next_voucher_ = 0;
  std::vector<InDoubt> in_doubt_;
  std::map<std::string, int64_t> counts_;
};

}  // namespace patron::sim

#endif  // PATRON_TESTS_SIM_WORKLOAD_H_
