// The other sync messages (sync/codec.h): grant, snapshot and return claim,
// request and response. The first byte picks the decoder (SplitSelector);
// what decodes must survive a round trip (SnapshotInfo's notes are not on
// the wire).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "patron/sync/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace patron::sync;
  using patron::fuzz::CheckRoundTrip;
  size_t selector = 0;
  std::string_view body;
  if (!patron::fuzz::SplitSelector(data, size, 6, selector, body)) return 0;
  switch (selector) {
    case 0:
      CheckRoundTrip("GrantRequest", DecodeGrantRequest(body), EncodeGrantRequest,
                     DecodeGrantRequest);
      break;
    case 1:
      CheckRoundTrip("GrantResponse", DecodeGrantResponse(body), EncodeGrantResponse,
                     DecodeGrantResponse);
      break;
    case 2:
      CheckRoundTrip("SnapshotRequest", DecodeSnapshotRequest(body), EncodeSnapshotRequest,
                     DecodeSnapshotRequest);
      break;
    case 3:
      CheckRoundTrip("SnapshotInfo", DecodeSnapshotInfo(body), EncodeSnapshotInfo,
                     DecodeSnapshotInfo, [](SnapshotInfo& info) { info.notes = {}; });
      break;
    case 4:
      CheckRoundTrip("ReturnClaimRequest", DecodeReturnClaimRequest(body), EncodeReturnClaimRequest,
                     DecodeReturnClaimRequest);
      break;
    default:
      CheckRoundTrip("ReturnClaimResponse", DecodeReturnClaimResponse(body),
                     EncodeReturnClaimResponse, DecodeReturnClaimResponse);
      break;
  }
  return 0;
}
