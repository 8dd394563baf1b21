// The rules of a complaint case (case_flow.h): the transitions allowed and
// the SLA timers, which stop on hold and while resolved.
#include "patron/sync_server/case_flow.h"

#include <doctest/doctest.h>

namespace patron::sync {
namespace {

constexpr int64_t kHour = 3'600'000;

CaseRecord Opened(int64_t at_ms) {
  CaseRecord c;
  c.case_id = "S001-T01/c1";
  c.opened_ms = at_ms;
  return c;
}

CaseRecord Apply(const CaseRecord& c, CaseAction action, int64_t at_ms) {
  Result<CaseRecord> next = ApplyCaseAction(c, action, at_ms);
  REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  return *next;
}

TEST_CASE("a case goes open, replied, on hold, back, resolved and closed") {
  const CaseSlaPolicy policy;  // 24 h to reply, 72 h to resolve
  CaseRecord c = Opened(0);
  c = Apply(c, CaseAction::kReply, 2 * kHour);
  CHECK(c.status == CaseStatus::kReplied);
  CHECK(c.first_response_sla_ms == 2 * kHour);
  c = Apply(c, CaseAction::kHold, 10 * kHour);
  CHECK(c.status == CaseStatus::kOnHold);
  // Forty hours on hold: the resolution timer stands still.
  const CaseSla held = SlaOf(c, 50 * kHour, policy);
  CHECK(held.paused);
  CHECK(held.sla_ms == 10 * kHour);
  CHECK(held.resolution_left_ms == 62 * kHour);
  CHECK_FALSE(held.resolution_breached);
  c = Apply(c, CaseAction::kResume, 50 * kHour);
  CHECK(c.status == CaseStatus::kReplied);
  CHECK(c.held_ms == 40 * kHour);
  c = Apply(c, CaseAction::kResolve, 60 * kHour);
  CHECK(c.status == CaseStatus::kResolved);
  CHECK(c.resolution_sla_ms == 20 * kHour);
  // Days later the SLA figures are those of the resolution.
  const CaseSla resolved = SlaOf(c, 500 * kHour, policy);
  CHECK(resolved.resolution_left_ms == 52 * kHour);
  CHECK(resolved.first_response_left_ms == 22 * kHour);
  CHECK_FALSE(resolved.first_response_breached);
  c = Apply(c, CaseAction::kClose, 70 * kHour);
  CHECK(c.status == CaseStatus::kClosed);
  CHECK(c.closed_ms == 70 * kHour);
}

TEST_CASE("a case left unanswered breaches its first-response and then its resolution SLA") {
  const CaseSlaPolicy policy;
  const CaseRecord c = Opened(1'000);
  const CaseSla fresh = SlaOf(c, 1'000 + 23 * kHour, policy);
  CHECK(fresh.first_response_left_ms == 1 * kHour);
  CHECK_FALSE(fresh.first_response_breached);
  const CaseSla late = SlaOf(c, 1'000 + 25 * kHour, policy);
  CHECK(late.first_response_breached);
  CHECK_FALSE(late.resolution_breached);
  CHECK(SlaOf(c, 1'000 + 73 * kHour, policy).resolution_breached);
  // Replying late does not undo the breach of the first reply.
  const CaseRecord replied = Apply(c, CaseAction::kReply, 1'000 + 30 * kHour);
  CHECK(SlaOf(replied, 1'000 + 31 * kHour, policy).first_response_breached);
}

TEST_CASE("a case reopened counts on from its resolution, not the days it sat resolved") {
  const CaseSlaPolicy policy;
  CaseRecord c = Opened(0);
  c = Apply(c, CaseAction::kResolve, 5 * kHour);
  CHECK(c.first_response_sla_ms == 5 * kHour);  // resolving answers the member too
  c = Apply(c, CaseAction::kReopen, 100 * kHour);
  CHECK(c.status == CaseStatus::kOpen);
  CHECK(c.resolution_sla_ms == -1);
  const CaseSla now = SlaOf(c, 101 * kHour, policy);
  CHECK(now.sla_ms == 6 * kHour);
  CHECK_FALSE(now.resolution_breached);
}

TEST_CASE("actions the table does not allow are refused, naming the status and action") {
  const CaseRecord open = Opened(0);
  Result<CaseRecord> close = ApplyCaseAction(open, CaseAction::kClose, 1);
  CHECK(close.status().code() == StatusCode::kFailedPrecondition);
  CHECK(close.status().reason() == "invalid_transition");
  CHECK(close.status().message().find("open") != std::string::npos);
  CHECK(ApplyCaseAction(open, CaseAction::kResume, 1).status().reason() == "invalid_transition");
  CHECK(ApplyCaseAction(open, CaseAction::kReopen, 1).status().reason() == "invalid_transition");
  CaseRecord held = Apply(open, CaseAction::kHold, 1);
  CHECK(ApplyCaseAction(held, CaseAction::kHold, 2).status().reason() == "invalid_transition");
  // Replying to a case on hold ends the hold.
  const CaseRecord replied = Apply(held, CaseAction::kReply, 11);
  CHECK(replied.hold_since_ms == 0);
  CHECK(replied.held_ms == 10);
  const CaseRecord closed = Apply(Apply(replied, CaseAction::kResolve, 20), CaseAction::kClose, 30);
  for (CaseAction action :
       {CaseAction::kReply, CaseAction::kNote, CaseAction::kAssign, CaseAction::kHold,
        CaseAction::kResolve, CaseAction::kReopen, CaseAction::kCompensate}) {
    CHECK(ApplyCaseAction(closed, action, 40).status().reason() == "invalid_transition");
  }
}

TEST_CASE("statuses and actions read and write by name") {
  for (CaseStatus status : {CaseStatus::kOpen, CaseStatus::kReplied, CaseStatus::kOnHold,
                            CaseStatus::kResolved, CaseStatus::kClosed}) {
    CHECK(ParseCaseStatus(CaseStatusName(status)).value() == status);
  }
  CHECK(ParseCaseStatus("pending").status().reason() == "invalid_status");
  CHECK(ParseCaseAction("compensate").value() == CaseAction::kCompensate);
  CHECK(ParseCaseAction("escalate").status().reason() == "invalid_action");
}

}  // namespace
}  // namespace patron::sync
