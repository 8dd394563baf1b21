#include "patron/sql/transaction.h"

#include <doctest/doctest.h>

#include "patron/sql/database.h"
#include "support/temp_dir.h"

namespace patron::sql {
namespace {

int64_t Count(Database& db) { return db.QueryInt64("SELECT count(*) FROM t").value(); }

TEST_CASE("a committed transaction persists") {
  auto db = Database::Open(":memory:").value();
  REQUIRE(db->Execute("CREATE TABLE t(a)").ok());
  Transaction txn(*db);
  REQUIRE(txn.Begin().ok());
  CHECK(db->InTransaction());
  REQUIRE(db->Execute("INSERT INTO t VALUES (1)").ok());
  REQUIRE(txn.Commit().ok());
  CHECK_FALSE(db->InTransaction());
  CHECK(Count(*db) == 1);
}

TEST_CASE("a transaction destroyed without Commit rolls back") {
  auto db = Database::Open(":memory:").value();
  REQUIRE(db->Execute("CREATE TABLE t(a)").ok());
  {
    Transaction txn(*db);
    REQUIRE(txn.Begin().ok());
    REQUIRE(db->Execute("INSERT INTO t VALUES (1)").ok());
  }
  CHECK_FALSE(db->InTransaction());
  CHECK(Count(*db) == 0);
}

TEST_CASE("explicit Rollback discards writes and is idempotent") {
  auto db = Database::Open(":memory:").value();
  REQUIRE(db->Execute("CREATE TABLE t(a)").ok());
  Transaction txn(*db);
  REQUIRE(txn.Begin().ok());
  REQUIRE(db->Execute("INSERT INTO t VALUES (1)").ok());
  CHECK(txn.Rollback().ok());
  CHECK(txn.Rollback().ok());
  CHECK(Count(*db) == 0);
}

TEST_CASE("Begin twice or Commit without Begin is a bug reported as Internal") {
  auto db = Database::Open(":memory:").value();
  Transaction txn(*db);
  CHECK(txn.Commit().code() == StatusCode::kInternal);
  REQUIRE(txn.Begin().ok());
  CHECK(txn.Begin().code() == StatusCode::kInternal);
}

TEST_CASE("an IMMEDIATE transaction holds the write lock from Begin") {
  testing::TempDir dir;
  DatabaseOptions options;
  options.busy_timeout_ms = 20;
  auto writer = Database::Open(dir.File("t.db"), options).value();
  auto other = Database::Open(dir.File("t.db"), options).value();
  REQUIRE(writer->Execute("CREATE TABLE t(a)").ok());
  Transaction txn(*writer);
  REQUIRE(txn.Begin().ok());
  Transaction competing(*other);
  CHECK(competing.Begin().code() == StatusCode::kUnavailable);
  REQUIRE(txn.Commit().ok());
  CHECK(competing.Begin().ok());
}

TEST_CASE("readers keep seeing the last commit while a writer is open (WAL)") {
  testing::TempDir dir;
  auto writer = Database::Open(dir.File("w.db")).value();
  auto reader = Database::Open(dir.File("w.db")).value();
  REQUIRE(writer->Execute("CREATE TABLE t(a); INSERT INTO t VALUES (1);").ok());
  Transaction txn(*writer);
  REQUIRE(txn.Begin().ok());
  REQUIRE(writer->Execute("INSERT INTO t VALUES (2)").ok());
  CHECK(Count(*reader) == 1);
  REQUIRE(txn.Commit().ok());
  CHECK(Count(*reader) == 2);
}

}  // namespace
}  // namespace patron::sql
