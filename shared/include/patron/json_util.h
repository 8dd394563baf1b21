// Helpers for Patron's JSON codecs, over nlohmann/json. Nothing here throws:
// parsing runs with exceptions off and every accessor checks the type before
// reading, so a hostile or sloppy request becomes a Status naming the field.
//
// Typical decoder:
//   PATRON_ASSIGN_OR_RETURN(nlohmann::json body, json::Parse(text));
//   PATRON_RETURN_IF_ERROR(json::ExpectObject(body, "push request"));
//   PATRON_RETURN_IF_ERROR(json::RejectUnknownFields(body, {"terminal_id", "lines"}));
//   PATRON_ASSIGN_OR_RETURN(const nlohmann::json* lines, json::GetArray(body, "lines"));
//   for (size_t i = 0; i < lines->size(); ++i) {
//     const std::string path = json::IndexPath("lines", i);  // "lines[2]"
//     PATRON_ASSIGN_OR_RETURN(int64_t amount_minor,
//                             json::GetInt((*lines)[i], "amount_minor", path));
//   }
//
// Error reasons (all InvalidArgument):
//   "json_too_deep"   nesting deeper than the limit (checked before parsing);
//   "malformed_json"  not JSON at all (empty, truncated, trailing garbage);
//   "duplicate_key"   an object names a key twice (at any depth);
//   "missing_field"   a required field is absent or null;
//   "invalid_field"   a field (or the value itself) has the wrong type/range;
//   "unknown_field"   a field the codec does not know (integrator typo).
#ifndef PATRON_JSON_UTIL_H_
#define PATRON_JSON_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "patron/json_path.h"
#include "patron/status.h"

namespace patron::json {

inline constexpr int kDefaultMaxDepth = 32;

// Parses `text` as one JSON value (any type at the top level; no comments).
// Before the parser sees the text, a linear scan counts '[' / '{' nesting
// outside string literals and refuses anything deeper than `max_depth`
// ("[[1]]" has depth 2; scalars have depth 0), because nlohmann recurses on
// deep documents when copying, comparing and dumping them. A key repeated
// within one object is refused ("duplicate_key", naming it) rather than
// letting the last one win, as nlohmann would.
Result<nlohmann::json> Parse(std::string_view text, int max_depth = kDefaultMaxDepth);

using patron::FieldPath;
using patron::IndexPath;

// OK iff `value` is a JSON object; otherwise "<what> must be a JSON object"
// ("invalid_field").
Status ExpectObject(const nlohmann::json& value, std::string_view what);

// Typed access to `object[field]`. Errors name the field as
// FieldPath(path, field), e.g. "lines[2].amount_minor".
//   - `object` not an object: "invalid_field" naming `path`.
//   - field absent or null: "missing_field".
//   - wrong type: "invalid_field".
Result<std::string> GetString(const nlohmann::json& object, std::string_view field,
                              std::string_view path = {});
// Integers only: 1.5, 1.0, 1e3, true, "1" and values outside int64 are
// "invalid_field".
Result<int64_t> GetInt(const nlohmann::json& object, std::string_view field,
                       std::string_view path = {});
Result<bool> GetBool(const nlohmann::json& object, std::string_view field,
                     std::string_view path = {});
// The returned pointer refers into `object` and lives as long as it does.
Result<const nlohmann::json*> GetObject(const nlohmann::json& object, std::string_view field,
                                        std::string_view path = {});
Result<const nlohmann::json*> GetArray(const nlohmann::json& object, std::string_view field,
                                       std::string_view path = {});

// As above, but an absent or null field is std::nullopt rather than an error.
// A present field of the wrong type is still "invalid_field".
Result<std::optional<std::string>> GetOptionalString(const nlohmann::json& object,
                                                     std::string_view field,
                                                     std::string_view path = {});
Result<std::optional<int64_t>> GetOptionalInt(const nlohmann::json& object, std::string_view field,
                                              std::string_view path = {});
Result<std::optional<bool>> GetOptionalBool(const nlohmann::json& object, std::string_view field,
                                            std::string_view path = {});

// "unknown_field" naming the first field of `object` (in key order) that is not
// in `allowed`, so an integrator's typo is never silently ignored. The key is
// echoed truncated and with non-printable-ASCII bytes replaced by '?'.
// "invalid_field" if `object` is not an object.
Status RejectUnknownFields(const nlohmann::json& object,
                           std::initializer_list<std::string_view> allowed,
                           std::string_view path = {});

}  // namespace patron::json

#endif  // PATRON_JSON_UTIL_H_
