// JSON form of Rules, as head office distributes it and the terminal stores it.
#ifndef PATRON_RULES_CODEC_H_
#define PATRON_RULES_CODEC_H_

#include <string>
#include <string_view>

#include "patron/rules.h"
#include "patron/status.h"

namespace patron {

// Decodes and validates (ValidateRules); unknown fields are refused.
Result<Rules> DecodeRules(std::string_view json_text);
std::string EncodeRules(const Rules& rules);

}  // namespace patron

#endif  // PATRON_RULES_CODEC_H_
