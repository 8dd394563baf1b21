#include "store/schema.h"

#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "patron/member_id.h"
#include "patron/record/record_json.h"
#include "patron/records/sale.h"
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

// A database as Patron's schema version `version` left it: the migrations
// up to it, the terminal's state row, and `rows` (SQL in that version's
// layout).
std::function<void(sql::Database&)> OlderDatabase(int version, std::string rows) {
  return [version, rows](sql::Database& db) {
    REQUIRE(sql::Migrate(db, TerminalMigrations().first(static_cast<size_t>(version))).ok());
    const std::string state =
        "INSERT INTO terminal_state(id, terminal_id, store_id, chain_key_fingerprint, next_seq,"
        " hlc) VALUES (1, 'S001-T01', 'S001', '" +
        ChainKeyFingerprint(kDemoChainKey) + "', 3, 0);";
    REQUIRE(db.Execute(state + rows).ok());
  };
}

// A version 1 member row (every register unwritten but the name).
std::string MemberRowV1(const std::string& id, const std::string& phone) {
  return "INSERT INTO members(member_id, phone, card, status, enrolled_store, enrolled_ms,"
         " name, name_hlc, name_origin, birthday, birthday_hlc, birthday_origin, email,"
         " email_hlc, email_origin, gender, gender_hlc, gender_origin, sms_consent,"
         " sms_consent_hlc, sms_consent_origin, email_consent, email_consent_hlc,"
         " email_consent_origin) VALUES ('" +
         id + "', '" + phone +
         "', NULL, 'active', 'S001', 1, 'Ann', 65536, 'S001-T01', NULL, 0, '', NULL, 0, '',"
         " NULL, 0, '', 0, 0, '', 0, 0, '');";
}

TEST_CASE("upgrading a version 1 database counts the members it already has") {
  TerminalFixture f(OlderDatabase(
      1, MemberRowV1("0190a5a4-7c1e-7000-8000-000000000001", "+447700900001") +
             MemberRowV1("0190a5a4-7c1e-7000-8000-000000000002", "+447700900002") +
             MemberRowV1("0190a5a4-7c1e-7000-8000-000000000003", "+447700900003")));
  CHECK(sql::SchemaVersion(f.db()).value() == static_cast<int>(TerminalMigrations().size()));
  CHECK(f.till().Status().value().member_count == 3);
  f.Enrol("07700 900004");
  CHECK(f.till().Status().value().member_count == 4);
}

TEST_CASE("upgrading a version 2 database queues every sale and refund for head office") {
  const std::string member = "0190a5a4-7c1e-7000-8000-000000000001";
  TerminalFixture f(OlderDatabase(
      2, MemberRowV1(member, "+447700900001") +
             "INSERT INTO sales(sale_ref, request_hash, member_id, amount_minor, currency,"
             " discount_minor, paid_minor, eligible_paid_minor, earned_points, redeemed_points,"
             " earn_entry, redeem_entry, balance_after, tier_after, rule_version, created_ms)"
             " VALUES ('R-1', 'h', '" +
             member +
             "', 3000, 'USD', 0, 3000, 3000, 30, 0, 'S001-T01/1', '', 30, 'regular', 1, 7);"
             "INSERT INTO sale_lines(sale_ref, line_no, sku, qty, amount_minor, category)"
             " VALUES ('R-1', 0, 'TEA', 2, 1000, 'grocery'), ('R-1', 1, 'CUP', 1, 2000, '');"
             "INSERT INTO refunds(refund_ref, request_hash, sale_ref, amount_minor,"
             " paid_back_minor, reversed_points, returned_points, entry_ids, balance_after,"
             " created_ms) VALUES ('F-1', 'h2', 'R-1', 1000, 1000, 10, 0, 'S001-T01/2', 20, 9);"));
  const TerminalStatus status = f.till().Status().value();
  CHECK(status.pending_records == 2);
  auto bodies = f.db().GetUniqueStatement("SELECT kind, record_id, body FROM outbox ORDER BY 1 DESC");
  REQUIRE(bodies.ok());
  REQUIRE(bodies->Step().value());
  CHECK(bodies->ColumnText(0) == "sale");
  CHECK(bodies->ColumnText(1) == "S001-T01/R-1");
  auto sale = record::DecodeRecord<SaleRecord>(bodies->ColumnText(2));
  REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
  CHECK(sale->sale_id == "S001-T01/R-1");
  CHECK(sale->store_id == "S001");
  CHECK(sale->wall_ms == 7);
  REQUIRE(sale->lines.size() == 2);
  CHECK(sale->lines[0].sku == "TEA");
  CHECK(sale->lines[1].amount_minor == 2000);
  REQUIRE(bodies->Step().value());
  CHECK(bodies->ColumnText(0) == "refund");
  auto refund = record::DecodeRecord<RefundRecord>(bodies->ColumnText(2));
  REQUIRE_MESSAGE(refund.ok(), refund.status().ToString());
  CHECK(refund->sale_id == "S001-T01/R-1");
  CHECK(refund->member_id == member);
  CHECK(refund->entry_ids == std::vector<std::string>{"S001-T01/2"});
  // The refund reads back through the store, and replays as before.
  RefundRequest again;
  again.sale_ref = "R-1";
  again.refund_ref = "F-1";
  again.amount_minor = 1000;
  CHECK(f.till().Refund(again).status().reason() == "refund_ref_conflict");
}

