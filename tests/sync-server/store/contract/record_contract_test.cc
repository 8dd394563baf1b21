// Store contract: the record role (record_store.h): pushed records by kind
// and id, sales with their lines and refunded totals, refunds and their
// outcomes. Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "support/sale_lines.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::Line;
using testing::TempDir;

SaleRecord Sale(const std::string& terminal_id, const std::string& sale_ref) {
  SaleRecord sale;
  sale.sale_id = MakeSaleId(terminal_id, sale_ref);
  sale.terminal_id = terminal_id;
  sale.store_id = terminal_id.substr(0, 4);
  sale.sale_ref = sale_ref;
  sale.member_id = "m1";
  sale.amount_minor = 3000;
  sale.currency = "CNY";
  sale.discount_minor = 500;
  sale.paid_minor = 2500;
  sale.eligible_paid_minor = 2500;
  sale.earned_points = 25;
  sale.redeemed_points = 50;
  sale.earn_entry = terminal_id + "/1";
  sale.redeem_entry = terminal_id + "/2";
  sale.rule_version = 2;
  sale.hlc = HlcTimestamp::FromParts(1'780'000'000'000, 4);
  sale.wall_ms = 1'780'000'000'000;
  sale.lines = {Line("TEA-1", 2, 1000, "tea"), Line("CUP-9", 1, 2000)};
  for (size_t i = 0; i < sale.lines.size(); ++i) sale.lines[i].line_no = static_cast<int64_t>(i);
  sale.lines[1].name = "杯子";
  sale.lines[1].discount_minor = 100;
  return sale;
}

RefundRecord Refund(const std::string& terminal_id, const std::string& refund_ref,
                    const std::string& sale_id) {
  RefundRecord refund;
  refund.refund_id = MakeSaleId(terminal_id, refund_ref);
  refund.terminal_id = terminal_id;
  refund.store_id = terminal_id.substr(0, 4);
  refund.refund_ref = refund_ref;
  refund.sale_id = sale_id;
  refund.member_id = "m1";
  refund.amount_minor = 1000;
  refund.paid_back_minor = 900;
  refund.reversed_points = 9;
  refund.returned_points = 5;
  refund.spend_reversed_minor = 900;
  refund.lines = {RefundLine{0, 1}};
  refund.entry_ids = {terminal_id + "/7", terminal_id + "/8"};
  refund.hlc = HlcTimestamp::FromParts(1'780'000'100'000, 0);
  refund.wall_ms = 1'780'000'100'000;
  return refund;
}

// Files `sale` as head office does: its record, then the sale at the
// record's seq (FindSale finds a sale through its record).
void FileSale(StoreTxn& txn, const SaleRecord& sale) {
  const int64_t seq = txn.NextSeq().value();
  REQUIRE(txn.InsertRecord({seq, "sale", sale.sale_id, sale.terminal_id, std::string(64, 'a'),
                            std::nullopt})
              .ok());
  REQUIRE(txn.InsertSale(seq, sale).ok());
}

