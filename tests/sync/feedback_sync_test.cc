// Feedback end to end (records/feedback.h): recorded at a till while head
// office cannot be reached, kept through a restart of the till, sent up
// exactly once when the network is back, and a complaint opens a case at
// head office, whose goodwill compensation reaches the member's balance at
// every till.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/survey.h"

namespace patron {
namespace {

using terminal::FeedbackRequest;
using testing::Chain;

FeedbackRequest Said(const std::string& ref, const std::string& member, FeedbackKind kind,
                     std::string text) {
  FeedbackRequest request;
  request.feedback_ref = ref;
  request.member_id = member;
  request.kind = kind;
  request.rating = kind == FeedbackKind::kRating ? 2 : 0;
  request.text = std::move(text);
  return request;
}

TEST_CASE("feedback recorded offline reaches head office once; a complaint's goodwill everywhere") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8200", "王芳").member_id;
  chain.SyncAll();
  REQUIRE(chain.Sell(0, "R-1", ann, 10'000).ok());  // 100 points
  chain.SyncAll();

  chain.SetOffline(true);
  auto complaint = chain.till(0).RecordFeedback(
      Said("FB-1", ann, FeedbackKind::kComplaint, "收银台排队太久 the queue was too long"));
  REQUIRE_MESSAGE(complaint.ok(), complaint.status().ToString());
  REQUIRE(chain.till(0).RecordFeedback(Said("FB-2", ann, FeedbackKind::kRating, "slow")).ok());
  // A retry while offline records nothing more.
  CHECK(chain.till(0)
            .RecordFeedback(Said("FB-1", ann, FeedbackKind::kComplaint,
                                 "收银台排队太久 the queue was too long"))
            ->replayed);
  // The till restarts before the network is back: nothing is lost.
  chain.WhileStopped(0, [](terminal::TerminalOptions&) {});
  CHECK(chain.service().Feedback(sync::FeedbackFilter{}).value().empty());

  chain.SetOffline(false);
  chain.SyncAll();
  chain.SyncAll();  // pushing again changes nothing at head office
  const std::vector<FeedbackRecord> filed =
      chain.service().Feedback(sync::FeedbackFilter{}).value();
  REQUIRE(filed.size() == 2);
  CHECK(filed[1] == complaint->feedback);
  CHECK(chain.service().counters().records_duplicate == 0);
  const std::vector<sync::CaseView> cases = chain.service().Cases(sync::CaseFilter{}).value();
  REQUIRE(cases.size() == 1);
  CHECK(cases[0].record.case_id == "S001-T01/FB-1");
  CHECK(cases[0].record.opened_ms == complaint->feedback.wall_ms);

  sync::CaseUpdate goodwill;
  goodwill.action = sync::CaseAction::kCompensate;
  goodwill.points = 30;
  goodwill.text = "排队补偿";
  REQUIRE(chain.service().UpdateCase("S001-T01/FB-1", goodwill, "wang").ok());
  chain.SyncAll();
  CHECK(chain.till(0).FindById(ann)->balance == 130);
  CHECK(chain.till(1).FindById(ann)->balance == 130);
}

TEST_CASE("a pack's survey asks the same sales at every till; answers reach the NPS report") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8201", "李娜").member_id;
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.surveys.nps_share_bp = 5'000;
  pack.surveys.csat_share_bp = 5'000;
  REQUIRE(chain.service().PublishRules(pack).ok());
  chain.SyncAll();
  REQUIRE(chain.till(1).rules().surveys == pack.surveys);

  // Every sale is asked one survey, the one its id picks wherever it is sold.
  auto first = chain.Sell(0, "R-1", ann, 5'000);
  auto second = chain.Sell(1, "R-2", ann, 5'000);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->survey == SurveyFor(pack.surveys, "S001-T01/R-1"));
  CHECK(second->survey == SurveyFor(pack.surveys, "S002-T01/R-2"));
  CHECK_FALSE(first->survey.empty());

  const auto answer = [&](size_t till, const terminal::SaleResult& sale, int64_t score) {
    FeedbackRequest request;
    request.feedback_ref = "SV-" + sale.sale_ref;
    request.member_id = ann;
    request.kind = sale.survey == kSurveyNps ? FeedbackKind::kNps : FeedbackKind::kCsat;
    request.rating = score;
    request.sale_ref = sale.sale_ref;
    auto recorded = chain.till(till).RecordFeedback(request);
    REQUIRE_MESSAGE(recorded.ok(), recorded.status().ToString());
  };
  answer(0, *first, 5);
  answer(1, *second, 5);
  // An answer must name its sale.
  FeedbackRequest unnamed;
  unnamed.feedback_ref = "SV-X";
  unnamed.member_id = ann;
  unnamed.kind = FeedbackKind::kNps;
  unnamed.rating = 9;
  CHECK(chain.till(0).RecordFeedback(unnamed).status().reason() == "invalid_feedback");
  chain.SyncAll();

  int64_t answers = 0, satisfied = 0, detractors = 0;
  for (const sync::FeedbackCount& row : chain.service().FeedbackSummary(0, 0, "", false).value()) {
    answers += row.count;
    satisfied += row.satisfied;
    detractors += row.detractors;
  }
  CHECK(answers == 2);
  // A 5 is a satisfied CSAT answer and a detracting NPS one.
  CHECK(satisfied + detractors == 2);
}

}  // namespace
}  // namespace patron
