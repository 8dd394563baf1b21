// Phone number normalisation to E.164, the input to DeriveMemberId.
//
// A member id is a hash of the phone string (member_id.h), so every spelling
// of one number must normalise to the same string on every terminal, or one
// customer becomes two members. Normalisation uses Google's libphonenumber
// and the numbering-plan metadata compiled into it, with no locale or network
// lookups. Tills on one libphonenumber version agree on every answer; a
// newer version may accept numbers an older one refused and, rarely, read a
// number typed without '+' differently (is a leading "49" the country code?),
// so a chain's tills should move to a new version together.
#ifndef PATRON_PHONE_H_
#define PATRON_PHONE_H_

#include <string>
#include <string_view>

#include "patron/status.h"

namespace patron {

// Returns the E.164 form "+<country code><national significant number>",
// digits only after the '+', e.g. "+8613800138000".
//
// `default_country_code` is the chain's calling code for numbers written
// without one: digits such as "86", "44", "1", optionally with a leading '+'.
// Its main region's conventions apply (1 -> US, 7 -> RU, 44 -> GB, 86 -> CN).
// One that is no country's calling code is InvalidArgument with reason
// "invalid_country_code" (a configuration error, not the customer's).
//
// Input rules:
//  - Digits, spaces, tabs and the separators '-', '.', '/', '(' and ')' are
//    allowed, and '+' once, as the first non-space character. Full-width
//    forms count as these characters ('１' is '1', '＋' is '+'), and no-break
//    (U+00A0, U+202F) and ideographic (U+3000) spaces as spaces. Anything
//    else is rejected (no letters, no extensions).
//  - Without '+', the number is read as the default region dials: its trunk
//    prefix is dropped ("020 ..." in GB, "8 916 ..." in RU), its
//    international prefix starts an international number ("00" in most
//    countries, "001" in SG, "0021" in BR, "011" in NANP, "8 10" in RU), and
//    the region's own country code typed without '+' is recognised ("49 30
//    ..." at a German till). "00" is also read as the international prefix
//    where the region dials otherwise, if that gives a valid number.
//  - "(0)" or a bare trunk prefix written after the country code, as in
//    "+44 (0)20 7946 0958", is dropped; Italy's leading 0 is kept.
//  - The number must have a length its country uses. Numbers libphonenumber
//    knows as allocated are accepted; others only if they look like a fixed
//    or mobile number of that country's plan, so that ranges opened after the
//    metadata was built are not refused (phone.cc, CheckAcceptable).
//
// Every rejected phone is InvalidArgument with reason "invalid_phone" and a
// message saying what is wrong. Messages never repeat the input: phones are
// personal data and these messages reach logs.
Result<std::string> NormalizePhone(std::string_view input, std::string_view default_country_code);

}  // namespace patron

#endif  // PATRON_PHONE_H_
