// patron status and patron sync: the terminal's state (GET /v1/status) and
// a sync round now (POST /v1/sync).
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/format.h"

namespace patron::cli {
namespace {

using nlohmann::json;

std::string SyncState(const json& sync) {
  if (!Bool(sync, "configured")) return "not configured (offline only)";
  return Text(sync, "server");
}

void PrintStatus(const json& s) {
  const json& sync = s.at("sync");
  const json& cursor = s.at("cursor");
  const json& last_sync = s.at("last_sync_ms");
  Fields fields;
  fields.Add("terminal", Text(s, "terminal_id") + " (store " + Text(s, "store_id") + ")")
      .Add("members", std::to_string(Int(s, "member_count")))
      .Add("pending entries", std::to_string(Int(s, "pending_entries")))
      .Add("pending profile changes", std::to_string(Int(s, "pending_profile_changes")))
      .Add("sync server", SyncState(sync))
      .Add("online", YesNo(Bool(s, "online")))
      .Add("last sync", last_sync.is_null() ? "never" : UtcTime(last_sync.get<int64_t>()));
  if (Text(sync, "last_error") != "-") fields.Add("last sync error", Text(sync, "last_error"));
  fields.Add("cursor", Text(cursor, "epoch") + "/" + std::to_string(Int(cursor, "seq")))
      .Add("rules version", std::to_string(Int(s, "rules_version")))
      .Add("chain key", Text(s, "chain_key_fingerprint"))
      .Print();
}

// The sync summary's shape belongs to the sync side; show whatever it holds.
void PrintSync(const json& summary) {
  std::cout << "sync done\n";
  if (!summary.is_object()) return;
  Fields fields;
  for (const auto& [key, value] : summary.items()) fields.Add(key, Text(summary, key));
  fields.Print();
}

}  // namespace

void AddAdminCommands(CLI::App& app, Cli& cli) {
  CLI::App* status = app.add_subcommand(
      "status", "The terminal's state: ids, members, entries waiting to sync, last sync");
  OnChosen(*status, cli, [&cli] {
    return CallDaemon(cli.global, {"GET", "/v1/status", nullptr}, PrintStatus);
  });
  CLI::App* sync = app.add_subcommand(
      "sync", "Sync with the server now instead of waiting for the background loop");
  OnChosen(*sync, cli, [&cli] {
    return CallDaemon(cli.global, {"POST", "/v1/sync", nullptr}, PrintSync);
  });
}

}  // namespace patron::cli
