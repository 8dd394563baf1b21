// Head office's side of campaign budgets (campaign.h CampaignBudget): the
// tills' shares of each campaign's budget. The points each till's awards
// gave are counted as its bonus entries are stored (EntryGuard::
// CountAccepted), and an award beyond its till's share is refused there.
#include <algorithm>

#include "patron/sync_server/sync_service.h"
#include "service/checks.h"

namespace patron::sync {
namespace {

// The campaign as the newest of `packs` (ascending) holding its id says.
const Campaign* NewestCampaign(const std::vector<Rules>& packs, std::string_view campaign_id) {
  for (auto pack = packs.rbegin(); pack != packs.rend(); ++pack) {
    if (const Campaign* campaign = FindCampaign(*pack, campaign_id)) return campaign;
  }
  return nullptr;
}

// The points of the campaign's budget handed to tills, and given by them.
Result<BudgetShare> Totals(ExchangeTxn& txn, std::string_view campaign_id) {
  PATRON_ASSIGN_OR_RETURN(auto shares, txn.BudgetShares(campaign_id, ""));
  BudgetShare totals;
  for (const auto& [terminal, share] : shares) {
    totals.granted += share.granted;
    totals.used += share.used;
  }
  return totals;
}

Status InvalidBudget(size_t index, const std::string& why) {
  return Status::InvalidArgument(
      "rules: field 'campaigns[" + std::to_string(index) + "].budget.points' " + why,
      "invalid_rules");
}

}  // namespace

Status CheckBudgetsKept(StoreTxn& txn, const Rules& pack) {
  PATRON_ASSIGN_OR_RETURN(std::vector<Rules> published, PublishedRulesIn(txn));
  for (size_t i = 0; i < pack.campaigns.size(); ++i) {
    const Campaign& campaign = pack.campaigns[i];
    const Campaign* before = NewestCampaign(published, campaign.id);
    if (before == nullptr) continue;
    const bool budgeted = campaign.budget.points > 0;
    if (budgeted != (before->budget.points > 0)) {
      return InvalidBudget(i, std::string(budgeted ? "adds a budget to" : "takes the budget from") +
                                  " campaign '" + campaign.id +
                                  "', published before; give it a new id");
    }
    if (!budgeted) continue;
    PATRON_ASSIGN_OR_RETURN(const BudgetShare totals, Totals(txn, campaign.id));
    if (campaign.budget.points < totals.granted) {
      return InvalidBudget(i, "must be at least " + std::to_string(totals.granted) +
                                  ", the points of campaign '" + campaign.id +
                                  "' already handed to tills");
    }
  }
  return Status::OK();
}

Result<StockClaimResponse> SyncService::ClaimBudget(const Caller& caller,
                                                    const StockClaimRequest& request) {
  PATRON_RETURN_IF_ERROR(CheckFingerprint(request.chain_key_fingerprint));
  PATRON_RETURN_IF_ERROR(CheckSpeaksFor(caller, request.terminal_id));
  if (request.want < 0 || request.want > kMaxBudgetPoints) {
    return Status::InvalidArgument("want must be 0 to 10^12", "invalid_want");
  }
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  PATRON_ASSIGN_OR_RETURN(std::vector<Rules> packs, PublishedRulesIn(*txn));
  const Campaign* campaign = NewestCampaign(packs, request.campaign_id);
  if (campaign == nullptr) {
    return Status::NotFound("no published pack has a campaign " + request.campaign_id,
                            "unknown_campaign");
  }
  if (campaign->budget.points == 0) {
    return Status::InvalidArgument("campaign " + campaign->id + " has no budget to share out",
                                   "campaign_without_budget");
  }
  PATRON_ASSIGN_OR_RETURN(const BudgetShare totals, Totals(*txn, campaign->id));
  PATRON_ASSIGN_OR_RETURN(auto mine, txn->BudgetShares(campaign->id, caller.terminal_id));
  const BudgetShare held = mine[caller.terminal_id];
  const ShareClaim claim =
      ClaimShare(campaign->budget.points, totals.granted, held.granted, request.want);
  StockClaimResponse response;
  response.campaign_id = campaign->id;
  response.granted = claim.granted;
  response.unassigned = claim.unassigned;
  response.used = held.used;
  if (claim.raised > 0) {
    PATRON_RETURN_IF_ERROR(txn->SetBudgetGranted(campaign->id, caller.terminal_id, claim.granted));
    PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
    counters_.budget_granted += claim.raised;
  }
  return response;
}

Result<std::vector<CampaignBudgetState>> SyncService::CampaignBudgets() {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::vector<Rules> packs, PublishedRulesIn(*txn));
  std::vector<CampaignBudgetState> budgets;
  std::vector<std::string> seen;
  for (auto pack = packs.rbegin(); pack != packs.rend(); ++pack) {
    for (const Campaign& campaign : pack->campaigns) {
      if (std::find(seen.begin(), seen.end(), campaign.id) != seen.end()) continue;
      seen.push_back(campaign.id);
      if (campaign.budget.points == 0) continue;
      CampaignBudgetState& state = budgets.emplace_back();
      state.campaign_id = campaign.id;
      state.name = campaign.name;
      state.budget = campaign.budget.points;
      PATRON_ASSIGN_OR_RETURN(state.shares, txn->BudgetShares(campaign.id, ""));
      for (const auto& [terminal, share] : state.shares) {
        state.handed_out += share.granted;
        state.used += share.used;
      }
    }
  }
  return budgets;
}

Result<int64_t> BudgetLeftInAll(ExchangeTxn& txn, const Campaign& campaign) {
  PATRON_ASSIGN_OR_RETURN(const BudgetShare totals, Totals(txn, campaign.id));
  return std::max<int64_t>(0, campaign.budget.points - totals.used);
}

}  // namespace patron::sync
