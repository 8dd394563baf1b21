// The one form of a rule pack's validation error, shared by the files that
// validate its parts.
#ifndef PATRON_SHARED_SRC_RULES_INVALID_RULES_H_
#define PATRON_SHARED_SRC_RULES_INVALID_RULES_H_

#include <string>
#include <string_view>

#include "patron/status.h"

namespace patron {

// InvalidArgument "invalid_rules": "rules: field '<field>' <problem>".
inline Status InvalidRules(std::string_view field, std::string_view problem) {
  return Status::InvalidArgument(
      "rules: field '" + std::string(field) + "' " + std::string(problem), "invalid_rules");
}

}  // namespace patron

#endif  // PATRON_SHARED_SRC_RULES_INVALID_RULES_H_
