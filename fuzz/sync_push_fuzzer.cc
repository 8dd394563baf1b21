// The push decoders (sync/codec.h): a till's PushRequest as head office
// reads it, and head office's PushResponse as the till reads it. Every
// input goes to both; what decodes must survive a round trip.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "patron/sync/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace patron::sync;
  const std::string_view body = patron::fuzz::AsText(data, size);
  patron::fuzz::CheckRoundTrip("PushRequest", DecodePushRequest(body), EncodePushRequest,
                               DecodePushRequest);
  patron::fuzz::CheckRoundTrip("PushResponse", DecodePushResponse(body), EncodePushResponse,
                               DecodePushResponse);
  return 0;
}
