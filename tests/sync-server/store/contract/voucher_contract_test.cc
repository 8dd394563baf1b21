// Store contract: the voucher role (voucher_store.h): a voucher stored
// whole, replaced whole, and listed by member.
// Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::TempDir;

Voucher Make(const std::string& id, const std::string& member_id, int64_t issued_ms) {
  Voucher v;
  v.voucher_id = id;
  v.member_id = member_id;
  v.name = "生日礼券 " + id;
  v.source = "birthday";
  v.percent_off_bp = 1'000;
  v.max_off_minor = 3'000;
  v.bonus_points = 88;
  v.min_spend_minor = 10'000;
  v.valid_from_ms = issued_ms;
  v.valid_until_ms = issued_ms + 1'000;
  v.issued_ms = issued_ms;
  return v;
}

TEST_CASE_TEMPLATE("a voucher is stored whole and replaced whole", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const Voucher issued = Make("V1", "m1", 100);
  {
    auto txn = Write(*store);
    CHECK_FALSE(txn->FindVoucher("V1").value().has_value());
    REQUIRE(txn->PutVoucher(issued).ok());
    REQUIRE(txn->Commit().ok());
  }
  CHECK(Read(*store)->FindVoucher("V1").value() == issued);
  Voucher used = issued;
  used.status = "used";
  used.holder = "S001-T01";
  used.holder_gen = 2;
  used.recall = true;
  used.used_sale_id = "S001-T01/R-1";
  used.used_ms = 150;
  used.bonus_entry = "S001-T01/9";
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutVoucher(used).ok());
    REQUIRE(txn->PutVoucher(Make("V2", "m1", 50)).ok());
    // Not committed: gone with the transaction.
  }
  CHECK(Read(*store)->FindVoucher("V1").value() == issued);
  CHECK_FALSE(Read(*store)->FindVoucher("V2").value().has_value());
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutVoucher(used).ok());
    REQUIRE(txn->Commit().ok());
  }
  CHECK(Read(*store)->FindVoucher("V1").value() == used);
}

TEST_CASE_TEMPLATE("a member's vouchers are listed oldest first", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    for (const Voucher& v :
         {Make("B", "m1", 200), Make("A", "m1", 200), Make("C", "m1", 100), Make("D", "m2", 50)}) {
      REQUIRE(txn->PutVoucher(v).ok());
    }
    CHECK_FALSE(Read(*store)->FindVoucher("A").value().has_value());  // read: not yet committed
    REQUIRE(txn->Commit().ok());
  }
  std::vector<std::string> ids;
  const std::vector<Voucher> listed = Read(*store)->VouchersOfMember("m1").value();
  for (const Voucher& v : listed) ids.push_back(v.voucher_id);
  CHECK(ids == std::vector<std::string>{"C", "A", "B"});
  CHECK(Read(*store)->VouchersOfMember("m3").value().empty());
  auto read = Read(*store);
  CHECK(read->PutVoucher(Make("E", "m1", 1)).code() == StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace patron::sync::contract
