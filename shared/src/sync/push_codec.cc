// The push messages' codec. A push carries thousands of entries, and its
// reply as many acks: those are written straight into the text and read with
// a JsonReader (a DOM cost more per entry than the server's own work,
// docs/BENCHMARKS.md). The few profile changes, with their free-form values,
// go through the DOM.
#include "patron/json_reader.h"
#include "patron/json_util.h"
#include "patron/sync/codec.h"
#include "sync/wire.h"

namespace patron::sync {
namespace {

using nlohmann::json;
using patron::json::GetInt;
using patron::json::GetString;

Status ExpectObjectAt(const json& doc, std::string_view path) {
  if (doc.is_object()) return Status::OK();
  return Status::InvalidArgument("'" + std::string(path) + "' must be an object", "invalid_field");
}

Result<ProfileChange> ChangeFromJson(const json& doc, std::string_view path) {
  PATRON_RETURN_IF_ERROR(ExpectObjectAt(doc, path));
  ProfileChange change;
  PATRON_ASSIGN_OR_RETURN(change.change_id, GetInt(doc, "change_id", path));
  PATRON_ASSIGN_OR_RETURN(change.member_id, GetString(doc, "member_id", path));
  PATRON_ASSIGN_OR_RETURN(change.field, GetString(doc, "field", path));
  if (!doc.contains("value")) {
    return Status::InvalidArgument("missing field '" + patron::json::FieldPath(path, "value") + "'",
                                   "missing_field");
  }
  change.value_json = wire::Dump(doc.at("value"));
  PATRON_ASSIGN_OR_RETURN(change.hlc, wire::GetHlc(doc, "hlc", path));
  PATRON_ASSIGN_OR_RETURN(change.origin, GetString(doc, "origin", path));
  return change;
}

json ChangeToJson(const ProfileChange& change) {
  json value = json::parse(change.value_json, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) value = nullptr;  // the outbox only holds valid JSON
  return {{"change_id", change.change_id}, {"member_id", change.member_id},
          {"field", change.field},         {"value", value},
          {"hlc", change.hlc.Packed()},    {"origin", change.origin}};
}

Result<ProfileAck> ProfileAckFromJson(const json& doc, std::string_view path) {
  PATRON_RETURN_IF_ERROR(ExpectObjectAt(doc, path));
  ProfileAck ack;
  PATRON_ASSIGN_OR_RETURN(ack.change_id, GetInt(doc, "change_id", path));
  PATRON_ASSIGN_OR_RETURN(std::string outcome, GetString(doc, "outcome", path));
  PATRON_ASSIGN_OR_RETURN(ack.outcome, wire::ParseOutcome(outcome));
  PATRON_ASSIGN_OR_RETURN(ack.seq, GetInt(doc, "seq", path));
  PATRON_ASSIGN_OR_RETURN(ack.accepted_hlc, wire::GetHlc(doc, "accepted_hlc", path));
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> message,
                          patron::json::GetOptionalString(doc, "message", path));
  ack.message = message.value_or("");
  return ack;
}

// The fields a JsonReader decoder knows in one object: the first `required`
// must come (null counts as absent, as with patron::json's getters), the
// rest may; others are skipped.
class Fields {
 public:
  Fields(std::initializer_list<std::string_view> names, size_t required)
      : names_(names), required_(required) {}

  // Reads the members of the object the reader has just opened, calling
  // read(field index, name) for each known one and clear(field index) for
  // one that is null, then checks the required ones came. `path` names the
  // object in messages ("" for the message).
  template <typename ReadField, typename ClearField>
  Status Read(JsonReader& reader, std::string_view path, ReadField read, ClearField clear) {
    std::string_view key;
    while (true) {
      PATRON_ASSIGN_OR_RETURN(bool more, reader.NextKey(key));
      if (!more) break;
      const int field = Find(key);
      if (field < 0) {
        PATRON_RETURN_IF_ERROR(reader.SkipValue());
      } else if (reader.ReadNullIf()) {
        seen_ &= ~(1u << field);
        clear(field);
      } else {
        PATRON_RETURN_IF_ERROR(read(field, names_[static_cast<size_t>(field)]));
        seen_ |= 1u << field;
      }
    }
    for (size_t i = 0; i < required_; ++i) {
      if ((seen_ & (1u << i)) == 0) {
        return Status::InvalidArgument(
            "missing field '" + patron::json::FieldPath(path, names_[i]) + "'", "missing_field");
      }
    }
    return Status::OK();
  }

