#include "service/analytics_folder.h"

#include <algorithm>

#include "patron/local_time.h"
#include "patron/rules.h"
#include "service/checks.h"

namespace patron::sync {
namespace {

// Records read per query while a batch adds a range.
constexpr int kRecordsPerRead = 1000;

}  // namespace

std::string AnalyticsBatch::DayOf(int64_t wall_ms) const {
  return FormatLocalDay(ToLocalDate(wall_ms, offset_minutes_).day_number);
}

StoreDay& AnalyticsBatch::StoreDayOf(const std::string& store_id, const std::string& day) {
  StoreDay& row = store_days_[{store_id, day}];
  row.store_id = store_id;
  row.day = day;
  return row;
}

void AnalyticsBatch::AddEntry(const LedgerEntry& e) {
  // A transfer (a grant, a hand-back) changes no balance and no figure: it
  // would only add empty rows for head office's own "server" holder.
  if (e.kind == EntryKind::kTransfer) return;
  const std::string day = DayOf(e.wall_ms);
  StoreDay& row = StoreDayOf(e.store_id, day);
  row.points_net += BalanceEffect(e);
  switch (e.kind) {
    case EntryKind::kEarn: {
      row.points_earned += e.points;
      TierDay& tier = tier_days_[{e.detail.tier, day}];
      tier.tier = e.detail.tier;
      tier.day = day;
      ++tier.earns;
      tier.spend_minor += e.amount_minor;
      tier.points += e.points;
      break;
    }
    case EntryKind::kBonus:
      row.points_bonus += e.points;
      break;
    case EntryKind::kRedeem:
      row.points_redeemed -= e.points;
      break;
    case EntryKind::kExpire:
      row.points_expired -= e.points;
      break;
    case EntryKind::kReverse:
      row.points_reversed += e.points;
      break;
    case EntryKind::kAdjust:
      row.points_adjusted += e.points;
      break;
    case EntryKind::kTransfer:
    case EntryKind::kUnknown:
      break;
  }
}

void AnalyticsBatch::MoveEnrolment(const Enrolment& before, const Enrolment& after) {
  if (before == after) return;
  if (!before.first.empty()) --StoreDayOf(before.first, DayOf(before.second)).new_members;
  if (!after.first.empty()) ++StoreDayOf(after.first, DayOf(after.second)).new_members;
}

void AnalyticsBatch::AddSale(const StoredSale& stored,
                             const std::vector<StoredRefund>& earlier_refunds) {
  const SaleRecord& sale = stored.sale;
  const std::string day = DayOf(sale.wall_ms);
  StoreDay& row = StoreDayOf(sale.store_id, day);
  ++row.sales;
  row.basket_minor += sale.amount_minor;
  row.campaign_off_minor += sale.campaign_discount_minor;
  row.voucher_off_minor += sale.voucher_discount_minor;
  row.points_off_minor += sale.discount_minor;
  row.paid_minor += sale.paid_minor;

  MemberDay& member_day = member_days_[{sale.member_id, day, sale.store_id}];
  member_day.member_id = sale.member_id;
  member_day.day = day;
  member_day.store_id = sale.store_id;
  ++member_day.sales;
  member_day.paid_minor += sale.paid_minor;
  for (const StoredRefund& refund : earlier_refunds) {
    member_day.refunded_minor += refund.refund.paid_back_minor;
  }

  for (const SaleLine& line : sale.lines) {
    CategoryDay& category = category_days_[{sale.store_id, day, line.category}];
    category.store_id = sale.store_id;
    category.day = day;
    category.category = line.category;
    ++category.lines;
    category.qty += line.qty;
    category.amount_minor += line.amount_minor;
    MemberCategory& mine = member_categories_[{sale.member_id, line.category}];
    mine.member_id = sale.member_id;
    mine.category = line.category;
    mine.qty += line.qty;
    mine.amount_minor += line.amount_minor;
    mine.last_day = std::max(mine.last_day, day);
  }

  for (const SaleAward& award : sale.awards) {
    if (award.campaign_id.empty()) {
      ++row.vouchers_used;
      continue;
    }
    CampaignDay& campaign = campaign_days_[{award.campaign_id, sale.store_id, day}];
    campaign.campaign_id = award.campaign_id;
    campaign.store_id = sale.store_id;
    campaign.day = day;
    CampaignMember& member = campaign_members_[{sale.member_id, award.campaign_id}];
    member.member_id = sale.member_id;
    member.campaign_id = award.campaign_id;
    ++(award.held_out ? member.held_out : member.awards);
    if (award.held_out) {
      ++campaign.held_out;
      campaign.held_out_paid_minor += sale.paid_minor;
      continue;
    }
    ++campaign.awards;
    campaign.points += award.points;
    campaign.discount_minor += award.discount_minor;
    if (!award.issued_voucher_id.empty()) ++campaign.vouchers_issued;
    campaign.paid_minor += sale.paid_minor;
  }
}

Status AnalyticsBatch::AddRecords(StoreTxn& txn, int64_t after, int64_t through) {
  for (int64_t from = after;;) {
    PATRON_ASSIGN_OR_RETURN(std::vector<StoredSale> sales,
                            txn.SalesBetween(from, through, kRecordsPerRead));
    for (const StoredSale& stored : sales) {
      PATRON_ASSIGN_OR_RETURN(std::vector<StoredRefund> refunds,
                              txn.RefundsOfSale(stored.sale.sale_id));
      std::erase_if(refunds, [&](const StoredRefund& r) { return r.seq > stored.seq; });
      AddSale(stored, refunds);
    }
    if (sales.size() < static_cast<size_t>(kRecordsPerRead)) break;
    from = sales.back().seq;
  }
  for (int64_t from = after;;) {
    PATRON_ASSIGN_OR_RETURN(std::vector<StoredRefund> refunds,
                            txn.RefundsBetween(from, through, kRecordsPerRead));
    for (const StoredRefund& stored : refunds) {
      const RefundRecord& refund = stored.refund;
      StoreDay& row = StoreDayOf(refund.store_id, DayOf(refund.wall_ms));
      ++row.refunds;
      row.refunded_minor += refund.paid_back_minor;
      // A sale filed after its refund takes the refund off when it is
      // added (AddSale's earlier_refunds).
      PATRON_ASSIGN_OR_RETURN(std::optional<StoredSale> sale, txn.FindSale(refund.sale_id));
      if (!sale || sale->seq > stored.seq) continue;
      const std::string day = DayOf(sale->sale.wall_ms);
      MemberDay& member_day = member_days_[{sale->sale.member_id, day, sale->sale.store_id}];
      member_day.member_id = sale->sale.member_id;
      member_day.day = day;
      member_day.store_id = sale->sale.store_id;
      member_day.refunded_minor += refund.paid_back_minor;
    }
    if (refunds.size() < static_cast<size_t>(kRecordsPerRead)) break;
    from = refunds.back().seq;
  }
  return Status::OK();
}

Status AnalyticsBatch::Write(AnalyticsTxn& txn) {
  // Member days first: which were new decides members buying and first
  // purchases of the store days.
  for (const auto& [key, delta] : member_days_) {
    PATRON_ASSIGN_OR_RETURN(const MemberDayNews news, txn.AddMemberDay(delta));
    if (news.new_store_day) ++StoreDayOf(delta.store_id, delta.day).members_buying;
    if (news.first_was) --StoreDayOf(news.first_was->second, news.first_was->first).first_purchases;
    if (news.first_now) ++StoreDayOf(news.first_now->second, news.first_now->first).first_purchases;
  }
  for (const auto& [key, delta] : store_days_) PATRON_RETURN_IF_ERROR(txn.AddStoreDay(delta));
  for (const auto& [key, delta] : category_days_) {
    PATRON_RETURN_IF_ERROR(txn.AddCategoryDay(delta));
  }
  for (const auto& [key, delta] : campaign_days_) {
    PATRON_RETURN_IF_ERROR(txn.AddCampaignDay(delta));
  }
  for (const auto& [key, delta] : tier_days_) PATRON_RETURN_IF_ERROR(txn.AddTierDay(delta));
  for (const auto& [key, delta] : member_categories_) {
    PATRON_RETURN_IF_ERROR(txn.AddMemberCategory(delta));
  }
  for (const auto& [key, delta] : campaign_members_) {
    PATRON_RETURN_IF_ERROR(txn.AddCampaignMember(delta));
  }
  *this = AnalyticsBatch(offset_minutes_);
  return Status::OK();
}

Status RebuildAnalyticsIn(StoreTxn& txn, int64_t through, int64_t utc_offset_minutes) {
  PATRON_RETURN_IF_ERROR(txn.ClearAnalytics());
  AnalyticsBatch batch(utc_offset_minutes);
  // In slices of the sequence, so memory holds one slice's rows at a time.
  constexpr int64_t kSeqsPerSlice = 100'000;
  for (int64_t after = 0; after < through;) {
    const int64_t to = std::min(through, after + kSeqsPerSlice);
    PATRON_ASSIGN_OR_RETURN(std::vector<StoredEntry> entries, txn.EntriesBetween(after, to));
    for (const StoredEntry& e : entries) batch.AddEntry(e.entry);
    PATRON_RETURN_IF_ERROR(batch.AddRecords(txn, after, to));
    PATRON_RETURN_IF_ERROR(batch.Write(txn));
    after = to;
  }
  PATRON_ASSIGN_OR_RETURN(std::vector<StoreDay> enrolments,
                          txn.EnrolmentsByDay(utc_offset_minutes));
  for (const StoreDay& day : enrolments) PATRON_RETURN_IF_ERROR(txn.AddStoreDay(day));
  PATRON_RETURN_IF_ERROR(txn.SetAnalyticsOffset(utc_offset_minutes));
  return txn.SetAnalyticsSeq(through);
}

Status RebuildAnalytics(ServerStore& store, int64_t now_ms) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store.BeginWrite());
  PATRON_ASSIGN_OR_RETURN(const Rules rules, ActiveRulesIn(*txn, now_ms));
  PATRON_ASSIGN_OR_RETURN(const int64_t through, txn->FoldedSeq());
  PATRON_RETURN_IF_ERROR(RebuildAnalyticsIn(*txn, through, rules.utc_offset_minutes));
  return txn->Commit();
}

}  // namespace patron::sync
