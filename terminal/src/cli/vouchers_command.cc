// patron vouchers: a member's vouchers as this till knows them
// (GET /v1/members/ID/vouchers): what each gives, until when, and whether
// this till may redeem it offline.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/daemon_client.h"
#include "cli/format.h"
#include "patron/money.h"

namespace patron::cli {
namespace {

using nlohmann::json;

// A benefit field, absent when 0.
int64_t Opt(const json& v, const char* key) { return v.value(key, int64_t{0}); }

// "20.00 off over 100.00, +88 points"; "15% off (at most 30.00)".
std::string Benefit(const json& v) {
  std::vector<std::string> parts;
  if (Opt(v, "amount_off_minor") > 0) parts.push_back(Money(Opt(v, "amount_off_minor")) + " off");
  if (Opt(v, "percent_off_bp") > 0) {
    std::string share = FormatMinor(Opt(v, "percent_off_bp"), 2);
    while (share.ends_with('0')) share.pop_back();
    if (share.ends_with('.')) share.pop_back();
    share += "% off";
    if (Opt(v, "max_off_minor") > 0) share += " (at most " + Money(Opt(v, "max_off_minor")) + ")";
    parts.push_back(share);
  }
  if (Opt(v, "min_spend_minor") > 0 && !parts.empty()) {
    parts.back() += " over " + Money(Opt(v, "min_spend_minor"));
  }
  if (Opt(v, "bonus_points") > 0) parts.push_back("+" + Points(Opt(v, "bonus_points")));
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

void PrintVouchers(const json& doc) {
  const json& vouchers = doc.at("vouchers");
  if (vouchers.empty()) {
    std::cout << "no vouchers\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const json& v : vouchers) {
    rows.push_back({Text(v, "voucher_id"), Text(v, "name"), Benefit(v), Text(v, "state"),
                    UtcTime(Int(v, "valid_until_ms")),
                    Bool(v, "held_here") ? "here (offline too)" : "claimed at checkout"});
  }
  PrintTable({"VOUCHER", "NAME", "GIVES", "STATE", "UNTIL (UTC)", "REDEEMED"}, rows, {});
}

}  // namespace

void AddVouchersCommand(CLI::App& app, Cli& cli) {
  auto member_id = std::make_shared<std::string>();
  CLI::App* vouchers = app.add_subcommand(
      "vouchers", "A member's vouchers; redeem one with `patron sale --voucher ID`");
  vouchers->add_option("MEMBER_ID", *member_id, "the member's id")->required();
  OnChosen(*vouchers, cli, [&cli, member_id] {
    return CallDaemon(cli.global,
                      {"GET", "/v1/members/" + PercentEncode(*member_id) + "/vouchers", nullptr},
                      PrintVouchers);
  });
}

}  // namespace patron::cli
