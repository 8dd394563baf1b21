#include "patron/terminal/sync_client.h"

#include <future>
#include <system_error>

namespace patron::terminal {
namespace {

bool IsCursorReset(const Status& status) {
  return status.code() == StatusCode::kConflict && status.reason() == "cursor_reset";
}

}  // namespace

SyncClient::SyncClient(Terminal& terminal, SyncTransport& transport, SyncClientOptions options)
    : terminal_(terminal), transport_(transport), options_(options) {}

Status SyncClient::PushAll(SyncReport& report) {
  while (true) {
    PATRON_ASSIGN_OR_RETURN(sync::PushRequest request,
                            terminal_.PendingPush(options_.push_batch, options_.push_batch));
    if (request.entries.empty() && request.profile_changes.empty()) return Status::OK();
    PATRON_ASSIGN_OR_RETURN(sync::PushResponse response, transport_.Push(request));
    PATRON_ASSIGN_OR_RETURN(PushSummary summary, terminal_.ApplyPushResponse(request, response));
    report.entries_acknowledged += summary.entries_acknowledged;
    report.changes_acknowledged += summary.changes_acknowledged;
    if (summary.conflicts > 0 || summary.rejected > 0) {
      // The same items would come back forever: stop and say so loudly.
      return Status::Conflict(std::to_string(summary.conflicts) +
                                  " journal entries conflict with the server's and " +
                                  std::to_string(summary.rejected) +
                                  " items were rejected; they stay unacknowledged",
                              "journal_conflict");
    }
  }
}

Status SyncClient::PullAll(SyncReport& report) {
  Status pulled = PullPages(report);
  // A pull cut short (offline half-way through a first sync) must not leave
  // the bulk page cache to everyday work.
  Status ended = terminal_.EndPull();
  return pulled.ok() ? ended : pulled;
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
      try {
        prefetched = std::async(std::launch::async,
                                [this, request] { return transport_.Pull(request); });
      } catch (const std::system_error&) {
        // No thread to be had: fetch the next page after this one instead.
      }
    }
    // On an error the future's destructor waits for the fetch in flight.
    PATRON_ASSIGN_OR_RETURN(bool new_rules, terminal_.ApplyPullPage(*page));
    report.members_pulled += static_cast<int64_t>(page->members.size());
    report.grants_pulled += static_cast<int64_t>(page->items.size());
    report.rules_updated = report.rules_updated || new_rules;
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
  PATRON_ASSIGN_OR_RETURN(int handed_back, terminal_.HandBackRights());
  report.handed_back = handed_back;
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
  PATRON_RETURN_IF_ERROR(terminal_.RecordSyncSuccess());
  return report;
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

}  // namespace patron::terminal
