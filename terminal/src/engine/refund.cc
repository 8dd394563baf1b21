#include "engine/refund.h"

#include "engine/member_view.h"
#include "engine/requests.h"
#include "patron/money.h"
#include "patron/refund_plan.h"

namespace patron::terminal {
namespace {

// What was refunded of a sale made here so far: here, and elsewhere as
// head office last said (returns anywhere).
Result<RefundedSoFar> SoFar(EngineContext& ctx, const SaleRow& sale,
                            std::vector<SaleLineRow>& lines) {
  PATRON_ASSIGN_OR_RETURN(lines, ctx.sales.GetLines(sale.sale_ref));
  RefundedSoFar so_far;
  so_far.refunded_amount_minor = sale.refunded_amount_minor + sale.refunded_elsewhere_minor;
  for (const SaleLineRow& line : lines) {
    so_far.refunded_qty.push_back(line.refunded_qty + line.refunded_elsewhere_qty);
  }
  return so_far;
}

// Records what the plan refunds here on the sale and its lines.
Status RecordRefunded(EngineContext& ctx, const SaleRow& sale,
                      const std::vector<SaleLineRow>& lines, const RefundPlan& plan) {
  for (size_t i = 0; i < lines.size() && i < plan.after.refunded_qty.size(); ++i) {
    const int64_t here = plan.after.refunded_qty[i] - lines[i].refunded_elsewhere_qty;
    if (here == lines[i].refunded_qty) continue;
    PATRON_RETURN_IF_ERROR(ctx.sales.SetLineRefundedQty(sale.sale_ref, lines[i].line_no, here));
  }
  return ctx.sales.SetRefundedAmount(sale.sale_ref,
                                     sale.refunded_amount_minor + plan.amount_minor);
}

// The result a refund's row records (also its answer when replayed).
RefundResult ResultOf(const RefundRow& row, bool replayed) {
  std::string_view terminal_id, sale_ref;
  SplitSaleId(row.sale_id, terminal_id, sale_ref);
  RefundResult result;
  result.refund_ref = row.refund_ref;
  result.sale_ref = std::string(sale_ref);
  result.sale_id = row.sale_id;
  result.member_id = row.member_id;
  result.amount_minor = row.amount_minor;
  result.paid_back_minor = row.paid_back_minor;
  result.reversed_points = row.reversed_points;
  for (const AwardReversal& award : row.reversed_awards) result.reversed_points += award.points;
  result.returned_points = row.returned_points;
  result.balance = row.balance_after;
  result.clawback = row.balance_after < 0;
  result.pending = row.pending;
  result.entry_ids = row.entry_ids;
  result.replayed = replayed;
  return result;
}

// The stored refund with this refund_ref, if the request is the one that
// made it; Conflict if it was another. nullopt when there is none.
Result<std::optional<RefundResult>> Replayed(EngineContext& ctx, const RefundRequest& request,
                                             const std::string& request_hash) {
  PATRON_ASSIGN_OR_RETURN(std::optional<RefundRow> earlier,
                          ctx.sales.GetRefund(request.refund_ref));
  if (!earlier) return std::optional<RefundResult>();
  if (earlier->request_hash != request_hash) {
    return Status::Conflict(
        "refund_ref " + request.refund_ref + " was already used for a different refund",
        "refund_ref_conflict");
  }
  return std::optional<RefundResult>(ResultOf(*earlier, true));
}

// The sale a refund is of: what its reversals name.
struct RefundedSale {
  std::string sale_id;
  std::string sale_ref;
  std::string member_id;
  std::string earn_entry;
  std::string redeem_entry;
};

// Writes the reversals of `plan` (the earned points and spend it takes back,
// each campaign award's share, the redeemed points it gives back) into
// `row`'s entries.
Status WriteReversals(EngineContext& ctx, const RefundedSale& sale, const RefundPlan& plan,
                      RefundRow& row) {
  if (!sale.earn_entry.empty() && (plan.reversed_points > 0 || plan.spend_reversed_minor > 0)) {
    LedgerEntry reverse;
    reverse.member_id = sale.member_id;
    reverse.kind = EntryKind::kReverse;
    reverse.points = -plan.reversed_points;
    reverse.amount_minor = -plan.spend_reversed_minor;
    reverse.sale_ref = sale.sale_ref;
    reverse.ref_entry = sale.earn_entry;
    PATRON_RETURN_IF_ERROR(CopyLot(ctx, sale.earn_entry, reverse.detail));
    PATRON_ASSIGN_OR_RETURN(LedgerEntry written, AppendOwnEntry(ctx, std::move(reverse)));
    row.entry_ids.push_back(written.entry_id);
  }
  for (const AwardReversal& award : plan.reversed_awards) {
    LedgerEntry reverse;
    reverse.member_id = sale.member_id;
    reverse.kind = EntryKind::kReverse;
    reverse.points = -award.points;
    reverse.sale_ref = sale.sale_ref;
    reverse.ref_entry = award.entry_id;
    PATRON_RETURN_IF_ERROR(CopyLot(ctx, award.entry_id, reverse.detail));
    PATRON_ASSIGN_OR_RETURN(LedgerEntry written, AppendOwnEntry(ctx, std::move(reverse)));
    row.entry_ids.push_back(written.entry_id);
  }
  if (!sale.redeem_entry.empty() && plan.returned_points > 0) {
    LedgerEntry give_back;
    give_back.member_id = sale.member_id;
    give_back.kind = EntryKind::kReverse;
    give_back.points = plan.returned_points;
    give_back.sale_ref = sale.sale_ref;
    give_back.ref_entry = sale.redeem_entry;
    PATRON_ASSIGN_OR_RETURN(LedgerEntry written, AppendOwnEntry(ctx, std::move(give_back)));
    row.entry_ids.push_back(written.entry_id);
  }
  row.amount_minor = plan.amount_minor;
  row.paid_back_minor = plan.paid_back_minor;
  row.reversed_points = plan.reversed_points;
  row.returned_points = plan.returned_points;
  row.spend_reversed_minor = plan.spend_reversed_minor;
  row.reversed_awards = plan.reversed_awards;
  row.lines = plan.lines;
  return Status::OK();
}

// A new refund row of `sale` made here, stamped now.
RefundRow NewRow(EngineContext& ctx, const RefundRequest& request, const std::string& hash,
                 const RefundedSale& sale) {
  RefundRow row;
  row.refund_id = MakeSaleId(ctx.identity.terminal_id, request.refund_ref);
  row.terminal_id = ctx.identity.terminal_id;
  row.store_id = ctx.identity.store_id;
  row.refund_ref = request.refund_ref;
  row.sale_id = sale.sale_id;
  row.member_id = sale.member_id;
  row.hlc = ctx.clock.Now();
  row.wall_ms = ctx.NowMs();
  row.request_hash = hash;
  return row;
}

// Stores the refund, with the member's balance after it when the member is
// known here, and queues its record for head office.
Result<RefundResult> Store(EngineContext& ctx, RefundRow& row) {
  if (!row.member_id.empty()) {
    PATRON_ASSIGN_OR_RETURN(Member member, LoadMember(ctx, row.member_id));
    row.balance_after = member.balance;
  }
  PATRON_RETURN_IF_ERROR(ctx.sales.InsertRefund(row));
  PATRON_RETURN_IF_ERROR(ctx.outbox.Append(kRefundRecordKind, row.refund_id,
                                           static_cast<const RefundRecord&>(row)));
  return ResultOf(row, false);
}

}  // namespace

Result<RefundResult> Refund(EngineContext& ctx, const RefundRequest& request) {
  PATRON_RETURN_IF_ERROR(ValidateRefund(request));
  const std::string request_hash = HashRefund(request);
  return InWriteTransaction(ctx, [&]() -> Result<RefundResult> {
    PATRON_ASSIGN_OR_RETURN(std::optional<RefundResult> replayed,
                            Replayed(ctx, request, request_hash));
    if (replayed) return *replayed;
    PATRON_ASSIGN_OR_RETURN(std::optional<SaleRow> found, ctx.sales.GetSale(request.sale_ref));
    if (!found) {
      return Status::NotFound("no sale " + request.sale_ref + " on this terminal",
                              "unknown_sale");
    }
    const SaleRow& sale = *found;
    std::vector<SaleLineRow> lines;
    PATRON_ASSIGN_OR_RETURN(RefundedSoFar so_far, SoFar(ctx, sale, lines));
    PATRON_ASSIGN_OR_RETURN(RefundPlan plan,
                            PlanRefund(sale, so_far, {request.amount_minor, request.lines}));
    PATRON_RETURN_IF_ERROR(RecordRefunded(ctx, sale, lines, plan));
    const RefundedSale refunded{sale.sale_id, sale.sale_ref, sale.member_id, sale.earn_entry,
                                sale.redeem_entry};
    RefundRow row = NewRow(ctx, request, request_hash, refunded);
    PATRON_RETURN_IF_ERROR(WriteReversals(ctx, refunded, plan, row));
    return Store(ctx, row);
  });
}

Result<RefundResult> ReturnForeignSale(EngineContext& ctx, const RefundRequest& request,
                                       const std::optional<sync::ReturnClaimResponse>& claim) {
  PATRON_RETURN_IF_ERROR(ValidateRefund(request));
  const std::string request_hash = HashRefund(request);
  const std::string sale_id = MakeSaleId(request.sale_terminal, request.sale_ref);
  return InWriteTransaction(ctx, [&]() -> Result<RefundResult> {
    PATRON_ASSIGN_OR_RETURN(std::optional<RefundResult> replayed,
                            Replayed(ctx, request, request_hash));
    if (replayed) return *replayed;
    if (claim) {
      // Head office counted it against every store's refunds: reverse here
      // what it says, naming the sale's own entries.
      const RefundedSale refunded{sale_id, claim->sale_ref, claim->member_id, claim->earn_entry,
                                  claim->redeem_entry};
      PATRON_ASSIGN_OR_RETURN(std::string member_id, NormalizeMemberId(claim->member_id));
      RefundRow row = NewRow(ctx, request, request_hash, refunded);
      PATRON_RETURN_IF_ERROR(EnsureMemberRow(ctx, member_id));
      PATRON_RETURN_IF_ERROR(WriteReversals(ctx, refunded, claim->plan, row));
      return Store(ctx, row);
    }
    // Pending: the money goes back by the store's own policy, all of it as
    // money; head office reverses the points when it matches the sale.
    if (!request.amount_minor || !request.lines.empty()) {
      return Status::FailedPrecondition(
          "the sale " + sale_id +
              " cannot be looked up at head office now: refund it by amount (amount_minor)",
          "return_needs_amount");
    }
    RefundedSale refunded{sale_id, request.sale_ref, request.member_id, "", ""};
    if (!refunded.member_id.empty()) {
      PATRON_ASSIGN_OR_RETURN(refunded.member_id, NormalizeMemberId(refunded.member_id));
    }
    RefundRow row = NewRow(ctx, request, request_hash, refunded);
    row.pending = true;
    row.amount_minor = *request.amount_minor;
    row.paid_back_minor = *request.amount_minor;
    return Store(ctx, row);
  });
}

Result<bool> HasRefund(EngineContext& ctx, std::string_view refund_ref) {
  PATRON_ASSIGN_OR_RETURN(std::optional<RefundRow> row, ctx.sales.GetRefund(refund_ref));
  return row.has_value();
}

}  // namespace patron::terminal
