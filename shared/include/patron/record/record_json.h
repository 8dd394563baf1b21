// The wire form of records (field.h), derived from their field tables:
// written straight into text and read with a JsonReader, without a DOM (a
// push carries thousands of records; docs/BENCHMARKS.md).
//
//   std::string body;
//   record::AppendRecord(entry, body);            // {"id":"S001-T01/7",...}
//   JsonReader reader(body);
//   LedgerEntry back;
//   PATRON_RETURN_IF_ERROR(record::ReadRecord(reader, "entries[0]", back, nullptr));
//
// Reading follows the rules every Patron decoder keeps:
//   - a required field must come; null counts as absent, except for the
//     nullable types (optional values), where null is the empty value;
//   - fields this build does not know are skipped, and noted in DecodeNotes
//     (forward compatibility: a newer peer's additions never stop an older
//     one, DESIGN.md §8);
//   - of a repeated key the last value wins;
//   - errors are InvalidArgument naming the field's path ("entries[3].points"):
//     "missing_field", "invalid_field" (wrong type), "unknown_value" (an enum
//     name this build does not know), plus JsonReader's syntax reasons.
#ifndef PATRON_RECORD_RECORD_JSON_H_
#define PATRON_RECORD_RECORD_JSON_H_

#include <array>
#include <charconv>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "patron/hlc.h"
#include "patron/json_path.h"
#include "patron/json_reader.h"
#include "patron/json_writer.h"
#include "patron/lww.h"
#include "patron/record/field.h"
#include "patron/status.h"

namespace patron::record {

// What a decoder met that this build does not know: fields, enum values,
// record kinds. Each thing once, in the order met. A receiver that keeps
// going past them reports "upgrade needed" (DESIGN.md §8).
class DecodeNotes {
 public:
  void Unknown(std::string what);
  // An unknown field at `path` ("campaigns[2].multipler_bp"), noted as
  // `what`; the first such path is kept for a decoder that refuses unknown
  // fields (a rule pack, where a typo must not pass silently).
  void UnknownField(std::string what, std::string path);
  const std::vector<std::string>& unknown() const { return unknown_; }
  const std::string& first_unknown_field() const { return first_unknown_field_; }
  bool empty() const { return unknown_.empty(); }
  friend bool operator==(const DecodeNotes&, const DecodeNotes&) = default;

 private:
  std::vector<std::string> unknown_;
  std::string first_unknown_field_;
};

// A record's name in notes ("member.wechat_id"): Schema<R>::kName.
template <typename Record>
constexpr std::string_view RecordName() {
  if constexpr (requires { Schema<Record>::kName; }) {
    return Schema<Record>::kName;
  } else {
    return "record";
  }
}

namespace json_internal {

// A JsonReader type error restated for the field: "field 'a.b' must be <expected>".
Status TypeError(Status status, std::string_view path, std::string_view field,
                 std::string_view expected);
// "'<path>.<field>' <what>" as InvalidArgument "invalid_field".
Status InvalidAt(std::string_view path, std::string_view field, std::string_view what);
// Opens an object; a value of another type is "'<path>' must be an object"
// ("message must be a JSON object" at the top level, path "").
Status BeginObjectAt(JsonReader& reader, std::string_view path);
void AppendInt(int64_t value, std::string& out);

}  // namespace json_internal

template <typename T>
struct JsonCodec;

template <HasSchema Record>
void AppendRecord(const Record& record, std::string& out);
template <HasSchema Record>
Status ReadRecord(JsonReader& reader, std::string_view path, Record& record, DecodeNotes* notes);

// ---- value codecs ----
// Each: Append(value, out); Read(reader, path, field, value, notes);
// kNullable (null reads as the empty value).

template <>
struct JsonCodec<int64_t> {
  static constexpr bool kNullable = false;
  static void Append(int64_t value, std::string& out) { json_internal::AppendInt(value, out); }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field,
                     int64_t& value, DecodeNotes*) {
    return json_internal::TypeError(reader.ReadInt64(value), path, field, "an integer");
  }
};

