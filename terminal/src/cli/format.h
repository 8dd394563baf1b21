// Human output of the CLI: aligned "key: value" blocks, small tables, money,
// points and times. Reading JSON fields here throws nlohmann::json::exception
// on a missing or mistyped field; CallDaemon turns that into an error.
#ifndef PATRON_TERMINAL_SRC_CLI_FORMAT_H_
#define PATRON_TERMINAL_SRC_CLI_FORMAT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace patron::cli {

// The operator's convention for amounts on the command line and on screen:
// major units with two decimals ("12.34" is 1234 minor units).
inline constexpr int kMinorDigits = 2;

// "12.34" for 1234.
std::string Money(int64_t amount_minor);
// "120 points", "1 point", "-5 points".
std::string Points(int64_t points);
// "2024-05-01 12:30:05 UTC" for milliseconds since the Unix epoch.
std::string UtcTime(int64_t wall_ms);
std::string YesNo(bool value);

// The field as text: a string as is, a number or bool as JSON, "-" when it
// is missing, null or empty.
std::string Text(const nlohmann::json& doc, std::string_view key);
// The field as an integer; throws when it is missing or not an integer.
int64_t Int(const nlohmann::json& doc, std::string_view key);
bool Bool(const nlohmann::json& doc, std::string_view key);

// A member's, quote's or sale's tier lines: "spend 900.00 more for silver"
// or "top tier"; and "drops to regular at the review on 2027-06-05 ...
// unless 230.00 more is spent". "" when the answer has no such field (an
// older patrond) or, for the review, nothing to warn of.
std::string TierProgressText(const nlohmann::json& doc);
// The array `key` of {expires_on, points} as "320 on 2027-03-31, 100 on
// 2027-04-30"; "" when empty or absent.
std::string ExpiringText(const nlohmann::json& doc, const char* key);
std::string TierReviewText(const nlohmann::json& doc);
// What a voucher (or a reward's voucher) gives, from its benefit fields:
// "20.00 off over 100.00, +88 points"; "15% off (at most 30.00)".
std::string VoucherBenefitText(const nlohmann::json& voucher);

// Lines of "key:  value" with the values aligned, printed to stdout.
class Fields {
 public:
  Fields& Add(std::string key, std::string value);
  // Adds the line only when `when` holds.
  Fields& AddIf(bool when, std::string key, std::string value);
  void Print() const;

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
};

// A table with a header row, columns padded to their widest cell; columns
// whose index is in `right_aligned` (numbers) are aligned right.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows,
                const std::vector<size_t>& right_aligned);

}  // namespace patron::cli

#endif  // PATRON_TERMINAL_SRC_CLI_FORMAT_H_
