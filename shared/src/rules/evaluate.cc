#include "patron/evaluate.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "patron/digest.h"
#include "patron/local_time.h"
#include "patron/money.h"

namespace patron {
namespace {

// One line of an evaluation's award.
Award Line(std::string_view kind, const std::string& campaign_id, int64_t points) {
  Award award;
  award.kind = std::string(kind);
  award.campaign_id = campaign_id;
  award.points = points;
  return award;
}

template <typename T>
bool Contains(const std::vector<T>& values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// Beyond any real basket; keeps every sum below within int64.
constexpr size_t kMaxLines = 10'000;
constexpr int64_t kMaxLineQty = 1'000'000'000;

Status CheckBasket(const EvalBasket& basket) {
  if (basket.lines.size() > kMaxLines) {
    return Status::InvalidArgument("a basket holds at most 10000 lines", "invalid_line");
  }
  if (basket.amount_minor < 0 || basket.paid_minor < 0 || basket.paid_minor > basket.amount_minor) {
    return Status::InvalidArgument("the basket needs 0 <= paid_minor <= amount_minor",
                                   "invalid_amount");
  }
  int64_t total = 0;
  for (const SaleLine& line : basket.lines) {
    if (line.amount_minor < 0 || line.qty < 0 || line.qty > kMaxLineQty) {
      return Status::InvalidArgument(
          "a basket line needs an amount >= 0 and a quantity in [0, 10^9]", "invalid_line");
    }
    PATRON_ASSIGN_OR_RETURN(total, CheckedAdd(total, line.amount_minor));
  }
  if (!basket.lines.empty() && total != basket.amount_minor) {
    return Status::InvalidArgument("the lines add up to " + std::to_string(total) +
                                       ", not amount_minor " + std::to_string(basket.amount_minor),
                                   "lines_mismatch");
  }
  return Status::OK();
}

// The money paid for `part` of the basket: points pay for every line pro
// rata, so each part keeps its share of them.
Result<int64_t> PaidFor(const EvalBasket& basket, int64_t part) {
  if (basket.amount_minor == 0) return int64_t{0};
  return ProRata(basket.paid_minor, part, basket.amount_minor);
}

// Points at `multiplier_bp` times the base rate on `paid_minor`.
Result<int64_t> PointsAt(const Rules& pack, int64_t multiplier_bp, int64_t paid_minor) {
  return EarnPoints(pack, TierRule{"", 0, multiplier_bp}, paid_minor);
}

bool InWindow(const Rules& pack, const CampaignWhen& when, const LocalDate& local, int64_t now_ms) {
  const int64_t offset = pack.utc_offset_minutes;
  // A validated pack's times parse; value_or keeps this total anyway.
  if (!when.from.empty() && now_ms < ParsePackTime(when.from, offset).value_or(INT64_MAX)) {
    return false;
  }
  if (!when.until.empty() && now_ms >= ParsePackTime(when.until, offset).value_or(0)) return false;
  if (!when.weekdays.empty() && !Contains<int64_t>(when.weekdays, local.weekday)) return false;
  if (!when.month_days.empty() && !Contains<int64_t>(when.month_days, local.day)) return false;
  const int64_t from = when.time_from.empty() ? 0 : ParseClockTime(when.time_from).value_or(0);
  const int64_t until =
      when.time_until.empty() ? 24 * 60 : ParseClockTime(when.time_until).value_or(0);
  return local.minute_of_day >= from && local.minute_of_day < until;
}

// Whether the member is in one of `segments` as far as the caller knows;
// no segments named: everyone is.
bool InAnySegment(const std::vector<std::string>& segments, const EvalMember& member) {
  if (segments.empty()) return true;
  return std::any_of(segments.begin(), segments.end(), [&](const std::string& segment) {
    return Contains(member.segments, segment);
  });
}

bool ForMember(const CampaignWho& who, const EvalMember& member, const EvalBasket& basket,
               const LocalDate& local, int64_t now_ms) {
  if (!who.tiers.empty() && !Contains(who.tiers, member.tier)) return false;
  if (!who.stores.empty() && !Contains(who.stores, basket.store_id)) return false;
  if (!InAnySegment(who.segments, member)) return false;
  if (who.joined_within_days) {
    if (member.enrolled_ms <= 0) return false;
    if (now_ms - member.enrolled_ms >= *who.joined_within_days * kMsPerDay) return false;
  }
  if (who.birthday_within_days) {
    int month = 0, day = 0;
    if (!member.birthday || !ParseBirthday(*member.birthday, month, day)) return false;
    if (DaysToAnniversary(local, month, day) > *who.birthday_within_days) return false;
  }
  if (who.first_purchase && member.last_purchase_ms != 0) return false;
  if (who.lapsed_days) {
    if (member.last_purchase_ms == 0) return false;
    if (now_ms - member.last_purchase_ms < *who.lapsed_days * kMsPerDay) return false;
  }
  return true;
}

struct Match {
  bool any = false;
  int64_t qty = 0;
  int64_t amount_minor = 0;
};

// The lines of the basket the campaign is about (CampaignBasket).
Match MatchBasket(const Rules& pack, const CampaignBasket& filter, const EvalBasket& basket,
                  int64_t eligible_amount) {
  const bool filtered = !filter.categories.empty() || !filter.skus.empty();
  Match match;
  if (basket.lines.empty()) {
    if (!filtered) match = {true, 0, eligible_amount};
    return match;
  }
  for (const SaleLine& line : basket.lines) {
    if (IsExcludedCategory(pack, line.category)) continue;
    if (filtered && !Contains(filter.categories, line.category) &&
        !Contains(filter.skus, line.sku)) {
      continue;
    }
    match.any = true;
    match.qty += line.qty;
    match.amount_minor += line.amount_minor;
  }
  return match;
}

// The member had the campaign as often as its limit allows this period.
bool LimitReached(const Rules& pack, const Campaign& campaign, const EvalMember& member,
                  int64_t now_ms) {
  const CampaignLimit& limit = campaign.limit;
  if (limit.times <= 0) return false;
  const int64_t period = LimitPeriod(pack, limit, now_ms);
  int64_t used = 0;
  for (const CampaignUse& use : member.uses) {
    if (use.campaign_id == campaign.id && LimitPeriod(pack, limit, use.at_ms) == period) ++used;
  }
  return used >= limit.times;
}

// What a campaign gives a sale whose conditions it admits.
struct Given {
  int64_t points = 0;
  int64_t discount_minor = 0;  // before what campaigns ahead of it took off
  bool voucher = false;        // it issues its voucher
};

// The money off a money-off campaign gives `matched_minor` of matching lines.
Result<int64_t> MoneyOff(const CampaignDiscount& discount, int64_t matched_minor) {
  int64_t off = discount.amount_off_minor;
  if (discount.percent_off_bp > 0) {
    PATRON_ASSIGN_OR_RETURN(off, ApplyBasisPoints(matched_minor, discount.percent_off_bp));
    if (discount.max_off_minor > 0) off = std::min(off, discount.max_off_minor);
  }
  return std::min(off, matched_minor);
}

// What a campaign gives this sale, or nullopt if a condition fails.
Result<std::optional<Given>> CampaignGives(const Rules& pack, const Campaign& campaign,
                                           const EvalMember& member, const EvalBasket& basket,
                                           const LocalDate& local, int64_t now_ms,
                                           int64_t eligible_amount) {
  const std::optional<Given> none;
  if (!InWindow(pack, campaign.when, local, now_ms)) return none;
  if (!ForMember(campaign.who, member, basket, local, now_ms)) return none;
  if (LimitReached(pack, campaign, member, now_ms)) return none;
  const Match match = MatchBasket(pack, campaign.basket, basket, eligible_amount);
  if (!match.any || match.qty < campaign.basket.min_qty ||
      match.amount_minor < campaign.basket.min_amount_minor) {
    return none;
  }
  Given given;
  given.voucher = IssuesVoucher(campaign.award);
  if (given.voucher) return std::optional<Given>(given);
  if (GivesMoneyOff(campaign.award)) {
    PATRON_ASSIGN_OR_RETURN(given.discount_minor,
                            MoneyOff(campaign.award.discount, match.amount_minor));
    return std::optional<Given>(given);
  }
  PATRON_ASSIGN_OR_RETURN(const int64_t paid, PaidFor(basket, match.amount_minor));
  PATRON_ASSIGN_OR_RETURN(given.points, CampaignAwardPoints(pack, campaign, paid));
  return std::optional<Given>(given);
}

struct Candidate {
  const Campaign* campaign = nullptr;
  Given given;
  bool held_out = false;
  bool budget_short = false;  // its budget here lacks given.points
  bool chosen = false;
  bool Absent() const { return held_out || budget_short; }
  // What best_of_group weighs: money off in a money-off group, else points.
  int64_t Weight() const { return given.discount_minor > 0 ? given.discount_minor : given.points; }
};

// Whether the campaign's budget, if it has one, lacks `points` here.
bool BudgetShort(const Campaign& campaign, const EvalBasket& basket, int64_t points) {
  if (campaign.budget.points <= 0) return false;
  const auto left = std::find_if(basket.budgets.begin(), basket.budgets.end(),
                                 [&](const BudgetLeft& b) { return b.campaign_id == campaign.id; });
  return left == basket.budgets.end() || left->points < points;
}

// Marks the candidates that apply, group by group (see evaluate.h); an
// absent one (held out, short of budget) is decided as if not there.
void ResolveStacking(std::vector<Candidate>& candidates) {
  std::vector<std::string> decided;  // exclusive and best-of groups already resolved
  for (size_t i = 0; i < candidates.size(); ++i) {
    Candidate& candidate = candidates[i];
    if (candidate.Absent()) continue;
    const Campaign& campaign = *candidate.campaign;
    if (campaign.stack_group.empty() || campaign.stack_mode == kStackAdditive) {
      candidate.chosen = true;
      continue;
    }
    if (Contains(decided, campaign.stack_group)) continue;
    decided.push_back(campaign.stack_group);
    // Candidates come in priority order, so the first is the exclusive
    // winner and the first of equals among the best.
    Candidate* best = &candidate;
    if (campaign.stack_mode == kStackBestOfGroup) {
      for (size_t j = i + 1; j < candidates.size(); ++j) {
        Candidate& other = candidates[j];
        if (other.Absent() || other.campaign->stack_group != campaign.stack_group) continue;
        if (other.Weight() > best->Weight()) best = &other;
      }
    }
    best->chosen = true;
  }
}

}  // namespace

Result<int64_t> CampaignAwardPoints(const Rules& pack, const Campaign& campaign,
                                    int64_t paid_minor) {
  const CampaignAward& award = campaign.award;
  int64_t points = 0;
  if (award.multiplier_bp > kBasisPointsPerUnit) {
    PATRON_ASSIGN_OR_RETURN(points,
                            PointsAt(pack, award.multiplier_bp - kBasisPointsPerUnit, paid_minor));
  }
  PATRON_ASSIGN_OR_RETURN(points, CheckedAdd(points, award.bonus_points));
  if (award.max_points > 0) points = std::min(points, award.max_points);
  return points;
}

bool CampaignOpenAt(const Rules& pack, const Campaign& campaign, std::string_view store_id,
                    int64_t now_ms) {
  const std::vector<std::string>& stores = campaign.who.stores;
  if (!stores.empty() && std::find(stores.begin(), stores.end(), store_id) == stores.end()) {
    return false;
  }
  return InWindow(pack, campaign.when, ToLocalDate(now_ms, pack.utc_offset_minutes), now_ms);
}

int64_t LimitPeriod(const Rules& pack, const CampaignLimit& limit, int64_t utc_ms) {
  const LocalDate local = ToLocalDate(utc_ms, pack.utc_offset_minutes);
  if (limit.per == kPerDay) return local.day_number;
  if (limit.per == kPerWeek) return local.day_number - (local.weekday - 1);
  if (limit.per == kPerMonth) return int64_t{local.year} * 12 + local.month;
  if (limit.per == kPerYear) return local.year;
  return 0;  // kPerCampaign: one period
}

bool IsHeldOut(std::string_view member_id, const Campaign& campaign) {
  if (campaign.holdout_bp <= 0) return false;
  const std::string digest = CanonicalHasher().Add(member_id).Add(campaign.id).HexDigest();
  const uint64_t number = std::stoull(digest.substr(0, 15), nullptr, 16);  // 60 bits
  return static_cast<int64_t>(number % kBasisPointsPerUnit) < campaign.holdout_bp;
}

Result<Evaluation> Evaluate(const Rules& pack, const EvalMember& member, const EvalBasket& basket,
                            int64_t now_ms) {
  PATRON_RETURN_IF_ERROR(CheckBasket(basket));
  Evaluation result;
  result.pack_version = pack.version;

  int64_t eligible_amount = basket.amount_minor;
  if (!basket.lines.empty()) {
    eligible_amount = 0;
    for (const SaleLine& line : basket.lines) {
      if (!IsExcludedCategory(pack, line.category)) eligible_amount += line.amount_minor;
    }
  }
  PATRON_ASSIGN_OR_RETURN(result.eligible_paid_minor, PaidFor(basket, eligible_amount));
  auto add = [&result](Award award) -> Status {
    PATRON_ASSIGN_OR_RETURN(result.points, CheckedAdd(result.points, award.points));
    result.awards.push_back(std::move(award));
    return Status::OK();
  };

  PATRON_ASSIGN_OR_RETURN(const int64_t base,
                          PointsAt(pack, kBasisPointsPerUnit, result.eligible_paid_minor));
  if (base != 0) PATRON_RETURN_IF_ERROR(add(Line(kAwardBase, "", base)));
  if (now_ms >= ValidUntilMs(pack)) {
    result.base_only = true;
    return result;
  }

  if (Result<TierRule> tier = FindTier(pack, member.tier); tier.ok()) {
    PATRON_ASSIGN_OR_RETURN(const int64_t at_tier,
                            PointsAt(pack, tier->earn_multiplier_bp, result.eligible_paid_minor));
    // Negative for a tier earning below the base rate.
    if (at_tier != base) {
      PATRON_RETURN_IF_ERROR(add(Line(kAwardTier, "", at_tier - base)));
    }
  }

  std::vector<const Campaign*> order;
  for (const Campaign& campaign : pack.campaigns) order.push_back(&campaign);
  std::sort(order.begin(), order.end(), [](const Campaign* a, const Campaign* b) {
    return a->priority != b->priority ? a->priority > b->priority : a->id < b->id;
  });
  const LocalDate local = ToLocalDate(now_ms, pack.utc_offset_minutes);
  std::vector<Candidate> candidates;
  for (const Campaign* campaign : order) {
    PATRON_ASSIGN_OR_RETURN(
        std::optional<Given> given,
        CampaignGives(pack, *campaign, member, basket, local, now_ms, eligible_amount));
    if (!given || (given->points <= 0 && given->discount_minor <= 0 && !given->voucher)) continue;
    const bool held_out = IsHeldOut(member.member_id, *campaign);
    // A member held out takes nothing from the budget.
    const bool short_of_budget = !held_out && BudgetShort(*campaign, basket, given->points);
    candidates.push_back({campaign, *given, held_out, short_of_budget, false});
  }
  // Which would apply were none absent: only those get a line saying why
  // they were not given.
  std::vector<Candidate> all_present = candidates;
  for (Candidate& candidate : all_present) candidate.held_out = candidate.budget_short = false;
  ResolveStacking(all_present);
  ResolveStacking(candidates);
  int64_t basket_left = basket.amount_minor;  // for money off
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& candidate = candidates[i];
    if (!candidate.chosen && !(candidate.Absent() && all_present[i].chosen)) continue;
    Award line =
        Line(kAwardCampaign, candidate.campaign->id, candidate.chosen ? candidate.given.points : 0);
    line.held_out = candidate.held_out;
    line.issues_voucher = candidate.chosen && candidate.given.voucher;
    if (candidate.budget_short) line.budget_short = candidate.given.points;
    if (candidate.chosen && candidate.given.discount_minor > 0) {
      line.discount_minor = std::min(candidate.given.discount_minor, basket_left);
      if (line.discount_minor == 0) continue;  // the basket was all taken off
      basket_left -= line.discount_minor;
      result.discount_minor += line.discount_minor;  // within amount_minor
    }
    PATRON_RETURN_IF_ERROR(add(std::move(line)));
  }
  return result;
}

}  // namespace patron
