#include "service/insights.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "patron/evaluate.h"
#include "patron/local_time.h"
#include "patron/lots.h"

namespace patron::sync {
namespace {

// The two-sided 95% normal quantile.
constexpr double kZ95 = 1.959963984540054;

template <typename List, typename Value>
bool Contains(const List& list, const Value& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string DayOf(int64_t ms, int64_t utc_offset_minutes) {
  return FormatLocalDay(ToLocalDate(ms, utc_offset_minutes).day_number);
}

// `day` ("YYYY-MM-DD", valid) moved by `days`.
std::string AddDays(const std::string& day, int64_t days) {
  Result<int64_t> number = ParseLocalDay(day);
  return number.ok() ? FormatLocalDay(*number + days) : day;
}

int64_t Bp(double fraction) { return std::llround(fraction * 10'000); }
int64_t Round(double value) { return std::llround(value); }

}  // namespace

std::vector<CampaignWindow> CampaignWindows(const std::vector<PackInForce>& packs, int64_t now_ms,
                                            int64_t utc_offset_minutes) {
  std::set<std::string> ids;
  for (const PackInForce& p : packs) {
    for (const Campaign& c : p.pack.campaigns) ids.insert(c.id);
  }
  std::vector<CampaignWindow> windows;
  for (const std::string& id : ids) {
    size_t first = packs.size(), newest = 0;
    const Campaign* campaign = nullptr;
    for (size_t i = 0; i < packs.size(); ++i) {
      for (const Campaign& c : packs[i].pack.campaigns) {
        if (c.id != id) continue;
        first = std::min(first, i);
        newest = i;
        campaign = &c;
      }
    }
    const Rules& pack = packs[newest].pack;
    // A published pack's times parse (ValidateRules); "" bounds nothing.
    const auto time_or = [&](const std::string& text, int64_t otherwise) {
      Result<int64_t> ms = ParsePackTime(text, pack.utc_offset_minutes);
      return text.empty() || !ms.ok() ? otherwise : *ms;
    };
    const int64_t start = std::max(packs[first].start_ms, time_or(campaign->when.from, 0));
    int64_t end = std::min(ValidUntilMs(pack),
                           time_or(campaign->when.until, std::numeric_limits<int64_t>::max()));
    for (size_t j = newest + 1; j < packs.size(); ++j) end = std::min(end, packs[j].start_ms);
    if (start > now_ms || end <= start) continue;
    CampaignWindow window{*campaign, pack.version, DayOf(start, utc_offset_minutes), "", false};
    window.ended = end <= now_ms;
    window.to_day = DayOf(window.ended ? end - 1 : now_ms, utc_offset_minutes);
    windows.push_back(std::move(window));
  }
  return windows;
}

bool EligibleFor(const CampaignWindow& window, const MemberFacts& member) {
  const CampaignWho& who = window.campaign.who;
  if (member.enrolled_day.empty() || member.enrolled_day > window.to_day) return false;
  if (!who.tiers.empty() && !Contains(who.tiers, member.state.tier)) return false;
  if (!who.segments.empty() &&
      std::none_of(member.segments.begin(), member.segments.end(),
                   [&](const std::string& s) { return Contains(who.segments, s); })) {
    return false;
  }
  if (!who.stores.empty() && !Contains(who.stores, member.state.enrolled_store) &&
      std::none_of(member.days.begin(), member.days.end(), [&](const MemberDay& d) {
        return d.day <= window.to_day && Contains(who.stores, d.store_id);
      })) {
    return false;
  }
  if (who.joined_within_days &&
      member.enrolled_day < AddDays(window.from_day, -*who.joined_within_days)) {
    return false;
  }
  if (who.birthday_within_days && !member.state.birthday.value) return false;
  std::string last_before;  // the last purchase day before the window
  for (const MemberDay& d : member.days) {
    if (d.day < window.from_day) last_before = std::max(last_before, d.day);
  }
  if (who.first_purchase && !last_before.empty()) return false;
  if (who.lapsed_days &&
      (last_before.empty() || last_before > AddDays(window.from_day, -*who.lapsed_days))) {
    return false;
  }
  return true;
}

EffectTally::EffectTally(CampaignWindow window, std::string today)
    : window_(std::move(window)), today_(std::move(today)) {
  for (int k = 0; k < 3; ++k) after_days_[k] = AddDays(window_.to_day, kRepurchaseDays[k]);
}

void EffectTally::Add(const MemberFacts& member, const CampaignMember* took_part) {
  const bool held_out = IsHeldOut(member.state.member_id, window_.campaign);
  Group& group = held_out ? control_ : treated_;
  ++group.members;
  bool bought = false;
  bool again[3] = {false, false, false};
  int64_t paid = 0;
  for (const MemberDay& d : member.days) {
    if (d.day >= window_.from_day && d.day <= window_.to_day) {
      bought = true;
      paid += d.paid_minor - d.refunded_minor;
    } else if (d.day > window_.to_day) {
      for (int k = 0; k < 3; ++k) again[k] = again[k] || d.day <= after_days_[k];
    }
  }
  if (bought) ++group.buyers;
  group.paid_minor += paid;
  group.paid_squares += static_cast<double>(paid) * static_cast<double>(paid);
  for (int k = 0; k < 3; ++k) group.repurchased[k] += again[k] ? 1 : 0;
  if (!held_out && took_part != nullptr && took_part->awards > 0) ++participants_;
}

CampaignEffect EffectTally::Finish(const CampaignDay& given, int64_t cost_minor) const {
  CampaignEffect e;
  e.campaign_id = window_.campaign.id;
  e.name = window_.campaign.name;
  e.pack_version = window_.pack_version;
  e.from_day = window_.from_day;
  e.to_day = window_.to_day;
  e.ended = window_.ended;
  e.holdout_bp = window_.campaign.holdout_bp;
  e.treated = treated_.members;
  e.control = control_.members;
  e.participants = participants_;
  e.treated_buyers = treated_.buyers;
  e.control_buyers = control_.buyers;
  e.treated_paid_minor = treated_.paid_minor;
  e.control_paid_minor = control_.paid_minor;
  std::optional<int64_t>* repurchase[3][2] = {
      {&e.repurchase_30_treated_bp, &e.repurchase_30_control_bp},
      {&e.repurchase_60_treated_bp, &e.repurchase_60_control_bp},
      {&e.repurchase_90_treated_bp, &e.repurchase_90_control_bp}};
  for (int k = 0; k < 3; ++k) {
    if (!window_.ended || after_days_[k] >= today_) continue;  // not over yet
    const Group* groups[2] = {&treated_, &control_};
    for (int g = 0; g < 2; ++g) {
      if (groups[g]->members > 0) {
        *repurchase[k][g] = Bp(static_cast<double>(groups[g]->repurchased[k]) /
                               static_cast<double>(groups[g]->members));
      }
    }
  }
  e.points = given.points;
  e.discount_minor = given.discount_minor;
  e.vouchers_issued = given.vouchers_issued;
  e.cost_minor = cost_minor;
  // Welch: each group's sample variance of revenue per member over its size.
  auto variance_of_mean = [](const Group& g) {
    if (g.members < 2) return 0.0;
    const double n = static_cast<double>(g.members);
    const double sum = static_cast<double>(g.paid_minor);
    return std::max(0.0, (g.paid_squares - sum * sum / n) / (n - 1)) / n;
  };
  EffectStatistics(e, std::sqrt(variance_of_mean(treated_) + variance_of_mean(control_)));
  return e;
}

void EffectStatistics(CampaignEffect& e, double paid_difference_se_minor) {
  const double n_t = static_cast<double>(e.treated), n_c = static_cast<double>(e.control);
  const double p_t = e.treated > 0 ? static_cast<double>(e.treated_buyers) / n_t : 0;
  const double p_c = e.control > 0 ? static_cast<double>(e.control_buyers) / n_c : 0;
  const double rpm_t = e.treated > 0 ? static_cast<double>(e.treated_paid_minor) / n_t : 0;
  const double rpm_c = e.control > 0 ? static_cast<double>(e.control_paid_minor) / n_c : 0;
  if (e.treated > 0) {
    e.conversion_treated_bp = Bp(p_t);
    e.revenue_per_member_treated_minor = Round(rpm_t);
  }
  if (e.control > 0) {
    e.conversion_control_bp = Bp(p_c);
    e.revenue_per_member_control_minor = Round(rpm_c);
  }
  if (e.treated == 0 || e.control == 0) return;
  const double uplift = p_t - p_c;
  const double se = std::sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c);
  e.uplift_bp = Bp(uplift);
  e.uplift_low_bp = Bp(uplift - kZ95 * se);
  e.uplift_high_bp = Bp(uplift + kZ95 * se);
  if (p_c > 0) e.relative_uplift_bp = Bp(uplift / p_c);
  const double pooled = static_cast<double>(e.treated_buyers + e.control_buyers) / (n_t + n_c);
  const double pooled_se = std::sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c));
  if (pooled_se > 0) e.z_milli = Round(1000 * uplift / pooled_se);
  const double difference = rpm_t - rpm_c;
  e.incremental_revenue_minor = Round(difference * n_t);
  e.incremental_revenue_low_minor = Round((difference - kZ95 * paid_difference_se_minor) * n_t);
  e.incremental_revenue_high_minor = Round((difference + kZ95 * paid_difference_se_minor) * n_t);
}

void ApplyMargin(CampaignEffect& e, int64_t margin_bp) {
  e.margin_bp = margin_bp;
  e.roi_bp.reset();
  if (e.cost_minor <= 0 || !e.incremental_revenue_minor) return;
  const double margin =
      static_cast<double>(*e.incremental_revenue_minor) * static_cast<double>(margin_bp) / 10'000;
  const double cost = static_cast<double>(e.cost_minor);
  e.roi_bp = Bp((margin - cost) / cost);
}

int64_t MonthsBetween(std::string_view from, std::string_view to) {
  auto index = [](std::string_view month) {
    int year = 0, m = 0;
    if (month.size() >= 7) {
      std::from_chars(month.data(), month.data() + 4, year);
      std::from_chars(month.data() + 5, month.data() + 7, m);
    }
    return int64_t{year} * 12 + m;
  };
  return index(to) - index(from);
}

void CohortTally::Add(const MemberFacts& member) {
  if (member.enrolled_day.empty()) return;
  const std::string cohort = member.enrolled_day.substr(0, 7);
  if (cohort > today_month_) return;
  CohortRow& row = cohorts_[cohort];
  row.cohort = cohort;
  ++row.size;
  row.active.resize(static_cast<size_t>(MonthsBetween(cohort, today_month_) + 1));
  std::string counted;  // days come in order: count each month once
  for (const MemberDay& d : member.days) {
    const std::string month = d.day.substr(0, 7);
    if (month == counted || month < cohort || month > today_month_) continue;
    counted = month;
    ++row.active[static_cast<size_t>(MonthsBetween(cohort, month))];
  }
}

std::vector<CohortRow> CohortTally::Rows() const {
  std::vector<CohortRow> rows;
  for (const auto& [cohort, row] : cohorts_) rows.push_back(row);
  return rows;
}

void LiabilityTally::Add(const MemberState& member) {
  if (member.balance > 0) {
    outstanding_points_ += member.balance;
    ++members_with_points_;
  }
  for (const Lot& lot : member.lots.lots) {
    if (lot.remaining() <= 0) continue;
    by_month_[lot.days.expires_day == kNeverExpires
                  ? std::string()
                  : FormatLocalDay(lot.days.expires_day).substr(0, 7)] += lot.remaining();
  }
}

std::vector<ExpiringMonth> LiabilityTally::Months() const {
  std::vector<ExpiringMonth> months;
  for (const auto& [month, points] : by_month_) {
    if (!month.empty()) months.push_back({month, points});
  }
  if (auto never = by_month_.find(""); never != by_month_.end()) {
    months.push_back({"", never->second});
  }
  return months;
}

}  // namespace patron::sync
