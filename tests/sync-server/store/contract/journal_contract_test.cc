// Store contract: The journal role (journal_store.h): entries, the member index, grants.
// Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::TempDir;

TEST_CASE_TEMPLATE("entries round-trip every field; a duplicate id is a Conflict", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  LedgerEntry e =
      Entry("S001-T01", 7, "0190a7e4-0000-7000-8000-000000000001", EntryKind::kReverse, -25);
  e.amount_minor = -1234;
  e.currency = "CNY";
  e.sale_ref = "R-0042";
  e.ref_entry = "S001-T01/3";
  e.hlc = HlcTimestamp::FromParts(HlcTimestamp::kMaxPhysicalMs, HlcTimestamp::kMaxCounter);
  e.wall_ms = -5;
  e.rule_version = 99;
  e.detail.tier = "日本";
  e.detail.multiplier_bp = 15'000;
  e.detail.paid_minor = 1234;
  LedgerEntry t = Transfer("server", 1, "m2", "S002-T01", 15);
  {
    auto txn = Write(*store);
    CHECK(Insert(*txn, e) == 1);
    CHECK(Insert(*txn, t) == 2);
    const auto in_txn = txn->FindEntry(e.entry_id).value();
    REQUIRE(in_txn.has_value());
    CHECK(in_txn->entry == e);

    LedgerEntry again = e;
    again.points = -26;
    // A second entry with the same id is not stored, whatever it holds.
    CHECK_FALSE(txn->InsertEntryIfNew(again, txn->NextSeq().value()).value());
    CHECK(txn->FindEntry(e.entry_id).value()->entry == e);
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  const auto found = txn->FindEntry(e.entry_id).value();
  REQUIRE(found.has_value());
  CHECK(found->entry == e);
  CHECK(found->seq == 1);
  CHECK(txn->FindEntry(t.entry_id).value()->entry == t);
  CHECK_FALSE(txn->FindEntry("S001-T01/8").value().has_value());
  CHECK(txn->CountEntries().value() == 2);
}

TEST_CASE_TEMPLATE("EntriesTo returns the transfers to one holder in (after, through], by seq",
                   Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  Insert(*txn, Transfer("server", 1, "m1", "S001-T01", 5));       // seq 1
  Insert(*txn, Transfer("server", 2, "m1", "S001-T02", 5));       // seq 2: other holder
  Insert(*txn, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 9));  // seq 3: not a transfer
  Insert(*txn, Transfer("server", 3, "m2", "S001-T01", 7));       // seq 4
  Insert(*txn, Transfer("S001-T01", 2, "m1", "server", 4));       // seq 5: from, not to
  Insert(*txn, Transfer("server", 4, "m3", "S001-T01", 8));       // seq 6

  auto seqs = [&](int64_t after, int64_t through) {
    std::vector<int64_t> out;
    const std::vector<StoredEntry> entries = txn->EntriesTo("S001-T01", after, through).value();
    for (const StoredEntry& s : entries) {
      CHECK(s.entry.to_holder == "S001-T01");
      out.push_back(s.seq);
    }
    return out;
  };
  CHECK(seqs(0, 6) == std::vector<int64_t>{1, 4, 6});
  CHECK(seqs(1, 6) == std::vector<int64_t>{4, 6});
  CHECK(seqs(1, 5) == std::vector<int64_t>{4});
  CHECK(seqs(6, 100).empty());
  CHECK(txn->EntriesTo("server", 0, 6).value().at(0).entry.entry_id == "S001-T01/2");
}

