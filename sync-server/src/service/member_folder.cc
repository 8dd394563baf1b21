// MemberFolder::Fold: folds what pushes and grants stored into member rows.
//
// A push only appends (push.cc), so its cost does not depend on how many
// members the store holds. The fold takes the changes after the watermark
// (StoreTxn::FoldedSeq) in sequence order, at most FoldOptions::batch_seqs of them,
// and in one write transaction, in member key order: files each entry under
// its member, merges queued profile changes, adds entry effects, recomputes
// qualifying spend, and gives each member it touched the version of the
// latest change it folded for it. The watermark then moves to the last
// sequence folded.
//
// The same transaction adds what it folds to head office's analytics
// (analytics_folder.h), so they include exactly the folded changes.
//
// Each member it touches also gets its tier standing (tier_settlement.h):
// an upgrade as soon as the spend reaches a higher tier, the return of the
// purchase that caused one, the review once the held tier's time is up. A
// row's spend changes with time too, as its
// entries leave the window: review_at_ms says when the row next needs a
// fold for either reason, and QueueReviews queues those folds.
//
// Why this keeps the terminal's view exact (DESIGN.md §4): the fold takes
// a prefix of the sequence, so a member row at version v includes every
// change to the member with seq <= v and none after, as when each push
// updated its members itself. A terminal's own entry or profile change is
// in the row it pulled exactly when its acknowledged seq is <= the row's
// version. Pulls and snapshots serve the store as of the watermark, so no
// cursor ever passes a change that is still to be folded.
#include "patron/sync_server/member_folder.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "patron/local_time.h"
#include "service/analytics_folder.h"
#include "service/checks.h"
#include "service/member_merge.h"
#include "service/tier_settlement.h"

