// Member services at head office (cases.cc): feedback from the tills filed
// once, a complaint opening a case, the case worked through its states with
// a timeline, a goodwill compensation reaching the member's balance, and
// the SLA gauge.
#include <doctest/doctest.h>

#include "consumption_records.h"
#include "patron/records/feedback.h"

namespace patron::sync {
namespace {

constexpr int64_t kHour = 3'600'000;

FeedbackRecord Feedback(const Caller& caller, const std::string& ref, const std::string& member,
                        FeedbackKind kind, int64_t wall_ms) {
  FeedbackRecord f;
  f.terminal_id = caller.terminal_id;
  f.store_id = caller.store_id;
  f.feedback_ref = ref;
  f.feedback_id = MakeSaleId(caller.terminal_id, ref);
  f.member_id = member;
  f.kind = kind;
  f.rating = kind == FeedbackKind::kRating ? 4 : 0;
  f.topic = "service";
  f.text = kind == FeedbackKind::kRating ? "" : "排队太久 the queue was too long";
  f.hlc = HlcTimestamp::FromParts(wall_ms, 0);
  f.wall_ms = wall_ms;
  return f;
}

RecordEnvelope FeedbackEnvelope(const FeedbackRecord& f) {
  return Envelope(kFeedbackRecordKind, f.feedback_id, f);
}

CaseView Update(ServiceFixture& f, const std::string& case_id, CaseAction action,
                std::string text = {}, int64_t points = 0, std::string assignee = {}) {
  CaseUpdate update;
  update.action = action;
  update.text = std::move(text);
  update.points = points;
  update.assignee = std::move(assignee);
  Result<CaseView> view = f.service().UpdateCase(case_id, update, "wang");
  REQUIRE_MESSAGE(view.ok(), view.status().ToString());
  return *view;
}

TEST_CASE("a complaint from a till opens a case once; other feedback is filed without one") {
  ServiceFixture f;
  const FeedbackRecord complaint =
      Feedback(f.t1, "FB-1", f.ann, FeedbackKind::kComplaint, kNow - 2 * kHour);
  const FeedbackRecord rating = Feedback(f.t2, "FB-2", f.bob, FeedbackKind::kRating, kNow);
  std::vector<RecordAck> acks = PushRecords(f, f.t1, {FeedbackEnvelope(complaint)});
  CHECK(acks[0].outcome == PushOutcome::kOk);
  CHECK(PushRecords(f, f.t2, {FeedbackEnvelope(rating)})[0].outcome == PushOutcome::kOk);
  // A retry of the same bytes exists; nothing is filed twice.
  CHECK(PushRecords(f, f.t1, {FeedbackEnvelope(complaint)})[0].outcome == PushOutcome::kExists);

  const std::vector<FeedbackRecord> all = f.service().Feedback(FeedbackFilter{}).value();
  REQUIRE(all.size() == 2);
  CHECK(all[0] == rating);
  CHECK(all[1] == complaint);

  const std::vector<CaseView> cases = f.service().Cases(CaseFilter{}).value();
  REQUIRE(cases.size() == 1);
  const CaseView& opened = cases[0];
  CHECK(opened.record.case_id == complaint.feedback_id);
  CHECK(opened.record.status == CaseStatus::kOpen);
  CHECK(opened.record.store_id == "S001");
  // The SLA runs from when the member complained, offline or not.
  CHECK(opened.record.opened_ms == kNow - 2 * kHour);
  CHECK(opened.sla.sla_ms == 2 * kHour);
  CHECK(opened.sla.first_response_left_ms == 22 * kHour);
  CHECK(opened.complaint == complaint);
  const CaseView one = f.service().Case(complaint.feedback_id).value();
  REQUIRE(one.notes.size() == 1);
  CHECK(one.notes[0].action == "open");
}

TEST_CASE("feedback that is malformed or not the till's own is rejected and files nothing") {
  ServiceFixture f;
  FeedbackRecord bad_rating = Feedback(f.t1, "FB-1", f.ann, FeedbackKind::kRating, kNow);
  bad_rating.rating = 7;
  FeedbackRecord wordless = Feedback(f.t1, "FB-2", f.ann, FeedbackKind::kComplaint, kNow);
  wordless.text = "  ";
  FeedbackRecord bad_id = Feedback(f.t1, "FB-3", f.ann, FeedbackKind::kPraise, kNow);
  bad_id.feedback_id = "S001-T01/FB-4";
  const FeedbackRecord others = Feedback(f.t2, "FB-5", f.ann, FeedbackKind::kComplaint, kNow);
  FeedbackRecord no_member = Feedback(f.t1, "FB-6", "not-a-member", FeedbackKind::kPraise, kNow);
  const std::vector<RecordAck> acks =
      PushRecords(f, f.t1,
                  {FeedbackEnvelope(bad_rating), FeedbackEnvelope(wordless),
                   Envelope(kFeedbackRecordKind, "S001-T01/FB-3", bad_id), FeedbackEnvelope(others),
                   FeedbackEnvelope(no_member)});
  for (const RecordAck& ack : acks) {
    CHECK(ack.outcome == PushOutcome::kRejected);
    CHECK_FALSE(ack.message.empty());
  }
  CHECK(acks[0].message.find("rating") != std::string::npos);
  CHECK(f.service().Feedback(FeedbackFilter{}).value().empty());
  CHECK(f.service().Cases(CaseFilter{}).value().empty());
}

TEST_CASE("a case is worked to closed with its timeline; goodwill reaches the member once") {
  ServiceFixture f;
  // Ann holds 100 points at head office.
  PushRequest push = f.NewPush(f.t1);
  push.entries = {f.Earn(f.t1, 1, f.ann, 100)};
  REQUIRE(f.service().Push(f.t1, push).ok());
  const FeedbackRecord complaint = Feedback(f.t1, "FB-1", f.ann, FeedbackKind::kComplaint, kNow);
  PushRecords(f, f.t1, {FeedbackEnvelope(complaint)});
  const std::string id = complaint.feedback_id;

  f.now_ms += 1 * kHour;
  CaseView view = Update(f, id, CaseAction::kAssign, "", 0, "li");
  CHECK(view.record.assignee == "li");
  view = Update(f, id, CaseAction::kReply, "我们已联系门店 we have called the store");
  CHECK(view.record.status == CaseStatus::kReplied);
  CHECK(view.record.first_response_sla_ms == 1 * kHour);
  f.now_ms += 1 * kHour;
  view = Update(f, id, CaseAction::kHold, "waiting for the store's CCTV");
  CHECK(view.sla.paused);
  f.now_ms += 30 * kHour;
  view = Update(f, id, CaseAction::kResume);
  CHECK(view.record.status == CaseStatus::kReplied);
  CHECK(view.sla.sla_ms == 2 * kHour);

  view = Update(f, id, CaseAction::kCompensate, "排队补偿 for the wait", 200);
  CHECK(view.record.compensation_points == 200);
  CHECK_FALSE(view.record.compensation_entry.empty());
  CHECK(f.Member(f.ann).balance == 300);
  // Once only: a second compensation is refused and changes nothing.
  CaseUpdate again;
  again.action = CaseAction::kCompensate;
  again.points = 50;
  CHECK(f.service().UpdateCase(id, again, "wang").status().reason() == "already_compensated");
  CHECK(f.Member(f.ann).balance == 300);

  view = Update(f, id, CaseAction::kResolve, "member satisfied");
  view = Update(f, id, CaseAction::kClose);
  CHECK(view.record.status == CaseStatus::kClosed);
  std::vector<std::string> actions;
  for (const CaseNote& note : view.notes) actions.push_back(note.action);
  CHECK(actions == std::vector<std::string>{"open", "assign", "reply", "hold", "resume",
                                            "compensate", "resolve", "close"});
  CHECK(view.notes[2].author == "wang");
  CHECK(view.notes[2].text == "我们已联系门店 we have called the store");
  CHECK(view.notes[5].text == "200 排队补偿 for the wait");
  // Closed is final.
  CaseUpdate note;
  note.text = "one more thing";
  CHECK(f.service().UpdateCase(id, note, "wang").status().reason() == "invalid_transition");
}

TEST_CASE("case updates that are malformed or impossible are refused and change nothing") {
  ServiceFixture f;
  const FeedbackRecord complaint = Feedback(f.t1, "FB-1", f.bob, FeedbackKind::kComplaint, kNow);
  PushRecords(f, f.t1, {FeedbackEnvelope(complaint)});
  const std::string id = complaint.feedback_id;
  CaseUpdate reply;
  reply.action = CaseAction::kReply;
  CHECK(f.service().UpdateCase(id, reply, "wang").status().reason() == "invalid_case_update");
  CaseUpdate pay;
  pay.action = CaseAction::kCompensate;
  pay.points = 0;
  CHECK(f.service().UpdateCase(id, pay, "wang").status().reason() == "invalid_case_update");
  // Bob has no entries at head office yet: nobody to credit.
  pay.points = 10;
  CHECK(f.service().UpdateCase(id, pay, "wang").status().reason() == "unknown_member");
  reply.text = "hello";
  CHECK(f.service().UpdateCase("S001-T01/none", reply, "wang").status().reason() == "unknown_case");
  const CaseView view = f.service().Case(id).value();
  CHECK(view.record.status == CaseStatus::kOpen);
  CHECK(view.record.compensation_entry.empty());
  CHECK(view.notes.size() == 1);
}

TEST_CASE("the case gauge counts open cases and their breaches as time passes") {
  ServiceFixture f([](SyncServiceOptions& options) {
    options.case_sla.first_response_ms = 4 * kHour;
    options.case_sla.resolution_ms = 10 * kHour;
  });
  for (int i = 0; i < 3; ++i) {
    PushRecords(f, f.t1,
                {FeedbackEnvelope(Feedback(f.t1, "FB-" + std::to_string(i), f.ann,
                                           FeedbackKind::kComplaint, kNow))});
  }
  CaseGauge gauge = f.service().CaseState().value();
  CHECK(gauge.open == 3);
  CHECK(gauge.first_response_breached == 0);
  Update(f, "S001-T01/FB-0", CaseAction::kReply, "on it");
  Update(f, "S001-T01/FB-1", CaseAction::kResolve, "done");
  f.now_ms += 5 * kHour;
  gauge = f.service().CaseState().value();
  CHECK(gauge.open == 2);                     // resolved is no longer worked
  CHECK(gauge.first_response_breached == 1);  // FB-2, never answered
  CHECK(gauge.resolution_breached == 0);
  f.now_ms += 6 * kHour;
  gauge = f.service().CaseState().value();
  CHECK(gauge.resolution_breached == 2);
}

}  // namespace
}  // namespace patron::sync
