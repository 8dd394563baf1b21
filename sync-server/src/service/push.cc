// SyncService::Push: set-union of journal entries and last-writer-wins merge
// of profile registers, in one write transaction.
#include <map>
#include <set>

#include "patron/sync_server/sync_service.h"
#include "patron/uuid.h"
#include "service/checks.h"
#include "service/member_merge.h"

namespace patron::sync {
namespace {

constexpr int64_t kMsPerDay = 24 * 60 * 60 * 1000;

// Checks every entry and change before anything is written: the request is
// applied whole or not at all.
Status ValidatePush(const Caller& caller, const PushRequest& request) {
  for (const ProfileChange& change : request.profile_changes) {
    if (change.origin != caller.terminal_id) {
      return Status::PermissionDenied("profile change " + std::to_string(change.change_id) +
                                          " was written by " + change.origin + ", not by " +
                                          caller.terminal_id,
                                      "foreign_origin");
    }
    if (!Uuid::Parse(change.member_id).ok()) {
      return Status::InvalidArgument("profile change " + std::to_string(change.change_id) +
                                         " names an invalid member id",
                                     "invalid_profile_change");
    }
  }
  for (const LedgerEntry& entry : request.entries) {
    if (entry.origin != caller.terminal_id || entry.terminal_id != caller.terminal_id) {
      return Status::PermissionDenied(
          "entry " + entry.entry_id + " was written by " + entry.origin + ", not by " +
              caller.terminal_id,
          "foreign_origin");
    }
    if (entry.store_id != caller.store_id) {
      return Status::PermissionDenied("entry " + entry.entry_id + " is booked to store " +
                                          entry.store_id + ", but " + caller.terminal_id +
                                          " belongs to " + caller.store_id,
                                      "foreign_store");
    }
    PATRON_RETURN_IF_ERROR(ValidateEntry(entry));
    if (!Uuid::Parse(entry.member_id).ok()) {
      return Status::InvalidArgument("entry " + entry.entry_id + " names an invalid member id",
                                     "invalid_entry");
    }
    // A terminal can only hand rights back; grants come from the server.
    if (entry.kind == EntryKind::kTransfer && entry.to_holder != kServerOrigin) {
      return Status::PermissionDenied(
          "entry " + entry.entry_id + " transfers rights to " + entry.to_holder +
              "; terminals may transfer only to the server",
          "invalid_transfer");
    }
  }
  return Status::OK();
}

// The members a push touches, loaded once and written once at the end.
class MemberCache {
 public:
  explicit MemberCache(StoreTxn& txn) : txn_(txn) {}

  Result<MemberRecord*> Get(const std::string& member_id) {
    auto it = members_.find(member_id);
    if (it != members_.end()) return &it->second;
    PATRON_ASSIGN_OR_RETURN(std::optional<MemberRecord> stored, txn_.FindMember(member_id));
    MemberRecord record = stored ? std::move(*stored) : NewMember(member_id);
    return &members_.emplace(member_id, std::move(record)).first->second;
  }

  void MarkChanged(const std::string& member_id) { changed_.insert(member_id); }

  // Recomputes each changed member's qualifying spend and writes it.
  Status Flush(int64_t spend_since_ms) {
    for (const std::string& id : changed_) {
      MemberRecord& record = members_.at(id);
      PATRON_ASSIGN_OR_RETURN(record.state.spend_minor, txn_.SpendSince(id, spend_since_ms));
      PATRON_RETURN_IF_ERROR(txn_.PutMember(record));
    }
    return Status::OK();
  }

