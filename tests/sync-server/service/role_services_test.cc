// Head office's role services on their own, without the SyncService facade
// around them: each needs only the store and a clock.
#include <doctest/doctest.h>

#include <memory>

#include "contract/store_implementations.h"
#include "patron/sync_server/server_clock.h"
#include "patron/sync_server/terminal_registry.h"

namespace patron::sync {
namespace {

constexpr int64_t kNow = 1'780'315'200'000;  // 2026-06-01T12:00:00Z

TEST_CASE("ServerClock resumes above the mark a write saved, though the wall clock fell back") {
  testing::TempDir dir;
  std::unique_ptr<ServerStore> store = SqliteStoreImpl::Open(dir);
  int64_t now = kNow;
  HlcTimestamp saved;
  {
    ServerClock clock([&] { return now; }, 60'000);
    auto txn = store->BeginWrite();
    REQUIRE(txn.ok());
    REQUIRE(clock.Resume(**txn).ok());
    saved = clock.Tick();
    REQUIRE(clock.Save(**txn).ok());
    REQUIRE((*txn)->Commit().ok());
  }
  now = kNow - 3'600'000;  // the next process starts with its clock an hour behind
  ServerClock restarted([&] { return now; }, 60'000);
  CHECK(restarted.Tick() < saved);  // not resumed yet: the wall clock's time
  auto txn = store->BeginRead();
  REQUIRE(txn.ok());
  REQUIRE(restarted.Resume(**txn).ok());
  CHECK(saved < restarted.Tick());
}

TEST_CASE("ServerClock merges a remote stamp within the drift and ignores one beyond it") {
  ServerClock clock([] { return kNow; }, 60'000);
  const HlcTimestamp far = HlcTimestamp::FromParts(kNow + 10 * 60'000, 0);
  CHECK(clock.Merge(far) < far);
  CHECK(clock.Tick() < far);
  const HlcTimestamp near = HlcTimestamp::FromParts(kNow + 30'000, 0);
  CHECK(near < clock.Merge(near));
  CHECK(near < clock.Tick());
}

TEST_CASE("TerminalRegistry issues tokens, resolves them, and overlays when terminals were seen") {
  testing::TempDir dir;
  std::unique_ptr<ServerStore> store = SqliteStoreImpl::Open(dir);
  int64_t now = kNow;
  uint8_t next_byte = 0;
  TerminalRegistry registry(
      *store, [&] { return now; },
      [&](std::span<uint8_t> out) {
        for (uint8_t& b : out) b = next_byte++;
      });

  Result<RegisteredTerminal> t1 = registry.Register("S001-T01", "S001");
  REQUIRE(t1.ok());
  CHECK(t1->token.size() == 64);
  Result<Caller> caller = registry.Authenticate("Bearer " + t1->token);
  REQUIRE(caller.ok());
  CHECK(caller->store_id == "S001");
  CHECK(registry.Authenticate("Bearer nope").status().reason() == "invalid_token");
  CHECK(registry.Authenticate("").status().reason() == "missing_token");

  // Re-registration rotates the token; a terminal never changes store.
  Result<RegisteredTerminal> again = registry.Register("S001-T01", "S001");
  REQUIRE(again.ok());
  CHECK(again->token != t1->token);
  CHECK_FALSE(registry.Authenticate(t1->token).ok());
  CHECK(registry.Register("S001-T01", "S002").status().reason() == "terminal_store_mismatch");
  CHECK(registry.Register("server", "S001").status().reason() == "invalid_terminal_id");

  now += 5'000;
  registry.MarkSeen("S001-T01");
  Result<std::vector<TerminalRecord>> terminals = registry.Terminals();
  REQUIRE(terminals.ok());
  REQUIRE(terminals->size() == 1);
  CHECK(terminals->front().registered_ms == kNow);
  CHECK(terminals->front().last_sync_ms == kNow + 5'000);
}

}  // namespace
}  // namespace patron::sync
