// Head office's member services (DESIGN.md §11): the feedback tills send
// up (records/feedback.h) and the cases complaints open, with their
// timelines. A role of the server's store (server_store.h).
//
// A case is a complaint being handled: open -> replied -> on hold ->
// resolved -> closed, with an assignee, SLA timers that stop while it is on
// hold (service/case_flow.h holds the rules) and at most one goodwill
// compensation, booked as an `adjust` entry. Each case has the complaint's
// id; every action on it appends a note, so its timeline is its notes.
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - PutFeedback stores a feedback under its id once; FindFeedback gives
//     back exactly what was put; FeedbackOfMember lists one member's by
//     wall_ms then id; FeedbackPage pages by (wall_ms, id) descending,
//     newest first, after the filter's cursor;
//   - PutCase inserts or replaces the case of its id; CasesPage pages by
//     (opened_ms, case_id) ascending, oldest first, after the cursor, only
//     the statuses, store and assignee asked for (empty: any);
//   - WorkingCases pages the cases open, replied or on hold as CasesPage
//     does, reading only those (however many were closed before);
//   - AppendCaseNote appends; CaseNotes lists a case's in the order
//     appended; CountCaseNotes counts them;
//   - FeedbackSummary counts the feedback in [from_ms, to_ms) by store and
//     kind (and local month "YYYY-MM" when given an offset; "" otherwise),
//     with the count and sum of ratings, NPS promoters (9-10) and
//     detractors (0-6), and satisfied CSAT answers (4-5);
//   - write methods of a read transaction return FailedPrecondition.
#ifndef PATRON_SYNC_SERVER_CASE_STORE_H_
#define PATRON_SYNC_SERVER_CASE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/record/field.h"
#include "patron/records/feedback.h"
#include "patron/status.h"

namespace patron::sync {

enum class CaseStatus { kOpen, kReplied, kOnHold, kResolved, kClosed, kUnknown };
std::string_view CaseStatusName(CaseStatus status);
// InvalidArgument "invalid_status" naming the statuses for any other name.
Result<CaseStatus> ParseCaseStatus(std::string_view name);

struct CaseRecord {
  std::string case_id;  // the complaint's feedback_id
  std::string member_id;
  std::string store_id;
  CaseStatus status = CaseStatus::kOpen;
  // Where a case on hold goes back to when resumed: open or replied.
  CaseStatus resume_status = CaseStatus::kOpen;
  std::string assignee;  // a head-office username; "" none
  // When the member complained (the till's clock, never after head office
  // filed it): both SLA timers run from here.
  int64_t opened_ms = 0;
  // The time on hold before the current hold, and since when it is on
  // hold (0: not on hold). Resolved time also counts as held, so a case
  // reopened does not count the days it sat resolved.
  int64_t held_ms = 0;
  int64_t hold_since_ms = 0;
  // SLA time (elapsed minus held) at the first reply and at the last
  // resolution; -1 before they happened.
  int64_t first_response_sla_ms = -1;
  int64_t resolution_sla_ms = -1;
  int64_t resolved_ms = 0;
  int64_t closed_ms = 0;
  int64_t compensation_points = 0;
  std::string compensation_entry;  // the adjust entry's id; "" none
  int64_t updated_ms = 0;
  friend bool operator==(const CaseRecord&, const CaseRecord&) = default;
};

// One thing done to a case: "open" when head office filed the complaint,
// then the name of each action taken (case_flow.h: "reply", "note",
// "assign", "hold", "resume", "resolve", "close", "reopen", "compensate").
struct CaseNote {
  std::string case_id;
  int64_t at_ms = 0;
  std::string author;  // the head-office user; "" for head office itself
  std::string action;
  std::string text;  // the reply or note; the assignee; the points and why; the topic
  friend bool operator==(const CaseNote&, const CaseNote&) = default;
};

struct FeedbackFilter {
  std::string store_id;  // "" any
  std::optional<FeedbackKind> kind;
  int64_t from_ms = 0;  // wall_ms in [from_ms, to_ms); to_ms 0: no bound
  int64_t to_ms = 0;
  // Cursor: the last row of the previous page (after_wall_ms, after_id);
  // after_id "" for the first page.
  int64_t after_wall_ms = 0;
  std::string after_id;
  int limit = 100;
};

struct CaseFilter {
  std::vector<CaseStatus> statuses;     // empty: any
  std::string store_id;                 // "" any
  std::optional<std::string> assignee;  // "" unassigned
  int64_t after_opened_ms = 0;          // cursor, as FeedbackFilter's
  std::string after_id;
  int limit = 100;
};

// Feedback of one store and kind (and month) in a window. NPS =
// (promoters - detractors) / count; CSAT = satisfied / count.
struct FeedbackCount {
  std::string store_id;
  std::string month;  // "YYYY-MM", local; "" when not by month
  FeedbackKind kind = FeedbackKind::kComplaint;
  int64_t count = 0;
  int64_t rated = 0;       // how many carry a rating (every NPS answer does)
  int64_t rating_sum = 0;  // of those ratings
  int64_t promoters = 0;   // NPS answers of 9-10
  int64_t detractors = 0;  // NPS answers of 0-6
  int64_t satisfied = 0;   // CSAT answers of 4-5
  friend bool operator==(const FeedbackCount&, const FeedbackCount&) = default;
};

class CaseTxn {
 public:
  virtual ~CaseTxn() = default;

