// SyncService::ExportMember: one member's data as head office holds it,
// read in one transaction after a fold, so it is complete up to the moment
// it was asked for.
#include <memory>

#include "patron/sync_server/sync_service.h"
#include "patron/uuid.h"

namespace patron::sync {

Result<MemberExport> SyncService::ExportMember(std::string_view member_id) {
  Result<Uuid> id = Uuid::Parse(member_id);
  if (!id.ok()) {
    return Status::InvalidArgument("\"" + std::string(member_id) + "\" is not a member id",
                                   "invalid_member_id");
  }
  const std::string member = id->ToString();
  PATRON_RETURN_IF_ERROR(folder_.FoldAll());
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  MemberExport out;
  out.exported_ms = NowMs();
  PATRON_ASSIGN_OR_RETURN(std::optional<MemberRecord> row, txn->FindMember(member));
  if (row) out.member = std::move(row->state);
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredEntry> entries, txn->EntriesOfMember(member));
  for (StoredEntry& stored : entries) out.entries.push_back(std::move(stored.entry));
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredSale> sales, txn->SalesOfMember(member));
  for (StoredSale& stored : sales) out.sales.push_back(std::move(stored.sale));
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredRefund> refunds, txn->RefundsOfMember(member));
  for (StoredRefund& stored : refunds) out.refunds.push_back(std::move(stored.refund));
  PATRON_ASSIGN_OR_RETURN(out.vouchers, txn->VouchersOfMember(member));
  PATRON_ASSIGN_OR_RETURN(out.exchanges, txn->ExchangesOfMember(member));
  PATRON_ASSIGN_OR_RETURN(out.campaigns, txn->CampaignMembersOf(member));
  PATRON_ASSIGN_OR_RETURN(out.metrics, txn->FindMemberMetrics(member));
  PATRON_ASSIGN_OR_RETURN(out.feedback, txn->FeedbackOfMember(member));
  for (const FeedbackRecord& feedback : out.feedback) {
    PATRON_ASSIGN_OR_RETURN(std::optional<CaseRecord> opened, txn->FindCase(feedback.feedback_id));
    if (!opened) continue;
    PATRON_ASSIGN_OR_RETURN(CaseView view,
                            ViewCase(*txn, std::move(*opened), out.exported_ms, true));
    out.cases.push_back(std::move(view));
  }
  if (!out.member && out.entries.empty() && out.sales.empty() && out.refunds.empty() &&
      out.vouchers.empty() && out.exchanges.empty() && out.campaigns.empty() &&
      out.feedback.empty()) {
    return Status::NotFound("head office holds nothing of member " + member, "unknown_member");
  }
  return out;
}

}  // namespace patron::sync
