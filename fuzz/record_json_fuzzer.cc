// The record wire form (record/record_json.h) every sync message is built
// from: each record kind decoded on its own, with decode notes kept (the
// path that reads a newer peer's unknown fields and enum names), then
// round-tripped. The sync message targets reach these inside messages; here
// the first byte picks a kind (SplitSelector) that gets the rest.
#include <cstddef>
#include <cstdint>
#include <iterator>
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

// One entry per record kind; the selector indexes it.
using Checker = void (*)(std::string_view);
constexpr Checker kCheckers[] = {
    &Check<MemberIdentity>,
    &Check<MemberProfile>,
    &Check<EntryDetail>,
    &Check<LedgerEntry>,
    &Check<SaleLine>,
    &Check<SaleRecord>,
    &Check<RefundLine>,
    &Check<RefundRecord>,
    &Check<RefundPlan>,
    &Check<sync::ReplicaMember>,
    &Check<sync::DownItem>,
    &Check<sync::SaleRefundsElsewhere>,
    &Check<sync::SetPart>,
    &Check<sync::ProfileChange>,
    &Check<sync::RecordEnvelope>,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t selector = 0;
  std::string_view text;
  if (!fuzz::SplitSelector(data, size, std::size(kCheckers), selector, text)) return 0;
  kCheckers[selector](text);
  return 0;
}
