#include <algorithm>
#include <set>

#include "patron/segment.h"
#include "rules/invalid_rules.h"

namespace patron {
namespace {

struct RfmBand {
  std::string_view name;
  int r_low, r_high, f_low, f_high, m_low, m_high;
};

// PROGRAMME.md §4, first match wins.
constexpr RfmBand kRfmTable[] = {
    {"champions", 5, 5, 5, 5, 5, 5},
    {"potential_loyalist", 3, 5, 3, 5, 2, 5},
    {"loyal", 2, 4, 2, 4, 2, 4},
    {"promising", 3, 4, 1, 3, 3, 5},
    {"new", 4, 5, 1, 3, 1, 5},
    {"cant_lose", 1, 2, 3, 4, 4, 5},
    {"at_risk", 1, 2, 2, 5, 4, 5},
    {"need_attention", 1, 3, 3, 5, 3, 5},
    {"about_to_sleep", 2, 3, 1, 3, 1, 4},
    {"lost", 1, 1, 1, 5, 1, 5},
};
constexpr std::string_view kRfmOthers = "others";

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

template <typename Names>
bool Known(const Names& names, std::string_view value) {
  return std::find(names.begin(), names.end(), value) != names.end();
}

}  // namespace

const std::vector<std::string_view>& RfmSegmentNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> all;
    for (const RfmBand& band : kRfmTable) all.push_back(band.name);
    all.push_back(kRfmOthers);
    return all;
  }();
  return names;
}

std::string_view RfmSegmentOf(int r, int f, int m) {
  r = std::clamp(r, 1, 5);
  f = std::clamp(f, 1, 5);
  m = std::clamp(m, 1, 5);
  for (const RfmBand& b : kRfmTable) {
    if (r >= b.r_low && r <= b.r_high && f >= b.f_low && f <= b.f_high && m >= b.m_low &&
        m <= b.m_high) {
      return b.name;
    }
  }
  return kRfmOthers;
}

const std::vector<std::string_view>& LifecycleNames() {
  static const std::vector<std::string_view> names = {kLifecycleNew, kLifecycleActive,
                                                      kLifecycleAtRisk, kLifecycleLapsed};
  return names;
}

std::string_view LifecycleOf(int64_t days_since_first, int64_t days_since_last, int64_t ipi_days) {
  if (days_since_first <= 30) return kLifecycleNew;
  // Thresholds in tenths of days, so 1.5 x IPI stays exact.
  const int64_t active_until = std::max<int64_t>(450, 15 * ipi_days);
  const int64_t at_risk_until = std::max<int64_t>(900, 30 * ipi_days);
  const int64_t since_last = 10 * days_since_last;
  if (since_last <= active_until) return kLifecycleActive;
  if (since_last <= at_risk_until) return kLifecycleAtRisk;
  return kLifecycleLapsed;
}

bool InSegment(const SegmentRule& rule, const SegmentFacts& facts) {
  auto any_or = [](const std::vector<std::string>& list, std::string_view value) {
    return list.empty() || Contains(list, value);
  };
  if (!any_or(rule.rfm_segments, facts.rfm_segment) || !any_or(rule.lifecycles, facts.lifecycle) ||
      !any_or(rule.tiers, facts.tier) || !any_or(rule.stores, facts.store)) {
    return false;
  }
  if (!rule.favourite_category.empty() &&
      !Contains(facts.favourite_categories, rule.favourite_category)) {
    return false;
  }
  if (rule.min_spend_minor && facts.spend_minor < *rule.min_spend_minor) return false;
  if (rule.max_spend_minor && facts.spend_minor >= *rule.max_spend_minor) return false;
  if (!rule.birthday_months.empty() &&
      std::find(rule.birthday_months.begin(), rule.birthday_months.end(), facts.birthday_month) ==
          rule.birthday_months.end()) {
    return false;
  }
  return true;
}

Status ValidateSegments(const std::vector<SegmentRule>& segments,
                        const std::vector<std::string>& tiers) {
  constexpr size_t kMaxSegments = 200;
  if (segments.size() > kMaxSegments) {
    return InvalidRules("segments", "at most " + std::to_string(kMaxSegments) + " segments");
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < segments.size(); ++i) {
    const SegmentRule& s = segments[i];
    const std::string path = "segments[" + std::to_string(i) + "]";
    if (!IsPackId(s.id)) {
      return InvalidRules(path + ".id", "must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    if (!ids.insert(s.id).second) return InvalidRules(path + ".id", "'" + s.id + "' is taken");
    for (size_t j = 0; j < s.rfm_segments.size(); ++j) {
      if (!Known(RfmSegmentNames(), s.rfm_segments[j])) {
        return InvalidRules(path + ".rfm_segments[" + std::to_string(j) + "]",
                            "must be an RFM segment: champions, potential_loyalist, loyal, "
                            "promising, new, cant_lose, at_risk, need_attention, "
                            "about_to_sleep, lost or others");
      }
    }
    for (size_t j = 0; j < s.lifecycles.size(); ++j) {
      if (!Known(LifecycleNames(), s.lifecycles[j])) {
        return InvalidRules(path + ".lifecycles[" + std::to_string(j) + "]",
                            "must be new, active, at_risk or lapsed");
      }
    }
    for (size_t j = 0; j < s.tiers.size(); ++j) {
      if (!Known(tiers, s.tiers[j])) {
        return InvalidRules(path + ".tiers[" + std::to_string(j) + "]",
                            "must name a tier of the pack");
      }
    }
    for (size_t j = 0; j < s.stores.size(); ++j) {
      if (s.stores[j].empty()) {
        return InvalidRules(path + ".stores[" + std::to_string(j) + "]", "must not be empty");
      }
    }
    if ((s.min_spend_minor && *s.min_spend_minor < 0) ||
        (s.max_spend_minor && *s.max_spend_minor < 0)) {
      return InvalidRules(path + ".min_spend_minor", "bounds must not be negative");
    }
    if (s.min_spend_minor && s.max_spend_minor && *s.max_spend_minor <= *s.min_spend_minor) {
      return InvalidRules(path + ".max_spend_minor", "must be above min_spend_minor");
    }
    for (size_t j = 0; j < s.birthday_months.size(); ++j) {
      if (s.birthday_months[j] < 1 || s.birthday_months[j] > 12) {
        return InvalidRules(path + ".birthday_months[" + std::to_string(j) + "]",
                            "must be a month, 1 to 12");
      }
    }
  }
  return Status::OK();
}

}  // namespace patron
