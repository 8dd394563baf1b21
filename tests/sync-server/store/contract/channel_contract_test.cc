// Store contract: the channel role (channel_store.h): items addressed to
// tills, replacing their predecessors, and the rules in force.
// Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::TempDir;

DownItem Item(int64_t seq, std::string kind, std::string audience, std::string address,
              std::string key, std::string body = "{}") {
  return DownItem{seq,
                  std::move(kind),
                  std::move(audience),
                  std::move(address),
                  std::move(key),
                  record::RawJson{std::move(body)}};
}

std::vector<int64_t> Seqs(const std::vector<DownItem>& items) {
  std::vector<int64_t> seqs;
  for (const DownItem& item : items) seqs.push_back(item.seq);
  return seqs;
}

TEST_CASE_TEMPLATE("a terminal gets every till's items, its store's, its own and members'", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    const std::vector<DownItem> items = {
        Item(txn->NextSeq().value(), "rules", "all", "", "", R"({"version":2})"),
        Item(txn->NextSeq().value(), "offer", "store", "S001", "o1"),
        Item(txn->NextSeq().value(), "offer", "store", "S002", "o1"),
        Item(txn->NextSeq().value(), "sale_refunds", "terminal", "S001-T01", "S001-T01/R-1"),
        Item(txn->NextSeq().value(), "sale_refunds", "terminal", "S001-T02", "S001-T02/R-1"),
        Item(txn->NextSeq().value(), "voucher", "member", "m1", "v1"),
        Item(txn->NextSeq().value(), "thing", "planet", "mars",
             "x"),  // an audience from the future
    };
    for (const DownItem& item : items) REQUIRE(txn->PutDownItem(item).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  const std::vector<DownItem> mine = txn->DownItemsFor("S001-T01", "S001", 0, 7, 100).value();
  CHECK(Seqs(mine) == std::vector<int64_t>{1, 2, 4, 6});
  CHECK(mine[0] == Item(1, "rules", "all", "", "", R"({"version":2})"));
  CHECK(Seqs(txn->DownItemsFor("S002-T01", "S002", 0, 7, 100).value()) ==
        std::vector<int64_t>{1, 3, 6});
  // (after, through], in seq order, at most `limit`.
  CHECK(Seqs(txn->DownItemsFor("S001-T01", "S001", 1, 7, 2).value()) == std::vector<int64_t>{2, 4});
  CHECK(Seqs(txn->DownItemsFor("S001-T01", "S001", 2, 5, 100).value()) == std::vector<int64_t>{4});
  CHECK(txn->DownItemsFor("S001-T01", "S001", 0, 7, 0).value().empty());
}

TEST_CASE_TEMPLATE("an item replaces the one of the same kind, audience, address and key", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutDownItem(Item(txn->NextSeq().value(), "offer", "all", "", "o1", "[1]")).ok());
    REQUIRE(txn->PutDownItem(Item(txn->NextSeq().value(), "offer", "all", "", "o2", "[2]")).ok());
    REQUIRE(txn->Commit().ok());
  }
  {
    auto txn = Write(*store);
    // Same kind, audience, address and key: replaces o1. Another audience
    // or kind with the same key does not.
    REQUIRE(txn->PutDownItem(Item(txn->NextSeq().value(), "offer", "all", "", "o1", "[3]")).ok());
    REQUIRE(
        txn->PutDownItem(Item(txn->NextSeq().value(), "offer", "store", "S001", "o2", "[4]")).ok());
    REQUIRE(txn->PutDownItem(Item(txn->NextSeq().value(), "segment", "all", "", "o2", "[5]")).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  const std::vector<DownItem> items = txn->DownItemsFor("S001-T01", "S001", 0, 100, 100).value();
  REQUIRE(Seqs(items) == std::vector<int64_t>{2, 3, 4, 5});
  CHECK(items[1].body.text == "[3]");
  // A till that pulled up to 2 gets the replacement after it.
  CHECK(Seqs(txn->DownItemsFor("S001-T01", "S001", 2, 100, 100).value()) ==
        std::vector<int64_t>{3, 4, 5});
}

TEST_CASE_TEMPLATE("items are part of the transaction: a rollback leaves no item", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutDownItem(Item(txn->NextSeq().value(), "offer", "all", "", "o1")).ok());
  }
  CHECK(Read(*store)->DownItemsFor("S001-T01", "S001", 0, 100, 100).value().empty());
  CHECK(Read(*store)->PutDownItem(Item(1, "offer", "all", "", "o1")).IsFailedPrecondition());
}

TEST_CASE_TEMPLATE("the highest rules version is active; a version's body is immutable", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  CHECK_FALSE(txn->ActiveRules().value().has_value());
  REQUIRE(txn->PutRules(2, R"({"v":2})", 2'000).ok());
  REQUIRE(txn->PutRules(1, R"({"v":1})", 1'000).ok());
  auto active = txn->ActiveRules().value();
  REQUIRE(active.has_value());
  CHECK(active->first == 2);
  CHECK(active->second == R"({"v":2})");
  CHECK(txn->PutRules(2, R"({"v":2})", 2'000).ok());  // the same again: a retry
  const Status changed = txn->PutRules(2, R"({"v":"other"})", 3'000);
  CHECK(changed.IsConflict());
  CHECK(changed.reason() == "rules_version_exists");
  CHECK(txn->ActiveRules().value()->second == R"({"v":2})");
  // Every version stays readable: entries name the version they used.
  CHECK(txn->RulesVersion(1).value() == std::optional<std::string>(R"({"v":1})"));
  CHECK(txn->RulesVersion(2).value() == std::optional<std::string>(R"({"v":2})"));
  CHECK_FALSE(txn->RulesVersion(3).value().has_value());
  const std::vector<StoredRules> all = txn->AllRules().value();
  REQUIRE(all.size() == 2);
  CHECK(all[0].version == 1);
  CHECK(all[0].body == R"({"v":1})");
  CHECK(all[1].version == 2);
  CHECK(all[1].body == R"({"v":2})");
  CHECK(all[0].stored_ms == 1'000);
  CHECK(all[1].stored_ms == 2'000);  // the retry kept the first
  CHECK(all[1].stored_ms > 0);
}

}  // namespace
}  // namespace patron::sync::contract
