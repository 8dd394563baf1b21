#include "patron/sync_server/sqlite_server_store.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "patron/sql/database.h"
#include "patron/sql/migration.h"
#include "store/server_schema.h"
#include "support/temp_dir.h"

namespace patron::sync {
namespace {

using testing::TempDir;

std::unique_ptr<SqliteServerStore> OpenStore(const TempDir& dir, uint8_t random_byte = 0xAB) {
  auto store = SqliteServerStore::Open(dir.File("sync.db"), [random_byte](std::span<uint8_t> out) {
    std::fill(out.begin(), out.end(), random_byte);
  });
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(store).value();
}

std::unique_ptr<StoreTxn> Write(ServerStore& store) {
  auto txn = store.BeginWrite();
  REQUIRE_MESSAGE(txn.ok(), txn.status().ToString());
  return std::move(txn).value();
}

std::unique_ptr<StoreTxn> Read(ServerStore& store) {
  auto txn = store.BeginRead();
  REQUIRE_MESSAGE(txn.ok(), txn.status().ToString());
  return std::move(txn).value();
}

LedgerEntry Entry(const std::string& origin, int64_t seq, const std::string& member_id,
                  EntryKind kind, int64_t points) {
  LedgerEntry e;
  e.entry_id = MakeEntryId(origin, seq);
  e.origin = origin;
  e.seq = seq;
  e.member_id = member_id;
  e.kind = kind;
  e.points = points;
  e.currency = "USD";
  e.store_id = origin == kServerOrigin ? "" : origin.substr(0, 4);
  e.terminal_id = origin == kServerOrigin ? "" : origin;
  e.hlc = HlcTimestamp::FromParts(1'700'000'000'000 + seq, static_cast<uint16_t>(seq % 7));
  e.wall_ms = 1'700'000'000'000 + seq;
  e.rule_version = 3;
  return e;
}

LedgerEntry Transfer(const std::string& origin, int64_t seq, const std::string& member_id,
                     const std::string& to_holder, int64_t points) {
  LedgerEntry e = Entry(origin, seq, member_id, EntryKind::kTransfer, points);
  e.to_holder = to_holder;
  return e;
}

MemberRecord Member(const std::string& member_id, int64_t version) {
  MemberRecord m;
  m.state.member_id = member_id;
  m.state.enrolled_store = "S001";
  m.state.enrolled_ms = 1'700'000'000'000;
  m.state.name = {"Ann", HlcTimestamp::FromParts(1'700'000'000'001, 0), "S001-T01"};
  m.state.version = version;
  return m;
}

// Inserts `entry` at the next sequence number and returns that number.
int64_t Insert(StoreTxn& txn, const LedgerEntry& entry) {
  const int64_t seq = txn.NextSeq().value();
  const Result<bool> inserted = txn.InsertEntryIfNew(entry, seq);
  REQUIRE_MESSAGE(inserted.ok(), inserted.status().ToString());
  REQUIRE(*inserted);
  return seq;
}

TEST_CASE("a new store gets its epoch once; reopening keeps it and the schema") {
  TempDir dir;
  std::string epoch;
  {
    auto store = OpenStore(dir, 0xAB);
    epoch = store->epoch();
    std::string expected;
    for (int i = 0; i < 16; ++i) expected += "ab";
    CHECK(epoch == expected);
    CHECK(Read(*store)->Epoch().value() == epoch);
    CHECK(Write(*store)->Epoch().value() == epoch);
  }
  auto reopened = OpenStore(dir, 0x01);  // other randomness: must not be used
  CHECK(reopened->epoch() == epoch);
  CHECK(Read(*reopened)->Epoch().value() == epoch);

  auto db = sql::Database::Open(dir.File("sync.db")).value();
  CHECK(sql::SchemaVersion(*db).value() == static_cast<int>(ServerMigrations().size()));
  CHECK(db->QueryString("PRAGMA journal_mode").value() == "wal");
  CHECK(db->CheckIntegrity().ok());
}

TEST_CASE("the default randomness gives distinct 128-bit hex epochs") {
  TempDir a;
  TempDir b;
  auto first = SqliteServerStore::Open(a.File("sync.db"));
  auto second = SqliteServerStore::Open(b.File("sync.db"));
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  const std::string& epoch = (*first)->epoch();
  CHECK(epoch.size() == 32);
  CHECK(epoch.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(epoch != (*second)->epoch());
}

TEST_CASE("an in-memory database is refused: readers could not see the writer") {
  auto store = SqliteServerStore::Open(":memory:");
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().IsInvalidArgument());
}

TEST_CASE("a database written by a newer Patron is refused") {
  TempDir dir;
  OpenStore(dir).reset();
  REQUIRE(
      sql::Database::Open(dir.File("sync.db")).value()->Execute("PRAGMA user_version = 99").ok());
  auto store = SqliteServerStore::Open(dir.File("sync.db"));
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().reason() == "schema_too_new");
}

TEST_CASE("sequence numbers are monotonic across transactions and restarts") {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    auto txn = Write(*store);
    CHECK(txn->LastSeq().value() == 0);
    CHECK(txn->NextSeq().value() == 1);
    CHECK(txn->NextSeq().value() == 2);
    CHECK(txn->LastSeq().value() == 2);  // what this transaction handed out
    CHECK(txn->NextServerEntrySeq().value() == 1);
    CHECK(txn->NextServerEntrySeq().value() == 2);
    REQUIRE(txn->Commit().ok());

    auto next = Write(*store);
    CHECK(next->LastSeq().value() == 2);
    CHECK(next->NextSeq().value() == 3);
    CHECK(next->NextServerEntrySeq().value() == 3);
    REQUIRE(next->Commit().ok());
    CHECK(Read(*store)->LastSeq().value() == 3);
  }
  auto store = OpenStore(dir);
  CHECK(Read(*store)->LastSeq().value() == 3);
  auto txn = Write(*store);
  CHECK(txn->NextSeq().value() == 4);
  CHECK(txn->NextServerEntrySeq().value() == 4);
}

