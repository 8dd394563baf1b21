// The other sync messages (sync/codec.h): grant, snapshot and return claim,
// request and response. Every input goes to each decoder; what decodes
// must survive a round trip (SnapshotInfo's notes are not on the wire).
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "patron/sync/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace patron::sync;
  using patron::fuzz::CheckRoundTrip;
  const std::string_view body = patron::fuzz::AsText(data, size);
  CheckRoundTrip("GrantRequest", DecodeGrantRequest(body), EncodeGrantRequest, DecodeGrantRequest);
  CheckRoundTrip("GrantResponse", DecodeGrantResponse(body), EncodeGrantResponse,
                 DecodeGrantResponse);
  CheckRoundTrip("SnapshotRequest", DecodeSnapshotRequest(body), EncodeSnapshotRequest,
                 DecodeSnapshotRequest);
  CheckRoundTrip("SnapshotInfo", DecodeSnapshotInfo(body), EncodeSnapshotInfo, DecodeSnapshotInfo,
                 [](SnapshotInfo& info) { info.notes = {}; });
  CheckRoundTrip("ReturnClaimRequest", DecodeReturnClaimRequest(body), EncodeReturnClaimRequest,
                 DecodeReturnClaimRequest);
  CheckRoundTrip("ReturnClaimResponse", DecodeReturnClaimResponse(body), EncodeReturnClaimResponse,
                 DecodeReturnClaimResponse);
  return 0;
}
