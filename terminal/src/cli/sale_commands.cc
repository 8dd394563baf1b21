// patron sale and patron quote: checkout (POST /v1/sales) and its dry run
// (POST /v1/quote). Both take the same basket options.
#include <algorithm>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "patron/money.h"

namespace patron::cli {
namespace {

using nlohmann::json;

struct BasketOptions {
  std::string sale_ref;  // sale only
  std::string member_id;
  std::string amount;  // major units; AmountArg checked it
  int64_t amount_minor = 0;
  int64_t redeem_points = 0;
  std::string currency;
  std::vector<std::string> lines;  // SaleLineArg checked them
  std::vector<std::string> vouchers;
};

void AddBasketOptions(CLI::App& sub, BasketOptions& o) {
  sub.add_option("--member", o.member_id, "the member's id")->required();
  CLI::Option* amount =
      sub.add_option("--amount", o.amount,
                     "basket total before points, in major units with up to 2 decimals "
                     "(12.34); default: the sum of the --line amounts")
          ->type_name("AMOUNT")
          ->check(AmountArg());
  sub.add_option("--amount-minor", o.amount_minor,
                 "basket total in minor units (1234 = 12.34), exact for any currency")
      ->type_name("INT")
      ->excludes(amount);
  sub.add_option("--redeem", o.redeem_points, "points to pay with (see `patron quote`)")
      ->type_name("POINTS")
      ->check(CLI::Range(int64_t{0}, std::numeric_limits<int64_t>::max()));
  sub.add_option("--currency", o.currency, "ISO 4217 code; default: the rules' currency")
      ->type_name("CODE");
  sub.add_option("--line", o.lines,
                 "basket line SKU:QTY:AMOUNT[:CATEGORY], AMOUNT the line total written like "
                 "--amount (COFFEE:2:7.00:drinks); repeat for each line, in receipt order")
      ->type_name("LINE")
      ->check(SaleLineArg());
  sub.add_option("--voucher", o.vouchers,
                 "a voucher to redeem (see `patron vouchers MEMBER_ID`); repeat for several, in "
                 "the order their money off applies")
      ->type_name("ID");
}

// The basket as the API wants it, or a usage error's message.
Result<json> BasketBody(const CLI::App& sub, const BasketOptions& o) {
  json body = {{"member_id", o.member_id}};
  json lines = json::array();
  int64_t lines_total = 0;
  for (const std::string& text : o.lines) {
    PATRON_ASSIGN_OR_RETURN(json line, ParseSaleLine(text));
    PATRON_ASSIGN_OR_RETURN(lines_total,
                            CheckedAdd(lines_total, line["amount_minor"].get<int64_t>()));
    lines.push_back(std::move(line));
  }
  if (sub.count("--amount") > 0) {
    PATRON_ASSIGN_OR_RETURN(int64_t amount, ParseAmount(o.amount));
    body["amount_minor"] = amount;
  } else if (sub.count("--amount-minor") > 0) {
    body["amount_minor"] = o.amount_minor;
  } else if (!o.lines.empty()) {
    body["amount_minor"] = lines_total;
  } else {
    return Status::InvalidArgument("give the basket total: --amount, --amount-minor or --line");
  }
  if (!o.lines.empty()) body["lines"] = std::move(lines);
  if (o.redeem_points > 0) body["redeem_points"] = o.redeem_points;
  if (!o.currency.empty()) body["currency"] = o.currency;
  if (!o.vouchers.empty()) body["vouchers"] = o.vouchers;
  return body;
}

// 15000 basis points -> "1.5x".
std::string Multiplier(int64_t basis_points) {
  std::string text = FormatMinor(basis_points, 4);
  while (text.ends_with('0')) text.pop_back();
  if (text.ends_with('.')) text.pop_back();
  return text + "x";
}

std::string Redeemed(int64_t points, int64_t discount_minor) {
  if (points == 0) return "none";
  return Points(points) + " (-" + Money(discount_minor) + ")";
}

// The points itemised: "100 base, 100 double, 50 welcome (held out of
// all-held-out) (short of budget: big-basket 100)"; "" when the answer has no awards (an older
// patrond). A sale's awards are its campaigns' and vouchers': the rest of `points` is its base and
// tier earn. A voucher giving no points shows in its discount.
std::string Awards(int64_t points, const json& doc) {
  const auto found = doc.find("awards");
  if (found == doc.end() || !found->is_array()) return "";
  std::string given, held_out, short_of;
  const bool sale = std::none_of(found->begin(), found->end(), [](const json& award) {
    return award.value("kind", "") == "base" || award.value("kind", "") == "tier";
  });
  if (sale && !found->empty()) {
    int64_t bonuses = 0;
    for (const json& award : *found) bonuses += Int(award, "points");
    if (points - bonuses != 0) given = std::to_string(points - bonuses) + " base and tier";
  }
  for (const json& award : *found) {
    // Money off and vouchers issued, without points, show apart
    // (MoneyOffText, IssuedText; a quote's line says issues_voucher).
    if (award.value("discount_minor", int64_t{0}) > 0 && Int(award, "points") == 0) continue;
    if (!award.value("issued_voucher_id", "").empty() && Int(award, "points") == 0) continue;
    if (award.value("issues_voucher", false) && Int(award, "points") == 0) continue;
    if (!award.value("voucher_id", "").empty() && Int(award, "points") == 0) continue;
    const std::string label = !award.value("voucher_id", "").empty()
                                  ? "voucher " + Text(award, "voucher_id")
                              : !award.value("campaign_id", "").empty() ? Text(award, "campaign_id")
                                                                        : Text(award, "kind");
    if (award.contains("held_out") && Bool(award, "held_out")) {
      held_out += (held_out.empty() ? "" : ", ") + label;
      continue;
    }
    if (const int64_t missing = award.value("budget_short", int64_t{0}); missing > 0) {
      short_of += (short_of.empty() ? "" : ", ") + label + " " + std::to_string(missing);
      continue;
    }
    given += (given.empty() ? "" : ", ") + std::to_string(Int(award, "points")) + " " + label;
  }
  if (!held_out.empty()) given += (given.empty() ? "" : " ") + ("(held out of " + held_out + ")");
  if (!short_of.empty()) {
    given += (given.empty() ? "" : " ") + ("(short of budget: " + short_of + ")");
  }
  return given;
}

// The campaigns' money off and which gave it: "-30.00 (member-day-off)";
// "" when none.
std::string MoneyOffText(const json& doc) {
  const int64_t off = doc.value("campaign_discount_minor", int64_t{0});
  if (off <= 0) return "";
  std::string by;
  for (const json& award : doc.value("awards", json::array())) {
    if (award.value("campaign_id", "").empty() || award.value("discount_minor", int64_t{0}) <= 0) {
      continue;
    }
    by += (by.empty() ? "" : ", ") + Text(award, "campaign_id");
  }
  return "-" + Money(off) + " (" + by + ")";
}

// The vouchers the sale's campaigns issued: "c-1a2b... (spend-300-get-30)";
// "" when none.
std::string IssuedText(const json& doc) {
  std::string issued;
  for (const json& award : doc.value("awards", json::array())) {
    const std::string id = award.value("issued_voucher_id", "");
    if (id.empty()) continue;
    issued += (issued.empty() ? "" : ", ") + id + " (" + Text(award, "campaign_id") + ")";
  }
  return issued;
}

// The campaigns that will issue a voucher on the quoted sale; "" when none.
std::string IssuesVoucherText(const json& doc) {
  std::string by;
  for (const json& award : doc.value("awards", json::array())) {
    if (!award.value("issues_voucher", false)) continue;
    by += (by.empty() ? "" : ", ") + Text(award, "campaign_id");
  }
  return by;
}

// `points`, followed by how they come about when the answer says.
std::string Itemised(int64_t points, const json& doc) {
  const std::string awards = Awards(points, doc);
  return awards.empty() ? Points(points) : Points(points) + " = " + awards;
}

void PrintSale(const json& s) {
  std::cout << "sale " << Text(s, "sale_ref")
            << (Bool(s, "replayed") ? " (replayed: already recorded, nothing changed)" : "")
            << "\n";
  Fields()
      .Add("member", Text(s, "member_id"))
      .Add("amount", Money(Int(s, "amount_minor")))
      .AddIf(!MoneyOffText(s).empty(), "campaigns", MoneyOffText(s))
      .AddIf(s.value("voucher_discount_minor", int64_t{0}) > 0, "vouchers",
             "-" + Money(s.value("voucher_discount_minor", int64_t{0})))
      .Add("redeemed", Redeemed(Int(s, "redeemed_points"), Int(s, "discount_minor")))
      .Add("paid", Money(Int(s, "paid_minor")))
      .Add("earned", Itemised(Int(s, "earned_points"), s))
      .Add("balance", Points(Int(s, "balance")))
      .AddIf(!IssuedText(s).empty(), "voucher issued", IssuedText(s))
      .Add("tier", Text(s, "tier"))
      .AddIf(!TierProgressText(s).empty(), "next tier", TierProgressText(s))
      .Print();
}

void PrintQuote(const json& q) {
  std::cout << "quote (nothing recorded)\n";
  Fields()
      .Add("member", Text(q, "member_id"))
      .Add("tier", Text(q, "tier") + " (earns " + Multiplier(Int(q, "earn_multiplier_bp")) + ")")
      .Add("points to earn", Itemised(Int(q, "points_to_earn"), q))
      .AddIf(!MoneyOffText(q).empty(), "campaigns", MoneyOffText(q))
      .AddIf(!IssuesVoucherText(q).empty(), "voucher to issue", IssuesVoucherText(q))
      .AddIf(q.value("voucher_discount_minor", int64_t{0}) > 0, "vouchers",
             "-" + Money(q.value("voucher_discount_minor", int64_t{0})))
      .Add("redeem", Redeemed(Int(q, "redeem_points"), Int(q, "discount_minor")))
      .Add("to pay", Money(Int(q, "paid_minor")))
      .Add("max redeemable", Points(Int(q, "max_redeemable")) + " (this sale's cap: " +
                                 Points(Int(q, "max_redeemable_by_cap")) + ")")
      .Add("balance", Points(Int(q, "balance")))
      .Add("redeemable here", Points(Int(q, "redeemable_here")))
      .AddIf(!ExpiringText(q, "expiring_soon").empty(), "expiring soon",
             ExpiringText(q, "expiring_soon"))
      .AddIf(!TierProgressText(q).empty(), "next tier", TierProgressText(q))
      .AddIf(!TierReviewText(q).empty(), "tier review", TierReviewText(q))
      .Print();
}

void AddSale(CLI::App& app, Cli& cli) {
  auto o = std::make_shared<BasketOptions>();
  CLI::App* sale = app.add_subcommand(
      "sale", "Check out a member's sale: earn points, optionally pay with points");
  sale->add_option("--ref", o->sale_ref,
                   "the POS receipt number; repeating a sale with the same --ref is safe "
                   "(it is recorded once)")
      ->required();
  AddBasketOptions(*sale, *o);
  OnChosen(*sale, cli, [&cli, o, sale] {
    Result<json> body = BasketBody(*sale, *o);
    if (!body.ok()) return UsageError(body.status().message());
    (*body)["sale_ref"] = o->sale_ref;
    return CallDaemon(cli.global, {"POST", "/v1/sales", *body}, PrintSale);
  });
}

void AddQuote(CLI::App& app, Cli& cli) {
  auto o = std::make_shared<BasketOptions>();
  CLI::App* quote = app.add_subcommand(
      "quote", "Preview a sale: points to earn, most points redeemable; records nothing");
  AddBasketOptions(*quote, *o);
  OnChosen(*quote, cli, [&cli, o, quote] {
    Result<json> body = BasketBody(*quote, *o);
    if (!body.ok()) return UsageError(body.status().message());
    return CallDaemon(cli.global, {"POST", "/v1/quote", *body}, PrintQuote);
  });
}

}  // namespace

void AddSaleCommands(CLI::App& app, Cli& cli) {
  AddSale(app, cli);
  AddQuote(app, cli);
}

}  // namespace patron::cli
