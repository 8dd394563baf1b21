// A chain in one process for the sync tests: a SyncService over a SQLite
// store and terminals connected to it by InProcessTransport, with a shared
// fake clock.
#ifndef PATRON_TESTS_SYNC_CHAIN_H_
#define PATRON_TESTS_SYNC_CHAIN_H_

#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "in_process_transport.h"
#include "patron/local_time.h"
#include "patron/lots.h"
#include "patron/member_id.h"
#include "patron/sync_server/sqlite_server_store.h"
#include "patron/terminal/online_checkout.h"
#include "patron/terminal/terminal.h"
#include "support/temp_dir.h"

namespace patron::testing {

using terminal::Member;
using terminal::Terminal;

inline constexpr int64_t kStart = 1'780'315'200'000;

class Chain {
 public:
  explicit Chain(int terminals) {
    store_ = sync::SqliteServerStore::Open(dir_.File("server.db")).value();
    sync::SyncServiceOptions options;
    options.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
    options.wall_clock_ms = [this] { return now_ms; };
    // Built only when a test calls BuildSnapshotIfDue; small chunks, so a
    // download takes several.
    options.snapshot.dir = dir_.File("snapshots");
    options.snapshot.min_changes = 1;
    options.snapshot.min_interval_ms = 0;
    options.snapshot.chunk_bytes = 16 * 1024;
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
    auto transport = std::make_unique<InProcessTransport>(
        *service_, sync::Caller{id, store});
    auto client =
        std::make_unique<terminal::SyncClient>(**opened, *transport, client_options);
    nodes_.push_back(
        {std::move(opened).value(), std::move(transport), std::move(client), o, client_options});
  }

  // Stops till `i` (its database closed cleanly); `fn` may then do what it
  // likes to the files; the till then opens again, as patrond would.
  void WhileStopped(size_t i, const std::function<void(terminal::TerminalOptions&)>& fn) {
    Node& node = nodes_[i];
    const bool offline = node.transport->offline;
    node.client.reset();
    node.transport.reset();
    node.terminal.reset();
    fn(node.options);
    auto opened = Terminal::Open(node.options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    node.terminal = std::move(opened).value();
    node.transport = std::make_unique<InProcessTransport>(
        *service_, sync::Caller{node.options.terminal_id, node.options.store_id});
    node.transport->offline = offline;
    node.client = std::make_unique<terminal::SyncClient>(*node.terminal, *node.transport,
                                                         node.client_options);
  }

  Terminal& till(size_t i) { return *nodes_[i].terminal; }
  InProcessTransport& net(size_t i) { return *nodes_[i].transport; }
  terminal::SyncClient& client(size_t i) { return *nodes_[i].client; }
  sync::SyncService& service() { return *service_; }
  size_t size() const { return nodes_.size(); }
  std::string File(const std::string& name) const { return dir_.File(name); }

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
    std::unique_ptr<InProcessTransport> transport;
    std::unique_ptr<terminal::SyncClient> client;
    terminal::TerminalOptions options;
    terminal::SyncClientOptions client_options;
  };
  TempDir dir_;
  std::unique_ptr<sync::SqliteServerStore> store_;
  std::unique_ptr<sync::SyncService> service_;
  std::vector<Node> nodes_;
};

// A refund of `amount_minor` of the sale `sale_ref`.
inline terminal::RefundRequest ByAmount(const std::string& sale_ref, const std::string& ref,
                                        int64_t amount_minor) {
  terminal::RefundRequest refund;
  refund.sale_ref = sale_ref;
  refund.refund_ref = ref;
  refund.amount_minor = amount_minor;
  return refund;
}

// A refund at till `i` of a sale made at terminal `sale_terminal`, asking
// head office through that till's transport.
inline Result<terminal::RefundResult> ReturnAt(Chain& chain, size_t i,
                                               const std::string& sale_terminal,
                                               terminal::RefundRequest refund) {
  refund.sale_terminal = sale_terminal;
  return terminal::RefundAnywhere(chain.till(i), refund,
                                  [&chain, i](const sync::ReturnClaimRequest& claim) {
                                    return chain.net(i).ClaimReturn(claim);
                                  });
}

// Entries head office refused so far, for every reason.
inline int64_t EntriesRejected(Chain& chain) {
  const auto& counts = chain.service().counters().entries_rejected;
  return std::accumulate(counts.begin(), counts.end(), int64_t{0},
                         [](int64_t sum, const auto& n) { return sum + n.load(); });
}

// Every terminal's view of every member the server knows equals the server's.
inline void CheckConverged(Chain& chain) {
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
      const int64_t today =
          ToLocalDate(chain.now_ms, chain.till(i).rules().utc_offset_minutes).day_number;
      CHECK(member->expiring == ExpiringSoonest(server.lots, today));
    }
  }
}

}  // namespace patron::testing

#endif  // PATRON_TESTS_SYNC_CHAIN_H_
