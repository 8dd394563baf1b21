// SyncService::RunExpiry: head office writes the expiry its members' lots
// owe (lots.h): an `expire` entry for what is left of each lot past its
// day, and an `adjust` (reason kExpiryCorrected) giving back what entries
// that arrived late show was expired too much. It works from the members'
// folded lots, so it folds first, and the entries it writes are folded
// before it looks at those members again: nothing is expired twice.
#include <cstdlib>
#include <mutex>
#include <set>

#include "patron/local_time.h"
#include "patron/lots.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"

namespace patron::sync {
namespace {

constexpr int kMembersPerTxn = 1'000;
// Transactions written between folds. A member's row says it is due until
// the fold has taken its expire entry, so until then the next transaction
// asks for as many more due members as were settled; folding 10,000
// entries at a time costs a third of folding them 1,000 at a time.
constexpr int kTxnsPerFold = 10;

LedgerEntry ExpiryEntry(const std::string& member_id, const ExpiryDue& due) {
  LedgerEntry entry;
  entry.member_id = member_id;
  entry.kind = due.points < 0 ? EntryKind::kExpire : EntryKind::kAdjust;
  entry.points = due.points;
  if (due.points > 0) entry.detail.reason = std::string(kExpiryCorrected);
  SetLot(entry.detail, due.days);
  return entry;
}

}  // namespace

Result<ExpiryRun> SyncService::RunExpiry() {
  const std::lock_guard<std::mutex> one_run_at_a_time(expiry_mutex_);
  ExpiryRun run;
  std::set<std::string> done;  // a member settled once a run is not looked at again
  int64_t unfolded = 0;        // members settled since the last fold
  for (int txns = 0;; ++txns) {
    if (txns % kTxnsPerFold == 0) {
      PATRON_RETURN_IF_ERROR(folder_.FoldAll());
      unfolded = 0;
    }
    const MemberFolder::WriteActivity activity(folder_);
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
    PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
    const int64_t now_ms = NowMs();
    PATRON_ASSIGN_OR_RETURN(Rules pack, ActiveRulesIn(*txn, now_ms));
    const int64_t today = ToLocalDate(now_ms, pack.utc_offset_minutes).day_number;
    PATRON_ASSIGN_OR_RETURN(std::vector<std::string> due,
                            txn->MembersDueForExpiry(today, kMembersPerTxn + unfolded));
    int64_t written = 0;
    int64_t expired = 0;
    int64_t given_back = 0;
    for (const std::string& member_id : due) {
      if (!done.insert(member_id).second) continue;
      PATRON_ASSIGN_OR_RETURN(std::optional<MemberRecord> member, txn->FindMember(member_id));
      if (!member) continue;
      const std::vector<ExpiryDue> owing = DueExpiry(member->state.lots, today);
      if (!owing.empty()) {
        ++run.members;
        ++unfolded;
      }
      for (const ExpiryDue& owed : owing) {
        PATRON_RETURN_IF_ERROR(WriteServerEntry(*txn, ExpiryEntry(member_id, owed)).status());
        ++written;
        (owed.points < 0 ? expired : given_back) += std::abs(owed.points);
      }
    }
    if (written == 0) {
      if (unfolded == 0) return run;  // what is left was settled earlier in this run
      txns = kTxnsPerFold - 1;        // fold what was written, then look again
      continue;
    }
    PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
    run.entries += written;
    run.points_expired += expired;
    run.points_given_back += given_back;
    counters_.expiry_entries += written;
    counters_.points_expired += expired;
    counters_.points_expiry_given_back += given_back;
  }
}

}  // namespace patron::sync
