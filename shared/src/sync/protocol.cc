#include "patron/sync/protocol.h"

namespace patron::sync {

std::string_view PushOutcomeName(PushOutcome outcome) {
  switch (outcome) {
    case PushOutcome::kOk: return "ok";
    case PushOutcome::kExists: return "exists";
    case PushOutcome::kConflict: return "conflict";
    case PushOutcome::kRejected: return "rejected";
  }
  return "rejected";
}

std::optional<record::RegisterValue> AsRegisterValue(const ProfileValue& value) {
  return std::visit(
      [](const auto& v) -> std::optional<record::RegisterValue> {
        using V = std::remove_cvref_t<decltype(v)>;
        if constexpr (std::is_same_v<V, MemberIdentity>) {
          return std::nullopt;
        } else {
          return record::RegisterValue(v);
        }
      },
      value);
}

ProfileValue FromRegisterValue(const record::RegisterValue& value) {
  return std::visit([](const auto& v) { return ProfileValue(v); }, value);
}

}  // namespace patron::sync

namespace patron::record {

bool EnumNames<sync::PushOutcome>::Parse(std::string_view name, sync::PushOutcome& outcome) {
  for (sync::PushOutcome candidate :
       {sync::PushOutcome::kOk, sync::PushOutcome::kExists, sync::PushOutcome::kConflict,
        sync::PushOutcome::kRejected}) {
    if (sync::PushOutcomeName(candidate) == name) {
      outcome = candidate;
      return true;
    }
  }
  return false;
}

}  // namespace patron::record
