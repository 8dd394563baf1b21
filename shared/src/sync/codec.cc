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

}  // namespace

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
  PATRON_ASSIGN_OR_RETURN(r.members,
                          wire::DecodeArray<MemberState>(doc, "members", wire::MemberFromJson));
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
