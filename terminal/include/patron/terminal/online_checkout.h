// The till's operations that ask head office when they can: checkout with
// online redemption (DESIGN.md §3: when a redemption exceeds the rights this
// terminal holds, ask the sync server for the shortfall and try again) and
// returns of other stores' sales (§8). patrond's local API and the
// simulation both go through these.
#ifndef PATRON_TERMINAL_ONLINE_CHECKOUT_H_
#define PATRON_TERMINAL_ONLINE_CHECKOUT_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/terminal/terminal.h"

namespace patron::terminal {

// Asks the server to move `points` of the member's rights here and records
// the grant (SyncClient::RequestGrant). Unavailable when unreachable.
using GrantFn = std::function<Status(std::string_view member_id, int64_t points,
                                     std::string_view request_id)>;

inline constexpr int kMaxGrantAttempts = 3;

// Asks head office for a voucher this terminal does not hold
// (SyncClient::ClaimVoucher); the answer is the voucher, held here.
using VoucherClaimFn = std::function<Result<Voucher>(const sync::VoucherClaimRequest&)>;

// Terminal::Checkout. When it fails with "voucher_not_held" or
// "unknown_voucher" and `claim_voucher` is set, the sale's vouchers this
// terminal does not hold (or has not heard of yet) are claimed from head
// office and it tries again: head office cannot be
// reached makes it Unavailable "voucher_claim_unavailable", and its refusals
// ("voucher_held_elsewhere", "voucher_used", ...) are returned as they are.
// Then, while it fails with "insufficient_rights" and `request_grant` is
// set, a grant for the shortfall and another try (at most
// kMaxGrantAttempts grants). A server that cannot be reached makes it
// Unavailable "authorisation_unavailable"; the server's refusal (e.g.
// "insufficient_points") is returned as is.
Result<SaleResult> CheckoutWithGrant(Terminal& terminal, const SaleRequest& sale,
                                     const GrantFn& request_grant,
                                     const VoucherClaimFn& claim_voucher = {});

// Asks head office for a larger share of a reward's stock
// (SyncClient::ClaimStock).
using StockClaimFn =
    std::function<Result<sync::StockClaimResponse>(const sync::StockClaimRequest&)>;

// Terminal::Exchange. When this terminal's share of the reward's stock is
// used up ("reward_out_of_stock_here") and `claim_stock` is set, it asks
// head office for a twentieth of the stock more (at least what the
// exchange needs), so that later exchanges can go on offline, and tries
// again: head office cannot be reached makes it Unavailable
// "stock_claim_unavailable"; head office has too little left makes it
// Conflict "reward_out_of_stock". Then, short of rights, grants as
// CheckoutWithGrant asks them.
Result<ExchangeResult> ExchangeWithHeadOffice(Terminal& terminal, const ExchangeRequest& request,
                                              const GrantFn& request_grant,
                                              const StockClaimFn& claim_stock);

// Asks head office to count a return of another terminal's sale
// (SyncClient::ClaimReturn).
using ClaimFn = std::function<Result<sync::ReturnClaimResponse>(const sync::ReturnClaimRequest&)>;

// A refund at this till of a sale made anywhere (DESIGN.md §8, "Returns
// anywhere"). A sale made here (request.sale_terminal empty or this
// terminal) is Terminal::Refund. Another terminal's sale is claimed at head
// office, which counts it against the refunds of every store and says what
// to reverse; when head office cannot be reached, or does not hold the sale
// yet, the refund is recorded as a pending return by amount (money back,
// points reversed by head office when it matches the sale). Head office's
// refusals ("refund_exceeds_sale", "already_refunded", ...) are returned
// as they are. A retry after a lost reply is idempotent at both ends.
Result<RefundResult> RefundAnywhere(Terminal& terminal, const RefundRequest& request,
                                    const ClaimFn& claim);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_ONLINE_CHECKOUT_H_
