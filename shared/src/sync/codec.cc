#include "patron/sync/codec.h"

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

Result<EntryAck> EntryAckFromJson(const json& doc, std::string_view path) {
  PATRON_RETURN_IF_ERROR(ExpectObjectAt(doc, path));
  EntryAck ack;
  PATRON_ASSIGN_OR_RETURN(ack.entry_id, GetString(doc, "entry_id", path));
  PATRON_ASSIGN_OR_RETURN(std::string outcome, GetString(doc, "outcome", path));
  PATRON_ASSIGN_OR_RETURN(ack.outcome, wire::ParseOutcome(outcome));
  PATRON_ASSIGN_OR_RETURN(ack.seq, GetInt(doc, "seq", path));
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> message,
                          patron::json::GetOptionalString(doc, "message", path));
  ack.message = message.value_or("");
  return ack;
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
  json entries = json::array();
  for (const LedgerEntry& entry : r.entries) entries.push_back(wire::EntryToJson(entry));
  return wire::Dump({{"terminal_id", r.terminal_id},
                     {"chain_key_fingerprint", r.chain_key_fingerprint},
                     {"hlc", r.hlc.Packed()},
                     {"profile_changes", changes},
                     {"entries", entries}});
}

Result<PushRequest> DecodePushRequest(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, wire::ParseMessage(body));
  PushRequest r;
  PATRON_ASSIGN_OR_RETURN(r.terminal_id, GetString(doc, "terminal_id"));
  PATRON_ASSIGN_OR_RETURN(r.chain_key_fingerprint, GetString(doc, "chain_key_fingerprint"));
  PATRON_ASSIGN_OR_RETURN(r.hlc, wire::GetHlc(doc, "hlc", ""));
  PATRON_ASSIGN_OR_RETURN(r.profile_changes,
                          DecodeArray<ProfileChange>(doc, "profile_changes", ChangeFromJson));
  PATRON_ASSIGN_OR_RETURN(r.entries, DecodeArray<LedgerEntry>(doc, "entries", wire::EntryFromJson));
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
  json entries = json::array();
  for (const EntryAck& ack : r.entries) {
    entries.push_back({{"entry_id", ack.entry_id},
                       {"outcome", PushOutcomeName(ack.outcome)},
                       {"seq", ack.seq},
                       {"message", ack.message}});
  }
  return wire::Dump({{"epoch", r.epoch},
                     {"server_hlc", r.server_hlc.Packed()},
                     {"profile_changes", changes},
                     {"entries", entries}});
}

Result<PushResponse> DecodePushResponse(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, wire::ParseMessage(body));
  PushResponse r;
  PATRON_ASSIGN_OR_RETURN(r.epoch, GetString(doc, "epoch"));
  PATRON_ASSIGN_OR_RETURN(r.server_hlc, wire::GetHlc(doc, "server_hlc", ""));
  PATRON_ASSIGN_OR_RETURN(r.profile_changes,
                          DecodeArray<ProfileAck>(doc, "profile_changes", ProfileAckFromJson));
  PATRON_ASSIGN_OR_RETURN(r.entries, DecodeArray<EntryAck>(doc, "entries", EntryAckFromJson));
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
  return wire::Dump(
      {{"terminal_id", r.terminal_id}, {"chain_key_fingerprint", r.chain_key_fingerprint}});
}

Result<SnapshotRequest> DecodeSnapshotRequest(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, wire::ParseMessage(body));
  SnapshotRequest r;
  PATRON_ASSIGN_OR_RETURN(r.terminal_id, GetString(doc, "terminal_id"));
  PATRON_ASSIGN_OR_RETURN(r.chain_key_fingerprint, GetString(doc, "chain_key_fingerprint"));
  return r;
}

std::string EncodeSnapshotInfo(const SnapshotInfo& r) {
  return wire::Dump({{"epoch", r.epoch},
                     {"seq", r.seq},
                     {"members", r.members},
                     {"bytes", r.bytes},
                     {"server_hlc", r.server_hlc.Packed()},
                     {"items", ItemsToJson(r.items, r.item_seqs)}});
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
  PATRON_ASSIGN_OR_RETURN(r.server_hlc, wire::GetHlc(doc, "server_hlc", ""));
  PATRON_RETURN_IF_ERROR(ItemsFromJson(doc, r.items, r.item_seqs));
  return r;
}

}  // namespace patron::sync
