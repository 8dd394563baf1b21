// Store contract: The terminal role (terminal_store.h): terminals by id and by token hash.
// Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::TempDir;

TEST_CASE_TEMPLATE("terminals by id and by token hash; token hashes are unique", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  const TerminalRecord t1{"S001-T01", "S001", "hash-1", 100, std::nullopt};
  const TerminalRecord t2{"S002-T01", "S002", "hash-2", 200, 250, 41};
  REQUIRE(txn->PutTerminal(t2).ok());
  REQUIRE(txn->PutTerminal(t1).ok());

  auto same = [](const std::optional<TerminalRecord>& a, const TerminalRecord& b) {
    return a.has_value() && a->terminal_id == b.terminal_id && a->store_id == b.store_id &&
           a->token_hash == b.token_hash && a->registered_ms == b.registered_ms &&
           a->last_sync_ms == b.last_sync_ms && a->journal_high_seq == b.journal_high_seq;
  };
  CHECK(same(txn->FindTerminal("S001-T01").value(), t1));
  CHECK(same(txn->FindTerminalByTokenHash("hash-2").value(), t2));
  CHECK_FALSE(txn->FindTerminal("S009-T01").value().has_value());
  CHECK_FALSE(txn->FindTerminalByTokenHash("hash-9").value().has_value());

  // Replace by id: a new token, a sync time, a higher journal sequence.
  TerminalRecord rotated = t1;
  rotated.token_hash = "hash-1b";
  rotated.last_sync_ms = 300;
  rotated.journal_high_seq = 7;
  REQUIRE(txn->PutTerminal(rotated).ok());
  CHECK(same(txn->FindTerminalByTokenHash("hash-1b").value(), rotated));
  CHECK_FALSE(txn->FindTerminalByTokenHash("hash-1").value().has_value());

  // Another terminal may not take an existing token hash.
  CHECK(txn->PutTerminal({"S003-T01", "S003", "hash-2", 400, std::nullopt}).IsConflict());
  CHECK(same(txn->FindTerminal("S002-T01").value(), t2));

  const auto all = txn->ListTerminals().value();
  REQUIRE(all.size() == 2);
  CHECK(same(all[0], rotated));
  CHECK(same(all[1], t2));
}

}  // namespace
}  // namespace patron::sync::contract
