// Store contract: the exchange role (exchange_store.h): an exchange stored
// whole and listed by member, quantities summed per till and reward, and
// each till's share of a reward's stock.
// Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "patron/records/sale.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::TempDir;

ExchangeRecord Make(const std::string& terminal_id, const std::string& ref,
                    const std::string& member_id, const std::string& reward_id, int64_t quantity,
                    int64_t wall_ms) {
  ExchangeRecord x;
  x.exchange_id = MakeSaleId(terminal_id, ref);
  x.terminal_id = terminal_id;
  x.store_id = terminal_id.substr(0, 4);
  x.exchange_ref = ref;
  x.member_id = member_id;
  x.reward_id = reward_id;
  x.reward_name = "保温杯 " + reward_id;
  x.quantity = quantity;
  x.points = 1'500 * quantity;
  x.entry_id = MakeEntryId(terminal_id, wall_ms % 1'000 + 1);
  x.voucher_id = ExchangeVoucherId(x.exchange_id);
  x.rule_version = 4;
  x.hlc = HlcTimestamp::FromParts(1'700'000'000'000 + wall_ms, 3);
  x.wall_ms = wall_ms;
  return x;
}

std::vector<std::string> Ids(const std::vector<ExchangeRecord>& exchanges) {
  std::vector<std::string> ids;
  for (const ExchangeRecord& x : exchanges) ids.push_back(x.exchange_id);
  return ids;
}

TEST_CASE_TEMPLATE("an exchange is stored whole", Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const ExchangeRecord bought = Make("S001-T01", "X-1", "m1", "mug", 2, 100);
  ExchangeRecord item = Make("S002-T01", "X-1", "m1", "pen", 1, 90);
  item.voucher_id.clear();  // an item buys no voucher
  {
    auto txn = Write(*store);
    CHECK_FALSE(txn->FindExchange(bought.exchange_id).value().has_value());
    REQUIRE(txn->PutExchange(bought).ok());
    REQUIRE(txn->PutExchange(item).ok());
    CHECK(txn->FindExchange(bought.exchange_id).value() == bought);  // its own writes
    REQUIRE(txn->Commit().ok());
  }
  auto read = Read(*store);
  const std::optional<ExchangeRecord> found = read->FindExchange("S001-T01/X-1").value();
  REQUIRE(found.has_value());
  CHECK(*found == bought);
  CHECK(found->hlc == bought.hlc);
  CHECK(found->hlc.Packed() == HlcTimestamp::FromParts(1'700'000'000'100, 3).Packed());
  CHECK(read->FindExchange("S002-T01/X-1").value() == item);
  CHECK_FALSE(read->FindExchange("S001-T01/X-2").value().has_value());
  CHECK_FALSE(read->FindExchange("").value().has_value());
  CHECK_FALSE(read->FindExchange("s001-t01/x-1").value().has_value());
  CHECK(read->PutExchange(Make("S001-T01", "X-9", "m1", "mug", 1, 1)).code() ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE_TEMPLATE("an exchange not committed is gone with its transaction", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const ExchangeRecord kept = Make("S001-T01", "X-1", "m1", "mug", 1, 100);
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutExchange(kept).ok());
    REQUIRE(txn->SetStockShare("mug", "S001-T01", 10).ok());
    REQUIRE(txn->Commit().ok());
  }
  ExchangeRecord changed = kept;
  changed.quantity = 5;
  changed.points = 7'500;
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutExchange(changed).ok());
    REQUIRE(txn->PutExchange(Make("S001-T01", "X-2", "m1", "mug", 3, 200)).ok());
    REQUIRE(txn->SetStockShare("mug", "S001-T01", 40).ok());
    REQUIRE(txn->SetStockShare("mug", "S002-T01", 20).ok());
    CHECK(txn->ExchangedAt("S001-T01", "mug").value() == 8);
    // Not committed: gone with the transaction.
  }
  auto read = Read(*store);
  CHECK(read->FindExchange(kept.exchange_id).value() == kept);
  CHECK_FALSE(read->FindExchange("S001-T01/X-2").value().has_value());
  CHECK(read->ExchangesOfMember("m1").value() == std::vector<ExchangeRecord>{kept});
  CHECK(read->ExchangedAt("S001-T01", "mug").value() == 1);
  CHECK(read->StockShares("mug").value() == std::map<std::string, int64_t>{{"S001-T01", 10}});
}

