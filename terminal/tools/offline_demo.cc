// patron-offline-demo: the main job while only the terminal engine exists.
// Opens a terminal database with no network at all, enrols members, checks
// out, redeems and refunds, and prints what a till would show. Later issues
// replace it with patrond, the patron CLI and the sync server.
#include <cstdio>
#include <string>

#include "patron/money.h"
#include "patron/terminal/terminal.h"

namespace {

using patron::terminal::Terminal;

int Fail(const patron::Status& status) {
  std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
  return 1;
}

void PrintMember(const patron::terminal::Member& m) {
  std::printf("  %-12s %s  tier=%-7s balance=%6lld  redeemable here=%6lld  spend=%s\n",
              m.name.c_str(), m.phone.value_or(m.card.value_or("")).c_str(), m.tier.c_str(),
              static_cast<long long>(m.balance), static_cast<long long>(m.redeemable_here),
              patron::FormatMinor(m.qualifying_spend_minor, 2).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
    return 2;
  }
  patron::terminal::TerminalOptions options;
  options.db_path = std::string(argv[1]) + "/S001-T01.db";
  options.terminal_id = "S001-T01";
  options.store_id = "S001";
  options.default_country_code = "44";
  auto opened = Terminal::Open(options);
  if (!opened.ok()) return Fail(opened.status());
  Terminal& till = **opened;

  std::printf("terminal S001-T01 (offline): enrol\n");
  patron::terminal::EnrolRequest ann;
  ann.phone = "07700 900123";
  ann.profile.name = "Ann Example";
  ann.profile.sms_consent = true;
  auto enrolled = till.Enrol(ann);
  if (!enrolled.ok()) return Fail(enrolled.status());
  const std::string ann_id = enrolled->member.member_id;
  std::printf("  %s %s (%s)\n", enrolled->created ? "enrolled" : "already enrolled", ann_id.c_str(),
              enrolled->member.phone->c_str());

  std::printf("checkout: 3 sales of 480.00, 650.00 and 25.00\n");
  const long long amounts[] = {48000, 65000, 2500};
  for (int i = 0; i < 3; ++i) {
    patron::terminal::SaleRequest sale;
    sale.sale_ref = "R-" + std::to_string(1000 + i);
    sale.member_id = ann_id;
    sale.amount_minor = amounts[i];
    auto result = till.Checkout(sale);
    if (!result.ok()) return Fail(result.status());
    std::printf("  %s earned %lld points, balance %lld, tier %s%s\n", sale.sale_ref.c_str(),
                static_cast<long long>(result->earned_points),
                static_cast<long long>(result->balance), result->tier.c_str(),
                result->replayed ? " (replayed)" : "");
  }

  std::printf("redeem 500 points on a 20.00 sale, then retry it (idempotent)\n");
  patron::terminal::SaleRequest redeem;
  redeem.sale_ref = "R-2000";
  redeem.member_id = ann_id;
  redeem.amount_minor = 2000;
  redeem.redeem_points = 500;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto result = till.Checkout(redeem);
    if (!result.ok()) return Fail(result.status());
    std::printf("  %s paid %s in points, %s in money, balance %lld%s\n", redeem.sale_ref.c_str(),
                patron::FormatMinor(result->discount_minor, 2).c_str(),
                patron::FormatMinor(result->paid_minor, 2).c_str(),
                static_cast<long long>(result->balance), result->replayed ? " (replayed)" : "");
  }

  std::printf("refund half of R-1001\n");
  patron::terminal::RefundRequest refund;
  refund.sale_ref = "R-1001";
  refund.refund_ref = "RF-1";
  refund.amount_minor = 32500;
  auto refunded = till.Refund(refund);
  if (!refunded.ok()) return Fail(refunded.status());
  std::printf("  reversed %lld points, balance %lld\n",
              static_cast<long long>(refunded->reversed_points),
              static_cast<long long>(refunded->balance));

  std::printf("a redemption beyond the balance is refused:\n");
  patron::terminal::SaleRequest too_much = redeem;
  too_much.sale_ref = "R-2001";
  too_much.amount_minor = 10'000'000;
  too_much.redeem_points = 1'000'000;
  auto refused = till.Checkout(too_much);
  std::printf("  %s\n", refused.status().ToString().c_str());

  std::printf("members:\n");
  auto member = till.FindByPhone("+44 7700 900123");
  if (!member.ok()) return Fail(member.status());
  PrintMember(*member);
  auto status = till.Status();
  if (!status.ok()) return Fail(status.status());
  std::printf("status: %lld members, %lld journal entries waiting for the sync server\n",
              static_cast<long long>(status->member_count),
              static_cast<long long>(status->pending_entries));
  return refused.ok() ? 1 : 0;
}
