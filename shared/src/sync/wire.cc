#include "sync/wire.h"

#include "patron/json_util.h"

namespace patron::sync::wire {
namespace {

using nlohmann::json;

template <typename T>
Status RegisterFromJson(const json& doc, std::string_view field, std::string_view path,
                        LwwRegister<T>& reg) {
  const std::string where = patron::json::FieldPath(path, field);
  if (!doc.contains(field) || !doc.at(std::string(field)).is_array() ||
      doc.at(std::string(field)).size() != 3) {
    return Status::InvalidArgument("'" + where + "' must be [value, hlc, origin]",
                                   "invalid_field");
  }
  const json& triple = doc.at(std::string(field));
  const json& value = triple[0];
  if constexpr (std::is_same_v<T, std::optional<std::string>>) {
    if (value.is_null()) {
      reg.value = std::nullopt;
    } else if (value.is_string()) {
      reg.value = value.get<std::string>();
    } else {
      return Status::InvalidArgument("'" + where + "' value must be a string or null",
                                     "invalid_field");
    }
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!value.is_string()) {
      return Status::InvalidArgument("'" + where + "' value must be a string", "invalid_field");
    }
    reg.value = value.get<std::string>();
  } else {
    if (!value.is_boolean()) {
      return Status::InvalidArgument("'" + where + "' value must be a boolean", "invalid_field");
    }
    reg.value = value.get<bool>();
  }
  if (!triple[1].is_number_integer() || !triple[2].is_string()) {
    return Status::InvalidArgument("'" + where + "' must be [value, hlc, origin]",
                                   "invalid_field");
  }
  PATRON_ASSIGN_OR_RETURN(reg.hlc, HlcTimestamp::FromPackedChecked(triple[1].get<int64_t>()));
  reg.origin = triple[2].get<std::string>();
  return Status::OK();
}

}  // namespace

Result<json> ParseMessage(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, patron::json::Parse(body, kMaxDepth));
  PATRON_RETURN_IF_ERROR(patron::json::ExpectObject(doc, "message"));
  return doc;
}