TEST_CASE_TEMPLATE("SpendSince sums the member's amount_minor from a wall time on", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  auto spend = [](LedgerEntry e, int64_t wall_ms, int64_t amount_minor) {
    e.wall_ms = wall_ms;
    e.amount_minor = amount_minor;
    return e;
  };
  Insert(*txn, spend(Entry("S001-T01", 1, "m1", EntryKind::kEarn, 10), 1000, 5000));
  Insert(*txn, spend(Entry("S001-T01", 2, "m1", EntryKind::kEarn, 10), 2000, 3000));
  Insert(*txn, spend(Entry("S001-T01", 3, "m1", EntryKind::kReverse, -5), 3000, -1000));
  Insert(*txn, spend(Entry("S001-T01", 4, "m2", EntryKind::kEarn, 10), 2500, 7000));
  CHECK(txn->SpendSince("m1", 0).value().spend_minor == 0);  // not filed under the member yet
  REQUIRE(txn->IndexByMember(txn->EntriesBetween(0, 4).value()).ok());
  CHECK(txn->SpendSince("m1", 0).value().spend_minor == 7000);
  CHECK(txn->SpendSince("m1", 2000).value().spend_minor == 2000);
  CHECK(txn->SpendSince("m1", 2001).value().spend_minor == -1000);
  CHECK(txn->SpendSince("m1", 3001).value().spend_minor == 0);
  CHECK(txn->SpendSince("nobody", 0).value().spend_minor == 0);
  // When the sum next changes: the earliest entry it counts leaves the window.
  CHECK(txn->SpendSince("m1", 0).value().earliest_ms == 1000);
  CHECK(txn->SpendSince("m1", 1001).value().earliest_ms == 2000);
  CHECK(txn->SpendSince("m1", 3001).value().earliest_ms == 0);
}

TEST_CASE_TEMPLATE("EntriesOfMember lists a member's entries, folded or not, once each, by seq",
                   Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const auto seqs = [](const std::vector<StoredEntry>& entries) {
    std::vector<int64_t> out;
    for (const StoredEntry& e : entries) out.push_back(e.seq);
    return out;
  };
  {
    auto txn = Write(*store);
    Insert(*txn, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 10));
    Insert(*txn, Entry("S001-T01", 2, "m2", EntryKind::kEarn, 10));
    Insert(*txn, Entry("S001-T01", 3, "m1", EntryKind::kRedeem, -5));
    // Nothing folded yet: found in the tail past the watermark.
    CHECK(seqs(txn->EntriesOfMember("m1").value()) == std::vector<int64_t>{1, 3});
    REQUIRE(txn->IndexByMember(txn->EntriesBetween(0, 3).value()).ok());
    REQUIRE(txn->SetFoldedSeq(3).ok());
    Insert(*txn, Entry("S002-T01", 1, "m1", EntryKind::kEarn, 7));
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  const std::vector<StoredEntry> mine = txn->EntriesOfMember("m1").value();
  CHECK(seqs(mine) == std::vector<int64_t>{1, 3, 4});
  CHECK(mine[2].entry == Entry("S002-T01", 1, "m1", EntryKind::kEarn, 7));
  CHECK(txn->EntriesOfMember("nobody").value().empty());
}

TEST_CASE_TEMPLATE("grants are found by (terminal, request) and inserted once", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    // The grant may be written before its transfer: checked at COMMIT.
    REQUIRE(txn->InsertGrant({"S001-T01", "req-1", "server/1"}).ok());
    Insert(*txn, Transfer("server", 1, "m1", "S001-T01", 5));
    CHECK(txn->InsertGrant({"S001-T01", "req-1", "server/1"}).IsConflict());
    REQUIRE(txn->Commit().ok());
  }
  {
    auto txn = Read(*store);
    const auto grant = txn->FindGrant("S001-T01", "req-1").value();
    REQUIRE(grant.has_value());
    CHECK(grant->terminal_id == "S001-T01");
    CHECK(grant->request_id == "req-1");
    CHECK(grant->entry_id == "server/1");
    CHECK_FALSE(txn->FindGrant("S001-T02", "req-1").value().has_value());
    CHECK_FALSE(txn->FindGrant("S001-T01", "req-2").value().has_value());
  }
  auto txn = Write(*store);
  REQUIRE(txn->InsertGrant({"S001-T02", "req-1", "server/404"}).ok());
  CHECK(txn->Commit().IsConflict());  // names a transfer that does not exist
  CHECK_FALSE(Read(*store)->FindGrant("S001-T02", "req-1").value().has_value());
}