TEST_CASE("the saved clock mark only rises, commits with the data and survives restarts") {
  TempDir dir;
  const HlcTimestamp early = HlcTimestamp::FromParts(1'780'000'000'000, 3);
  const HlcTimestamp late = HlcTimestamp::FromParts(1'780'000'060'000, 0);
  {
    auto store = OpenStore(dir);
    CHECK(Read(*store)->SavedHlc().value() == HlcTimestamp{});
    auto txn = Write(*store);
    REQUIRE(txn->SaveHlc(late).ok());
    REQUIRE(txn->SaveHlc(early).ok());  // not a step back
    REQUIRE(txn->Commit().ok());
    CHECK(Read(*store)->SavedHlc().value() == late);
    {
      auto dropped = Write(*store);  // rolled back: its mark is not saved
      REQUIRE(dropped->SaveHlc(HlcTimestamp::FromParts(1'780'000'120'000, 0)).ok());
    }
    CHECK(Read(*store)->SavedHlc().value() == late);
    CHECK(Read(*store)->SaveHlc(late).code() == StatusCode::kFailedPrecondition);
  }
  auto store = OpenStore(dir);
  CHECK(Read(*store)->SavedHlc().value() == late);
}

// A database as an older patron-sync left it: the first `version`
// migrations and a state row at last_seq 3.
void MakeOldDatabase(const TempDir& dir, size_t version) {
  auto db = sql::Database::Open(dir.File("sync.db")).value();
  REQUIRE(sql::Migrate(*db, ServerMigrations().first(version)).ok());
  REQUIRE(db->Execute("INSERT INTO server_state(id, epoch, last_seq, next_server_entry_seq)"
                      " VALUES (1, 'e', 3, 1)")
              .ok());
}

TEST_CASE("a version 1 database gets the clock column, with no mark saved") {
  TempDir dir;
  MakeOldDatabase(dir, 1);
  auto store = OpenStore(dir);
  auto txn = Read(*store);
  CHECK(txn->SavedHlc().value() == HlcTimestamp{});
  CHECK(txn->LastSeq().value() == 3);
  CHECK(txn->FoldedSeq().value() == 3);
}

