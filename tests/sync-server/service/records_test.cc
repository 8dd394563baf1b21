// The up-channel at head office (record_filer.h): records answered like
// entries, consumption records filed, refunds counted against their sale
// across every store, kinds from the future kept whole.
#include <doctest/doctest.h>

#include "consumption_records.h"

namespace patron::sync {
namespace {

TEST_CASE("a sale with its lines is filed once; a retry exists, other bytes conflict") {
  ServiceFixture f;
  const SaleRecord sale = Sale(f.t1, "R-1", f.ann, 3'000);
  const RecordEnvelope envelope = Envelope(kSaleRecordKind, sale.sale_id, sale);
  std::vector<RecordAck> acks = PushRecords(f, f.t1, {envelope});
  CHECK(acks[0].outcome == PushOutcome::kOk);
  CHECK(acks[0].seq > 0);

  auto stored = f.service().FindSale(sale.sale_id);
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->sale == sale);
  CHECK((*stored)->refunded_qty == std::vector<int64_t>{0, 0});

  std::vector<RecordAck> again = PushRecords(f, f.t1, {envelope});
  CHECK(again[0].outcome == PushOutcome::kExists);
  CHECK(again[0].seq == acks[0].seq);

  SaleRecord other = sale;
  other.amount_minor = 3'001;
  other.lines[1].amount_minor += 1;
  std::vector<RecordAck> conflict =
      PushRecords(f, f.t1, {Envelope(kSaleRecordKind, sale.sale_id, other)});
  CHECK(conflict[0].outcome == PushOutcome::kConflict);
  CHECK((*f.service().FindSale(sale.sale_id))->sale == sale);  // never overwritten
  CHECK(f.service().counters().records_filed == 1);
  CHECK(f.service().counters().records_duplicate == 1);
  CHECK(f.service().counters().records_conflict == 1);
}

TEST_CASE("a record that is not the caller's, or malformed, is rejected and changes nothing") {
  ServiceFixture f;
  const SaleRecord sale = Sale(f.t1, "R-1", f.ann, 3'000);
  SaleRecord bad_lines = sale;
  bad_lines.lines[1].line_no = 5;
  SaleRecord bad_id = sale;
  bad_id.sale_id = "S001-T01/R-2";
  std::vector<RecordAck> acks = PushRecords(
      f, f.t2,
      {Envelope(kSaleRecordKind, sale.sale_id, sale),  // t1's sale, pushed by t2
       Envelope(kSaleRecordKind, sale.sale_id, bad_lines),
       Envelope(kSaleRecordKind, bad_id.sale_id, bad_id),
       {std::string(kSaleRecordKind), "S002-T01/R-9", {R"({"sale_id":"S002-T01/R-9"})"}}});
  for (const RecordAck& ack : acks) {
    CHECK(ack.outcome == PushOutcome::kRejected);
    CHECK_FALSE(ack.message.empty());
  }
  CHECK_FALSE(f.service().FindSale(sale.sale_id)->has_value());
  // t1 may still send it: nothing of the refusals was stored.
  CHECK(PushRecords(f, f.t1, {Envelope(kSaleRecordKind, sale.sale_id, sale)})[0].outcome ==
        PushOutcome::kOk);
}

TEST_CASE("refunds from every store count against their sale, even arriving before it") {
  ServiceFixture f;
  const SaleRecord sale = Sale(f.t1, "R-1", f.ann, 3'000);
  // A return at another store reaches head office before the sale does.
  RefundRecord early = Refund(f.t2, "F-9", sale, 1'000);
  early.lines = {{0, 1}};
  CHECK(PushRecords(f, f.t2, {Envelope(kRefundRecordKind, early.refund_id, early)})[0].outcome ==
        PushOutcome::kOk);
  auto refunds = f.service().RefundsOfSale(sale.sale_id);
  REQUIRE(refunds->size() == 1);
  CHECK((*refunds)[0].status == RefundStatus::kAwaitingSale);

  PushRecords(f, f.t1, {Envelope(kSaleRecordKind, sale.sale_id, sale)});
  CHECK((*f.service().RefundsOfSale(sale.sale_id))[0].status == RefundStatus::kApplied);
  auto stored = *f.service().FindSale(sale.sale_id);
  CHECK(stored->refunded_amount_minor == 1'000);
  CHECK(stored->refunded_qty == std::vector<int64_t>{1, 0});

  // The sale's own store refunds the rest, then someone tries once more.
  const RefundRecord rest = Refund(f.t1, "F-1", sale, 2'000);
  const RefundRecord extra = Refund(f.t1, "F-2", sale, 500);
  PushRecords(f, f.t1,
              {Envelope(kRefundRecordKind, rest.refund_id, rest),
               Envelope(kRefundRecordKind, extra.refund_id, extra)});
  refunds = f.service().RefundsOfSale(sale.sale_id);
  REQUIRE(refunds->size() == 3);
  CHECK((*refunds)[1].status == RefundStatus::kApplied);
  CHECK((*refunds)[2].status == RefundStatus::kExceeds);
  CHECK((*f.service().FindSale(sale.sale_id))->refunded_amount_minor == 3'000);
  CHECK(f.service().counters().refunds_exceeding == 1);
}

TEST_CASE("a record of a kind this server does not know is kept whole and acknowledged") {
  ServiceFixture f;
  const RecordEnvelope future{"survey_answer", "S001-T01/survey/7",
                              {R"({"score":9,"comment":"很好","nested":{"a":[1,2]}})"}};
  CHECK(PushRecords(f, f.t1, {future})[0].outcome == PushOutcome::kOk);
  CHECK(PushRecords(f, f.t1, {future})[0].outcome == PushOutcome::kExists);
  CHECK(f.service().counters().records_held == 1);
}

}  // namespace
}  // namespace patron::sync
