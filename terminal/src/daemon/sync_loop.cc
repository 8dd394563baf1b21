#include "daemon/sync_loop.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

namespace patron::terminal {
namespace {

// A round that pulled this many member rows is large: it is logged, and the
// memory its decoding freed is handed back.
constexpr int64_t kLargePullRows = 1000;

}  // namespace

SyncLoop::SyncLoop(Terminal& terminal, std::unique_ptr<SyncTransport> sync_transport,
                   std::unique_ptr<SyncTransport> grant_transport, SyncLoopOptions options)
    : terminal_(terminal),
      sync_transport_(std::move(sync_transport)),
      grant_transport_(std::move(grant_transport)),
      // The HTTP transport may be used from the prefetching thread.
      sync_client_(terminal, *sync_transport_, SyncClientOptions{.prefetch_pull = true}),
      grant_client_(terminal, *grant_transport_),
      options_(std::move(options)) {
  if (!options_.log) options_.log = [](const std::string&, const std::string&) {};
}

SyncLoop::~SyncLoop() { Stop(); }

void SyncLoop::Start() { thread_ = std::thread([this] { Run(); }); }

void SyncLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SyncLoop::Trigger() {
  {
    std::lock_guard lock(mu_);
    if (!online_) return;  // offline: the backoff schedule decides
    triggered_ = true;
  }
  wake_.notify_all();
}

Result<SyncReport> SyncLoop::RunRound() {
  std::lock_guard round(round_mu_);
  const auto started = std::chrono::steady_clock::now();
  Result<SyncReport> report = sync_client_.SyncOnce();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (report.ok() && !report->snapshot_error.empty()) {
    options_.log("warn", "member snapshot not taken, pulled page by page instead: " +
                             report->snapshot_error);
  }
  if (report.ok() && !report->budget_error.empty()) {
    options_.log("warn",
                 "a claim of a campaign's budget failed; the till gives from the "
                 "share it holds: " +
                     report->budget_error);
  }
  // Entries head office refused are a fault someone must look at: a till
  // writes only what head office accepts, unless it was tampered with.
  if (report.ok() && report->entries_refused > 0) {
    options_.log("error", "head office refused " + std::to_string(report->entries_refused) +
                              " journal entries as something a till may not write; they count "
                              "in no balance (GET /v1/status refused_entries, head office's "
                              "security log)");
  }
  if (report.ok() && report->journal_restarted) {
    options_.log("error",
                 "head office already holds journal entries of this terminal beyond this "
                 "database's: the database was lost, replaced or rolled back. Its journal now "
                 "goes on above them, so no id is used twice (GET /v1/status journal_restart); "
                 "sales acknowledged to the POS by the old database and never pushed are lost "
                 "with it: head office's security log says when it last heard from this till");
  }
  // Large rounds (a first sync, a long offline period) are worth a line.
  if (report.ok() && (report->members_pulled >= kLargePullRows || took.count() >= 1000)) {
    options_.log("info", "sync round: pushed " + std::to_string(report->entries_acknowledged) +
                             " entries and " + std::to_string(report->changes_acknowledged) +
                             " profile changes, pulled " +
                             std::to_string(report->members_pulled) + " member rows, in " +
                             std::to_string(took.count()) + " ms");
  }
  // A large pull decodes 10,000-row pages (tens of MiB of JSON trees, on two
  // threads): once freed, glibc keeps that memory in its arenas. Hand it back,
  // or an idle daemon that bootstrapped a million members would hold ~25 MiB
  // it no longer uses (docs/BENCHMARKS.md, idle RSS).
  if (!report.ok() || report->members_pulled >= kLargePullRows) malloc_trim(0);
  std::lock_guard lock(mu_);
  if (report.ok()) {
    if (!online_) options_.log("info", "sync server reachable again: online");
    online_ = true;
    failures_ = 0;
    last_success_ms_ = SystemWallClockMs();
    last_error_.clear();
  } else {
    if (online_ || failures_ == 0) {
      options_.log("warn", "sync failed: " + report.status().ToString());
    }
    // Only an unreachable server means offline; a refusal is a fault to fix.
    online_ = online_ && !report.status().IsUnavailable();
    ++failures_;
    last_error_ = report.status().ToString();
  }
  return report;
}

Result<std::string> SyncLoop::SyncNow() {
  PATRON_ASSIGN_OR_RETURN(SyncReport r, RunRound());
  return nlohmann::json{{"entries_acknowledged", r.entries_acknowledged},
                        {"changes_acknowledged", r.changes_acknowledged},
                        {"handed_back", r.handed_back},
                        {"members_pulled", r.members_pulled},
                        {"grants_pulled", r.grants_pulled},
                        {"rules_updated", r.rules_updated},
                        {"reset", r.reset},
                        {"journal_restarted", r.journal_restarted}}
      .dump();
}

Status SyncLoop::RequestGrant(std::string_view member_id, int64_t points,
                              std::string_view request_id) {
  Status status = grant_client_.RequestGrant(member_id, points, request_id);
  if (status.IsUnavailable()) {
    std::lock_guard lock(mu_);
    online_ = false;
    last_error_ = status.ToString();
  }
  return status;
}

Result<sync::ReturnClaimResponse> SyncLoop::ClaimReturn(const sync::ReturnClaimRequest& request) {
  Result<sync::ReturnClaimResponse> claimed = grant_client_.ClaimReturn(request);
  if (claimed.status().IsUnavailable()) {
    std::lock_guard lock(mu_);
    online_ = false;
    last_error_ = claimed.status().ToString();
  }
  return claimed;
}

Result<Voucher> SyncLoop::ClaimVoucher(const sync::VoucherClaimRequest& request) {
  Result<Voucher> claimed = grant_client_.ClaimVoucher(request);
  if (claimed.status().IsUnavailable()) {
    std::lock_guard lock(mu_);
    online_ = false;
    last_error_ = claimed.status().ToString();
  }
  return claimed;
}

Result<sync::StockClaimResponse> SyncLoop::ClaimStock(const sync::StockClaimRequest& request) {
  Result<sync::StockClaimResponse> claimed = grant_client_.ClaimStock(request);
  if (claimed.status().IsUnavailable()) {
    std::lock_guard lock(mu_);
    online_ = false;
    last_error_ = claimed.status().ToString();
  }
  return claimed;
}

SyncInfo SyncLoop::Info() const {
  std::lock_guard lock(mu_);
  std::optional<int64_t> lag_ms;
  if (last_success_ms_) lag_ms = SystemWallClockMs() - *last_success_ms_;
  return SyncInfo{true, online_, options_.server, last_success_ms_, lag_ms, last_error_};
}

std::chrono::milliseconds SyncLoop::NextDelay() {
  std::lock_guard lock(mu_);
  if (failures_ == 0) return options_.interval;
  // min_backoff * 2^(failures-1), capped, then ±20% jitter so a hundred
  // stores coming back after an outage do not all retry at once.
  const int shift = std::min(failures_ - 1, 20);
  const auto base = std::min(options_.max_backoff, options_.min_backoff * (int64_t{1} << shift));
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(base.count()) * jitter(jitter_)));
}

void SyncLoop::Run() {
  while (true) {
    (void)RunRound();
    const auto delay = NextDelay();
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, delay, [this] { return stopping_ || triggered_; });
    if (stopping_) return;
    triggered_ = false;
  }
}

}  // namespace patron::terminal
