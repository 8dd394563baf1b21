#include "patron/phone.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace patron {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

Status InvalidPhone(std::string message) {
  return Status::InvalidArgument(std::move(message), "invalid_phone");
}

bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }

// ---- the characters a cashier may type ----------------------------------

struct CodePoint {
  char32_t value = 0;
  size_t length = 0;  // bytes; 0 for a malformed or overlong sequence
};

// Decodes the UTF-8 sequence that `text` (not empty) starts with.
CodePoint DecodeUtf8(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  const size_t length = lead >= 0xF8   ? 0
                        : lead >= 0xF0 ? 4
                        : lead >= 0xE0 ? 3
                        : lead >= 0xC0 ? 2
                                       : 0;
  if (length == 0 || length > text.size()) return {};
  char32_t value = lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {};
    value = (value << 6) | (byte(i) & 0x3F);
  }
  constexpr std::array<char32_t, 5> kSmallest = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kSmallest[length]) return {};
  return {value, length};
}

// What a character counts as. CJK keyboards in full-width mode type the forms
// U+FF01-U+FF5E ('１' for '1', '＋' for '+', '－' for '-'); no-break spaces
// (U+00A0, U+202F) come from pasted text and the ideographic space (U+3000)
// from CJK input methods. Everything else counts as itself.
char32_t Fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;
  if (c == 0x00A0 || c == 0x202F || c == 0x3000) return U' ';
  return c;
}

bool IsSeparator(char32_t c) { return c == '-' || c == '.' || c == '/' || c == '(' || c == ')'; }

// The digits of the input, and whether it began with '+'.
struct ScannedPhone {
  std::string digits;
  bool plus = false;
};

Result<ScannedPhone> Scan(std::string_view input) {
  ScannedPhone scanned;
  bool seen_non_space = false;
  for (size_t i = 0; i < input.size();) {
    const CodePoint code_point = DecodeUtf8(input.substr(i));
    const char32_t c = Fold(code_point.value);
    i += std::max<size_t>(code_point.length, 1);
    if (code_point.length != 0 && (c == ' ' || c == '\t')) continue;
    if (code_point.length == 0 || c >= 0x7F || c < ' ') {
      return InvalidPhone(
          "phone number contains a non-ASCII or control character; only digits, spaces, '+', "
          "'-', '.', '/', '(' and ')' are allowed");
    }
    if (c == '+') {
      if (seen_non_space) return InvalidPhone("'+' may only be the first character");
      scanned.plus = true;
    } else if (IsDigit(c)) {
      scanned.digits.push_back(static_cast<char>(c));
    } else if (!IsSeparator(c)) {
      return InvalidPhone("phone number contains '" + std::string(1, static_cast<char>(c)) +
                          "'; only digits, spaces, '+', '-', '.', '/', '(' and ')' are allowed");
    }
    seen_non_space = true;
  }
  if (scanned.digits.empty()) {
    return InvalidPhone(input.empty() ? "phone number is empty" : "phone number has no digits");
  }
  return scanned;
}

// ---- the default country -------------------------------------------------

// The region whose conventions (trunk prefix, international prefix, a country
// code typed without '+') apply to numbers written without '+'. A code shared
// by several regions maps to its main one (1 -> US, 7 -> RU, 44 -> GB);
// numbers of the others (CA, KZ, JE) still parse and validate, since
// validity is checked against every region of the code.
Result<std::string> RegionForCallingCode(const PhoneNumberUtil& util,
                                         std::string_view default_country_code) {
  std::string_view code = default_country_code;
  if (code.starts_with('+')) code.remove_prefix(1);
  std::string region = "ZZ";  // libphonenumber's unknown region
  if (!code.empty() && code.size() <= 3 && code[0] != '0' &&
      std::all_of(code.begin(), code.end(), [](char c) { return IsDigit(c); })) {
    util.GetRegionCodeForCountryCode(std::stoi(std::string(code)), &region);
  }
  // "001" holds the non-geographic codes (+800, +870, +882...): they have no
  // national numbers for a default to apply to.
  if (region == "ZZ" || region == "001") {
    return Status::InvalidArgument("default country code '" + std::string(default_country_code) +
                                       "' is not the calling code of a country",
                                   "invalid_country_code");
  }
  return region;
}

// ---- which numbers Patron accepts ------------------------------------------

