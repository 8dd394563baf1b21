// patron-packs: head office's command line for rule packs (DESIGN.md §9).
//
//   patron-packs validate PACK.json
//   patron-packs diff     PACK.json   --server URL --admin-token-file F
//   patron-packs publish  PACK.json   --server URL --admin-token-file F
//   patron-packs list                 --server URL --admin-token-file F
//   patron-packs dry-run  SALE.json   --server URL --admin-token-file F [--pack PACK.json]
//
// validate needs no server: it runs the same checks head office runs. The
// others call patron-sync's /v1/admin/packs endpoints. Exit status: 0 done,
// 1 refused or failed (the reason on stderr), 2 bad usage.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/format.h"
#include "patron/http/client.h"
#include "patron/private_files.h"
#include "patron/rules_codec.h"

namespace {

using namespace patron;
using nlohmann::json;

struct ServerOptions {
  std::string url = "http://127.0.0.1:7430";
  std::string admin_token_file;
  std::string ca_file;
};

int Fail(const Status& status) {
  std::cerr << "patron-packs: " << status.message();
  if (!status.reason().empty()) std::cerr << " (" << status.reason() << ")";
  std::cerr << "\n";
  return 1;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read " + path, "unreadable_file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<Rules> ReadPack(const std::string& path) {
  PATRON_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  Result<Rules> pack = DecodeRules(text);
  if (!pack.ok()) {
    return Status::InvalidArgument(path + ": " + pack.status().message(), pack.status().reason());
  }
  return pack;
}

// One admin request; a non-2xx answer becomes its error.
Result<json> Call(const ServerOptions& options, std::string_view method, std::string_view target,
                  std::string_view body = {}) {
  PATRON_ASSIGN_OR_RETURN(ServerUrl url, ParseServerUrl(options.url));
  std::string token;
  if (!options.admin_token_file.empty()) {
    std::vector<std::string> warnings;
    PATRON_ASSIGN_OR_RETURN(token, ReadSecretFile(options.admin_token_file, warnings));
    for (const std::string& warning : warnings) std::cerr << "patron-packs: " << warning << "\n";
  } else if (const char* env = std::getenv("PATRON_ADMIN_TOKEN"); env != nullptr) {
    token = env;
  } else {
    return Status::InvalidArgument(
        "give the admin token (--admin-token-file or PATRON_ADMIN_TOKEN)", "admin_token_required");
  }
  const std::chrono::seconds timeout(30);
  HttpClient client = url.https ? HttpClient(url.endpoint, timeout, TlsClientFiles{options.ca_file})
                                : HttpClient(url.endpoint, timeout);
  PATRON_ASSIGN_OR_RETURN(
      HttpResponse response,
      client.Send(method, target, body, {{"Authorization", "Bearer " + token}}));
  json reply = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (response.status / 100 != 2) {
    const json& error = reply.is_object() && reply.contains("error") ? reply["error"] : json();
    const std::string message =
        error.is_object() ? error.value("message", "") : "HTTP " + std::to_string(response.status);
    return Status::FailedPrecondition(message,
                                      error.is_object() ? error.value("code", "") : "http_error");
  }
  if (!reply.is_object()) {
    return Status::Unavailable(options.url + " answered " + std::to_string(response.status) +
                               " with something other than a JSON object");
  }
  return reply;
}

// The pack's summary; `state` as head office lists it ("" when unpublished).
void PrintPack(const Rules& pack, const std::string& state) {
  cli::Fields fields;
  fields.Add("version", std::to_string(pack.version));
  if (!pack.name.empty()) fields.Add("name", pack.name);
  if (!state.empty()) fields.Add("state", state);
  fields.Add("activate at", pack.activate_at.empty() ? "at once" : pack.activate_at);
  fields.Add("valid until", pack.valid_until.empty() ? "no end" : pack.valid_until);
  std::string campaigns;
  for (const Campaign& campaign : pack.campaigns) {
    campaigns += (campaigns.empty() ? "" : ", ") + campaign.id;
  }
  fields.Add("campaigns", campaigns.empty() ? "none" : campaigns);
  std::string rewards;
  for (const Reward& reward : pack.rewards) {
    rewards += (rewards.empty() ? "" : ", ") + reward.id + " (" + std::to_string(reward.points) +
               " points)";
  }
  fields.Add("rewards", rewards.empty() ? "none" : rewards);
  fields.Print();
}

// The pack's list `list` ("campaigns", "rewards") by each one's id.
std::map<std::string, json> ById(const json& pack, const char* list) {
  std::map<std::string, json> by_id;
  for (const json& item : pack.value(list, json::array())) by_id[item.value("id", "")] = item;
  return by_id;
}

// "field: before -> after" for each top-level field of two objects that
// differs ("(none)" for an absent one), `prefix` before each line.
void DiffFields(const json& from, const json& to, const std::string& prefix,
                std::vector<std::string>& lines) {
  std::map<std::string, std::pair<json, json>> fields;
  for (const auto& [key, value] : from.items()) fields[key].first = value;
  for (const auto& [key, value] : to.items()) fields[key].second = value;
  for (const auto& [key, values] : fields) {
    if (key == "campaigns" || key == "rewards" || values.first == values.second) continue;
    const auto shown = [](const json& value) {
      return value.is_null() ? std::string("(none)") : value.dump();
    };
    lines.push_back(prefix + key + ": " + shown(values.first) + " -> " + shown(values.second));
  }
}

// What `to` changes of `from`, one line per field; campaigns and rewards
// by id.
std::vector<std::string> DiffPacks(const json& from, const json& to) {
  std::vector<std::string> lines;
  DiffFields(from, to, "", lines);
  for (const auto& [list, what] : {std::pair{"campaigns", "campaign "}, {"rewards", "reward "}}) {
    const std::map<std::string, json> before = ById(from, list);
    const std::map<std::string, json> after = ById(to, list);
    for (const auto& [id, item] : before) {
      if (!after.contains(id)) lines.push_back(what + id + ": removed");
    }
    for (const auto& [id, item] : after) {
      const auto old = before.find(id);
      if (old == before.end()) {
        lines.push_back(what + id + ": added");
      } else {
        DiffFields(old->second, item, what + id + " ", lines);
      }
    }
  }
  return lines;
}

int Validate(const std::string& path) {
  Result<Rules> pack = ReadPack(path);
  if (!pack.ok()) return Fail(pack.status());
  std::cout << path << ": a valid rule pack\n";
  PrintPack(*pack, "");
  return 0;
}

int Diff(const std::string& path, const ServerOptions& server) {
  Result<Rules> pack = ReadPack(path);
  if (!pack.ok()) return Fail(pack.status());
  Result<json> listed = Call(server, "GET", "/v1/admin/packs");
  if (!listed.ok()) return Fail(listed.status());
  json active = json::parse(EncodeRules(DefaultRules()));
  std::string against = "the default rules (no published pack is in force)";
  for (const json& entry : (*listed)["packs"]) {
    if (entry["state"] == "active") {
      active = entry["pack"];
      against = "active pack " + std::to_string(entry["version"].get<int64_t>());
    }
  }
  const std::vector<std::string> lines = DiffPacks(active, json::parse(EncodeRules(*pack)));
  std::cout << path << " against " << against << ":\n";
  if (lines.empty()) std::cout << "  no change\n";
  for (const std::string& line : lines) std::cout << "  " << line << "\n";
  return 0;
}

int Publish(const std::string& path, const ServerOptions& server) {
  Result<Rules> pack = ReadPack(path);
  if (!pack.ok()) return Fail(pack.status());
  Result<json> published = Call(server, "POST", "/v1/admin/packs", EncodeRules(*pack));
  if (!published.ok()) return Fail(published.status());
  std::cout << "published\n";
  PrintPack(*pack, (*published).value("state", ""));
  return 0;
}

int List(const ServerOptions& server) {
  Result<json> listed = Call(server, "GET", "/v1/admin/packs");
  if (!listed.ok()) return Fail(listed.status());
  std::vector<std::vector<std::string>> rows;
  for (const json& entry : (*listed)["packs"]) {
    rows.push_back({std::to_string(entry["version"].get<int64_t>()), cli::Text(entry, "state"),
                    cli::Text(entry, "activate_at"), cli::Text(entry, "valid_until"),
                    std::to_string(entry["campaigns"].size()), cli::Text(entry, "name")});
  }
  if (rows.empty()) std::cout << "no pack published: tills use the default rules\n";
  if (!rows.empty()) {
    cli::PrintTable({"version", "state", "activate at", "valid until", "campaigns", "name"}, rows,
                    {0, 4});
  }
  return 0;
}

int DryRun(const std::string& path, const std::string& pack_path, const ServerOptions& server) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return Fail(text.status());
  json request = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!request.is_object()) return Fail(Status::InvalidArgument(path + " is not a JSON object"));
  if (!pack_path.empty()) {
    Result<Rules> pack = ReadPack(pack_path);
    if (!pack.ok()) return Fail(pack.status());
    request["pack"] = json::parse(EncodeRules(*pack));
  }
  Result<json> award = Call(server, "POST", "/v1/admin/packs/dry-run", request.dump());
  if (!award.ok()) return Fail(award.status());
  const json& member = (*award)["member"];
  cli::Fields()
      .Add("pack", std::to_string((*award)["pack_version"].get<int64_t>()) +
                       ((*award)["base_only"].get<bool>() ? " (past valid_until: base only)" : ""))
      .Add("at", cli::Text(*award, "at"))
      .Add("member", cli::Text(member, "member_id") + ", " + cli::Text(member, "tier") +
                         (member["known"].get<bool>() ? "" : " (not held at head office)"))
      .Print();
  std::vector<std::vector<std::string>> rows;
  for (const json& line : (*award)["awards"]) {
    const int64_t short_of = line.value("budget_short", int64_t{0});
    const int64_t off = line.value("discount_minor", int64_t{0});
    const std::string points = line.value("held_out", false) ? "held out (control group)"
                               : short_of > 0
                                   ? "0 (budget left short of " + std::to_string(short_of) + ")"
                               : off > 0 ? "money off " + cli::Money(off)
                                         : std::to_string(line["points"].get<int64_t>());
    rows.push_back({cli::Text(line, "kind"), line.value("campaign_id", ""), points});
  }
  const int64_t money_off = award->value("discount_minor", int64_t{0});
  rows.push_back({"total", "",
                  std::to_string((*award)["points"].get<int64_t>()) +
                      (money_off > 0 ? ", money off " + cli::Money(money_off) : "")});
  cli::PrintTable({"award", "campaign", "points"}, rows, {2});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"patron-packs: validate, compare, publish and try out rule packs"};
  app.require_subcommand(1);
  ServerOptions server;
  auto add_server = [&server](CLI::App* command) {
    command->add_option("--server", server.url, "patron-sync's URL")->capture_default_str();
    command->add_option("--admin-token-file", server.admin_token_file,
                        "file holding the admin token (else PATRON_ADMIN_TOKEN)");
    command->add_option("--ca-file", server.ca_file, "CA certificate of an https server");
  };
  std::string pack_path;
  std::string sale_path;
  std::string draft_path;
  CLI::App* validate = app.add_subcommand("validate", "check a pack file as head office would");
  validate->add_option("pack", pack_path, "the pack (JSON)")->required();
  CLI::App* diff = app.add_subcommand("diff", "what a pack file changes of the active pack");
  diff->add_option("pack", pack_path, "the pack (JSON)")->required();
  add_server(diff);
  CLI::App* publish = app.add_subcommand("publish", "publish a pack to every till");
  publish->add_option("pack", pack_path, "the pack (JSON)")->required();
  add_server(publish);
  CLI::App* list = app.add_subcommand("list", "every published pack and its state");
  add_server(list);
  CLI::App* dry_run = app.add_subcommand("dry-run", "the itemised award of a sale");
  dry_run->add_option("sale", sale_path, "the dry-run request (JSON: member, basket, at)")
      ->required();
  dry_run->add_option("--pack", draft_path, "evaluate this draft instead of a published pack");
  add_server(dry_run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (validate->parsed()) return Validate(pack_path);
  if (diff->parsed()) return Diff(pack_path, server);
  if (publish->parsed()) return Publish(pack_path, server);
  if (list->parsed()) return List(server);
  return DryRun(sale_path, draft_path, server);
}