// For counts that live in an int: an integer within int's range.
template <>
struct JsonCodec<int> {
  static constexpr bool kNullable = false;
  static void Append(int value, std::string& out) { json_internal::AppendInt(value, out); }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field,
                     int& value, DecodeNotes*) {
    int64_t wide = 0;
    PATRON_RETURN_IF_ERROR(
        json_internal::TypeError(reader.ReadInt64(wide), path, field, "an integer"));
    if (wide < INT32_MIN || wide > INT32_MAX) {
      return json_internal::InvalidAt(path, field, "is out of range");
    }
    value = static_cast<int>(wide);
    return Status::OK();
  }
};

template <>
struct JsonCodec<bool> {
  static constexpr bool kNullable = false;
  static void Append(bool value, std::string& out) { out += value ? "true" : "false"; }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field,
                     bool& value, DecodeNotes*) {
    return json_internal::TypeError(reader.ReadBool(value), path, field, "a boolean");
  }
};

template <>
struct JsonCodec<std::string> {
  static constexpr bool kNullable = false;
  static void Append(std::string_view value, std::string& out) { AppendJsonString(value, out); }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field,
                     std::string& value, DecodeNotes*) {
    return json_internal::TypeError(reader.ReadString(value), path, field, "a string");
  }
};

template <typename T>
struct JsonCodec<std::optional<T>> {
  static constexpr bool kNullable = true;
  static void Append(const std::optional<T>& value, std::string& out) {
    if (value) {
      JsonCodec<T>::Append(*value, out);
    } else {
      out += "null";
    }
  }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field,
                     std::optional<T>& value, DecodeNotes* notes) {
    if (reader.ReadNullIf()) {
      value.reset();
      return Status::OK();
    }
    PATRON_RETURN_IF_ERROR(JsonCodec<T>::Read(reader, path, field, value.emplace(), notes));
    return Status::OK();
  }
};

// Packed, as an integer: compact and exactly ordered.
template <>
struct JsonCodec<HlcTimestamp> {
  static constexpr bool kNullable = false;
  static void Append(HlcTimestamp value, std::string& out) {
    json_internal::AppendInt(value.Packed(), out);
  }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field,
                     HlcTimestamp& value, DecodeNotes*) {
    int64_t packed = 0;
    PATRON_RETURN_IF_ERROR(
        json_internal::TypeError(reader.ReadInt64(packed), path, field, "an integer"));
    Result<HlcTimestamp> hlc = HlcTimestamp::FromPackedChecked(packed);
    if (!hlc.ok()) return json_internal::InvalidAt(path, field, "is not a valid timestamp");
    value = *hlc;
    return Status::OK();
  }
};

// An enum whose EnumNames declare `kUnknown` reads a name this build does
// not know as kUnknown and notes it (when the reader keeps notes), so a
// newer peer's value stops nothing; the receiver must not apply what it
// holds. Without kUnknown, or without notes, such a name is refused.
template <NamedEnum E>
struct JsonCodec<E> {
  static constexpr bool kNullable = false;
  static void Append(E value, std::string& out) { AppendJsonString(EnumNames<E>::Name(value), out); }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field, E& value,
                     DecodeNotes* notes) {
    std::string name;
    PATRON_RETURN_IF_ERROR(
        json_internal::TypeError(reader.ReadString(name), path, field, "a string"));
    if (EnumNames<E>::Parse(name, value)) return Status::OK();
    if constexpr (requires { EnumNames<E>::kUnknown; }) {
      if (notes != nullptr) {
        std::string noun(field);
        if constexpr (requires { EnumNames<E>::kNoun; }) noun = EnumNames<E>::kNoun;
        notes->Unknown(noun + " '" + name + "'");
        value = EnumNames<E>::kUnknown;
        return Status::OK();
      }
    }
    return Status::InvalidArgument(
        "'" + FieldPath(path, field) + "' is not a value this build knows", "unknown_value");
  }
};

