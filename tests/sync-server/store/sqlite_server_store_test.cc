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

#include "contract/contract_support.h"
#include "patron/sql/database.h"
#include "patron/sql/migration.h"
#include "store/server_schema.h"
#include "support/temp_dir.h"

namespace patron::sync {
namespace {

using contract::Entry;
using contract::Insert;
using contract::Member;
using contract::Read;
using contract::Write;
using testing::TempDir;

std::unique_ptr<SqliteServerStore> OpenStore(const TempDir& dir, uint8_t random_byte = 0xAB) {
  auto store = SqliteServerStore::Open(dir.File("sync.db"), [random_byte](std::span<uint8_t> out) {
    std::fill(out.begin(), out.end(), random_byte);
  });
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(store).value();
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
  CHECK(txn->SpendSince("m1", 0).value().spend_minor == 5000);
  CHECK(txn->SpendSince("m2", 0).value().spend_minor == 700);
  CHECK(txn->RightsByHolder("m1").value() ==
        std::map<std::string, int64_t>{{"T", 6}, {"server", 4}});
  auto db = sql::Database::Open(dir.File("sync.db")).value();
  CHECK(db->QueryInt64("SELECT count(*) FROM sqlite_schema WHERE name = 'entries_by_member_time'")
            .value() == 0);
}

TEST_CASE("a version 6 database learns each terminal's highest journal sequence from its entries") {
  TempDir dir;
  MakeOldDatabase(dir, 6);
  {
    auto db = sql::Database::Open(dir.File("sync.db")).value();
    REQUIRE(db->Execute(R"sql(
INSERT INTO terminals(terminal_id, store_id, token_hash, registered_ms, last_sync_ms)
VALUES ('T', 'S', 'h1', 1, NULL), ('U', 'S', 'h2', 1, NULL);
INSERT INTO entries(seq, entry_id, origin, origin_seq, member_id, kind, points, amount_minor,
                    currency, sale_ref, ref_entry, to_holder, store_id, terminal_id, hlc,
                    wall_ms, rule_version, detail)
VALUES (1, 'T/5', 'T', 5, 'm1', 'earn', 10, 5000, 'EUR', 's1', '', '', 'S', 'T', 1, 1000, 1, ''),
       (2, 'T/9', 'T', 9, 'm1', 'earn', 4, 400, 'EUR', 's2', '', '', 'S', 'T', 2, 2000, 1, '');
)sql")
                .ok());
  }
  auto store = OpenStore(dir);
  auto txn = Read(*store);
  CHECK(txn->FindTerminal("T").value()->journal_high_seq == 9);
  CHECK(txn->FindTerminal("U").value()->journal_high_seq == 0);
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
