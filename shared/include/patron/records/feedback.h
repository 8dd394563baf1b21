// Feedback a member gives at the till (DESIGN.md §11): a complaint, a
// suggestion, praise or a rating, tied to the member and optionally to one
// of their sales. The till writes it to its outbox in the transaction that
// accepts it, so it is captured offline and reaches head office exactly
// once (record kind "feedback", id MakeSaleId(terminal_id, feedback_ref));
// head office files it and opens a case for every complaint (case_store.h).
#ifndef PATRON_RECORDS_FEEDBACK_H_
#define PATRON_RECORDS_FEEDBACK_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "patron/hlc.h"
#include "patron/record/field.h"
#include "patron/status.h"

namespace patron {

inline constexpr std::string_view kFeedbackRecordKind = "feedback";

// nps and csat are a member's answers to the survey a sale asked for
// (survey.h): how likely they are to recommend us, 0-10, and how satisfied
// they were with that visit, 1-5.
enum class FeedbackKind { kComplaint, kSuggestion, kPraise, kRating, kNps, kCsat, kUnknown };
std::string_view FeedbackKindName(FeedbackKind kind);
// InvalidArgument "invalid_feedback" naming the kinds for any other name.
Result<FeedbackKind> ParseFeedbackKind(std::string_view name);

// What one feedback may say: text of at most this many bytes (UTF-8), a
// rating of 1-5 (an NPS answer 0-10), a topic of at most 32 characters of
// [a-z0-9_].
inline constexpr size_t kMaxFeedbackTextBytes = 2000;
inline constexpr int64_t kMaxFeedbackRating = 5;
inline constexpr int64_t kMaxNpsScore = 10;

struct FeedbackRecord {
  std::string feedback_id;  // MakeSaleId(terminal_id, feedback_ref)
  std::string terminal_id;
  std::string store_id;
  std::string feedback_ref;  // the POS's key for it; idempotency key
  std::string member_id;
  FeedbackKind kind = FeedbackKind::kComplaint;
  // 1-5; 0 = none (required for a rating and a CSAT answer); an NPS
  // answer's score, 0-10.
  int64_t rating = 0;
  std::string topic;    // what it is about: "service", "product", "points"... ("" none)
  std::string sale_id;  // the sale it is about ("" none)
  std::string text;     // the member's words (personal data: erased with the member)
  HlcTimestamp hlc;
  int64_t wall_ms = 0;
  friend bool operator==(const FeedbackRecord&, const FeedbackRecord&) = default;
};

// Checks what the member said, whoever recorded it (the till before it
// accepts it, head office before it files it): a known kind; a rating of
// 1-5 for a rating, none or 1-5 for the other words; 0-10 for an NPS
// answer, 1-5 for a CSAT answer, each about a sale; words for a complaint
// or a suggestion; text and topic within their limits and valid UTF-8.
// InvalidArgument "invalid_feedback" naming the field.
Status CheckFeedback(const FeedbackRecord& feedback);

// The SQL columns of a feedback record (record::ColumnList<FeedbackRecord>()
// with their types), for head office's `feedback` table.
extern const std::string_view kFeedbackColumnsSql;

}  // namespace patron

namespace patron::record {

template <>
struct EnumNames<FeedbackKind> {
  static constexpr FeedbackKind kUnknown = FeedbackKind::kUnknown;
  static constexpr std::string_view kNoun = "feedback kind";
  static std::string_view Name(FeedbackKind kind) { return FeedbackKindName(kind); }
  static bool Parse(std::string_view name, FeedbackKind& kind) {
    Result<FeedbackKind> parsed = ParseFeedbackKind(name);
    if (parsed.ok()) kind = *parsed;
    return parsed.ok();
  }
};

template <>
struct Schema<FeedbackRecord> {
  static constexpr std::string_view kName = "feedback";
  static constexpr auto kFields = record::FieldList{
      Field<&FeedbackRecord::feedback_id>{"feedback_id"},
      Field<&FeedbackRecord::terminal_id>{"terminal_id"},
      Field<&FeedbackRecord::store_id>{"store_id"},
      Field<&FeedbackRecord::feedback_ref>{"feedback_ref"},
      Field<&FeedbackRecord::member_id>{"member_id"},
      Field<&FeedbackRecord::kind>{"kind"},
      Field<&FeedbackRecord::rating>{"rating", {}, kOmitDefault},
      Field<&FeedbackRecord::topic>{"topic", {}, kOmitDefault},
      Field<&FeedbackRecord::sale_id>{"sale_id", {}, kOmitDefault},
      Field<&FeedbackRecord::text>{"text", {}, kOmitDefault},
      Field<&FeedbackRecord::hlc>{"hlc"},
      Field<&FeedbackRecord::wall_ms>{"wall_ms"},
  };
};

}  // namespace patron::record

#endif  // PATRON_RECORDS_FEEDBACK_H_
