// What head office's insights run finds (DESIGN.md §10, PROGRAMME.md §4):
// each campaign's effect against its holdout, monthly cohort retention,
// and the points liability with its expiry by month. The run reads the
// members, their purchase days (analytics_store.h MemberDay) and which
// campaigns gave to or held out each of them (CampaignMember, kept by the
// fold), and stores one InsightRun; reports read the latest.
#ifndef PATRON_SYNC_SERVER_INSIGHT_RECORDS_H_
#define PATRON_SYNC_SERVER_INSIGHT_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "patron/record/field.h"

namespace patron::sync {

// How many of one member's sales a campaign was evaluated on and given
// (awards) or held out (the member is in its control group), as the fold
// files sales. Refunds do not take awards back: taking part is what counts.
struct CampaignMember {
  std::string member_id;
  std::string campaign_id;
  int64_t awards = 0;
  int64_t held_out = 0;
  friend bool operator==(const CampaignMember&, const CampaignMember&) = default;
};

// One campaign's effect, by assigned group (intention to treat): the
// eligible members are those its `who` conditions admit at the start of its
// window (insights.h EligibleFor), split into treated and control by the
// hash the tills use (evaluate.h IsHeldOut), whether or not they came to a
// till. A buyer bought anything, anywhere, in the window; revenue is money
// paid less refunded for purchases in the window. Rates and uplifts are in
// basis points (10000 = 100%); nullopt where a group is empty, or a
// repurchase window has not ended yet.
struct CampaignEffect {
  std::string campaign_id;
  std::string name;
  int64_t pack_version = 0;  // the newest pack holding it: its conditions
  std::string from_day;      // the window, inclusive, store-local days
  std::string to_day;        // the run's day while it still runs
  bool ended = false;
  int64_t holdout_bp = 0;
  int64_t treated = 0;       // eligible members outside the holdout
  int64_t control = 0;       // eligible members in it
  int64_t participants = 0;  // treated members it gave something
  int64_t treated_buyers = 0;
  int64_t control_buyers = 0;
  int64_t treated_paid_minor = 0;
  int64_t control_paid_minor = 0;
  std::optional<int64_t> conversion_treated_bp;
  std::optional<int64_t> conversion_control_bp;
  // conversion_treated - conversion_control, with its 95% confidence
  // interval (normal approximation, unpooled), and relative to control.
  std::optional<int64_t> uplift_bp;
  std::optional<int64_t> uplift_low_bp;
  std::optional<int64_t> uplift_high_bp;
  std::optional<int64_t> relative_uplift_bp;
  // The two-proportion z statistic (pooled), times 1000.
  std::optional<int64_t> z_milli;
  std::optional<int64_t> revenue_per_member_treated_minor;
  std::optional<int64_t> revenue_per_member_control_minor;
  // (revenue per treated member - per control member) x treated, with its
  // 95% interval (Welch's standard error of the difference of means).
  std::optional<int64_t> incremental_revenue_minor;
  std::optional<int64_t> incremental_revenue_low_minor;
  std::optional<int64_t> incremental_revenue_high_minor;
  // Members of the group buying within 30, 60, 90 days after the window.
  std::optional<int64_t> repurchase_30_treated_bp;
  std::optional<int64_t> repurchase_30_control_bp;
  std::optional<int64_t> repurchase_60_treated_bp;
  std::optional<int64_t> repurchase_60_control_bp;
  std::optional<int64_t> repurchase_90_treated_bp;
  std::optional<int64_t> repurchase_90_control_bp;
  // What it gave (analytics_store.h CampaignDay, summed) and what that
  // costs: points at their redemption value times the programme's observed
  // redemption rate, plus money off, plus each voucher issued at its face
  // value (its amount off, or its cap for a share off).
  int64_t points = 0;
  int64_t discount_minor = 0;
  int64_t vouchers_issued = 0;
  int64_t cost_minor = 0;
  // Set by the report for the gross margin asked for (default 100%):
  // (incremental revenue x margin - cost) / cost.
  int64_t margin_bp = 0;
  std::optional<int64_t> roi_bp;
  friend bool operator==(const CampaignEffect&, const CampaignEffect&) = default;
};

// Members who enrolled in month `cohort` ("YYYY-MM", store-local), and how
// many of them bought in that month and each month after it, up to the
// run's: active[k] for month cohort + k.
struct CohortRow {
  std::string cohort;
  int64_t size = 0;
  std::vector<int64_t> active;
  friend bool operator==(const CohortRow&, const CohortRow&) = default;
};

// Points that expire in one month ("YYYY-MM"; "" for points that never do).
struct ExpiringMonth {
  std::string month;
  int64_t points = 0;
  friend bool operator==(const ExpiringMonth&, const ExpiringMonth&) = default;
};

// One insights run as of a store-local day.
struct InsightRun {
  int64_t run = 0;  // 1, 2, ...
  std::string as_of_day;
  int64_t ran_ms = 0;
  int64_t members = 0;  // member rows read
  // The liability: points members hold (positive balances), their money
  // value when redeemed under the active pack, and how many members hold
  // any.
  int64_t outstanding_points = 0;
  int64_t outstanding_value_minor = 0;
  int64_t members_with_points = 0;
  // Points redeemed per point earned or given, ever (store days): what the
  // costs above assume.
  int64_t redemption_rate_bp = 0;
  record::JsonList<ExpiringMonth> expiring;  // by month, "" last
  record::JsonList<CohortRow> cohorts;       // by cohort
  record::JsonList<CampaignEffect> effects;  // by campaign id
  friend bool operator==(const InsightRun&, const InsightRun&) = default;
};

// Sets margin_bp and roi_bp: (incremental revenue x margin - cost) / cost;
// none without a cost or an incremental revenue (service/insights.cc).
void ApplyMargin(CampaignEffect& effect, int64_t margin_bp);

}  // namespace patron::sync

