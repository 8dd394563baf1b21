// SyncService::Fold with fold_in_background: pushes only append, and the
// member rows terminals pull follow once the fold has run (member_folder.cc).
#include <doctest/doctest.h>

#include "service/service_fixture.h"

namespace patron::sync {
namespace {

ServiceFixture BackgroundFixture(int64_t batch_seqs = 100'000) {
  return ServiceFixture([batch_seqs](SyncServiceOptions& options) {
    options.fold_in_background = true;
    options.fold.batch_seqs = batch_seqs;
  });
}

// Every member row of a full pull from scratch, and the cursor it ends at.
std::pair<std::vector<MemberState>, Cursor> PullAll(ServiceFixture& f) {
  Cursor cursor;
  std::vector<MemberState> members;
  while (true) {
    auto page = f.service().Pull(f.t1, f.NewPull(f.t1, cursor, 2));
    REQUIRE(page.ok());
    members.insert(members.end(), page->members.begin(), page->members.end());
    cursor = page->next;
    if (!page->more) return {members, cursor};
  }
}

TEST_CASE("a push is acknowledged before its member rows change; the fold brings them") {
  ServiceFixture f = BackgroundFixture();
  PushRequest push = f.NewPush(f.t1);
  push.profile_changes = {f.Change(f.t1, 1, f.ann, "name", "\"Ann\"", kNow)};
  push.entries = {f.Earn(f.t1, 1, f.ann, 10), f.Earn(f.t1, 2, f.bob, 20)};
  auto acks = f.service().Push(f.t1, push);
  REQUIRE(acks.ok());
  REQUIRE(acks->entries.size() == 2);
  CHECK(acks->entries[0].outcome == PushOutcome::kOk);
  CHECK(acks->profile_changes[0].seq == 1);
  CHECK(acks->entries[1].seq == 3);

  // Nothing folded: no member row, and the cursor stays where the fold is.
  auto [before, cursor_before] = PullAll(f);
  CHECK(before.empty());
  CHECK(cursor_before.seq == 0);
  CHECK(f.service().FoldState().folded_seq == 0);
  CHECK(f.service().FoldState().last_seq == 3);
  // A retry is answered from the ledger, folded or not.
  auto again = f.service().Push(f.t1, push);
  REQUIRE(again.ok());
  CHECK(again->entries[0].outcome == PushOutcome::kExists);
  CHECK(again->entries[0].seq == 2);

  auto folded = f.service().Fold();
  REQUIRE(folded.ok());
  CHECK(folded->from_seq == 0);
  CHECK(folded->folded_seq == folded->last_seq);
  CHECK(folded->entries == 2);
  CHECK(folded->profile_changes == 2);  // the first push's and the retry's
  CHECK(folded->members == 2);
  auto [after, cursor_after] = PullAll(f);
  REQUIRE(after.size() == 2);
  CHECK(cursor_after.seq == folded->folded_seq);
  const MemberState ann = f.Member(f.ann);
  CHECK(ann.name.value == "Ann");
  CHECK(ann.balance == 10);
  CHECK(ann.spend_minor == 1000);
  // The version is the latest change folded for the member: every ack at or
  // below it is included, so the terminal stops adding its own entry.
  CHECK(ann.version == again->profile_changes[0].seq);
  CHECK(f.Member(f.bob).version == 3);
  CHECK(f.Member(f.bob).balance == 20);
  // Nothing left: a fold changes nothing.
  auto idle = f.service().Fold();
  REQUIRE(idle.ok());
  CHECK(idle->folded_seq == idle->from_seq);
}

TEST_CASE("a fold in small batches keeps each row exactly the changes up to its version") {
  // Three seqs a fold: Ann's row after the first fold includes seq 1 and 2,
  // not her seq 4, and says so by its version.
  ServiceFixture f = BackgroundFixture(/*batch_seqs=*/3);
  PushRequest push = f.NewPush(f.t1);
  push.entries = {f.Earn(f.t1, 1, f.ann, 1), f.Earn(f.t1, 2, f.ann, 2), f.Earn(f.t1, 3, f.bob, 4),
                  f.Earn(f.t1, 4, f.ann, 8), f.Earn(f.t1, 5, f.bob, 16)};
  REQUIRE(f.service().Push(f.t1, push).ok());

  REQUIRE(f.service().Fold()->folded_seq == 3);
  auto [rows, cursor] = PullAll(f);
  CHECK(cursor.seq == 3);
  REQUIRE(rows.size() == 2);
  CHECK(f.Member(f.ann).balance == 3);
  CHECK(f.Member(f.ann).version == 2);
  CHECK(f.Member(f.bob).balance == 4);
  CHECK(f.Member(f.bob).version == 3);

  // An incremental pull from the first fold's cursor gets both rows again.
  REQUIRE(f.service().Fold()->folded_seq == 5);
  auto page = f.service().Pull(f.t1, f.NewPull(f.t1, cursor));
  REQUIRE(page.ok());
  CHECK(page->members.size() == 2);
  CHECK(page->next.seq == 5);
  CHECK(f.Member(f.ann).balance == 11);
  CHECK(f.Member(f.ann).version == 4);
  CHECK(f.Member(f.bob).balance == 20);
}

TEST_CASE("a grant counts the entries the fold has not reached yet") {
  ServiceFixture f = BackgroundFixture();
  PushRequest earn = f.NewPush(f.t1);
  earn.entries = {f.Earn(f.t1, 1, f.ann, 100)};
  REQUIRE(f.service().Push(f.t1, earn).ok());
  REQUIRE(f.service().FoldAll().ok());
  // Handed back but not folded: the server holds 60 of Ann's rights.
  PushRequest hand_back = f.NewPush(f.t1);
  hand_back.entries = {f.HandBack(f.t1, 2, f.ann, 60)};
  REQUIRE(f.service().Push(f.t1, hand_back).ok());
  CHECK(f.service().FoldState().folded_seq < f.service().FoldState().last_seq);

  auto granted = f.service().Grant(f.t2, f.NewGrant(f.t2, "g-1", f.ann, 50));
  REQUIRE_MESSAGE(granted.ok(), granted.status().ToString());
  // The first grant is not folded either: only 10 are left.
  CHECK(f.service().Grant(f.t2, f.NewGrant(f.t2, "g-2", f.ann, 11)).status().reason() ==
        "insufficient_points");
  REQUIRE(f.service().Grant(f.t2, f.NewGrant(f.t2, "g-3", f.ann, 10)).ok());
  // A member the server has never heard of is still unknown.
  CHECK(f.service().Grant(f.t2, f.NewGrant(f.t2, "g-4", f.bob, 1)).status().reason() ==
        "unknown_member");
  REQUIRE(f.service().FoldAll().ok());
  CHECK(f.Member(f.ann).balance == 100);
}

TEST_CASE("FoldIfDue waits while pushes keep coming, up to the longest lag allowed") {
  ServiceFixture f([](SyncServiceOptions& options) {
    options.fold_in_background = true;
    options.fold.idle_ms = 100;
    options.fold.max_lag_ms = 1'000;
  });
  int64_t seq = 0;
  auto push_one = [&] {
    PushRequest push = f.NewPush(f.t1);
    push.entries = {f.Earn(f.t1, ++seq, f.ann, 1)};
    REQUIRE(f.service().Push(f.t1, push).ok());
  };
  push_one();
  CHECK_FALSE(f.service().FoldIfDue().value());  // the push was just now
  // A push every 50 ms: never idle for 100 ms, so only the lag forces one.
  for (int i = 0; i < 19; ++i) {
    f.now_ms += 50;
    push_one();
    CHECK_FALSE(f.service().FoldIfDue().value());
    CHECK(f.service().FoldState().oldest_pending_ms == (i + 1) * 50);
  }
  f.now_ms += 50;  // the first push is now 1,000 ms old
  push_one();
  CHECK(f.service().FoldIfDue().value());
  CHECK(f.service().FoldState().folded_seq == 21);
  CHECK(f.service().FoldState().oldest_pending_ms == 0);
  CHECK(f.Member(f.ann).balance == 21);

  push_one();
  f.now_ms += 99;
  CHECK_FALSE(f.service().FoldIfDue().value());
  f.now_ms += 1;  // idle for 100 ms
  CHECK(f.service().FoldIfDue().value());
  CHECK(f.Member(f.ann).balance == 22);
  CHECK_FALSE(f.service().FoldIfDue().value());  // nothing left
}

TEST_CASE("what was pushed and not folded before a restart is folded after it") {
  ServiceFixture f = BackgroundFixture();
  PushRequest push = f.NewPush(f.t1);
  push.profile_changes = {f.Change(f.t1, 1, f.ann, "name", "\"Ann\"", kNow)};
  push.entries = {f.Earn(f.t1, 1, f.ann, 10)};
  REQUIRE(f.service().Push(f.t1, push).ok());
  f.Restart();
  // A new process knows nothing of the pushes' times: it folds at once.
  CHECK(f.service().FoldIfDue().value());
  CHECK(f.Member(f.ann).name.value == "Ann");
  CHECK(f.Member(f.ann).balance == 10);
}

}  // namespace
}  // namespace patron::sync
