// Terminals and the sync service in one process: offline work, then sync,
// then every replica agrees (DESIGN.md §3, §4).
#include <doctest/doctest.h>

#include <map>

#include "in_process_transport.h"
#include "patron/member_id.h"
#include "patron/sync_server/sqlite_server_store.h"
#include "patron/terminal/terminal.h"
#include "support/temp_dir.h"

namespace patron {
namespace {

using terminal::Member;
using terminal::Terminal;

constexpr int64_t kStart = 1'780'315'200'000;

class Chain {
 public:
  explicit Chain(int terminals) {
    store_ = sync::SqliteServerStore::Open(dir_.File("server.db")).value();
    sync::SyncServiceOptions options;
    options.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
    options.wall_clock_ms = [this] { return now_ms; };
    service_ = std::make_unique<sync::SyncService>(*store_, options);
    for (int i = 0; i < terminals; ++i) AddTerminal("S00" + std::to_string(i + 1), "T01");
  }

  void AddTerminal(const std::string& store, const std::string& till,
                   terminal::SyncClientOptions client_options = {}) {
    const std::string id = store + "-" + till;
    auto registered = service_->RegisterTerminal(id, store);
    REQUIRE(registered.ok());
    terminal::TerminalOptions o;
    o.db_path = dir_.File(id + ".db");
    o.terminal_id = id;
    o.store_id = store;
    const size_t index = nodes_.size();
    skew_ms.push_back(0);
    o.wall_clock_ms = [this, index] { return now_ms + skew_ms[index]; };
    auto opened = Terminal::Open(o);
    REQUIRE(opened.ok());
    auto transport = std::make_unique<testing::InProcessTransport>(
        *service_, sync::Caller{id, store});
    auto client =
        std::make_unique<terminal::SyncClient>(**opened, *transport, client_options);
    nodes_.push_back({std::move(opened).value(), std::move(transport), std::move(client)});
  }

  Terminal& till(size_t i) { return *nodes_[i].terminal; }
  testing::InProcessTransport& net(size_t i) { return *nodes_[i].transport; }
  terminal::SyncClient& client(size_t i) { return *nodes_[i].client; }
  sync::SyncService& service() { return *service_; }
  size_t size() const { return nodes_.size(); }

  void SetOffline(bool offline) {
    for (auto& node : nodes_) node.transport->offline = offline;
  }

  // Two rounds for everyone: the second brings each terminal what the
  // others pushed in the first.
  void SyncAll() {
    for (int round = 0; round < 2; ++round) {
      for (size_t i = 0; i < size(); ++i) {
        auto report = client(i).SyncOnce();
        REQUIRE_MESSAGE(report.ok(), report.status().ToString());
      }
    }
  }

  Member Enrol(size_t i, const std::string& phone, const std::string& name) {
    terminal::EnrolRequest request;
    request.phone = phone;
    request.profile.name = name;
    auto result = till(i).Enrol(request);
    REQUIRE_MESSAGE(result.ok(), result.status().ToString());
    return result->member;
  }

  Result<terminal::SaleResult> Sell(size_t i, const std::string& ref, const std::string& member,
                                    int64_t amount, int64_t redeem = 0) {
    terminal::SaleRequest sale;
    sale.sale_ref = ref;
    sale.member_id = member;
    sale.amount_minor = amount;
    sale.redeem_points = redeem;
    return till(i).Checkout(sale);
  }

  // The server's view of every member.
  std::map<std::string, sync::MemberState> ServerMembers() {
    sync::PullRequest pull;
    pull.terminal_id = nodes_[0].terminal->Status()->terminal_id;
    pull.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
    pull.limit = 10'000;
    auto page = service_->Pull({pull.terminal_id, "S001"}, pull);
    REQUIRE(page.ok());
    std::map<std::string, sync::MemberState> members;
    for (auto& m : page->members) members[m.member_id] = m;
    return members;
  }

  int64_t now_ms = kStart;
  std::vector<int64_t> skew_ms;  // per terminal: its clock minus true time

 private:
  struct Node {
    std::unique_ptr<Terminal> terminal;
    std::unique_ptr<testing::InProcessTransport> transport;
    std::unique_ptr<terminal::SyncClient> client;
  };
  testing::TempDir dir_;
  std::unique_ptr<sync::SqliteServerStore> store_;
  std::unique_ptr<sync::SyncService> service_;
  std::vector<Node> nodes_;
};

// Every terminal's view of every member the server knows equals the server's.
void CheckConverged(Chain& chain) {
  for (const auto& [id, server] : chain.ServerMembers()) {
    for (size_t i = 0; i < chain.size(); ++i) {
      auto member = chain.till(i).FindById(id);
      REQUIRE_MESSAGE(member.ok(), member.status().ToString());
      INFO("terminal ", i, " member ", id);
      CHECK(member->balance == server.balance);
      CHECK(member->qualifying_spend_minor == server.spend_minor);
      CHECK(member->name == server.name.value);
      CHECK(member->email == server.email.value);
      CHECK(member->sms_consent == server.sms_consent.value);
      CHECK(member->phone == server.phone);
    }
  }
}

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
