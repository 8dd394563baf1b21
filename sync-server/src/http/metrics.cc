#include "http/metrics.h"

#include <algorithm>

namespace patron::sync {
namespace {

std::string EscapeLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Milliseconds as decimal seconds ("12.345"), without floating point or locale.
std::string Seconds(int64_t ms) {
  std::string fraction = std::to_string(ms % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  return std::to_string(ms / 1000) + "." + fraction;
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void Sample(std::string& out, std::string_view name, int64_t value) {
  out.append(name).append(" ").append(std::to_string(value)).append("\n");
}

void Counter(std::string& out, std::string_view name, std::string_view help, int64_t value) {
  Header(out, name, "counter", help);
  Sample(out, name, value);
}

}  // namespace

std::string RenderMetrics(std::span<const EndpointRequests> requests, const SyncCounters& counters,
                          const SnapshotGauge& snapshot, const FoldGauge& fold,
                          const std::vector<TerminalRecord>& terminals, int64_t now_ms) {
  std::string out;
  Header(out, "patron_sync_requests_total", "counter",
         "HTTP requests answered by patron-sync, by endpoint.");
  for (const EndpointRequests& r : requests) {
    out.append("patron_sync_requests_total{endpoint=\"")
        .append(EscapeLabel(r.endpoint))
        .append("\"} ")
        .append(std::to_string(r.requests))
        .append("\n");
  }
  Counter(out, "patron_sync_entries_ingested_total",
          "Ledger entries pushed by terminals and inserted.", counters.entries_ingested.load());
  Counter(out, "patron_sync_entries_duplicate_total",
          "Pushed ledger entries the server already held with the same content (retries).",
          counters.entries_duplicate.load());
  Counter(out, "patron_sync_entries_conflict_total",
          "Pushed ledger entries whose id exists with different content (kept, never "
          "overwritten).",
          counters.entries_conflict.load());
  Counter(out, "patron_sync_profile_changes_total", "Member profile changes received in pushes.",
          counters.profile_changes.load());
  // The up-channel: records by outcome (labelled like requests_total).
  Header(out, "patron_sync_records_total", "counter",
         "Records pushed by terminals (sales, refunds, kinds to come), by outcome: filed (new, "
         "of a kind this server files), held (new, of a kind it does not know yet, kept whole), "
         "duplicate (a retry), conflict (same id, other content: kept), rejected.");
  for (const auto& [outcome, value] :
       {std::pair<std::string_view, int64_t>{"filed", counters.records_filed.load()},
        {"held", counters.records_held.load()},
        {"duplicate", counters.records_duplicate.load()},
        {"conflict", counters.records_conflict.load()},
        {"rejected", counters.records_rejected.load()}}) {
    out.append("patron_sync_records_total{outcome=\"")
        .append(outcome)
        .append("\"} ")
        .append(std::to_string(value))
        .append("\n");
  }
  Counter(out, "patron_sync_rights_statements_total",
          "Statements of a till's redemption rights sent after its journal restarted (a lost "
          "or restored database).",
          counters.rights_statements.load());
  Counter(out, "patron_sync_returns_claimed_total",
          "Returns of another store's sale counted online at head office.",
          counters.returns_claimed.load());
  Counter(out, "patron_sync_returns_matched_total",
          "Pending returns (made offline in another store) head office matched and reversed.",
          counters.returns_matched.load());
  Counter(out, "patron_sync_refunds_exceeding_total",
          "Refunds beyond what was left of their sale (refunds in several stores at once, one "
          "offline): the money went back twice; investigate.",
          counters.refunds_exceeding.load());
  Counter(out, "patron_sync_refunds_corrected_total",
          "Reverses whose points, with the other stores' reverses of the same entry, exceeded "
          "it: head office undid the excess.",
          counters.refunds_corrected.load());
  Counter(out, "patron_sync_campaign_awards_limited_total",
          "Campaign awards beyond their per-member limit, given by tills that could not see "
          "each other's: head office reversed them (reason campaign_limit).",
          counters.campaign_awards_limited.load());
  Counter(out, "patron_sync_vouchers_issued_total", "Vouchers head office issued.",
          counters.vouchers_issued.load());
  Counter(out, "patron_sync_expiry_entries_total",
          "Expire entries, and adjust entries giving back what was expired too much, head "
          "office wrote for members' points lots.",
          counters.expiry_entries.load());
  Counter(out, "patron_sync_points_expired_total", "Points head office expired.",
          counters.points_expired.load());
  Counter(out, "patron_sync_points_expiry_given_back_total",
          "Points expired too much (an earlier redemption or refund arrived after the expiry) "
          "and given back.",
          counters.points_expiry_given_back.load());
  Counter(out, "patron_sync_vouchers_claimed_total",
          "Vouchers head office handed to a till that claimed them for a sale.",
          counters.vouchers_claimed.load());
  Counter(out, "patron_sync_vouchers_used_total", "Vouchers a sale used.",
          counters.vouchers_used.load());
  Counter(out, "patron_sync_vouchers_misused_total",
          "Sales naming a voucher their till did not hold, or one used by another sale "
          "(security events, reason voucher_not_held): investigate.",
          counters.vouchers_misused.load());
  Counter(out, "patron_sync_exchanges_total", "Points exchanges tills reported, filed.",
          counters.exchanges_filed.load());
  Counter(out, "patron_sync_campaign_budget_granted_points_total",
          "Points of campaigns' budgets head office handed to tills as their shares.",
          counters.budget_granted.load());
  Counter(out, "patron_sync_reward_stock_granted_total",
          "Units of rewards' stock head office handed to tills as their shares.",
          counters.stock_granted.load());
  Counter(out, "patron_sync_exchanges_excess_total",
          "Exchanges beyond their till's share of the stock or the member's limit (security "
          "events reward_stock_exceeded, reward_limit_exceeded).",
          counters.exchanges_excess.load());
  Header(out, "patron_sync_entries_rejected_total", "counter",
         "Entries a till may not write, refused, by reason (GET /v1/admin/security-events).");
  for (size_t i = 0; i < kEntryRefusalCount; ++i) {
    out.append("patron_sync_entries_rejected_total{reason=\"")
        .append(EntryRefusalName(static_cast<EntryRefusal>(i)))
        .append("\"} ")
        .append(std::to_string(counters.entries_rejected[i].load()))
        .append("\n");
  }
  Counter(out, "patron_sync_snapshots_total",
          "Terminals that bootstrapped from the member snapshot.", counters.snapshots.load());
  Header(out, "patron_sync_snapshot_seq", "gauge",
         "Sequence of the member snapshot served to new terminals (0: none yet).");
  Sample(out, "patron_sync_snapshot_seq", snapshot.seq);
  Header(out, "patron_sync_snapshot_members", "gauge", "Member rows in the snapshot served.");
  Sample(out, "patron_sync_snapshot_members", snapshot.members);
  Header(out, "patron_sync_snapshot_bytes", "gauge", "Size of the snapshot file served.");
  Sample(out, "patron_sync_snapshot_bytes", snapshot.bytes);
  Counter(out, "patron_sync_folds_total",
          "Folds of pushed changes into member rows that moved the watermark.",
          counters.folds.load());
  Counter(out, "patron_sync_entries_folded_total", "Ledger entries folded into member rows.",
          counters.entries_folded.load());
  Counter(out, "patron_sync_entries_saturated_total",
          "Folded entries whose effect was clamped at the 64-bit limits (should stay 0).",
          counters.entries_saturated.load());
  Counter(out, "patron_sync_fold_skipped_total",
          "Queued profile changes the fold could not merge and skipped (should stay 0).",
          counters.fold_skipped.load());
  Header(out, "patron_sync_fold_seconds_total", "counter",
         "Seconds the fold has held the store's writer, folding.");
  out.append("patron_sync_fold_seconds_total ")
      .append(Seconds(counters.fold_us.load() / 1000))
      .append("\n");
  Header(out, "patron_sync_fold_seq", "gauge",
         "Sequence through which every change is folded into the member rows terminals pull.");
  Sample(out, "patron_sync_fold_seq", fold.folded_seq);
  Header(out, "patron_sync_fold_pending_seqs", "gauge",
         "Sequence numbers stored but not yet folded into member rows.");
  Sample(out, "patron_sync_fold_pending_seqs",
         std::max<int64_t>(fold.last_seq - fold.folded_seq, 0));
  Header(out, "patron_sync_fold_lag_seconds", "gauge",
         "Age of the oldest change not yet folded (0: none waiting).");
  out.append("patron_sync_fold_lag_seconds ").append(Seconds(fold.oldest_pending_ms)).append("\n");

  std::vector<const TerminalRecord*> seen;
  for (const TerminalRecord& t : terminals) {
    if (t.last_sync_ms) seen.push_back(&t);
  }
  std::sort(seen.begin(), seen.end(), [](const TerminalRecord* a, const TerminalRecord* b) {
    return a->terminal_id < b->terminal_id;
  });
  Header(out, "patron_sync_terminals", "gauge", "Registered terminals.");
  Sample(out, "patron_sync_terminals", static_cast<int64_t>(terminals.size()));
  Header(out, "patron_sync_terminals_seen", "gauge",
         "Registered terminals that have synced at least once.");
  Sample(out, "patron_sync_terminals_seen", static_cast<int64_t>(seen.size()));
  Header(out, "patron_sync_lag_seconds", "gauge",
         "Seconds since each terminal's last sync reached the server.");
  for (const TerminalRecord* t : seen) {
    out.append("patron_sync_lag_seconds{terminal=\"")
        .append(EscapeLabel(t->terminal_id))
        .append("\"} ")
        .append(Seconds(std::max<int64_t>(now_ms - *t->last_sync_ms, 0)))
        .append("\n");
  }
  return out;
}

std::string RenderAdminThrottleMetrics(int64_t failures, int64_t lockouts,
                                       int64_t locked_refusals) {
  std::string out;
  Counter(out, "patron_sync_admin_auth_failures_total",
          "Admin requests refused for a wrong admin token (or another scheme than Bearer).",
          failures);
  Counter(out, "patron_sync_admin_lockouts_total",
          "Lockouts begun after repeated wrong admin tokens, of one peer or of everyone.",
          lockouts);
  Counter(out, "patron_sync_admin_locked_refusals_total",
          "Admin requests answered 429 during a lockout.", locked_refusals);
  return out;
}

std::string RenderCaseMetrics(const CaseGauge& cases) {
  std::string out;
  Header(out, "patron_sync_cases_open", "gauge", "Complaint cases open, replied or on hold.");
  Sample(out, "patron_sync_cases_open", cases.open);
  Header(out, "patron_sync_cases_sla_breached", "gauge",
         "Complaint cases still being worked that are past an SLA, by timer.");
  out.append("patron_sync_cases_sla_breached{timer=\"first_response\"} ")
      .append(std::to_string(cases.first_response_breached))
      .append("\n");
  out.append("patron_sync_cases_sla_breached{timer=\"resolution\"} ")
      .append(std::to_string(cases.resolution_breached))
      .append("\n");
  return out;
}

}  // namespace patron::sync