TEST_CASE_TEMPLATE("a member's exchanges are listed by time, then id, and only theirs", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    for (const ExchangeRecord& x :
         {Make("S001-T02", "X-1", "m1", "mug", 1, 200),
          Make("S001-T01", "X-7", "m1", "pen", 1, 200),
          Make("S002-T01", "X-1", "m1", "mug", 1, 100), Make("S001-T01", "X-8", "m2", "mug", 1, 50),
          Make("S001-T01", "X-9", "m1", "mug", 4, 300)}) {
      REQUIRE(txn->PutExchange(x).ok());
    }
    CHECK(Read(*store)->ExchangesOfMember("m1").value().empty());  // read: not yet committed
    REQUIRE(txn->Commit().ok());
  }
  auto read = Read(*store);
  const std::vector<ExchangeRecord> listed = read->ExchangesOfMember("m1").value();
  CHECK(Ids(listed) ==
        std::vector<std::string>{"S002-T01/X-1", "S001-T01/X-7", "S001-T02/X-1", "S001-T01/X-9"});
  REQUIRE(listed.size() == 4);
  CHECK(listed[3] == Make("S001-T01", "X-9", "m1", "mug", 4, 300));
  CHECK(Ids(read->ExchangesOfMember("m2").value()) == std::vector<std::string>{"S001-T01/X-8"});
  CHECK(read->ExchangesOfMember("m3").value().empty());
  CHECK(read->ExchangesOfMember("").value().empty());
}

TEST_CASE_TEMPLATE("exchanged quantities are summed per till and reward, or over every till", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto read = Read(*store);
    CHECK(read->ExchangedAt("S001-T01", "mug").value() == 0);
    CHECK(read->ExchangedAt("", "mug").value() == 0);
  }
  {
    auto txn = Write(*store);
    for (const ExchangeRecord& x : {Make("S001-T01", "X-1", "m1", "mug", 2, 100),
                                    Make("S001-T01", "X-2", "m2", "mug", 3, 110),
                                    Make("S001-T01", "X-3", "m1", "pen", 5, 120),
                                    Make("S002-T01", "X-1", "m1", "mug", 7, 130),
                                    Make("S002-T01", "X-2", "m3", "cup", 11, 140)}) {
      REQUIRE(txn->PutExchange(x).ok());
    }
    REQUIRE(txn->Commit().ok());
  }
  {
    auto read = Read(*store);
    CHECK(read->ExchangedAt("S001-T01", "mug").value() == 5);
    CHECK(read->ExchangedAt("S002-T01", "mug").value() == 7);
    CHECK(read->ExchangedAt("", "mug").value() == 12);
    CHECK(read->ExchangedAt("S001-T01", "pen").value() == 5);
    CHECK(read->ExchangedAt("S002-T01", "pen").value() == 0);
    CHECK(read->ExchangedAt("", "pen").value() == 5);
    CHECK(read->ExchangedAt("", "cup").value() == 11);
    CHECK(read->ExchangedAt("S003-T01", "mug").value() == 0);
    CHECK(read->ExchangedAt("", "bag").value() == 0);
  }
  // Storing an exchange again under its id replaces it: counted once.
  {
    auto txn = Write(*store);
    ExchangeRecord again = Make("S001-T01", "X-1", "m1", "mug", 4, 100);
    REQUIRE(txn->PutExchange(again).ok());
    REQUIRE(txn->Commit().ok());
  }
  CHECK(Read(*store)->ExchangedAt("S001-T01", "mug").value() == 7);
  CHECK(Read(*store)->ExchangedAt("", "mug").value() == 14);
}

