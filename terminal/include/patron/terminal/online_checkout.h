// Checkout with online redemption (DESIGN.md §3): when a redemption exceeds
// the rights this terminal holds, ask the sync server for the shortfall and
// try again. patrond's local API and the simulation both check out this way.
#ifndef PATRON_TERMINAL_ONLINE_CHECKOUT_H_
#define PATRON_TERMINAL_ONLINE_CHECKOUT_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "patron/status.h"
#include "patron/terminal/terminal.h"

namespace patron::terminal {

// Asks the server to move `points` of the member's rights here and records
// the grant (SyncClient::RequestGrant). Unavailable when unreachable.
using GrantFn = std::function<Status(std::string_view member_id, int64_t points,
                                     std::string_view request_id)>;

inline constexpr int kMaxGrantAttempts = 3;

// Terminal::Checkout, then, while it fails with "insufficient_rights" and
// `request_grant` is set, a grant for the shortfall and another try (at most
// kMaxGrantAttempts grants). A server that cannot be reached makes it
// Unavailable "authorisation_unavailable"; the server's refusal (e.g.
// "insufficient_points") is returned as is.
Result<SaleResult> CheckoutWithGrant(Terminal& terminal, const SaleRequest& sale,
                                     const GrantFn& request_grant);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_ONLINE_CHECKOUT_H_
