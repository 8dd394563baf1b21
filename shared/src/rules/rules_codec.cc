#include "patron/rules_codec.h"

#include <string>
#include <utility>

#include "patron/json_reader.h"
#include "patron/record/record_json.h"

namespace patron {
namespace {

constexpr int kMaxDepth = 16;

}  // namespace

Result<Rules> DecodeRules(std::string_view json_text) {
  record::DecodeNotes notes;
  Result<Rules> decoded = record::DecodeRecord<Rules>(json_text, &notes, kMaxDepth);
  if (!decoded.ok()) {
    // The reader stops at the first problem; a text that is not JSON at all
    // is reported as such rather than as the first field it got wrong.
    PATRON_RETURN_IF_ERROR(JsonReader::CheckSyntax(json_text, kMaxDepth));
    return decoded.status();
  }
  Rules rules = *std::move(decoded);
  // A misspelt field would otherwise be dropped silently, and a till would
  // evaluate a campaign without a condition its author wrote.
  if (!notes.empty()) {
    return Status::InvalidArgument(
        "field '" + notes.first_unknown_field() + "' is not part of a rule pack", "unknown_field");
  }
  PATRON_RETURN_IF_ERROR(ValidateRules(rules));
  return rules;
}

std::string EncodeRules(const Rules& rules) { return record::EncodeRecord(rules); }

}  // namespace patron