std::string CountryOf(const PhoneNumber& number) {
  return "+" + std::to_string(number.country_code());
}

// The national number lengths that `type` numbers of the number's country
// have, e.g. "10", "9 to 10" or "5, 6, 8 or 9". libphonenumber does not
// publish its metadata, so each length is asked about; its length checks look
// at the length alone. Only for error messages: it takes some microseconds.
std::string LengthsOf(const PhoneNumberUtil& util, const PhoneNumber& number,
                      PhoneNumberUtil::PhoneNumberType type) {
  PhoneNumber probe;
  probe.set_country_code(number.country_code());
  std::vector<size_t> lengths;
  uint64_t national = 1;  // "1" then zeros: `length` digits
  for (size_t length = 1; length <= 17; ++length, national *= 10) {
    probe.set_national_number(national);
    if (util.IsPossibleNumberForTypeWithReason(probe, type) == PhoneNumberUtil::IS_POSSIBLE) {
      lengths.push_back(length);
    }
  }
  if (lengths.empty()) return "no";
  if (lengths.size() == 1) return std::to_string(lengths[0]);
  if (lengths.back() - lengths.front() + 1 == lengths.size()) {
    return std::to_string(lengths.front()) + " to " + std::to_string(lengths.back());
  }
  std::string text;
  for (size_t i = 0; i < lengths.size(); ++i) {
    if (i > 0) text += i + 1 == lengths.size() ? " or " : ", ";
    text += std::to_string(lengths[i]);
  }
  return text;
}

// Refuses a number of a length that no `type` number of its country has.
// `numbers` names those numbers in the message: "national numbers" for
// UNKNOWN, which stands for any type.
Status CheckLength(const PhoneNumberUtil& util, const PhoneNumber& number, const std::string& nsn,
                   PhoneNumberUtil::PhoneNumberType type, std::string_view numbers) {
  const PhoneNumberUtil::ValidationResult result =
      util.IsPossibleNumberForTypeWithReason(number, type);
  if (result == PhoneNumberUtil::IS_POSSIBLE) return Status::OK();
  if (result == PhoneNumberUtil::INVALID_COUNTRY_CODE) {
    return InvalidPhone("unknown country calling code " + CountryOf(number));
  }
  std::string message = std::string(numbers) + " for " + CountryOf(number) + " have " +
                        LengthsOf(util, number, type) + " digits, got " +
                        std::to_string(nsn.size());
  if (result == PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY) message += " (too short: no area code)";
  if (result == PhoneNumberUtil::TOO_SHORT) message += " (too short)";
  if (result == PhoneNumberUtil::TOO_LONG) message += " (too long)";
  return InvalidPhone(std::move(message));
}

// True when one of the country's formatting rules applies: a number no rule
// matches is formatted as its bare digits.
bool FollowsAFormattingRule(const PhoneNumberUtil& util, const PhoneNumber& number) {
  std::string national;
  util.Format(number, PhoneNumberUtil::NATIONAL, &national);
  return !std::all_of(national.begin(), national.end(), [](char c) { return IsDigit(c); });
}

