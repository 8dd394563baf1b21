// Store contract: The report role (report_store.h): per-store figures.
// Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::TempDir;

TEST_CASE_TEMPLATE("StoreReport computes per-store figures, including stores without entries", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutTerminal({"S001-T01", "S001", "h1", 1, std::nullopt}).ok());
    REQUIRE(txn->PutTerminal({"S002-T01", "S002", "h2", 1, std::nullopt}).ok());
    REQUIRE(txn->PutTerminal({"S003-T01", "S003", "h3", 1, std::nullopt}).ok());  // idle store
    for (auto [id, enrolled] : std::vector<std::pair<std::string, std::string>>{
             {"m1", "S001"}, {"m2", "S001"}, {"m3", "S002"}, {"m4", "S004"}}) {
      MemberRecord m = Member(id, txn->NextSeq().value());
      m.state.enrolled_store = enrolled;
      REQUIRE(txn->PutMember(m).ok());
    }
    auto sale = [](LedgerEntry e, std::string sale_ref) {
      e.sale_ref = std::move(sale_ref);
      return e;
    };
    Insert(*txn, sale(Entry("S001-T01", 1, "m1", EntryKind::kEarn, 100), "R1"));
    Insert(*txn, sale(Entry("S001-T01", 2, "m1", EntryKind::kRedeem, -30), "R1"));  // same sale
    Insert(*txn, sale(Entry("S001-T01", 3, "m2", EntryKind::kEarn, 50), "R2"));
    Insert(*txn, Entry("S001-T01", 4, "m2", EntryKind::kBonus, 20));
    LedgerEntry reverse = sale(Entry("S001-T01", 5, "m2", EntryKind::kReverse, -10), "R2");
    reverse.ref_entry = "S001-T01/3";
    Insert(*txn, reverse);                                      // not a sale, but outstanding
    Insert(*txn, Transfer("S001-T01", 6, "m1", "server", 40));  // moves rights only
    Insert(*txn, sale(Entry("S002-T01", 1, "m3", EntryKind::kEarn, 70), "R1"));  // other terminal
    Insert(*txn, Entry("S002-T01", 2, "m3", EntryKind::kRedeem, -5));            // no sale_ref
    Insert(*txn, Transfer("server", 1, "m3", "S002-T01", 5));  // booked to no store
    REQUIRE(txn->Commit().ok());
  }
  const auto report = Read(*store)->StoreReport().value();
  auto row = [](std::string id, int64_t members, int64_t sales, int64_t earned, int64_t redeemed,
                int64_t outstanding) {
    return StoreFigures{std::move(id), members, sales, earned, redeemed, outstanding};
  };
  const std::vector<StoreFigures> expected = {
      row("", 0, 0, 0, 0, 0),  // the server's own entries: no store
      row("S001", 2, 2, 170, 30, 130), row("S002", 1, 1, 70, 5, 65),
      row("S003", 0, 0, 0, 0, 0),      row("S004", 1, 0, 0, 0, 0),
  };
  REQUIRE(report.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(report[i].store_id == expected[i].store_id);
    CHECK(report[i].members_enrolled == expected[i].members_enrolled);
    CHECK(report[i].sales == expected[i].sales);
    CHECK(report[i].points_earned == expected[i].points_earned);
    CHECK(report[i].points_redeemed == expected[i].points_redeemed);
    CHECK(report[i].points_outstanding == expected[i].points_outstanding);
  }
}

}  // namespace
}  // namespace patron::sync::contract
