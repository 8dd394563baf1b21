// patron refund: full or partial refund of a recorded sale
// (POST /v1/sales/REF/refunds).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/daemon_client.h"
#include "cli/format.h"

namespace patron::cli {
namespace {

using nlohmann::json;

struct RefundOptions {
  std::string sale_ref;
  std::string refund_ref;
  std::string amount;  // AmountArg checked it
  int64_t amount_minor = 0;
  std::vector<std::string> lines;  // RefundLineArg checked them
  std::string sale_terminal;
  std::string member_id;
};

void PrintRefund(const json& r) {
  std::cout << "refund " << Text(r, "refund_ref") << " of sale " << Text(r, "sale_ref")
            << (Bool(r, "replayed") ? " (replayed: already recorded, nothing changed)" : "")
            << "\n";
  Fields()
      .Add("member", Text(r, "member_id"))
      .Add("refunded", Money(Int(r, "amount_minor")))
      .Add("pay back", Money(Int(r, "paid_back_minor")))
      .Add("points reversed", Points(Int(r, "reversed_points")))
      .Add("points returned", Points(Int(r, "returned_points")))
      .Add("balance", Points(Int(r, "balance")))
      .Print();
  if (Bool(r, "pending")) {
    std::cout << "note: head office could not be asked about this receipt from another store; "
                 "hand the money back by the store's policy: head office takes back the "
                 "points when it matches the sale\n";
  }
  if (Bool(r, "clawback")) {
    std::cout << "note: the member had already spent points this sale earned; "
                 "the balance is now negative\n";
  }
}

}  // namespace

void AddRefundCommand(CLI::App& app, Cli& cli) {
  auto o = std::make_shared<RefundOptions>();
  CLI::App* refund = app.add_subcommand(
      "refund",
      "Refund a sale: all of what is not yet refunded, an amount, or some lines. "
      "Takes back the points it earned and returns the points it used");
  refund->add_option("--sale", o->sale_ref, "the sale's receipt number (its --ref)")->required();
  refund->add_option("--sale-terminal", o->sale_terminal,
                     "the terminal that made the sale, as printed on the receipt (its sale id "
                     "is TERMINAL/RECEIPT); omit for a sale made here. Another store's sale is "
                     "refunded through head office, or recorded as pending (by amount) when "
                     "head office cannot be asked");
  refund->add_option("--member", o->member_id,
                     "the member, if known: kept with a pending return of another store's sale");
  refund
      ->add_option("--ref", o->refund_ref,
                   "this refund's own reference; repeating it is safe (recorded once)")
      ->required();
  CLI::Option* amount =
      refund
          ->add_option("--amount", o->amount, "refund this much of the sale, in major units (5.00)")
          ->type_name("AMOUNT")
          ->check(AmountArg());
  CLI::Option* minor =
      refund->add_option("--amount-minor", o->amount_minor, "the same in minor units (500), exact")
          ->type_name("INT")
          ->excludes(amount);
  refund
      ->add_option("--line", o->lines,
                   "refund QTY of the sale's line LINE_NO (0 = its first --line); repeatable")
      ->type_name("LINE_NO:QTY")
      ->check(RefundLineArg())
      ->excludes(amount)
      ->excludes(minor);
  OnChosen(*refund, cli, [&cli, o, refund] {
    json body = {{"refund_ref", o->refund_ref}};
    if (!o->sale_terminal.empty()) body["sale_terminal"] = o->sale_terminal;
    if (!o->member_id.empty()) body["member_id"] = o->member_id;
    if (refund->count("--amount") > 0) {
      Result<int64_t> parsed = ParseAmount(o->amount);
      if (!parsed.ok()) return UsageError(parsed.status().message());
      body["amount_minor"] = *parsed;
    } else if (refund->count("--amount-minor") > 0) {
      body["amount_minor"] = o->amount_minor;
    }
    if (!o->lines.empty()) {
      json lines = json::array();
      for (const std::string& text : o->lines) {
        Result<json> line = ParseRefundLine(text);
        if (!line.ok()) return UsageError(line.status().message());
        lines.push_back(*line);
      }
      body["lines"] = std::move(lines);
    }
    const std::string target = "/v1/sales/" + PercentEncode(o->sale_ref) + "/refunds";
    return CallDaemon(cli.global, {"POST", target, body}, PrintRefund);
  });
}

}  // namespace patron::cli