TEST_CASE("a version 2 database is all folded: its entries are filed under their members") {
  TempDir dir;
  MakeOldDatabase(dir, 2);
  {
    auto db = sql::Database::Open(dir.File("sync.db")).value();
    // Seq 1 and 2 for m1, 3 for m2; transfer 2 hands 4 points to the server.
    REQUIRE(db->Execute(R"sql(
INSERT INTO entries(seq, entry_id, origin, origin_seq, member_id, kind, points, amount_minor,
                    currency, sale_ref, ref_entry, to_holder, store_id, terminal_id, hlc,
                    wall_ms, rule_version, detail)
VALUES (1, 'T/1', 'T', 1, 'm1', 'earn', 10, 5000, 'EUR', 's1', '', '', 'S', 'T', 1, 1000, 1, ''),
       (2, 'T/2', 'T', 2, 'm1', 'transfer', 4, 0, 'EUR', '', '', 'server', 'S', 'T', 2, 2000, 1,
        ''),
       (3, 'T/3', 'T', 3, 'm2', 'earn', 7, 700, 'EUR', 's2', '', '', 'S', 'T', 3, 3000, 1, '');
)sql")
                .ok());
  }
  auto store = OpenStore(dir);
  auto txn = Write(*store);
  CHECK(txn->FoldedSeq().value() == 3);
  CHECK(txn->SpendSince("m1", 0).value() == 5000);
  CHECK(txn->SpendSince("m2", 0).value() == 700);
  CHECK(txn->RightsByHolder("m1").value() ==
        std::map<std::string, int64_t>{{"T", 6}, {"server", 4}});
  auto db = sql::Database::Open(dir.File("sync.db")).value();
  CHECK(db->QueryInt64("SELECT count(*) FROM sqlite_schema WHERE name = 'entries_by_member_time'")
            .value() == 0);
}

TEST_CASE("a transaction destroyed without Commit gives back its numbers and writes") {
  TempDir dir;
  auto store = OpenStore(dir);
  {
    auto txn = Write(*store);
    Insert(*txn, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 10));
    REQUIRE(txn->PutMember(Member("m1", txn->NextSeq().value())).ok());
    (void)txn->NextServerEntrySeq().value();
    REQUIRE(txn->PutTerminal({"S001-T01", "S001", "hash1", 5, std::nullopt}).ok());
  }
  auto txn = Write(*store);
  CHECK(txn->LastSeq().value() == 0);
  CHECK(txn->NextSeq().value() == 1);
  CHECK(txn->NextServerEntrySeq().value() == 1);
  CHECK_FALSE(txn->FindEntry("S001-T01/1").value().has_value());
  CHECK_FALSE(txn->FindMember("m1").value().has_value());
  CHECK_FALSE(txn->FindTerminal("S001-T01").value().has_value());
  CHECK(txn->CountEntries().value() == 0);
}

TEST_CASE("a read transaction sees the snapshot of when it began") {
  TempDir dir;
  auto store = OpenStore(dir);
  {
    auto txn = Write(*store);
    Insert(*txn, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 10));
    REQUIRE(txn->Commit().ok());
  }
  auto before = Read(*store);
  auto writer = Write(*store);
  Insert(*writer, Entry("S001-T01", 2, "m1", EntryKind::kEarn, 20));
  REQUIRE(writer->PutMember(Member("m1", writer->NextSeq().value())).ok());

  auto during = Read(*store);  // begun while the write is open, not committed
  CHECK(during->LastSeq().value() == 1);
  CHECK_FALSE(during->FindEntry("S001-T01/2").value().has_value());

  REQUIRE(writer->Commit().ok());
  writer.reset();
  auto after = Read(*store);

  for (StoreTxn* snapshot : {before.get(), during.get()}) {
    CHECK(snapshot->LastSeq().value() == 1);
    CHECK(snapshot->FindEntry("S001-T01/1").value().has_value());
    CHECK_FALSE(snapshot->FindEntry("S001-T01/2").value().has_value());
    CHECK_FALSE(snapshot->FindMember("m1").value().has_value());
    CHECK(snapshot->CountEntries().value() == 1);
  }
  CHECK(after->LastSeq().value() == 3);
  CHECK(after->FindEntry("S001-T01/2").value()->seq == 2);
  CHECK(after->FindMember("m1").value()->state.version == 3);
  CHECK(after->MembersAfter(0, 10).value().size() == 1);
}

