// Private to the sync codec: JSON forms of the protocol's building blocks.
// Timestamps travel as packed HLC integers (compact, exactly ordered).
#ifndef PATRON_SHARED_SRC_SYNC_WIRE_H_
#define PATRON_SHARED_SRC_SYNC_WIRE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "patron/json_reader.h"
#include "patron/json_util.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"

namespace patron::sync::wire {

// Sync bodies are built by Patron itself; the depth of an entry's detail is
// the deepest legitimate nesting.
inline constexpr int kMaxDepth = 16;

nlohmann::json EntryToJson(const LedgerEntry& entry);
Result<LedgerEntry> EntryFromJson(const nlohmann::json& doc, std::string_view path);

// The same object as EntryToJson, appended as text, and read back with a
// JsonReader: a push carries thousands of entries, and the DOM cost more per
// entry than the server's work (docs/BENCHMARKS.md). `path` names the entry
// in error messages ("entries[3]").
void AppendEntryJson(const LedgerEntry& entry, std::string& out);
Status ReadEntryJson(JsonReader& reader, std::string_view path, LedgerEntry& entry);

// A JSON string literal, as Dump() would write it.
void AppendJsonString(std::string_view value, std::string& out);
// A JsonReader type error ("invalid_field") restated for the field at
// `path`.`field`; other statuses pass unchanged.
Status FieldError(Status status, std::string_view path, std::string_view field,
                  std::string_view expected);

// Appends the member's JSON object to `out`, written directly rather than
// through a json DOM: a pull page carries up to 10,000 of them, and building
// the DOM cost more than the server's whole query (docs/BENCHMARKS.md).
// MemberFromJson reads it back.
void AppendMemberJson(const MemberState& member, std::string& out);
Result<MemberState> MemberFromJson(const nlohmann::json& doc, std::string_view path);

Result<HlcTimestamp> GetHlc(const nlohmann::json& doc, std::string_view field,
                            std::string_view path);
Result<PushOutcome> ParseOutcome(std::string_view name);

// Decodes every element of the array `field` of `doc` with
// `decode(element, path)`, path naming it ("members[3]").
template <typename T, typename Decode>
Result<std::vector<T>> DecodeArray(const nlohmann::json& doc, std::string_view field,
                                   Decode decode) {
  PATRON_ASSIGN_OR_RETURN(const nlohmann::json* array, patron::json::GetArray(doc, field));
  std::vector<T> out;
  out.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    PATRON_ASSIGN_OR_RETURN(T item, decode((*array)[i], patron::json::IndexPath(field, i)));
    out.push_back(std::move(item));
  }
  return out;
}

// Opens the object `path` names with a JsonReader; a value of another type
// is "'<path>' must be an object" ("message must be a JSON object" for the
// top level, path "").
Status BeginObjectAt(JsonReader& reader, std::string_view path);

// Parses `body` and checks it is an object (the top level of every message).
Result<nlohmann::json> ParseMessage(std::string_view body);
std::string Dump(const nlohmann::json& doc);

}  // namespace patron::sync::wire

#endif  // PATRON_SHARED_SRC_SYNC_WIRE_H_
