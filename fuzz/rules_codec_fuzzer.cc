// The rules decoder (rules_codec.h): the document head office publishes and
// every till stores. What decodes is valid rules (ValidateRules) and must
// survive a round trip through EncodeRules.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "patron/rules.h"
#include "patron/rules_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const patron::Result<patron::Rules> rules = patron::DecodeRules(patron::fuzz::AsText(data, size));
  if (rules.ok() && !patron::ValidateRules(*rules).ok()) {
    patron::fuzz::Fail("Rules", "decoded rules do not validate");
  }
  patron::fuzz::CheckRoundTrip("Rules", rules, patron::EncodeRules, patron::DecodeRules);
  return 0;
}
