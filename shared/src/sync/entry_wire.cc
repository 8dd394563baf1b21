// Ledger entries written and read without a JSON DOM (wire.h): the bulk of
// every push.
#include <array>

#include "patron/json_util.h"
#include "sync/wire.h"

namespace patron::sync::wire {
namespace {

// The fields of an entry object, in EntryToJson's names.
enum EntryField {
  kId, kOrigin, kSeq, kMemberId, kKind, kPoints, kAmountMinor, kCurrency, kSaleRef, kRefEntry,
  kToHolder, kStoreId, kTerminalId, kHlc, kWallMs, kRuleVersion, kDetail, kEntryFieldCount
};
constexpr std::array<std::string_view, kEntryFieldCount> kEntryFieldNames = {
    "id",        "origin",   "seq",         "member_id", "kind",     "points",
    "amount_minor", "currency", "sale_ref", "ref_entry", "to_holder", "store_id",
    "terminal_id", "hlc",     "wall_ms",     "rule_version", "detail"};

std::string* StringField(LedgerEntry& e, int field) {
  switch (field) {
    case kId: return &e.entry_id;
    case kOrigin: return &e.origin;
    case kMemberId: return &e.member_id;
    case kCurrency: return &e.currency;
    case kSaleRef: return &e.sale_ref;
    case kRefEntry: return &e.ref_entry;
    case kToHolder: return &e.to_holder;
    case kStoreId: return &e.store_id;
    case kTerminalId: return &e.terminal_id;
    case kDetail: return &e.detail;
    default: return nullptr;
  }
}

int64_t* IntField(LedgerEntry& e, int field) {
  switch (field) {
    case kSeq: return &e.seq;
    case kPoints: return &e.points;
    case kAmountMinor: return &e.amount_minor;
    case kWallMs: return &e.wall_ms;
    case kRuleVersion: return &e.rule_version;
    default: return nullptr;
  }
}

// `expected` is tried first: writers send the fields in the order above.
int FindField(std::string_view key, int expected) {
  if (expected < kEntryFieldCount && kEntryFieldNames[static_cast<size_t>(expected)] == key) {
    return expected;
  }
  for (int i = 0; i < kEntryFieldCount; ++i) {
    if (kEntryFieldNames[static_cast<size_t>(i)] == key) return i;
  }
  return -1;
}

void AppendKey(std::string_view key, std::string& out) {
  out += ",\"";
  out += key;
  out += "\":";
}

}  // namespace

Status FieldError(Status status, std::string_view path, std::string_view field,
                  std::string_view expected) {
  if (status.ok() || status.reason() != "invalid_field") return status;
  return Status::InvalidArgument(
      "field '" + patron::json::FieldPath(path, field) + "' must be " + std::string(expected),
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

void AppendEntryJson(const LedgerEntry& e, std::string& out) {
  out += "{\"id\":";
  AppendJsonString(e.entry_id, out);
  const auto text = [&out](std::string_view key, std::string_view value) {
    AppendKey(key, out);
    AppendJsonString(value, out);
  };
  const auto number = [&out](std::string_view key, int64_t value) {
    AppendKey(key, out);
    out += std::to_string(value);
  };
  text("origin", e.origin);
  number("seq", e.seq);
  text("member_id", e.member_id);
  text("kind", EntryKindName(e.kind));
  number("points", e.points);
  number("amount_minor", e.amount_minor);
  text("currency", e.currency);
  text("sale_ref", e.sale_ref);
  text("ref_entry", e.ref_entry);
  text("to_holder", e.to_holder);
  text("store_id", e.store_id);
  text("terminal_id", e.terminal_id);
  number("hlc", e.hlc.Packed());
  number("wall_ms", e.wall_ms);
  number("rule_version", e.rule_version);
  text("detail", e.detail);
  out += '}';
}

// As EntryFromJson: every field required (null counts as missing), unknown
// fields ignored, the last of repeated keys wins.
Status ReadEntryJson(JsonReader& reader, std::string_view path, LedgerEntry& e) {
  PATRON_RETURN_IF_ERROR(BeginObjectAt(reader, path));
  uint32_t seen = 0;
  std::string kind;
  std::string_view key;
  int expected = 0;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool more, reader.NextKey(key));
    if (!more) break;
    const int field = FindField(key, expected);
    if (field < 0) {
      PATRON_RETURN_IF_ERROR(reader.SkipValue());
      continue;
    }
    expected = field + 1;
    const std::string_view name = kEntryFieldNames[static_cast<size_t>(field)];
    if (reader.ReadNullIf()) {
      seen &= ~(1u << field);
      continue;
    }
    if (std::string* text = field == kKind ? &kind : StringField(e, field)) {
      PATRON_RETURN_IF_ERROR(FieldError(reader.ReadString(*text), path, name, "a string"));
    } else if (int64_t* number = IntField(e, field)) {
      PATRON_RETURN_IF_ERROR(FieldError(reader.ReadInt64(*number), path, name, "an integer"));
    } else {  // kHlc
      int64_t packed = 0;
      PATRON_RETURN_IF_ERROR(FieldError(reader.ReadInt64(packed), path, name, "an integer"));
      Result<HlcTimestamp> hlc = HlcTimestamp::FromPackedChecked(packed);
      if (!hlc.ok()) {
        return Status::InvalidArgument(
            "'" + patron::json::FieldPath(path, name) + "' is not a valid timestamp",
            "invalid_field");
      }
      e.hlc = *hlc;
    }
    seen |= 1u << field;
  }
  for (int field = 0; field < kEntryFieldCount; ++field) {
    if ((seen & (1u << field)) == 0) {
      return Status::InvalidArgument(
          "missing field '" +
              patron::json::FieldPath(path, kEntryFieldNames[static_cast<size_t>(field)]) + "'",
          "missing_field");
    }
  }
  PATRON_ASSIGN_OR_RETURN(e.kind, ParseEntryKind(kind));
  return Status::OK();
}

}  // namespace patron::sync::wire
