// The implementations of the server store (server_store.h) that the
// contract suites run against: each suite is a TEST_CASE_TEMPLATE over
// PATRON_STORE_IMPLEMENTATIONS, so a new implementation (PostgreSQL) is one
// type here and passes the very same cases.
//
// An implementation type has
//   static constexpr std::string_view kName;
//   // Opens the store kept under `dir`, creating it empty the first time;
//   // opening again (after the previous store object is gone) is a restart.
//   static std::unique_ptr<ServerStore> Open(const testing::TempDir& dir);
#ifndef PATRON_TESTS_SYNC_SERVER_STORE_CONTRACT_STORE_IMPLEMENTATIONS_H_
#define PATRON_TESTS_SYNC_SERVER_STORE_CONTRACT_STORE_IMPLEMENTATIONS_H_

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <span>
#include <string_view>

#include "patron/sync_server/sqlite_server_store.h"
#include "support/temp_dir.h"

namespace patron::sync {

// The embedded store: one SQLite file under `dir`, with a fixed epoch.
struct SqliteStoreImpl {
  static constexpr std::string_view kName = "sqlite";
  static std::unique_ptr<ServerStore> Open(const testing::TempDir& dir) {
    auto store = SqliteServerStore::Open(dir.File("sync.db"), [](std::span<uint8_t> out) {
      std::fill(out.begin(), out.end(), uint8_t{0xAB});
    });
    REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    return std::move(store).value();
  }
};

#define PATRON_STORE_IMPLEMENTATIONS ::patron::sync::SqliteStoreImpl

}  // namespace patron::sync

#endif  // PATRON_TESTS_SYNC_SERVER_STORE_CONTRACT_STORE_IMPLEMENTATIONS_H_