// Whether Patron accepts a parsed number, and `*valid` = IsValidNumber.
//
// Why not IsValidNumber alone: it matches the number against the blocks
// libphonenumber's metadata lists as allocated, and that metadata is compiled
// into the Debian package (8.12.57, late 2022, on Debian 12). Blocks opened
// since are refused by it (NANP alone opens several area codes a year; this
// metadata lists neither +1 350 nor +1 624): a customer there could never
// enrol, and tills on different metadata would disagree about a member.
// The reserved fiction ranges tills are trained and demonstrated with
// (Ofcom's 07700 900xxx) are refused by it too.
//
// Why not IsPossibleNumber alone: it checks the length only, and a length
// shared by several kinds of number hides typos: "1380013800" is a Chinese
// mobile missing a digit but 10 digits is a Beijing landline's length.
//
// So: a number must be possible; a valid one is accepted; one that is not
// valid is accepted when it is no typo by the plan's own shape: it has the
// length of a fixed or mobile number there, and one of the country's
// formatting rules applies to it. Those rules describe the numbering plan by
// leading digits and length, more coarsely than the allocation lists and so
// far less often out of date (NANP's covers every area code 2xx-9xx).
Status CheckAcceptable(const PhoneNumberUtil& util, const PhoneNumber& number,
                       const std::string& till_region, bool* valid) {
  std::string nsn;
  util.GetNationalSignificantNumber(number, &nsn);
  PATRON_RETURN_IF_ERROR(
      CheckLength(util, number, nsn, PhoneNumberUtil::UNKNOWN, "national numbers"));
  // The till's own region first, as most customers are local: IsValidNumber
  // tries every region of the calling code in turn (25 share +1).
  *valid = util.IsValidNumberForRegion(number, till_region) || util.IsValidNumber(number);
  if (*valid) return Status::OK();
  // NANP area and exchange codes are NXX (N = 2-9) by the plan's definition;
  // the NANP formatting rule looks at the area code's first digit only.
  if (number.country_code() == 1 && nsn.size() == 10 && (nsn[0] < '2' || nsn[3] < '2')) {
    return InvalidPhone(std::string("a North American ") + (nsn[0] < '2' ? "area" : "exchange") +
                        " code cannot start with 0 or 1");
  }
  PATRON_RETURN_IF_ERROR(CheckLength(util, number, nsn, PhoneNumberUtil::FIXED_LINE_OR_MOBILE,
                                     "fixed and mobile numbers"));
  if (!FollowsAFormattingRule(util, number)) {
    return InvalidPhone("not a number in the numbering plan of " + CountryOf(number));
  }
  return Status::OK();
}

// ---- reading the digits ------------------------------------------------------

// One way of reading the digits: the number, whether it is valid, and whether
// Patron accepts it (OK) or why not.
struct Reading {
  PhoneNumber number;
  bool valid = false;
  Status status;
};

Status ParseError(PhoneNumberUtil::ErrorType error, std::string_view text) {
  switch (error) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      // Repeats no more than the three digits where a calling code would be.
      return InvalidPhone("unknown country calling code" +
                          (text.starts_with('+') ? " " + std::string(text.substr(0, 4)) : ""));
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
      return InvalidPhone("no digits after the international prefix");
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return InvalidPhone("no national number after the country code, or too short a one");
    case PhoneNumberUtil::TOO_LONG_NSN:
      return InvalidPhone("phone number is too long");
    default:
      return InvalidPhone("phone number is too short");
  }
}

// `text` is '+' or nothing, then digits.
Reading Read(const PhoneNumberUtil& util, const std::string& text, const std::string& region) {
  Reading reading;
  const PhoneNumberUtil::ErrorType error = util.Parse(text, region, &reading.number);
  reading.status = error == PhoneNumberUtil::NO_PARSING_ERROR
                       ? CheckAcceptable(util, reading.number, region, &reading.valid)
                       : ParseError(error, text);
  return reading;
}

}  // namespace

Result<std::string> NormalizePhone(std::string_view input, std::string_view default_country_code) {
  // GetInstance() builds the one PhoneNumberUtil under pthread_once (a
  // thread-safe singleton, never destroyed); its const methods may be called
  // from any thread at once (its regexp cache takes a lock).
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PATRON_ASSIGN_OR_RETURN(const std::string region,
                          RegionForCallingCode(util, default_country_code));
  PATRON_ASSIGN_OR_RETURN(const ScannedPhone scanned, Scan(input));

  // libphonenumber reads the digits by the till's region: its trunk prefix,
  // its international prefix (Singapore's 001, Brazil's 0021, the US's 011),
  // and its country code typed without '+' ("49 30 ..." in Germany). "00" is
  // the international prefix of most of the world, so customers write
  // "0044 ..." wherever they are; where the region reads "00..." otherwise
  // and finds no valid number, the "00" reading is tried too.
  std::array<Reading, 2> readings;
  size_t count = 0;
  readings[count++] = Read(util, (scanned.plus ? "+" : "") + scanned.digits, region);
  if (!scanned.plus && scanned.digits.starts_with("00")) {
    readings[count++] = Read(util, "+" + scanned.digits.substr(2), region);
  }
  const auto end = readings.begin() + count;
  auto chosen = std::find_if(readings.begin(), end, [](const Reading& r) { return r.valid; });
  if (chosen == end) {
    chosen = std::find_if(readings.begin(), end, [](const Reading& r) { return r.status.ok(); });
  }
  if (chosen == end) return readings[0].status;
  std::string e164;
  util.Format(chosen->number, PhoneNumberUtil::E164, &e164);
  return e164;
}

}  // namespace patron
