#include "service/member_merge.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "patron/record/lww_merge.h"

namespace patron::sync {
namespace {

Status BadValue(const ProfileChange& change, std::string_view problem) {
  return Status::InvalidArgument(
      "profile change " + std::to_string(change.change_id) + ": " + std::string(problem),
      "invalid_profile_change");
}

void MergeIdentity(MemberRecord& member, const MemberIdentity& identity) {
  MemberState& m = member.state;
  if (identity.phone && !m.phone) m.phone = identity.phone;
  if (identity.card && !m.card) m.card = identity.card;
  const bool earlier =
      m.enrolled_store.empty() || std::tie(identity.enrolled_ms, identity.enrolled_store) <
                                      std::tie(m.enrolled_ms, m.enrolled_store);
  if (earlier) {
    m.enrolled_store = identity.enrolled_store;
    m.enrolled_ms = identity.enrolled_ms;
  }
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
  if (change.field == kIdentityField) {
    const auto* identity = std::get_if<MemberIdentity>(&change.value);
    if (identity == nullptr) return BadValue(change, "'identity' must be an object");
    MergeIdentity(member, *identity);
    return Status::OK();
  }
  const std::optional<record::RegisterValue> value = AsRegisterValue(change.value);
  if (!value) return BadValue(change, "'" + change.field + "' must not be an object");
  Result<bool> merged =
      record::MergeRegisterWrite<MemberProfile>(member.state, change.field, *value, stamp,
                                                change.origin);
  if (merged.status().reason() == "unknown_register") {
    return Status::InvalidArgument("unknown profile field '" + change.field + "'",
                                   "invalid_profile_change");
  }
  if (!merged.ok()) return BadValue(change, merged.status().message());
  return Status::OK();
}

bool ApplyEntry(MemberRecord& member, const LedgerEntry& entry, int64_t utc_offset_minutes) {
  ApplyToLots(member.state.lots, entry, utc_offset_minutes);
  member.expiry_due_day = ExpiryDueDay(member.state.lots);
  const bool balance_exact = SaturatingAdd(member.state.balance, BalanceEffect(entry));
  const bool rights_exact = SaturatingAdd(member.server_rights, RightsEffect(entry, kServerOrigin));
  if (entry.kind == EntryKind::kEarn && entry.amount_minor > 0) {
    member.state.last_purchase_ms = std::max(member.state.last_purchase_ms, entry.wall_ms);
  }
  return balance_exact && rights_exact;
}

}  // namespace patron::sync
