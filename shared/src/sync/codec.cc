#include "patron/sync/codec.h"

#include "patron/json_reader.h"
#include "patron/json_util.h"
#include "sync/wire.h"

namespace patron::sync {
namespace {

using nlohmann::json;
using patron::json::GetArray;
using patron::json::GetInt;
using patron::json::GetString;
using patron::json::IndexPath;

json CursorToJson(const Cursor& cursor) { return {{"epoch", cursor.epoch}, {"seq", cursor.seq}}; }

Result<Cursor> CursorFromJson(const json& doc, std::string_view field) {
  PATRON_ASSIGN_OR_RETURN(const json* object, patron::json::GetObject(doc, field));
  Cursor cursor;
  PATRON_ASSIGN_OR_RETURN(cursor.epoch, GetString(*object, "epoch", field));
  PATRON_ASSIGN_OR_RETURN(cursor.seq, GetInt(*object, "seq", field));
  return cursor;
}

// Decodes every element of the array `field` with `decode(element, path)`.
template <typename T, typename Decode>
Result<std::vector<T>> DecodeArray(const json& doc, std::string_view field, Decode decode) {
  PATRON_ASSIGN_OR_RETURN(const json* array, GetArray(doc, field));
  std::vector<T> out;
  out.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    PATRON_ASSIGN_OR_RETURN(T item, decode((*array)[i], IndexPath(field, i)));
    out.push_back(std::move(item));
  }
  return out;
}

// Entries addressed to one terminal, each with the sequence at which it
// became visible ("visible_seq").
json ItemsToJson(const std::vector<LedgerEntry>& items, const std::vector<int64_t>& seqs) {
  json out = json::array();
  for (size_t i = 0; i < items.size(); ++i) {
    json item = wire::EntryToJson(items[i]);
    item["visible_seq"] = i < seqs.size() ? seqs[i] : 0;
    out.push_back(std::move(item));
  }
  return out;
}

Status ItemsFromJson(const json& doc, std::vector<LedgerEntry>& items,
                     std::vector<int64_t>& seqs) {
  PATRON_ASSIGN_OR_RETURN(const json* array, GetArray(doc, "items"));
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string path = IndexPath("items", i);
    PATRON_ASSIGN_OR_RETURN(LedgerEntry entry, wire::EntryFromJson((*array)[i], path));
    PATRON_ASSIGN_OR_RETURN(int64_t seq, GetInt((*array)[i], "visible_seq", path));
    items.push_back(std::move(entry));
    seqs.push_back(seq);
  }
  return Status::OK();
}

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

// The top level of a message read with a JsonReader: an object.
Status BeginMessage(JsonReader& reader) {
  Status object = reader.BeginObject();
  if (!object.ok() && object.reason() == "invalid_field") {
    return Status::InvalidArgument("message must be a JSON object", "invalid_field");
  }
  return object;
}

// Which of a message's required fields a JsonReader decoder has read (null
// counts as absent, as in patron::json's getters).
class MessageFields {
 public:
  explicit MessageFields(std::initializer_list<std::string_view> names) : names_(names) {}
  int Find(std::string_view key) const {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == key) return static_cast<int>(i);
    }
    return -1;
  }
  void Saw(int field) { seen_ |= 1u << field; }
  void Forget(int field) { seen_ &= ~(1u << field); }
  // `path` names the object ("" for the message itself).
  Status CheckAll(std::string_view path = "") const {
    for (size_t i = 0; i < names_.size(); ++i) {
      if ((seen_ & (1u << i)) == 0) {
        return Status::InvalidArgument(
            "missing field '" + patron::json::FieldPath(path, names_[i]) + "'", "missing_field");
      }
    }
    return Status::OK();
  }

 private:
  std::vector<std::string_view> names_;
  uint32_t seen_ = 0;
};

Result<HlcTimestamp> ReadHlc(JsonReader& reader, std::string_view field) {
  int64_t packed = 0;
  PATRON_RETURN_IF_ERROR(wire::FieldError(reader.ReadInt64(packed), "", field, "an integer"));
  Result<HlcTimestamp> hlc = HlcTimestamp::FromPackedChecked(packed);
  if (!hlc.ok()) {
    return Status::InvalidArgument("'" + std::string(field) + "' is not a valid timestamp",
                                   "invalid_field");
  }
  return hlc;
}