// [value, hlc, origin].
template <typename T>
struct JsonCodec<LwwRegister<T>> {
  static constexpr bool kNullable = false;
  static void Append(const LwwRegister<T>& reg, std::string& out) {
    out += '[';
    JsonCodec<T>::Append(reg.value, out);
    out += ',';
    json_internal::AppendInt(reg.hlc.Packed(), out);
    out += ',';
    AppendJsonString(reg.origin, out);
    out += ']';
  }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field,
                     LwwRegister<T>& reg, DecodeNotes* notes) {
    const auto shape = [&] {
      return json_internal::InvalidAt(path, field, "must be [value, hlc, origin]");
    };
    if (reader.Peek() != JsonReader::Kind::kArray) return shape();
    PATRON_RETURN_IF_ERROR(reader.BeginArray());
    PATRON_ASSIGN_OR_RETURN(bool has_value, reader.NextElement());
    if (!has_value) return shape();
    if constexpr (JsonCodec<T>::kNullable) {
      PATRON_RETURN_IF_ERROR(JsonCodec<T>::Read(reader, path, field, reg.value, notes));
    } else {
      if (reader.ReadNullIf()) return shape();
      PATRON_RETURN_IF_ERROR(JsonCodec<T>::Read(reader, path, field, reg.value, notes));
    }
    PATRON_ASSIGN_OR_RETURN(bool has_hlc, reader.NextElement());
    if (!has_hlc || reader.Peek() != JsonReader::Kind::kNumber) return shape();
    PATRON_RETURN_IF_ERROR(JsonCodec<HlcTimestamp>::Read(reader, path, field, reg.hlc, notes));
    PATRON_ASSIGN_OR_RETURN(bool has_origin, reader.NextElement());
    if (!has_origin || reader.Peek() != JsonReader::Kind::kString) return shape();
    PATRON_RETURN_IF_ERROR(reader.ReadString(reg.origin));
    PATRON_ASSIGN_OR_RETURN(bool more, reader.NextElement());
    if (more) return shape();
    return Status::OK();
  }
};

// A nested record: an object. A schema with `kLegacyText = true` also reads
// a string holding that object's JSON, the form older peers sent.
template <HasSchema R>
struct JsonCodec<R> {
  static constexpr bool kNullable = false;
  static void Append(const R& value, std::string& out) { AppendRecord(value, out); }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field, R& value,
                     DecodeNotes* notes) {
    const std::string at = FieldPath(path, field);
    if constexpr (requires { Schema<R>::kLegacyText; }) {
      if (reader.Peek() == JsonReader::Kind::kString) {
        std::string text;
        PATRON_RETURN_IF_ERROR(reader.ReadString(text));
        JsonReader inner(text);
        value = R{};
        PATRON_RETURN_IF_ERROR(ReadRecord(inner, at, value, notes));
        return inner.Finish();
      }
    }
    value = R{};
    return ReadRecord(reader, at, value, notes);
  }
};

template <typename T>
struct JsonCodec<std::vector<T>> {
  static constexpr bool kNullable = false;
  static void Append(const std::vector<T>& values, std::string& out) {
    out += '[';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      JsonCodec<T>::Append(values[i], out);
    }
    out += ']';
  }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field,
                     std::vector<T>& values, DecodeNotes* notes) {
    values.clear();
    const std::string at = FieldPath(path, field);
    PATRON_RETURN_IF_ERROR(json_internal::TypeError(reader.BeginArray(), path, field, "an array"));
    for (size_t i = 0;; ++i) {
      PATRON_ASSIGN_OR_RETURN(bool more, reader.NextElement());
      if (!more) return Status::OK();
      T& value = values.emplace_back();
      if constexpr (HasSchema<T>) {
        PATRON_RETURN_IF_ERROR(ReadRecord(reader, IndexPath(at, i), value, notes));
      } else {
        PATRON_RETURN_IF_ERROR(JsonCodec<T>::Read(reader, "", IndexPath(at, i), value, notes));
      }
    }
  }
};

// A JsonList (field.h) is an array on the wire, like any vector.
template <typename T>
struct JsonCodec<JsonList<T>> : JsonCodec<std::vector<T>> {};

// A JSON value passed through as its text: the body of a record whose kind
// only its own filer knows (an envelope's payload, DESIGN.md §8). It is
// checked to be one well-formed JSON object when read, and written verbatim.
struct RawJson {
  std::string text;  // "" is written as null
  friend bool operator==(const RawJson&, const RawJson&) = default;
};