TEST_CASE_TEMPLATE(
    "EntriesBetween reads a sequence range; RightsByHolder counts filed and unfolded "
    "entries",
    Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  Insert(*txn, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 10));   // seq 1, filed
  Insert(*txn, Transfer("S001-T01", 2, "m1", "server", 4));         // seq 2, filed
  Insert(*txn, Entry("S001-T02", 1, "m1", EntryKind::kEarn, 3));    // seq 3, not folded
  Insert(*txn, Entry("S001-T01", 3, "m2", EntryKind::kEarn, 100));  // seq 4: other member
  Insert(*txn, Transfer("server", 1, "m1", "S001-T02", 1));         // seq 5, not folded
  const std::vector<StoredEntry> first = txn->EntriesBetween(0, 2).value();
  REQUIRE(first.size() == 2);
  CHECK(first[0].seq == 1);
  CHECK(first[1].entry.entry_id == "S001-T01/2");
  CHECK(txn->EntriesBetween(2, 5).value().size() == 3);
  CHECK(txn->EntriesBetween(5, 9).value().empty());

  // Nothing filed and the watermark at 0: every entry counts as unfolded.
  const std::map<std::string, int64_t> expected = {{"S001-T01", 6}, {"S001-T02", 4}, {"server", 3}};
  CHECK(txn->RightsByHolder("m1").value() == expected);
  // Entries 1 and 2 filed and folded, 3 and 5 after the watermark: the same.
  REQUIRE(txn->IndexByMember(first).ok());
  REQUIRE(txn->SetFoldedSeq(2).ok());
  CHECK(txn->RightsByHolder("m1").value() == expected);
  CHECK(txn->RightsByHolder("nobody").value().empty());
  // A watermark that would pass entries never filed hides them: the store
  // trusts the fold to file what it folds.
  REQUIRE(txn->SetFoldedSeq(5).ok());
  CHECK(txn->RightsByHolder("m1").value() ==
        std::map<std::string, int64_t>{{"S001-T01", 6}, {"server", 4}});
  CHECK(txn->SetFoldedSeq(4).IsInvalidArgument());  // never backwards
  CHECK(txn->SetFoldedSeq(6).IsInvalidArgument());  // never past the last seq
}

