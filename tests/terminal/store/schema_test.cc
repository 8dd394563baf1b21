#include "store/schema.h"

#include <doctest/doctest.h>

#include "patron/sql/database.h"
#include "patron/sql/migration.h"
#include "terminal_fixture.h"

namespace patron::terminal {
namespace {

TEST_CASE("a new terminal database is at the latest schema version with default rules") {
  TerminalFixture f;
  CHECK(sql::SchemaVersion(f.db()).value() == static_cast<int>(TerminalMigrations().size()));
  CHECK(f.Count("rules") == 1);
  CHECK(f.db().QueryString("PRAGMA journal_mode").value() == "wal");
  CHECK(f.db().CheckIntegrity().ok());
}

TEST_CASE("the schema refuses rows that break its invariants") {
  TerminalFixture f;
  // Foreign key: an entry for a member that does not exist.
  CHECK(f.db()
            .Execute("INSERT INTO ledger(entry_id, origin, seq, member_id, kind, points, "
                     "amount_minor, currency, sale_ref, ref_entry, to_holder, store_id, "
                     "terminal_id, hlc, wall_ms, rule_version, detail) VALUES "
                     "('S001-T01/1','S001-T01',1,'nobody','earn',1,0,'USD','','','','S001',"
                     "'S001-T01',1,1,1,'{}')")
            .code() == StatusCode::kConflict);
  // STRICT typing and CHECK on the kind.
  Member m = f.Enrol("07700 900001");
  CHECK_FALSE(f.db()
                  .Execute("INSERT INTO ledger(entry_id, origin, seq, member_id, kind, points, "
                           "amount_minor, currency, sale_ref, ref_entry, to_holder, store_id, "
                           "terminal_id, hlc, wall_ms, rule_version, detail) VALUES "
                           "('S001-T01/9','S001-T01',9,'" +
                           m.member_id +
                           "','gift',1,0,'USD','','','','S001','S001-T01',1,1,1,'{}')")
                  .ok());
}

TEST_CASE("the member count the status reports is kept in step with the members table") {
  TerminalFixture f;
  CHECK(f.till().Status().value().member_count == 0);
  f.Enrol("07700 900001");
  f.Enrol("07700 900002");
  // Enrolling a known phone again returns that member and adds nothing.
  f.Enrol("07700 900002");
  CHECK(f.till().Status().value().member_count == 2);
  CHECK(f.Count("members") == 2);
  f.Reopen();
  CHECK(f.till().Status().value().member_count == 2);
}

TEST_CASE("upgrading a version 1 database counts the members it already has") {
  TerminalFixture f;
  f.Enrol("07700 900001");
  f.Enrol("07700 900002");
  f.Enrol("07700 900003");
  // Take the database back to version 1: as an older Patron left it.
  REQUIRE(f.db()
              .Execute("DROP TRIGGER member_count_insert; DROP TRIGGER member_count_delete; "
                       "DROP TABLE member_count; PRAGMA user_version = 1")
              .ok());
  f.Reopen();
  CHECK(sql::SchemaVersion(f.db()).value() == 2);
  CHECK(f.till().Status().value().member_count == 3);
  f.Enrol("07700 900004");
  CHECK(f.till().Status().value().member_count == 4);
}

TEST_CASE("a database written by a newer Patron is refused") {
  TerminalFixture f;
  REQUIRE(f.db().Execute("PRAGMA user_version = 99").ok());
  auto reopened = Terminal::Open(f.options());
  REQUIRE_FALSE(reopened.ok());
  CHECK(reopened.status().reason() == "schema_too_new");
}

}  // namespace
}  // namespace patron::terminal
