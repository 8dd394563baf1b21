#include "patron/sql/migration.h"

#include <doctest/doctest.h>

#include <vector>

#include "patron/sql/database.h"
#include "support/temp_dir.h"

namespace patron::sql {
namespace {

const std::vector<Migration> kTwoSteps = {
    {1, "members", "CREATE TABLE members(id TEXT PRIMARY KEY, name TEXT NOT NULL);", nullptr},
    {2, "member phone", "ALTER TABLE members ADD COLUMN phone TEXT;", nullptr},
};

TEST_CASE("a new database is migrated to the latest version") {
  auto db = Database::Open(":memory:").value();
  CHECK(SchemaVersion(*db).value() == 0);
  REQUIRE(Migrate(*db, kTwoSteps).ok());
  CHECK(SchemaVersion(*db).value() == 2);
  CHECK(db->Execute("INSERT INTO members(id, name, phone) VALUES ('a', 'b', 'c')").ok());
}

TEST_CASE("migrating twice is a no-op and later migrations apply incrementally") {
  testing::TempDir dir;
  {
    auto db = Database::Open(dir.File("m.db")).value();
    REQUIRE(Migrate(*db, std::span(kTwoSteps).first(1)).ok());
    REQUIRE(db->Execute("INSERT INTO members VALUES ('m1', 'Ann')").ok());
  }
  auto db = Database::Open(dir.File("m.db")).value();
  REQUIRE(Migrate(*db, kTwoSteps).ok());
  REQUIRE(Migrate(*db, kTwoSteps).ok());
  CHECK(SchemaVersion(*db).value() == 2);
  CHECK(db->QueryString("SELECT name FROM members WHERE id = 'm1'").value() == "Ann");
}

TEST_CASE("a migration that fails half-way leaves the previous schema intact") {
  auto db = Database::Open(":memory:").value();
  REQUIRE(Migrate(*db, std::span(kTwoSteps).first(1)).ok());
  REQUIRE(db->Execute("INSERT INTO members VALUES ('m1', 'Ann')").ok());

  // Version 2 first creates a table and rewrites data, then hits bad SQL.
  const std::vector<Migration> broken = {
      kTwoSteps[0],
      {2, "broken",
       "CREATE TABLE audit(x); UPDATE members SET name = 'changed'; ALTER TABLE nope ADD y;",
       nullptr},
  };
  Status status = Migrate(*db, broken);
  REQUIRE_FALSE(status.ok());
  CHECK(status.message().find("migration 2 (broken)") != std::string::npos);
  CHECK(SchemaVersion(*db).value() == 1);
  CHECK(db->QueryString("SELECT name FROM members WHERE id = 'm1'").value() == "Ann");
  CHECK(db->QueryInt64("SELECT count(*) FROM sqlite_master WHERE name = 'audit'").value() == 0);
}

TEST_CASE("a failing data-migration function rolls back its SQL too") {
  auto db = Database::Open(":memory:").value();
  const std::vector<Migration> migrations = {
      {1, "table then failing code", "CREATE TABLE t(a);",
       [](Database& d) -> Status {
         PATRON_RETURN_IF_ERROR(d.Execute("INSERT INTO t VALUES (1)"));
         return Status::Corruption("backfill found bad rows");
       }},
  };
  Status status = Migrate(*db, migrations);
  CHECK(status.code() == StatusCode::kCorruption);
  CHECK(SchemaVersion(*db).value() == 0);
  CHECK(db->QueryInt64("SELECT count(*) FROM sqlite_master WHERE name = 't'").value() == 0);
}

TEST_CASE("a database newer than the code is refused and left untouched") {
  auto db = Database::Open(":memory:").value();
  REQUIRE(db->Execute("PRAGMA user_version = 7").ok());
  Status status = Migrate(*db, kTwoSteps);
  CHECK(status.reason() == "schema_too_new");
  CHECK(SchemaVersion(*db).value() == 7);
  CHECK(db->QueryInt64("SELECT count(*) FROM sqlite_master").value() == 0);
}

TEST_CASE("badly numbered migrations are a programming error") {
  auto db = Database::Open(":memory:").value();
  const std::vector<Migration> gap = {kTwoSteps[0], {3, "gap", "SELECT 1;", nullptr}};
  CHECK(Migrate(*db, gap).code() == StatusCode::kInternal);
  CHECK(SchemaVersion(*db).value() == 0);
}

}  // namespace
}  // namespace patron::sql