TEST_CASE_TEMPLATE("a record is stored once by (kind, id), with or without its body", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const StoredRecord filed{1,           "sale", "S001-T01/R-1", "S001-T01", std::string(64, 'a'),
                           std::nullopt};
  const StoredRecord held{2,          "coupon_use",         "S001-T01/C-1",
                          "S001-T01", std::string(64, 'b'), std::string(R"({"coupon":"X"})")};
  {
    auto txn = Write(*store);
    REQUIRE(txn->InsertRecord(filed).ok());
    REQUIRE(txn->InsertRecord(held).ok());
    CHECK_FALSE(txn->InsertRecord(filed).ok());  // (kind, id) is unique
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  CHECK(txn->FindRecord("sale", "S001-T01/R-1").value() == filed);
  CHECK(txn->FindRecord("coupon_use", "S001-T01/C-1").value() == held);
  CHECK_FALSE(txn->FindRecord("refund", "S001-T01/R-1").value().has_value());
  CHECK(txn->CountRecords("sale").value() == 1);
  CHECK(txn->CountRecords("refund").value() == 0);
  CHECK(txn->InsertRecord(held).IsFailedPrecondition());  // a read transaction
}

TEST_CASE_TEMPLATE("a sale round-trips every field and line; its refunded totals are set", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const SaleRecord sale = Sale("S001-T01", "R-1");
  {
    auto txn = Write(*store);
    FileSale(*txn, sale);
    REQUIRE(txn->Commit().ok());
  }
  {
    std::optional<StoredSale> stored = Read(*store)->FindSale(sale.sale_id).value();
    REQUIRE(stored.has_value());
    CHECK(stored->seq == 1);
    CHECK(stored->sale == sale);
    CHECK(stored->refunded_amount_minor == 0);
    CHECK(stored->refunded_qty == std::vector<int64_t>{0, 0});
  }
  {
    auto txn = Write(*store);
    REQUIRE(txn->SetSaleRefunded(sale.sale_id, 1000, {1, 0}).ok());
    CHECK(txn->SetSaleRefunded("S009-T01/none", 1, {}).IsNotFound());
    REQUIRE(txn->Commit().ok());
  }
  std::optional<StoredSale> stored = Read(*store)->FindSale(sale.sale_id).value();
  REQUIRE(stored.has_value());
  CHECK(stored->refunded_amount_minor == 1000);
  CHECK(stored->refunded_qty == std::vector<int64_t>{1, 0});
  CHECK(stored->sale == sale);
  CHECK_FALSE(Read(*store)->FindSale("S001-T01/R-2").value().has_value());
}

TEST_CASE_TEMPLATE(
    "refunds round-trip, are found by id and by sale in arrival order, and "
    "take their outcome",
    Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const std::string sale_id = MakeSaleId("S001-T01", "R-1");
  RefundRecord here = Refund("S001-T01", "F-1", sale_id);
  RefundRecord elsewhere = Refund("S002-T01", "F-1", sale_id);
  elsewhere.pending = true;
  elsewhere.member_id = "";
  elsewhere.lines = {};
  elsewhere.reversed_points = elsewhere.returned_points = elsewhere.spend_reversed_minor = 0;
  elsewhere.entry_ids = {};
  const RefundRecord other = Refund("S001-T01", "F-2", MakeSaleId("S001-T01", "R-2"));
  {
    auto txn = Write(*store);
    REQUIRE(txn->InsertRefund({txn->NextSeq().value(), here, RefundStatus::kApplied}).ok());
    REQUIRE(txn->InsertRefund({txn->NextSeq().value(), other, RefundStatus::kAwaitingSale}).ok());
    REQUIRE(txn->InsertRefund({txn->NextSeq().value(), elsewhere, RefundStatus::kPending}).ok());
    REQUIRE(txn->Commit().ok());
  }
  {
    auto txn = Read(*store);
    std::optional<StoredRefund> found = txn->FindRefund(here.refund_id).value();
    REQUIRE(found.has_value());
    CHECK(found->seq == 1);
    CHECK(found->refund == here);
    CHECK(found->status == RefundStatus::kApplied);
    std::vector<StoredRefund> of_sale = txn->RefundsOfSale(sale_id).value();
    REQUIRE(of_sale.size() == 2);
    CHECK(of_sale[0].refund == here);
    CHECK(of_sale[1].refund == elsewhere);
    CHECK(of_sale[1].status == RefundStatus::kPending);
    CHECK_FALSE(txn->FindRefund(MakeSaleId("S003-T01", "F-1")).value().has_value());
  }
  // Head office matches the pending return: its member, entries and what
  // they moved are set with its status; nothing else about it changes.
  RefundRecord matched = elsewhere;
  matched.member_id = "m1";
  matched.entry_ids = {"server/1", "server/2"};
  matched.reversed_points = 9;
  matched.returned_points = 5;
  matched.spend_reversed_minor = 900;
  {
    auto txn = Write(*store);
    REQUIRE(txn->SetRefundOutcome(3, RefundStatus::kMatched, matched).ok());
    CHECK(txn->SetRefundOutcome(99, RefundStatus::kMatched, matched).IsNotFound());
    REQUIRE(txn->Commit().ok());
  }
  std::optional<StoredRefund> found = Read(*store)->FindRefund(elsewhere.refund_id).value();
  REQUIRE(found.has_value());
  CHECK(found->status == RefundStatus::kMatched);
  CHECK(found->refund == matched);
}

TEST_CASE_TEMPLATE("a member's sales and refunds are found by member, in filing order", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  SaleRecord other = Sale("S001-T01", "R-2");
  other.member_id = "m2";
  const SaleRecord first = Sale("S002-T01", "R-1");
  const SaleRecord second = Sale("S001-T01", "R-3");
  const RefundRecord refund = Refund("S001-T01", "F-1", second.sale_id);
  {
    auto txn = Write(*store);
    FileSale(*txn, first);
    FileSale(*txn, other);
    FileSale(*txn, second);
    REQUIRE(txn->InsertRefund({txn->NextSeq().value(), refund, RefundStatus::kApplied}).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  const std::vector<StoredSale> sales = txn->SalesOfMember("m1").value();
  REQUIRE(sales.size() == 2);
  CHECK(sales[0].sale == first);
  CHECK(sales[1].sale == second);
  CHECK(txn->SalesOfMember("m2").value().size() == 1);
  const std::vector<StoredRefund> refunds = txn->RefundsOfMember("m1").value();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].refund == refund);
  CHECK(txn->RefundsOfMember("m2").value().empty());
}

TEST_CASE_TEMPLATE("records, sales and refunds are part of the transaction", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const SaleRecord sale = Sale("S001-T01", "R-1");
  {
    auto txn = Write(*store);
    REQUIRE(
        txn->InsertRecord({1, "sale", sale.sale_id, "S001-T01", std::string(64, 'a'), std::nullopt})
            .ok());
    REQUIRE(txn->InsertSale(txn->NextSeq().value(), sale).ok());
    REQUIRE(txn->InsertRefund({txn->NextSeq().value(), Refund("S001-T01", "F-1", sale.sale_id),
                               RefundStatus::kApplied})
                .ok());
  }  // rolled back
  auto txn = Read(*store);
  CHECK_FALSE(txn->FindRecord("sale", sale.sale_id).value().has_value());
  CHECK_FALSE(txn->FindSale(sale.sale_id).value().has_value());
  CHECK(txn->RefundsOfSale(sale.sale_id).value().empty());
  CHECK(txn->CountRecords("sale").value() == 0);
}

}  // namespace
}  // namespace patron::sync::contract
