// A SyncService over a SQLite store in a temporary directory, with a
// settable clock, two registered terminals and builders for requests.
#ifndef PATRON_TESTS_SYNC_SERVER_SERVICE_SERVICE_FIXTURE_H_
#define PATRON_TESTS_SYNC_SERVER_SERVICE_SERVICE_FIXTURE_H_

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <span>
#include <string>

#include "patron/member_id.h"
#include "patron/sync_server/sqlite_server_store.h"
#include "patron/sync_server/sync_service.h"
#include "support/temp_dir.h"
#include "support/test_entries.h"

namespace patron::sync {

inline constexpr int64_t kNow = 1'780'315'200'000;  // 2026-06-01T12:00:00Z

class ServiceFixture {
 public:
  // `configure` adjusts the service's options (on every start).
  explicit ServiceFixture(std::function<void(SyncServiceOptions&)> configure = {})
      : configure_(std::move(configure)) {
    Start();
    t1 = Register("S001-T01", "S001");
    t2 = Register("S002-T01", "S002");
  }

  SyncService& service() { return *service_; }

  // A server restart: a new store and service over the same file.
  void Restart() {
    service_.reset();
    store_.reset();
    Start();
  }

  Caller Register(const std::string& terminal, const std::string& store) {
    auto registered = service_->RegisterTerminal(terminal, store);
    REQUIRE(registered.ok());
    auto caller = service_->Authenticate("Bearer " + registered->token);
    REQUIRE(caller.ok());
    return *caller;
  }

  // An earn entry written by `caller` for `member_id`.
  LedgerEntry Earn(const Caller& caller, int64_t seq, const std::string& member_id,
                   int64_t points) {
    return testing::EarnEntry(caller.terminal_id, caller.store_id, seq, member_id, points, now_ms);
  }

  // A transfer of `points` of the member's rights from `caller` back to the
  // server (what a terminal's hand-back pushes).
  LedgerEntry HandBack(const Caller& caller, int64_t seq, const std::string& member_id,
                       int64_t points) {
    LedgerEntry e = Earn(caller, seq, member_id, points);
    e.kind = EntryKind::kTransfer;
    e.to_holder = "server";
    e.amount_minor = 0;
    e.sale_ref = "";
    return e;
  }

  PushRequest NewPush(const Caller& caller) {
    PushRequest request;
    request.terminal_id = caller.terminal_id;
    request.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
    request.hlc = HlcTimestamp::FromParts(now_ms, 0);
    return request;
  }

  PullRequest NewPull(const Caller& caller, Cursor cursor = {}, int limit = 100) {
    PullRequest request;
    request.terminal_id = caller.terminal_id;
    request.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
    request.cursor = std::move(cursor);
    request.limit = limit;
    return request;
  }

  GrantRequest NewGrant(const Caller& caller, const std::string& request_id,
                        const std::string& member_id, int64_t points) {
    GrantRequest request;
    request.terminal_id = caller.terminal_id;
    request.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
    request.request_id = request_id;
    request.member_id = member_id;
    request.points = points;
    return request;
  }

  ProfileChange Change(const Caller& caller, int64_t id, const std::string& member_id,
                       const std::string& field, const std::string& value_json, int64_t ms) {
    return {id,
            member_id,
            field,
            testing::ProfileValueFromJson(value_json),
            HlcTimestamp::FromParts(ms, 0),
            caller.terminal_id};
  }

  MemberState Member(const std::string& member_id) {
    auto page = service_->Pull(t1, NewPull(t1, {}, 10'000));
    REQUIRE(page.ok());
    for (const MemberState& m : page->members) {
      if (m.member_id == member_id) return m;
    }
    FAIL("member not found");
    return {};
  }

  int64_t now_ms = kNow;
  Caller t1, t2;
  const std::string ann = DeriveMemberId(kDemoChainKey, "+14155550100").ToString();
  const std::string bob = DeriveMemberId(kDemoChainKey, "+14155550101").ToString();

 private:
  void Start() {
    store_ = SqliteServerStore::Open(dir_.File("server.db"), Counter()).value();
    SyncServiceOptions options;
    options.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
    options.wall_clock_ms = [this] { return now_ms; };
    options.fill_random = Counter();
    if (configure_) configure_(options);
    service_ = std::make_unique<SyncService>(*store_, options);
  }

  static std::function<void(std::span<uint8_t>)> Counter() {
    auto state = std::make_shared<uint8_t>(0);
    return [state](std::span<uint8_t> out) {
      for (uint8_t& b : out) b = ++*state;
    };
  }

  std::function<void(SyncServiceOptions&)> configure_;
  testing::TempDir dir_;
  std::unique_ptr<SqliteServerStore> store_;
  std::unique_ptr<SyncService> service_;
};

}  // namespace patron::sync

#endif  // PATRON_TESTS_SYNC_SERVER_SERVICE_SERVICE_FIXTURE_H_
