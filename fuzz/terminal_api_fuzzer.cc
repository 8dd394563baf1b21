// The local API's request decoders (terminal/src/api/codec.h): what the
// POS posts to patrond, read through nlohmann/json. Every input goes to
// each decoder. The member encoder also gets the raw bytes as text fields:
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
  const std::string_view body = patron::fuzz::AsText(data, size);
  (void)DecodeEnrolRequest(body);
  (void)DecodeProfilePatch(body);
  (void)DecodeSaleRequest(body, /*is_quote=*/false);
  (void)DecodeSaleRequest(body, /*is_quote=*/true);
  (void)DecodeRefundRequest(body, "R-1");

  Member member;
  member.name = std::string(body);
  member.email = std::string(body);
  const std::string encoded = EncodeMember(member);
  if (encoded.empty() || encoded.front() != '{') patron::fuzz::Fail("EncodeMember", encoded);
  return 0;
}
