// Integer money and points arithmetic: the one place where amounts are scaled,
// split and converted to and from text.
//
// Amounts are int64 minor units of a currency (`amount_minor`: cents, pence,
// yen); points are int64 (`points`). No floating point is used anywhere.
// Every operation that can overflow returns InvalidArgument with reason
// "overflow" instead of wrapping.
//
// ROUNDING RULE (the only one in Patron): every division truncates toward zero.
//   - MulDiv, ApplyBasisPoints and ProRata all truncate toward zero.
//   - So rounding is symmetric: MulDiv(-x, n, d) == -MulDiv(x, n, d). Reversing
//     an earn with the negated amount takes back exactly the points it gave.
//   - Points are never over-awarded and refunds never take back more than was
//     earned: |result| <= the exact rational |value * n / d|.
//   - Truncated shares of a split sum to at most the total; whoever needs the
//     parts to add up exactly (a final refund) takes the remainder
//     `total - sum(previous shares)` rather than another ProRata.
#ifndef PATRON_MONEY_H_
#define PATRON_MONEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "patron/status.h"

namespace patron {

// a + b, a - b, a * b, -a; InvalidArgument ("overflow") outside int64.
// CheckedNeg fails only for INT64_MIN.
Result<int64_t> CheckedAdd(int64_t a, int64_t b);
Result<int64_t> CheckedSub(int64_t a, int64_t b);
Result<int64_t> CheckedMul(int64_t a, int64_t b);
Result<int64_t> CheckedNeg(int64_t a);

// value * numerator / denominator, exact through a 128-bit intermediate (the
// product itself never overflows), truncated toward zero.
// InvalidArgument when denominator <= 0; InvalidArgument ("overflow") when the
// quotient does not fit in int64.
Result<int64_t> MulDiv(int64_t value, int64_t numerator, int64_t denominator);

// 1 basis point = 1/10000. 10000 bp = 100% (1x).
inline constexpr int64_t kBasisPointsPerUnit = 10000;

// value * basis_points / 10000, truncated toward zero. basis_points may exceed
// 10000 (a 2x promotion is 20000) but must be >= 0 (InvalidArgument).
Result<int64_t> ApplyBasisPoints(int64_t value, int64_t basis_points);

// The share of `total` that corresponds to `part` out of `whole`
// (total * part / whole, truncated toward zero), e.g. the points to reverse
// when `part` of a `whole` purchase amount is refunded. Requires whole > 0 and
// 0 <= part <= whole (InvalidArgument otherwise); |result| <= |total|, so it
// never overflows.
Result<int64_t> ProRata(int64_t total, int64_t part, int64_t whole);

// True for three ASCII uppercase letters ("EUR"). Checks the shape only, not
// membership in ISO 4217.
bool IsValidCurrencyCode(std::string_view code);

// The largest minor_digits FormatMinor/ParseMinor support (10^18 fits int64).
// Real currencies use 0 to 4.
inline constexpr int kMaxMinorDigits = 18;

// Decimal text of an amount: FormatMinor(-1234, 2) == "-12.34",
// FormatMinor(5, 2) == "0.05", FormatMinor(7, 0) == "7". Always exactly
// minor_digits fractional digits; no grouping, no currency symbol. Works for
// INT64_MIN. minor_digits outside [0, kMaxMinorDigits] is a caller bug and is
// clamped into that range.
std::string FormatMinor(int64_t amount_minor, int minor_digits);

// Inverse of FormatMinor: "12.3" with 2 digits -> 1230, "-0.05" -> -5,
// "12" -> 1200. Grammar: optional '-', one or more digits, optionally '.'
// followed by 1..minor_digits digits. Rejects with InvalidArgument
// ("invalid_amount") a '+', spaces, exponents, a bare or trailing '.', and more
// fractional digits than minor_digits (even zeros: "1.230" with 2 digits);
// ("overflow") outside int64; minor_digits outside [0, kMaxMinorDigits] is
// InvalidArgument.
Result<int64_t> ParseMinor(std::string_view text, int minor_digits);

}  // namespace patron

#endif  // PATRON_MONEY_H_