TEST_CASE("write methods refuse a read transaction; every method refuses after Commit") {
  TempDir dir;
  auto store = OpenStore(dir);
  auto read = Read(*store);
  CHECK(read->NextSeq().status().IsFailedPrecondition());
  CHECK(read->NextServerEntrySeq().status().IsFailedPrecondition());
  CHECK(
      read->InsertEntryIfNew(Entry("S001-T01", 1, "m1", EntryKind::kEarn, 1), 1)
          .status()
          .IsFailedPrecondition());
  CHECK(read->SetFoldedSeq(0).IsFailedPrecondition());
  CHECK(read->IndexByMember({}).IsFailedPrecondition());
  CHECK(read->QueueProfileChange({1, {}}).IsFailedPrecondition());
  CHECK(read->DropQueuedProfileChanges(1).IsFailedPrecondition());
  CHECK(read->PutMember(Member("m1", 1)).IsFailedPrecondition());
  CHECK(read->InsertGrant({"S001-T01", "r1", "server/1"}).IsFailedPrecondition());
  CHECK(read->PutTerminal({"S001-T01", "S001", "h", 1, std::nullopt}).IsFailedPrecondition());
  CHECK(read->PutRules(1, "{}").IsFailedPrecondition());
  CHECK(read->Commit().ok());  // ends the read transaction
  CHECK(read->LastSeq().status().IsFailedPrecondition());

  auto write = Write(*store);
  REQUIRE(write->Commit().ok());
  CHECK(write->Commit().IsFailedPrecondition());
  CHECK(write->NextSeq().status().IsFailedPrecondition());
  CHECK(write->FindEntry("x/1").status().IsFailedPrecondition());
}

