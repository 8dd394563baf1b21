#include "patron/sql/database.h"

#include <doctest/doctest.h>

#include "support/temp_dir.h"

namespace patron::sql {
namespace {

TEST_CASE("Open applies WAL, synchronous=FULL, foreign keys and busy timeout") {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("a.db"));
  REQUIRE(db.ok());
  CHECK((*db)->QueryString("PRAGMA journal_mode").value() == "wal");
  CHECK((*db)->QueryInt64("PRAGMA synchronous").value() == 2);  // FULL
  CHECK((*db)->QueryInt64("PRAGMA foreign_keys").value() == 1);
  CHECK((*db)->QueryInt64("PRAGMA busy_timeout").value() == 5000);
  CHECK((*db)->CheckIntegrity().ok());
}

TEST_CASE("Open reports a clear IOError for an unreachable path") {
  auto db = Database::Open("/nonexistent-dir/sub/x.db");
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == StatusCode::kIOError);
  CHECK(db.status().message().find("/nonexistent-dir/sub/x.db") != std::string::npos);
}

TEST_CASE("a file that is not a database is reported as corruption") {
  testing::TempDir dir;
  {
    FILE* f = fopen(dir.File("junk.db").c_str(), "w");
    REQUIRE(f != nullptr);
    fputs("this is not an sqlite database, just some text that is long enough........", f);
    fputs("................................................................................", f);
    fclose(f);
  }
  auto db = Database::Open(dir.File("junk.db"));
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == StatusCode::kCorruption);
}

TEST_CASE("Execute runs several statements and reports SQL errors with the message") {
  auto db = Database::Open(":memory:").value();
  REQUIRE(db->Execute("CREATE TABLE t(a INTEGER); INSERT INTO t VALUES (1), (2);").ok());
  CHECK(db->QueryInt64("SELECT sum(a) FROM t").value() == 3);
  Status bad = db->Execute("SELEC 1");
  CHECK_FALSE(bad.ok());
  CHECK(bad.message().find("syntax error") != std::string::npos);
}

TEST_CASE("constraint violations map to Conflict, foreign keys are enforced") {
  auto db = Database::Open(":memory:").value();
  REQUIRE(db->Execute("CREATE TABLE p(id INTEGER PRIMARY KEY);"
                      "CREATE TABLE c(id INTEGER PRIMARY KEY, p INTEGER NOT NULL REFERENCES p(id));"
                      "INSERT INTO p VALUES (1);")
              .ok());
  Status duplicate = db->Execute("INSERT INTO p VALUES (1)");
  CHECK(duplicate.code() == StatusCode::kConflict);
  CHECK(duplicate.reason() == "constraint");
  CHECK(db->Execute("INSERT INTO c VALUES (1, 1)").ok());
  CHECK(db->Execute("INSERT INTO c VALUES (2, 99)").code() == StatusCode::kConflict);
}

TEST_CASE("a second writer waiting past the busy timeout gets Unavailable") {
  testing::TempDir dir;
  DatabaseOptions options;
  options.busy_timeout_ms = 50;
  auto first = Database::Open(dir.File("busy.db"), options).value();
  auto second = Database::Open(dir.File("busy.db"), options).value();
  REQUIRE(first->Execute("CREATE TABLE t(a)").ok());
  REQUIRE(first->Execute("BEGIN IMMEDIATE").ok());
  Status blocked = second->Execute("BEGIN IMMEDIATE");
  CHECK(blocked.code() == StatusCode::kUnavailable);
  CHECK(blocked.reason() == "database_busy");
  REQUIRE(first->Execute("COMMIT").ok());
}

TEST_CASE("data survives closing and reopening") {
  testing::TempDir dir;
  {
    auto db = Database::Open(dir.File("p.db")).value();
    REQUIRE(db->Execute("CREATE TABLE t(a); INSERT INTO t VALUES (42);").ok());
  }
  auto db = Database::Open(dir.File("p.db")).value();
  CHECK(db->QueryInt64("SELECT a FROM t").value() == 42);
}

TEST_CASE("QueryInt64 on an empty result is NotFound") {
  auto db = Database::Open(":memory:").value();
  REQUIRE(db->Execute("CREATE TABLE t(a)").ok());
  CHECK(db->QueryInt64("SELECT a FROM t").status().IsNotFound());
}

}  // namespace
}  // namespace patron::sql
