#include "patron/terminal/online_checkout.h"

#include <string>

#include "patron/digest.h"

namespace patron::terminal {

Result<SaleResult> CheckoutWithGrant(Terminal& terminal, const SaleRequest& sale,
                                     const GrantFn& request_grant) {
  Result<SaleResult> result = terminal.Checkout(sale);
  // A grant is asked for under an id made of the receipt and the shortfall,
  // so a retried checkout whose grant reply was lost gets that same grant
  // back, while a retry that finds a different shortfall asks for a new one
  // rather than reusing an id for other points (simulation seed 5). The
  // granted rights may be gone by the retry: handed back by a sync round in
  // between (the grant also travels by pull). Then ask again under the next
  // attempt's id; rights granted and not spent go back to the server at the
  // next sync, so a second grant can never let anyone spend more than the
  // server held.
  for (int attempt = 0; attempt < kMaxGrantAttempts; ++attempt) {
    if (result.ok() || result.status().reason() != "insufficient_rights" || !request_grant) {
      return result;
    }
    SaleRequest without_points = sale;
    without_points.redeem_points = 0;
    PATRON_ASSIGN_OR_RETURN(Quote quote, terminal.QuoteSale(without_points));
    const int64_t shortfall = sale.redeem_points - quote.redeemable_here;
    // 5 + 40 + 2 characters: within the protocol's 64 for any sale_ref.
    const std::string request_id =
        "sale:" + Sha256Hex(sale.sale_ref + "\n" + std::to_string(shortfall)).substr(0, 40) + "#" +
        std::to_string(attempt);
    Status granted = request_grant(sale.member_id, shortfall, request_id);
    if (granted.IsUnavailable()) {
      return Status::Unavailable(
          "this redemption needs the sync server's authorisation and the server cannot be "
          "reached: " + granted.message(),
          "authorisation_unavailable");
    }
    PATRON_RETURN_IF_ERROR(granted);
    result = terminal.Checkout(sale);
  }
  return result;
}

}  // namespace patron::terminal
