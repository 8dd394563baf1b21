// SyncService::SettleCampaignLimit: a campaign limited per member (rules.h
// CampaignLimit) given more often than its limit by tills that could not see
// each other's awards (offline, or in other stores) is settled here, where
// every award arrives: the earliest awards of a period stand, and each later
// one is reversed, with a reason the member can see (DESIGN.md §9).
#include "patron/evaluate.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"

namespace patron::sync {

namespace {
constexpr std::string_view kCampaignLimitReason = "campaign_limit";
}  // namespace

Result<int64_t> SyncService::SettleCampaignLimit(StoreTxn& txn, const LedgerEntry& bonus) {
  PATRON_ASSIGN_OR_RETURN(std::optional<Rules> pack, RulesVersionIn(txn, bonus.rule_version));
  if (!pack) return int64_t{0};  // the guard let no such bonus in
  const Campaign* campaign = FindCampaign(*pack, bonus.detail.campaign_id);
  if (campaign == nullptr || campaign->limit.times <= 0) return int64_t{0};
  const CampaignLimit& limit = campaign->limit;
  const int64_t period = LimitPeriod(*pack, limit, bonus.wall_ms);
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredEntry> awards,
                          txn.BonusesOfMember(bonus.member_id, campaign->id));
  // Earliest first (HLC, then id): the same order whichever arrived first,
  // so the awards that stand only ever move earlier, and an award reversed
  // here never has to stand again.
  int64_t in_period = 0, settled = 0;
  for (const StoredEntry& stored : awards) {
    const LedgerEntry& award = stored.entry;
    if (LimitPeriod(*pack, limit, award.wall_ms) != period) continue;
    if (++in_period <= limit.times) continue;
    // What is left of it: a refund may have taken part back already.
    PATRON_ASSIGN_OR_RETURN(ReversalSums sums, txn.ReversalsOf(award.entry_id, kServerOrigin));
    const int64_t left = award.points + sums.points;
    if (left <= 0) continue;
    LedgerEntry reverse;
    reverse.member_id = award.member_id;
    reverse.kind = EntryKind::kReverse;
    reverse.points = -left;
    reverse.sale_ref = award.sale_ref;
    reverse.ref_entry = award.entry_id;
    reverse.detail.reason = std::string(kCampaignLimitReason);
    reverse.detail.campaign_id = campaign->id;
    PATRON_RETURN_IF_ERROR(WriteServerEntry(txn, std::move(reverse)).status());
    ++settled;
  }
  return settled;
}

}  // namespace patron::sync
