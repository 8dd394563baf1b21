// Feedback end to end (records/feedback.h): recorded at a till while head
// office cannot be reached, kept through a restart of the till, sent up
// exactly once when the network is back, and a complaint opens a case at
// head office, whose goodwill compensation reaches the member's balance at
// every till.
#include <doctest/doctest.h>

#include "chain.h"

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

}  // namespace
}  // namespace patron
