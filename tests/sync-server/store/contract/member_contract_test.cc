// Store contract: The member role (member_store.h): member rows, paging, queued profile changes,
// the fold watermark. Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::TempDir;

TEST_CASE_TEMPLATE("members round-trip every field and are replaced by id", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  MemberRecord full;
  MemberState& m = full.state;
  m.member_id = "0190a7e4-0000-7000-8000-000000000001";
  m.phone = "+447700900001";
  m.card = "CARD-1";
  m.status = "merged";
  m.enrolled_store = "S002";
  m.enrolled_ms = 1'700'000'000'123;
  m.name = {"Zoë O'Brien", HlcTimestamp::FromParts(10, 1), "S002-T01"};
  m.birthday = {"1990-02-03", HlcTimestamp::FromParts(11, 2), "S002-T02"};
  m.email = {std::nullopt, HlcTimestamp::FromParts(12, 3), "server"};
  m.gender = {"x", HlcTimestamp::FromParts(13, 4), "S001-T01"};
  m.sms_consent = {true, HlcTimestamp::FromParts(14, 5), "S002-T01"};
  m.email_consent = {false, HlcTimestamp::FromParts(15, 6), "S002-T03"};
  m.balance = -42;
  m.spend_minor = 123'456;
  m.tier = "gold";
  m.tier_until_ms = 1'731'000'000'000;
  full.server_rights = 77;
  full.review_at_ms = 1'730'000'000'000;
  full.upgrade = {"S001-T01/7", {"silver", 1'729'000'000'000}};
  MemberRecord bare = Member("m-bare", 0);  // optional fields unset
  {
    auto txn = Write(*store);
    m.version = txn->NextSeq().value();
    bare.state.version = txn->NextSeq().value();
    REQUIRE(txn->PutMember(full).ok());
    REQUIRE(txn->PutMember(bare).ok());
    REQUIRE(txn->Commit().ok());
  }
  {
    auto txn = Read(*store);
    const auto found = txn->FindMember(m.member_id).value();
    REQUIRE(found.has_value());
    CHECK(found->state == m);
    CHECK(found->server_rights == 77);
    CHECK(found->review_at_ms == 1'730'000'000'000);
    CHECK(found->upgrade == TierUpgrade{"S001-T01/7", {"silver", 1'729'000'000'000}});
    CHECK(txn->FindMember("m-bare").value()->state == bare.state);
    CHECK_FALSE(txn->FindMember("nobody").value().has_value());
  }
  auto txn = Write(*store);
  MemberRecord changed = full;
  changed.state.phone.reset();
  changed.state.name.value = "Zoe";
  changed.state.balance = 10;
  changed.state.version = txn->NextSeq().value();
  changed.server_rights = 3;
  REQUIRE(txn->PutMember(changed).ok());
  const auto found = txn->FindMember(m.member_id).value();
  CHECK(found->state == changed.state);
  CHECK(found->server_rights == 3);

  // A version already used by another member is refused, and that member
  // survives (no REPLACE of the other row).
  MemberRecord clash = Member("m-clash", bare.state.version);
  CHECK(txn->PutMember(clash).IsConflict());
  CHECK(txn->FindMember("m-bare").value().has_value());
  CHECK(txn->MembersAfter(0, 10).value().size() == 2);
}

TEST_CASE_TEMPLATE("members due for review come soonest first, never those at 0", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  const std::vector<std::pair<std::string, int64_t>> reviews = {
      {"m-late", 3000}, {"m-never", 0}, {"m-soon", 1000}, {"m-later", 9000}, {"m-mid", 2000}};
  for (const auto& [id, review_at_ms] : reviews) {
    MemberRecord member = Member(id, txn->NextSeq().value());
    member.review_at_ms = review_at_ms;
    REQUIRE(txn->PutMember(member).ok());
  }
  CHECK(txn->MembersDueForReview(3000, 10).value() ==
        std::vector<std::string>{"m-soon", "m-mid", "m-late"});
  CHECK(txn->MembersDueForReview(3000, 2).value() == std::vector<std::string>{"m-soon", "m-mid"});
  CHECK(txn->MembersDueForReview(999, 10).value().empty());
  CHECK(txn->MembersDueForReview(3000, 0).value().empty());
  REQUIRE(txn->SetReviewAt("m-soon", 0).ok());
  REQUIRE(txn->SetReviewAt("m-never", 500).ok());
  CHECK(txn->MembersDueForReview(3000, 10).value() ==
        std::vector<std::string>{"m-never", "m-mid", "m-late"});
  CHECK(txn->FindMember("m-never").value()->review_at_ms == 500);
}

