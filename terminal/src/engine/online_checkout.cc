#include "patron/terminal/online_checkout.h"

#include <algorithm>
#include <string>
#include <vector>

#include "engine/requests.h"
#include "patron/digest.h"

namespace patron::terminal {

namespace {

// Claims from head office each voucher of `sale` this terminal does not
// hold and may use, or has not heard of yet (issued since its last sync).
// One it knows to be used or out of its window is left for the checkout to
// refuse with its reason: claiming it would only disturb its holder.
Status ClaimVouchers(Terminal& terminal, const SaleRequest& sale,
                     const VoucherClaimFn& claim_voucher) {
  PATRON_ASSIGN_OR_RETURN(std::vector<MemberVoucher> known, terminal.Vouchers(sale.member_id));
  PATRON_ASSIGN_OR_RETURN(TerminalStatus status, terminal.Status());
  PATRON_ASSIGN_OR_RETURN(const std::string member_id, NormalizeMemberId(sale.member_id));
  for (const std::string& id : sale.vouchers) {
    const auto it = std::find_if(known.begin(), known.end(), [&](const MemberVoucher& v) {
      return v.voucher.voucher_id == id;
    });
    if (it != known.end() && (it->held_here || it->state != "usable")) continue;
    const sync::VoucherClaimRequest ask{status.terminal_id, status.chain_key_fingerprint, id,
                                        member_id};
    Result<Voucher> claimed = claim_voucher(ask);
    if (claimed.status().IsUnavailable()) {
      return Status::Unavailable("voucher " + id +
                                     " must be claimed from head office, which cannot be "
                                     "reached: " +
                                     claimed.status().message(),
                                 "voucher_claim_unavailable");
    }
    PATRON_RETURN_IF_ERROR(claimed.status());
    PATRON_RETURN_IF_ERROR(terminal.TakeClaimedVoucher(*claimed));
  }
  return Status::OK();
}

}  // namespace

Result<SaleResult> CheckoutWithGrant(Terminal& terminal, const SaleRequest& sale,
                                     const GrantFn& request_grant,
                                     const VoucherClaimFn& claim_voucher) {
  Result<SaleResult> result = terminal.Checkout(sale);
  // A voucher held elsewhere is claimed once, before any grant: the
  // vouchers' discounts change how many points the sale may use.
  const auto needs_claim = [](const Status& status) {
    return status.reason() == "voucher_not_held" || status.reason() == "unknown_voucher";
  };
  if (!result.ok() && needs_claim(result.status()) && claim_voucher) {
    PATRON_RETURN_IF_ERROR(ClaimVouchers(terminal, sale, claim_voucher));
    result = terminal.Checkout(sale);
  }
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
    // Rights below zero (a refund here took back points already handed on)
    // are part of the shortfall: the grant must first fill that hole.
    PATRON_ASSIGN_OR_RETURN(const int64_t rights, terminal.RightsHere(sale.member_id));
    const int64_t shortfall = sale.redeem_points - rights;
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

namespace {

// Asks head office to raise this terminal's share of the reward's stock by
// a twentieth of the stock, at least `quantity`.
Status ClaimStock(Terminal& terminal, const ExchangeRequest& request,
                  const StockClaimFn& claim_stock) {
  PATRON_ASSIGN_OR_RETURN(std::vector<RewardOffer> offers, terminal.Rewards(""));
  const auto it = std::find_if(offers.begin(), offers.end(), [&](const RewardOffer& offer) {
    return offer.reward.id == request.reward_id;
  });
  if (it == offers.end()) return Status::OK();  // the exchange says why
  PATRON_ASSIGN_OR_RETURN(TerminalStatus status, terminal.Status());
  const int64_t chunk = std::max<int64_t>(request.quantity, (it->reward.stock + 19) / 20);
  sync::StockClaimRequest ask;
  ask.terminal_id = status.terminal_id;
  ask.chain_key_fingerprint = status.chain_key_fingerprint;
  ask.reward_id = request.reward_id;
  ask.want = it->stock_granted + chunk;
  Result<sync::StockClaimResponse> claimed = claim_stock(ask);
  if (claimed.status().IsUnavailable()) {
    return Status::Unavailable("this till's share of reward " + request.reward_id +
                                   " is used up and head office, which holds the rest of "
                                   "the stock, cannot be reached: " +
                                   claimed.status().message(),
                               "stock_claim_unavailable");
  }
  PATRON_RETURN_IF_ERROR(claimed.status());
  PATRON_RETURN_IF_ERROR(terminal.TakeStockGrant(claimed->reward_id, claimed->granted));
  const int64_t left_here = claimed->granted - (it->stock_granted - it->stock_here.value_or(0));
  if (left_here < request.quantity) {
    return Status::Conflict("reward " + request.reward_id + " is out of stock: " +
                                std::to_string(left_here) + " left here, none at head office",
                            "reward_out_of_stock");
  }
  return Status::OK();
}

}  // namespace

Result<ExchangeResult> ExchangeWithHeadOffice(Terminal& terminal, const ExchangeRequest& request,
                                              const GrantFn& request_grant,
                                              const StockClaimFn& claim_stock) {
  Result<ExchangeResult> result = terminal.Exchange(request);
  if (!result.ok() && result.status().reason() == "reward_out_of_stock_here" && claim_stock) {
    PATRON_RETURN_IF_ERROR(ClaimStock(terminal, request, claim_stock));
    result = terminal.Exchange(request);
  }
  // As CheckoutWithGrant: the grant's id is made of the receipt, the
  // shortfall and the journal position, so a retry after a lost reply gets
  // the same grant back.
  for (int attempt = 0; attempt < kMaxGrantAttempts; ++attempt) {
    if (result.ok() || result.status().reason() != "insufficient_rights" || !request_grant) {
      return result;
    }
    PATRON_ASSIGN_OR_RETURN(const int64_t rights, terminal.RightsHere(request.member_id));
    PATRON_ASSIGN_OR_RETURN(TerminalStatus status, terminal.Status());
    const Rules rules = terminal.rules();
    const Reward* reward = FindReward(rules, request.reward_id);
    if (reward == nullptr) return result;
    // As CheckoutWithGrant: a hole left by a refund here is filled first.
    const int64_t shortfall = reward->points * request.quantity - rights;
    if (shortfall <= 0) return result;
    const std::string request_id =
        "exchange:" + Sha256Hex(request.exchange_ref + "\n" + std::to_string(shortfall) + "\n" +
                                std::to_string(status.journal_seq))
                          .substr(0, 40);
    Status granted = request_grant(request.member_id, shortfall, request_id);
    if (granted.IsUnavailable()) {
      return Status::Unavailable(
          "this exchange needs the sync server's authorisation and the server cannot be "
          "reached: " +
              granted.message(),
          "authorisation_unavailable");
    }
    PATRON_RETURN_IF_ERROR(granted);
    result = terminal.Exchange(request);
  }
  return result;
}

Result<RefundResult> RefundAnywhere(Terminal& terminal, const RefundRequest& request,
                                    const ClaimFn& claim) {
  PATRON_ASSIGN_OR_RETURN(TerminalStatus status, terminal.Status());
  if (request.sale_terminal.empty() || request.sale_terminal == status.terminal_id) {
    RefundRequest here = request;
    here.sale_terminal.clear();
    return terminal.Refund(here);
  }
  PATRON_RETURN_IF_ERROR(Terminal::ValidateRefund(request));
  // Done already (a retry): the terminal answers it, without head office.
  PATRON_ASSIGN_OR_RETURN(bool done, terminal.HasRefund(request.refund_ref));
  if (done || !claim) return terminal.ReturnForeignSale(request, std::nullopt);
  sync::ReturnClaimRequest ask;
  ask.terminal_id = status.terminal_id;
  ask.chain_key_fingerprint = status.chain_key_fingerprint;
  ask.refund_id = MakeSaleId(status.terminal_id, request.refund_ref);
  ask.sale_id = MakeSaleId(request.sale_terminal, request.sale_ref);
  ask.amount_minor = request.amount_minor;
  ask.lines = request.lines;
  Result<sync::ReturnClaimResponse> claimed = claim(ask);
  if (claimed.ok()) return terminal.ReturnForeignSale(request, *claimed);
  // Head office cannot be asked (unreachable, or refusing this terminal's
  // credentials, which is no fault of the customer's), or does not hold
  // the sale yet: a pending return.
  const Status& refused = claimed.status();
  if (refused.IsUnavailable() || refused.code() == StatusCode::kUnauthenticated ||
      refused.code() == StatusCode::kPermissionDenied ||
      (refused.code() == StatusCode::kNotFound && refused.reason() == "unknown_sale")) {
    return terminal.ReturnForeignSale(request, std::nullopt);
  }
  return refused;
}

}  // namespace patron::terminal
