// The pull decoders (sync/codec.h): a till's PullRequest as head office
// reads it, and the PullResponse page the till reads back, whose unknown
// fields and entry kinds become decode notes. Every input goes to both;
// what decodes must survive a round trip (notes are not on the wire).
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "patron/sync/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace patron::sync;
  const std::string_view body = patron::fuzz::AsText(data, size);
  patron::fuzz::CheckRoundTrip("PullRequest", DecodePullRequest(body), EncodePullRequest,
                               DecodePullRequest);
  patron::fuzz::CheckRoundTrip("PullResponse", DecodePullResponse(body), EncodePullResponse,
                               DecodePullResponse, [](PullResponse& r) { r.notes = {}; });
  return 0;
}
