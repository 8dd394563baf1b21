// The till's side of campaign budgets (campaign.h CampaignBudget): which
// shares to ask head office for, and taking its answers. Checkout gives a
// budgeted campaign only from the share held here (engine/checkout.cc), so
// a till that holds a share before a campaign starts gives it offline too.
#ifndef PATRON_TERMINAL_SRC_ENGINE_BUDGETS_H_
#define PATRON_TERMINAL_SRC_ENGINE_BUDGETS_H_

#include <cstdint>
#include <vector>

#include "engine/context.h"
#include "patron/sync/protocol.h"

namespace patron::terminal {

// How far ahead a till takes a share of a campaign about to start.
inline constexpr int64_t kBudgetLeadMs = 24LL * 3600 * 1000;

// How much of a campaign's budget a till asks for at a time: a hundredth of
// the budget, at least the campaign's fixed bonus, at most the budget.
int64_t BudgetChunk(const Campaign& campaign);

// The claims a sync round makes: for each campaign with a budget of the
// pack in force or of the one taking over within kBudgetLeadMs, open to
// this store, running now or starting within kBudgetLeadMs, whose share
// left here is below a chunk (or below the largest award it fell short
// of): that much more. With `learn_all` (a database rolled back or
// replaced), every such campaign, so head office's answer says what this
// till's awards already gave.
Result<std::vector<sync::StockClaimRequest>> BudgetClaims(EngineContext& ctx, bool learn_all);

// Head office's answer to a claim of a campaign's budget.
Status TakeBudgetShare(EngineContext& ctx, const sync::StockClaimResponse& answer);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_BUDGETS_H_
