// The terminal's view of a member (DESIGN.md §4): the server's figures at the
// row's version plus this terminal's entries the server had not included.
#ifndef PATRON_TERMINAL_SRC_ENGINE_MEMBER_VIEW_H_
#define PATRON_TERMINAL_SRC_ENGINE_MEMBER_VIEW_H_

#include <cstdint>
#include <string_view>

#include "engine/context.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

struct MemberFigures {
  int64_t balance = 0;
  int64_t qualifying_spend_minor = 0;
  int64_t rights = 0;      // this terminal's redemption rights (may be < 0)
  int64_t redeemable = 0;  // max(0, min(balance, spendable, rights))
  TierStanding standing;   // head office's, as of the row's version
  int64_t spend_at_review_minor = 0;  // what will still count at its review
  TierRule tier;           // CurrentTier of the standing and the spend
  int64_t last_purchase_ms = 0;  // head office's, or a later one of this till's
  // Head office's lots with this till's pending entries applied (lots.h),
  // and what of them is spendable today.
  LotBook lots;
  int64_t today = 0;  // local day number
  int64_t spendable = 0;
};

Result<MemberFigures> ComputeFigures(EngineContext& ctx, const MemberRow& row);
// FailedPrecondition "points_not_spendable" if `points` exceed what the
// member may spend today (some are pending, or past their expiry), saying
// how many may be; a grant of rights cannot help that.
Status CheckSpendable(const MemberFigures& figures, int64_t points);
Member ToMember(EngineContext& ctx, const MemberRow& row, const MemberFigures& figures);

// The member row, or NotFound ("unknown_member").
Result<MemberRow> LoadMemberRow(EngineContext& ctx, std::string_view member_id);
// LoadMemberRow + ComputeFigures + ToMember.
Result<Member> LoadMember(EngineContext& ctx, std::string_view member_id);

// Entries can name a member before the member's row arrives here (a grant
// in a pull page ahead of the row, a return of another store's sale): keeps
// a bare row (no identity, every register unwritten) until it comes.
Status EnsureMemberRow(EngineContext& ctx, const std::string& member_id);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_MEMBER_VIEW_H_
