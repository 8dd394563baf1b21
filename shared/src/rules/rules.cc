#include "patron/rules.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "patron/local_time.h"
#include "patron/money.h"
#include "rules/invalid_rules.h"

namespace patron {
namespace {

// Bounds ValidateRules enforces. They keep every product below within int64
// for sane amounts (earn_rate_bp * multiplier_bp <= 10^11, the earn
// denominator <= 10^12) and catch typos such as a rate entered in percent.
constexpr int kMaxRulesMinorDigits = 4;
constexpr int64_t kMaxEarnRateBp = 1'000'000;  // 100 points per currency unit
constexpr size_t kMaxPackNameBytes = 200;
// earn_rate_bp and earn_multiplier_bp are both basis points: 10^4 * 10^4.
constexpr int64_t kEarnScale = kBasisPointsPerUnit * kBasisPointsPerUnit;

std::string TierPath(size_t index, std::string_view field) {
  return "tiers[" + std::to_string(index) + "]." + std::string(field);
}

// The computations below accept any Rules value, valid or not, and refuse the
// fields they depend on when those would make them meaningless or undefined.
Result<int64_t> CheckedMinorPerUnit(const Rules& rules) {
  if (rules.minor_digits < 0 || rules.minor_digits > kMaxRulesMinorDigits) {
    return InvalidRules("minor_digits", "must be in [0, 4]");
  }
  return MinorPerUnit(rules);
}

Status CheckPointsPerUnit(const Rules& rules) {
  if (rules.redeem_points_per_unit < 1)
    return InvalidRules("redeem_points_per_unit", "must be >= 1");
  return Status::OK();
}

Status ValidateSchedule(const Rules& rules) {
  if (rules.name.size() > kMaxPackNameBytes)
    return InvalidRules("name", "must be at most 200 bytes");
  if (rules.utc_offset_minutes < -kMaxUtcOffsetMinutes ||
      rules.utc_offset_minutes > kMaxUtcOffsetMinutes) {
    return InvalidRules("utc_offset_minutes", "must be in [-840, 840]");
  }
  for (const auto& [field, text] :
       {std::pair<std::string_view, const std::string&>{"activate_at", rules.activate_at},
        {"valid_until", rules.valid_until}}) {
    if (text.empty()) continue;
    if (Result<int64_t> ms = ParsePackTime(text, rules.utc_offset_minutes); !ms.ok()) {
      return InvalidRules(field, ms.status().message());
    }
  }
  if (!rules.valid_until.empty() && ValidUntilMs(rules) <= ActivationMs(rules)) {
    return InvalidRules("valid_until", "must be later than activate_at");
  }
  return Status::OK();
}

// A campaign targets segments the pack defines: head office computes only
// those, so another name would never match at any till.
Status CheckCampaignSegments(const Rules& rules) {
  for (size_t i = 0; i < rules.campaigns.size(); ++i) {
    const std::vector<std::string>& named = rules.campaigns[i].who.segments;
    for (size_t j = 0; j < named.size(); ++j) {
      const bool defined =
          std::any_of(rules.segments.begin(), rules.segments.end(),
                      [&](const SegmentRule& segment) { return segment.id == named[j]; });
      if (!defined) {
        return InvalidRules(
            "campaigns[" + std::to_string(i) + "].who.segments[" + std::to_string(j) + "]",
            "names '" + named[j] + "', which is not a segment of the pack");
      }
    }
  }
  return Status::OK();
}

}  // namespace

Rules DefaultRules() {
  Rules rules;
  rules.version = 1;
  rules.currency = "USD";
  rules.minor_digits = 2;
  rules.earn_rate_bp = 10000;
  rules.tiers = {
      {"regular", 0, 10000},
      {"silver", 100'000, 12500},
      {"gold", 500'000, 15000},
  };
  rules.qualifying_window_days = 365;
  rules.redeem_points_per_unit = 100;
  rules.max_redeem_share_bp = 5000;
  rules.excluded_categories.clear();
  return rules;
}

Status ValidateRules(const Rules& rules) {
  if (rules.version < 1) return InvalidRules("version", "must be >= 1");
  if (!IsValidCurrencyCode(rules.currency)) {
    return InvalidRules("currency", "must be three uppercase letters");
  }
  if (rules.minor_digits < 0 || rules.minor_digits > kMaxRulesMinorDigits) {
    return InvalidRules("minor_digits", "must be in [0, 4]");
  }
  if (rules.earn_rate_bp < 0 || rules.earn_rate_bp > kMaxEarnRateBp) {
    return InvalidRules("earn_rate_bp", "must be in [0, 1000000]");
  }
  if (rules.tiers.empty()) return InvalidRules("tiers", "must hold at least one tier");
  // TierFor relies on this: every spend from 0 up falls into exactly one tier.
  if (rules.tiers.front().min_spend_minor != 0) {
    return InvalidRules(TierPath(0, "min_spend_minor"), "must be 0");
  }
  for (size_t i = 0; i < rules.tiers.size(); ++i) {
    const TierRule& tier = rules.tiers[i];
    if (tier.name.empty()) return InvalidRules(TierPath(i, "name"), "must not be empty");
    for (size_t j = 0; j < i; ++j) {
      if (rules.tiers[j].name == tier.name) {
        return InvalidRules(TierPath(i, "name"), "duplicates tiers[" + std::to_string(j) + "]");
      }
    }
    if (i > 0 && tier.min_spend_minor <= rules.tiers[i - 1].min_spend_minor) {
      return InvalidRules(TierPath(i, "min_spend_minor"),
                          "must be greater than that of tiers[" + std::to_string(i - 1) + "]");
    }
    if (tier.earn_multiplier_bp < 0 || tier.earn_multiplier_bp > kMaxMultiplierBp) {
      return InvalidRules(TierPath(i, "earn_multiplier_bp"), "must be in [0, 100000]");
    }
  }
  if (rules.qualifying_window_days < 1 || rules.qualifying_window_days > kMaxPackDays) {
    return InvalidRules("qualifying_window_days", "must be in [1, 3660]");
  }
  if (rules.tier_hold_days < 1 || rules.tier_hold_days > kMaxPackDays) {
    return InvalidRules("tier_hold_days", "must be in [1, 3660]");
  }
  if (rules.tier_warning_days < 0 || rules.tier_warning_days > rules.tier_hold_days) {
    return InvalidRules("tier_warning_days", "must be in [0, tier_hold_days]");
  }
  PATRON_RETURN_IF_ERROR(CheckPointsPerUnit(rules));
  if (rules.max_redeem_share_bp < 0 || rules.max_redeem_share_bp > kBasisPointsPerUnit) {
    return InvalidRules("max_redeem_share_bp", "must be in [0, 10000]");
  }
  PATRON_RETURN_IF_ERROR(ValidateSchedule(rules));
  PATRON_RETURN_IF_ERROR(ValidateCampaigns(rules));
  PATRON_RETURN_IF_ERROR(ValidateExpiry(rules));
  PATRON_RETURN_IF_ERROR(ValidateSurveys(rules.surveys));
  std::vector<std::string> tier_names;
  for (const TierRule& tier : rules.tiers) tier_names.push_back(tier.name);
  PATRON_RETURN_IF_ERROR(ValidateSegments(rules.segments, tier_names));
  PATRON_RETURN_IF_ERROR(CheckCampaignSegments(rules));
  return ValidateRewards(rules);
}

int64_t ActivationMs(const Rules& rules) {
  if (rules.activate_at.empty()) return 0;
  return ParsePackTime(rules.activate_at, rules.utc_offset_minutes).value_or(0);
}

int64_t ValidUntilMs(const Rules& rules) {
  if (rules.valid_until.empty()) return INT64_MAX;
  return ParsePackTime(rules.valid_until, rules.utc_offset_minutes).value_or(INT64_MAX);
}

const TierRule& TierFor(const Rules& rules, int64_t qualifying_spend_minor) {
  if (rules.tiers.empty()) {
    // Breach of the precondition; a 1x tier is safer than undefined behaviour.
    // Leaked on purpose: no destructor runs at exit.
    static const TierRule* const kFallback = new TierRule{"regular", 0, kBasisPointsPerUnit};
    return *kFallback;
  }
  // Tiers ascend, so the answer is the last one whose threshold is reached; a
  // negative spend (refunds exceeding purchases) stays in the first tier.
  const TierRule* found = &rules.tiers.front();
  for (const TierRule& tier : rules.tiers) {
    if (tier.min_spend_minor > qualifying_spend_minor) break;
    found = &tier;
  }
  return *found;
}

size_t TierRank(const Rules& rules, std::string_view name) {
  for (size_t i = 0; i < rules.tiers.size(); ++i) {
    if (rules.tiers[i].name == name) return i;
  }
  return 0;
}

std::optional<TierProgress> NextTier(const Rules& rules, const TierRule& current,
                                     int64_t qualifying_spend_minor) {
  // Refunds beyond purchases leave the spend below 0: the first tier's 0.
  const int64_t spend = std::max<int64_t>(0, qualifying_spend_minor);
  const size_t next = TierRank(rules, current.name) + 1;
  if (next >= rules.tiers.size()) return std::nullopt;
  const TierRule& tier = rules.tiers[next];
  // A held tier may sit above what the spend reaches: the next one up still
  // needs its whole threshold.
  return TierProgress{tier.name, std::max<int64_t>(0, tier.min_spend_minor - spend)};
}

const Campaign* FindCampaign(const Rules& rules, std::string_view id) {
  for (const Campaign& campaign : rules.campaigns) {
    if (campaign.id == id) return &campaign;
  }
  return nullptr;
}

const Reward* FindReward(const Rules& rules, std::string_view id) {
  for (const Reward& reward : rules.rewards) {
    if (reward.id == id) return &reward;
  }
  return nullptr;
}

Result<TierRule> FindTier(const Rules& rules, std::string_view name) {
  for (const TierRule& tier : rules.tiers) {
    if (tier.name == name) return tier;
  }
  std::string shown(name.substr(0, 64));
  for (char& c : shown) {
    if (c < 0x20 || c > 0x7E) c = '?';
  }
  return Status::NotFound(
      "no tier named '" + shown + "' in rules version " + std::to_string(rules.version),
      "unknown_tier");
}

bool IsExcludedCategory(const Rules& rules, std::string_view category) {
  return std::find(rules.excluded_categories.begin(), rules.excluded_categories.end(), category) !=
         rules.excluded_categories.end();
}

Result<int64_t> EarnPoints(const Rules& rules, const TierRule& tier, int64_t eligible_paid_minor) {
  if (eligible_paid_minor < 0) {
    return Status::InvalidArgument(
        "eligible paid amount must be >= 0, got " + std::to_string(eligible_paid_minor),
        "invalid_amount");
  }
  // A negative rate would turn a purchase into a deduction.
  if (rules.earn_rate_bp < 0) return InvalidRules("earn_rate_bp", "must be >= 0");
  if (tier.earn_multiplier_bp < 0) return InvalidRules("earn_multiplier_bp", "must be >= 0");
  PATRON_ASSIGN_OR_RETURN(const int64_t minor_per_unit, CheckedMinorPerUnit(rules));
  PATRON_ASSIGN_OR_RETURN(const int64_t rate,
                          CheckedMul(rules.earn_rate_bp, tier.earn_multiplier_bp));
  PATRON_ASSIGN_OR_RETURN(const int64_t denominator, CheckedMul(minor_per_unit, kEarnScale));
  // One truncation, at the end: per-step rounding would lose points.
  return MulDiv(eligible_paid_minor, rate, denominator);
}

Result<int64_t> RedeemValueMinor(const Rules& rules, int64_t points) {
  if (points < 0) {
    return Status::InvalidArgument("points to redeem must be >= 0, got " + std::to_string(points),
                                   "invalid_points");
  }
  PATRON_RETURN_IF_ERROR(CheckPointsPerUnit(rules));
  PATRON_ASSIGN_OR_RETURN(const int64_t minor_per_unit, CheckedMinorPerUnit(rules));
  return MulDiv(points, minor_per_unit, rules.redeem_points_per_unit);
}

Result<int64_t> MaxRedeemablePoints(const Rules& rules, int64_t amount_minor) {
  if (amount_minor < 0) {
    return Status::InvalidArgument("sale amount must be >= 0, got " + std::to_string(amount_minor),
                                   "invalid_amount");
  }
  if (rules.max_redeem_share_bp < 0 || rules.max_redeem_share_bp > kBasisPointsPerUnit) {
    return InvalidRules("max_redeem_share_bp", "must be in [0, 10000]");
  }
  PATRON_RETURN_IF_ERROR(CheckPointsPerUnit(rules));
  PATRON_ASSIGN_OR_RETURN(const int64_t m, CheckedMinorPerUnit(rules));
  // The share is at most 100%, so the cap never exceeds the amount.
  PATRON_ASSIGN_OR_RETURN(const int64_t cap,
                          MulDiv(amount_minor, rules.max_redeem_share_bp, kBasisPointsPerUnit));
  const int64_t ppu = rules.redeem_points_per_unit;
  // With m = minor per unit: floor(p * m / ppu) <= cap  <=>  p * m < (cap + 1) * ppu
  //   <=>  p <= floor((cap * ppu + ppu - 1) / m).
  // Writing cap * ppu = q * m + r (0 <= r < m) gives
  //   p = q + floor((r + ppu - 1) / m),
  // where only q can exceed int64 (MulDiv reports it) and the correction is
  // assembled from remainders below m <= 10^4, so nothing wraps.
  PATRON_ASSIGN_OR_RETURN(const int64_t q, MulDiv(cap, ppu, m));
  const int64_t r = (cap % m) * (ppu % m) % m;
  const int64_t correction = (ppu - 1) / m + ((ppu - 1) % m + r) / m;
  return CheckedAdd(q, correction);
}

const Rules* ActivePack(const std::vector<Rules>& packs, int64_t now_ms) {
  const Rules* active = nullptr;
  for (const Rules& pack : packs) {
    if (ActivationMs(pack) > now_ms) continue;
    if (active == nullptr || pack.version > active->version) active = &pack;
  }
  return active;
}

int64_t MinorPerUnit(const Rules& rules) {
  // Out-of-range digits are a caller bug (ValidateRules refuses them); clamp
  // as money.h does so the power always fits in int64.
  const int digits = std::clamp(rules.minor_digits, 0, kMaxMinorDigits);
  int64_t power = 1;
  for (int i = 0; i < digits; ++i) power *= 10;
  return power;
}

}  // namespace patron