template <>
struct JsonCodec<RawJson> {
  static constexpr bool kNullable = false;
  static void Append(const RawJson& value, std::string& out) {
    out += value.text.empty() ? std::string_view("null") : std::string_view(value.text);
  }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field,
                     RawJson& value, DecodeNotes*) {
    if (reader.Peek() != JsonReader::Kind::kObject) {
      return json_internal::InvalidAt(path, field, "must be an object");
    }
    PATRON_ASSIGN_OR_RETURN(std::string_view raw, reader.RawValue());
    value.text = std::string(raw);
    return Status::OK();
  }
};

// A value of one of several types, told apart by its JSON kind: null,
// boolean, integer, string, or an object (a record with a schema).
template <typename... Alternatives>
struct JsonCodec<std::variant<Alternatives...>> {
  using Variant = std::variant<Alternatives...>;
  static constexpr bool kNullable = true;
  static void Append(const Variant& value, std::string& out) {
    std::visit(
        [&](const auto& alternative) {
          using A = std::remove_cvref_t<decltype(alternative)>;
          if constexpr (std::is_same_v<A, std::monostate>) {
            out += "null";
          } else {
            JsonCodec<A>::Append(alternative, out);
          }
        },
        value);
  }
  static Status Read(JsonReader& reader, std::string_view path, std::string_view field,
                     Variant& value, DecodeNotes* notes) {
    switch (reader.Peek()) {
      case JsonReader::Kind::kNull:
        reader.ReadNullIf();
        return Emplace<std::monostate>(value);
      case JsonReader::Kind::kBool: return ReadAs<bool>(reader, path, field, value, notes);
      case JsonReader::Kind::kNumber: return ReadAs<int64_t>(reader, path, field, value, notes);
      case JsonReader::Kind::kString:
        return ReadAs<std::string>(reader, path, field, value, notes);
      case JsonReader::Kind::kObject: return ReadObject(reader, path, field, value, notes);
      default:
        return json_internal::InvalidAt(path, field, "is not a value this field can hold");
    }
  }

 private:
  template <typename A>
  static Status Emplace(Variant& value) {
    if constexpr ((std::is_same_v<A, Alternatives> || ...)) {
      value.template emplace<A>();
      return Status::OK();
    } else {
      return Status::InvalidArgument("null is not a value this field can hold", "invalid_field");
    }
  }
  template <typename A>
  static Status ReadAs(JsonReader& reader, std::string_view path, std::string_view field,
                       Variant& value, DecodeNotes* notes) {
    if constexpr ((std::is_same_v<A, Alternatives> || ...)) {
      return JsonCodec<A>::Read(reader, path, field, value.template emplace<A>(), notes);
    } else {
      return json_internal::InvalidAt(path, field, "is not a value this field can hold");
    }
  }
  static Status ReadObject(JsonReader& reader, std::string_view path, std::string_view field,
                           Variant& value, DecodeNotes* notes) {
    Status status = json_internal::InvalidAt(path, field, "is not a value this field can hold");
    bool read = false;
    (
        [&] {
          if constexpr (HasSchema<Alternatives>) {
            if (!read) {
              read = true;
              status = JsonCodec<Alternatives>::Read(reader, path, field,
                                                     value.template emplace<Alternatives>(), notes);
            }
          }
        }(),
        ...);
    return status;
  }
};

// ---- records ----

namespace json_internal {

template <typename Record>
using FieldReader = Status (*)(JsonReader&, std::string_view, Record&, DecodeNotes*, bool&);

// Reads the value of field I into `record`; `present` says whether it counts
// as given (null does not, unless the type is nullable).
template <typename Record, size_t I>
Status ReadFieldAt(JsonReader& reader, std::string_view path, Record& record, DecodeNotes* notes,
                   bool& present) {
  const auto& field = Get<I>(Schema<Record>::kFields);
  using F = std::remove_cvref_t<decltype(field)>;
  using Codec = JsonCodec<typename F::Type>;
  auto& value = F::Get(record);
  if constexpr (!Codec::kNullable) {
    // Null is absence, and of repeated keys the last wins: a null after a
    // value takes it away.
    if (reader.ReadNullIf()) {
      value = typename F::Type{};
      present = false;
      return Status::OK();
    }
  }
  present = true;
  return Codec::Read(reader, path, field.name, value, notes);
}

template <typename Record>
struct RecordTable {
  static constexpr size_t kCount = kFieldCount<Record>;
  static_assert(kCount <= 64, "a record has at most 64 fields");

