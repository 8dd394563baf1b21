// The terminal's side of the sync protocol (DESIGN.md §4), as transactions
// over its own database. SyncClient sequences them around a transport.
#ifndef PATRON_TERMINAL_SRC_ENGINE_SYNC_OPS_H_
#define PATRON_TERMINAL_SRC_ENGINE_SYNC_OPS_H_

#include "engine/context.h"
#include "patron/sync/protocol.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

// Folds the server's state of a member into the local row (none: a new
// row): identity as the server knows it, each register last-writer-wins, the
// server's figures.
MemberRow MergeServerState(std::optional<MemberRow> local, const sync::MemberState& remote);
// Follows the server's clock unless it is too far ahead (clock_drift); the
// data is applied either way.
void MergeClock(EngineContext& ctx, HlcTimestamp remote);
// Records the grants a pull page or snapshot carried (transfers from the
// server to this terminal) that the journal does not hold yet, acknowledged
// at their sequences. Inside the caller's write transaction. A database
// not yet confirmed, or one that replaced another and has not completed a
// pull round since (TerminalStateRow::old_grants), records none: grants it
// did not ask for were the old database's. Nor those a rights statement
// taken counts already.
Status ApplyItems(EngineContext& ctx, const std::vector<sync::DeliveredEntry>& items);

// The oldest unacknowledged profile changes and entries, changes first.
Result<sync::PushRequest> BuildPush(EngineContext& ctx, int max_entries, int max_changes);
// Records acknowledgements; conflicts are counted, never overwritten.
Result<PushSummary> ApplyPushResponse(EngineContext& ctx, const sync::PushRequest& sent,
                                      const sync::PushResponse& response);
// Writes one transfer to the server per member this terminal holds positive
// rights for, so points earned here become spendable everywhere. None while
// a rights statement is due: they are head office's to state first.
Result<int> HandBackRights(EngineContext& ctx);
Result<sync::PullRequest> BuildPull(EngineContext& ctx, int limit);
// Applies a page and advances the cursor in one transaction; a rights
// statement it carries replaces this terminal's own count (store/rights_sql.h).
// `packs`: the rule packs the page brought (stored; each takes over at its
// activate_at). A page with more to follow raises the page cache until EndPull.
struct AppliedPage {
  std::vector<Rules> packs;
  bool journal_restarted = false;
};
Result<AppliedPage> ApplyPullPage(EngineContext& ctx, const sync::PullResponse& page);
// Ends a pull, whether or not its last page came: everyday work gets the
// everyday page cache back.
Status EndPull(EngineContext& ctx);
// After "cursor_reset": forget the server's view and every acknowledgement,
// so the next sync re-pushes everything and re-pulls from the start.
Status ResetSyncState(EngineContext& ctx);
Status ApplyGrant(EngineContext& ctx, const sync::GrantResponse& grant);
Status RecordSyncSuccess(EngineContext& ctx);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_SYNC_OPS_H_
