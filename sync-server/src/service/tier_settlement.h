// Head office's tier standing of one member after a fold (tier_standing.h,
// DESIGN.md §9), and when the member's row next needs a fold though
// nothing happens to the member.
//
//   - Upgrade: the spend in the window reaches above the held tier; the new
//     tier is held from now, and the purchase that took the spend over its
//     threshold is remembered with the standing before it.
//   - Return: a reversal of that purchase that leaves the spend below the
//     held tier puts the standing before it back (a returned purchase
//     reverses an upgrade only if it caused it).
//   - Review: once the held tier's time is up, NextStanding's one level down
//     at most; nothing is left to take back after one.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_TIER_SETTLEMENT_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_TIER_SETTLEMENT_H_

#include <cstdint>
#include <span>

#include "patron/rules.h"
#include "patron/sync_server/journal_store.h"
#include "patron/sync_server/member_store.h"

namespace patron::sync {

struct FoldedSpend {
  WindowSpend window;        // the spend in the window now, entries of this fold included
  int64_t window_since_ms = 0;
};

// `folded`: the member's entries of this fold, in wall time order.
void SettleTier(const Rules& rules, MemberRecord& member,
                std::span<const StoredEntry* const> folded, const FoldedSpend& spend,
                int64_t now_ms);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_TIER_SETTLEMENT_H_
