// patron-sync's GET /metrics body: the Prometheus text exposition format,
// version 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
// A pure function of figures gathered by the caller, so tests check the text
// without a server.
#ifndef PATRON_SYNC_SERVER_SRC_HTTP_METRICS_H_
#define PATRON_SYNC_SERVER_SRC_HTTP_METRICS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "patron/sync_server/server_store.h"
#include "patron/sync_server/sync_service.h"

namespace patron::sync {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4";

struct EndpointRequests {
  std::string_view endpoint;  // the label value: "push", "pull", ...
  int64_t requests = 0;
};

// Every metric with its # HELP and # TYPE lines:
//   patron_sync_requests_total{endpoint}        counter, from `requests`
//   patron_sync_entries_{ingested,duplicate,conflict}_total,
//   patron_sync_profile_changes_total           counters, from `counters`
//   patron_sync_snapshots_total                 counter, bootstraps from a snapshot
//   patron_sync_snapshot_{seq,members,bytes}    gauges, the member snapshot served
//   patron_sync_folds_total, patron_sync_entries_{folded,saturated}_total,
//   patron_sync_fold_{skipped,seconds}_total    counters, the background fold
//   patron_sync_fold_seq                        gauge, the fold's watermark
//   patron_sync_fold_pending_seqs               gauge, sequence numbers not yet folded
//   patron_sync_fold_lag_seconds                gauge, age of the oldest of them
//   patron_sync_terminals                        gauge, registered terminals
//   patron_sync_terminals_seen                   gauge, those that pushed at least once
//   patron_sync_lag_seconds{terminal}            gauge, now - last_sync_ms (never below 0),
//                                                for each terminal seen
// Label values are escaped as the format requires (\\, \", \n).
std::string RenderMetrics(std::span<const EndpointRequests> requests, const SyncCounters& counters,
                          const SnapshotGauge& snapshot, const FoldGauge& fold,
                          const std::vector<TerminalRecord>& terminals, int64_t now_ms);

// The admin token's throttle (credential_throttle.h), appended to the above:
//   patron_sync_admin_auth_failures_total        counter, wrong admin tokens
//   patron_sync_admin_lockouts_total             counter, lockouts begun
//   patron_sync_admin_locked_refusals_total      counter, 429s during lockouts
std::string RenderAdminThrottleMetrics(int64_t failures, int64_t lockouts,
                                       int64_t locked_refusals);

// Complaint cases (SyncService::CaseState), appended to the above:
//   patron_sync_cases_open                       gauge, open, replied or on hold
//   patron_sync_cases_sla_breached{timer}        gauge, of those past the SLA of
//                                                timer "first_response" or "resolution"
std::string RenderCaseMetrics(const CaseGauge& cases);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_HTTP_METRICS_H_
