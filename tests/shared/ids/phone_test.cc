#include "patron/phone.h"

#include <doctest/doctest.h>

#include <string>

namespace patron {
namespace {

struct PhoneCase {
  const char* input;
  const char* default_country_code;
  // The E.164 result, or nullptr when the input must be rejected.
  const char* expected;
  // For rejections: a fragment the error message must contain.
  const char* error_contains = "";
};

constexpr PhoneCase kCases[] = {
    // China: mobile, Beijing and other landlines, international forms.
    {"13800138000", "86", "+8613800138000"},
    {"138 0013 8000", "86", "+8613800138000"},
    {"+86 138-0013-8000", "44", "+8613800138000"},
    {"0086 13800138000", "1", "+8613800138000"},
    {"010 6552 9988", "86", "+861065529988"},
    {"(020) 8888 6666", "86", "+862088886666"},
    {"1380013800", "86", nullptr, "11 digits"},
    {"+86 0138 0013 8000", "44", nullptr, "cannot start with 0"},
    // United Kingdom, including the customary "(0)".
    {"020 7946 0958", "44", "+442079460958"},
    {"+44 20 7946 0958", "86", "+442079460958"},
    {"+44 (0) 20 7946 0958", "86", "+442079460958"},
    {"+44 (0)7700 900123", "1", "+447700900123"},
    {"0044 (0)20 7946 0958", "86", "+442079460958"},
    {"07700 900123", "+44", "+447700900123"},
    {"+44 020 7946 0958", "86", nullptr, "cannot start with 0"},
    {"++44 20 7946 0958", "86", nullptr, "'+'"},
    {"020 7946", "44", nullptr, "too short"},
    {"+44 20 7946 0958 12", "44", nullptr, "too long"},
    {"+44 (0)", "44", nullptr, "no national number"},
    // NANP: formatted, with the leading 1, and from abroad.
    {"(202) 555-0143", "1", "+12025550143"},
    {"1-202-555-0143", "1", "+12025550143"},
    {"+1 202.555.0143", "86", "+12025550143"},
    {"001 416 555 0199", "44", "+14165550199"},
    {"202-555-014", "1", nullptr, "too short"},
    {"(102) 555-0143", "1", nullptr, "area code"},
    {"202 155 0143", "1", nullptr, "exchange code"},
    {"+1234567890123456", "44", nullptr, "too long"},
    // Germany and France.
    {"030 12345678", "49", "+493012345678"},
    {"0151 12345678", "49", "+4915112345678"},
    {"+49 (0)30 1234567", "44", "+49301234567"},
    {"030/1234567", "49", "+49301234567"},
    {"06 12 34 56 78", "33", "+33612345678"},
    {"+33 6 12 34 56 78 9", "33", nullptr, "too long"},
    // Asia-Pacific.
    {"090-1234-5678", "81", "+819012345678"},
    {"03-1234-5678", "81", "+81312345678"},
    {"010-1234-5678", "82", "+821012345678"},
    {"098765 43210", "91", "+919876543210"},
    {"+91 98765 43210", "1", "+919876543210"},
    {"0412 345 678", "61", "+61412345678"},
    {"(02) 9876 5432", "61", "+61298765432"},
    {"9123 4567", "65", "+6591234567"},
    {"2123 4567", "65", nullptr, "Singapore"},
    {"9123 4567", "852", "+85291234567"},
    {"+852 9123 4567", "86", "+85291234567"},
    {"9123 456", "852", nullptr, "too short"},
    {"0912 345 678", "886", "+886912345678"},
    {"012-345 6789", "60", "+60123456789"},
    {"081 234 5678", "66", "+66812345678"},
    {"091 234 56 78", "84", "+84912345678"},
    {"0812-3456-7890", "62", "+6281234567890"},
    {"0917 123 4567", "63", "+639171234567"},
    // Americas and Europe without a trunk prefix; Italy keeps its 0.
    {"(11) 98765-4321", "55", "+5511987654321"},
    {"55 1234 5678", "52", "+525512345678"},
    {"612 34 56 78", "34", "+34612345678"},
    {"06 6982 1234", "39", "+390669821234"},
    {"+39 (0)6 6982 1234", "44", "+390669821234"},
    {"+39 312 345 6789", "44", "+393123456789"},
    {"06-12345678", "31", "+31612345678"},
    {"8 (916) 123-45-67", "7", "+79161234567"},
    // A country outside the table: E.164's generic rule.
    {"+254 712 345678", "44", "+254712345678"},
    {"0712 345678", "254", "+254712345678"},
    {"+254 1234", "44", nullptr, "too short"},
    // Malformed input.
    {"", "44", nullptr, "empty"},
    {"   ", "44", nullptr, "no digits"},
    {"+", "44", nullptr, "no digits"},
    {"00", "44", nullptr, "international prefix"},
    {"020 7946 O958", "44", nullptr, "'O'"},
    {"+44 20 7946 0958 ext 12", "44", nullptr, "'e'"},
    {"+44#2079460958", "44", nullptr, "'#'"},
    {"07700 900123+", "44", nullptr, "'+'"},
    {"(+44) 20 7946 0958", "44", nullptr, "'+'"},
    {"\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98", "86", nullptr, "non-ASCII"},  // fullwidth digits
    {"+999 123 456 789", "44", nullptr, "unknown country calling code +999"},
    {"+28 123 456 789", "44", nullptr, "unknown country calling code"},
};

TEST_CASE("NormalizePhone table") {
  for (const PhoneCase& c : kCases) {
    CAPTURE(c.input);
    CAPTURE(c.default_country_code);
    Result<std::string> result = NormalizePhone(c.input, c.default_country_code);
    if (c.expected != nullptr) {
      REQUIRE_MESSAGE(result.ok(), result.status().ToString());
      CHECK(*result == c.expected);
    } else {
      REQUIRE_FALSE(result.ok());
      CHECK(result.status().IsInvalidArgument());
      CHECK(result.status().reason() == "invalid_phone");
      CAPTURE(result.status().message());
      CHECK(result.status().message().find(c.error_contains) != std::string::npos);
    }
  }
}

TEST_CASE("NormalizePhone is idempotent on its output, whatever the default country") {
  for (const PhoneCase& c : kCases) {
    if (c.expected == nullptr) continue;
    CAPTURE(c.expected);
    for (const char* default_cc : {"86", "44", "1", "254"}) {
      Result<std::string> again = NormalizePhone(c.expected, default_cc);
      REQUIRE(again.ok());
      CHECK(*again == c.expected);
    }
  }
}

TEST_CASE("NormalizePhone rejects an invalid default country code") {
  for (const char* bad : {"", "+", "999", "0086", "abc", "4 4", "++44", "1234"}) {
    CAPTURE(bad);
    Result<std::string> result = NormalizePhone("020 7946 0958", bad);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().IsInvalidArgument());
    CHECK(result.status().reason() == "invalid_country_code");
  }
  CHECK(NormalizePhone("020 7946 0958", "+44").value_or("") == "+442079460958");
}

TEST_CASE("Error messages do not echo the phone number") {
  Result<std::string> result = NormalizePhone("+44 20 7946 0958 12", "44");
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message().find("7946") == std::string::npos);
}

}  // namespace
}  // namespace patron
