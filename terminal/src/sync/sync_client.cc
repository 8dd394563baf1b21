#include "patron/terminal/sync_client.h"

#include <cstdio>
#include <filesystem>
#include <future>
#include <string>
#include <system_error>

#include "patron/digest.h"

namespace patron::terminal {
namespace {

bool IsCursorReset(const Status& status) {
  return status.code() == StatusCode::kConflict && status.reason() == "cursor_reset";
}

// Removes a file when it goes out of scope.
class RemoveFileOnExit {
 public:
  explicit RemoveFileOnExit(std::string path) : path_(std::move(path)) {}
  ~RemoveFileOnExit() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  RemoveFileOnExit(const RemoveFileOnExit&) = delete;
  RemoveFileOnExit& operator=(const RemoveFileOnExit&) = delete;

 private:
  std::string path_;
};

}  // namespace

Result<sync::SnapshotInfo> SyncTransport::Snapshot(const sync::SnapshotRequest&) {
  return Status::NotFound("this transport carries no member snapshots", "snapshot_unavailable");
}

Result<std::string> SyncTransport::SnapshotChunk(int64_t, int64_t) {
  return Status::NotFound("this transport carries no member snapshots", "snapshot_unavailable");
}

Result<sync::ReturnClaimResponse> SyncTransport::ClaimReturn(const sync::ReturnClaimRequest&) {
  return Status::Unavailable("this transport cannot reach head office for returns");
}

Result<Voucher> SyncTransport::ClaimVoucher(const sync::VoucherClaimRequest&) {
  return Status::Unavailable("this transport cannot reach head office for vouchers");
}

Result<sync::StockClaimResponse> SyncTransport::ClaimStock(const sync::StockClaimRequest&) {
  return Status::Unavailable("this transport cannot reach head office for stock");
}

SyncClient::SyncClient(Terminal& terminal, SyncTransport& transport, SyncClientOptions options)
    : terminal_(terminal), transport_(transport), options_(options) {}

Status SyncClient::PushAll(SyncReport& report) {
  while (true) {
    PATRON_ASSIGN_OR_RETURN(sync::PushRequest request,
                            terminal_.PendingPush(options_.push_batch, options_.push_batch));
    if (request.entries.empty() && request.profile_changes.empty() && request.records.empty()) {
      return Status::OK();
    }
    PATRON_ASSIGN_OR_RETURN(sync::PushResponse response, transport_.Push(request));
    PATRON_ASSIGN_OR_RETURN(PushSummary summary, terminal_.ApplyPushResponse(request, response));
    report.entries_acknowledged += summary.entries_acknowledged;
    report.changes_acknowledged += summary.changes_acknowledged;
    report.records_acknowledged += summary.records_acknowledged;
    report.records_refused += summary.records_refused;
    report.entries_refused += summary.entries_refused;
    report.journal_restarted = report.journal_restarted || summary.journal_restarted;
    if (summary.conflicts > 0 || summary.rejected > 0) {
      // The same items would come back forever: stop and say so loudly.
      return Status::Conflict(std::to_string(summary.conflicts) +
                                  " journal entries conflict with the server's and " +
                                  std::to_string(summary.rejected) +
                                  " profile changes were rejected; they stay unacknowledged",
                              "journal_conflict");
    }
  }
}

Status SyncClient::PullAll(SyncReport& report) {
  Status pulled = Bootstrap(report);
  if (pulled.ok()) pulled = PullPages(report);
  // A pull cut short (offline half-way through a first sync) must not leave
  // the bulk page cache to everyday work.
  Status ended = terminal_.EndPull();
  return pulled.ok() ? ended : pulled;
}

Status SyncClient::Bootstrap(SyncReport& report) {
  if (!options_.use_snapshot) return Status::OK();
  Result<std::string> path = terminal_.SnapshotPath();
  if (!path.ok()) return Status::OK();
  // Also a download that a crash cut short: it is never resumed.
  RemoveFileOnExit remove(*path);
  std::error_code ignored;
  std::filesystem::remove(*path, ignored);
  PATRON_ASSIGN_OR_RETURN(sync::PullRequest next, terminal_.NextPull(1));
  if (!next.cursor.epoch.empty()) return Status::OK();  // pulled before
  PATRON_ASSIGN_OR_RETURN(TerminalStatus status, terminal_.Status());
  if (status.member_count > options_.max_members_for_snapshot) return Status::OK();
  // A snapshot replaced while it downloads is worth another try, not many.
  for (int attempt = 0; attempt < 3; ++attempt) {
    Result<sync::SnapshotInfo> info = transport_.Snapshot(
        {next.terminal_id, next.chain_key_fingerprint, next.rules_version});
    if (info.status().code() == StatusCode::kNotFound) return Status::OK();
    PATRON_RETURN_IF_ERROR(info.status());
    Status downloaded = Download(*info, *path);
    if (downloaded.code() == StatusCode::kNotFound) continue;
    if (downloaded.code() == StatusCode::kUnavailable) return downloaded;
    Result<int64_t> members =
        downloaded.ok() ? terminal_.AdoptSnapshot(*path, *info) : Result<int64_t>(downloaded);
    if (!members.ok()) {
      report.snapshot_error = members.status().ToString();
      return Status::OK();
    }
    report.members_pulled += *members;
    report.grants_pulled += static_cast<int64_t>(info->items.size());
    report.rules_updated = report.rules_updated || info->rules_json.has_value();
    report.from_snapshot = true;
    return Status::OK();
  }
  return Status::OK();
}

Status SyncClient::Download(const sync::SnapshotInfo& info, const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return Status::IOError("cannot create " + path);
  Sha256Stream digest;
  Status status;
  for (int64_t offset = 0; offset < info.bytes && status.ok();) {
    Result<std::string> chunk = transport_.SnapshotChunk(info.seq, offset);
    if (!chunk.ok()) {
      status = chunk.status();
    } else if (chunk->empty() || static_cast<int64_t>(chunk->size()) > info.bytes - offset) {
      status = Status::Unavailable("the member snapshot's chunk at " + std::to_string(offset) +
                                       " does not fit its " + std::to_string(info.bytes) +
                                       " bytes",
                                   "bad_sync_reply");
    } else if (std::fwrite(chunk->data(), 1, chunk->size(), file) != chunk->size()) {
      status = Status::IOError("cannot write " + path);
    } else {
      digest.Update(*chunk);
      offset += static_cast<int64_t>(chunk->size());
    }
  }
  if (std::fclose(file) != 0 && status.ok()) status = Status::IOError("cannot write " + path);
  if (status.ok() && digest.HexDigest() != info.sha256) {
    status = Status::Corruption("the downloaded member snapshot does not match its digest",
                                "bad_snapshot");
  }
  return status;
}

Status SyncClient::PullPages(SyncReport& report) {
  PATRON_ASSIGN_OR_RETURN(sync::PullRequest request, terminal_.NextPull(options_.pull_page));
  Result<sync::PullResponse> page = transport_.Pull(request);
  while (true) {
    PATRON_RETURN_IF_ERROR(page.status());
    std::future<Result<sync::PullResponse>> prefetched;
    if (page->more && options_.prefetch_pull) {
      // The next page's request is this one from where this page ends: the
      // cursor ApplyPullPage is about to store.
      request.cursor = page->next;
      // Said with the first page, and acted on as it is applied.
      request.journal_next_seq = 0;
      request.want_rights_statement = false;
      try {
        prefetched = std::async(std::launch::async,
                                [this, request] { return transport_.Pull(request); });
      } catch (const std::system_error&) {
        // No thread to be had: fetch the next page after this one instead.
      }
    }
    // On an error the future's destructor waits for the fetch in flight.
    PATRON_ASSIGN_OR_RETURN(PullPageSummary applied, terminal_.ApplyPullPage(*page));
    report.members_pulled += static_cast<int64_t>(page->members.size());
    report.grants_pulled += static_cast<int64_t>(page->items.size());
    report.rules_updated = report.rules_updated || applied.rules_updated;
    report.journal_restarted = report.journal_restarted || applied.journal_restarted;
    if (!page->more) return Status::OK();
    if (prefetched.valid()) {
      page = prefetched.get();
    } else {
      PATRON_ASSIGN_OR_RETURN(request, terminal_.NextPull(options_.pull_page));
      page = transport_.Pull(request);
    }
  }
}

Result<SyncReport> SyncClient::SyncOnce() {
  SyncReport report;
  PATRON_RETURN_IF_ERROR(PushAll(report));
  Status pulled = PullAll(report);
  if (IsCursorReset(pulled)) {
    // The server lost or replaced its history: everything we ever pushed may
    // be missing there. Push it all again (set union makes that harmless)
    // and pull from the beginning.
    PATRON_RETURN_IF_ERROR(terminal_.ResetSyncState());
    report.reset = true;
    PATRON_RETURN_IF_ERROR(PushAll(report));
    pulled = PullAll(report);
  }
  PATRON_RETURN_IF_ERROR(pulled);
  // After the pull: a till whose journal restarted (and that had nothing to
  // push) hears head office's mark and its count of this till's rights
  // there, and must not hand back what its old database already did.
  PATRON_ASSIGN_OR_RETURN(int handed_back, terminal_.HandBackRights());
  report.handed_back = handed_back;
  PATRON_RETURN_IF_ERROR(PushAll(report));
  PATRON_RETURN_IF_ERROR(TopUpBudgets(report));
  PATRON_RETURN_IF_ERROR(terminal_.RecordSyncSuccess());
  return report;
}

Status SyncClient::TopUpBudgets(SyncReport& report) {
  // A database head office found behind (rolled back, replaced) learns
  // what this till's awards already gave.
  PATRON_ASSIGN_OR_RETURN(std::vector<sync::StockClaimRequest> claims,
                          terminal_.BudgetClaims(report.journal_restarted));
  for (const sync::StockClaimRequest& claim : claims) {
    Result<sync::StockClaimResponse> answer = transport_.ClaimStock(claim);
    ++report.budgets_claimed;
    if (!answer.ok()) {
      // The round's pushes and pulls stand: the till gives from the share
      // it holds, and claims again next round.
      report.budget_error = answer.status().ToString();
      if (answer.status().IsUnavailable()) break;
      continue;
    }
    PATRON_RETURN_IF_ERROR(terminal_.TakeBudgetShare(*answer));
  }
  return Status::OK();
}

Status SyncClient::RequestGrant(std::string_view member_id, int64_t points,
                                std::string_view request_id) {
  sync::GrantRequest request;
  PATRON_ASSIGN_OR_RETURN(TerminalStatus status, terminal_.Status());
  request.terminal_id = status.terminal_id;
  request.chain_key_fingerprint = terminal_.chain_key_fingerprint();
  request.request_id = std::string(request_id);
  request.member_id = std::string(member_id);
  request.points = points;
  PATRON_ASSIGN_OR_RETURN(sync::GrantResponse grant, transport_.Grant(request));
  return terminal_.ApplyGrant(grant);
}

Result<sync::ReturnClaimResponse> SyncClient::ClaimReturn(
    const sync::ReturnClaimRequest& request) {
  return transport_.ClaimReturn(request);
}

Result<Voucher> SyncClient::ClaimVoucher(const sync::VoucherClaimRequest& request) {
  return transport_.ClaimVoucher(request);
}

Result<sync::StockClaimResponse> SyncClient::ClaimStock(const sync::StockClaimRequest& request) {
  return transport_.ClaimStock(request);
}

}  // namespace patron::terminal
