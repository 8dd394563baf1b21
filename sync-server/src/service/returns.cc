// SyncService::ClaimReturn: a return at one store of a sale made at another,
// counted at head office against the refunds of every store (DESIGN.md §8,
// "Returns anywhere").
#include "patron/record/record_json.h"
#include "patron/refund_plan.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"

namespace patron::sync {
namespace {

ReturnClaimResponse Answer(const SaleRecord& sale, RefundPlan plan) {
  ReturnClaimResponse response;
  response.member_id = sale.member_id;
  response.sale_ref = sale.sale_ref;
  response.earn_entry = sale.earn_entry;
  response.redeem_entry = sale.redeem_entry;
  response.plan = std::move(plan);
  return response;
}

// Refunds head office counted against the sale's totals.
bool Counted(RefundStatus status) {
  return status == RefundStatus::kApplied || status == RefundStatus::kClaimed ||
         status == RefundStatus::kMatched;
}

}  // namespace

Status SyncService::PublishRefundsElsewhere(StoreTxn& txn, std::string_view sale_id) {
  PATRON_ASSIGN_OR_RETURN(std::optional<StoredSale> sale, txn.FindSale(sale_id));
  if (!sale) return Status::OK();
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredRefund> refunds, txn.RefundsOfSale(sale_id));
  SaleRefundsElsewhere elsewhere;
  elsewhere.sale_id = std::string(sale_id);
  elsewhere.refunded_qty.assign(sale->sale.lines.size(), 0);
  for (const StoredRefund& stored : refunds) {
    const RefundRecord& refund = stored.refund;
    if (refund.terminal_id == sale->sale.terminal_id || !Counted(stored.status)) continue;
    elsewhere.refunded_minor += refund.amount_minor;
    for (const RefundLine& line : refund.lines) {
      for (size_t i = 0; i < sale->sale.lines.size(); ++i) {
        if (sale->sale.lines[i].line_no == line.line_no) elsewhere.refunded_qty[i] += line.qty;
      }
    }
  }
  return PublishItem(txn, {0,
                           std::string(kSaleRefundsItem),
                           std::string(kAudienceTerminal),
                           sale->sale.terminal_id,
                           elsewhere.sale_id,
                           {record::EncodeRecord(elsewhere)}})
      .status();
}

Result<ReturnClaimResponse> SyncService::ClaimReturn(const Caller& caller,
                                                     const ReturnClaimRequest& request) {
  PATRON_RETURN_IF_ERROR(CheckFingerprint(request.chain_key_fingerprint));
  PATRON_RETURN_IF_ERROR(CheckSpeaksFor(caller, request.terminal_id));
  std::string_view terminal, refund_ref;
  if (!SplitSaleId(request.refund_id, terminal, refund_ref) || terminal != caller.terminal_id) {
    return Status::InvalidArgument("refund_id must be '" + caller.terminal_id + "/<refund_ref>'",
                                   "invalid_refund_id");
  }

  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  PATRON_ASSIGN_OR_RETURN(std::optional<StoredSale> sale, txn->FindSale(request.sale_id));
  if (!sale) {
    return Status::NotFound("head office has no sale " + request.sale_id + " yet", "unknown_sale");
  }
  // A claim asked again (its reply was lost) gets the answer it got.
  PATRON_ASSIGN_OR_RETURN(std::optional<StoredRefund> earlier, txn->FindRefund(request.refund_id));
  if (earlier) {
    const RefundRecord& r = earlier->refund;
    const bool same_ask = (request.lines.empty() || request.lines == r.lines) &&
                          (!request.amount_minor || *request.amount_minor == r.amount_minor);
    if (r.sale_id != request.sale_id || r.terminal_id != caller.terminal_id || !same_ask) {
      return Status::Conflict("refund " + request.refund_id + " was used for another return",
                              "refund_ref_conflict");
    }
    RefundPlan plan;
    plan.amount_minor = r.amount_minor;
    plan.paid_back_minor = r.paid_back_minor;
    plan.reversed_points = r.reversed_points;
    plan.returned_points = r.returned_points;
    plan.spend_reversed_minor = r.spend_reversed_minor;
    plan.reversed_awards = r.reversed_awards;
    plan.lines = r.lines;
    return Answer(sale->sale, std::move(plan));
  }
  // The sale's record may come ahead of its entries (they travel in pages
  // of their own): a till may reverse only entries head office holds, so
  // until they are here the return is recorded pending, as for a sale head
  // office has not received.
  std::vector<std::string> entries;
  if (!sale->sale.earn_entry.empty()) entries.push_back(sale->sale.earn_entry);
  if (!sale->sale.redeem_entry.empty()) entries.push_back(sale->sale.redeem_entry);
  for (const SaleAward& award : sale->sale.awards) {
    if (!award.entry_id.empty()) entries.push_back(award.entry_id);
  }
  for (const std::string& entry_id : entries) {
    PATRON_ASSIGN_OR_RETURN(std::optional<StoredEntry> held, txn->FindEntry(entry_id));
    if (!held) {
      return Status::NotFound(
          "head office has sale " + request.sale_id + " but not yet its entry " + entry_id,
          "unknown_sale");
    }
  }
  PATRON_ASSIGN_OR_RETURN(RefundPlan plan,
                          PlanRefund(sale->sale, {sale->refunded_qty, sale->refunded_amount_minor},
                                     {request.amount_minor, request.lines}));
  PATRON_RETURN_IF_ERROR(txn->SetSaleRefunded(request.sale_id, plan.after.refunded_amount_minor,
                                              plan.after.refunded_qty));
  StoredRefund claim;
  PATRON_ASSIGN_OR_RETURN(claim.seq, txn->NextSeq());
  claim.status = RefundStatus::kClaimed;
  RefundRecord& r = claim.refund;
  r.refund_id = request.refund_id;
  r.terminal_id = caller.terminal_id;
  r.store_id = caller.store_id;
  r.refund_ref = std::string(refund_ref);
  r.sale_id = request.sale_id;
  r.member_id = sale->sale.member_id;
  r.amount_minor = plan.amount_minor;
  r.paid_back_minor = plan.paid_back_minor;
  r.reversed_points = plan.reversed_points;
  r.returned_points = plan.returned_points;
  r.spend_reversed_minor = plan.spend_reversed_minor;
  r.reversed_awards = plan.reversed_awards;
  r.lines = plan.lines;
  r.hlc = clock_.Tick();
  r.wall_ms = NowMs();
  PATRON_RETURN_IF_ERROR(txn->InsertRefund(claim));
  PATRON_RETURN_IF_ERROR(PublishRefundsElsewhere(*txn, request.sale_id));
  PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
  counters_.returns_claimed++;
  return Answer(sale->sale, std::move(plan));
}

}  // namespace patron::sync