  static constexpr std::array<std::string_view, kCount> kNames =
      []<size_t... I>(std::index_sequence<I...>) {
    return std::array<std::string_view, kCount>{Get<I>(Schema<Record>::kFields).name...};
      }(std::make_index_sequence<kCount>{});

  static constexpr std::array<FieldReader<Record>, kCount> kReaders =
      []<size_t... I>(std::index_sequence<I...>) {
        return std::array<FieldReader<Record>, kCount>{&ReadFieldAt<Record, I>...};
      }(std::make_index_sequence<kCount>{});

  static constexpr uint64_t kRequired = []<size_t... I>(std::index_sequence<I...>) {
    return ((Get<I>(Schema<Record>::kFields).optional() ? uint64_t{0} : uint64_t{1} << I) | ... |
            uint64_t{0});
  }(std::make_index_sequence<kCount>{});

  // The field called `key`; `expected` is tried first (writers send the
  // fields in table order). -1 if none.
  static int Find(std::string_view key, size_t expected) {
    if (expected < kCount && kNames[expected] == key) return static_cast<int>(expected);
    for (size_t i = 0; i < kCount; ++i) {
      if (kNames[i] == key) return static_cast<int>(i);
    }
    return -1;
  }
};

}  // namespace json_internal

// A record as default-constructed: what a reader that is not sent a
// kOmitDefault field is left with.
template <HasSchema Record>
const Record& DefaultRecord() {
  static const Record kDefault{};
  return kDefault;
}

template <HasSchema Record>
void AppendRecord(const Record& record, std::string& out) {
  out += '{';
  bool first = true;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    using Codec = JsonCodec<typename F::Type>;
    const auto& value = F::Get(record);
    if (field.omit_default() && value == F::Get(DefaultRecord<Record>())) return;
    out += first ? "\"" : ",\"";
    first = false;
    out += field.name;
    out += "\":";
    Codec::Append(value, out);
  });
  out += '}';
}

template <HasSchema Record>
Status ReadRecord(JsonReader& reader, std::string_view path, Record& record, DecodeNotes* notes) {
  using Table = json_internal::RecordTable<Record>;
  PATRON_RETURN_IF_ERROR(json_internal::BeginObjectAt(reader, path));
  uint64_t seen = 0;
  size_t expected = 0;
  std::string_view key;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool more, reader.NextKey(key));
    if (!more) break;
    const int field = Table::Find(key, expected);
    if (field < 0) {
      if (notes != nullptr) {
        notes->UnknownField(std::string(RecordName<Record>()) + "." + std::string(key),
                            FieldPath(path, key));
      }
      PATRON_RETURN_IF_ERROR(reader.SkipValue());
      continue;
    }
    expected = static_cast<size_t>(field) + 1;
    bool present = false;
    PATRON_RETURN_IF_ERROR(
        Table::kReaders[static_cast<size_t>(field)](reader, path, record, notes, present));
    const uint64_t bit = uint64_t{1} << field;
    seen = present ? (seen | bit) : (seen & ~bit);
  }
  const uint64_t missing = Table::kRequired & ~seen;
  if (missing != 0) {
    const size_t field = static_cast<size_t>(__builtin_ctzll(missing));
    return Status::InvalidArgument("missing field '" + FieldPath(path, Table::kNames[field]) + "'",
                                   "missing_field");
  }
  return Status::OK();
}

// The record as a JSON object text.
template <HasSchema Record>
std::string EncodeRecord(const Record& record) {
  std::string out;
  AppendRecord(record, out);
  return out;
}

// One record from a whole JSON text (nothing may follow it).
template <HasSchema Record>
Result<Record> DecodeRecord(std::string_view text, DecodeNotes* notes = nullptr,
                            int max_depth = 16) {
  JsonReader reader(text, max_depth);
  Record record;
  PATRON_RETURN_IF_ERROR(ReadRecord(reader, "", record, notes));
  PATRON_RETURN_IF_ERROR(reader.Finish());
  return record;
}

}  // namespace patron::record

#endif  // PATRON_RECORD_RECORD_JSON_H_
