#include "api/metrics.h"

#include <cstdint>
#include <string_view>

namespace patron::terminal {
namespace {

void Gauge(std::string& out, std::string_view name, std::string_view help, int64_t value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" gauge\n");
  out.append(name).append(" ").append(std::to_string(value)).append("\n");
}

}  // namespace

std::string EncodeMetrics(const TerminalStatus& s, const SyncInfo& sync) {
  std::string out;
  Gauge(out, "patrond_members", "Members in this terminal's replica.", s.member_count);
  Gauge(out, "patrond_pending_entries", "Journal entries not yet acknowledged by head office.",
        s.pending_entries);
  Gauge(out, "patrond_pending_profile_changes",
        "Member profile changes not yet acknowledged by head office.",
        s.pending_profile_changes);
  Gauge(out, "patrond_pending_records",
        "Records for head office (sales with their lines, refunds) not yet answered.",
        s.pending_records);
  Gauge(out, "patrond_refused_records",
        "Records head office refused or holds with other content (not sent again).",
        s.refused_records);
  Gauge(out, "patrond_refused_entries",
        "Journal entries head office refused as something a till may not write (they count in "
        "no balance; see head office's security log).",
        s.refused_entries);
  Gauge(out, "patrond_upgrade_needed",
        "1 when the sync stream carried things this build does not understand (see "
        "GET /v1/status upgrade_notes).",
        s.upgrade_needed ? 1 : 0);
  Gauge(out, "patrond_rules_version", "Version of the rules in force.", s.rules_version);
  Gauge(out, "patrond_pack_base_only",
        "1 when the rule pack in force is past its valid_until: base points only until a newer "
        "pack arrives.",
        s.pack_base_only ? 1 : 0);
  Gauge(out, "patrond_cursor_seq", "Last head-office sequence applied here.", s.cursor_seq);
  Gauge(out, "patrond_sync_online", "1 when the last sync round reached head office.",
        sync.online ? 1 : 0);
  if (sync.lag_ms) {
    Gauge(out, "patrond_sync_lag_seconds", "Seconds since the last successful sync round.",
          *sync.lag_ms / 1000);
  }
  return out;
}

}  // namespace patron::terminal
