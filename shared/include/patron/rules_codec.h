// JSON form of Rules, as head office distributes it and the terminal stores it.
#ifndef PATRON_RULES_CODEC_H_
#define PATRON_RULES_CODEC_H_

#include <string>
#include <string_view>

#include "patron/rules.h"
#include "patron/status.h"

namespace patron {

// Decodes and validates (ValidateRules). Errors name the field: the
// record reader's "missing_field" and "invalid_field", "unknown_field" for a
// field this build does not know (a typo, or a newer pack format), and
// ValidateRules' "invalid_rules".
Result<Rules> DecodeRules(std::string_view json_text);
std::string EncodeRules(const Rules& rules);

}  // namespace patron

#endif  // PATRON_RULES_CODEC_H_
