#include "patron/sql/statement.h"

#include <doctest/doctest.h>

#include <string>

#include "patron/sql/database.h"

namespace patron::sql {
namespace {

std::unique_ptr<Database> MakeDb() {
  auto db = Database::Open(":memory:").value();
  REQUIRE(db->Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, data BLOB, n INTEGER)")
              .ok());
  return db;
}

TEST_CASE("bind, step and read every column type") {
  auto db = MakeDb();
  {
    auto insert = db->GetCachedStatement("INSERT INTO t(id, name, data, n) VALUES (?, ?, ?, ?)");
    REQUIRE(insert.ok());
    insert->BindInt64(0, 1);
    insert->BindText(1, "Zhang Wei");
    insert->BindBlob(2, std::string("\0\1\2", 3));
    insert->BindNull(3);
    REQUIRE(insert->Run().ok());
  }
  auto select = db->GetCachedStatement("SELECT id, name, data, n FROM t WHERE id = ?");
  REQUIRE(select.ok());
  select->BindInt64(0, 1);
  REQUIRE(select->Step().value());
  CHECK(select->ColumnCount() == 4);
  CHECK(select->ColumnInt64(0) == 1);
  CHECK(select->ColumnText(1) == "Zhang Wei");
  CHECK(select->ColumnBlob(2) == std::string("\0\1\2", 3));
  CHECK(select->ColumnIsNull(3));
  CHECK_FALSE(select->ColumnOptionalInt64(3).has_value());
  CHECK(select->ColumnOptionalText(1) == "Zhang Wei");
  CHECK_FALSE(select->Step().value());
}

TEST_CASE("optional binds write NULL for nullopt") {
  auto db = MakeDb();
  auto insert = db->GetUniqueStatement("INSERT INTO t(id, name, n) VALUES (?, ?, ?)").value();
  insert.BindInt64(0, 7);
  insert.BindOptionalText(1, std::nullopt);
  insert.BindOptionalInt64(2, 5);
  REQUIRE(insert.Run().ok());
  CHECK(db->QueryInt64("SELECT count(*) FROM t WHERE name IS NULL AND n = 5").value() == 1);
}

TEST_CASE("a bind error is reported by the next Step") {
  auto db = MakeDb();
  auto select = db->GetUniqueStatement("SELECT * FROM t WHERE id = ?").value();
  select.BindInt64(5, 1);  // no parameter 6
  auto step = select.Step();
  REQUIRE_FALSE(step.ok());
  CHECK(step.status().message().find("bind parameter 5") != std::string::npos);
}

TEST_CASE("a cached statement is reset and its bindings cleared when released") {
  auto db = MakeDb();
  REQUIRE(db->Execute("INSERT INTO t(id, name) VALUES (1, 'a'), (2, 'b')").ok());
  constexpr std::string_view kSql = "SELECT name FROM t WHERE id = ?";
  {
    auto first = db->GetCachedStatement(kSql).value();
    first.BindInt64(0, 1);
    REQUIRE(first.Step().value());
  }
  auto again = db->GetCachedStatement(kSql).value();
  REQUIRE(again.Step().ok());  // binding cleared: id = NULL matches nothing
  again.Reset(true);
  again.BindInt64(0, 2);
  REQUIRE(again.Step().value());
  CHECK(again.ColumnText(0) == "b");
}

TEST_CASE("nested use of one cached SQL text gets two independent statements") {
  auto db = MakeDb();
  REQUIRE(db->Execute("INSERT INTO t(id, name) VALUES (1, 'a'), (2, 'b')").ok());
  constexpr std::string_view kSql = "SELECT name FROM t WHERE id = ?";
  auto outer = db->GetCachedStatement(kSql).value();
  auto inner = db->GetCachedStatement(kSql).value();
  outer.BindInt64(0, 1);
  inner.BindInt64(0, 2);
  REQUIRE(outer.Step().value());
  REQUIRE(inner.Step().value());
  CHECK(outer.ColumnText(0) == "a");
  CHECK(inner.ColumnText(0) == "b");
}

TEST_CASE("a step that violates a constraint reports Conflict and the statement stays usable") {
  auto db = MakeDb();
  auto insert = db->GetCachedStatement("INSERT INTO t(id) VALUES (?)").value();
  insert.BindInt64(0, 1);
  REQUIRE(insert.Run().ok());
  insert.Reset(false);
  Status duplicate = insert.Run();
  CHECK(duplicate.code() == StatusCode::kConflict);
  insert.Reset(true);
  insert.BindInt64(0, 2);
  CHECK(insert.Run().ok());
}

TEST_CASE("Run on a query that yields rows is an error") {
  auto db = MakeDb();
  REQUIRE(db->Execute("INSERT INTO t(id) VALUES (1)").ok());
  auto select = db->GetUniqueStatement("SELECT id FROM t").value();
  CHECK(select.Run().code() == StatusCode::kInternal);
}

TEST_CASE("preparing bad SQL fails with the SQLite message") {
  auto db = MakeDb();
  auto bad = db->GetCachedStatement("SELECT nope FROM t");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("no such column") != std::string::npos);
}

}  // namespace
}  // namespace patron::sql
