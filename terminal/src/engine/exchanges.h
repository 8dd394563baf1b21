// The till's side of the points exchange (reward.h, records/exchange.h):
// the catalogue as it offers it, an exchange, head office's share of stock
// and other tills' exchanges.
#ifndef PATRON_TERMINAL_SRC_ENGINE_EXCHANGES_H_
#define PATRON_TERMINAL_SRC_ENGINE_EXCHANGES_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/context.h"
#include "patron/records/exchange.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

// The rewards of the pack in force; for `member_id` ("" = nobody) with
// what the member may have.
Result<std::vector<RewardOffer>> RewardsOffered(EngineContext& ctx, std::string_view member_id);

// Spends the reward's points on a kRedeem entry naming it, issues the
// voucher it buys (held here), and queues the exchange for head office, in
// one transaction. Idempotent by exchange_ref (replayed = true); another
// request under the same ref is Conflict "exchange_ref_conflict". Refuses,
// changing nothing:
//   InvalidArgument  "invalid_exchange_ref", "invalid_member_id", "invalid_quantity";
//   NotFound         "unknown_member", "unknown_reward" (not in the pack in force);
//   FailedPrecondition "member_inactive", "insufficient_points";
//   PermissionDenied "reward_tier_only"   the member's tier may not have it;
//   Conflict         "reward_limit_reached" the member's limit this period;
//   Conflict         "reward_out_of_stock_here" this terminal's share of the
//                    stock is used up (ExchangeWithHeadOffice asks for more);
//   FailedPrecondition "insufficient_rights" within the balance, but beyond
//                    this terminal's rights (ExchangeWithHeadOffice asks for a grant).
Result<ExchangeResult> ExchangeReward(EngineContext& ctx, const ExchangeRequest& request);

// This terminal's exchange of `exchange_ref`; NotFound "unknown_exchange".
Result<ExchangeResult> FindExchange(EngineContext& ctx, std::string_view exchange_ref);

// Head office handed this terminal `granted` of the reward's stock in all.
Status TakeStockGrant(EngineContext& ctx, std::string_view reward_id, int64_t granted);

// Another till's exchange, from head office (down item "exchange"), inside
// the caller's write transaction; one of this terminal's own is known.
Status TakeExchange(EngineContext& ctx, const ExchangeRecord& exchange);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_EXCHANGES_H_
