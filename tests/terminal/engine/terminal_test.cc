#include "patron/terminal/terminal.h"

#include <doctest/doctest.h>

#include "terminal_fixture.h"

namespace patron::terminal {
namespace {

TEST_CASE("a data file belongs to one terminal, store and chain key") {
  TerminalFixture f;
  TerminalOptions other = f.options();
  other.terminal_id = "S001-T02";
  CHECK(Terminal::Open(other).status().reason() == "terminal_mismatch");
  other = f.options();
  other.store_id = "S002";
  CHECK(Terminal::Open(other).status().reason() == "terminal_mismatch");
  other = f.options();
  other.chain_key = "another chain";
  CHECK(Terminal::Open(other).status().reason() == "chain_key_mismatch");
}

TEST_CASE("invalid identities are refused before anything is created") {
  TerminalFixture f;
  TerminalOptions bad = f.options();
  bad.db_path += ".other";
  bad.terminal_id = "server";
  CHECK(Terminal::Open(bad).status().reason() == "invalid_terminal_id");
  bad.terminal_id = "S1/T1";
  CHECK(Terminal::Open(bad).status().reason() == "invalid_terminal_id");
  bad.terminal_id = "";
  CHECK(Terminal::Open(bad).status().reason() == "invalid_terminal_id");
  bad.terminal_id = "S001-T09";
  bad.chain_key = "";
  CHECK(Terminal::Open(bad).status().reason() == "invalid_chain_key");
}

TEST_CASE("status reports the terminal, members and pending work") {
  TerminalFixture f;
  Member a = f.Enrol("07700 900001");
  f.Enrol("07700 900002");
  REQUIRE(f.Sell("R-1", a.member_id, 1'000).ok());
  auto status = f.till().Status();
  REQUIRE(status.ok());
  CHECK(status->terminal_id == "S001-T01");
  CHECK(status->store_id == "S001");
  CHECK(status->member_count == 2);
  CHECK(status->pending_entries == 1);
  CHECK(status->pending_profile_changes == 4);  // identity + name, each
  CHECK(status->rules_version == 1);
  CHECK(status->cursor_seq == 0);
  CHECK_FALSE(status->last_sync_ms.has_value());
}

TEST_CASE("history pages backwards through a member's entries") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900001");
  for (int i = 0; i < 5; ++i) {
    f.AdvanceMs(1000);
    REQUIRE(f.Sell("R-" + std::to_string(i), m.member_id, 1'000 * (i + 1)).ok());
  }
  auto first = f.till().History(m.member_id, 3);
  REQUIRE(first.ok());
  REQUIRE(first->entries.size() == 3);
  CHECK(first->next_before != 0);
  CHECK(first->entries[0].sale_ref == "R-4");
  CHECK(first->entries[2].sale_ref == "R-2");
  auto second = f.till().History(m.member_id, 3, first->next_before);
  REQUIRE(second.ok());
  REQUIRE(second->entries.size() == 2);
  CHECK(second->next_before == 0);
  CHECK(second->entries[1].sale_ref == "R-0");
  CHECK(second->entries[1].points == 10);
  CHECK(second->entries[1].kind == EntryKind::kEarn);
  CHECK(f.till().History(m.member_id, 0).status().reason() == "invalid_limit");
  CHECK(f.till().History("0190f0e0-0000-7000-8000-000000000000", 5).status().reason() ==
        "unknown_member");
}

TEST_CASE("sequence numbers and the clock survive a restart, even with the clock set back") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900001");
  REQUIRE(f.Sell("R-1", m.member_id, 1'000).ok());
  const int64_t hlc_before = f.db().QueryInt64("SELECT max(hlc) FROM ledger").value();
  f.Reopen();
  f.AdvanceMs(-24LL * 3600 * 1000);  // the RTC lost a day
  auto sale = f.Sell("R-2", m.member_id, 1'000);
  REQUIRE(sale.ok());
  CHECK(sale->entry_ids == std::vector<std::string>{"S001-T01/2"});
  CHECK(f.db().QueryInt64("SELECT max(hlc) FROM ledger").value() > hlc_before);
  CHECK(f.Get(m.member_id).balance == 20);
}

TEST_CASE("entries carry the terminal's identity, rule version and a valid shape") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900001");
  REQUIRE(f.Sell("R-1", m.member_id, 150'000).ok());
  REQUIRE(f.Sell("R-2", m.member_id, 2'000, 100).ok());
  auto history = f.till().History(m.member_id, 10);
  REQUIRE(history.ok());
  REQUIRE(history->entries.size() == 3);
  for (const LedgerEntry& e : history->entries) {
    CHECK(ValidateEntry(e).ok());
    CHECK(e.origin == "S001-T01");
    CHECK(e.store_id == "S001");
    CHECK(e.rule_version == 1);
    CHECK(e.currency == "USD");
  }
}

}  // namespace
}  // namespace patron::terminal