TEST_CASE_TEMPLATE("members due for expiry come soonest first; their lots are kept", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  const std::vector<std::pair<std::string, int64_t>> due = {
      {"m-late", 300}, {"m-none", 0}, {"m-soon", 100}, {"m-mid", 200}};
  for (const auto& [id, day] : due) {
    MemberRecord member = Member(id, txn->NextSeq().value());
    member.expiry_due_day = day;
    member.state.lots.lots = {Lot{LotDays{day == 0 ? kNeverExpires : day - 1, 0}, 40, 0}};
    member.state.lots.debt = day / 100;
    REQUIRE(txn->PutMember(member).ok());
  }
  CHECK(txn->MembersDueForExpiry(200, 10).value() == std::vector<std::string>{"m-soon", "m-mid"});
  CHECK(txn->MembersDueForExpiry(300, 1).value() == std::vector<std::string>{"m-soon"});
  CHECK(txn->MembersDueForExpiry(99, 10).value().empty());
  CHECK(txn->MembersDueForExpiry(300, 0).value().empty());
  const std::optional<MemberRecord> late = txn->FindMember("m-late").value();
  REQUIRE(late);
  CHECK(late->expiry_due_day == 300);
  CHECK(late->state.lots.lots == std::vector<Lot>{Lot{LotDays{299, 0}, 40, 0}});
  CHECK(late->state.lots.debt == 3);
}

TEST_CASE_TEMPLATE("HeldTiers lists each tier members are held at, once", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  CHECK(txn->HeldTiers().value().empty());
  const std::vector<std::tuple<std::string, std::string, int64_t>> members = {
      {"m-1", "gold", 5000}, {"m-2", "silver", 4000}, {"m-3", "gold", 6000}, {"m-4", "regular", 0}};
  for (const auto& [id, tier, until_ms] : members) {
    MemberRecord member = Member(id, txn->NextSeq().value());
    member.state.tier = tier;
    member.state.tier_until_ms = until_ms;
    REQUIRE(txn->PutMember(member).ok());
  }
  CHECK(txn->HeldTiers().value() == std::vector<std::string>{"gold", "silver"});
}

TEST_CASE_TEMPLATE("MembersAfter pages in version order with a limit", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    // Ids in the opposite order of versions, so id order would be wrong.
    for (int i = 0; i < 10; ++i) {
      REQUIRE(txn->PutMember(Member("m" + std::to_string(9 - i), txn->NextSeq().value())).ok());
    }
    // Re-putting m9 moves it to the end of the stream.
    REQUIRE(txn->PutMember(Member("m9", txn->NextSeq().value())).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  std::vector<std::string> ids;
  std::vector<int64_t> versions;
  int64_t cursor = 0;
  while (true) {
    auto page = txn->MembersAfter(cursor, 3).value();
    if (page.empty()) break;
    CHECK(page.size() <= 3);
    for (const MemberState& m : page) {
      ids.push_back(m.member_id);
      versions.push_back(m.version);
    }
    cursor = page.back().version;
  }
  CHECK(ids ==
        std::vector<std::string>{"m8", "m7", "m6", "m5", "m4", "m3", "m2", "m1", "m0", "m9"});
  CHECK(versions == std::vector<int64_t>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  CHECK(txn->MembersAfter(9, 100).value().size() == 2);
  CHECK(txn->MembersAfter(0, 0).value().empty());
  CHECK(txn->MembersAfter(11, 100).value().empty());
}

TEST_CASE_TEMPLATE("the fold's watermark and queued profile changes persist with the commit", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const HlcTimestamp stamp = HlcTimestamp::FromParts(1'700'000'000'000, 3);
  {
    auto txn = Write(*store);
    CHECK(txn->FoldedSeq().value() == 0);
    for (int i = 1; i <= 3; ++i) {
      ProfileChange c{0,         "m" + std::to_string(i), "name", "N" + std::to_string(i), stamp,
                      "S001-T01"};
      REQUIRE(txn->QueueProfileChange({txn->NextSeq().value(), c}).ok());
    }
    REQUIRE(txn->SetFoldedSeq(1).ok());
    REQUIRE(txn->Commit().ok());
  }
  {
    auto txn = Write(*store);
    CHECK(txn->FoldedSeq().value() == 1);
    const std::vector<QueuedProfileChange> queued = txn->QueuedProfileChanges(1, 3).value();
    REQUIRE(queued.size() == 2);
    CHECK(queued[0].seq == 2);
    CHECK(queued[0].change == ProfileChange{0, "m2", "name", std::string("N2"), stamp, "S001-T01"});
    CHECK(queued[1].change.member_id == "m3");
    REQUIRE(txn->DropQueuedProfileChanges(2).ok());
    CHECK(txn->QueuedProfileChanges(0, 3).value().size() == 1);
    // Rolled back: the drop and anything else in it are gone.
  }
  auto txn = Read(*store);
  CHECK(txn->QueuedProfileChanges(0, 3).value().size() == 3);
  CHECK(txn->FoldedSeq().value() == 1);
}

}  // namespace
}  // namespace patron::sync::contract
