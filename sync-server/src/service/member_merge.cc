#include "service/member_merge.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "patron/json_util.h"

namespace patron::sync {
namespace {

using nlohmann::json;

Status BadValue(const ProfileChange& change, std::string_view expected) {
  return Status::InvalidArgument("profile change " + std::to_string(change.change_id) + ": '" +
                                     change.field + "' must be " + std::string(expected),
                                 "invalid_profile_change");
}

// The write wins if newer by (stamp, origin); otherwise it is dropped.
template <typename T>
void MergeRegister(LwwRegister<T>& reg, T value, HlcTimestamp stamp, const std::string& origin) {
  if (LwwNewer(stamp, origin, reg.hlc, reg.origin)) reg = {std::move(value), stamp, origin};
}

Status MergeIdentity(MemberRecord& member, const ProfileChange& change,
                                   const json& value) {
  if (!value.is_object()) return BadValue(change, "an object");
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> phone,
                          patron::json::GetOptionalString(value, "phone", "identity"));
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> card,
                          patron::json::GetOptionalString(value, "card", "identity"));
  PATRON_ASSIGN_OR_RETURN(std::string store, patron::json::GetString(value, "enrolled_store", "identity"));
  PATRON_ASSIGN_OR_RETURN(int64_t enrolled_ms, patron::json::GetInt(value, "enrolled_ms", "identity"));
  MemberState& m = member.state;
  if (phone && !m.phone) m.phone = phone;
  if (card && !m.card) m.card = card;
  const bool earlier = m.enrolled_store.empty() ||
                       std::tie(enrolled_ms, store) < std::tie(m.enrolled_ms, m.enrolled_store);
  if (earlier) {
    m.enrolled_store = store;
    m.enrolled_ms = enrolled_ms;
  }
  return Status::OK();
}

Result<std::optional<std::string>> OptionalText(const ProfileChange& change, const json& value) {
  if (value.is_null()) return std::optional<std::string>();
  if (!value.is_string()) return BadValue(change, "a string or null");
  return std::optional<std::string>(value.get<std::string>());
}

// sum += addend, clamped to the int64 range; false if clamped.
bool SaturatingAdd(int64_t& sum, int64_t addend) {
  if (!__builtin_add_overflow(sum, addend, &sum)) return true;
  sum = addend > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  return false;
}

}  // namespace

MemberRecord NewMember(std::string_view member_id) {
  MemberRecord member;
  member.state.member_id = std::string(member_id);
  return member;
}

Status MergeProfileChange(MemberRecord& member, const ProfileChange& change,
                          HlcTimestamp stamp) {
  const json value = json::parse(change.value_json, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return BadValue(change, "valid JSON");
  MemberState& m = member.state;
  const std::string& origin = change.origin;
  const std::string& field = change.field;
  if (field == "identity") return MergeIdentity(member, change, value);
  if (field == "name") {
    if (!value.is_string()) return BadValue(change, "a string");
    MergeRegister(m.name, value.get<std::string>(), stamp, origin);
    return Status::OK();
  }
  if (field == "sms_consent" || field == "email_consent") {
    if (!value.is_boolean()) return BadValue(change, "a boolean");
    auto& reg = field == "sms_consent" ? m.sms_consent : m.email_consent;
    MergeRegister(reg, value.get<bool>(), stamp, origin);
    return Status::OK();
  }
  LwwRegister<std::optional<std::string>>* reg = field == "birthday" ? &m.birthday
                                                 : field == "email"  ? &m.email
                                                 : field == "gender" ? &m.gender
                                                                     : nullptr;
  if (reg == nullptr) {
    return Status::InvalidArgument("unknown profile field '" + field + "'",
                                   "invalid_profile_change");
  }
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalText(change, value));
  MergeRegister(*reg, std::move(text), stamp, origin);
  return Status::OK();
}

bool ApplyEntry(MemberRecord& member, const LedgerEntry& entry) {
  const bool balance_exact = SaturatingAdd(member.state.balance, BalanceEffect(entry));
  const bool rights_exact = SaturatingAdd(member.server_rights, RightsEffect(entry, kServerOrigin));
  return balance_exact && rights_exact;
}

}  // namespace patron::sync