// Reads the array `field` element by element: read(path) reads one, path
// naming it ("entries[3]").
template <typename ReadOne>
Status ReadArray(JsonReader& reader, std::string_view field, ReadOne read) {
  PATRON_RETURN_IF_ERROR(wire::FieldError(reader.BeginArray(), "", field, "an array"));
  for (size_t i = 0;; ++i) {
    PATRON_ASSIGN_OR_RETURN(bool more, reader.NextElement());
    if (!more) return Status::OK();
    PATRON_RETURN_IF_ERROR(read(IndexPath(field, i)));
  }
}

Status ReadEntryAck(JsonReader& reader, std::string_view path, EntryAck& ack) {
  Status object = reader.BeginObject();
  if (!object.ok()) {
    if (object.reason() != "invalid_field") return object;
    return Status::InvalidArgument("'" + std::string(path) + "' must be an object",
                                   "invalid_field");
  }
  MessageFields fields({"entry_id", "outcome", "seq"});
  std::string outcome;
  std::string_view key;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool more, reader.NextKey(key));
    if (!more) break;
    if (key == "message") {  // optional
      if (!reader.ReadNullIf()) {
        PATRON_RETURN_IF_ERROR(
            wire::FieldError(reader.ReadString(ack.message), path, "message", "a string"));
      }
      continue;
    }
    const int field = fields.Find(key);
    if (field < 0) {
      PATRON_RETURN_IF_ERROR(reader.SkipValue());
      continue;
    }
    if (reader.ReadNullIf()) {
      fields.Forget(field);
      continue;
    }
    const std::string name(key);
    if (field == 0) {
      PATRON_RETURN_IF_ERROR(
          wire::FieldError(reader.ReadString(ack.entry_id), path, name, "a string"));
    } else if (field == 1) {
      PATRON_RETURN_IF_ERROR(wire::FieldError(reader.ReadString(outcome), path, name, "a string"));
    } else {
      PATRON_RETURN_IF_ERROR(wire::FieldError(reader.ReadInt64(ack.seq), path, name, "an integer"));
    }
    fields.Saw(field);
  }
  PATRON_RETURN_IF_ERROR(fields.CheckAll(path));
  PATRON_ASSIGN_OR_RETURN(ack.outcome, wire::ParseOutcome(outcome));
  return Status::OK();
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

// Push bodies carry thousands of entries (and their replies as many acks):
// those are written straight into the text and read with a JsonReader; the
// few other fields go through the DOM as elsewhere.

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
  JsonReader reader(body, wire::kMaxDepth);
  PATRON_RETURN_IF_ERROR(BeginMessage(reader));
  PushRequest r;
  MessageFields fields({"terminal_id", "chain_key_fingerprint", "hlc", "profile_changes", "entries"});
  std::string_view key;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool more, reader.NextKey(key));
    if (!more) break;
    const int field = fields.Find(key);
    if (field < 0) {
      PATRON_RETURN_IF_ERROR(reader.SkipValue());
      continue;
    }
    if (reader.ReadNullIf()) {
      fields.Forget(field);
      continue;
    }
    switch (field) {
      case 0:
        PATRON_RETURN_IF_ERROR(
            wire::FieldError(reader.ReadString(r.terminal_id), "", key, "a string"));
        break;
      case 1:
        PATRON_RETURN_IF_ERROR(
            wire::FieldError(reader.ReadString(r.chain_key_fingerprint), "", key, "a string"));
        break;
      case 2: {
        PATRON_ASSIGN_OR_RETURN(r.hlc, ReadHlc(reader, key));
        break;
      }
      case 3: {
        // Few, with free-form JSON values: the DOM reads them.
        PATRON_ASSIGN_OR_RETURN(std::string_view raw, reader.RawValue());
        PATRON_ASSIGN_OR_RETURN(json changes, patron::json::Parse(raw, wire::kMaxDepth));
        json doc = json::object();
        doc["profile_changes"] = std::move(changes);
        PATRON_ASSIGN_OR_RETURN(r.profile_changes,
                                DecodeArray<ProfileChange>(doc, "profile_changes", ChangeFromJson));
        break;
      }
      case 4:
        r.entries.clear();
        PATRON_RETURN_IF_ERROR(ReadArray(reader, "entries", [&](std::string_view path) {
          r.entries.emplace_back();
          return wire::ReadEntryJson(reader, path, r.entries.back());
        }));
        break;
    }
    fields.Saw(field);
  }
  PATRON_RETURN_IF_ERROR(reader.Finish());
  PATRON_RETURN_IF_ERROR(fields.CheckAll());
  return r;
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
  JsonReader reader(body, wire::kMaxDepth);
  PATRON_RETURN_IF_ERROR(BeginMessage(reader));
  PushResponse r;
  MessageFields fields({"epoch", "server_hlc", "profile_changes", "entries"});
  std::string_view key;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool more, reader.NextKey(key));
    if (!more) break;
    const int field = fields.Find(key);
    if (field < 0) {
      PATRON_RETURN_IF_ERROR(reader.SkipValue());
      continue;
    }
    if (reader.ReadNullIf()) {
      fields.Forget(field);
      continue;
    }
    switch (field) {
      case 0:
        PATRON_RETURN_IF_ERROR(wire::FieldError(reader.ReadString(r.epoch), "", key, "a string"));
        break;
      case 1: {
        PATRON_ASSIGN_OR_RETURN(r.server_hlc, ReadHlc(reader, key));
        break;
      }
      case 2: {
        PATRON_ASSIGN_OR_RETURN(std::string_view raw, reader.RawValue());
        PATRON_ASSIGN_OR_RETURN(json acks, patron::json::Parse(raw, wire::kMaxDepth));
        json doc = json::object();
        doc["profile_changes"] = std::move(acks);
        PATRON_ASSIGN_OR_RETURN(r.profile_changes,
                                DecodeArray<ProfileAck>(doc, "profile_changes", ProfileAckFromJson));
        break;
      }
      case 3:
        r.entries.clear();
        PATRON_RETURN_IF_ERROR(ReadArray(reader, "entries", [&](std::string_view path) {
          r.entries.emplace_back();
          return ReadEntryAck(reader, path, r.entries.back());
        }));
        break;
    }
    fields.Saw(field);
  }
  PATRON_RETURN_IF_ERROR(reader.Finish());
  PATRON_RETURN_IF_ERROR(fields.CheckAll());
  return r;
}

