// SyncService::SettleCampaignLimit: a campaign limited per member (rules.h
// CampaignLimit) given more often than its limit by tills that could not see
// each other's awards (offline, or in other stores) is settled here, where
// every award arrives: the earliest awards of a period stand, and each later
// one is reversed, with a reason the member can see (DESIGN.md §9).
#include <map>
#include <optional>

#include "patron/evaluate.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"

namespace patron::sync {
namespace {

constexpr std::string_view kCampaignLimitReason = "campaign_limit";

// The limit the award was given under: its own pack version's (a limit a
// later version adds does not take back what earlier versions gave).
Result<std::optional<std::pair<Rules, CampaignLimit>>> LimitOf(
    StoreTxn& txn, std::map<int64_t, std::optional<Rules>>& packs, const LedgerEntry& award) {
  auto at = packs.find(award.rule_version);
  if (at == packs.end()) {
    PATRON_ASSIGN_OR_RETURN(std::optional<Rules> pack, RulesVersionIn(txn, award.rule_version));
    at = packs.emplace(award.rule_version, std::move(pack)).first;
  }
  using Found = std::optional<std::pair<Rules, CampaignLimit>>;
  if (!at->second) return Found();
  const Campaign* campaign = FindCampaign(*at->second, award.detail.campaign_id);
  if (campaign == nullptr || campaign->limit.times <= 0) return Found();
  return Found(std::pair{*at->second, campaign->limit});
}

}  // namespace

Result<int64_t> SyncService::SettleCampaignLimit(StoreTxn& txn, const LedgerEntry& bonus) {
  std::map<int64_t, std::optional<Rules>> packs;
  PATRON_ASSIGN_OR_RETURN(auto limited, LimitOf(txn, packs, bonus));
  if (!limited) return int64_t{0};  // the bonus's campaign has no limit
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredEntry> awards,
                          txn.BonusesOfMember(bonus.member_id, bonus.detail.campaign_id));
  // Earliest first (HLC, then id): the same order whichever arrived first,
  // so each award's earlier ones only ever grow, and an award reversed here
  // never has to stand again. Each award is held to the limit of its own
  // pack version, counting every earlier award (of any version) that gave
  // points in its period.
  int64_t settled = 0;
  for (size_t i = 0; i < awards.size(); ++i) {
    const LedgerEntry& award = awards[i].entry;
    PATRON_ASSIGN_OR_RETURN(auto own, LimitOf(txn, packs, award));
    if (!own) continue;
    const auto& [pack, limit] = *own;
    const int64_t period = LimitPeriod(pack, limit, award.wall_ms);
    int64_t earlier = 0;
    for (size_t j = 0; j < i; ++j) {
      const LedgerEntry& other = awards[j].entry;
      if (other.points > 0 && LimitPeriod(pack, limit, other.wall_ms) == period) ++earlier;
    }
    if (earlier < limit.times) continue;
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
    reverse.detail.campaign_id = award.detail.campaign_id;
    reverse.detail.expires_on = award.detail.expires_on;  // its lot (lots.h)
    reverse.detail.available_on = award.detail.available_on;
    PATRON_RETURN_IF_ERROR(WriteServerEntry(txn, std::move(reverse)).status());
    ++settled;
  }
  return settled;
}

}  // namespace patron::sync
