// The record wire form (record/record_json.h) every sync message is built
// from: each record kind decoded on its own, with decode notes kept (the
// path that reads a newer peer's unknown fields and enum names), then
// round-tripped. The sync message targets reach these through their
// envelopes; here each kind gets the whole input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "patron/ledger.h"
#include "patron/member.h"
#include "patron/record/record_json.h"
#include "patron/records/sale.h"
#include "patron/refund_plan.h"
#include "patron/sync/down_items.h"
#include "patron/sync/protocol.h"
#include "patron/sync/replica_member.h"

namespace {

using namespace patron;

template <typename Record>
void Check(std::string_view text) {
  const auto decode = [](std::string_view body) {
    record::DecodeNotes notes;
    return record::DecodeRecord<Record>(body, &notes);
  };
  fuzz::CheckRoundTrip(
      record::RecordName<Record>(), decode(text),
      [](const Record& r) { return record::EncodeRecord(r); }, decode);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::AsText(data, size);
  Check<MemberIdentity>(text);
  Check<MemberProfile>(text);
  Check<EntryDetail>(text);
  Check<LedgerEntry>(text);
  Check<SaleLine>(text);
  Check<SaleRecord>(text);
  Check<RefundLine>(text);
  Check<RefundRecord>(text);
  Check<RefundPlan>(text);
  Check<sync::ReplicaMember>(text);
  Check<sync::DownItem>(text);
  Check<sync::SaleRefundsElsewhere>(text);
  Check<sync::SetPart>(text);
  Check<sync::ProfileChange>(text);
  Check<sync::RecordEnvelope>(text);
  return 0;
}
