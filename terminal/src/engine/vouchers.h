// The till's side of vouchers (records/voucher.h): taking head office's
// word on each, giving back what it is asked to, and what the vouchers a
// sale names give it.
#ifndef PATRON_TERMINAL_SRC_ENGINE_VOUCHERS_H_
#define PATRON_TERMINAL_SRC_ENGINE_VOUCHERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/context.h"
#include "patron/evaluate.h"
#include "patron/records/voucher.h"
#include "patron/terminal/types.h"
#include "store/voucher_store.h"

namespace patron::terminal {

// Whether this terminal may redeem the voucher without asking anyone: it
// holds it, under a holding it has not given back, and it is unused.
bool HeldHere(const VoucherRow& row, std::string_view terminal_id);

// Takes head office's word on a voucher (a "voucher" item, or a claim's
// answer), inside the caller's write transaction. A use made here stands
// until head office reports it (a sale travels up after it); an older
// holding than the one known is ignored. A recalled voucher this terminal
// holds and has not used is given back: a "voucher_release" record, and it
// may no longer redeem it.
Status TakeVoucher(EngineContext& ctx, const Voucher& from_head_office);

// What each voucher the sale names gives it, in the order named: one
// kAwardVoucher award each. Each voucher's discount is within what the
// campaigns (`left_minor` of the basket) and earlier vouchers left. Refuses, changing nothing:
// NotFound "unknown_voucher" (this till has not heard of it: head office
// issued it after the last sync, or never), VoucherValue's refusals, and,
// when `must_hold`, Conflict "voucher_not_held" for one this terminal may
// not redeem without head office (CheckoutWithGrant then claims it).
Result<std::vector<Award>> VoucherAwards(EngineContext& ctx, const SaleRequest& sale,
                                         int64_t left_minor, bool must_hold);

// Marks the voucher used by `sale_id` here, inside the sale's transaction.
Status MarkVoucherUsed(EngineContext& ctx, std::string_view voucher_id, std::string_view sale_id);

// The member's vouchers as this terminal sees them now.
Result<std::vector<MemberVoucher>> VouchersOf(EngineContext& ctx, std::string_view member_id);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_VOUCHERS_H_