 private:
  StoreTxn& txn_;
  std::map<std::string, MemberRecord> members_;
  std::set<std::string> changed_;
};

}  // namespace

Result<PushResponse> SyncService::Push(const Caller& caller, const PushRequest& request) {
  PATRON_RETURN_IF_ERROR(CheckFingerprint(request.chain_key_fingerprint));
  PATRON_RETURN_IF_ERROR(CheckSpeaksFor(caller, request.terminal_id));
  PATRON_RETURN_IF_ERROR(ValidatePush(caller, request));
  const int64_t now_ms = NowMs();
  // Registers stamped further ahead than this are restamped: one fast
  // terminal clock must not win every later write forever.
  const HlcTimestamp latest_allowed =
      HlcTimestamp::FromParts(now_ms + options_.max_clock_drift_ms, HlcTimestamp::kMaxCounter);

  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(ResumeClock(*txn));
  PushResponse response;
  response.server_hlc = MergeClock(request.hlc);
  PATRON_ASSIGN_OR_RETURN(response.epoch, txn->Epoch());
  PATRON_ASSIGN_OR_RETURN(Rules rules, ActiveRules(*txn));
  MemberCache members(*txn);
  int64_t ingested = 0, duplicates = 0, conflicts = 0;

  for (const ProfileChange& change : request.profile_changes) {
    PATRON_ASSIGN_OR_RETURN(MemberRecord * member, members.Get(change.member_id));
    // A restamped write gets a fresh tick of the server's clock, never a
    // shared ceiling: two writes of one field in one push would otherwise tie
    // at the same stamp and origin, the server would keep the first, and the
    // terminal (adopting the stamp) the second.
    HlcTimestamp stamp = change.hlc;
    if (latest_allowed < change.hlc) {
      std::lock_guard lock(clock_mu_);
      stamp = clock_.Now();
    }
    PATRON_ASSIGN_OR_RETURN(MergeOutcome merged, MergeProfileChange(*member, change, stamp));
    ProfileAck ack{change.change_id, PushOutcome::kOk, member->state.version, stamp, ""};
    // A lost write changes nothing here, but its writer shows it (and adopts
    // the stamp acknowledged): the member gets a new version all the same,
    // so every terminal pulls the register that won, however long ago it
    // pulled the member (a restamped write can lose to a stamp from before a
    // server restart or from within the allowed drift).
    if (merged != MergeOutcome::kUnchanged) {
      PATRON_ASSIGN_OR_RETURN(ack.seq, txn->NextSeq());
      member->state.version = ack.seq;
      members.MarkChanged(change.member_id);
    }
    response.profile_changes.push_back(std::move(ack));
  }

  for (const LedgerEntry& entry : request.entries) {
    PATRON_ASSIGN_OR_RETURN(std::optional<StoredEntry> stored, txn->FindEntry(entry.entry_id));
    if (stored) {
      const bool same = stored->entry == entry;
      response.entries.push_back(
          {entry.entry_id, same ? PushOutcome::kExists : PushOutcome::kConflict, stored->seq,
           same ? "" : "an entry with this id and different content exists; it is kept"});
      ++(same ? duplicates : conflicts);
      continue;
    }
    PATRON_ASSIGN_OR_RETURN(MemberRecord * member, members.Get(entry.member_id));
    PATRON_ASSIGN_OR_RETURN(int64_t seq, txn->NextSeq());
    PATRON_RETURN_IF_ERROR(txn->InsertEntry(entry, seq));
    PATRON_RETURN_IF_ERROR(ApplyEntry(*member, entry));
    member->state.version = seq;
    members.MarkChanged(entry.member_id);
    response.entries.push_back({entry.entry_id, PushOutcome::kOk, seq, ""});
    ++ingested;
  }

  PATRON_RETURN_IF_ERROR(members.Flush(now_ms - rules.qualifying_window_days * kMsPerDay));
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalRecord> terminal,
                          txn->FindTerminal(caller.terminal_id));
  if (terminal) {
    terminal->last_sync_ms = now_ms;
    PATRON_RETURN_IF_ERROR(txn->PutTerminal(*terminal));
  }
  PATRON_RETURN_IF_ERROR(SaveClock(*txn));
  PATRON_RETURN_IF_ERROR(txn->Commit());
  counters_.pushes++;
  MarkSeen(caller.terminal_id);
  counters_.entries_ingested += ingested;
  counters_.entries_duplicate += duplicates;
  counters_.entries_conflict += conflicts;
  counters_.profile_changes += static_cast<int64_t>(request.profile_changes.size());
  return response;
}

}  // namespace patron::sync
