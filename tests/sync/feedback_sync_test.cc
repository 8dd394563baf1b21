// Feedback end to end (records/feedback.h): recorded at a till while head
// office cannot be reached, kept through a restart of the till, sent up
// exactly once when the network is back, and a complaint opens a case at
// head office, whose goodwill compensation reaches the member's balance at
// every till.
#include <doctest/doctest.h>

#include <map>

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
  const std::vector<FeedbackRecord> filed =
      chain.service().Feedback(sync::FeedbackFilter{}).value();
  REQUIRE(filed.size() == 2);
  CHECK(filed[1] == complaint->feedback);
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

TEST_CASE("a pack's surveys pick sales by their id; one answer each reaches the NPS report") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8201", "李娜").member_id;
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.surveys = {3'000, 3'000};
  REQUIRE(chain.service().PublishRules(pack).ok());
  chain.SyncAll();
  REQUIRE(chain.till(0).rules().surveys == pack.surveys);

  // Sell until one sale was picked for each survey and one for none; the
  // till's pick is the pure function's, which every till and head office share.
  std::map<std::string, terminal::SaleResult> picked;
  for (int i = 0; picked.size() < 3 && i < 100; ++i) {
    auto sale = chain.Sell(0, "R-" + std::to_string(i), ann, 5'000);
    REQUIRE(sale.ok());
    CHECK(sale->survey == SurveyFor(pack.surveys, sale->sale_id));
    picked.emplace(sale->survey, *sale);
  }
  REQUIRE(picked.size() == 3);

  const auto answer = [&](const terminal::SaleResult& sale, FeedbackKind kind, int64_t score) {
    FeedbackRequest request;
    request.member_id = ann;
    request.kind = kind;
    request.rating = score;
    request.sale_ref = sale.sale_ref;
    return chain.till(0).RecordFeedback(request);
  };
  const terminal::SaleResult& nps = picked.at(std::string(kSurveyNps));
  const terminal::SaleResult& csat = picked.at(std::string(kSurveyCsat));
  auto promoter = answer(nps, FeedbackKind::kNps, 10);
  REQUIRE_MESSAGE(promoter.ok(), promoter.status().ToString());
  CHECK(promoter->feedback.feedback_ref == "survey/" + nps.sale_ref);
  REQUIRE(answer(csat, FeedbackKind::kCsat, 5).ok());
  // One answer a sale: the same again is a replay, another score a conflict.
  CHECK(answer(nps, FeedbackKind::kNps, 10)->replayed);
  CHECK(answer(nps, FeedbackKind::kNps, 3).status().reason() == "feedback_ref_conflict");
  // Only the survey the sale was picked for.
  CHECK(answer(picked.at(""), FeedbackKind::kNps, 9).status().reason() == "survey_not_asked");
  CHECK(answer(csat, FeedbackKind::kNps, 9).status().reason() == "feedback_ref_conflict");
  CHECK(answer(nps, FeedbackKind::kCsat, 4).status().reason() == "feedback_ref_conflict");
  FeedbackRequest unnamed;
  unnamed.member_id = ann;
  unnamed.kind = FeedbackKind::kNps;
  unnamed.rating = 9;
  CHECK(chain.till(0).RecordFeedback(unnamed).status().reason() == "invalid_feedback");
  chain.SyncAll();

  const std::vector<sync::FeedbackCount> rows =
      chain.service().FeedbackSummary(0, 0, "", false).value();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == sync::FeedbackCount{"S001", "", FeedbackKind::kCsat, 1, 1, 5, 0, 0, 1});
  CHECK(rows[1] == sync::FeedbackCount{"S001", "", FeedbackKind::kNps, 1, 1, 10, 1, 0, 0});
}

}  // namespace
}  // namespace patron