namespace patron::record {

template <>
struct Schema<sync::CampaignMember> {
  static constexpr std::string_view kName = "campaign_member";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::CampaignMember::member_id>{"member_id"},
      Field<&sync::CampaignMember::campaign_id>{"campaign_id"},
      Field<&sync::CampaignMember::awards>{"awards"},
      Field<&sync::CampaignMember::held_out>{"held_out"},
  };
};

template <>
struct Schema<sync::CampaignEffect> {
  static constexpr std::string_view kName = "campaign_effect";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::CampaignEffect::campaign_id>{"campaign_id"},
      Field<&sync::CampaignEffect::name>{"name"},
      Field<&sync::CampaignEffect::pack_version>{"pack_version"},
      Field<&sync::CampaignEffect::from_day>{"from_day"},
      Field<&sync::CampaignEffect::to_day>{"to_day"},
      Field<&sync::CampaignEffect::ended>{"ended"},
      Field<&sync::CampaignEffect::holdout_bp>{"holdout_bp"},
      Field<&sync::CampaignEffect::treated>{"treated"},
      Field<&sync::CampaignEffect::control>{"control"},
      Field<&sync::CampaignEffect::participants>{"participants"},
      Field<&sync::CampaignEffect::treated_buyers>{"treated_buyers"},
      Field<&sync::CampaignEffect::control_buyers>{"control_buyers"},
      Field<&sync::CampaignEffect::treated_paid_minor>{"treated_paid_minor"},
      Field<&sync::CampaignEffect::control_paid_minor>{"control_paid_minor"},
      Field<&sync::CampaignEffect::conversion_treated_bp>{"conversion_treated_bp"},
      Field<&sync::CampaignEffect::conversion_control_bp>{"conversion_control_bp"},
      Field<&sync::CampaignEffect::uplift_bp>{"uplift_bp"},
      Field<&sync::CampaignEffect::uplift_low_bp>{"uplift_low_bp"},
      Field<&sync::CampaignEffect::uplift_high_bp>{"uplift_high_bp"},
      Field<&sync::CampaignEffect::relative_uplift_bp>{"relative_uplift_bp"},
      Field<&sync::CampaignEffect::z_milli>{"z_milli"},
      Field<&sync::CampaignEffect::revenue_per_member_treated_minor>{
          "revenue_per_member_treated_minor"},
      Field<&sync::CampaignEffect::revenue_per_member_control_minor>{
          "revenue_per_member_control_minor"},
      Field<&sync::CampaignEffect::incremental_revenue_minor>{"incremental_revenue_minor"},
      Field<&sync::CampaignEffect::incremental_revenue_low_minor>{"incremental_revenue_low_minor"},
      Field<&sync::CampaignEffect::incremental_revenue_high_minor>{
          "incremental_revenue_high_minor"},
      Field<&sync::CampaignEffect::repurchase_30_treated_bp>{"repurchase_30_treated_bp"},
      Field<&sync::CampaignEffect::repurchase_30_control_bp>{"repurchase_30_control_bp"},
      Field<&sync::CampaignEffect::repurchase_60_treated_bp>{"repurchase_60_treated_bp"},
      Field<&sync::CampaignEffect::repurchase_60_control_bp>{"repurchase_60_control_bp"},
      Field<&sync::CampaignEffect::repurchase_90_treated_bp>{"repurchase_90_treated_bp"},
      Field<&sync::CampaignEffect::repurchase_90_control_bp>{"repurchase_90_control_bp"},
      Field<&sync::CampaignEffect::points>{"points"},
      Field<&sync::CampaignEffect::discount_minor>{"discount_minor"},
      Field<&sync::CampaignEffect::vouchers_issued>{"vouchers_issued"},
      Field<&sync::CampaignEffect::cost_minor>{"cost_minor"},
      Field<&sync::CampaignEffect::margin_bp>{"margin_bp"},
      Field<&sync::CampaignEffect::roi_bp>{"roi_bp"},
  };
};

template <>
struct Schema<sync::CohortRow> {
  static constexpr std::string_view kName = "cohort";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::CohortRow::cohort>{"cohort"},
      Field<&sync::CohortRow::size>{"size"},
      Field<&sync::CohortRow::active>{"active"},
  };
};

template <>
struct Schema<sync::ExpiringMonth> {
  static constexpr std::string_view kName = "expiring_month";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::ExpiringMonth::month>{"month"},
      Field<&sync::ExpiringMonth::points>{"points"},
  };
};

template <>
struct Schema<sync::InsightRun> {
  static constexpr std::string_view kName = "insight_run";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::InsightRun::run>{"run"},
      Field<&sync::InsightRun::as_of_day>{"as_of_day"},
      Field<&sync::InsightRun::ran_ms>{"ran_ms"},
      Field<&sync::InsightRun::members>{"members"},
      Field<&sync::InsightRun::outstanding_points>{"outstanding_points"},
      Field<&sync::InsightRun::outstanding_value_minor>{"outstanding_value_minor"},
      Field<&sync::InsightRun::members_with_points>{"members_with_points"},
      Field<&sync::InsightRun::redemption_rate_bp>{"redemption_rate_bp"},
      Field<&sync::InsightRun::expiring>{"expiring"},
      Field<&sync::InsightRun::cohorts>{"cohorts"},
      Field<&sync::InsightRun::effects>{"effects"},
  };
};

}  // namespace patron::record

#endif  // PATRON_SYNC_SERVER_INSIGHT_RECORDS_H_
