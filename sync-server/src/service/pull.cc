// SyncService::Pull: "rows with version > cursor, in version order, paged"
// plus the transfers addressed to the caller in the same sequence range.
#include "patron/rules_codec.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"
#include "service/journal_restart.h"

namespace patron::sync {

Result<PullResponse> SyncService::Pull(const Caller& caller, const PullRequest& request) {
  PATRON_RETURN_IF_ERROR(CheckFingerprint(request.chain_key_fingerprint));
  PATRON_RETURN_IF_ERROR(CheckSpeaksFor(caller, request.terminal_id));
  if (request.cursor.seq < 0) {
    return Status::InvalidArgument("cursor seq must not be negative", "invalid_cursor");
  }
  const int limit = std::clamp(request.limit, 1, options_.max_pull_limit);

  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  PullResponse response;
  PATRON_ASSIGN_OR_RETURN(response.epoch, txn->Epoch());
  PATRON_ASSIGN_OR_RETURN(int64_t last, txn->LastSeq());
  // Served as of the fold's watermark: every member version is at or below
  // it, and a change after it may not be in its member's row yet (member_folder.cc).
  PATRON_ASSIGN_OR_RETURN(int64_t folded, txn->FoldedSeq());
  // A cursor from another history (a server restored from backup starts a
  // new epoch) or from beyond this one cannot be continued: the terminal
  // must start over from a full pull.
  if (!request.cursor.epoch.empty() && request.cursor.epoch != response.epoch) {
    return Status::Conflict("cursor epoch " + request.cursor.epoch + " is not the server's (" +
                                response.epoch + "); re-bootstrap from a full pull",
                            "cursor_reset");
  }
  if (request.cursor.seq > last) {
    return Status::Conflict("cursor " + std::to_string(request.cursor.seq) +
                                " is beyond the server's history (" + std::to_string(last) +
                                "); re-bootstrap from a full pull",
                            "cursor_reset");
  }

  PATRON_ASSIGN_OR_RETURN(response.members, txn->MembersAfter(request.cursor.seq, limit));
  const bool full_page = static_cast<int>(response.members.size()) == limit;
  // Versions are unique (one change, one sequence number), so every row up
  // to the last one returned is in this page.
  int64_t through = full_page ? response.members.back().version : folded;
  // Items too: a page holds at most `limit` of them, and ends with the last
  // one when they are more (the rows after it come again with the next).
  PATRON_ASSIGN_OR_RETURN(response.down, txn->DownItemsFor(caller.terminal_id, caller.store_id,
                                                           request.cursor.seq, through, limit));
  if (static_cast<int>(response.down.size()) == limit && response.down.back().seq < through) {
    through = response.down.back().seq;
    std::erase_if(response.members,
                  [through](const MemberState& m) { return m.version > through; });
  }
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredEntry> items,
                          txn->EntriesTo(caller.terminal_id, request.cursor.seq, through));
  response.items = Delivered(std::move(items));
  response.next = {response.epoch, through};
  response.more = through < folded;

  PATRON_ASSIGN_OR_RETURN(auto rules, txn->ActiveRules());
  if (rules && rules->first > request.rules_version) response.rules_json = rules->second;
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalRecord> terminal,
                          txn->FindTerminal(caller.terminal_id));
  response.journal_high_seq = terminal ? terminal->journal_high_seq : 0;
  const bool behind = terminal && request.journal_next_seq > 0 &&
                      request.journal_next_seq <= terminal->journal_high_seq;
  if (terminal && (request.want_rights_statement || behind)) {
    // As of this read: every entry of the caller's that head office holds (up
    // to its mark) and every transfer to it (up to `last`).
    RightsStatement statement{terminal->journal_high_seq, last, {}};
    PATRON_ASSIGN_OR_RETURN(auto held, txn->RightsHeldBy(caller.terminal_id));
    for (auto& [member_id, points] : held) statement.rights.push_back({member_id, points});
    response.rights_statement = std::move(statement);
    counters_.rights_statements++;
  }
  txn.reset();
  // A till's first contact after its database was lost is usually a pull
  // (it has nothing to push yet): the one pull that writes.
  if (behind) PATRON_RETURN_IF_ERROR(LogJournalBehind(caller, request.journal_next_seq));
  response.server_hlc = clock_.Tick();
  counters_.pulls++;
  terminals_.MarkSeen(caller.terminal_id);
  return response;
}

Status SyncService::LogJournalBehind(const Caller& caller, int64_t next_seq) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalRecord> terminal,
                          txn->FindTerminal(caller.terminal_id));
  if (!terminal) return Status::OK();
  PATRON_ASSIGN_OR_RETURN(std::optional<SecurityEvent> behind,
                          JournalBehindEvent(*txn, caller, *terminal, next_seq, NowMs()));
  if (!behind) return Status::OK();  // caught up meanwhile
  PATRON_RETURN_IF_ERROR(txn->AppendSecurityEvent(*behind).status());
  PATRON_RETURN_IF_ERROR(txn->Commit());
  if (options_.on_security_event) options_.on_security_event(*behind);
  return Status::OK();
}

}  // namespace patron::sync
