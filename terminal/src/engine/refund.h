// Refunds: reversal entries proportional to the goods returned.
//
// Each refund is computed from running totals, so the refunds of a sale add
// up exactly to the sale whatever the rounding: after refunding R of amount A
// in total, ProRata(earned, R, A) earned points have been reversed and
// ProRata(redeemed, R, A) redeemed points given back; a refund moves the
// totals from R to R + a and writes the difference.
#ifndef PATRON_TERMINAL_SRC_ENGINE_REFUND_H_
#define PATRON_TERMINAL_SRC_ENGINE_REFUND_H_

#include "engine/context.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

Result<RefundResult> Refund(EngineContext& ctx, const RefundRequest& request);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_REFUND_H_
