// The rule pack decoder (rules_codec.h): the document head office publishes
// and every till stores. What decodes is a valid pack (ValidateRules), must
// survive a round trip through EncodeRules, and evaluates a sale without
// error (campaign_rules.cc: what head office accepts, every till can run).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_check.h"
#include "patron/evaluate.h"
#include "patron/rules.h"
#include "patron/rules_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const patron::Result<patron::Rules> rules = patron::DecodeRules(patron::fuzz::AsText(data, size));
  if (rules.ok() && !patron::ValidateRules(*rules).ok()) {
    patron::fuzz::Fail("Rules", "decoded rules do not validate");
  }
  patron::fuzz::CheckRoundTrip("Rules", rules, patron::EncodeRules, patron::DecodeRules);
  if (!rules.ok()) return 0;
  // Each campaign given once before, on the member day below: its limit counts it.
  std::vector<patron::CampaignUse> uses;
  for (const patron::Campaign& campaign : rules->campaigns) {
    uses.push_back({campaign.id, 1'809'748'000'000});
  }
  patron::EvalMember member{"M-1",
                            rules->tiers.back().name,
                            "1992-05-09",
                            1'808'000'000'000,
                            /*last_purchase_ms=*/1'800'000'000'000,
                            std::move(uses),
                            /*segments=*/{"champions"}};
  patron::EvalBasket basket;
  basket.store_id = "S001";
  basket.amount_minor = 12'345;
  basket.paid_minor = 10'000;
  basket.lines = {{0, "MILK", "", "dairy", 2, 4'345, 0}, {1, "RICE", "", "", 1, 8'000, 0}};
  // A Saturday member day at noon in Beijing, and the epoch.
  for (int64_t now_ms : {int64_t{1'809'748'800'000}, int64_t{0}}) {
    if (!patron::Evaluate(*rules, member, basket, now_ms).ok()) {
      patron::fuzz::Fail("Rules", "a valid pack does not evaluate a plain sale");
    }
  }
  return 0;
}
