#include "patron/sql/wal_checkpointer.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "support/temp_dir.h"

namespace patron::sql {
namespace {

using std::chrono::milliseconds;

// A table and `commits` transactions of one 8 KiB row each (three WAL pages).
void Fill(Database& db, int commits) {
  REQUIRE(db.Execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB)").ok());
  for (int i = 0; i < commits; ++i) {
    auto insert = db.GetCachedStatement("INSERT INTO t (body) VALUES (?)");
    REQUIRE(insert.ok());
    insert->BindBlob(0, std::string(8192, 'x'));
    REQUIRE(insert->Run().ok());
  }
}

// A fresh database on memory-backed storage, where commits cost no flush and
// no stray pause lets the checkpointer in early.
struct Scratch {
  Scratch() {
    auto opened = Database::Open(dir.File("a.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
  }
  testing::TempDir dir{testing::FastTempParent()};
  std::unique_ptr<Database> db;
};

uintmax_t MainFileSize(const testing::TempDir& dir) {
  return std::filesystem::file_size(dir.File("a.db"));
}

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 500 && !done(); ++i) std::this_thread::sleep_for(milliseconds(10));
  return done();
}

TEST_CASE_FIXTURE(Scratch, "commits never checkpoint; the thread does once the writer is quiet") {
  WalCheckpointerOptions options;
  options.start_pages = 50;
  options.quiet = milliseconds(100);
  options.busy_pages = 2000;
  options.inline_pages = 4000;
  auto checkpointer = WalCheckpointer::Start(*db, {}, options);
  REQUIRE(checkpointer.ok());

  Fill(*db, 100);  // ~300 pages, far past start_pages
  const uintmax_t before = MainFileSize(dir);
  CHECK(before < 100 * 8192);  // the rows are still only in the WAL
  REQUIRE(WaitFor([&] { return (*checkpointer)->background_checkpoints() >= 1; }));
  CHECK(MainFileSize(dir) >= 100 * 8192);
  CHECK((*checkpointer)->inline_checkpoints() == 0);
  CHECK((*checkpointer)->failed_checkpoints() == 0);

  // The WAL starts over after the checkpoint, and the data is whole.
  Fill(*db, 10);
  checkpointer->reset();
  CHECK(db->QueryInt64("SELECT count(*) FROM t").value() == 110);
  CHECK(db->CheckIntegrity().ok());
}

TEST_CASE_FIXTURE(Scratch, "a WAL past busy_pages is checkpointed without waiting for quiet") {
  WalCheckpointerOptions options;
  options.start_pages = 20;
  options.quiet = std::chrono::hours(1);
  options.busy_pages = 60;
  options.inline_pages = 100000;
  auto checkpointer = WalCheckpointer::Start(*db, {}, options);
  REQUIRE(checkpointer.ok());
  Fill(*db, 40);  // ~120 pages
  CHECK(WaitFor([&] { return (*checkpointer)->background_checkpoints() >= 1; }));
  CHECK((*checkpointer)->inline_checkpoints() == 0);
}

TEST_CASE_FIXTURE(Scratch, "a WAL the thread does not empty is checkpointed by the commit that reaches inline_pages") {
  WalCheckpointerOptions options;
  // The thread only ever sees a WAL below start_pages: every commit reaching
  // it checkpoints inline.
  options.start_pages = options.busy_pages = options.inline_pages = 30;
  auto checkpointer = WalCheckpointer::Start(*db, {}, options);
  REQUIRE(checkpointer.ok());
  Fill(*db, 40);
  CHECK((*checkpointer)->inline_checkpoints() >= 3);
  CHECK((*checkpointer)->background_checkpoints() == 0);
  CHECK(MainFileSize(dir) >= 30 * 8192);
}

TEST_CASE_FIXTURE(Scratch, "without the checkpointer the writer checkpoints by itself again") {
  {
    WalCheckpointerOptions options;
    options.quiet = std::chrono::hours(1);
    options.start_pages = options.busy_pages = options.inline_pages = 100000;
    auto checkpointer = WalCheckpointer::Start(*db, {}, options);
    REQUIRE(checkpointer.ok());
    Fill(*db, 100);
    CHECK(MainFileSize(dir) < 100 * 8192);
  }
  Fill(*db, 400);  // 1,200 pages more: past SQLite's own 1,000
  CHECK(MainFileSize(dir) >= 100 * 8192);
}

TEST_CASE_FIXTURE(Scratch, "Start refuses thresholds out of order") {
  WalCheckpointerOptions options;
  options.busy_pages = options.start_pages - 1;
  CHECK(WalCheckpointer::Start(*db, {}, options).status().code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace patron::sql
