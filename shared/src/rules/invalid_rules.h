// The one form of a rule pack's validation error, and the bounds shared by
// the files that validate its parts.
#ifndef PATRON_SHARED_SRC_RULES_INVALID_RULES_H_
#define PATRON_SHARED_SRC_RULES_INVALID_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "patron/status.h"

namespace patron {

// A multiplier (tier or campaign) of at most 10x keeps every product in
// int64 for sane amounts; a span of days of at most ten years.
inline constexpr int64_t kMaxMultiplierBp = 100'000;
inline constexpr int64_t kMaxPackDays = 3660;

// An id of something in the pack (campaign, segment): 1 to 64 letters,
// digits, '.', '_' or '-'.
inline bool IsPackId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// InvalidArgument "invalid_rules": "rules: field '<field>' <problem>".
inline Status InvalidRules(std::string_view field, std::string_view problem) {
  return Status::InvalidArgument(
      "rules: field '" + std::string(field) + "' " + std::string(problem), "invalid_rules");
}

}  // namespace patron

#endif  // PATRON_SHARED_SRC_RULES_INVALID_RULES_H_
