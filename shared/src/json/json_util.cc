#include "patron/json_util.h"

#include <algorithm>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "patron/json_reader.h"

namespace patron::json {
namespace {

using nlohmann::json;

// True as soon as '['/'{' nesting outside string literals exceeds
// `max_depth`. Stray closers are left for the parser to report as malformed.
bool NestedDeeperThan(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// Run only after a failed parse, to locate the error: a SAX consumer that
// ignores every event and records where the parser gave up. Returning false
// from parse_error stops the parser without throwing.
struct ErrorLocator {
  size_t byte = 0;

  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t&) { return true; }
  bool string(json::string_t&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(size_t) { return true; }
  bool key(json::string_t&) { return true; }
  bool end_object() { return true; }
  bool start_array(size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(size_t position, const std::string&, const json::exception&) {
    byte = position;
    return false;
  }
};

// Keys come from the client: bound their length and keep the message ASCII so
// it is safe to log and to embed in a JSON error response.
std::string Printable(std::string_view text) {
  constexpr size_t kMaxShown = 64;
  std::string shown(text.substr(0, kMaxShown));
  for (char& c : shown) {
    if (c < 0x20 || c > 0x7E) c = '?';
  }
  if (text.size() > kMaxShown) shown += "...";
  return shown;
}

Status NotAnObject(std::string_view path) {
  if (path.empty()) return Status::InvalidArgument("expected a JSON object", "invalid_field");
  return Status::InvalidArgument("'" + std::string(path) + "' must be an object", "invalid_field");
}

Status WrongType(std::string_view path, std::string_view field, std::string_view expected) {
  return Status::InvalidArgument(
      "field '" + FieldPath(path, field) + "' must be " + std::string(expected), "invalid_field");
}

// The field's value, nullptr when absent or null, or an error when `object`
// is not an object.
Result<const json*> Find(const json& object, std::string_view field, std::string_view path) {
  if (!object.is_object()) return NotAnObject(path);
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return static_cast<const json*>(nullptr);
  return &*it;
}

Result<const json*> FindRequired(const json& object, std::string_view field,
                                 std::string_view path) {
  PATRON_ASSIGN_OR_RETURN(const json* value, Find(object, field, path));
  if (value == nullptr) {
    return Status::InvalidArgument("missing field '" + FieldPath(path, field) + "'",
                                   "missing_field");
  }
  return value;
}

Result<int64_t> ToInt(const json& value, std::string_view field, std::string_view path) {
  if (value.is_number_unsigned()) {
    const uint64_t unsigned_value = value.get<uint64_t>();
    if (unsigned_value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return WrongType(path, field, "an integer within int64 range");
    }
    return static_cast<int64_t>(unsigned_value);
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  return WrongType(path, field, "an integer");
}

// A parser callback that notes the first key repeated within one object.
// RFC 8259 leaves the meaning of repeated names open and nlohmann keeps the
// last value, so {"amount_minor":100000,"amount_minor":1} would be a sale of
// 0.01 to Patron while a proxy or log reader in front saw 1,000.00: one
// document, one reading, or a refusal.
class DuplicateKeyFinder {
 public:
  bool operator()(int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        open_.emplace_back();
        break;
      case json::parse_event_t::key:
        if (!open_.empty() && parsed.is_string()) {
          const std::string& key = parsed.get_ref<const std::string&>();
          if (!open_.back().insert(key).second && !duplicate_) duplicate_ = key;
        }
        break;
      case json::parse_event_t::object_end:
        if (!open_.empty()) open_.pop_back();
        break;
      default:
        break;
    }
    return true;
  }
  const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  std::vector<std::unordered_set<std::string>> open_;  // the keys of each open object
  std::optional<std::string> duplicate_;
};

}  // namespace

Result<nlohmann::json> Parse(std::string_view text, int max_depth) {
  max_depth = std::max(max_depth, 0);
  if (NestedDeeperThan(text, max_depth)) {
    return Status::InvalidArgument(
        "JSON nested deeper than " + std::to_string(max_depth) + " levels", "json_too_deep");
  }
  // nlohmann's lexer takes a NUL byte for the end of the input, so
  // `{"a":1}\0garbage` would parse as `{"a":1}`. No JSON text holds a raw NUL
  // (control characters are escaped in strings), so one is malformed here, as
  // JsonReader finds it.
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return Status::InvalidArgument("malformed JSON near byte " + std::to_string(nul),
                                   "malformed_json");
  }
  try {
    DuplicateKeyFinder duplicates;
    json parsed = json::parse(
        text.begin(), text.end(),
        [&duplicates](int depth, json::parse_event_t event, json& value) {
          return duplicates(depth, event, value);
        },
        /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) {
      if (duplicates.duplicate()) return JsonDuplicateKeyError(*duplicates.duplicate());
      return parsed;
    }
    ErrorLocator locator;
    json::sax_parse(text.begin(), text.end(), &locator);
    return Status::InvalidArgument("malformed JSON near byte " + std::to_string(locator.byte),
                                   "malformed_json");
  } catch (const std::exception& e) {
    // Only resource exhaustion (std::bad_alloc) can get here.
    return Status::Internal(std::string("JSON parser failed: ") + e.what());
  }
}

Status ExpectObject(const nlohmann::json& value, std::string_view what) {
  if (value.is_object()) return Status::OK();
  return Status::InvalidArgument(std::string(what) + " must be a JSON object", "invalid_field");
}

Result<std::string> GetString(const nlohmann::json& object, std::string_view field,
                              std::string_view path) {
  PATRON_ASSIGN_OR_RETURN(const json* value, FindRequired(object, field, path));
  if (!value->is_string()) return WrongType(path, field, "a string");
  return value->get_ref<const std::string&>();
}

Result<int64_t> GetInt(const nlohmann::json& object, std::string_view field,
                       std::string_view path) {
  PATRON_ASSIGN_OR_RETURN(const json* value, FindRequired(object, field, path));
  return ToInt(*value, field, path);
}

Result<bool> GetBool(const nlohmann::json& object, std::string_view field, std::string_view path) {
  PATRON_ASSIGN_OR_RETURN(const json* value, FindRequired(object, field, path));
  if (!value->is_boolean()) return WrongType(path, field, "a boolean");
  return value->get<bool>();
}

Result<const nlohmann::json*> GetObject(const nlohmann::json& object, std::string_view field,
                                        std::string_view path) {
  PATRON_ASSIGN_OR_RETURN(const json* value, FindRequired(object, field, path));
  if (!value->is_object()) return WrongType(path, field, "an object");
  return value;
}

Result<const nlohmann::json*> GetArray(const nlohmann::json& object, std::string_view field,
                                       std::string_view path) {
  PATRON_ASSIGN_OR_RETURN(const json* value, FindRequired(object, field, path));
  if (!value->is_array()) return WrongType(path, field, "an array");
  return value;
}

Result<std::optional<std::string>> GetOptionalString(const nlohmann::json& object,
                                                     std::string_view field,
                                                     std::string_view path) {
  PATRON_ASSIGN_OR_RETURN(const json* value, Find(object, field, path));
  if (value == nullptr) return std::optional<std::string>();
  if (!value->is_string()) return WrongType(path, field, "a string");
  return std::optional<std::string>(value->get_ref<const std::string&>());
}

Result<std::optional<int64_t>> GetOptionalInt(const nlohmann::json& object, std::string_view field,
                                              std::string_view path) {
  PATRON_ASSIGN_OR_RETURN(const json* value, Find(object, field, path));
  if (value == nullptr) return std::optional<int64_t>();
  PATRON_ASSIGN_OR_RETURN(int64_t integer, ToInt(*value, field, path));
  return std::optional<int64_t>(integer);
}

Result<std::optional<bool>> GetOptionalBool(const nlohmann::json& object, std::string_view field,
                                            std::string_view path) {
  PATRON_ASSIGN_OR_RETURN(const json* value, Find(object, field, path));
  if (value == nullptr) return std::optional<bool>();
  if (!value->is_boolean()) return WrongType(path, field, "a boolean");
  return std::optional<bool>(value->get<bool>());
}

Status RejectUnknownFields(const nlohmann::json& object,
                           std::initializer_list<std::string_view> allowed, std::string_view path) {
  if (!object.is_object()) return NotAnObject(path);
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& key = it.key();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Status::InvalidArgument("unknown field '" + FieldPath(path, Printable(key)) + "'",
                                     "unknown_field");
    }
  }
  return Status::OK();
}

}  // namespace patron::json
