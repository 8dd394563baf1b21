// Terminals and the sync service in one process: offline work, then sync,
// then every replica agrees (DESIGN.md §3, §4).
#include <doctest/doctest.h>

#include "chain.h"

namespace patron {
namespace {

using testing::Chain;
using testing::CheckConverged;
using testing::kStart;
using terminal::Member;
using terminal::Terminal;

TEST_CASE("sync: offline work on three terminals converges after the server is back") {
  Chain chain(3);
  chain.SetOffline(true);
  std::vector<std::string> members;
  for (size_t i = 0; i < 3; ++i) {
    members.push_back(chain.Enrol(i, "+1 415 555 01" + std::to_string(10 + i), "M" + std::to_string(i)).member_id);
  }
  for (size_t i = 0; i < 3; ++i) {
    REQUIRE(chain.Sell(i, "R-1", members[i], 50'000).ok());  // +500 here
    REQUIRE(chain.Sell(i, "R-2", members[i], 10'000, 200).ok());  // redeem own rights
    terminal::RefundRequest refund;
    refund.sale_ref = "R-1";
    refund.refund_ref = "F-1";
    refund.amount_minor = 10'000;
    REQUIRE(chain.till(i).Refund(refund).ok());
    terminal::ProfilePatch patch;
    patch.email = "m" + std::to_string(i) + "@example.com";
    REQUIRE(chain.till(i).UpdateProfile(members[i], patch).ok());
  }
  for (size_t i = 0; i < 3; ++i) CHECK_FALSE(chain.client(i).SyncOnce().ok());
  chain.SetOffline(false);
  chain.SyncAll();
  CheckConverged(chain);
  auto server = chain.ServerMembers();
  CHECK(server.size() == 3);
  CHECK(server[members[0]].balance == chain.till(0).FindById(members[0])->balance);
  CHECK(server[members[0]].email.value == "m0@example.com");
  for (size_t i = 0; i < 3; ++i) CHECK(chain.till(i).Status()->pending_entries == 0);
}

TEST_CASE("sync: a new terminal pulling many small pages ahead of applying them converges") {
  Chain chain(1);
  for (int i = 0; i < 25; ++i) {
    const Member m = chain.Enrol(0, "+1 415 555 02" + std::to_string(10 + i), "M" + std::to_string(i));
    REQUIRE(chain.Sell(0, "R-" + std::to_string(i), m.member_id, 1'000 * (i + 1)).ok());
  }
  chain.SyncAll();
  chain.AddTerminal("S002", "T01", {.pull_page = 3, .prefetch_pull = true});
  auto report = chain.client(1).SyncOnce();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK(report->members_pulled == 25);
  CheckConverged(chain);
  // Caught up: the next round pulls nothing.
  report = chain.client(1).SyncOnce();
  REQUIRE(report.ok());
  CHECK(report->members_pulled == 0);
}

TEST_CASE("sync: the same phone enrolled on two offline terminals is one member with both balances") {
  Chain chain(2);
  chain.SetOffline(true);
  Member a = chain.Enrol(0, "+1 415 555 0199", "Ann");
  Member b = chain.Enrol(1, "(415) 555-0199", "Ann B.");
  CHECK(a.member_id == b.member_id);
  REQUIRE(chain.Sell(0, "R-1", a.member_id, 30'000).ok());
  REQUIRE(chain.Sell(1, "R-1", b.member_id, 20'000).ok());
  chain.SetOffline(false);
  chain.SyncAll();
  CheckConverged(chain);
  CHECK(chain.till(0).FindById(a.member_id)->balance == 500);
  CHECK(chain.till(1).FindById(a.member_id)->balance == 500);
  CHECK(chain.ServerMembers().size() == 1);
}

TEST_CASE("sync: points held by the server need a grant; only one of two terminals gets them") {
  Chain chain(3);
  Member m = chain.Enrol(0, "+1 415 555 0142", "Cy");
  REQUIRE(chain.Sell(0, "R-1", m.member_id, 40'000).ok());  // 400 points earned at T0
  chain.SyncAll();  // T0 hands its rights back: the server holds 400
  CHECK(chain.till(1).FindById(m.member_id)->balance == 400);
  CHECK(chain.till(1).FindById(m.member_id)->redeemable_here == 0);

  chain.SetOffline(true);
  CHECK(chain.Sell(1, "R-9", m.member_id, 100'000, 300).status().reason() == "insufficient_rights");
  CHECK(chain.Sell(2, "R-9", m.member_id, 100'000, 300).status().reason() == "insufficient_rights");
  CHECK_FALSE(chain.client(1).RequestGrant(m.member_id, 300, "g1").ok());

  chain.SetOffline(false);
  REQUIRE(chain.client(1).RequestGrant(m.member_id, 300, "g1").ok());
  REQUIRE(chain.Sell(1, "R-9", m.member_id, 100'000, 300).ok());
  auto second = chain.client(2).RequestGrant(m.member_id, 300, "g2");
  CHECK(second.reason() == "insufficient_points");
  chain.SyncAll();
  CheckConverged(chain);
  CHECK(chain.ServerMembers()[m.member_id].balance >= 0);
}

TEST_CASE("sync: a push whose reply is lost is retried and answered exists, counted once") {
  Chain chain(2);
  Member m = chain.Enrol(0, "+1 415 555 0150", "Di");
  REQUIRE(chain.Sell(0, "R-1", m.member_id, 12'300).ok());
  chain.net(0).lose_next_push_reply = true;
  CHECK(chain.client(0).SyncOnce().status().IsUnavailable());
  CHECK(chain.till(0).Status()->pending_entries == 1);  // not acknowledged locally
  chain.SyncAll();
  CHECK(chain.service().counters().entries_duplicate >= 1);
  CHECK(chain.ServerMembers()[m.member_id].balance == 123);
  CheckConverged(chain);
}

TEST_CASE("sync: a terminal's view follows the server's version plus its own pending entries") {
  Chain chain(2);
  Member m = chain.Enrol(0, "+1 415 555 0160", "Ed");
  REQUIRE(chain.Sell(0, "R-1", m.member_id, 10'000).ok());
  chain.SyncAll();
  chain.SetOffline(true);
  REQUIRE(chain.Sell(1, "R-1", m.member_id, 5'000).ok());
  CHECK(chain.till(1).FindById(m.member_id)->balance == 150);  // 100 pulled + 50 pending
  CHECK(chain.till(0).FindById(m.member_id)->balance == 100);
  chain.SetOffline(false);
  chain.SyncAll();
  CHECK(chain.till(0).FindById(m.member_id)->balance == 150);
  CHECK(chain.till(1).FindById(m.member_id)->balance == 150);
}

TEST_CASE("sync: a till whose clock runs hours behind still overwrites a field it pulled") {
  // The edit used to be stamped by the slow clock, below the pulled value's
  // stamp: the server kept the old value, the till its own, for good (found
  // by the simulation).
  Chain chain(2);
  chain.skew_ms[0] = 3 * 60 * 1000;        // a little ahead: within the drift
  chain.skew_ms[1] = -12 * 3600 * 1000LL;  // twelve hours behind
  Member m = chain.Enrol(0, "+1 415 555 0170", "Flo");
  chain.SyncAll();
  REQUIRE(chain.till(1).FindById(m.member_id)->name == "Flo");
  terminal::ProfilePatch patch;
  patch.name = "Florence";
  REQUIRE(chain.till(1).UpdateProfile(m.member_id, patch).ok());
  chain.SyncAll();
  CheckConverged(chain);
  CHECK(chain.ServerMembers()[m.member_id].name.value == "Florence");
}

}  // namespace
}  // namespace patron