TEST_CASE("entries round-trip every field; a duplicate id is a Conflict") {
  TempDir dir;
  auto store = OpenStore(dir);
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

TEST_CASE("EntriesTo returns the transfers to one holder in (after, through], by seq") {
  TempDir dir;
  auto store = OpenStore(dir);
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

TEST_CASE("SpendSince sums the member's amount_minor from a wall time on") {
  TempDir dir;
  auto store = OpenStore(dir);
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
  CHECK(txn->SpendSince("m1", 0).value() == 0);  // not filed under the member yet
  REQUIRE(txn->IndexByMember(txn->EntriesBetween(0, 4).value()).ok());
  CHECK(txn->SpendSince("m1", 0).value() == 7000);
  CHECK(txn->SpendSince("m1", 2000).value() == 2000);
  CHECK(txn->SpendSince("m1", 2001).value() == -1000);
  CHECK(txn->SpendSince("m1", 3001).value() == 0);
  CHECK(txn->SpendSince("nobody", 0).value() == 0);
}

TEST_CASE("members round-trip every field and are replaced by id") {
  TempDir dir;
  auto store = OpenStore(dir);
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
  full.server_rights = 77;
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

TEST_CASE("MembersAfter pages in version order with a limit") {
  TempDir dir;
  auto store = OpenStore(dir);
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

TEST_CASE("grants are found by (terminal, request) and inserted once") {
  TempDir dir;
  auto store = OpenStore(dir);
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

TEST_CASE("terminals by id and by token hash; token hashes are unique") {
  TempDir dir;
  auto store = OpenStore(dir);
  auto txn = Write(*store);
  const TerminalRecord t1{"S001-T01", "S001", "hash-1", 100, std::nullopt};
  const TerminalRecord t2{"S002-T01", "S002", "hash-2", 200, 250};
  REQUIRE(txn->PutTerminal(t2).ok());
  REQUIRE(txn->PutTerminal(t1).ok());

  auto same = [](const std::optional<TerminalRecord>& a, const TerminalRecord& b) {
    return a.has_value() && a->terminal_id == b.terminal_id && a->store_id == b.store_id &&
           a->token_hash == b.token_hash && a->registered_ms == b.registered_ms &&
           a->last_sync_ms == b.last_sync_ms;
  };
  CHECK(same(txn->FindTerminal("S001-T01").value(), t1));
  CHECK(same(txn->FindTerminalByTokenHash("hash-2").value(), t2));
  CHECK_FALSE(txn->FindTerminal("S009-T01").value().has_value());
  CHECK_FALSE(txn->FindTerminalByTokenHash("hash-9").value().has_value());

  // Replace by id: a new token and a sync time.
  TerminalRecord rotated = t1;
  rotated.token_hash = "hash-1b";
  rotated.last_sync_ms = 300;
  REQUIRE(txn->PutTerminal(rotated).ok());
  CHECK(same(txn->FindTerminalByTokenHash("hash-1b").value(), rotated));
  CHECK_FALSE(txn->FindTerminalByTokenHash("hash-1").value().has_value());

  // Another terminal may not take an existing token hash.
  CHECK(txn->PutTerminal({"S003-T01", "S003", "hash-2", 400, std::nullopt}).IsConflict());
  CHECK(same(txn->FindTerminal("S002-T01").value(), t2));

  const auto all = txn->ListTerminals().value();
  REQUIRE(all.size() == 2);
  CHECK(same(all[0], rotated));
  CHECK(same(all[1], t2));
}

TEST_CASE("the highest rules version is active; a version's body is immutable") {
  TempDir dir;
  auto store = OpenStore(dir);
  auto txn = Write(*store);
  CHECK_FALSE(txn->ActiveRules().value().has_value());
  REQUIRE(txn->PutRules(2, R"({"v":2})").ok());
  REQUIRE(txn->PutRules(1, R"({"v":1})").ok());
  auto active = txn->ActiveRules().value();
  REQUIRE(active.has_value());
  CHECK(active->first == 2);
  CHECK(active->second == R"({"v":2})");
  CHECK(txn->PutRules(2, R"({"v":2})").ok());  // the same again: a retry
  const Status changed = txn->PutRules(2, R"({"v":"other"})");
  CHECK(changed.IsConflict());
  CHECK(changed.reason() == "rules_version_exists");
  CHECK(txn->ActiveRules().value()->second == R"({"v":2})");
}

TEST_CASE("StoreReport computes per-store figures, including stores without entries") {
  TempDir dir;
  auto store = OpenStore(dir);
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutTerminal({"S001-T01", "S001", "h1", 1, std::nullopt}).ok());
    REQUIRE(txn->PutTerminal({"S002-T01", "S002", "h2", 1, std::nullopt}).ok());
    REQUIRE(txn->PutTerminal({"S003-T01", "S003", "h3", 1, std::nullopt}).ok());  // idle store
    for (auto [id, enrolled] : std::vector<std::pair<std::string, std::string>>{
             {"m1", "S001"}, {"m2", "S001"}, {"m3", "S002"}, {"m4", "S004"}}) {
      MemberRecord m = Member(id, txn->NextSeq().value());
      m.state.enrolled_store = enrolled;
      REQUIRE(txn->PutMember(m).ok());
    }
    auto sale = [](LedgerEntry e, std::string sale_ref) {
      e.sale_ref = std::move(sale_ref);
      return e;
    };
    Insert(*txn, sale(Entry("S001-T01", 1, "m1", EntryKind::kEarn, 100), "R1"));
    Insert(*txn, sale(Entry("S001-T01", 2, "m1", EntryKind::kRedeem, -30), "R1"));  // same sale
    Insert(*txn, sale(Entry("S001-T01", 3, "m2", EntryKind::kEarn, 50), "R2"));
    Insert(*txn, Entry("S001-T01", 4, "m2", EntryKind::kBonus, 20));
    LedgerEntry reverse = sale(Entry("S001-T01", 5, "m2", EntryKind::kReverse, -10), "R2");
    reverse.ref_entry = "S001-T01/3";
    Insert(*txn, reverse);                                      // not a sale, but outstanding
    Insert(*txn, Transfer("S001-T01", 6, "m1", "server", 40));  // moves rights only
    Insert(*txn, sale(Entry("S002-T01", 1, "m3", EntryKind::kEarn, 70), "R1"));  // other terminal
    Insert(*txn, Entry("S002-T01", 2, "m3", EntryKind::kRedeem, -5));            // no sale_ref
    Insert(*txn, Transfer("server", 1, "m3", "S002-T01", 5));  // booked to no store
    REQUIRE(txn->Commit().ok());
  }
  const auto report = Read(*store)->StoreReport().value();
  auto row = [](std::string id, int64_t members, int64_t sales, int64_t earned, int64_t redeemed,
                int64_t outstanding) {
    return StoreFigures{std::move(id), members, sales, earned, redeemed, outstanding};
  };
  const std::vector<StoreFigures> expected = {
      row("", 0, 0, 0, 0, 0),  // the server's own entries: no store
      row("S001", 2, 2, 170, 30, 130), row("S002", 1, 1, 70, 5, 65),
      row("S003", 0, 0, 0, 0, 0),      row("S004", 1, 0, 0, 0, 0),
  };
  REQUIRE(report.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(report[i].store_id == expected[i].store_id);
    CHECK(report[i].members_enrolled == expected[i].members_enrolled);
    CHECK(report[i].sales == expected[i].sales);
    CHECK(report[i].points_earned == expected[i].points_earned);
    CHECK(report[i].points_redeemed == expected[i].points_redeemed);
    CHECK(report[i].points_outstanding == expected[i].points_outstanding);
  }
}

TEST_CASE("concurrent readers see consistent snapshots while a writer commits") {
  TempDir dir;
  auto store = OpenStore(dir);
  constexpr int kCommits = 200;
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::atomic<int> inconsistent{0};
  std::atomic<int64_t> reads{0};

  // Each commit adds one entry and moves member m to a new version whose
  // balance counts the entries: a snapshot must agree with itself.
  std::thread writer([&] {
    for (int i = 1; i <= kCommits; ++i) {
      auto txn = store->BeginWrite();
      if (!txn.ok()) {
        ++errors;
        continue;
      }
      const int64_t seq = (*txn)->NextSeq().value();
      MemberRecord m = Member("m", (*txn)->NextSeq().value());
      m.state.balance = i;
      if (!(*txn)->InsertEntryIfNew(Entry("S001-T01", i, "m", EntryKind::kEarn, 1), seq).ok() ||
          !(*txn)->PutMember(m).ok() || !(*txn)->Commit().ok()) {
        ++errors;
      }
    }
    done = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        auto txn = store->BeginRead();
        if (!txn.ok()) {
          ++errors;
          continue;
        }
        const int64_t last = (*txn)->LastSeq().value();
        const int64_t count = (*txn)->CountEntries().value();
        const auto members = (*txn)->MembersAfter(0, 10).value();
        const int64_t balance = members.empty() ? 0 : members[0].balance;
        const int64_t version = members.empty() ? 0 : members[0].version;
        if (count * 2 != last || balance != count || version != last) ++inconsistent;
        ++reads;
      }
    });
  }
  writer.join();
  for (std::thread& t : readers) t.join();
  CHECK(errors == 0);
  CHECK(inconsistent == 0);
  CHECK(reads > 0);
  CHECK(Read(*store)->CountEntries().value() == kCommits);
}

// Starts BeginWrite on another thread; `began` turns true once it returned.
struct PendingWrite {
  explicit PendingWrite(ServerStore& store)
      : thread([this, &store] {
          auto txn = store.BeginWrite();
          if (txn.ok()) seq = (*txn)->NextSeq().value();
          began = true;
        }) {}
  ~PendingWrite() {
    if (thread.joinable()) thread.join();
  }
  std::atomic<bool> began{false};
  int64_t seq = 0;
  std::thread thread;
};

TEST_CASE("an open write transaction makes the next BeginWrite wait until it ends") {
  TempDir dir;
  auto store = OpenStore(dir);

  SUBCASE("ended by Commit, while the object still exists") {
    auto first = Write(*store);
    Insert(*first, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 1));
    PendingWrite other(*store);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK_FALSE(other.began.load());
    REQUIRE(first->Commit().ok());
    other.thread.join();
    CHECK(other.began.load());
    CHECK(other.seq == 2);
  }
  SUBCASE("ended by destruction: rolled back") {
    auto first = Write(*store);
    Insert(*first, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 1));
    PendingWrite other(*store);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK_FALSE(other.began.load());
    first.reset();
    other.thread.join();
    CHECK(other.began.load());
    CHECK(other.seq == 1);
  }
}

