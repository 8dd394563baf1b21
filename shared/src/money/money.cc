#include "patron/money.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace patron {
namespace {

// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit type.
__extension__ typedef __int128 Int128;

constexpr uint64_t kInt64MinMagnitude = uint64_t{1} << 63;

Status Overflow(std::string_view operation) {
  return Status::InvalidArgument("integer overflow in " + std::string(operation), "overflow");
}

Status InvalidAmount(std::string message) {
  return Status::InvalidArgument(std::move(message), "invalid_amount");
}

// |value| as unsigned; well-defined for INT64_MIN.
uint64_t Magnitude(int64_t value) {
  return value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
}

}  // namespace

Result<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return Overflow("addition");
  return sum;
}

Result<int64_t> CheckedSub(int64_t a, int64_t b) {
  int64_t difference = 0;
  if (__builtin_sub_overflow(a, b, &difference)) return Overflow("subtraction");
  return difference;
}

Result<int64_t> CheckedMul(int64_t a, int64_t b) {
  int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return Overflow("multiplication");
  return product;
}

Result<int64_t> CheckedNeg(int64_t a) {
  int64_t negated = 0;
  if (__builtin_sub_overflow(int64_t{0}, a, &negated)) return Overflow("negation");
  return negated;
}

Result<int64_t> MulDiv(int64_t value, int64_t numerator, int64_t denominator) {
  if (denominator <= 0) {
    return Status::InvalidArgument("MulDiv denominator must be positive, got " +
                                   std::to_string(denominator));
  }
  // |value * numerator| <= 2^126, so the product fits; C++ integer division
  // truncates toward zero, which is the project's rounding rule.
  const Int128 quotient = static_cast<Int128>(value) * numerator / denominator;
  if (quotient < std::numeric_limits<int64_t>::min() ||
      quotient > std::numeric_limits<int64_t>::max()) {
    return Overflow("MulDiv");
  }
  return static_cast<int64_t>(quotient);
}

Result<int64_t> ApplyBasisPoints(int64_t value, int64_t basis_points) {
  if (basis_points < 0) {
    return Status::InvalidArgument("basis points must be non-negative, got " +
                                   std::to_string(basis_points));
  }
  return MulDiv(value, basis_points, kBasisPointsPerUnit);
}

Result<int64_t> ProRata(int64_t total, int64_t part, int64_t whole) {
  if (whole <= 0 || part < 0 || part > whole) {
    return Status::InvalidArgument("ProRata requires 0 <= part <= whole and whole > 0, got part " +
                                   std::to_string(part) + " of " + std::to_string(whole));
  }
  return MulDiv(total, part, whole);
}

bool IsValidCurrencyCode(std::string_view code) {
  return code.size() == 3 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string FormatMinor(int64_t amount_minor, int minor_digits) {
  const size_t digits = static_cast<size_t>(std::clamp(minor_digits, 0, kMaxMinorDigits));
  std::string text = std::to_string(Magnitude(amount_minor));
  // Pad so at least one digit stays before the point: 5 -> "005" -> "0.05".
  if (text.size() <= digits) text.insert(0, digits + 1 - text.size(), '0');
  if (digits > 0) text.insert(text.size() - digits, 1, '.');
  if (amount_minor < 0) text.insert(0, 1, '-');
  return text;
}

Result<int64_t> ParseMinor(std::string_view text, int minor_digits) {
  if (minor_digits < 0 || minor_digits > kMaxMinorDigits) {
    return Status::InvalidArgument("minor_digits must be in [0, 18], got " +
                                   std::to_string(minor_digits));
  }
  const bool negative = !text.empty() && text.front() == '-';
  std::string_view rest = negative ? text.substr(1) : text;
  const size_t point = rest.find('.');
  const std::string_view whole = rest.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : rest.substr(point + 1);
  const auto all_digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction) ||
      (point != std::string_view::npos && fraction.empty())) {
    return InvalidAmount("malformed amount; expected digits with an optional '-' and '.'");
  }
  if (fraction.size() > static_cast<size_t>(minor_digits)) {
    return InvalidAmount("amount has more than " + std::to_string(minor_digits) +
                         " fractional digits");
  }

  // Accumulate the magnitude in minor units; a negative amount may reach 2^63.
  const uint64_t limit = negative ? kInt64MinMagnitude : kInt64MinMagnitude - 1;
  uint64_t magnitude = 0;
  const auto push_digit = [&](uint64_t digit) {
    if (magnitude > (limit - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
    return true;
  };
  bool fits = true;
  for (char c : whole) fits = fits && push_digit(static_cast<uint64_t>(c - '0'));
  for (char c : fraction) fits = fits && push_digit(static_cast<uint64_t>(c - '0'));
  for (size_t i = fraction.size(); i < static_cast<size_t>(minor_digits); ++i) {
    fits = fits && push_digit(0);
  }
  if (!fits) return Overflow("ParseMinor");

  if (!negative) return static_cast<int64_t>(magnitude);
  if (magnitude == kInt64MinMagnitude) return std::numeric_limits<int64_t>::min();
  return -static_cast<int64_t>(magnitude);
}

}  // namespace patron
