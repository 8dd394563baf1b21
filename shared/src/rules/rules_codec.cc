#include "patron/rules_codec.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "patron/json_util.h"

namespace patron {
namespace {

Result<TierRule> DecodeTier(const nlohmann::json& value, const std::string& path) {
  PATRON_RETURN_IF_ERROR(
      json::RejectUnknownFields(value, {"name", "min_spend_minor", "earn_multiplier_bp"}, path));
  TierRule tier;
  PATRON_ASSIGN_OR_RETURN(tier.name, json::GetString(value, "name", path));
  PATRON_ASSIGN_OR_RETURN(tier.min_spend_minor, json::GetInt(value, "min_spend_minor", path));
  PATRON_ASSIGN_OR_RETURN(tier.earn_multiplier_bp, json::GetInt(value, "earn_multiplier_bp", path));
  return tier;
}

// Optional: absent or null means no category is excluded.
Result<std::vector<std::string>> DecodeExcludedCategories(const nlohmann::json& body) {
  constexpr std::string_view kField = "excluded_categories";
  std::vector<std::string> categories;
  const auto it = body.find(kField);
  if (it == body.end() || it->is_null()) return categories;
  PATRON_ASSIGN_OR_RETURN(const nlohmann::json* array, json::GetArray(body, kField));
  categories.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    const nlohmann::json& category = (*array)[i];
    if (!category.is_string()) {
      return Status::InvalidArgument("field '" + json::IndexPath(kField, i) + "' must be a string",
                                     "invalid_field");
    }
    categories.push_back(category.get_ref<const std::string&>());
  }
  return categories;
}

}  // namespace

Result<Rules> DecodeRules(std::string_view json_text) {
  PATRON_ASSIGN_OR_RETURN(const nlohmann::json body, json::Parse(json_text));
  PATRON_RETURN_IF_ERROR(json::ExpectObject(body, "rules"));
  PATRON_RETURN_IF_ERROR(json::RejectUnknownFields(
      body,
      {"version", "currency", "minor_digits", "earn_rate_bp", "tiers", "qualifying_window_days",
       "redeem_points_per_unit", "max_redeem_share_bp", "excluded_categories"}));

  Rules rules;
  PATRON_ASSIGN_OR_RETURN(rules.version, json::GetInt(body, "version"));
  PATRON_ASSIGN_OR_RETURN(rules.currency, json::GetString(body, "currency"));
  PATRON_ASSIGN_OR_RETURN(const int64_t minor_digits, json::GetInt(body, "minor_digits"));
  // Narrowed only after the range check, so 2^32 + 2 cannot pass as 2.
  if (minor_digits < std::numeric_limits<int>::min() ||
      minor_digits > std::numeric_limits<int>::max()) {
    return Status::InvalidArgument("field 'minor_digits' must be a small integer", "invalid_field");
  }
  rules.minor_digits = static_cast<int>(minor_digits);
  PATRON_ASSIGN_OR_RETURN(rules.earn_rate_bp, json::GetInt(body, "earn_rate_bp"));

  PATRON_ASSIGN_OR_RETURN(const nlohmann::json* tiers, json::GetArray(body, "tiers"));
  rules.tiers.reserve(tiers->size());
  for (size_t i = 0; i < tiers->size(); ++i) {
    PATRON_ASSIGN_OR_RETURN(TierRule tier, DecodeTier((*tiers)[i], json::IndexPath("tiers", i)));
    rules.tiers.push_back(std::move(tier));
  }

  PATRON_ASSIGN_OR_RETURN(rules.qualifying_window_days,
                          json::GetInt(body, "qualifying_window_days"));
  PATRON_ASSIGN_OR_RETURN(rules.redeem_points_per_unit,
                          json::GetInt(body, "redeem_points_per_unit"));
  PATRON_ASSIGN_OR_RETURN(rules.max_redeem_share_bp, json::GetInt(body, "max_redeem_share_bp"));
  PATRON_ASSIGN_OR_RETURN(rules.excluded_categories, DecodeExcludedCategories(body));

  PATRON_RETURN_IF_ERROR(ValidateRules(rules));
  return rules;
}

std::string EncodeRules(const Rules& rules) {
  nlohmann::json tiers = nlohmann::json::array();
  for (const TierRule& tier : rules.tiers) {
    tiers.push_back({{"name", tier.name},
                     {"min_spend_minor", tier.min_spend_minor},
                     {"earn_multiplier_bp", tier.earn_multiplier_bp}});
  }
  const nlohmann::json body = {
      {"version", rules.version},
      {"currency", rules.currency},
      {"minor_digits", rules.minor_digits},
      {"earn_rate_bp", rules.earn_rate_bp},
      {"tiers", std::move(tiers)},
      {"qualifying_window_days", rules.qualifying_window_days},
      {"redeem_points_per_unit", rules.redeem_points_per_unit},
      {"max_redeem_share_bp", rules.max_redeem_share_bp},
      {"excluded_categories", rules.excluded_categories},
  };
  // dump() throws on invalid UTF-8 unless told otherwise; a name from a
  // hand-built Rules must not turn into an exception here.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace patron