std::string EncodePullRequest(const PullRequest& r) {
  return wire::Dump({{"terminal_id", r.terminal_id},
                     {"chain_key_fingerprint", r.chain_key_fingerprint},
                     {"cursor", CursorToJson(r.cursor)},
                     {"limit", r.limit},
                     {"rules_version", r.rules_version}});
}

Result<PullRequest> DecodePullRequest(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, wire::ParseMessage(body));
  PullRequest r;
  PATRON_ASSIGN_OR_RETURN(r.terminal_id, GetString(doc, "terminal_id"));
  PATRON_ASSIGN_OR_RETURN(r.chain_key_fingerprint, GetString(doc, "chain_key_fingerprint"));
  PATRON_ASSIGN_OR_RETURN(r.cursor, CursorFromJson(doc, "cursor"));
  PATRON_ASSIGN_OR_RETURN(int64_t limit, GetInt(doc, "limit"));
  if (limit < 1 || limit > 100'000) {
    return Status::InvalidArgument("limit must be between 1 and 100000", "invalid_field");
  }
  r.limit = static_cast<int>(limit);
  PATRON_ASSIGN_OR_RETURN(r.rules_version, GetInt(doc, "rules_version"));
  return r;
}

std::string EncodePullResponse(const PullResponse& r) {
  json doc = {{"epoch", r.epoch},
              {"server_hlc", r.server_hlc.Packed()},
              {"items", ItemsToJson(r.items, r.item_seqs)},
              {"next", CursorToJson(r.next)}, {"more", r.more}};
  doc["rules"] = r.rules_json ? json(*r.rules_json) : json(nullptr);
  // The member rows are written straight into the text (wire.h), then the
  // rest of the object after them.
  std::string body = "{\"members\":[";
  body.reserve(400 * r.members.size() + 1024);
  for (size_t i = 0; i < r.members.size(); ++i) {
    if (i > 0) body += ',';
    wire::AppendMemberJson(r.members[i], body);
  }
  body += "],";
  const std::string rest = wire::Dump(doc);  // "{...}": its members follow ours
  body.append(rest, 1, std::string::npos);
  return body;
}

Result<PullResponse> DecodePullResponse(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, wire::ParseMessage(body));
  PullResponse r;
  PATRON_ASSIGN_OR_RETURN(r.epoch, GetString(doc, "epoch"));
  PATRON_ASSIGN_OR_RETURN(r.server_hlc, wire::GetHlc(doc, "server_hlc", ""));
  PATRON_ASSIGN_OR_RETURN(r.members, DecodeArray<MemberState>(doc, "members", wire::MemberFromJson));
  PATRON_RETURN_IF_ERROR(ItemsFromJson(doc, r.items, r.item_seqs));
  PATRON_ASSIGN_OR_RETURN(r.next, CursorFromJson(doc, "next"));
  PATRON_ASSIGN_OR_RETURN(r.more, patron::json::GetBool(doc, "more"));
  PATRON_ASSIGN_OR_RETURN(r.rules_json, patron::json::GetOptionalString(doc, "rules"));
  return r;
}