TEST_CASE_TEMPLATE(
    "RightsHeldBy counts one holder's own entries and the transfers to it, by member, "
    "leaving out members it holds nothing for",
    Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  Insert(*txn, Entry("S001-T1", 1, "m1", EntryKind::kEarn, 10));
  Insert(*txn, Entry("S001-T1", 2, "m2", EntryKind::kEarn, 30));
  Insert(*txn, Transfer("S001-T1", 3, "m2", "server", 30));  // handed back: m2 nets to 0
  Insert(*txn, Transfer("server", 1, "m3", "S001-T1", 7));   // a grant to it
  Insert(*txn, Entry("S001-T1", 4, "m3", EntryKind::kRedeem, -5));
  // Another terminal whose id begins with this one's, and its grant.
  Insert(*txn, Entry("S001-T10", 1, "m1", EntryKind::kEarn, 1'000));
  Insert(*txn, Transfer("server", 2, "m1", "S001-T10", 50));
  CHECK(txn->RightsHeldBy("S001-T1").value() ==
        std::map<std::string, int64_t>{{"m1", 10}, {"m3", 2}});
  CHECK(txn->RightsHeldBy("S001-T10").value() == std::map<std::string, int64_t>{{"m1", 1'050}});
  CHECK(txn->RightsHeldBy("S001-T2").value().empty());
}

TEST_CASE_TEMPLATE("ReversalsOf sums the reverses naming an entry, and one origin's among them",
                   Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const std::string m = "0190a7e4-0000-7000-8000-000000000001";
  const auto reverse = [&](const std::string& origin, int64_t seq, const std::string& of,
                           int64_t points, int64_t amount) {
    LedgerEntry e = Entry(origin, seq, m, EntryKind::kReverse, points);
    e.amount_minor = amount;
    e.ref_entry = of;
    return e;
  };
  auto txn = Write(*store);
  Insert(*txn, Entry("S001-T01", 1, m, EntryKind::kEarn, 100));
  CHECK(txn->ReversalsOf("S001-T01/1", "S001-T01").value() == ReversalSums{});
  Insert(*txn, reverse("S001-T01", 2, "S001-T01/1", -30, -3000));
  Insert(*txn, reverse("S002-T01", 1, "S001-T01/1", -100, -10'000));
  Insert(*txn, reverse("server", 1, "S001-T01/1", 30, 0));
  Insert(*txn, reverse("S001-T01", 3, "S001-T01/9", -5, 0));  // of another entry
  LedgerEntry earn_naming = Entry("S001-T01", 4, m, EntryKind::kEarn, 7);
  earn_naming.ref_entry = "S001-T01/1";  // not a reverse: not counted
  Insert(*txn, earn_naming);
  CHECK(txn->ReversalsOf("S001-T01/1", "S001-T01").value() ==
        ReversalSums{-100, -13'000, -30, -3000});
  CHECK(txn->ReversalsOf("S001-T01/1", "server").value() == ReversalSums{-100, -13'000, 30, 0});
  REQUIRE(txn->Commit().ok());
  CHECK(Read(*store)->ReversalsOf("S001-T01/9", "S002-T01").value() ==
        ReversalSums{-5, 0, 0, 0});
}

TEST_CASE_TEMPLATE("CountBonuses counts one till's bonus entries of a sale and campaign", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const std::string m = "0190a7e4-0000-7000-8000-000000000001";
  const auto bonus = [&](const std::string& origin, int64_t seq, const std::string& sale_ref,
                         const std::string& campaign) {
    LedgerEntry e = Entry(origin, seq, m, EntryKind::kBonus, 50);
    e.sale_ref = sale_ref;
    e.detail.campaign_id = campaign;
    return e;
  };
  auto txn = Write(*store);
  CHECK(txn->CountBonuses("S001-T01", "R1", "member-day").value() == 0);
  Insert(*txn, bonus("S001-T01", 1, "R1", "member-day"));
  Insert(*txn, bonus("S001-T01", 2, "R1", "welcome"));
  Insert(*txn, bonus("S001-T01", 3, "R2", "member-day"));  // another sale
  Insert(*txn, bonus("S002-T01", 1, "R1", "member-day"));  // another till's R1
  LedgerEntry earn = Entry("S001-T01", 4, m, EntryKind::kEarn, 7);
  earn.sale_ref = "R1";
  earn.detail.campaign_id = "member-day";  // not a bonus: not counted
  Insert(*txn, earn);
  Insert(*txn, bonus("S001-T01", 5, "R1", "member-day"));
  CHECK(txn->CountBonuses("S001-T01", "R1", "member-day").value() == 2);
  CHECK(txn->CountBonuses("S001-T01", "R1", "welcome").value() == 1);
  CHECK(txn->CountBonuses("S001-T01", "R1", "birthday").value() == 0);
  REQUIRE(txn->Commit().ok());
  CHECK(Read(*store)->CountBonuses("S002-T01", "R1", "member-day").value() == 1);
}

TEST_CASE_TEMPLATE("BonusesOfMember lists a member's awards of one campaign, earliest first", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const std::string ann = "0190a7e4-0000-7000-8000-000000000001";
  const std::string bob = "0190a7e4-0000-7000-8000-000000000002";
  const auto bonus = [&](const std::string& origin, int64_t seq, const std::string& member,
                         const std::string& campaign, int64_t at_ms) {
    LedgerEntry e = Entry(origin, seq, member, EntryKind::kBonus, 50);
    e.sale_ref = "R" + std::to_string(seq);
    e.detail.campaign_id = campaign;
    e.hlc = HlcTimestamp::FromParts(at_ms, 0);
    e.wall_ms = at_ms;
    return e;
  };
  auto txn = Write(*store);
  CHECK(txn->BonusesOfMember(ann, "welcome").value().empty());
  Insert(*txn, bonus("S002-T01", 1, ann, "welcome", 1'700'000'000'300));
  Insert(*txn, bonus("S001-T01", 1, ann, "welcome", 1'700'000'000'100));
  Insert(*txn, bonus("S001-T01", 2, ann, "birthday", 1'700'000'000'000));  // another campaign
  Insert(*txn, bonus("S001-T01", 3, bob, "welcome", 1'700'000'000'000));   // another member
  Insert(*txn, bonus("S003-T01", 1, ann, "welcome", 1'700'000'000'200));
  LedgerEntry earn = Entry("S001-T01", 4, ann, EntryKind::kEarn, 7);
  earn.detail.campaign_id = "welcome";  // not a bonus
  Insert(*txn, earn);
  REQUIRE(txn->Commit().ok());
  auto listed = Read(*store)->BonusesOfMember(ann, "welcome");
  REQUIRE(listed.ok());
  std::vector<std::string> ids;
  for (const StoredEntry& e : *listed) ids.push_back(e.entry.entry_id);
  CHECK(ids == std::vector<std::string>{"S001-T01/1", "S003-T01/1", "S002-T01/1"});
  CHECK((*listed)[0].entry.detail.campaign_id == "welcome");
}

}  // namespace
}  // namespace patron::sync
