// GET /metrics and the Prometheus text it renders.
#include "http/metrics.h"

#include <doctest/doctest.h>

#include "api_fixture.h"
#include "patron/sync/codec.h"

namespace patron::sync {
namespace {

TEST_CASE("metrics expose the counters, terminals and per-terminal lag") {
  ApiFixture f;
  const std::string t1 = f.Register("S001-T01", "S001");
  f.Register("S002-T01", "S002");
  PushRequest push = f.NewPush("S001-T01");
  push.entries = {f.Earn("S001-T01", "S001", 1, f.ann, 10),
                  f.Earn("S001-T01", "S001", 2, f.ann, 5)};
  push.profile_changes = {
      {1, f.ann, "name", "\"Ann\"", HlcTimestamp::FromParts(kApiNowMs, 0), "S001-T01"}};
  REQUIRE(f.Call("POST", "/v1/push", EncodePushRequest(push), t1).status == 200);
  push.profile_changes.clear();
  REQUIRE(f.Call("POST", "/v1/push", EncodePushRequest(push), t1).status == 200);
  push.entries = {f.Earn("S001-T01", "S001", 1, f.ann, 99)};
  REQUIRE(f.Call("POST", "/v1/push", EncodePushRequest(push), t1).status == 200);
  f.now_ms += 12'500;

  HttpResponse metrics = f.Call("GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.content_type == "text/plain; version=0.0.4");
  const std::string& text = metrics.body;
  for (const char* name :
       {"patron_sync_requests_total", "patron_sync_entries_ingested_total",
        "patron_sync_entries_duplicate_total", "patron_sync_entries_conflict_total",
        "patron_sync_profile_changes_total", "patron_sync_terminals", "patron_sync_terminals_seen",
        "patron_sync_lag_seconds"}) {
    CAPTURE(name);
    CHECK(text.find("# HELP " + std::string(name) + " ") != std::string::npos);
    CHECK(text.find("# TYPE " + std::string(name) + " ") != std::string::npos);
  }
  CHECK(text.find("\npatron_sync_requests_total{endpoint=\"push\"} 3\n") != std::string::npos);
  CHECK(text.find("\npatron_sync_requests_total{endpoint=\"register_terminal\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("\npatron_sync_entries_ingested_total 2\n") != std::string::npos);
  CHECK(text.find("\npatron_sync_entries_duplicate_total 2\n") != std::string::npos);
  CHECK(text.find("\npatron_sync_entries_conflict_total 1\n") != std::string::npos);
  CHECK(text.find("\npatron_sync_profile_changes_total 1\n") != std::string::npos);
  CHECK(text.find("\npatron_sync_terminals 2\n") != std::string::npos);
  CHECK(text.find("\npatron_sync_terminals_seen 1\n") != std::string::npos);
  CHECK(text.find("\npatron_sync_lag_seconds{terminal=\"S001-T01\"} 12.500\n") !=
        std::string::npos);
  CHECK(text.find("S002-T01") == std::string::npos);  // never synced: no lag yet
  CHECK(text.back() == '\n');
}

TEST_CASE("metric label values are escaped and lag never goes negative") {
  SyncCounters counters;
  TerminalRecord odd;
  odd.terminal_id = "T\"1\\x";
  odd.last_sync_ms = 2'000;
  const EndpointRequests requests[] = {{"push", 7}};
  const std::string text = RenderMetrics(requests, counters, {}, {}, {odd}, 1'000);
  CHECK(text.find("patron_sync_lag_seconds{terminal=\"T\\\"1\\\\x\"} 0.000\n") !=
        std::string::npos);
  CHECK(text.find("patron_sync_requests_total{endpoint=\"push\"} 7\n") != std::string::npos);
}

TEST_CASE("metrics show the fold: its counters, watermark, backlog and lag") {
  SyncCounters counters;
  counters.folds = 3;
  counters.entries_folded = 12'000;
  counters.fold_us = 2'500'000;
  const FoldGauge fold{/*folded_seq=*/100, /*last_seq=*/175, /*oldest_pending_ms=*/1'250};
  const std::string text = RenderMetrics({}, counters, {}, fold, {}, 0);
  for (const char* line :
       {"\npatron_sync_folds_total 3\n", "\npatron_sync_entries_folded_total 12000\n",
        "\npatron_sync_entries_saturated_total 0\n", "\npatron_sync_fold_skipped_total 0\n",
        "\npatron_sync_fold_seconds_total 2.500\n",
        "\npatron_sync_fold_seq 100\n", "\npatron_sync_fold_pending_seqs 75\n",
        "\npatron_sync_fold_lag_seconds 1.250\n", "# TYPE patron_sync_fold_seq gauge\n"}) {
    CAPTURE(line);
    CHECK(text.find(line) != std::string::npos);
  }
}

}  // namespace
}  // namespace patron::sync
