#include "patron/phone.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

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
    {"1380013800", "86", nullptr, "numbering plan of +86"},
    {"+86 0138 0013 8000", "44", "+8613800138000"},  // trunk prefix written after +86
    // United Kingdom, including the customary "(0)".
    {"020 7946 0958", "44", "+442079460958"},
    {"+44 20 7946 0958", "86", "+442079460958"},
    {"+44 (0) 20 7946 0958", "86", "+442079460958"},
    {"+44 (0)7700 900123", "1", "+447700900123"},
    {"0044 (0)20 7946 0958", "86", "+442079460958"},
    {"07700 900123", "+44", "+447700900123"},
    {"+44 020 7946 0958", "86", "+442079460958"},  // trunk prefix written after +44
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
    {"2123 4567", "65", nullptr, "numbering plan of +65"},
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
    {"\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98", "86", nullptr, "too short"},  // fullwidth digits
    {"020\xe2\x80\x94 7946 0958", "44", nullptr, "non-ASCII"},             // an em dash
    {"020 7946 0958\xff", "44", nullptr, "non-ASCII"},                     // not UTF-8
    {"020\xc0\xa0 7946 0958", "44", nullptr, "non-ASCII"},                 // an overlong space
    {"\xef\xbc\xa1", "44", nullptr, "'A'"},                                // a fullwidth letter
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
  // 800 and 870 are calling codes of no country (freephone, Inmarsat).
  for (const char* bad : {"", "+", "999", "0086", "abc", "4 4", "++44", "1234", "800", "870"}) {
    CAPTURE(bad);
    Result<std::string> result = NormalizePhone("020 7946 0958", bad);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().IsInvalidArgument());
    CHECK(result.status().reason() == "invalid_country_code");
  }
  CHECK(NormalizePhone("020 7946 0958", "+44").value_or("") == "+442079460958");
}

TEST_CASE("Error messages do not echo the phone number") {
  for (const char* phone : {"+44 20 7946 0958 12", "020 7946 095", "+44 7946", "(102) 794-6095",
                            "0044 7946 0958 7946 0958", "+260 794 6095"}) {
    CAPTURE(phone);
    Result<std::string> result = NormalizePhone(phone, phone[1] == '1' ? "1" : "44");
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().message().find("7946") == std::string::npos);
    CHECK(result.status().message().find("6095") == std::string::npos);
  }
}

// The problems of the hand-written normaliser that libphonenumber replaced,
// one test case each.

std::string Normalized(const char* input, const char* default_country_code) {
  Result<std::string> result = NormalizePhone(input, default_country_code);
  return result.ok() ? *result : "refused: " + result.status().message();
}

TEST_CASE("A country code typed without '+' at a till of that country") {
  CHECK(Normalized("030 25699792", "49") == "+493025699792");
  CHECK(Normalized("49 30 25699792", "49") == "+493025699792");
  CHECK(Normalized("4930 25699792", "49") == "+493025699792");
  CHECK(Normalized("06 6982 1234", "39") == "+390669821234");
  CHECK(Normalized("39 06 6982 1234", "39") == "+390669821234");
  CHECK(Normalized("39 312 345 6789", "39") == "+393123456789");
  // A national number that merely starts with the country code's digits
  // stays national: 393 is an Italian mobile prefix.
  CHECK(Normalized("393 123 4567", "39") == "+393931234567");
  CHECK(Normalized("86 138 0013 8000", "86") == "+8613800138000");
}

TEST_CASE("The till region's international prefix is not read as a country code") {
  CHECK(Normalized("001 44 20 7946 0958", "65") == "+442079460958");   // Singapore
  CHECK(Normalized("0021 44 20 7946 0958", "55") == "+442079460958");  // Brazil, carrier 21
  CHECK(Normalized("011 44 20 7946 0958", "1") == "+442079460958");    // NANP
  CHECK(Normalized("010 44 20 7946 0958", "81") == "+442079460958");   // Japan
  CHECK(Normalized("8 10 44 20 7946 0958", "7") == "+442079460958");   // Russia
  CHECK(Normalized("0011 44 20 7946 0958", "61") == "+442079460958");  // Australia
  // "00" is understood everywhere, also where the region dials otherwise.
  CHECK(Normalized("0044 20 7946 0958", "1") == "+442079460958");
  CHECK(Normalized("0044 20 7946 0958", "55") == "+442079460958");
  CHECK(Normalized("0086 138 0013 8000", "65") == "+8613800138000");  // not 008 + 61...
}

TEST_CASE("Numbers that cannot exist are refused, in every country") {
  // Countries the old table did not know, with impossible lengths.
  CHECK(Normalized("+260 1234567", "44").starts_with("refused: "));      // Zambia
  CHECK(Normalized("+377 12345678901", "44").starts_with("refused: "));  // Monaco
  CHECK(Normalized("+995 1234567890", "44").starts_with("refused: "));   // Georgia
  // A London number with a digit missing; Chinese mobiles a digit short or long.
  CHECK(Normalized("020 7946 095", "44").starts_with("refused: "));
  CHECK(Normalized("138 0013 800", "86").starts_with("refused: "));
  CHECK(Normalized("138 0013 80001", "86").starts_with("refused: "));
  // Numbers in the plan whose blocks libphonenumber's metadata may not list
  // yet are accepted (see CheckAcceptable): an area code the Debian 12
  // metadata does not know, and a mobile range reserved for drama.
  CHECK(Normalized("(350) 212-3456", "1") == "+13502123456");
  CHECK(Normalized("07700 900123", "44") == "+447700900123");
}

TEST_CASE("Full-width digits and no-break spaces are accepted") {
  CHECK(Normalized("１３８００１３８０００", "86") == "+8613800138000");
  CHECK(Normalized("＋８６　１３８－００１３－８０００", "44") == "+8613800138000");
  CHECK(Normalized("（０２０）８８８８　６６６６", "86") == "+862088886666");
  CHECK(Normalized("０９０－１２３４－５６７８", "81") == "+819012345678");
  CHECK(Normalized("138\u00a00013\u00a08000", "86") == "+8613800138000");         // no-break space
  CHECK(Normalized("+44\u202f20\u202f7946\u202f0958", "86") == "+442079460958");  // narrow
  CHECK(Normalized("138\u30000013\u30008000", "86") == "+8613800138000");         // ideographic
}

TEST_CASE("The default calling code selects its main region's conventions") {
  CHECK(Normalized("011 86 138 0013 8000", "1") == "+8613800138000");  // US: 011 out
  CHECK(Normalized("(416) 555-0199", "1") == "+14165550199");          // and Canada is +1
  CHECK(Normalized("8 (916) 123-45-67", "7") == "+79161234567");       // RU: 8 trunk prefix
  CHECK(Normalized("8 (7172) 12-34-56", "+7") == "+77172123456");      // Kazakhstan is +7
  CHECK(Normalized("07911 123456", "44") == "+447911123456");          // GB: 0 trunk prefix
  CHECK(Normalized("010 6552 9988", "86") == "+861065529988");         // CN: Beijing
}

TEST_CASE("NormalizePhone may be called from several threads at once") {
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (size_t t = 0; t < wrong.size(); ++t) {
    threads.emplace_back([&wrong, t] {
      for (int i = 0; i < 200; ++i) {
        for (const PhoneCase& c : kCases) {
          Result<std::string> result = NormalizePhone(c.input, c.default_country_code);
          if (result.ok() != (c.expected != nullptr) || (result.ok() && *result != c.expected)) {
            ++wrong[t];
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(wrong == std::vector<int>(wrong.size(), 0));
}

}  // namespace
}  // namespace patron