TEST_CASE_TEMPLATE("each till's share of a reward's stock is as last set", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  using Shares = std::map<std::string, int64_t>;
  TempDir dir;
  auto store = Impl::Open(dir);
  CHECK(Read(*store)->StockShares("mug").value().empty());
  {
    auto txn = Write(*store);
    REQUIRE(txn->SetStockShare("mug", "S001-T01", 10).ok());
    REQUIRE(txn->SetStockShare("mug", "S002-T01", 5).ok());
    REQUIRE(txn->SetStockShare("pen", "S001-T01", 3).ok());
    CHECK(txn->StockShares("mug").value() == Shares{{"S001-T01", 10}, {"S002-T01", 5}});
    REQUIRE(txn->Commit().ok());
  }
  CHECK(Read(*store)->StockShares("mug").value() == Shares{{"S001-T01", 10}, {"S002-T01", 5}});
  CHECK(Read(*store)->StockShares("pen").value() == Shares{{"S001-T01", 3}});
  CHECK(Read(*store)->StockShares("cup").value().empty());
  {
    auto txn = Write(*store);
    REQUIRE(txn->SetStockShare("mug", "S001-T01", 25).ok());  // in all, not added
    REQUIRE(txn->Commit().ok());
  }
  CHECK(Read(*store)->StockShares("mug").value() == Shares{{"S001-T01", 25}, {"S002-T01", 5}});
  CHECK(Read(*store)->StockShares("pen").value() == Shares{{"S001-T01", 3}});
  auto read = Read(*store);
  CHECK(read->SetStockShare("mug", "S001-T01", 1).code() == StatusCode::kFailedPrecondition);
}

TEST_CASE_TEMPLATE("each till's share of a campaign's budget: granted as last set, used added up",
                   Impl, PATRON_STORE_IMPLEMENTATIONS) {
  using Shares = std::map<std::string, BudgetShare>;
  TempDir dir;
  auto store = Impl::Open(dir);
  CHECK(Read(*store)->BudgetShares("gift", "").value().empty());
  {
    auto txn = Write(*store);
    REQUIRE(txn->SetBudgetGranted("gift", "S001-T01", 100).ok());
    REQUIRE(txn->SetBudgetGranted("gift", "S002-T01", 50).ok());
    REQUIRE(txn->AddBudgetUsed("gift", "S001-T01", 30).ok());
    REQUIRE(txn->AddBudgetUsed("gift", "S001-T01", 20).ok());
    REQUIRE(txn->AddBudgetUsed("gift", "S003-T01", 5).ok());  // used, never granted
    REQUIRE(txn->SetBudgetGranted("other", "S001-T01", 7).ok());
    CHECK(txn->BudgetShares("gift", "").value() ==
          Shares{{"S001-T01", {100, 50}}, {"S002-T01", {50, 0}}, {"S003-T01", {0, 5}}});
    REQUIRE(txn->Commit().ok());
  }
  CHECK(Read(*store)->BudgetShares("gift", "S001-T01").value() == Shares{{"S001-T01", {100, 50}}});
  CHECK(Read(*store)->BudgetShares("gift", "S009-T01").value().empty());
  CHECK(Read(*store)->BudgetShares("other", "").value() == Shares{{"S001-T01", {7, 0}}});
  {
    auto txn = Write(*store);
    REQUIRE(txn->SetBudgetGranted("gift", "S001-T01", 150).ok());  // in all, not added
    REQUIRE(txn->AddBudgetUsed("gift", "S001-T01", 1).ok());
  }  // dropped without Commit: rolled back
  CHECK(Read(*store)->BudgetShares("gift", "S001-T01").value() == Shares{{"S001-T01", {100, 50}}});
  {
    auto txn = Write(*store);
    REQUIRE(txn->SetBudgetGranted("gift", "S001-T01", 150).ok());
    REQUIRE(txn->Commit().ok());
  }
  CHECK(Read(*store)->BudgetShares("gift", "S001-T01").value() == Shares{{"S001-T01", {150, 50}}});
  auto read = Read(*store);
  CHECK(read->SetBudgetGranted("gift", "S001-T01", 1).code() == StatusCode::kFailedPrecondition);
  CHECK(read->AddBudgetUsed("gift", "S001-T01", 1).code() == StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace patron::sync::contract
