#include "patron/records/feedback.h"

#include <array>
#include <utility>

#include "patron/json_writer.h"

namespace patron {
namespace {

constexpr std::array<std::pair<FeedbackKind, std::string_view>, 6> kKindNames = {{
    {FeedbackKind::kComplaint, "complaint"},
    {FeedbackKind::kSuggestion, "suggestion"},
    {FeedbackKind::kPraise, "praise"},
    {FeedbackKind::kRating, "rating"},
    {FeedbackKind::kNps, "nps"},
    {FeedbackKind::kCsat, "csat"},
}};

Status Invalid(std::string message) {
  return Status::InvalidArgument(std::move(message), "invalid_feedback");
}

bool IsUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      if (text[i] == '\0') return false;
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) return false;
    i += length;
  }
  return true;
}

bool IsTopic(std::string_view topic) {
  if (topic.size() > 32) return false;
  for (char c : topic) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

const std::string_view kFeedbackColumnsSql = R"sql(
  feedback_id TEXT PRIMARY KEY,
  terminal_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  feedback_ref TEXT NOT NULL,
  member_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  rating INTEGER NOT NULL,
  topic TEXT NOT NULL,
  sale_id TEXT NOT NULL,
  text TEXT NOT NULL,
  hlc TEXT NOT NULL,
  wall_ms INTEGER NOT NULL
)sql";

std::string_view FeedbackKindName(FeedbackKind kind) {
  for (const auto& [known, name] : kKindNames) {
    if (known == kind) return name;
  }
  return "unknown";
}

Result<FeedbackKind> ParseFeedbackKind(std::string_view name) {
  for (const auto& [kind, known] : kKindNames) {
    if (known == name) return kind;
  }
  return Invalid("kind must be complaint, suggestion, praise, rating, nps or csat, not \"" +
                 std::string(name) + "\"");
}

Status CheckFeedback(const FeedbackRecord& feedback) {
  if (feedback.kind == FeedbackKind::kUnknown) {
    return Invalid("kind must be complaint, suggestion, praise, rating, nps or csat");
  }
  if (feedback.member_id.empty()) return Invalid("member_id is required");
  const bool survey = feedback.kind == FeedbackKind::kNps || feedback.kind == FeedbackKind::kCsat;
  if (survey && feedback.sale_id.empty()) {
    return Invalid("a survey answer names the sale that asked for it");
  }
  if (feedback.kind == FeedbackKind::kNps) {
    if (feedback.rating < 0 || feedback.rating > kMaxNpsScore) {
      return Invalid("an nps answer's rating must be 0 to 10");
    }
  } else if (feedback.rating < 0 || feedback.rating > kMaxFeedbackRating) {
    return Invalid("rating must be 1 to 5 (or absent)");
  } else if ((feedback.kind == FeedbackKind::kRating || feedback.kind == FeedbackKind::kCsat) &&
             feedback.rating == 0) {
    return Invalid("a " + std::string(FeedbackKindName(feedback.kind)) +
                   " needs its rating, 1 to 5");
  }
  const bool needs_words =
      feedback.kind == FeedbackKind::kComplaint || feedback.kind == FeedbackKind::kSuggestion;
  if (needs_words && feedback.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Invalid("a " + std::string(FeedbackKindName(feedback.kind)) + " needs its text");
  }
  if (feedback.text.size() > kMaxFeedbackTextBytes || !IsUtf8(feedback.text)) {
    return Invalid("text must be UTF-8 of at most 2000 bytes");
  }
  if (!IsTopic(feedback.topic)) {
    return Invalid("topic must be at most 32 characters of a-z, 0-9 and _");
  }
  return Status::OK();
}

}  // namespace patron