  // Write transactions only.
  virtual Status PutFeedback(const FeedbackRecord& feedback) = 0;
  virtual Result<std::optional<FeedbackRecord>> FindFeedback(std::string_view feedback_id) = 0;
  virtual Result<std::vector<FeedbackRecord>> FeedbackOfMember(std::string_view member_id) = 0;
  virtual Result<std::vector<FeedbackRecord>> FeedbackPage(const FeedbackFilter& filter) = 0;
  // month_offset_minutes: group by local month in that UTC offset too.
  virtual Result<std::vector<FeedbackCount>> FeedbackSummary(
      int64_t from_ms, int64_t to_ms, std::string_view store_id,
      std::optional<int64_t> month_offset_minutes) = 0;

  // Write transactions only.
  virtual Status PutCase(const CaseRecord& record) = 0;
  virtual Result<std::optional<CaseRecord>> FindCase(std::string_view case_id) = 0;
  virtual Result<std::vector<CaseRecord>> CasesPage(const CaseFilter& filter) = 0;
  // Cases open, replied or on hold after the cursor (after_id "" for the
  // first page), at most `limit`: what the SLA gauge reads on every scrape.
  virtual Result<std::vector<CaseRecord>> WorkingCases(int64_t after_opened_ms,
                                                       std::string_view after_id, int limit) = 0;
  // Write transactions only.
  virtual Status AppendCaseNote(const CaseNote& note) = 0;
  virtual Result<std::vector<CaseNote>> CaseNotes(std::string_view case_id) = 0;
};

}  // namespace patron::sync

namespace patron::record {

template <>
struct EnumNames<sync::CaseStatus> {
  static constexpr sync::CaseStatus kUnknown = sync::CaseStatus::kUnknown;
  static constexpr std::string_view kNoun = "case status";
  static std::string_view Name(sync::CaseStatus status) { return sync::CaseStatusName(status); }
  static bool Parse(std::string_view name, sync::CaseStatus& status) {
    Result<sync::CaseStatus> parsed = sync::ParseCaseStatus(name);
    if (parsed.ok()) status = *parsed;
    return parsed.ok();
  }
};

template <>
struct Schema<sync::CaseRecord> {
  static constexpr std::string_view kName = "case";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::CaseRecord::case_id>{"case_id"},
      Field<&sync::CaseRecord::member_id>{"member_id"},
      Field<&sync::CaseRecord::store_id>{"store_id"},
      Field<&sync::CaseRecord::status>{"status"},
      Field<&sync::CaseRecord::resume_status>{"resume_status"},
      Field<&sync::CaseRecord::assignee>{"assignee"},
      Field<&sync::CaseRecord::opened_ms>{"opened_ms"},
      Field<&sync::CaseRecord::held_ms>{"held_ms"},
      Field<&sync::CaseRecord::hold_since_ms>{"hold_since_ms"},
      Field<&sync::CaseRecord::first_response_sla_ms>{"first_response_sla_ms"},
      Field<&sync::CaseRecord::resolution_sla_ms>{"resolution_sla_ms"},
      Field<&sync::CaseRecord::resolved_ms>{"resolved_ms"},
      Field<&sync::CaseRecord::closed_ms>{"closed_ms"},
      Field<&sync::CaseRecord::compensation_points>{"compensation_points"},
      Field<&sync::CaseRecord::compensation_entry>{"compensation_entry"},
      Field<&sync::CaseRecord::updated_ms>{"updated_ms"},
  };
};

template <>
struct Schema<sync::CaseNote> {
  static constexpr std::string_view kName = "case_note";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::CaseNote::case_id>{"case_id"}, Field<&sync::CaseNote::at_ms>{"at_ms"},
      Field<&sync::CaseNote::author>{"author"},   Field<&sync::CaseNote::action>{"action"},
      Field<&sync::CaseNote::text>{"text"},
  };
};

template <>
struct Schema<sync::FeedbackCount> {
  static constexpr std::string_view kName = "feedback_count";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::FeedbackCount::store_id>{"store_id"},
      Field<&sync::FeedbackCount::month>{"month"},
      Field<&sync::FeedbackCount::kind>{"kind"},
      Field<&sync::FeedbackCount::count>{"count"},
      Field<&sync::FeedbackCount::rated>{"rated"},
      Field<&sync::FeedbackCount::rating_sum>{"rating_sum"},
      Field<&sync::FeedbackCount::promoters>{"promoters"},
      Field<&sync::FeedbackCount::detractors>{"detractors"},
      Field<&sync::FeedbackCount::satisfied>{"satisfied"},
  };
};

}  // namespace patron::record

#endif  // PATRON_SYNC_SERVER_CASE_STORE_H_
