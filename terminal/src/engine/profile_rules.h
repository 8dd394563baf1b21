// Validation of member profile fields; each failure names the field.
#ifndef PATRON_TERMINAL_SRC_ENGINE_PROFILE_RULES_H_
#define PATRON_TERMINAL_SRC_ENGINE_PROFILE_RULES_H_

#include <string>
#include <string_view>

#include "patron/status.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

inline constexpr size_t kMaxNameLength = 100;
inline constexpr size_t kMaxEmailLength = 254;
inline constexpr size_t kMaxCardLength = 32;

// Trims surrounding blanks; rejects an empty or over-long name, control characters.
Result<std::string> NormalizeName(std::string_view name);
// YYYY-MM-DD, a real calendar date, not in the future relative to `today_ms`.
Status ValidateBirthday(std::string_view birthday, int64_t today_ms);
// A plausible address: one '@', a dot in the domain, no blanks.
Status ValidateEmail(std::string_view email);
Status ValidateGender(std::string_view gender);
// 4..32 characters of [A-Za-z0-9-].
Status ValidateCard(std::string_view card);

// Validates and normalises every field set in `patch`. Empty strings for
// birthday/email/gender mean "clear" and are turned into "" (kept as-is).
Result<ProfilePatch> NormalizePatch(const ProfilePatch& patch, int64_t today_ms);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_PROFILE_RULES_H_