namespace patron::sync {
namespace {

void RaiseTo(std::atomic<int64_t>& value, int64_t at_least) {
  int64_t seen = value.load();
  while (seen < at_least && !value.compare_exchange_weak(seen, at_least)) {
  }
}

// What one fold does to one member.
struct MemberWork {
  std::vector<const QueuedProfileChange*> changes;  // in seq order
  std::vector<const StoredEntry*> entries;
  int64_t version = 0;  // the latest seq folded
};

}  // namespace

MemberFolder::MemberFolder(ServerStore& store, FoldOptions options,
                           std::function<int64_t()> wall_clock_ms, SyncCounters& counters)
    : store_(store),
      options_(options),
      wall_clock_ms_(std::move(wall_clock_ms)),
      counters_(counters) {
  Result<std::unique_ptr<StoreTxn>> txn = store_.BeginRead();
  if (!txn.ok()) return;  // the first fold reads it instead
  Result<int64_t> folded = (*txn)->FoldedSeq();
  Result<int64_t> last = (*txn)->LastSeq();
  if (!folded.ok() || !last.ok()) return;
  NoteFolded(*folded, *last);
  if (*folded < *last) pending_since_ms_.store(wall_clock_ms_());
}

Result<FoldStats> MemberFolder::Fold() {
  const auto started = std::chrono::steady_clock::now();
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  FoldStats stats;
  PATRON_ASSIGN_OR_RETURN(const int64_t folded, txn->FoldedSeq());
  PATRON_ASSIGN_OR_RETURN(const int64_t last, txn->LastSeq());
  stats.from_seq = stats.folded_seq = folded;
  stats.last_seq = last;
  NoteFolded(folded, last);
  if (folded == last) {
    // Nothing to fold (the transaction rolls back); a push that set the
    // clock and then failed to commit leaves nothing behind either.
    pending_since_ms_.store(0);
    return stats;
  }
  const int64_t through = std::min(last, folded + std::max<int64_t>(options_.batch_seqs, 1));

  PATRON_ASSIGN_OR_RETURN(std::vector<StoredEntry> entries, txn->EntriesBetween(folded, through));
  const int64_t now_ms = wall_clock_ms_();
  PATRON_ASSIGN_OR_RETURN(Rules rules, ActiveRulesIn(*txn, now_ms));
  // The analytics take the entries with the tills' own times (a rebuild
  // sees nothing else), and include exactly what the fold has folded.
  std::optional<AnalyticsBatch> analytics;
  if (options_.analytics) {
    PATRON_ASSIGN_OR_RETURN(const int64_t analytics_seq, txn->AnalyticsSeq());
    PATRON_ASSIGN_OR_RETURN(const int64_t analytics_offset, txn->AnalyticsOffset());
    if (analytics_seq != folded || analytics_offset != rules.utc_offset_minutes) {
      PATRON_RETURN_IF_ERROR(RebuildAnalyticsIn(*txn, folded, rules.utc_offset_minutes));
    }
    analytics.emplace(rules.utc_offset_minutes);
    for (const StoredEntry& e : entries) analytics->AddEntry(e.entry);
  }
  // Filed at no later than head office learns of them: a till whose clock
  // runs ahead cannot date spend into a window (or a review) it has not
  // reached. The entries themselves keep the till's time.
  for (StoredEntry& e : entries) e.entry.wall_ms = std::min(e.entry.wall_ms, now_ms);
  PATRON_ASSIGN_OR_RETURN(std::vector<QueuedProfileChange> changes,
                          txn->QueuedProfileChanges(folded, through));
  // In member_entries' own order, so filing them walks its B-tree once. (An
  // entry's effects on balance, rights and spend are sums, so the order is
  // free for them; a member's lots depend on it, and head office's lots are
  // the ones every till takes, so they agree whatever the batches.)
  std::sort(entries.begin(), entries.end(), [](const StoredEntry& a, const StoredEntry& b) {
    return std::tie(a.entry.member_id, a.entry.wall_ms, a.seq) <
           std::tie(b.entry.member_id, b.entry.wall_ms, b.seq);
  });
  PATRON_RETURN_IF_ERROR(txn->IndexByMember(entries));
  std::map<std::string_view, MemberWork> work;  // key order: each B-tree page once
  for (const QueuedProfileChange& c : changes) {
    MemberWork& w = work[c.change.member_id];
    w.changes.push_back(&c);
    w.version = std::max(w.version, c.seq);
  }
  for (const StoredEntry& e : entries) {
    MemberWork& w = work[e.entry.member_id];
    w.entries.push_back(&e);
    w.version = std::max(w.version, e.seq);
  }

  const int64_t spend_since_ms = now_ms - rules.qualifying_window_days * kMsPerDay;
  for (const auto& [member_id, w] : work) {
    PATRON_ASSIGN_OR_RETURN(std::optional<MemberRecord> stored, txn->FindMember(member_id));
    MemberRecord member = stored ? std::move(*stored) : NewMember(member_id);
    const Enrolment enrolled{member.state.enrolled_store, member.state.enrolled_ms};
    for (const QueuedProfileChange* c : w.changes) {
      if (c->change.field == kReviewField) continue;  // the fold itself is the point
      // Checked when pushed, so this fails only if a later version checks
      // more strictly; the change is then skipped (and counted) rather than
      // stopping every fold after it.
      if (!MergeProfileChange(member, c->change, c->change.hlc).ok()) ++stats.skipped;
    }
    for (const StoredEntry* e : w.entries) {
      if (!ApplyEntry(member, e->entry, rules.utc_offset_minutes)) ++stats.saturated;
    }
    member.state.version = w.version;
    FoldedSpend spend{{}, spend_since_ms};
    PATRON_ASSIGN_OR_RETURN(spend.window, txn->SpendSince(member_id, spend_since_ms));
    member.state.spend_minor = spend.window.spend_minor;
    SettleTier(rules, member, w.entries, spend, now_ms);
    member.state.spend_at_review_minor = 0;
    if (member.state.tier_until_ms != 0) {
      PATRON_ASSIGN_OR_RETURN(
          const WindowSpend at_review,
          txn->SpendSince(member_id, member.state.tier_until_ms + 1 -
                                         rules.qualifying_window_days * kMsPerDay));
      member.state.spend_at_review_minor = at_review.spend_minor;
    }
    if (analytics) {
      analytics->MoveEnrolment(enrolled, {member.state.enrolled_store, member.state.enrolled_ms});
    }
    PATRON_RETURN_IF_ERROR(txn->PutMember(member));
  }
  if (analytics) {
    PATRON_RETURN_IF_ERROR(analytics->AddRecords(*txn, folded, through));
    PATRON_RETURN_IF_ERROR(analytics->Write(*txn));
    PATRON_RETURN_IF_ERROR(txn->SetAnalyticsSeq(through));
  }
  if (!changes.empty()) PATRON_RETURN_IF_ERROR(txn->DropQueuedProfileChanges(through));
  PATRON_RETURN_IF_ERROR(txn->SetFoldedSeq(through));
  // Cleared while this transaction still holds the writer's turn, so a push
  // committing right after it starts the clock again (NoteWritten).
  if (through == last) pending_since_ms_.store(0);
  PATRON_RETURN_IF_ERROR(txn->Commit());

  stats.folded_seq = through;
  stats.entries = static_cast<int64_t>(entries.size());
  stats.profile_changes = static_cast<int64_t>(changes.size());
  stats.members = static_cast<int64_t>(work.size());
  counters_.folds++;
  counters_.entries_folded += stats.entries;
  counters_.entries_saturated += stats.saturated;
  counters_.fold_skipped += stats.skipped;
  counters_.fold_us += std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  NoteFolded(through, last);
  return stats;
}

Status MemberFolder::FoldAll() {
  while (true) {
    PATRON_ASSIGN_OR_RETURN(FoldStats stats, Fold());
    if (stats.folded_seq == stats.last_seq) return Status::OK();
  }
}

Result<int64_t> MemberFolder::QueueReviews(int limit) {
  const WriteActivity activity(*this);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_ASSIGN_OR_RETURN(std::vector<std::string> due,
                          txn->MembersDueForReview(wall_clock_ms_(), limit));
  if (due.empty()) return 0;
  int64_t seq = 0;
  for (const std::string& member_id : due) {
    PATRON_ASSIGN_OR_RETURN(seq, txn->NextSeq());
    ProfileChange review;
    review.member_id = member_id;
    review.field = std::string(kReviewField);
    review.origin = std::string(kServerOrigin);
    PATRON_RETURN_IF_ERROR(txn->QueueProfileChange({seq, std::move(review)}));
    // The fold sets the next one; until then it is not queued again.
    PATRON_RETURN_IF_ERROR(txn->SetReviewAt(member_id, 0));
  }
  NoteWriting();
  PATRON_RETURN_IF_ERROR(txn->Commit());
  NoteWritten(seq);
  return static_cast<int64_t>(due.size());
}

Result<bool> MemberFolder::FoldIfDue() {
  if (folded_seq_.load() >= last_seq_.load()) return false;  // nothing written since
  // A wall clock stepped back makes an elapsed time negative: due then, or
  // folding would wait for the clock to catch up.
  auto at_least = [now_ms = wall_clock_ms_()](int64_t since, int64_t ms) {
    return now_ms - since >= ms || now_ms < since;
  };
  const int64_t since = pending_since_ms_.load();
  const bool idle =
      writes_in_flight_.load() == 0 && at_least(last_write_ms_.load(), options_.idle_ms);
  const bool lagging = since != 0 && at_least(since, options_.max_lag_ms);
  if (!idle && !lagging) return false;
  PATRON_ASSIGN_OR_RETURN(FoldStats stats, Fold());
  return stats.folded_seq > stats.from_seq;
}

MemberFolder::WriteActivity::WriteActivity(MemberFolder& folder) : folder_(folder) {
  folder_.writes_in_flight_++;
  folder_.last_write_ms_.store(folder_.wall_clock_ms_());
}

MemberFolder::WriteActivity::~WriteActivity() {
  folder_.last_write_ms_.store(folder_.wall_clock_ms_());
  folder_.writes_in_flight_--;
}

void MemberFolder::NoteWriting() {
  int64_t none = 0;
  pending_since_ms_.compare_exchange_strong(none, wall_clock_ms_());
}

void MemberFolder::NoteWritten(int64_t last_seq) { RaiseTo(last_seq_, last_seq); }

void MemberFolder::NoteFolded(int64_t folded_seq, int64_t last_seq) {
  RaiseTo(folded_seq_, folded_seq);
  RaiseTo(last_seq_, last_seq);
}

FoldGauge MemberFolder::State() const {
  const int64_t folded = folded_seq_.load();
  const int64_t last = last_seq_.load();
  const int64_t since = pending_since_ms_.load();
  return FoldGauge{
      folded, last,
      since == 0 || folded >= last ? 0 : std::max<int64_t>(wall_clock_ms_() - since, 0)};
}

}  // namespace patron::sync
