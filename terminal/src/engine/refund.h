// Refunds: reversal entries proportional to the goods returned.
//
// Each refund is computed from running totals, so the refunds of a sale add
// up exactly to the sale whatever the rounding: after refunding R of amount A
// in total, ProRata(earned, R, A) earned points have been reversed and
// ProRata(redeemed, R, A) redeemed points given back; a refund moves the
// totals from R to R + a and writes the difference.
#ifndef PATRON_TERMINAL_SRC_ENGINE_REFUND_H_
#define PATRON_TERMINAL_SRC_ENGINE_REFUND_H_

#include <optional>
#include <string_view>

#include "engine/context.h"
#include "patron/sync/protocol.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

// A refund of a sale made here.
Result<RefundResult> Refund(EngineContext& ctx, const RefundRequest& request);

// A return of a sale made at request.sale_terminal (DESIGN.md §8): with
// head office's `claim`, the reversals it counted, written here; without
// (head office unreachable, or not holding the sale yet), a pending return
// by amount whose points head office reverses when it matches the sale.
// Idempotent by refund_ref, like Refund.
Result<RefundResult> ReturnForeignSale(EngineContext& ctx, const RefundRequest& request,
                                       const std::optional<sync::ReturnClaimResponse>& claim);

// Whether a refund with this refund_ref was recorded here.
Result<bool> HasRefund(EngineContext& ctx, std::string_view refund_ref);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_REFUND_H_
