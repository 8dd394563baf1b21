// Phone number normalisation to E.164, the input to DeriveMemberId.
//
// A member id is a hash of the phone string (member_id.h), so every spelling
// of one number must normalise to the same string on every terminal, or one
// customer becomes two members. Normalisation is therefore deliberately
// strict and table-driven, with no locale or network lookups.
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
// One that is not an assigned country calling code is InvalidArgument with
// reason "invalid_country_code" (a configuration error, not the customer's).
//
// Input rules:
//  - Spaces, tabs, '-', '.', '/', '(' and ')' are ignored as separators.
//    Anything else but digits is rejected (no letters, no extensions).
//  - '+' is allowed once, as the first non-space character; it starts an
//    international number. A leading "00" is the international prefix too.
//  - Otherwise the number is national in the default country: its trunk
//    prefix is stripped ('0' in most countries, '8' in Russia/Kazakhstan, '1'
//    in NANP when 11 digits start with 1, none in e.g. SG, HK, ES, IT) and the
//    default country code is prepended. For countries outside the table below
//    a single leading '0' is taken to be the trunk prefix.
//  - "(0)" written directly after an international country code, as in
//    "+44 (0)20 7946 0958", is the customary reminder of the trunk prefix and
//    is dropped for countries whose trunk prefix is '0'. A bare 0 there
//    ("+44 020 ...") is rejected, since no UK number starts with 0.
//  - The country code is split off with the ITU E.164 list of assigned codes
//    (1-3 digits, prefix-free).
//  - The national number length, and where the country defines it a leading
//    0 or the first digits, are checked against a table of about 45 common
//    countries (NANP: 10 digits with area code and exchange starting 2-9;
//    China: 11-digit mobiles starting 13-19, 10-digit Beijing numbers,
//    9-11-digit landlines; ...). Other countries get E.164's generic rule:
//    8 to 15 digits including the country code.
//
// Every rejected phone is InvalidArgument with reason "invalid_phone" and a
// message saying what is wrong. Messages never repeat the input: phones are
// personal data and these messages reach logs.
Result<std::string> NormalizePhone(std::string_view input, std::string_view default_country_code);

}  // namespace patron

#endif  // PATRON_PHONE_H_