 private:
  int Find(std::string_view key) const {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == key) return static_cast<int>(i);
    }
    return -1;
  }

  std::vector<std::string_view> names_;
  size_t required_;
  uint32_t seen_ = 0;
};

Status ReadString(JsonReader& reader, std::string_view path, std::string_view field,
                  std::string& out) {
  return wire::FieldError(reader.ReadString(out), path, field, "a string");
}

Status ReadHlc(JsonReader& reader, std::string_view field, HlcTimestamp& out) {
  int64_t packed = 0;
  PATRON_RETURN_IF_ERROR(wire::FieldError(reader.ReadInt64(packed), "", field, "an integer"));
  Result<HlcTimestamp> hlc = HlcTimestamp::FromPackedChecked(packed);
  if (!hlc.ok()) {
    return Status::InvalidArgument("'" + std::string(field) + "' is not a valid timestamp",
                                   "invalid_field");
  }
  out = *hlc;
  return Status::OK();
}

// Reads the array `field` element by element into `out`: read(path, item)
// reads one, path naming it ("entries[3]").
template <typename T, typename ReadOne>
Status ReadArray(JsonReader& reader, std::string_view field, std::vector<T>& out, ReadOne read) {
  out.clear();
  PATRON_RETURN_IF_ERROR(wire::FieldError(reader.BeginArray(), "", field, "an array"));
  for (size_t i = 0;; ++i) {
    PATRON_ASSIGN_OR_RETURN(bool more, reader.NextElement());
    if (!more) return Status::OK();
    PATRON_RETURN_IF_ERROR(read(patron::json::IndexPath(field, i), out.emplace_back()));
  }
}

// For messages whose optional fields need no reset on null.
void KeepOnNull(int) {}

// A decoder's refusal, restated as nlohmann's when the body is also
// malformed further on (JsonReader.h): the reason does not depend on the
// order in which the mistakes come.
template <typename T>
Result<T> WithSyntaxFirst(Result<T> decoded, std::string_view body) {
  if (decoded.ok() || decoded.status().reason() == "malformed_json" ||
      decoded.status().reason() == "json_too_deep") {
    return decoded;
  }
  PATRON_RETURN_IF_ERROR(JsonReader::CheckSyntax(body, wire::kMaxDepth));
  return decoded;
}

// Hands the array `field` to the DOM decoder `decode`.
template <typename T, typename Decode>
Status ReadWithDom(JsonReader& reader, std::string_view field, Decode decode,
                   std::vector<T>& out) {
  PATRON_ASSIGN_OR_RETURN(std::string_view raw, reader.RawValue());
  PATRON_ASSIGN_OR_RETURN(json array, patron::json::Parse(raw, wire::kMaxDepth));
  json doc = json::object();
  doc[std::string(field)] = std::move(array);
  PATRON_ASSIGN_OR_RETURN(out, wire::DecodeArray<T>(doc, field, decode));
  return Status::OK();
}

Status ReadEntryAck(JsonReader& reader, std::string_view path, EntryAck& ack) {
  PATRON_RETURN_IF_ERROR(wire::BeginObjectAt(reader, path));
  std::string outcome;
  Fields fields({"entry_id", "outcome", "seq", "message"}, 3);
  PATRON_RETURN_IF_ERROR(fields.Read(
      reader, path,
      [&](int field, std::string_view name) {
        switch (field) {
          case 0: return ReadString(reader, path, name, ack.entry_id);
          case 1: return ReadString(reader, path, name, outcome);
          case 2: return wire::FieldError(reader.ReadInt64(ack.seq), path, name, "an integer");
          default: return ReadString(reader, path, name, ack.message);
        }
      },
      [&](int field) {
        if (field == 3) ack.message.clear();  // the optional message: null is none
      }));
  PATRON_ASSIGN_OR_RETURN(ack.outcome, wire::ParseOutcome(outcome));
  return Status::OK();
}

