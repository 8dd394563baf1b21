// The arithmetic of one refund, as a pure function: the till that made the
// sale runs it against its own totals, head office against the totals of
// every store (a return in another store, DESIGN.md §8). Each refund takes
// its share of what the sale paid, earned and redeemed as the difference
// ProRata(total, refunded after) - ProRata(total, refunded before), so the
// refunds of a sale add up exactly to the sale once it is all refunded, and
// never to more.
#ifndef PATRON_REFUND_PLAN_H_
#define PATRON_REFUND_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "patron/record/field.h"
#include "patron/records/sale.h"
#include "patron/status.h"

namespace patron {

// What is left of a sale to refund: its lines' refunded quantities (in line
// order; empty for a sale without lines) and its refunded total.
struct RefundedSoFar {
  std::vector<int64_t> refunded_qty;
  int64_t refunded_amount_minor = 0;
  friend bool operator==(const RefundedSoFar&, const RefundedSoFar&) = default;
};

// What the customer brings back: lines (0-based line numbers and
// quantities), or an amount, or neither (everything not refunded yet).
struct RefundAsk {
  std::optional<int64_t> amount_minor;
  std::vector<RefundLine> lines;
};

struct RefundPlan {
  int64_t amount_minor = 0;          // goods value refunded
  int64_t paid_back_minor = 0;       // money to hand back
  int64_t reversed_points = 0;       // points of the earn entry to take back
  int64_t returned_points = 0;       // redeemed points to give back
  int64_t spend_reversed_minor = 0;  // qualifying spend the earn's reversal takes back
  std::vector<RefundLine> lines;     // the lines returned (none for a refund by amount)
  // Each campaign award's share, as reversed_points is the earn's.
  record::JsonList<AwardReversal> reversed_awards;
  RefundedSoFar after;  // the sale's totals with this refund
  friend bool operator==(const RefundPlan&, const RefundPlan&) = default;
};

// The refund `ask` of `sale`, given what was refunded `so_far`. Refuses,
// changing nothing: "unknown_line" (InvalidArgument) for a line the sale
// does not have; "refund_exceeds_sale" (FailedPrecondition) for more than is
// left of a line or of the sale; "already_refunded" for a full refund of a
// sale with nothing left.
Result<RefundPlan> PlanRefund(const SaleRecord& sale, const RefundedSoFar& so_far,
                              const RefundAsk& ask);

}  // namespace patron

namespace patron::record {

// A plan as head office sends it to the till that claimed the return.
template <>
struct Schema<RefundPlan> {
  static constexpr std::string_view kName = "refund_plan";
  static constexpr auto kFields = record::FieldList{
      Field<&RefundPlan::amount_minor>{"amount_minor"},
      Field<&RefundPlan::paid_back_minor>{"paid_back_minor"},
      Field<&RefundPlan::reversed_points>{"reversed_points"},
      Field<&RefundPlan::returned_points>{"returned_points"},
      Field<&RefundPlan::spend_reversed_minor>{"spend_reversed_minor"},
      Field<&RefundPlan::lines>{"lines"},
      Field<&RefundPlan::reversed_awards>{"reversed_awards", {}, kOmitDefault},
  };
};

}  // namespace patron::record

#endif  // PATRON_REFUND_PLAN_H_
