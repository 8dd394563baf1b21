#include "patron/phone.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace patron {
namespace {

constexpr size_t kMaxE164Digits = 15;  // ITU-T E.164 §6: country code included
constexpr size_t kMinE164Digits = 8;   // the generic lower bound Patron accepts

// Country calling codes assigned by ITU-T E.164 and in service (Annex to ITU
// Operational Bulletin, "List of ITU-T Recommendation E.164 assigned country
// codes"), geographic and global services alike. Left out: spare codes, the
// withdrawn 388 (ETNS), and 379 (reserved for Vatican City, which uses +39).
constexpr std::string_view kCountryCallingCodes[] = {
    "1",   "7",   "20",  "27",  "30",  "31",  "32",  "33",  "34",  "36",  "39",  "40",  "41",
    "43",  "44",  "45",  "46",  "47",  "48",  "49",  "51",  "52",  "53",  "54",  "55",  "56",
    "57",  "58",  "60",  "61",  "62",  "63",  "64",  "65",  "66",  "81",  "82",  "84",  "86",
    "90",  "91",  "92",  "93",  "94",  "95",  "98",  "211", "212", "213", "216", "218", "220",
    "221", "222", "223", "224", "225", "226", "227", "228", "229", "230", "231", "232", "233",
    "234", "235", "236", "237", "238", "239", "240", "241", "242", "243", "244", "245", "246",
    "247", "248", "249", "250", "251", "252", "253", "254", "255", "256", "257", "258", "260",
    "261", "262", "263", "264", "265", "266", "267", "268", "269", "290", "291", "297", "298",
    "299", "350", "351", "352", "353", "354", "355", "356", "357", "358", "359", "370", "371",
    "372", "373", "374", "375", "376", "377", "378", "380", "381", "382", "383", "385", "386",
    "387", "389", "420", "421", "423", "500", "501", "502", "503", "504", "505", "506", "507",
    "508", "509", "590", "591", "592", "593", "594", "595", "596", "597", "598", "599", "670",
    "672", "673", "674", "675", "676", "677", "678", "679", "680", "681", "682", "683", "685",
    "686", "687", "688", "689", "690", "691", "692", "800", "808", "850", "852", "853", "855",
    "856", "870", "878", "880", "881", "882", "883", "886", "888", "960", "961", "962", "963",
    "964", "965", "966", "967", "968", "970", "971", "972", "973", "974", "975", "976", "977",
    "979", "991", "992", "993", "994", "995", "996", "998",
};

// Splitting "+4420..." relies on no code being a prefix of another.
constexpr bool CountryCodesArePrefixFree() {
  for (std::string_view a : kCountryCallingCodes) {
    if (a.empty() || a.size() > 3) return false;
    for (std::string_view b : kCountryCallingCodes) {
      if (a != b && b.starts_with(a)) return false;
    }
  }
  return true;
}
static_assert(CountryCodesArePrefixFree());

// Further checks on a national significant number of valid length. Returns
// an empty string when it passes, otherwise what is wrong.
using ShapeCheck = std::string (*)(std::string_view nsn);

std::string CheckNanp(std::string_view nsn) {
  if (nsn[0] < '2') return "a North American area code cannot start with 0 or 1";
  if (nsn[3] < '2') return "a North American exchange code cannot start with 0 or 1";
  return {};
}

std::string CheckChina(std::string_view nsn) {
  if (nsn[0] != '1') return {};  // landline: area code 2x-9xx plus number
  if (nsn[1] == '0') {
    return nsn.size() == 10 ? std::string() : "Beijing (10) numbers have 10 digits";
  }
  if (nsn[1] >= '3') {
    return nsn.size() == 11 ? std::string() : "Chinese mobile numbers have 11 digits";
  }
  return "Chinese numbers cannot start with 11 or 12";
}

std::string CheckSingapore(std::string_view nsn) {
  if (nsn[0] == '3' || nsn[0] == '6' || nsn[0] == '8' || nsn[0] == '9') return {};
  return "Singapore numbers start with 3, 6, 8 or 9";
}

// How one country writes national numbers. Lengths are of the national
// significant number (after the country code, without trunk prefix) and cover
// the fixed and mobile numbers a customer could give; they follow each
// national numbering plan, as summarised in Google's libphonenumber metadata.
struct NationalRule {
  std::string_view country_code;
  std::string_view trunk_prefix;  // dialled before national numbers; "" if none
  size_t min_digits;
  size_t max_digits;
  bool may_start_with_zero = false;  // true where 0 is part of the number
  ShapeCheck check = nullptr;
};

constexpr NationalRule kNationalRules[] = {
    {"1", "1", 10, 10, false, CheckNanp},     // US, CA and the rest of NANP
    {"7", "8", 10, 10},                       // RU, KZ
    {"20", "0", 8, 10},                       // EG
    {"27", "0", 9, 9},                        // ZA
    {"30", "", 10, 10},                       // GR
    {"31", "0", 9, 9},                        // NL
    {"32", "0", 8, 9},                        // BE
    {"33", "0", 9, 9},                        // FR
    {"34", "", 9, 9},                         // ES
    {"39", "", 6, 11, true},                  // IT: landlines keep their 0
    {"41", "0", 9, 9},                        // CH
    {"43", "0", 6, 13},                       // AT: open numbering plan
    {"44", "0", 9, 10},                       // GB
    {"45", "", 8, 8},                         // DK
    {"46", "0", 7, 10},                       // SE
    {"47", "", 8, 8},                         // NO
    {"48", "", 9, 9},                         // PL
    {"49", "0", 6, 13},                       // DE: open plan, area codes 2-5 digits
    {"51", "0", 8, 9},                        // PE
    {"52", "", 10, 10},                       // MX (trunk prefixes abolished 2019)
    {"55", "0", 10, 11},                      // BR
    {"56", "", 9, 9},                         // CL
    {"57", "", 10, 10},                       // CO
    {"60", "0", 8, 10},                       // MY
    {"61", "0", 9, 9},                        // AU
    {"62", "0", 8, 12},                       // ID
    {"63", "0", 8, 10},                       // PH
    {"64", "0", 8, 10},                       // NZ
    {"65", "", 8, 8, false, CheckSingapore},  // SG
    {"66", "0", 8, 9},                        // TH
    {"81", "0", 9, 10},                       // JP
    {"82", "0", 8, 10},                       // KR
    {"84", "0", 9, 10},                       // VN
    {"86", "0", 9, 11, false, CheckChina},    // CN
    {"90", "0", 10, 10},                      // TR
    {"91", "0", 10, 10},                      // IN
    {"92", "0", 9, 10},                       // PK
    {"225", "", 10, 10, true},                // CI: 10-digit numbers since 2021
    {"351", "", 9, 9},                        // PT
    {"353", "0", 7, 9},                       // IE
    {"852", "", 8, 8},                        // HK
    {"853", "", 8, 8},                        // MO
    {"886", "0", 8, 9},                       // TW
    {"966", "0", 8, 9},                       // SA
    {"971", "0", 8, 9},                       // AE
    {"972", "0", 8, 9},                       // IL
};

constexpr bool RulesUseKnownCodes() {
  for (const NationalRule& rule : kNationalRules) {
    if (std::find(std::begin(kCountryCallingCodes), std::end(kCountryCallingCodes),
                  rule.country_code) == std::end(kCountryCallingCodes)) {
      return false;
    }
  }
  return true;
}
static_assert(RulesUseKnownCodes());

bool IsCountryCallingCode(std::string_view code) {
  return std::find(std::begin(kCountryCallingCodes), std::end(kCountryCallingCodes), code) !=
         std::end(kCountryCallingCodes);
}

// The table's rule, or E.164's generic one with '0' assumed as trunk prefix.
NationalRule RuleFor(std::string_view country_code) {
  for (const NationalRule& rule : kNationalRules) {
    if (rule.country_code == country_code) return rule;
  }
  return {country_code, "0", kMinE164Digits - country_code.size(),
          kMaxE164Digits - country_code.size(), true};
}

Status InvalidPhone(std::string message) {
  return Status::InvalidArgument(std::move(message), "invalid_phone");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSeparator(char c) {
  return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
}

// The digits of the input, and what the punctuation said about them.
struct ScannedPhone {
  std::string digits;
  bool plus = false;
  // Index in `digits` of a 0 written as "(0)", if any.
  std::optional<size_t> parenthesised_zero;
};

Result<ScannedPhone> Scan(std::string_view input) {
  ScannedPhone scanned;
  bool seen_non_space = false;
  for (size_t i = 0; i < input.size(); ++i) {
    const char c = input[i];
    if (c == ' ' || c == '\t') continue;
    if (c == '+') {
      if (seen_non_space) return InvalidPhone("'+' may only be the first character");
      scanned.plus = true;
    } else if (IsDigit(c)) {
      scanned.digits.push_back(c);
    } else if (input.substr(i, 3) == "(0)") {
      if (!scanned.parenthesised_zero) scanned.parenthesised_zero = scanned.digits.size();
      scanned.digits.push_back('0');
      i += 2;
    } else if (!IsSeparator(c)) {
      const bool printable = c > ' ' && c < 0x7F;
      return InvalidPhone(
          (printable ? "phone number contains '" + std::string(1, c) + "'"
                     : std::string("phone number contains a non-ASCII or control character")) +
          "; only digits, spaces, '+', '-', '.', '/', '(' and ')' are allowed");
    }
    seen_non_space = true;
  }
  if (scanned.digits.empty()) {
    return InvalidPhone(input.empty() ? "phone number is empty" : "phone number has no digits");
  }
  return scanned;
}

Status Validate(const NationalRule& rule, std::string_view nsn) {
  const std::string where = "+" + std::string(rule.country_code);
  if (nsn.empty()) return InvalidPhone("no national number after country code " + where);
  if (nsn[0] == '0' && !rule.may_start_with_zero) {
    return InvalidPhone("national numbers for " + where +
                        " cannot start with 0 (drop the trunk prefix after the country code)");
  }
  if (nsn.size() < rule.min_digits || nsn.size() > rule.max_digits) {
    const std::string range =
        rule.min_digits == rule.max_digits
            ? std::to_string(rule.min_digits)
            : std::to_string(rule.min_digits) + " to " + std::to_string(rule.max_digits);
    return InvalidPhone("national numbers for " + where + " have " + range + " digits, got " +
                        std::to_string(nsn.size()) +
                        (nsn.size() < rule.min_digits ? " (too short)" : " (too long)"));
  }
  if (rule.check != nullptr) {
    std::string problem = rule.check(nsn);
    if (!problem.empty()) return InvalidPhone(std::move(problem));
  }
  return Status::OK();
}

}  // namespace

Result<std::string> NormalizePhone(std::string_view input, std::string_view default_country_code) {
  std::string_view default_code = default_country_code;
  if (default_code.starts_with('+')) default_code.remove_prefix(1);
  if (!IsCountryCallingCode(default_code)) {
    return Status::InvalidArgument("default country code '" + std::string(default_country_code) +
                                       "' is not an assigned E.164 country calling code",
                                   "invalid_country_code");
  }

  PATRON_ASSIGN_OR_RETURN(ScannedPhone scanned, Scan(input));
  std::string_view digits = scanned.digits;
  std::optional<size_t> parenthesised_zero = scanned.parenthesised_zero;
  const bool international = scanned.plus || digits.starts_with("00");
  if (!scanned.plus && international) {
    digits.remove_prefix(2);
    if (parenthesised_zero) {
      parenthesised_zero =
          *parenthesised_zero >= 2 ? std::optional(*parenthesised_zero - 2) : std::nullopt;
    }
  }

  std::string_view country_code;
  std::string_view nsn;
  NationalRule rule{};
  if (international) {
    if (digits.empty()) return InvalidPhone("no digits after the international prefix");
    for (size_t length = 1; length <= 3 && length <= digits.size(); ++length) {
      if (IsCountryCallingCode(digits.substr(0, length))) {
        country_code = digits.substr(0, length);
        break;
      }
    }
    if (country_code.empty()) {
      return InvalidPhone("unknown country calling code +" +
                          std::string(digits.substr(0, std::min<size_t>(3, digits.size()))));
    }
    nsn = digits.substr(country_code.size());
    rule = RuleFor(country_code);
    if (parenthesised_zero == country_code.size() && rule.trunk_prefix == "0") {
      nsn.remove_prefix(1);
    }
  } else {
    country_code = default_code;
    nsn = digits;
    rule = RuleFor(country_code);
    // A national number never starts with '0' where '0' is the trunk prefix;
    // other trunk digits ('1', '8') can also begin a number, so they are
    // stripped only when what remains has a valid length.
    const std::string_view trunk = rule.trunk_prefix;
    if (!trunk.empty() && nsn.starts_with(trunk)) {
      const size_t rest = nsn.size() - trunk.size();
      if (trunk == "0" || (rest >= rule.min_digits && rest <= rule.max_digits)) {
        nsn.remove_prefix(trunk.size());
      }
    }
  }

  PATRON_RETURN_IF_ERROR(Validate(rule, nsn));
  std::string e164 = "+";
  e164.append(country_code);
  e164.append(nsn);
  return e164;
}

}  // namespace patron
