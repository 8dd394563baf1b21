// patron history: a member's point history, newest first, a page at a time
// (GET /v1/members/ID/entries?limit=&before=).
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/daemon_client.h"
#include "cli/format.h"

namespace patron::cli {
namespace {

using nlohmann::json;

struct HistoryOptions {
  std::string member_id;
  int limit = 20;
  int64_t before = 0;
};

std::string SignedPoints(int64_t points) {
  return points > 0 ? "+" + std::to_string(points) : std::to_string(points);
}

void PrintHistory(const json& page, const std::string& member_id) {
  const json& entries = page.at("entries");
  if (entries.empty()) {
    std::cout << "no entries\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const json& e : entries) {
      rows.push_back({UtcTime(Int(e, "wall_ms")), Text(e, "kind"), SignedPoints(Int(e, "points")),
                      Text(e, "sale_ref"), Text(e, "entry_id")});
    }
    PrintTable({"TIME (UTC)", "KIND", "POINTS", "SALE", "ENTRY"}, rows, {2});
  }
  const json& next = page.at("next_before");
  if (!next.is_null()) {
    // The cursor is opaque to the operator; show the exact next command.
    std::cout << "more: patron history " << member_id << " --before " << next.get<int64_t>()
              << "\n";
  }
}

}  // namespace

void AddHistoryCommand(CLI::App& app, Cli& cli) {
  auto o = std::make_shared<HistoryOptions>();
  CLI::App* history =
      app.add_subcommand("history", "A member's point history, newest first, a page at a time");
  history->add_option("MEMBER_ID", o->member_id, "the member's id")->required();
  history->add_option("--limit", o->limit, "entries per page")
      ->check(CLI::Range(1, 500))
      ->capture_default_str();
  history->add_option("--before", o->before, "cursor printed by the previous page (\"more:\")")
      ->check(CLI::Range(int64_t{1}, std::numeric_limits<int64_t>::max()));
  OnChosen(*history, cli, [&cli, o, history] {
    std::string target =
        "/v1/members/" + PercentEncode(o->member_id) + "/entries?limit=" + std::to_string(o->limit);
    if (history->count("--before") > 0) target += "&before=" + std::to_string(o->before);
    return CallDaemon(cli.global, {"GET", target, nullptr},
                      [o](const json& page) { PrintHistory(page, o->member_id); });
  });
}

}  // namespace patron::cli
