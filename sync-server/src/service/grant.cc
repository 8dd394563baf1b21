// SyncService::Grant: online redemption moves the shortfall of rights from
// the server to the terminal, and only what the server holds (DESIGN.md §3).
#include <map>

#include "patron/sync_server/sync_service.h"
#include "patron/uuid.h"
#include "service/checks.h"
#include "service/member_merge.h"

namespace patron::sync {
namespace {

Status ValidateGrant(const GrantRequest& request) {
  if (request.points <= 0) {
    return Status::InvalidArgument("a grant must be for a positive number of points",
                                   "invalid_points");
  }
  if (request.request_id.empty() || request.request_id.size() > 64) {
    return Status::InvalidArgument("request_id must be 1 to 64 characters", "invalid_request_id");
  }
  if (!Uuid::Parse(request.member_id).ok()) {
    return Status::InvalidArgument("member_id is not a valid member id", "invalid_member_id");
  }
  return Status::OK();
}

// What the server may grant `holder` without letting the balance go below
// zero whatever the terminals then spend: its own rights, less every other
// terminal's deficit. A refund at a terminal that had handed its points to
// the server leaves that terminal's rights negative; the server's rights
// then exceed what the member has left, and granting them elsewhere would
// let another till spend points that no longer exist (found by the
// simulation, tests/sim/sim_test.cc). A grant to the terminal in deficit
// itself first fills its hole, so its own deficit does not count.
int64_t GrantableRights(const std::map<std::string, int64_t>& rights, const std::string& holder) {
  int64_t grantable = 0;
  for (const auto& [other, amount] : rights) {
    if (other == kServerOrigin) {
      grantable += amount;
    } else if (other != holder) {
      grantable += std::min<int64_t>(amount, 0);
    }
  }
  return std::max<int64_t>(grantable, 0);
}

}  // namespace

Result<GrantResponse> SyncService::Grant(const Caller& caller, const GrantRequest& request) {
  PATRON_RETURN_IF_ERROR(CheckFingerprint(request.chain_key_fingerprint));
  PATRON_RETURN_IF_ERROR(CheckSpeaksFor(caller, request.terminal_id));
  PATRON_RETURN_IF_ERROR(ValidateGrant(request));

  // Holds a fold back until the writer is free.
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  // A retried request (its reply was lost) gets the grant it already made.
  PATRON_ASSIGN_OR_RETURN(std::optional<GrantRecord> earlier,
                          txn->FindGrant(caller.terminal_id, request.request_id));
  if (earlier) {
    PATRON_ASSIGN_OR_RETURN(std::optional<StoredEntry> made, txn->FindEntry(earlier->entry_id));
    if (!made) return Status::Corruption("grant " + earlier->entry_id + " has no entry");
    if (made->entry.member_id != request.member_id || made->entry.points != request.points) {
      return Status::Conflict(
          "request_id " + request.request_id + " was used for a different grant",
          "grant_request_conflict");
    }
    return GrantResponse{made->entry, made->seq};
  }
  PATRON_ASSIGN_OR_RETURN(auto rights, txn->RightsByHolder(request.member_id));
  if (rights.empty()) {
    // No entry, folded or not. A member with no row either is unknown.
    PATRON_ASSIGN_OR_RETURN(std::optional<MemberRecord> member, txn->FindMember(request.member_id));
    if (!member) {
      return Status::NotFound("the server knows no member " + request.member_id, "unknown_member");
    }
  }
  const int64_t grantable = GrantableRights(rights, caller.terminal_id);
  if (grantable < request.points) {
    return Status::FailedPrecondition("the server can grant " + std::to_string(grantable) +
                                          " redeemable points of the member; " +
                                          std::to_string(request.points) + " requested",
                                      "insufficient_points");
  }
  LedgerEntry draft;
  draft.member_id = request.member_id;
  draft.kind = EntryKind::kTransfer;
  draft.points = request.points;
  draft.to_holder = caller.terminal_id;
  draft.detail.request_id = request.request_id;
  // Folded into the member's row like any pushed entry; until then
  // RightsByHolder counts it among the entries after the watermark.
  PATRON_ASSIGN_OR_RETURN(StoredEntry written, WriteServerEntry(*txn, std::move(draft)));
  const LedgerEntry& transfer = written.entry;
  const int64_t seq = written.seq;
  PATRON_RETURN_IF_ERROR(
      txn->InsertGrant({caller.terminal_id, request.request_id, transfer.entry_id}));
  PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
  counters_.grants++;
  return GrantResponse{transfer, seq};
}

}  // namespace patron::sync
