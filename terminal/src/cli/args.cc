#include "cli/args.h"

#include <charconv>
#include <functional>
#include <string>

#include "cli/format.h"
#include "patron/http/client.h"
#include "patron/money.h"

namespace patron::cli {
namespace {

Result<int64_t> ParseInteger(std::string_view text, std::string_view what) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return Status::InvalidArgument(std::string(what) + " must be an integer, got '" +
                                   std::string(text) + "'");
  }
  return value;
}

// A CLI11 validator from one of the parsers above: CLI11 prints the message.
// No description: the options' type names (AMOUNT, LINE) already say it.
template <typename T>
CLI::Validator FromParser(std::function<Result<T>(std::string_view)> parse) {
  return CLI::Validator(
      [parse = std::move(parse)](std::string& text) -> std::string {
        Result<T> parsed = parse(text);
        return parsed.ok() ? std::string() : parsed.status().message();
      },
      std::string());
}

}  // namespace

Result<int64_t> ParseAmount(std::string_view text) {
  Result<int64_t> amount = ParseMinor(text, kMinorDigits);
  if (!amount.ok()) {
    return Status::InvalidArgument("expected an amount such as 12.34 (at most " +
                                   std::to_string(kMinorDigits) + " decimals), got '" +
                                   std::string(text) + "'");
  }
  return amount;
}

Result<nlohmann::json> ParseSaleLine(std::string_view text) {
  const std::string usage =
      "expected SKU:QTY:AMOUNT[:CATEGORY] such as COFFEE:2:7.00, got '" + std::string(text) + "'";
  const size_t first = text.find(':');
  const size_t second = first == std::string_view::npos ? first : text.find(':', first + 1);
  if (second == std::string_view::npos || first == 0) return Status::InvalidArgument(usage);
  const size_t third = text.find(':', second + 1);
  const std::string_view amount_text = third == std::string_view::npos
                                           ? text.substr(second + 1)
                                           : text.substr(second + 1, third - second - 1);
  Result<int64_t> qty = ParseInteger(text.substr(first + 1, second - first - 1), "QTY");
  if (!qty.ok()) return Status::InvalidArgument(usage + ": " + qty.status().message());
  Result<int64_t> amount = ParseAmount(amount_text);
  if (!amount.ok()) return Status::InvalidArgument(usage + ": AMOUNT " + amount.status().message());
  nlohmann::json line = {
      {"sku", std::string(text.substr(0, first))}, {"qty", *qty}, {"amount_minor", *amount}};
  if (third != std::string_view::npos) line["category"] = std::string(text.substr(third + 1));
  return line;
}

Result<nlohmann::json> ParseRefundLine(std::string_view text) {
  const std::string usage =
      "expected LINE_NO:QTY such as 0:1 (LINE_NO counts the sale's lines from 0), got '" +
      std::string(text) + "'";
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return Status::InvalidArgument(usage);
  Result<int64_t> line_no = ParseInteger(text.substr(0, colon), "LINE_NO");
  Result<int64_t> qty = ParseInteger(text.substr(colon + 1), "QTY");
  if (!line_no.ok() || !qty.ok()) return Status::InvalidArgument(usage);
  return nlohmann::json{{"line_no", *line_no}, {"qty", *qty}};
}

CLI::Validator AmountArg() { return FromParser<int64_t>(ParseAmount); }

CLI::Validator SaleLineArg() { return FromParser<nlohmann::json>(ParseSaleLine); }

CLI::Validator RefundLineArg() { return FromParser<nlohmann::json>(ParseRefundLine); }

CLI::Validator DaemonUrlArg() {
  return FromParser<Endpoint>([](std::string_view url) { return ParseHttpUrl(url); });
}

}  // namespace patron::cli
