// Values operators type on the command line that CLI11 cannot check on its
// own: amounts, basket lines, refund lines, the daemon URL. Each has a parser
// (used after parsing, to build the request) and a CLI11 validator built on
// that same parser, so a bad value is a usage error (exit 2) before any
// request is sent.
#ifndef PATRON_TERMINAL_SRC_CLI_ARGS_H_
#define PATRON_TERMINAL_SRC_CLI_ARGS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "patron/status.h"

namespace patron::cli {

// "12.34" -> 1234: major units with at most kMinorDigits decimals (ParseMinor).
Result<int64_t> ParseAmount(std::string_view text);
// "SKU:QTY:AMOUNT[:CATEGORY]" -> {"sku","qty","amount_minor"[,"category"]},
// the API's basket line. AMOUNT is the line total, written like --amount.
// The SKU cannot hold ':'; the category may.
Result<nlohmann::json> ParseSaleLine(std::string_view text);
// "LINE_NO:QTY" -> {"line_no","qty"}; LINE_NO counts the sale's --line
// options from 0.
Result<nlohmann::json> ParseRefundLine(std::string_view text);

CLI::Validator AmountArg();
CLI::Validator SaleLineArg();
CLI::Validator RefundLineArg();
// An http://host:port URL (ParseHttpUrl).
CLI::Validator DaemonUrlArg();

}  // namespace patron::cli

#endif  // PATRON_TERMINAL_SRC_CLI_ARGS_H_
