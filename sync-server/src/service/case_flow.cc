#include "patron/sync_server/case_flow.h"

#include <algorithm>
#include <array>
#include <utility>

namespace patron::sync {
namespace {

constexpr std::array<std::pair<CaseStatus, std::string_view>, 5> kStatusNames = {{
    {CaseStatus::kOpen, "open"},
    {CaseStatus::kReplied, "replied"},
    {CaseStatus::kOnHold, "on_hold"},
    {CaseStatus::kResolved, "resolved"},
    {CaseStatus::kClosed, "closed"},
}};

constexpr std::array<std::pair<CaseAction, std::string_view>, 9> kActionNames = {{
    {CaseAction::kReply, "reply"},
    {CaseAction::kNote, "note"},
    {CaseAction::kAssign, "assign"},
    {CaseAction::kHold, "hold"},
    {CaseAction::kResume, "resume"},
    {CaseAction::kResolve, "resolve"},
    {CaseAction::kClose, "close"},
    {CaseAction::kReopen, "reopen"},
    {CaseAction::kCompensate, "compensate"},
}};

bool Allowed(CaseStatus from, CaseAction action) {
  switch (action) {
    case CaseAction::kReply:
    case CaseAction::kResolve:
      return from == CaseStatus::kOpen || from == CaseStatus::kReplied ||
             from == CaseStatus::kOnHold;
    case CaseAction::kHold:
      return from == CaseStatus::kOpen || from == CaseStatus::kReplied;
    case CaseAction::kResume:
      return from == CaseStatus::kOnHold;
    case CaseAction::kClose:
    case CaseAction::kReopen:
      return from == CaseStatus::kResolved;
    case CaseAction::kNote:
    case CaseAction::kAssign:
    case CaseAction::kCompensate:
      return from != CaseStatus::kClosed && from != CaseStatus::kUnknown;
  }
  return false;
}

// SLA time at now_ms: elapsed since opening, less every stop.
int64_t SlaTime(const CaseRecord& record, int64_t now_ms) {
  const int64_t stopped =
      record.held_ms +
      (record.hold_since_ms > 0 ? std::max<int64_t>(0, now_ms - record.hold_since_ms) : 0);
  return std::max<int64_t>(0, now_ms - record.opened_ms - stopped);
}

// Ends the current stop (hold or resolved) at now_ms.
void EndStop(CaseRecord& record, int64_t now_ms) {
  if (record.hold_since_ms == 0) return;
  record.held_ms += std::max<int64_t>(0, now_ms - record.hold_since_ms);
  record.hold_since_ms = 0;
}

}  // namespace

std::string_view CaseStatusName(CaseStatus status) {
  for (const auto& [known, name] : kStatusNames) {
    if (known == status) return name;
  }
  return "unknown";
}

Result<CaseStatus> ParseCaseStatus(std::string_view name) {
  for (const auto& [status, known] : kStatusNames) {
    if (known == name) return status;
  }
  return Status::InvalidArgument(
      "status must be open, replied, on_hold, resolved or closed, not \"" + std::string(name) +
          "\"",
      "invalid_status");
}

std::string_view CaseActionName(CaseAction action) {
  for (const auto& [known, name] : kActionNames) {
    if (known == action) return name;
  }
  return "unknown";
}

Result<CaseAction> ParseCaseAction(std::string_view name) {
  for (const auto& [action, known] : kActionNames) {
    if (known == name) return action;
  }
  return Status::InvalidArgument(
      "action must be reply, note, assign, hold, resume, resolve, close, reopen or compensate, "
      "not \"" +
          std::string(name) + "\"",
      "invalid_action");
}

Result<CaseRecord> ApplyCaseAction(CaseRecord record, CaseAction action, int64_t now_ms) {
  if (!Allowed(record.status, action)) {
    return Status::FailedPrecondition(
        "a case that is " + std::string(CaseStatusName(record.status)) + " cannot take \"" +
            std::string(CaseActionName(action)) + "\"",
        "invalid_transition");
  }
  record.updated_ms = now_ms;
  switch (action) {
    case CaseAction::kReply:
      EndStop(record, now_ms);
      if (record.first_response_sla_ms < 0) record.first_response_sla_ms = SlaTime(record, now_ms);
      record.status = CaseStatus::kReplied;
      break;
    case CaseAction::kHold:
      record.resume_status = record.status;
      record.hold_since_ms = now_ms;
      record.status = CaseStatus::kOnHold;
      break;
    case CaseAction::kResume:
      EndStop(record, now_ms);
      record.status = record.resume_status;
      break;
    case CaseAction::kResolve:
      EndStop(record, now_ms);
      record.resolution_sla_ms = SlaTime(record, now_ms);
      if (record.first_response_sla_ms < 0) record.first_response_sla_ms = record.resolution_sla_ms;
      record.resolved_ms = now_ms;
      record.hold_since_ms = now_ms;  // resolved time does not count
      record.status = CaseStatus::kResolved;
      break;
    case CaseAction::kClose:
      record.closed_ms = now_ms;
      record.status = CaseStatus::kClosed;
      break;
    case CaseAction::kReopen:
      EndStop(record, now_ms);
      record.resolution_sla_ms = -1;
      record.resolved_ms = 0;
      record.status = CaseStatus::kOpen;
      break;
    case CaseAction::kNote:
    case CaseAction::kAssign:
    case CaseAction::kCompensate:
      break;
  }
  return record;
}

CaseSla SlaOf(const CaseRecord& record, int64_t now_ms, const CaseSlaPolicy& policy) {
  CaseSla sla;
  sla.sla_ms = SlaTime(record, now_ms);
  sla.paused = record.hold_since_ms > 0;
  const int64_t at_response =
      record.first_response_sla_ms >= 0 ? record.first_response_sla_ms : sla.sla_ms;
  const int64_t at_resolution =
      record.resolution_sla_ms >= 0 ? record.resolution_sla_ms : sla.sla_ms;
  sla.first_response_left_ms = policy.first_response_ms - at_response;
  sla.resolution_left_ms = policy.resolution_ms - at_resolution;
  sla.first_response_breached = sla.first_response_left_ms < 0;
  sla.resolution_breached = sla.resolution_left_ms < 0;
  return sla;
}

}  // namespace patron::sync