std::string EncodeGrantRequest(const GrantRequest& r) {
  return wire::Dump({{"terminal_id", r.terminal_id},
                     {"chain_key_fingerprint", r.chain_key_fingerprint},
                     {"request_id", r.request_id},
                     {"member_id", r.member_id},
                     {"points", r.points}});
}

Result<GrantRequest> DecodeGrantRequest(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, wire::ParseMessage(body));
  GrantRequest r;
  PATRON_ASSIGN_OR_RETURN(r.terminal_id, GetString(doc, "terminal_id"));
  PATRON_ASSIGN_OR_RETURN(r.chain_key_fingerprint, GetString(doc, "chain_key_fingerprint"));
  PATRON_ASSIGN_OR_RETURN(r.request_id, GetString(doc, "request_id"));
  PATRON_ASSIGN_OR_RETURN(r.member_id, GetString(doc, "member_id"));
  PATRON_ASSIGN_OR_RETURN(r.points, GetInt(doc, "points"));
  return r;
}

std::string EncodeGrantResponse(const GrantResponse& r) {
  return wire::Dump({{"transfer", wire::EntryToJson(r.transfer)}, {"seq", r.seq}});
}

Result<GrantResponse> DecodeGrantResponse(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, wire::ParseMessage(body));
  GrantResponse r;
  PATRON_ASSIGN_OR_RETURN(const json* transfer, patron::json::GetObject(doc, "transfer"));
  PATRON_ASSIGN_OR_RETURN(r.transfer, wire::EntryFromJson(*transfer, "transfer"));
  PATRON_ASSIGN_OR_RETURN(r.seq, GetInt(doc, "seq"));
  return r;
}

std::string EncodeSnapshotRequest(const SnapshotRequest& r) {
  return wire::Dump({{"terminal_id", r.terminal_id},
                     {"chain_key_fingerprint", r.chain_key_fingerprint},
                     {"rules_version", r.rules_version}});
}

Result<SnapshotRequest> DecodeSnapshotRequest(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, wire::ParseMessage(body));
  SnapshotRequest r;
  PATRON_ASSIGN_OR_RETURN(r.terminal_id, GetString(doc, "terminal_id"));
  PATRON_ASSIGN_OR_RETURN(r.chain_key_fingerprint, GetString(doc, "chain_key_fingerprint"));
  PATRON_ASSIGN_OR_RETURN(r.rules_version, GetInt(doc, "rules_version"));
  return r;
}

std::string EncodeSnapshotInfo(const SnapshotInfo& r) {
  json doc = {{"epoch", r.epoch},
              {"seq", r.seq},
              {"members", r.members},
              {"bytes", r.bytes},
              {"sha256", r.sha256},
              {"server_hlc", r.server_hlc.Packed()},
              {"items", ItemsToJson(r.items, r.item_seqs)}};
  doc["rules"] = r.rules_json ? json(*r.rules_json) : json(nullptr);
  return wire::Dump(doc);
}

Result<SnapshotInfo> DecodeSnapshotInfo(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, wire::ParseMessage(body));
  SnapshotInfo r;
  PATRON_ASSIGN_OR_RETURN(r.epoch, GetString(doc, "epoch"));
  PATRON_ASSIGN_OR_RETURN(r.seq, GetInt(doc, "seq"));
  PATRON_ASSIGN_OR_RETURN(r.members, GetInt(doc, "members"));
  PATRON_ASSIGN_OR_RETURN(r.bytes, GetInt(doc, "bytes"));
  if (r.seq < 0 || r.members < 0 || r.bytes < 0) {
    return Status::InvalidArgument("snapshot seq, members and bytes must not be negative",
                                   "invalid_field");
  }
  PATRON_ASSIGN_OR_RETURN(r.sha256, GetString(doc, "sha256"));
  PATRON_ASSIGN_OR_RETURN(r.server_hlc, wire::GetHlc(doc, "server_hlc", ""));
  PATRON_RETURN_IF_ERROR(ItemsFromJson(doc, r.items, r.item_seqs));
  PATRON_ASSIGN_OR_RETURN(r.rules_json, patron::json::GetOptionalString(doc, "rules"));
  return r;
}

}  // namespace patron::sync
