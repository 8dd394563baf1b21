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

// The journal's numbering, loudly when it restarted: a till whose database
// was lost or rolled back goes on above what head office holds.
void AddJournal(const json& s, Fields& fields) {
  fields.Add("journal", Bool(s, "journal_confirmed")
                            ? "at entry " + std::to_string(Int(s, "journal_seq"))
                            : "new database: waiting for head office's journal mark");
  if (const json& restart = s.at("journal_restart"); !restart.is_null()) {
    fields.Add("journal restarted",
               UtcTime(Int(restart, "at_ms")) + ": this database stood at entry " +
                   std::to_string(Int(restart, "from_seq")) + ", head office held up to " +
                   std::to_string(Int(restart, "head_office_high_seq")) +
                   "; it went on above (the database was lost, replaced or rolled back)");
  }
  if (const json& incarnation = s.at("journal_incarnation"); !incarnation.is_null()) {
    fields.Add("journal incarnation",
               UtcTime(Int(incarnation, "at_ms")) + ": a new database that could not reach " +
                   "head office numbers its entries from " +
                   std::to_string(Int(incarnation, "first_seq")));
  }
  if (Bool(s, "rights_statement_due")) {
    fields.Add("redemption rights",
               "waiting for head office's count after the restart (none handed back till then)");
  } else if (const json& at = s.at("rights_statement_ms"); !at.is_null()) {
    fields.Add("redemption rights", "head office's count since " + UtcTime(at.get<int64_t>()));
  }
}

// "3 春季 spring, next 4 at 2027-01-01T00:00:00+08:00", loudly past valid_until.
std::string PackLine(const json& s) {
  // An older patrond reports only the version.
  if (!s.contains("pack")) return std::to_string(Int(s, "rules_version"));
  const json& pack = s.at("pack");
  std::string line = std::to_string(Int(pack, "version"));
  if (Text(pack, "name") != "-") line += " " + Text(pack, "name");
  if (Bool(pack, "base_only")) {
    line += " (past its valid_until " + Text(pack, "valid_until") +
            ": base points only until head office's newer pack arrives)";
  }
  if (const json& next = pack.at("next"); !next.is_null()) {
    line += ", next " + std::to_string(Int(next, "version")) + " at " + Text(next, "activate_at");
  }
  return line;
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
  AddJournal(s, fields);
  if (Int(s, "refused_entries") > 0) {
    fields.Add("refused entries", std::to_string(Int(s, "refused_entries")) +
                                      " (head office refused them: see its security log)");
  }
  if (Int(s, "refused_records") > 0) {
    fields.Add("refused records", std::to_string(Int(s, "refused_records")));
  }
  if (Bool(s, "upgrade_needed")) fields.Add("upgrade needed", "yes: upgrade this terminal");
  fields.Add("cursor", Text(cursor, "epoch") + "/" + std::to_string(Int(cursor, "seq")))
      .Add("rule pack", PackLine(s))
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
