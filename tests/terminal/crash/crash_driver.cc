// patron_crash_driver DB_PATH START_INDEX
//
// The process crash_loop_test.cc kills. It opens terminal S001-T01, enrols
// (or finds again) one member and checks out sales "C-<n>" for n = START_INDEX,
// START_INDEX + 1, ... until it is killed. It prints "C-<n>\n" only after that
// Checkout returned OK, i.e. after its commit, so every printed line is a
// promise the database must keep: the receipt is in the customer's hand.
//
// Any error is printed to stderr and ends the process with exit code 1; a
// replayed sale is an error too, since the test never reuses an index.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "patron/rules.h"
#include "patron/terminal/terminal.h"
#include "support/sale_lines.h"

namespace {

using patron::terminal::SaleRequest;
using patron::terminal::Terminal;

constexpr std::string_view kPhone = "+1 415 555 0100";

int Fail(std::string_view what, const patron::Status& status) {
  std::fprintf(stderr, "patron_crash_driver: %.*s: %s\n", static_cast<int>(what.size()),
               what.data(), status.ToString().c_str());
  return 1;
}

// Amounts from 1.00 to 500.99 that vary from sale to sale; every third sale
// comes as two basket lines so sale_lines is written too.
SaleRequest MakeSale(int64_t n, const std::string& member_id) {
  SaleRequest sale;
  sale.sale_ref = "C-" + std::to_string(n);
  sale.member_id = member_id;
  sale.amount_minor = 100 + (n * 7919) % 50000;
  if (n % 3 == 0) {
    const int64_t first = sale.amount_minor / 3;
    sale.lines.push_back(patron::testing::Line("SKU-A", 1, first, "grocery"));
    sale.lines.push_back(patron::testing::Line("SKU-B", 2, sale.amount_minor - first, "household"));
  }
  return sale;
}

// Every seventh sale redeems some of the points this terminal knows it may
// redeem right now, within the sale's cap; 0 when there is nothing to redeem.
patron::Result<int64_t> PointsToRedeem(Terminal& till, const SaleRequest& sale, int64_t n) {
  if (n % 7 != 0) return int64_t{0};
  PATRON_ASSIGN_OR_RETURN(patron::terminal::Member member, till.FindById(sale.member_id));
  PATRON_ASSIGN_OR_RETURN(int64_t cap,
                          patron::MaxRedeemablePoints(till.rules(), sale.amount_minor));
  return std::min({member.redeemable_here, cap, 1 + n % 400});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DB_PATH START_INDEX\n", argv[0]);
    return 2;
  }
  const std::string_view start_arg = argv[2];
  int64_t start = 0;
  const auto parsed = std::from_chars(start_arg.data(), start_arg.data() + start_arg.size(), start);
  if (parsed.ec != std::errc() || parsed.ptr != start_arg.data() + start_arg.size() || start < 0) {
    std::fprintf(stderr, "patron_crash_driver: START_INDEX must be a non-negative integer\n");
    return 2;
  }

  patron::terminal::TerminalOptions options;
  options.db_path = argv[1];
  options.terminal_id = "S001-T01";
  options.store_id = "S001";
  auto opened = Terminal::Open(options);
  if (!opened.ok()) return Fail("open", opened.status());
  Terminal& till = **opened;

  patron::terminal::EnrolRequest enrol;
  enrol.phone = std::string(kPhone);
  enrol.profile.name = "Crash Test";
  auto enrolled = till.Enrol(enrol);
  if (!enrolled.ok()) return Fail("enrol", enrolled.status());
  const std::string member_id = enrolled->member.member_id;

  for (int64_t n = start;; ++n) {
    SaleRequest sale = MakeSale(n, member_id);
    auto redeem = PointsToRedeem(till, sale, n);
    if (!redeem.ok()) return Fail(sale.sale_ref, redeem.status());
    sale.redeem_points = *redeem;
    auto result = till.Checkout(sale);
    if (!result.ok()) return Fail(sale.sale_ref, result.status());
    if (result->replayed) {
      return Fail(sale.sale_ref, patron::Status::Internal("sale_ref was already stored"));
    }
    // One write per line, well under PIPE_BUF, so a kill never tears it.
    std::printf("C-%lld\n", static_cast<long long>(n));
    std::fflush(stdout);
  }
}
