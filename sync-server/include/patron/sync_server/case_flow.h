// The rules of a complaint case (case_store.h, PROGRAMME.md §6): which
// action may follow which status, and the SLA timers.
//
//   action      from                      to
//   reply       open, replied, on_hold    replied (the first reply stops the
//                                         first-response timer)
//   hold        open, replied             on_hold (both timers stop)
//   resume      on_hold                   the status before the hold
//   resolve     open, replied, on_hold    resolved (stops the resolution
//                                         timer; counts as the first response)
//   close       resolved                  closed (final)
//   reopen      resolved                  open (the timers go on from where
//                                         they stopped)
//   assign, note, compensate              any status but closed
//
// SLA time is the time since the member complained less the time the case
// spent on hold or resolved. A timer is breached once its SLA time passes
// its policy's limit.
#ifndef PATRON_SYNC_SERVER_CASE_FLOW_H_
#define PATRON_SYNC_SERVER_CASE_FLOW_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "patron/record/field.h"
#include "patron/status.h"
#include "patron/sync_server/case_store.h"

namespace patron::sync {

struct CaseSlaPolicy {
  int64_t first_response_ms = 24LL * 3600 * 1000;
  int64_t resolution_ms = 72LL * 3600 * 1000;
};

enum class CaseAction {
  kReply,
  kNote,
  kAssign,
  kHold,
  kResume,
  kResolve,
  kClose,
  kReopen,
  kCompensate
};
// The action's name in the API and in notes ("reply" ... "compensate").
std::string_view CaseActionName(CaseAction action);
// InvalidArgument "invalid_action" naming the actions for any other name.
Result<CaseAction> ParseCaseAction(std::string_view name);

// `record` after `action` at now_ms. FailedPrecondition "invalid_transition"
// (naming the status and the action) when the table above does not allow
// it; the caller fills in what the action carries (assignee, compensation).
Result<CaseRecord> ApplyCaseAction(CaseRecord record, CaseAction action, int64_t now_ms);

struct CaseSla {
  int64_t sla_ms = 0;  // SLA time so far (stopped while on hold or resolved)
  bool paused = false;
  // Left before each limit (negative: overdue); for a timer that stopped
  // (replied, resolved), what was left when it stopped.
  int64_t first_response_left_ms = 0;
  int64_t resolution_left_ms = 0;
  bool first_response_breached = false;
  bool resolution_breached = false;
  friend bool operator==(const CaseSla&, const CaseSla&) = default;
};
CaseSla SlaOf(const CaseRecord& record, int64_t now_ms, const CaseSlaPolicy& policy);

}  // namespace patron::sync

namespace patron::record {

template <>
struct EnumNames<sync::CaseAction> {
  static constexpr std::string_view kNoun = "case action";
  static std::string_view Name(sync::CaseAction action) { return sync::CaseActionName(action); }
  static bool Parse(std::string_view name, sync::CaseAction& action) {
    Result<sync::CaseAction> parsed = sync::ParseCaseAction(name);
    if (parsed.ok()) action = *parsed;
    return parsed.ok();
  }
};

template <>
struct Schema<sync::CaseSla> {
  static constexpr std::string_view kName = "case_sla";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::CaseSla::sla_ms>{"sla_ms"},
      Field<&sync::CaseSla::paused>{"paused"},
      Field<&sync::CaseSla::first_response_left_ms>{"first_response_left_ms"},
      Field<&sync::CaseSla::resolution_left_ms>{"resolution_left_ms"},
      Field<&sync::CaseSla::first_response_breached>{"first_response_breached"},
      Field<&sync::CaseSla::resolution_breached>{"resolution_breached"},
  };
};

}  // namespace patron::record

#endif  // PATRON_SYNC_SERVER_CASE_FLOW_H_
