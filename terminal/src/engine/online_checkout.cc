#include "patron/terminal/online_checkout.h"

#include <string>

#include "patron/digest.h"

namespace patron::terminal {

Result<SaleResult> CheckoutWithGrant(Terminal& terminal, const SaleRequest& sale,
                                     const GrantFn& request_grant) {
  Result<SaleResult> result = terminal.Checkout(sale);
  // A grant is asked for under an id made of the receipt, the shortfall and
  // the terminal's journal position. A retried checkout whose grant reply
  // was lost finds all three unchanged and gets that same grant back; once
  // the grant has arrived and been handed back by a sync round (the grant
  // also travels by pull), the hand-back has moved the journal on, so the
  // retry asks afresh instead of being answered with a grant it no longer
  // holds. A different shortfall is a different grant, never the reuse of
  // an id for other points. Rights granted and not spent go back to the
  // server at the next sync, so an extra grant can never let anyone spend
  // more than the server could give.
  for (int attempt = 0; attempt < kMaxGrantAttempts; ++attempt) {
    if (result.ok() || result.status().reason() != "insufficient_rights" || !request_grant) {
      return result;
    }
    SaleRequest without_points = sale;
    without_points.redeem_points = 0;
    PATRON_ASSIGN_OR_RETURN(Quote quote, terminal.QuoteSale(without_points));
    // Rights below zero (a refund here took back points already handed on)
    // are part of the shortfall: the grant must first fill that hole.
    const int64_t shortfall = sale.redeem_points - quote.rights_here;
    if (shortfall <= 0) return result;  // not short of rights after all: say why
    PATRON_ASSIGN_OR_RETURN(TerminalStatus status, terminal.Status());
    // 5 + 40 characters: within the protocol's 64 for any sale_ref.
    const std::string request_id =
        "sale:" + Sha256Hex(sale.sale_ref + "\n" + std::to_string(shortfall) + "\n" +
                            std::to_string(status.journal_seq))
                      .substr(0, 40);
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
