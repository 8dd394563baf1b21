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

namespace patron::cli {
namespace {

using nlohmann::json;

void PrintVouchers(const json& doc) {
  const json& vouchers = doc.at("vouchers");
  if (vouchers.empty()) {
    std::cout << "no vouchers\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const json& v : vouchers) {
    rows.push_back({Text(v, "voucher_id"), Text(v, "name"), VoucherBenefitText(v), Text(v, "state"),
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
