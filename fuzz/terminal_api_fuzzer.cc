// The local API's request decoders (terminal/src/api/codec.h): what the
// POS posts to patrond, read through nlohmann/json. The first byte picks
// the decoder (SplitSelector). The member encoder also gets the body as text:
// a member's name may come from anywhere, and answering with it must not
// throw (patrond would answer 500 to every read of that member).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/codec.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace patron::terminal;
  size_t selector = 0;
  std::string_view body;
  if (!patron::fuzz::SplitSelector(data, size, 5, selector, body)) return 0;
  switch (selector) {
    case 0:
      (void)DecodeEnrolRequest(body);
      break;
    case 1:
      (void)DecodeProfilePatch(body);
      break;
    case 2:
      (void)DecodeSaleRequest(body, /*is_quote=*/false);
      break;
    case 3:
      (void)DecodeSaleRequest(body, /*is_quote=*/true);
      break;
    default:
      (void)DecodeRefundRequest(body, "R-1");
      break;
  }

  Member member;
  member.name = std::string(body);
  member.email = std::string(body);
  const std::string encoded = EncodeMember(member);
  if (encoded.empty() || encoded.front() != '{') patron::fuzz::Fail("EncodeMember", encoded);
  return 0;
}
