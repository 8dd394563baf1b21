// Quote and checkout.
#ifndef PATRON_TERMINAL_SRC_ENGINE_CHECKOUT_H_
#define PATRON_TERMINAL_SRC_ENGINE_CHECKOUT_H_

#include "engine/context.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

Result<Quote> QuoteSale(EngineContext& ctx, const SaleRequest& request);
Result<SaleResult> Checkout(EngineContext& ctx, const SaleRequest& request);
Result<SaleResult> FindSale(EngineContext& ctx, std::string_view sale_ref);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_CHECKOUT_H_
