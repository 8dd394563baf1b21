// Redemption rights (DESIGN.md §3): offline, a terminal spends only points it
// holds the right to spend; the rest of the balance needs a grant.
#include <doctest/doctest.h>

#include "terminal_fixture.h"

namespace patron::terminal {
namespace {

TEST_CASE("points earned here are redeemable here") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-1", m.member_id, 50'000).ok());
  Member after = f.Get(m.member_id);
  CHECK(after.balance == 500);
  CHECK(after.redeemable_here == 500);
  CHECK(f.Sell("R-2", m.member_id, 100'000, 500).ok());
}

TEST_CASE("points the server holds are in the balance but need a grant") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  // A pull reports 800 points earned in other stores and held by the server.
  f.SetServerView(m.member_id, /*version=*/40, /*balance=*/800, /*spend_minor=*/80'000);
  Member view = f.Get(m.member_id);
  CHECK(view.balance == 800);
  CHECK(view.redeemable_here == 0);
  const std::string before = f.Snapshot();
  auto refused = f.Sell("R-1", m.member_id, 10'000, 100);
  CHECK(refused.status().reason() == "insufficient_rights");
  CHECK(refused.status().code() == StatusCode::kFailedPrecondition);
  CHECK(f.Snapshot() == before);
  // Beyond the balance it is insufficient_points, whatever the rights.
  CHECK(f.Sell("R-1", m.member_id, 1'000'000, 900).status().reason() == "insufficient_points");

  // Earning here gives this terminal rights over what it earned, no more.
  REQUIRE(f.Sell("R-2", m.member_id, 20'000).ok());
  view = f.Get(m.member_id);
  CHECK(view.balance == 1'000);
  CHECK(view.redeemable_here == 200);
  CHECK(f.Sell("R-3", m.member_id, 10'000, 201).status().reason() == "insufficient_rights");
  CHECK(f.Sell("R-4", m.member_id, 10'000, 200).ok());
}

TEST_CASE("the view adds only the entries the server's row does not include") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-1", m.member_id, 10'000).ok());  // S001-T01/1, +100
  REQUIRE(f.Sell("R-2", m.member_id, 20'000).ok());  // S001-T01/2, +200
  // The server acknowledged entry 1 at sequence 7 and entry 2 at sequence 9,
  // and we pulled the member row at version 8 (balance 100: entry 1 only).
  REQUIRE(f.db().Execute("UPDATE ledger SET ack_seq = 7 WHERE seq = 1").ok());
  REQUIRE(f.db().Execute("UPDATE ledger SET ack_seq = 9 WHERE seq = 2").ok());
  f.SetServerView(m.member_id, 8, 100, 10'000);
  CHECK(f.Get(m.member_id).balance == 300);
  CHECK(f.Get(m.member_id).qualifying_spend_minor == 30'000);
  // At version 9 the server includes both.
  f.SetServerView(m.member_id, 9, 300, 30'000);
  CHECK(f.Get(m.member_id).balance == 300);
  CHECK(f.Get(m.member_id).redeemable_here == 300);
}

TEST_CASE("qualifying spend older than the window no longer counts toward the tier") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123");
  REQUIRE(f.Sell("R-1", m.member_id, 150'000).ok());
  CHECK(f.Get(m.member_id).tier == "silver");
  f.AdvanceMs(366LL * 24 * 3600 * 1000);
  Member later = f.Get(m.member_id);
  CHECK(later.tier == "regular");
  CHECK(later.qualifying_spend_minor == 0);
  CHECK(later.balance == 1'500);  // points do not lapse with the tier
}

}  // namespace
}  // namespace patron::terminal