std::string Dump(const json& doc) {
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<HlcTimestamp> GetHlc(const json& doc, std::string_view field, std::string_view path) {
  PATRON_ASSIGN_OR_RETURN(int64_t packed, patron::json::GetInt(doc, field, path));
  Result<HlcTimestamp> hlc = HlcTimestamp::FromPackedChecked(packed);
  if (!hlc.ok()) {
    return Status::InvalidArgument(
        "'" + patron::json::FieldPath(path, field) + "' is not a valid timestamp", "invalid_field");
  }
  return hlc;
}

Result<PushOutcome> ParseOutcome(std::string_view name) {
  for (PushOutcome outcome : {PushOutcome::kOk, PushOutcome::kExists, PushOutcome::kConflict,
                              PushOutcome::kRejected}) {
    if (PushOutcomeName(outcome) == name) return outcome;
  }
  return Status::InvalidArgument("unknown push outcome '" + std::string(name) + "'",
                                 "invalid_field");
}

json EntryToJson(const LedgerEntry& e) {
  return {{"id", e.entry_id},         {"origin", e.origin},
          {"seq", e.seq},             {"member_id", e.member_id},
          {"kind", EntryKindName(e.kind)}, {"points", e.points},
          {"amount_minor", e.amount_minor}, {"currency", e.currency},
          {"sale_ref", e.sale_ref},   {"ref_entry", e.ref_entry},
          {"to_holder", e.to_holder}, {"store_id", e.store_id},
          {"terminal_id", e.terminal_id}, {"hlc", e.hlc.Packed()},
          {"wall_ms", e.wall_ms},     {"rule_version", e.rule_version},
          {"detail", e.detail}};
}

Result<LedgerEntry> EntryFromJson(const json& doc, std::string_view path) {
  if (!doc.is_object()) {
    return Status::InvalidArgument("'" + std::string(path) + "' must be an object",
                                   "invalid_field");
  }
  LedgerEntry e;
  PATRON_ASSIGN_OR_RETURN(e.entry_id, patron::json::GetString(doc, "id", path));
  PATRON_ASSIGN_OR_RETURN(e.origin, patron::json::GetString(doc, "origin", path));
  PATRON_ASSIGN_OR_RETURN(e.seq, patron::json::GetInt(doc, "seq", path));
  PATRON_ASSIGN_OR_RETURN(e.member_id, patron::json::GetString(doc, "member_id", path));
  PATRON_ASSIGN_OR_RETURN(std::string kind, patron::json::GetString(doc, "kind", path));
  PATRON_ASSIGN_OR_RETURN(e.kind, ParseEntryKind(kind));
  PATRON_ASSIGN_OR_RETURN(e.points, patron::json::GetInt(doc, "points", path));
  PATRON_ASSIGN_OR_RETURN(e.amount_minor, patron::json::GetInt(doc, "amount_minor", path));
  PATRON_ASSIGN_OR_RETURN(e.currency, patron::json::GetString(doc, "currency", path));
  PATRON_ASSIGN_OR_RETURN(e.sale_ref, patron::json::GetString(doc, "sale_ref", path));
  PATRON_ASSIGN_OR_RETURN(e.ref_entry, patron::json::GetString(doc, "ref_entry", path));
  PATRON_ASSIGN_OR_RETURN(e.to_holder, patron::json::GetString(doc, "to_holder", path));
  PATRON_ASSIGN_OR_RETURN(e.store_id, patron::json::GetString(doc, "store_id", path));
  PATRON_ASSIGN_OR_RETURN(e.terminal_id, patron::json::GetString(doc, "terminal_id", path));
  PATRON_ASSIGN_OR_RETURN(e.hlc, GetHlc(doc, "hlc", path));
  PATRON_ASSIGN_OR_RETURN(e.wall_ms, patron::json::GetInt(doc, "wall_ms", path));
  PATRON_ASSIGN_OR_RETURN(e.rule_version, patron::json::GetInt(doc, "rule_version", path));
  PATRON_ASSIGN_OR_RETURN(e.detail, patron::json::GetString(doc, "detail", path));
  return e;
}

// A JSON string literal. ASCII is escaped here (quotes, backslashes and
// control characters, as Dump() escapes them); text with other bytes goes
// through nlohmann's escaping, which also replaces invalid UTF-8 as Dump()
// does.
void AppendJsonString(std::string_view value, std::string& out) {
  for (const char c : value) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      out += Dump(json(std::string(value)));
      return;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

namespace {

void AppendOptionalString(const std::optional<std::string>& value, std::string& out) {
  if (value) {
    AppendJsonString(*value, out);
  } else {
    out += "null";
  }
}

void AppendValue(const std::string& value, std::string& out) { AppendJsonString(value, out); }
void AppendValue(const std::optional<std::string>& value, std::string& out) {
  AppendOptionalString(value, out);
}
void AppendValue(bool value, std::string& out) { out += value ? "true" : "false"; }

// "key":[value,hlc,origin], as RegisterFromJson reads it.
template <typename T>
void AppendRegister(std::string_view key, const LwwRegister<T>& reg, std::string& out) {
  out += ",\"";
  out += key;
  out += "\":[";
  AppendValue(reg.value, out);
  out += ',';
  out += std::to_string(reg.hlc.Packed());
  out += ',';
  AppendJsonString(reg.origin, out);
  out += ']';
}

void AppendInt(std::string_view key, int64_t value, std::string& out) {
  out += ",\"";
  out += key;
  out += "\":";
  out += std::to_string(value);
}

}  // namespace

void AppendMemberJson(const MemberState& m, std::string& out) {
  out += "{\"member_id\":";
  AppendJsonString(m.member_id, out);
  out += ",\"phone\":";
  AppendOptionalString(m.phone, out);
  out += ",\"card\":";
  AppendOptionalString(m.card, out);
  out += ",\"status\":";
  AppendJsonString(m.status, out);
  out += ",\"enrolled_store\":";
  AppendJsonString(m.enrolled_store, out);
  AppendInt("enrolled_ms", m.enrolled_ms, out);
  AppendRegister("name", m.name, out);
  AppendRegister("birthday", m.birthday, out);
  AppendRegister("email", m.email, out);
  AppendRegister("gender", m.gender, out);
  AppendRegister("sms_consent", m.sms_consent, out);
  AppendRegister("email_consent", m.email_consent, out);
  AppendInt("balance", m.balance, out);
  AppendInt("spend_minor", m.spend_minor, out);
  AppendInt("version", m.version, out);
  out += '}';
}

Result<MemberState> MemberFromJson(const json& doc, std::string_view path) {
  if (!doc.is_object()) {
    return Status::InvalidArgument("'" + std::string(path) + "' must be an object",
                                   "invalid_field");
  }
  MemberState m;
  PATRON_ASSIGN_OR_RETURN(m.member_id, patron::json::GetString(doc, "member_id", path));
  PATRON_ASSIGN_OR_RETURN(m.phone, patron::json::GetOptionalString(doc, "phone", path));
  PATRON_ASSIGN_OR_RETURN(m.card, patron::json::GetOptionalString(doc, "card", path));
  PATRON_ASSIGN_OR_RETURN(m.status, patron::json::GetString(doc, "status", path));
  PATRON_ASSIGN_OR_RETURN(m.enrolled_store, patron::json::GetString(doc, "enrolled_store", path));
  PATRON_ASSIGN_OR_RETURN(m.enrolled_ms, patron::json::GetInt(doc, "enrolled_ms", path));
  PATRON_RETURN_IF_ERROR(RegisterFromJson(doc, "name", path, m.name));
  PATRON_RETURN_IF_ERROR(RegisterFromJson(doc, "birthday", path, m.birthday));
  PATRON_RETURN_IF_ERROR(RegisterFromJson(doc, "email", path, m.email));
  PATRON_RETURN_IF_ERROR(RegisterFromJson(doc, "gender", path, m.gender));
  PATRON_RETURN_IF_ERROR(RegisterFromJson(doc, "sms_consent", path, m.sms_consent));
  PATRON_RETURN_IF_ERROR(RegisterFromJson(doc, "email_consent", path, m.email_consent));
  PATRON_ASSIGN_OR_RETURN(m.balance, patron::json::GetInt(doc, "balance", path));
  PATRON_ASSIGN_OR_RETURN(m.spend_minor, patron::json::GetInt(doc, "spend_minor", path));
  PATRON_ASSIGN_OR_RETURN(m.version, patron::json::GetInt(doc, "version", path));
  return m;
}

}  // namespace patron::sync::wire
