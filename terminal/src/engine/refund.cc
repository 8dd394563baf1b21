#include "engine/refund.h"

#include <map>

#include "engine/member_view.h"
#include "engine/requests.h"
#include "patron/money.h"

namespace patron::terminal {
namespace {

Status Exceeds(std::string message) {
  return Status::FailedPrecondition(std::move(message), "refund_exceeds_sale");
}

// The increase of ProRata(total, ·, whole) when `part` grows from `before` to
// `after`.
Result<int64_t> Increment(int64_t total, int64_t before, int64_t after, int64_t whole) {
  PATRON_ASSIGN_OR_RETURN(int64_t at_after, ProRata(total, after, whole));
  PATRON_ASSIGN_OR_RETURN(int64_t at_before, ProRata(total, before, whole));
  return at_after - at_before;
}

// The goods value of the lines being returned; records their refunded qty.
Result<int64_t> RefundLines(EngineContext& ctx, const SaleRow& sale,
                            const std::vector<RefundLine>& requested) {
  PATRON_ASSIGN_OR_RETURN(std::vector<SaleLineRow> lines, ctx.sales.GetLines(sale.sale_ref));
  std::map<int64_t, const SaleLineRow*> by_no;
  for (const SaleLineRow& line : lines) by_no[line.line_no] = &line;
  int64_t amount = 0;
  for (const RefundLine& want : requested) {
    auto it = by_no.find(want.line_no);
    if (it == by_no.end()) {
      return Status::InvalidArgument("sale " + sale.sale_ref + " has no line " +
                                         std::to_string(want.line_no),
                                     "unknown_line");
    }
    const SaleLineRow& line = *it->second;
    const int64_t after = line.refunded_qty + want.qty;
    if (after > line.qty) {
      return Exceeds("line " + std::to_string(line.line_no) + " sold " +
                     std::to_string(line.qty) + ", " + std::to_string(line.refunded_qty) +
                     " already refunded, " + std::to_string(want.qty) + " requested");
    }
    PATRON_ASSIGN_OR_RETURN(int64_t value,
                            Increment(line.amount_minor, line.refunded_qty, after, line.qty));
    PATRON_ASSIGN_OR_RETURN(amount, CheckedAdd(amount, value));
    PATRON_RETURN_IF_ERROR(ctx.sales.SetLineRefundedQty(sale.sale_ref, line.line_no, after));
  }
  return amount;
}

// A full refund returns every line still unreturned; returns those lines
// and quantities.
Result<std::vector<RefundLine>> MarkAllLinesRefunded(EngineContext& ctx, const SaleRow& sale) {
  PATRON_ASSIGN_OR_RETURN(std::vector<SaleLineRow> lines, ctx.sales.GetLines(sale.sale_ref));
  std::vector<RefundLine> returned;
  for (const SaleLineRow& line : lines) {
    if (line.refunded_qty == line.qty) continue;
    PATRON_RETURN_IF_ERROR(ctx.sales.SetLineRefundedQty(sale.sale_ref, line.line_no, line.qty));
    returned.push_back({line.line_no, line.qty - line.refunded_qty});
  }
  return returned;
}

// The goods value the request refunds; `lines` gets the lines it returns
// (none for a refund by amount).
Result<int64_t> RefundAmount(EngineContext& ctx, const SaleRow& sale,
                             const RefundRequest& request, std::vector<RefundLine>& lines) {
  const int64_t remaining = sale.amount_minor - sale.refunded_amount_minor;
  if (!request.lines.empty()) {
    PATRON_ASSIGN_OR_RETURN(int64_t amount, RefundLines(ctx, sale, request.lines));
    if (amount > remaining) {
      return Exceeds("the lines are worth " + std::to_string(amount) + " but only " +
                     std::to_string(remaining) + " of the sale is left to refund");
    }
    lines = request.lines;
    return amount;
  }
  if (request.amount_minor) {
    if (*request.amount_minor > remaining) {
      return Exceeds("refund of " + std::to_string(*request.amount_minor) + " but only " +
                     std::to_string(remaining) + " of sale " + sale.sale_ref +
                     " is left to refund");
    }
    return *request.amount_minor;
  }
  if (remaining == 0) {
    return Status::FailedPrecondition("sale " + sale.sale_ref + " is already fully refunded",
                                      "already_refunded");
  }
  PATRON_ASSIGN_OR_RETURN(lines, MarkAllLinesRefunded(ctx, sale));
  return remaining;
}

RefundResult Replay(const RefundRow& row) {
  std::string_view terminal_id, sale_ref;
  SplitSaleId(row.sale_id, terminal_id, sale_ref);
  RefundResult result;
  result.refund_ref = row.refund_ref;
  result.sale_ref = std::string(sale_ref);
  result.member_id = row.member_id;
  result.amount_minor = row.amount_minor;
  result.paid_back_minor = row.paid_back_minor;
  result.reversed_points = row.reversed_points;
  result.returned_points = row.returned_points;
  result.balance = row.balance_after;
  result.clawback = row.balance_after < 0;
  result.entry_ids = row.entry_ids;
  result.replayed = true;
  return result;
}

}  // namespace

Result<RefundResult> Refund(EngineContext& ctx, const RefundRequest& request) {
  PATRON_RETURN_IF_ERROR(ValidateRefund(request));
  const std::string request_hash = HashRefund(request);
  return InWriteTransaction(ctx, [&]() -> Result<RefundResult> {
    PATRON_ASSIGN_OR_RETURN(std::optional<RefundRow> earlier,
                            ctx.sales.GetRefund(request.refund_ref));
    if (earlier) {
      if (earlier->request_hash == request_hash) return Replay(*earlier);
      return Status::Conflict("refund_ref " + request.refund_ref +
                                  " was already used for a different refund",
                              "refund_ref_conflict");
    }
    PATRON_ASSIGN_OR_RETURN(std::optional<SaleRow> found, ctx.sales.GetSale(request.sale_ref));
    if (!found) {
      return Status::NotFound("no sale " + request.sale_ref + " on this terminal",
                              "unknown_sale");
    }
    const SaleRow& sale = *found;
    std::vector<RefundLine> lines;
    PATRON_ASSIGN_OR_RETURN(int64_t amount, RefundAmount(ctx, sale, request, lines));
    const int64_t before = sale.refunded_amount_minor;
    const int64_t after = before + amount;  // <= amount_minor, checked above
    const int64_t whole = sale.amount_minor;

    RefundResult result;
    result.refund_ref = request.refund_ref;
    result.sale_ref = sale.sale_ref;
    result.member_id = sale.member_id;
    result.amount_minor = amount;
    PATRON_ASSIGN_OR_RETURN(result.paid_back_minor,
                            Increment(sale.paid_minor, before, after, whole));
    PATRON_ASSIGN_OR_RETURN(result.reversed_points,
                            Increment(sale.earned_points, before, after, whole));
    PATRON_ASSIGN_OR_RETURN(result.returned_points,
                            Increment(sale.redeemed_points, before, after, whole));
    PATRON_ASSIGN_OR_RETURN(int64_t spend_reversed,
                            Increment(sale.eligible_paid_minor, before, after, whole));

    if (!sale.earn_entry.empty() && (result.reversed_points > 0 || spend_reversed > 0)) {
      LedgerEntry reverse;
      reverse.member_id = sale.member_id;
      reverse.kind = EntryKind::kReverse;
      reverse.points = -result.reversed_points;
      reverse.amount_minor = -spend_reversed;
      reverse.sale_ref = sale.sale_ref;
      reverse.ref_entry = sale.earn_entry;
      PATRON_ASSIGN_OR_RETURN(LedgerEntry written, AppendOwnEntry(ctx, std::move(reverse)));
      result.entry_ids.push_back(written.entry_id);
    }
    if (!sale.redeem_entry.empty() && result.returned_points > 0) {
      LedgerEntry give_back;
      give_back.member_id = sale.member_id;
      give_back.kind = EntryKind::kReverse;
      give_back.points = result.returned_points;
      give_back.sale_ref = sale.sale_ref;
      give_back.ref_entry = sale.redeem_entry;
      PATRON_ASSIGN_OR_RETURN(LedgerEntry written, AppendOwnEntry(ctx, std::move(give_back)));
      result.entry_ids.push_back(written.entry_id);
    }
    PATRON_RETURN_IF_ERROR(ctx.sales.SetRefundedAmount(sale.sale_ref, after));

    PATRON_ASSIGN_OR_RETURN(Member member, LoadMember(ctx, sale.member_id));
    result.balance = member.balance;
    result.clawback = member.balance < 0;
    RefundRow row;
    row.refund_id = MakeSaleId(ctx.identity.terminal_id, request.refund_ref);
    row.terminal_id = ctx.identity.terminal_id;
    row.store_id = ctx.identity.store_id;
    row.refund_ref = request.refund_ref;
    row.sale_id = sale.sale_id;
    row.member_id = sale.member_id;
    row.amount_minor = result.amount_minor;
    row.paid_back_minor = result.paid_back_minor;
    row.reversed_points = result.reversed_points;
    row.returned_points = result.returned_points;
    row.lines = std::move(lines);
    row.entry_ids = result.entry_ids;
    row.hlc = ctx.clock.Now();
    row.wall_ms = ctx.NowMs();
    row.request_hash = request_hash;
    row.balance_after = result.balance;
    PATRON_RETURN_IF_ERROR(ctx.sales.InsertRefund(row));
    PATRON_RETURN_IF_ERROR(ctx.outbox.Append(kRefundRecordKind, row.refund_id,
                                             static_cast<const RefundRecord&>(row)));
    return result;
  });
}

}  // namespace patron::terminal
