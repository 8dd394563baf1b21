// Consumption records as a till pushes them, for the service's tests: a
// sale of two lines, a refund of it, and a push of records.
#ifndef PATRON_TESTS_SYNC_SERVER_SERVICE_CONSUMPTION_RECORDS_H_
#define PATRON_TESTS_SYNC_SERVER_SERVICE_CONSUMPTION_RECORDS_H_

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "patron/record/record_json.h"
#include "patron/records/sale.h"
#include "service_fixture.h"
#include "support/sale_lines.h"

namespace patron::sync {

inline SaleRecord Sale(const Caller& caller, const std::string& ref, const std::string& member_id,
                       int64_t amount_minor) {
  SaleRecord sale;
  sale.sale_id = MakeSaleId(caller.terminal_id, ref);
  sale.terminal_id = caller.terminal_id;
  sale.store_id = caller.store_id;
  sale.sale_ref = ref;
  sale.member_id = member_id;
  sale.amount_minor = amount_minor;
  sale.currency = "USD";
  sale.paid_minor = amount_minor;
  sale.eligible_paid_minor = amount_minor;
  sale.earned_points = amount_minor / 100;
  sale.earn_entry = caller.terminal_id + "/1";
  sale.rule_version = 1;
  sale.hlc = HlcTimestamp::FromParts(kNow, 1);
  sale.wall_ms = kNow;
  SaleLine tea = testing::Line("TEA", 3, amount_minor / 2, "grocery");
  tea.name = "绿茶 Green tea";
  SaleLine cup = testing::Line("CUP", 1, amount_minor - amount_minor / 2);
  cup.line_no = 1;
  cup.discount_minor = 50;
  sale.lines = {tea, cup};
  return sale;
}

inline RefundRecord Refund(const Caller& caller, const std::string& ref, const SaleRecord& sale,
                           int64_t amount_minor) {
  RefundRecord refund;
  refund.refund_id = MakeSaleId(caller.terminal_id, ref);
  refund.terminal_id = caller.terminal_id;
  refund.store_id = caller.store_id;
  refund.refund_ref = ref;
  refund.sale_id = sale.sale_id;
  refund.member_id = sale.member_id;
  refund.amount_minor = amount_minor;
  refund.paid_back_minor = amount_minor;
  refund.hlc = HlcTimestamp::FromParts(kNow, 2);
  refund.wall_ms = kNow;
  return refund;
}

template <typename Record>
RecordEnvelope Envelope(std::string_view kind, const std::string& id, const Record& record) {
  return {std::string(kind), id, {record::EncodeRecord(record)}};
}

inline std::vector<RecordAck> PushRecords(ServiceFixture& f, const Caller& caller,
                                          std::vector<RecordEnvelope> records) {
  PushRequest push = f.NewPush(caller);
  push.records = std::move(records);
  auto response = f.service().Push(caller, push);
  REQUIRE_MESSAGE(response.ok(), response.status().ToString());
  REQUIRE(response->records.size() == push.records.size());
  return response->records;
}

}  // namespace patron::sync

#endif  // PATRON_TESTS_SYNC_SERVER_SERVICE_CONSUMPTION_RECORDS_H_
