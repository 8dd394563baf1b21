#include "patron/money.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace patron {
namespace {

void CheckOverflow(const Result<int64_t>& result, std::string_view operation) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().IsInvalidArgument());
  CHECK(result.status().reason() == "overflow");
  CHECK(result.status().message().find(operation) != std::string::npos);
}

void CheckValue(const Result<int64_t>& result, int64_t expected) {
  CAPTURE(result.status().ToString());
  REQUIRE(result.ok());
  CHECK(*result == expected);
}

TEST_CASE("CheckedAdd at the int64 edges") {
  CheckValue(CheckedAdd(INT64_MAX - 1, 1), INT64_MAX);
  CheckValue(CheckedAdd(INT64_MIN, INT64_MAX), -1);
  CheckOverflow(CheckedAdd(INT64_MAX, 1), "addition");
  CheckOverflow(CheckedAdd(INT64_MIN, -1), "addition");
  CheckOverflow(CheckedAdd(INT64_MAX, INT64_MAX), "addition");
}

TEST_CASE("CheckedSub at the int64 edges") {
  CheckValue(CheckedSub(INT64_MIN + 1, 1), INT64_MIN);
  CheckValue(CheckedSub(-1, INT64_MIN), INT64_MAX);
  CheckOverflow(CheckedSub(INT64_MIN, 1), "subtraction");
  CheckOverflow(CheckedSub(0, INT64_MIN), "subtraction");
  CheckOverflow(CheckedSub(INT64_MAX, -1), "subtraction");
}

TEST_CASE("CheckedMul at the int64 edges") {
  CheckValue(CheckedMul(INT64_MAX, 1), INT64_MAX);
  CheckValue(CheckedMul(INT64_MIN, 1), INT64_MIN);
  CheckValue(CheckedMul(INT64_MAX, -1), -INT64_MAX);
  CheckValue(CheckedMul(int64_t{1} << 31, int64_t{1} << 31), int64_t{1} << 62);
  CheckOverflow(CheckedMul(INT64_MIN, -1), "multiplication");
  CheckOverflow(CheckedMul(INT64_MAX, 2), "multiplication");
  CheckOverflow(CheckedMul(int64_t{1} << 32, int64_t{1} << 31), "multiplication");
}

TEST_CASE("CheckedNeg at the int64 edges") {
  CheckValue(CheckedNeg(INT64_MAX), -INT64_MAX);
  CheckValue(CheckedNeg(INT64_MIN + 1), INT64_MAX);
  CheckValue(CheckedNeg(0), 0);
  CheckOverflow(CheckedNeg(INT64_MIN), "negation");
}

TEST_CASE("MulDiv is exact when the product overflows 64 bits but the result does not") {
  // (2^63 - 1) * 3 / 4 = 3 * 2^61 - 0.75, truncated.
  CheckValue(MulDiv(INT64_MAX, 3, 4), 3 * (int64_t{1} << 61) - 1);
  CheckValue(MulDiv(INT64_MAX, INT64_MAX, INT64_MAX), INT64_MAX);
  CheckValue(MulDiv(INT64_MIN, INT64_MAX, INT64_MAX), INT64_MIN);
  CheckValue(MulDiv(INT64_MIN, -1, 2), int64_t{1} << 62);
  CheckValue(MulDiv(int64_t{1} << 62, 1000, 1000), int64_t{1} << 62);
  CheckValue(MulDiv(0, INT64_MAX, 1), 0);
  CheckOverflow(MulDiv(INT64_MAX, 2, 1), "MulDiv");
  CheckOverflow(MulDiv(INT64_MIN, -1, 1), "MulDiv");
  CheckOverflow(MulDiv(INT64_MAX, INT64_MAX, 2), "MulDiv");
}

TEST_CASE("MulDiv truncates toward zero and is symmetric for negatives") {
  CheckValue(MulDiv(7, 1, 2), 3);
  CheckValue(MulDiv(-7, 1, 2), -3);
  CheckValue(MulDiv(7, -1, 2), -3);
  CheckValue(MulDiv(999, 1, 1000), 0);
  CheckValue(MulDiv(-999, 1, 1000), 0);
  for (int64_t x : {int64_t{1}, int64_t{99}, int64_t{12345}, INT64_MAX / 3, INT64_MAX}) {
    for (int64_t n : {int64_t{1}, int64_t{3}, int64_t{7}, int64_t{9999}}) {
      for (int64_t d : {int64_t{2}, int64_t{3}, int64_t{10000}, INT64_MAX}) {
        Result<int64_t> positive = MulDiv(x, n, d);
        Result<int64_t> negative = MulDiv(-x, n, d);
        REQUIRE(positive.ok() == negative.ok());
        if (positive.ok()) CHECK(*negative == -*positive);
      }
    }
  }
}

TEST_CASE("MulDiv rejects a non-positive denominator") {
  for (int64_t d : {int64_t{0}, int64_t{-1}, INT64_MIN}) {
    Result<int64_t> result = MulDiv(10, 1, d);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().IsInvalidArgument());
    CHECK(result.status().reason() != "overflow");
  }
}

TEST_CASE("ApplyBasisPoints") {
  CheckValue(ApplyBasisPoints(12345, kBasisPointsPerUnit), 12345);
  CheckValue(ApplyBasisPoints(12345, 250), 308);  // 2.5% of 123.45 = 3.08625
  CheckValue(ApplyBasisPoints(-12345, 250), -308);
  CheckValue(ApplyBasisPoints(100, 20000), 200);
  CheckValue(ApplyBasisPoints(100, 0), 0);
  CheckValue(ApplyBasisPoints(INT64_MAX, 5000), INT64_MAX / 2);
  CheckOverflow(ApplyBasisPoints(INT64_MAX, 20000), "MulDiv");
  CHECK(ApplyBasisPoints(100, -1).status().IsInvalidArgument());
}