Result<PushRequest> ReadPushRequest(std::string_view body) {
  JsonReader reader(body, wire::kMaxDepth);
  PATRON_RETURN_IF_ERROR(wire::BeginObjectAt(reader, ""));
  PushRequest r;
  Fields fields({"terminal_id", "chain_key_fingerprint", "hlc", "profile_changes", "entries"}, 5);
  const auto read = [&](int field, std::string_view name) -> Status {
    switch (field) {
      case 0: return ReadString(reader, "", name, r.terminal_id);
      case 1: return ReadString(reader, "", name, r.chain_key_fingerprint);
      case 2: return ReadHlc(reader, name, r.hlc);
      case 3: return ReadWithDom(reader, name, ChangeFromJson, r.profile_changes);
      default:
        return ReadArray(reader, name, r.entries, [&](std::string_view path, LedgerEntry& entry) {
          return wire::ReadEntryJson(reader, path, entry);
        });
    }
  };
  PATRON_RETURN_IF_ERROR(fields.Read(reader, "", read, KeepOnNull));
  PATRON_RETURN_IF_ERROR(reader.Finish());
  return r;
}

Result<PushResponse> ReadPushResponse(std::string_view body) {
  JsonReader reader(body, wire::kMaxDepth);
  PATRON_RETURN_IF_ERROR(wire::BeginObjectAt(reader, ""));
  PushResponse r;
  Fields fields({"epoch", "server_hlc", "profile_changes", "entries"}, 4);
  const auto read = [&](int field, std::string_view name) -> Status {
    switch (field) {
      case 0: return ReadString(reader, "", name, r.epoch);
      case 1: return ReadHlc(reader, name, r.server_hlc);
      case 2: return ReadWithDom(reader, name, ProfileAckFromJson, r.profile_changes);
      default:
        return ReadArray(reader, name, r.entries, [&](std::string_view path, EntryAck& ack) {
          return ReadEntryAck(reader, path, ack);
        });
    }
  };
  PATRON_RETURN_IF_ERROR(fields.Read(reader, "", read, KeepOnNull));
  PATRON_RETURN_IF_ERROR(reader.Finish());
  return r;
}

}  // namespace

std::string_view PushOutcomeName(PushOutcome outcome) {
  switch (outcome) {
    case PushOutcome::kOk: return "ok";
    case PushOutcome::kExists: return "exists";
    case PushOutcome::kConflict: return "conflict";
    case PushOutcome::kRejected: return "rejected";
  }
  return "rejected";
}

std::string EncodePushRequest(const PushRequest& r) {
  json changes = json::array();
  for (const ProfileChange& change : r.profile_changes) changes.push_back(ChangeToJson(change));
  std::string body = "{\"entries\":[";
  body.reserve(480 * r.entries.size() + 256);
  for (size_t i = 0; i < r.entries.size(); ++i) {
    if (i > 0) body += ',';
    wire::AppendEntryJson(r.entries[i], body);
  }
  body += "],";
  const std::string rest = wire::Dump({{"terminal_id", r.terminal_id},
                                       {"chain_key_fingerprint", r.chain_key_fingerprint},
                                       {"hlc", r.hlc.Packed()},
                                       {"profile_changes", changes}});
  body.append(rest, 1, std::string::npos);  // "{...}": its members follow ours
  return body;
}

Result<PushRequest> DecodePushRequest(std::string_view body) {
  return WithSyntaxFirst(ReadPushRequest(body), body);
}

std::string EncodePushResponse(const PushResponse& r) {
  json changes = json::array();
  for (const ProfileAck& ack : r.profile_changes) {
    changes.push_back({{"change_id", ack.change_id},
                       {"outcome", PushOutcomeName(ack.outcome)},
                       {"seq", ack.seq},
                       {"accepted_hlc", ack.accepted_hlc.Packed()},
                       {"message", ack.message}});
  }
  std::string body = "{\"entries\":[";
  body.reserve(96 * r.entries.size() + 256);
  for (size_t i = 0; i < r.entries.size(); ++i) {
    const EntryAck& ack = r.entries[i];
    body += i > 0 ? ",{\"entry_id\":" : "{\"entry_id\":";
    wire::AppendJsonString(ack.entry_id, body);
    body += ",\"outcome\":\"";
    body += PushOutcomeName(ack.outcome);
    body += "\",\"seq\":";
    body += std::to_string(ack.seq);
    body += ",\"message\":";
    wire::AppendJsonString(ack.message, body);
    body += '}';
  }
  body += "],";
  const std::string rest = wire::Dump(
      {{"epoch", r.epoch}, {"server_hlc", r.server_hlc.Packed()}, {"profile_changes", changes}});
  body.append(rest, 1, std::string::npos);
  return body;
}

Result<PushResponse> DecodePushResponse(std::string_view body) {
  return WithSyntaxFirst(ReadPushResponse(body), body);
}

}  // namespace patron::sync
