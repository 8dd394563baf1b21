#include "patron/sync_server/sync_service.h"

#include <doctest/doctest.h>

#include "service/service_fixture.h"

namespace patron::sync {
namespace {

TEST_CASE("tokens authenticate their terminal; wrong or missing tokens do not") {
  ServiceFixture f;
  CHECK(f.t1.terminal_id == "S001-T01");
  CHECK(f.t1.store_id == "S001");
  CHECK(f.service().Authenticate("").status().reason() == "missing_token");
  CHECK(f.service().Authenticate("Bearer nope").status().reason() == "invalid_token");
  CHECK(f.service().Authenticate("Bearer nope").status().code() == StatusCode::kUnauthenticated);
  // Re-registration rotates the token; the store cannot change.
  auto again = f.service().RegisterTerminal("S001-T01", "S001");
  REQUIRE(again.ok());
  CHECK(f.service().Authenticate("Bearer " + again->token)->terminal_id == "S001-T01");
  CHECK(f.service().Authenticate("bEaReR  " + again->token)->terminal_id == "S001-T01");
  // The scheme is required: a bare token or another scheme is refused.
  CHECK(f.service().Authenticate(again->token).status().reason() == "invalid_token");
  CHECK(f.service().Authenticate("Basic " + again->token).status().reason() == "invalid_token");
  CHECK(f.service().Authenticate("Bearer").status().reason() == "invalid_token");
  CHECK(f.service().RegisterTerminal("S001-T01", "S009").status().reason() ==
        "terminal_store_mismatch");
  CHECK(f.service().RegisterTerminal("server", "S001").status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("push inserts by id: ok, then exists on retry, conflict on different content") {
  ServiceFixture f;
  PushRequest push = f.NewPush(f.t1);
  push.entries = {f.Earn(f.t1, 1, f.ann, 100), f.Earn(f.t1, 2, f.ann, 50)};
  auto first = f.service().Push(f.t1, push);
  REQUIRE(first.ok());
  REQUIRE(first->entries.size() == 2);
  CHECK(first->entries[0].outcome == PushOutcome::kOk);
  CHECK(first->entries[1].seq > first->entries[0].seq);
  CHECK_FALSE(first->epoch.empty());

  auto retry = f.service().Push(f.t1, push);
  REQUIRE(retry.ok());
  CHECK(retry->entries[0].outcome == PushOutcome::kExists);
  CHECK(retry->entries[0].seq == first->entries[0].seq);
  CHECK(f.Member(f.ann).balance == 150);

  PushRequest changed = f.NewPush(f.t1);
  changed.entries = {f.Earn(f.t1, 1, f.ann, 999)};
  auto conflict = f.service().Push(f.t1, changed);
  REQUIRE(conflict.ok());
  CHECK(conflict->entries[0].outcome == PushOutcome::kConflict);
  CHECK(f.Member(f.ann).balance == 150);
  CHECK(f.service().counters().entries_conflict == 1);
}

TEST_CASE("a terminal cannot push another terminal's entries, and nothing is applied") {
  ServiceFixture f;
  PushRequest push = f.NewPush(f.t1);
  push.entries = {f.Earn(f.t1, 1, f.ann, 100), f.Earn(f.t2, 1, f.ann, 100)};
  auto refused = f.service().Push(f.t1, push);
  CHECK(refused.status().code() == StatusCode::kPermissionDenied);
  CHECK(refused.status().reason() == "foreign_origin");
  PushRequest as_other = f.NewPush(f.t2);
  CHECK(f.service().Push(f.t1, as_other).status().reason() == "terminal_mismatch");
  auto page = f.service().Pull(f.t1, f.NewPull(f.t1));
  REQUIRE(page.ok());
  CHECK(page->members.empty());
}

TEST_CASE("a chain key mismatch is refused loudly") {
  ServiceFixture f;
  PushRequest push = f.NewPush(f.t1);
  push.chain_key_fingerprint = ChainKeyFingerprint("another chain");
  CHECK(f.service().Push(f.t1, push).status().reason() == "chain_key_mismatch");
  PullRequest pull = f.NewPull(f.t1);
  pull.chain_key_fingerprint = "0000";
  CHECK(f.service().Pull(f.t1, pull).status().reason() == "chain_key_mismatch");
}

TEST_CASE("invalid entries are refused as a whole") {
  ServiceFixture f;
  PushRequest push = f.NewPush(f.t1);
  LedgerEntry bad = f.Earn(f.t1, 2, f.ann, -5);  // an earn cannot be negative
  push.entries = {f.Earn(f.t1, 1, f.ann, 10), bad};
  CHECK(f.service().Push(f.t1, push).status().code() == StatusCode::kInvalidArgument);
  LedgerEntry grant_to_self = f.Earn(f.t1, 3, f.ann, 10);
  grant_to_self.kind = EntryKind::kTransfer;
  grant_to_self.to_holder = "S002-T01";
  grant_to_self.amount_minor = 0;
  push.entries = {grant_to_self};
  CHECK(f.service().Push(f.t1, push).status().reason() == "invalid_transfer");
}

TEST_CASE("pull pages member rows in version order, coalesced, and follows the cursor") {
  ServiceFixture f;
  PushRequest push = f.NewPush(f.t1);
  for (int i = 0; i < 5; ++i) {
    push.entries.push_back(f.Earn(f.t1, i + 1, i % 2 == 0 ? f.ann : f.bob, 10));
  }
  REQUIRE(f.service().Push(f.t1, push).ok());
  auto all = f.service().Pull(f.t2, f.NewPull(f.t2));
  REQUIRE(all.ok());
  REQUIRE(all->members.size() == 2);  // five changes, two members
  CHECK(all->members[0].version < all->members[1].version);
  CHECK_FALSE(all->more);
  int64_t total = 0;
  for (const MemberState& m : all->members) total += m.balance;
  CHECK(total == 50);

  auto first = f.service().Pull(f.t2, f.NewPull(f.t2, {}, 1));
  REQUIRE(first.ok());
  REQUIRE(first->members.size() == 1);
  CHECK(first->more);
  auto second = f.service().Pull(f.t2, f.NewPull(f.t2, first->next, 1));
  REQUIRE(second.ok());
  REQUIRE(second->members.size() == 1);
  CHECK_FALSE(second->more);
  CHECK(second->members[0].member_id != first->members[0].member_id);
  auto nothing = f.service().Pull(f.t2, f.NewPull(f.t2, second->next));
  REQUIRE(nothing.ok());
  CHECK(nothing->members.empty());
  CHECK(nothing->next == second->next);
}

TEST_CASE("a cursor from another epoch or beyond the history must re-bootstrap") {
  ServiceFixture f;
  auto page = f.service().Pull(f.t1, f.NewPull(f.t1));
  REQUIRE(page.ok());
  Cursor foreign{"another-epoch", 0};
  CHECK(f.service().Pull(f.t1, f.NewPull(f.t1, foreign)).status().reason() == "cursor_reset");
  Cursor ahead{page->epoch, 1'000};
  auto reset = f.service().Pull(f.t1, f.NewPull(f.t1, ahead));
  CHECK(reset.status().code() == StatusCode::kConflict);
  CHECK(reset.status().reason() == "cursor_reset");
}

TEST_CASE("profile registers merge last-writer-wins by (hlc, origin) whatever the order") {
  ServiceFixture f;
  PushRequest later = f.NewPush(f.t2);
  later.profile_changes = {f.Change(f.t2, 1, f.ann, "name", "\"Ann (T2)\"", kNow - 1'000)};
  PushRequest earlier = f.NewPush(f.t1);
  earlier.profile_changes = {
      f.Change(f.t1, 1, f.ann, "identity",
               R"({"phone":"+14155550100","card":null,"enrolled_store":"S001","enrolled_ms":5})",
               kNow - 5'000),
      f.Change(f.t1, 2, f.ann, "name", "\"Ann (T1)\"", kNow - 2'000),
      f.Change(f.t1, 3, f.ann, "sms_consent", "true", kNow - 2'000)};
  REQUIRE(f.service().Push(f.t2, later).ok());
  auto acks = f.service().Push(f.t1, earlier);
  REQUIRE(acks.ok());
  CHECK(acks->profile_changes[1].outcome == PushOutcome::kOk);  // accepted, but older
  MemberState ann = f.Member(f.ann);
  CHECK(ann.name.value == "Ann (T2)");
  CHECK(ann.sms_consent.value);
  CHECK(ann.phone == "+14155550100");
  CHECK(ann.enrolled_store == "S001");

  PushRequest bad = f.NewPush(f.t1);
  bad.profile_changes = {f.Change(f.t1, 4, f.ann, "favourite_colour", "\"red\"", kNow)};
  CHECK(f.service().Push(f.t1, bad).status().reason() == "invalid_profile_change");
}

TEST_CASE("a profile write stamped far in the future is restamped, and the ack says so") {
  ServiceFixture f;
  PushRequest push = f.NewPush(f.t1);
  const int64_t year_ahead = kNow + 365LL * 24 * 3600 * 1000;
  push.profile_changes = {f.Change(f.t1, 1, f.ann, "email", "\"a@b.co\"", year_ahead)};
  auto acks = f.service().Push(f.t1, push);
  REQUIRE(acks.ok());
  const HlcTimestamp accepted = acks->profile_changes[0].accepted_hlc;
  // Restamped with the server's clock: now, not a year ahead.
  CHECK(accepted.physical_ms() >= kNow);
  CHECK(accepted.physical_ms() <= kNow + 5 * 60 * 1000);
  CHECK(f.Member(f.ann).email.hlc == accepted);
  // A write from another terminal an hour from now still wins over it.
  PushRequest next = f.NewPush(f.t2);
  next.profile_changes = {f.Change(f.t2, 1, f.ann, "email", "\"new@b.co\"", kNow + 3'600'000)};
  REQUIRE(f.service().Push(f.t2, next).ok());
  CHECK(f.Member(f.ann).email.value == "new@b.co");
}

TEST_CASE("the server's clock continues above its saved mark after a restart") {
  ServiceFixture f;
  // A terminal four minutes ahead (within the allowed drift) pulls the
  // server's clock along with its push.
  PushRequest push = f.NewPush(f.t1);
  push.hlc = HlcTimestamp::FromParts(kNow + 4 * 60 * 1000, 0);
  push.profile_changes = {f.Change(f.t1, 1, f.ann, "name", "\"Ann\"", kNow)};
  auto before = f.service().Push(f.t1, push);
  REQUIRE(before.ok());
  REQUIRE(before->server_hlc > push.hlc);

  // Restarted with the wall clock where it was: a write the server restamps
  // must still order after everything the server stamped before.
  f.Restart();
  PushRequest far = f.NewPush(f.t2);
  const int64_t year_ahead = kNow + 365LL * 24 * 3600 * 1000;
  far.profile_changes = {f.Change(f.t2, 1, f.ann, "name", "\"Bea\"", year_ahead)};
  auto after = f.service().Push(f.t2, far);
  REQUIRE(after.ok());
  CHECK(after->profile_changes[0].accepted_hlc > before->server_hlc);
  CHECK(f.Member(f.ann).name.value == "Bea");

  // Likewise a grant's transfer after another restart.
  PushRequest earn = f.NewPush(f.t1);
  earn.entries = {f.Earn(f.t1, 1, f.ann, 100), f.HandBack(f.t1, 2, f.ann, 100)};
  auto earned = f.service().Push(f.t1, earn);
  REQUIRE(earned.ok());
  f.Restart();
  auto granted = f.service().Grant(f.t2, f.NewGrant(f.t2, "S002-T01/R-1", f.ann, 50));
  REQUIRE(granted.ok());
  CHECK(granted->transfer.hlc > earned->server_hlc);
}

TEST_CASE("two far-future writes of one field in one push keep their order") {
  // Both used to be clamped to one ceiling stamp: the server kept the
  // first, and the terminal, adopting that stamp, the second (found by the
  // simulation; see tests/sim/sim_test.cc).
  ServiceFixture f;
  PushRequest push = f.NewPush(f.t1);
  const int64_t ahead = kNow + 187LL * 24 * 3600 * 1000;
  push.profile_changes = {f.Change(f.t1, 1, f.ann, "email", "null", ahead),
                          f.Change(f.t1, 2, f.ann, "email", "\"late@b.co\"", ahead + 1)};
  auto acks = f.service().Push(f.t1, push);
  REQUIRE(acks.ok());
  REQUIRE(acks->profile_changes.size() == 2);
  CHECK(acks->profile_changes[0].accepted_hlc < acks->profile_changes[1].accepted_hlc);
  CHECK(f.Member(f.ann).email.value == "late@b.co");
  CHECK(f.Member(f.ann).email.hlc == acks->profile_changes[1].accepted_hlc);
}

TEST_CASE("a profile write that loses still gives the member a new version") {
  // Its writer shows the losing value until it pulls the member again: the
  // new version makes sure it does.
  ServiceFixture f;
  PushRequest first = f.NewPush(f.t1);
  first.profile_changes = {f.Change(f.t1, 1, f.ann, "name", "\"Ann\"", kNow + 120'000)};
  REQUIRE(f.service().Push(f.t1, first).ok());
  const int64_t version = f.Member(f.ann).version;
  PushRequest older = f.NewPush(f.t2);
  older.profile_changes = {f.Change(f.t2, 1, f.ann, "name", "\"Anne\"", kNow)};
  auto acks = f.service().Push(f.t2, older);
  REQUIRE(acks.ok());
  CHECK(f.Member(f.ann).name.value == "Ann");
  CHECK(f.Member(f.ann).version > version);
  CHECK(acks->profile_changes[0].seq == f.Member(f.ann).version);
  // The very same write again (a retry) changes no register; like every
  // change it is acknowledged with a seq the member's version then reaches.
  const MemberState before = f.Member(f.ann);
  auto retried = f.service().Push(f.t1, first);
  REQUIRE(retried.ok());
  MemberState after = f.Member(f.ann);
  CHECK(after.version == retried->profile_changes[0].seq);
  after.version = before.version;
  CHECK(after == before);
}

TEST_CASE("a grant is the server's rights less every other terminal's deficit") {
  // A terminal earns 500 and hands 300 back; a refund there then reverses
  // 400, leaving its rights at -200. Another terminal earns 100 of its own.
  // The server holds 300 rights and the balance is 200, but granting more
  // than 300 - 200 = 100 would let the tills together spend more than the
  // member has (found by the simulation; see tests/sim/sim_test.cc).
  ServiceFixture f;
  PushRequest push = f.NewPush(f.t1);
  LedgerEntry earn = f.Earn(f.t1, 1, f.ann, 500);
  LedgerEntry handback = f.HandBack(f.t1, 2, f.ann, 300);
  LedgerEntry reversal = f.Earn(f.t1, 3, f.ann, -400);
  reversal.kind = EntryKind::kReverse;
  reversal.amount_minor = -40'000;
  reversal.sale_ref = earn.sale_ref;
  reversal.ref_entry = earn.entry_id;
  push.entries = {earn, handback, reversal};
  auto pushed = f.service().Push(f.t1, push);
  REQUIRE_MESSAGE(pushed.ok(), pushed.status().ToString());
  PushRequest other = f.NewPush(f.t2);
  other.entries = {f.Earn(f.t2, 1, f.ann, 100)};
  REQUIRE(f.service().Push(f.t2, other).ok());
  CHECK(f.Member(f.ann).balance == 200);

  CHECK(f.service().Grant(f.t2, f.NewGrant(f.t2, "g-1", f.ann, 101)).status().reason() ==
        "insufficient_points");
  CHECK(f.service().Grant(f.t2, f.NewGrant(f.t2, "g-1", f.ann, 100)).ok());
  // The terminal in deficit may get what is left: the grant fills its hole
  // first (its rights go from -200 to 0), so the tills can still spend only
  // the 200 the member has.
  CHECK(f.service().Grant(f.t1, f.NewGrant(f.t1, "g-2", f.ann, 201)).status().reason() ==
        "insufficient_points");
  CHECK(f.service().Grant(f.t1, f.NewGrant(f.t1, "g-2", f.ann, 200)).ok());
}

TEST_CASE("grants move only the rights the server holds, once per request id") {
  ServiceFixture f;
  PushRequest push = f.NewPush(f.t1);
  push.entries = {f.Earn(f.t1, 1, f.ann, 500), f.HandBack(f.t1, 2, f.ann, 300)};
  REQUIRE(f.service().Push(f.t1, push).ok());

  GrantRequest grant = f.NewGrant(f.t2, "S002-T01/R-9", f.ann, 301);
  CHECK(f.service().Grant(f.t2, grant).status().reason() == "insufficient_points");
  grant.points = 200;
  auto granted = f.service().Grant(f.t2, grant);
  REQUIRE(granted.ok());
  CHECK(granted->transfer.kind == EntryKind::kTransfer);
  CHECK(granted->transfer.origin == "server");
  CHECK(granted->transfer.to_holder == "S002-T01");
  CHECK(ValidateEntry(granted->transfer).ok());
  auto again = f.service().Grant(f.t2, grant);
  REQUIRE(again.ok());
  CHECK(again->transfer == granted->transfer);
  grant.points = 100;
  CHECK(f.service().Grant(f.t2, grant).status().reason() == "grant_request_conflict");
  grant.request_id = "S002-T01/R-10";
  CHECK(f.service().Grant(f.t2, grant).ok());
  grant.request_id = "S002-T01/R-11";
  grant.points = 1;
  CHECK(f.service().Grant(f.t2, grant).status().reason() == "insufficient_points");
  CHECK(f.Member(f.ann).balance == 500);  // transfers never change the balance

  // The grant travels to its terminal in the pull stream as well.
  auto page = f.service().Pull(f.t2, f.NewPull(f.t2));
  REQUIRE(page.ok());
  REQUIRE(page->items.size() == 2);
  CHECK(static_cast<const LedgerEntry&>(page->items[0]) == granted->transfer);
  CHECK(page->items[0].visible_seq == granted->seq);
  auto other = f.service().Pull(f.t1, f.NewPull(f.t1));
  CHECK(other->items.empty());
}

TEST_CASE("the store report counts members, sales and points per store") {
  ServiceFixture f;
  PushRequest push = f.NewPush(f.t1);
  push.profile_changes = {f.Change(
      f.t1, 1, f.ann, "identity",
      R"({"phone":"+14155550100","card":null,"enrolled_store":"S001","enrolled_ms":5})", kNow)};
  push.entries = {f.Earn(f.t1, 1, f.ann, 100), f.Earn(f.t1, 2, f.bob, 40)};
  REQUIRE(f.service().Push(f.t1, push).ok());
  auto report = f.service().StoreReport();
  REQUIRE(report.ok());
  bool found = false;
  for (const StoreFigures& store : *report) {
    if (store.store_id != "S001") continue;
    found = true;
    CHECK(store.members_enrolled == 1);
    CHECK(store.sales == 2);
    CHECK(store.points_earned == 140);
    CHECK(store.points_outstanding == 140);
  }
  CHECK(found);
}

}  // namespace
}  // namespace patron::sync
