#include "patron/refund_plan.h"

#include <map>

#include "patron/money.h"

namespace patron {
namespace {

Status Exceeds(std::string message) {
  return Status::FailedPrecondition(std::move(message), "refund_exceeds_sale");
}

// The increase of ProRata(total, ·, whole) when the refunded part grows from
// `before` to `after`.
Result<int64_t> Increment(int64_t total, int64_t before, int64_t after, int64_t whole) {
  PATRON_ASSIGN_OR_RETURN(int64_t at_after, ProRata(total, after, whole));
  PATRON_ASSIGN_OR_RETURN(int64_t at_before, ProRata(total, before, whole));
  return at_after - at_before;
}

int64_t RefundedQty(const RefundedSoFar& so_far, size_t line) {
  return line < so_far.refunded_qty.size() ? so_far.refunded_qty[line] : 0;
}

// The goods value of the returned lines; records their quantities in `plan`.
Result<int64_t> ValueOfLines(const SaleRecord& sale, const std::vector<RefundLine>& asked,
                             RefundPlan& plan) {
  std::map<int64_t, size_t> by_no;
  for (size_t i = 0; i < sale.lines.size(); ++i) by_no[sale.lines[i].line_no] = i;
  int64_t amount = 0;
  for (const RefundLine& want : asked) {
    auto it = by_no.find(want.line_no);
    if (it == by_no.end()) {
      return Status::InvalidArgument(
          "sale " + sale.sale_ref + " has no line " + std::to_string(want.line_no),
          "unknown_line");
    }
    const SaleLine& line = sale.lines[it->second];
    const int64_t before = plan.after.refunded_qty[it->second];
    const int64_t after = before + want.qty;
    if (want.qty <= 0 || after > line.qty) {
      return Exceeds("line " + std::to_string(line.line_no) + " sold " +
                     std::to_string(line.qty) + ", " + std::to_string(before) +
                     " already refunded, " + std::to_string(want.qty) + " requested");
    }
    PATRON_ASSIGN_OR_RETURN(int64_t value, Increment(line.amount_minor, before, after, line.qty));
    PATRON_ASSIGN_OR_RETURN(amount, CheckedAdd(amount, value));
    plan.after.refunded_qty[it->second] = after;
  }
  plan.lines = asked;
  return amount;
}

// A full refund returns every line still unreturned.
void ReturnEveryLine(const SaleRecord& sale, RefundPlan& plan) {
  for (size_t i = 0; i < sale.lines.size(); ++i) {
    const int64_t left = sale.lines[i].qty - plan.after.refunded_qty[i];
    if (left <= 0) continue;
    plan.lines.push_back({sale.lines[i].line_no, left});
    plan.after.refunded_qty[i] = sale.lines[i].qty;
  }
}

}  // namespace

Result<RefundPlan> PlanRefund(const SaleRecord& sale, const RefundedSoFar& so_far,
                              const RefundAsk& ask) {
  RefundPlan plan;
  plan.after.refunded_amount_minor = so_far.refunded_amount_minor;
  plan.after.refunded_qty.resize(sale.lines.size());
  for (size_t i = 0; i < sale.lines.size(); ++i) {
    plan.after.refunded_qty[i] = RefundedQty(so_far, i);
  }
  const int64_t whole = sale.amount_minor;
  const int64_t before = so_far.refunded_amount_minor;
  const int64_t remaining = whole - before;
  if (ask.amount_minor && !ask.lines.empty()) {
    return Status::InvalidArgument("give either an amount or lines, not both", "invalid_refund");
  }
  if (!ask.lines.empty()) {
    PATRON_ASSIGN_OR_RETURN(plan.amount_minor, ValueOfLines(sale, ask.lines, plan));
    if (plan.amount_minor > remaining) {
      return Exceeds("the lines are worth " + std::to_string(plan.amount_minor) + " but only " +
                     std::to_string(remaining) + " of the sale is left to refund");
    }
  } else if (ask.amount_minor) {
    if (*ask.amount_minor <= 0) {
      return Status::InvalidArgument("a refund's amount must be positive", "invalid_amount");
    }
    if (*ask.amount_minor > remaining) {
      return Exceeds("refund of " + std::to_string(*ask.amount_minor) + " but only " +
                     std::to_string(remaining) + " of sale " + sale.sale_ref +
                     " is left to refund");
    }
    plan.amount_minor = *ask.amount_minor;
  } else {
    if (remaining <= 0) {
      return Status::FailedPrecondition("sale " + sale.sale_ref + " is already fully refunded",
                                        "already_refunded");
    }
    plan.amount_minor = remaining;
    ReturnEveryLine(sale, plan);
  }
  const int64_t after = before + plan.amount_minor;  // <= whole, checked above
  plan.after.refunded_amount_minor = after;
  PATRON_ASSIGN_OR_RETURN(plan.paid_back_minor, Increment(sale.paid_minor, before, after, whole));
  PATRON_ASSIGN_OR_RETURN(plan.reversed_points,
                          Increment(sale.earned_points, before, after, whole));
  PATRON_ASSIGN_OR_RETURN(plan.returned_points,
                          Increment(sale.redeemed_points, before, after, whole));
  PATRON_ASSIGN_OR_RETURN(plan.spend_reversed_minor,
                          Increment(sale.eligible_paid_minor, before, after, whole));
  for (const SaleAward& award : sale.awards) {
    if (award.entry_id.empty()) continue;  // held out: nothing was given
    PATRON_ASSIGN_OR_RETURN(int64_t points, Increment(award.points, before, after, whole));
    if (points > 0) plan.reversed_awards.push_back({award.entry_id, award.campaign_id, points});
  }
  return plan;
}

}  // namespace patron