TEST_CASE("a write transaction may end on another thread than the one that began it") {
  TempDir dir;
  auto store = OpenStore(dir);
  auto txn = Write(*store);
  (void)txn->NextSeq().value();
  bool committed = false;
  std::thread([&committed, t = std::move(txn)]() mutable {
    committed = t->Commit().ok();
    t.reset();
  }).join();
  CHECK(committed);
  CHECK(Write(*store)->NextSeq().value() == 2);
}

TEST_CASE("transactions may outlive the store object") {
  TempDir dir;
  auto store = OpenStore(dir);
  auto write = Write(*store);
  auto read = Read(*store);
  store.reset();
  Insert(*write, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 1));
  CHECK(write->Commit().ok());
  CHECK(read->CountEntries().value() == 0);
}

}  // namespace
}  // namespace patron::sync

namespace patron::sync {
namespace {

TEST_CASE("with background checkpoints the WAL still reaches the database file; nothing is lost") {
  TempDir dir(testing::FastTempParent());
  auto store = OpenStore(dir);
  REQUIRE(store->StartBackgroundCheckpoints().ok());
  REQUIRE(store->StartBackgroundCheckpoints().ok());  // a second start changes nothing
  // ~50 pages a commit: 250 commits take the WAL past the 10,000 pages at
  // which the thread starts.
  constexpr int kCommits = 250;
  for (int i = 1; i <= kCommits; ++i) {
    auto txn = Write(*store);
    LedgerEntry entry = Entry("S001-T01", i, "m" + std::to_string(i), EntryKind::kEarn, 1);
    entry.detail.tier = std::string(200'000, 'd');
    REQUIRE(txn->InsertEntryIfNew(entry, txn->NextSeq().value()).value());
    REQUIRE(txn->Commit().ok());
  }
  const auto main_file = dir.path() / "sync.db";
  for (int i = 0; i < 500 && std::filesystem::file_size(main_file) < 40'000'000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(std::filesystem::file_size(main_file) >= 40'000'000);
  CHECK(Read(*store)->CountEntries().value() == kCommits);
  store.reset();
  CHECK(Read(*OpenStore(dir))->CountEntries().value() == kCommits);
}

}  // namespace
}  // namespace patron::sync

namespace patron::sync {
namespace {

TEST_CASE("EntriesBetween reads a sequence range; RightsByHolder counts filed and unfolded "
          "entries") {
  TempDir dir;
  auto store = OpenStore(dir);
  auto txn = Write(*store);
  Insert(*txn, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 10));   // seq 1, filed
  Insert(*txn, Transfer("S001-T01", 2, "m1", "server", 4));          // seq 2, filed
  Insert(*txn, Entry("S001-T02", 1, "m1", EntryKind::kEarn, 3));    // seq 3, not folded
  Insert(*txn, Entry("S001-T01", 3, "m2", EntryKind::kEarn, 100));  // seq 4: other member
  Insert(*txn, Transfer("server", 1, "m1", "S001-T02", 1));          // seq 5, not folded
  const std::vector<StoredEntry> first = txn->EntriesBetween(0, 2).value();
  REQUIRE(first.size() == 2);
  CHECK(first[0].seq == 1);
  CHECK(first[1].entry.entry_id == "S001-T01/2");
  CHECK(txn->EntriesBetween(2, 5).value().size() == 3);
  CHECK(txn->EntriesBetween(5, 9).value().empty());

  // Nothing filed and the watermark at 0: every entry counts as unfolded.
  const std::map<std::string, int64_t> expected = {
      {"S001-T01", 6}, {"S001-T02", 4}, {"server", 3}};
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

TEST_CASE("the fold's watermark and queued profile changes persist with the commit") {
  TempDir dir;
  auto store = OpenStore(dir);
  const HlcTimestamp stamp = HlcTimestamp::FromParts(1'700'000'000'000, 3);
  {
    auto txn = Write(*store);
    CHECK(txn->FoldedSeq().value() == 0);
    for (int i = 1; i <= 3; ++i) {
      ProfileChange c{0, "m" + std::to_string(i), "name", "N" + std::to_string(i), stamp,
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
    CHECK(queued[0].change ==
          ProfileChange{0, "m2", "name", std::string("N2"), stamp, "S001-T01"});
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
}  // namespace patron::sync
