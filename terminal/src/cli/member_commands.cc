// patron member add | find | show | update: enrolment and profiles
// (POST /v1/members, GET /v1/members?phone|card=, GET and PATCH /v1/members/ID).
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "cli/commands.h"
#include "cli/daemon_client.h"
#include "cli/format.h"

namespace patron::cli {
namespace {

using nlohmann::json;

void PrintMember(const json& m) {
  Fields()
      .Add("member_id", Text(m, "member_id"))
      .Add("name", Text(m, "name"))
      .Add("phone", Text(m, "phone"))
      .Add("card", Text(m, "card"))
      .Add("email", Text(m, "email"))
      .Add("birthday", Text(m, "birthday"))
      .Add("gender", Text(m, "gender"))
      .Add("consent",
           "sms " + YesNo(Bool(m, "sms_consent")) + ", email " + YesNo(Bool(m, "email_consent")))
      .Add("status", Text(m, "status"))
      .Add("tier", Text(m, "tier"))
      .Add("balance", Points(Int(m, "balance")))
      .Add("redeemable here", Points(Int(m, "redeemable_here")))
      .AddIf(!ExpiringText(m, "expiring").empty(), "expiring", ExpiringText(m, "expiring"))
      .AddIf(m.value("pending_points", int64_t{0}) > 0, "pending",
             Points(m.value("pending_points", int64_t{0})) + " (not spendable yet)")
      .Add("qualifying spend", Money(Int(m, "qualifying_spend_minor")))
      .AddIf(!TierProgressText(m).empty(), "next tier", TierProgressText(m))
      .AddIf(m.value("tier_held_until_ms", int64_t{0}) > 0, "tier held until",
             UtcTime(m.value("tier_held_until_ms", int64_t{0})))
      .AddIf(!TierReviewText(m).empty(), "tier review", TierReviewText(m))
      .Add("enrolled", UtcTime(Int(m, "enrolled_ms")) + " at store " + Text(m, "enrolled_store"))
      .Print();
}

std::string MemberPath(const std::string& member_id) {
  return "/v1/members/" + PercentEncode(member_id);
}

struct AddOptions {
  std::string name, phone, card, email, birthday, gender;
  bool sms_consent = false;
  bool email_consent = false;
};

void AddEnrol(CLI::App& member, Cli& cli) {
  auto o = std::make_shared<AddOptions>();
  CLI::App* add = member.add_subcommand(
      "add", "Enrol a customer. Enrolling a known phone or card shows the existing member.");
  add->add_option("--name", o->name, "the member's name")->required();
  CLI::Option_group* id = add->add_option_group("identity", "at least one of");
  id->add_option("--phone", o->phone,
                 "phone number as typed; without +, the daemon's country code applies");
  id->add_option("--card", o->card, "loyalty card number");
  id->require_option();
  add->add_option("--email", o->email, "e-mail address");
  add->add_option("--birthday", o->birthday, "YYYY-MM-DD");
  add->add_option("--gender", o->gender, "female, male, other or undisclosed");
  add->add_flag("--sms-consent", o->sms_consent, "the member agrees to marketing by SMS");
  add->add_flag("--email-consent", o->email_consent, "the member agrees to marketing by e-mail");
  OnChosen(*add, cli, [&cli, o, add] {
    json body = {
        {"name", o->name}, {"sms_consent", o->sms_consent}, {"email_consent", o->email_consent}};
    if (add->count("--phone") > 0) body["phone"] = o->phone;
    if (add->count("--card") > 0) body["card"] = o->card;
    if (add->count("--email") > 0) body["email"] = o->email;
    if (add->count("--birthday") > 0) body["birthday"] = o->birthday;
    if (add->count("--gender") > 0) body["gender"] = o->gender;
    return CallDaemon(cli.global, {"POST", "/v1/members", body}, [](const json& m) {
      std::cout << (Bool(m, "created") ? "enrolled" : "already enrolled (nothing changed)") << "\n";
      PrintMember(m);
    });
  });
}

void AddFind(CLI::App& member, Cli& cli) {
  auto phone = std::make_shared<std::string>();
  auto card = std::make_shared<std::string>();
  CLI::App* find = member.add_subcommand("find", "Look a member up by phone or card");
  CLI::Option_group* by = find->add_option_group("lookup", "exactly one of");
  by->add_option("--phone", *phone, "phone number, in any spelling the daemon normalises");
  by->add_option("--card", *card, "loyalty card number");
  by->require_option(1);
  OnChosen(*find, cli, [&cli, phone, card, find] {
    const std::string query = find->count("--phone") > 0 ? "phone=" + PercentEncode(*phone)
                                                         : "card=" + PercentEncode(*card);
    return CallDaemon(cli.global, {"GET", "/v1/members?" + query, nullptr}, PrintMember);
  });
}

void AddShow(CLI::App& member, Cli& cli) {
  auto member_id = std::make_shared<std::string>();
  CLI::App* show = member.add_subcommand("show", "Show a member, balance and tier included");
  show->add_option("MEMBER_ID", *member_id, "the member's id")->required();
  OnChosen(*show, cli, [&cli, member_id] {
    return CallDaemon(cli.global, {"GET", MemberPath(*member_id), nullptr}, PrintMember);
  });
}

struct UpdateOptions {
  std::string member_id, name, email, birthday, gender;
  bool sms_consent = false;
  bool email_consent = false;
};

void AddUpdate(CLI::App& member, Cli& cli) {
  auto o = std::make_shared<UpdateOptions>();
  CLI::App* update = member.add_subcommand(
      "update", "Change a member's profile or consent; what is not given stays as it is");
  update->add_option("MEMBER_ID", o->member_id, "the member's id")->required();
  update->add_option("--name", o->name, "new name");
  // Each clearable field: a value, or --clear-X to remove it.
  struct Clearable {
    const char* field;
    std::string* value;
    const char* help;
  };
  for (const Clearable& c :
       {Clearable{"email", &o->email, "new e-mail address"},
        Clearable{"birthday", &o->birthday, "new birthday, YYYY-MM-DD"},
        Clearable{"gender", &o->gender, "female, male, other or undisclosed"}}) {
    const std::string name = c.field;
    CLI::Option* set = update->add_option("--" + name, *c.value, c.help);
    update->add_flag("--clear-" + name)->description("remove the " + name)->excludes(set);
  }
  update->add_option("--sms-consent", o->sms_consent, "marketing by SMS allowed")
      ->type_name("true|false");
  update->add_option("--email-consent", o->email_consent, "marketing by e-mail allowed")
      ->type_name("true|false");
  OnChosen(*update, cli, [&cli, o, update] {
    json body = json::object();
    if (update->count("--name") > 0) body["name"] = o->name;
    for (const auto& [field, value] : {std::pair<std::string, std::string*>{"email", &o->email},
                                       {"birthday", &o->birthday},
                                       {"gender", &o->gender}}) {
      if (update->count("--" + field) > 0) body[field] = *value;
      if (update->count("--clear-" + field) > 0) body[field] = nullptr;
    }
    if (update->count("--sms-consent") > 0) body["sms_consent"] = o->sms_consent;
    if (update->count("--email-consent") > 0) body["email_consent"] = o->email_consent;
    if (body.empty()) return UsageError("nothing to update: give at least one field to change");
    return CallDaemon(cli.global, {"PATCH", MemberPath(o->member_id), body}, [](const json& m) {
      std::cout << "updated\n";
      PrintMember(m);
    });
  });
}

}  // namespace

void AddMemberCommands(CLI::App& app, Cli& cli) {
  CLI::App* member = app.add_subcommand("member", "Enrol, look up and update members");
  member->require_subcommand(1);
  AddEnrol(*member, cli);
  AddFind(*member, cli);
  AddShow(*member, cli);
  AddUpdate(*member, cli);
}

}  // namespace patron::cli
