// Satisfaction surveys after a sale (DESIGN.md §11, PROGRAMME.md §6): the
// rule pack asks a share of sales for an NPS answer (0-10: how likely to
// recommend us) and a share for a CSAT answer (1-5: how satisfied with this
// visit). Which sales is decided by a hash of the sale id, so every till
// and head office agree without asking each other, offline too. The till
// tells the POS in the sale's answer; the member's answer comes back as
// feedback of kind "nps" or "csat" about that sale (records/feedback.h).
#ifndef PATRON_SURVEY_H_
#define PATRON_SURVEY_H_

#include <cstdint>
#include <string_view>

#include "patron/record/field.h"
#include "patron/status.h"

namespace patron {

inline constexpr std::string_view kSurveyNps = "nps";
inline constexpr std::string_view kSurveyCsat = "csat";

// Shares of sales, in basis points (10000: every sale); together at most
// 10000, since a sale is asked one survey at most.
struct SurveyPolicy {
  int64_t nps_share_bp = 0;
  int64_t csat_share_bp = 0;
  friend bool operator==(const SurveyPolicy&, const SurveyPolicy&) = default;
};

// InvalidArgument "invalid_rules" naming "surveys" unless each share is in
// [0, 10000] and both together are.
Status ValidateSurveys(const SurveyPolicy& policy);

// The survey to ask after the sale `sale_id`: kSurveyNps, kSurveyCsat or
// "" (none). The sale's bucket (0-9999, from a hash of its id) below
// nps_share_bp asks NPS, the next csat_share_bp buckets CSAT.
std::string_view SurveyFor(const SurveyPolicy& policy, std::string_view sale_id);

}  // namespace patron

namespace patron::record {

template <>
struct Schema<SurveyPolicy> {
  static constexpr std::string_view kName = "surveys";
  static constexpr auto kFields = record::FieldList{
      Field<&SurveyPolicy::nps_share_bp>{"nps_share_bp", {}, kOmitDefault},
      Field<&SurveyPolicy::csat_share_bp>{"csat_share_bp", {}, kOmitDefault},
  };
};

}  // namespace patron::record

#endif  // PATRON_SURVEY_H_
