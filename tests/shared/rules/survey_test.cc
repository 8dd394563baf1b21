// Surveys after a sale (survey.h): the shares of sales asked, the same
// answer for the same sale everywhere, and the survey answers' checks
// (records/feedback.h).
#include "patron/survey.h"

#include <doctest/doctest.h>

#include <string>

#include "patron/records/feedback.h"
#include "patron/rules.h"
#include "patron/rules_codec.h"

namespace patron {
namespace {

TEST_CASE("a survey policy asks its shares of sales, by a hash of the sale id") {
  const SurveyPolicy none;
  CHECK(SurveyFor(none, "S001-T01/R-1").empty());
  const SurveyPolicy policy{1'000, 2'000};  // 10% NPS, 20% CSAT
  int nps = 0, csat = 0;
  constexpr int kSales = 20'000;
  for (int i = 0; i < kSales; ++i) {
    const std::string sale_id = "S001-T01/R-" + std::to_string(i);
    const std::string_view survey = SurveyFor(policy, sale_id);
    CHECK(survey == SurveyFor(policy, sale_id));  // the same every time, on every till
    nps += survey == kSurveyNps;
    csat += survey == kSurveyCsat;
  }
  // Binomial: 2,000 +- 3 sigma (42) and 4,000 +- 3 sigma (57).
  CHECK(nps > 1'870);
  CHECK(nps < 2'130);
  CHECK(csat > 3'820);
  CHECK(csat < 4'180);
  const SurveyPolicy everyone{10'000, 0};
  CHECK(SurveyFor(everyone, "any") == kSurveyNps);
}

TEST_CASE("a pack's survey shares are validated and travel with it") {
  Rules pack = DefaultRules();
  pack.surveys = {6'000, 5'000};
  Status refused = ValidateRules(pack);
  CHECK(refused.reason() == "invalid_rules");
  CHECK(refused.message().find("surveys") != std::string::npos);
  pack.surveys = {-1, 0};
  CHECK_FALSE(ValidateRules(pack).ok());
  pack.surveys = {500, 500};
  CHECK(ValidateRules(pack).ok());
  Result<Rules> decoded = DecodeRules(EncodeRules(pack));
  REQUIRE(decoded.ok());
  CHECK(decoded->surveys == pack.surveys);
  // A pack without surveys asks none, and says nothing of them.
  CHECK(EncodeRules(DefaultRules()).find("surveys") == std::string::npos);
}

TEST_CASE("survey answers: NPS 0-10, CSAT 1-5, each naming its sale") {
  FeedbackRecord answer;
  answer.member_id = "m";
  answer.sale_id = "S001-T01/R-1";
  answer.kind = FeedbackKind::kNps;
  answer.rating = 0;  // a zero is an answer
  CHECK(CheckFeedback(answer).ok());
  answer.rating = 10;
  CHECK(CheckFeedback(answer).ok());
  answer.rating = 11;
  CHECK(CheckFeedback(answer).reason() == "invalid_feedback");
  answer.kind = FeedbackKind::kCsat;
  answer.rating = 6;
  CHECK_FALSE(CheckFeedback(answer).ok());
  answer.rating = 0;
  CHECK_FALSE(CheckFeedback(answer).ok());
  answer.rating = 4;
  CHECK(CheckFeedback(answer).ok());
  answer.sale_id.clear();
  CHECK(CheckFeedback(answer).message().find("sale") != std::string::npos);
  CHECK(ParseFeedbackKind("nps").value() == FeedbackKind::kNps);
  CHECK(FeedbackKindName(FeedbackKind::kCsat) == "csat");
}

}  // namespace
}  // namespace patron