TEST_CASE("ProRata truncates each share; the shares never exceed the total") {
  int64_t sum = 0;
  for (int i = 0; i < 3; ++i) {
    Result<int64_t> share = ProRata(100, 1, 3);
    CheckValue(share, 33);
    sum += *share;
  }
  CHECK(sum == 99);
  CheckValue(ProRata(-100, 1, 3), -33);
  CheckValue(ProRata(100, 3, 3), 100);
  CheckValue(ProRata(100, 0, 3), 0);
  CheckValue(ProRata(INT64_MAX, INT64_MAX - 1, INT64_MAX), INT64_MAX - 1);
  CheckValue(ProRata(INT64_MIN, 1, 2), INT64_MIN / 2);
  CheckValue(ProRata(250, 1999, 4000), 124);  // Refund 19.99 of 40.00 earning 250.
}

TEST_CASE("ProRata rejects invalid parts") {
  CHECK(ProRata(100, -1, 3).status().IsInvalidArgument());
  CHECK(ProRata(100, 4, 3).status().IsInvalidArgument());
  CHECK(ProRata(100, 0, 0).status().IsInvalidArgument());
  CHECK(ProRata(100, 0, -5).status().IsInvalidArgument());
}

TEST_CASE("IsValidCurrencyCode") {
  CHECK(IsValidCurrencyCode("EUR"));
  CHECK(IsValidCurrencyCode("USD"));
  CHECK_FALSE(IsValidCurrencyCode("eur"));
  CHECK_FALSE(IsValidCurrencyCode("EU"));
  CHECK_FALSE(IsValidCurrencyCode("EURO"));
  CHECK_FALSE(IsValidCurrencyCode(""));
  CHECK_FALSE(IsValidCurrencyCode("E1R"));
  CHECK_FALSE(IsValidCurrencyCode(std::string_view("EU\0", 3)));
  CHECK_FALSE(IsValidCurrencyCode("\xC3\x89UR"));
}

TEST_CASE("FormatMinor") {
  CHECK(FormatMinor(-1234, 2) == "-12.34");
  CHECK(FormatMinor(1234, 2) == "12.34");
  CHECK(FormatMinor(5, 2) == "0.05");
  CHECK(FormatMinor(-5, 2) == "-0.05");
  CHECK(FormatMinor(0, 2) == "0.00");
  CHECK(FormatMinor(100, 2) == "1.00");
  CHECK(FormatMinor(7, 0) == "7");
  CHECK(FormatMinor(-7, 0) == "-7");
  CHECK(FormatMinor(1234, 3) == "1.234");
  CHECK(FormatMinor(INT64_MIN, 2) == "-92233720368547758.08");
  CHECK(FormatMinor(INT64_MAX, 2) == "92233720368547758.07");
  CHECK(FormatMinor(INT64_MIN, 18) == "-9.223372036854775808");
  CHECK(FormatMinor(1, 18) == "0.000000000000000001");
  CHECK(FormatMinor(1, -3) == "1");  // Clamped to 0 digits.
}

TEST_CASE("ParseMinor accepts the documented grammar") {
  CheckValue(ParseMinor("12.3", 2), 1230);
  CheckValue(ParseMinor("12.34", 2), 1234);
  CheckValue(ParseMinor("12", 2), 1200);
  CheckValue(ParseMinor("-0.05", 2), -5);
  CheckValue(ParseMinor("-0", 2), 0);
  CheckValue(ParseMinor("007.50", 2), 750);
  CheckValue(ParseMinor("42", 0), 42);
  CheckValue(ParseMinor("-92233720368547758.08", 2), INT64_MIN);
  CheckValue(ParseMinor("92233720368547758.07", 2), INT64_MAX);
  CheckValue(ParseMinor("-9.223372036854775808", 18), INT64_MIN);
}

TEST_CASE("FormatMinor and ParseMinor round-trip") {
  for (int digits : {0, 2, 3, 18}) {
    for (int64_t amount : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{5}, int64_t{-1234},
                           int64_t{1000000}, INT64_MAX, INT64_MIN, INT64_MIN + 1}) {
      CAPTURE(digits);
      CAPTURE(amount);
      CheckValue(ParseMinor(FormatMinor(amount, digits), digits), amount);
    }
  }
}

TEST_CASE("ParseMinor rejects junk, extra digits and overflow") {
  const std::vector<std::string> junk = {
      "",
      "-",
      ".",
      ".5",
      "12.",
      "-.5",
      "+12",
      " 12",
      "12 ",
      "1e3",
      "1,00",
      "12.3a",
      "--1",
      "0x10",
      "1.2.3",
      "-12-",
      "abc",
      "12.-3",
      std::string("1\0", 2),
  };
  for (const std::string& text : junk) {
    CAPTURE(text);
    Result<int64_t> result = ParseMinor(text, 2);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().reason() == "invalid_amount");
  }
  CHECK(ParseMinor("1.234", 2).status().reason() == "invalid_amount");
  CHECK(ParseMinor("1.230", 2).status().reason() == "invalid_amount");
  CHECK(ParseMinor("1.0", 0).status().reason() == "invalid_amount");
  CheckOverflow(ParseMinor("92233720368547758.08", 2), "ParseMinor");
  CheckOverflow(ParseMinor("-92233720368547758.09", 2), "ParseMinor");
  CheckOverflow(ParseMinor("99999999999999999999999", 0), "ParseMinor");
  CheckOverflow(ParseMinor("10", 18), "ParseMinor");
  CHECK(ParseMinor("1", -1).status().IsInvalidArgument());
  CHECK(ParseMinor("1", 19).status().IsInvalidArgument());
}

}  // namespace
}  // namespace patron
