#include "patron/survey.h"

#include <string>

#include "patron/digest.h"
#include "rules/invalid_rules.h"

namespace patron {
namespace {

constexpr int64_t kBuckets = 10'000;

}  // namespace

Status ValidateSurveys(const SurveyPolicy& policy) {
  const auto share = [](int64_t bp) { return bp >= 0 && bp <= kBuckets; };
  if (!share(policy.nps_share_bp) || !share(policy.csat_share_bp) ||
      policy.nps_share_bp + policy.csat_share_bp > kBuckets) {
    return InvalidRules("surveys", "shares must each be in [0, 10000], and together too");
  }
  return Status::OK();
}

std::string_view SurveyFor(const SurveyPolicy& policy, std::string_view sale_id) {
  if (policy.nps_share_bp == 0 && policy.csat_share_bp == 0) return {};
  const std::string digest = CanonicalHasher().Add("survey").Add(sale_id).HexDigest();
  const int64_t bucket =
      static_cast<int64_t>(std::stoull(digest.substr(0, 15), nullptr, 16) % kBuckets);
  if (bucket < policy.nps_share_bp) return kSurveyNps;
  if (bucket < policy.nps_share_bp + policy.csat_share_bp) return kSurveyCsat;
  return {};
}

}  // namespace patron
