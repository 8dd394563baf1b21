// patron rewards / patron exchange: the points exchange (积分兑换) at this
// till. `rewards` lists the catalogue in force (GET /v1/rewards), for a
// member with what they may have; `exchange` buys one with points
// (POST /v1/rewards/exchange).
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

// "item" or what its voucher gives.
std::string Gives(const json& reward) {
  if (!reward.contains("voucher")) return "item";
  const json& voucher = reward.at("voucher");
  return "voucher: " + VoucherBenefitText(voucher) + ", " +
         std::to_string(voucher.value("valid_days", int64_t{0})) + " days";
}

// "2 per month", or "-".
std::string Limit(const json& reward) {
  if (!reward.contains("limit")) return "-";
  const json& limit = reward.at("limit");
  return std::to_string(Int(limit, "times")) + " per " + Text(limit, "per");
}

std::string CountOrNone(const json& doc, const char* key) {
  return doc.contains(key) && doc.at(key).is_number_integer() ? std::to_string(Int(doc, key))
                                                              : "no limit";
}

void PrintRewards(const json& doc, bool for_member) {
  const json& rewards = doc.at("rewards");
  std::cout << "rewards of programme version " << Int(doc, "rule_version") << "\n";
  if (rewards.empty()) {
    std::cout << "no rewards\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const json& r : rewards) {
    std::vector<std::string> row = {Text(r, "id"), Text(r, "name"), Points(Int(r, "points")),
                                    Gives(r),      Limit(r),        CountOrNone(r, "stock_here")};
    if (for_member) {
      row.push_back(Bool(r, "available") ? "yes" : Text(r, "unavailable"));
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::string> header = {"REWARD", "NAME", "PRICE", "GIVES", "LIMIT", "LEFT HERE"};
  if (for_member) header.push_back("MAY HAVE");
  PrintTable(header, rows, {2});
}

void PrintExchange(const json& x) {
  std::cout << "exchange " << Text(x, "exchange_ref")
            << (Bool(x, "replayed") ? " (replayed: already recorded, nothing changed)" : "")
            << "\n";
  Fields fields;
  fields.Add("member", Text(x, "member_id"))
      .Add("reward", Text(x, "reward_name") + " (" + Text(x, "reward_id") + ") x" +
                         std::to_string(Int(x, "quantity")))
      .Add("spent", Points(Int(x, "points")))
      .Add("balance", Points(Int(x, "balance")));
  if (x.contains("voucher") && x.at("voucher").is_object()) {
    const json& v = x.at("voucher");
    fields.Add("voucher", Text(v, "voucher_id") + ": " + VoucherBenefitText(v) + ", until " +
                              UtcTime(Int(v, "valid_until_ms")) + ", usable here at once");
  }
  fields.Print();
}

struct ExchangeOptions {
  std::string member_id;
  std::string reward_id;
  std::string exchange_ref;
  int64_t quantity = 1;
};

}  // namespace

void AddRewardsCommands(CLI::App& app, Cli& cli) {
  auto member_id = std::make_shared<std::string>();
  CLI::App* rewards = app.add_subcommand(
      "rewards", "The rewards catalogue (积分兑换); with a member, what they may have");
  rewards->add_option("MEMBER_ID", *member_id, "the member's id (optional)");
  OnChosen(*rewards, cli, [&cli, member_id] {
    const bool for_member = !member_id->empty();
    const std::string target =
        for_member ? "/v1/rewards?member_id=" + PercentEncode(*member_id) : "/v1/rewards";
    return CallDaemon(cli.global, {"GET", target, nullptr},
                      [for_member](const json& doc) { PrintRewards(doc, for_member); });
  });

  auto o = std::make_shared<ExchangeOptions>();
  CLI::App* exchange = app.add_subcommand(
      "exchange", "Exchange a member's points for a reward (see `patron rewards`)");
  exchange->add_option("MEMBER_ID", o->member_id, "the member's id")->required();
  exchange->add_option("REWARD_ID", o->reward_id, "the reward's id")->required();
  exchange
      ->add_option("--ref", o->exchange_ref,
                   "the POS receipt number; repeating it is safe (recorded once)")
      ->required();
  exchange->add_option("--qty", o->quantity, "how many (default 1)");
  OnChosen(*exchange, cli, [&cli, o] {
    const json body = {{"exchange_ref", o->exchange_ref},
                       {"member_id", o->member_id},
                       {"reward_id", o->reward_id},
                       {"quantity", o->quantity}};
    return CallDaemon(cli.global, {"POST", "/v1/rewards/exchange", body}, PrintExchange);
  });
}

}  // namespace patron::cli
