#include "patron/record/record_json.h"

#include <algorithm>

namespace patron::record {

void DecodeNotes::Unknown(std::string what) {
  if (std::find(unknown_.begin(), unknown_.end(), what) == unknown_.end()) {
    unknown_.push_back(std::move(what));
  }
}

void DecodeNotes::UnknownField(std::string what, std::string path) {
  if (first_unknown_field_.empty()) first_unknown_field_ = std::move(path);
  Unknown(std::move(what));
}

namespace json_internal {

Status TypeError(Status status, std::string_view path, std::string_view field,
                 std::string_view expected) {
  if (status.ok() || status.reason() != "invalid_field") return status;
  return Status::InvalidArgument(
      "field '" + FieldPath(path, field) + "' must be " + std::string(expected), "invalid_field");
}

Status InvalidAt(std::string_view path, std::string_view field, std::string_view what) {
  return Status::InvalidArgument("'" + FieldPath(path, field) + "' " + std::string(what),
                                 "invalid_field");
}

Status BeginObjectAt(JsonReader& reader, std::string_view path) {
  Status object = reader.BeginObject();
  if (object.ok() || object.reason() != "invalid_field") return object;
  if (path.empty()) {
    return Status::InvalidArgument("message must be a JSON object", "invalid_field");
  }
  return Status::InvalidArgument("'" + std::string(path) + "' must be an object", "invalid_field");
}

void AppendInt(int64_t value, std::string& out) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;  // 24 bytes hold every int64
  out.append(buffer, end);
}

}  // namespace json_internal
}  // namespace patron::record