TEST_CASE(
    "upgrading a version 6 database whose journal restarted asks head office for its rights") {
  TerminalFixture f(
      OlderDatabase(6, MemberRowV1("0190a5a4-7c1e-7000-8000-000000000001", "+447700900001") +
                           "UPDATE terminal_state SET restart_ms = 5, restart_high_seq = 2, "
                           "restart_from_seq = 1;"));
  const TerminalStatus status = f.till().Status().value();
  CHECK(status.rights_statement_due);
  CHECK_FALSE(status.rights_statement_ms.has_value());
  CHECK(f.till().NextPull(10).value().want_rights_statement);
}

TEST_CASE("upgrading a version 6 database that never restarted asks for nothing") {
  TerminalFixture f(OlderDatabase(6, ""));
  CHECK_FALSE(f.till().Status().value().rights_statement_due);
  CHECK_FALSE(f.till().NextPull(10).value().want_rights_statement);
}

TEST_CASE("upgrading a version 7 database: its sales read back without campaign awards") {
  const std::string member = "0190a5a4-7c1e-7000-8000-000000000001";
  TerminalFixture f(OlderDatabase(
      7, MemberRowV1(member, "+447700900001") +
             "INSERT INTO sales(sale_ref, request_hash, member_id, amount_minor, currency,"
             " discount_minor, paid_minor, eligible_paid_minor, earned_points, redeemed_points,"
             " earn_entry, redeem_entry, balance_after, tier_after, rule_version, wall_ms,"
             " sale_id, terminal_id, store_id, hlc) VALUES ('R-1', 'h', '" +
             member +
             "', 3000, 'USD', 0, 3000, 3000, 30, 0, 'S001-T01/1', '', 30, 'regular', 1, 7,"
             " 'S001-T01/R-1', 'S001-T01', 'S001', 0);"));
  CHECK(sql::SchemaVersion(f.db()).value() == static_cast<int>(TerminalMigrations().size()));
  auto sale = f.till().FindSale("R-1");
  REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
  CHECK(sale->earned_points == 30);
  CHECK(sale->awards.empty());
  CHECK_FALSE(sale->tier_progress.has_value());  // its spend after was not kept then
  CHECK(f.db().QueryInt64("SELECT count(*) FROM sales WHERE awards = '[]'").value() == 1);
  // A sale made now keeps its awards and the spend after it.
  const Member ann = f.Get(member);
  auto now = f.Sell("R-2", ann.member_id, 1'000);
  REQUIRE_MESSAGE(now.ok(), now.status().ToString());
  REQUIRE(now->tier_progress.has_value());
  CHECK(f.till().FindSale("R-2")->tier_progress == now->tier_progress);
}

TEST_CASE("upgrading a version 14 database: the segments set in force gives members' segments") {
  // Version 2 of the set is in force; part 0 of version 3 waits for part 1.
  TerminalFixture f(OlderDatabase(
      14,
      "INSERT INTO set_parts(name, version, part, parts, rows) VALUES"
      " ('segments', 2, 0, 1, '[{\"member_id\":\"m-1\",\"segments\":[\"vip\",\"champions\"]},"
      "{\"member_id\":\"m-2\",\"segments\":[\"at_risk\"]},{\"member\":\"m-3\"}]'),"
      " ('segments', 3, 0, 2, '[{\"member_id\":\"m-1\",\"segments\":[]}]');"
      "INSERT INTO sets(name, version) VALUES ('segments', 2);"));
  CHECK(sql::SchemaVersion(f.db()).value() == static_cast<int>(TerminalMigrations().size()));
  CHECK(f.Count("member_segments") == 2);  // the row without a member is left out
  CHECK(
      f.db().QueryString("SELECT segments FROM member_segments WHERE member_id = 'm-1'").value() ==
      R"(["champions","vip"])");
  CHECK(
      f.db().QueryString("SELECT segments FROM member_segments WHERE member_id = 'm-2'").value() ==
      R"(["at_risk"])");
}

TEST_CASE("upgrading a version 15 database: the offers set in force gives members' offers") {
  // A till of the build before held the "offers" set without reading it:
  // version 4 is in force; part 0 of version 5 waits for part 1.
  TerminalFixture f(OlderDatabase(
      15,
      "INSERT INTO set_parts(name, version, part, parts, rows) VALUES"
      " ('offers', 4, 0, 1, '[{\"member_id\":\"m-1\",\"offers\":[{\"category\":\"tea\","
      "\"reason\":\"again\",\"with\":\"\",\"score\":61}]},{\"member\":\"m-2\"}]'),"
      " ('offers', 5, 0, 2, '[{\"member_id\":\"m-3\",\"offers\":[{\"category\":\"cups\","
      "\"reason\":\"together\",\"with\":\"tea\",\"score\":150}]}]');"
      "INSERT INTO sets(name, version) VALUES ('offers', 4);"));
  CHECK(sql::SchemaVersion(f.db()).value() == static_cast<int>(TerminalMigrations().size()));
  CHECK(f.Count("member_offers") == 1);  // the row without a member is left out; v5 waits
  CHECK(f.db().QueryString("SELECT offers FROM member_offers WHERE member_id = 'm-1'").value() ==
        R"([{"category":"tea","reason":"again","with":"","score":61}])");
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
