// Validation and canonical hashing of sale and refund requests. A request
// that fails here is refused before any transaction starts.
#ifndef PATRON_TERMINAL_SRC_ENGINE_REQUESTS_H_
#define PATRON_TERMINAL_SRC_ENGINE_REQUESTS_H_

#include <string>
#include <string_view>

#include "patron/rules.h"
#include "patron/status.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

inline constexpr size_t kMaxRefLength = 64;
inline constexpr size_t kMaxLines = 500;
inline constexpr int64_t kMaxAmountMinor = 1'000'000'000'000'000;  // 10^15
inline constexpr int64_t kMaxLineQty = 1'000'000;
inline constexpr size_t kMaxLineNameLength = 200;  // bytes: ~66 CJK characters
inline constexpr size_t kMaxSaleVouchers = 10;

// The canonical (lower-case) form of a member id; InvalidArgument
// ("invalid_member_id") if it is not a UUID.
Result<std::string> NormalizeMemberId(std::string_view member_id);

// 1..64 printable ASCII characters without blanks; `what` names the field.
Status ValidateRef(std::string_view ref, std::string_view what);

// Validates a sale and returns it normalised: currency filled in from the
// rules, member id lower-cased. `require_sale_ref` is false for quotes.
Result<SaleRequest> NormalizeSale(const SaleRequest& request, const Rules& rules,
                                  bool require_sale_ref);
Status ValidateRefund(const RefundRequest& request);

// Hash of every field that determines the outcome; equal requests (however
// the JSON was spelled) hash equal.
std::string HashSale(const SaleRequest& normalized);
std::string HashRefund(const RefundRequest& request);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_REQUESTS_H_
