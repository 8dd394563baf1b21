// Head office's analytics (DESIGN.md §10): rollups the fold keeps up to
// date as it files entries and records (service/analytics_folder.h), so a
// report reads O(stores x days) rows or one page, never the ledger. A role
// of the server's store (server_store.h).
//
// Every figure is a sum the folder adds to; the rows are keyed so that
// adding is all a store does. Days are the store-local date of the event
// ("YYYY-MM-DD", the active pack's utc_offset_minutes), which sorts as text.
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - Add* adds each figure of the delta to its row, creating the row at
//     zero first; keys are never changed;
//   - AddMemberDay tells whether the (member, day, store) row and the
//     member's (member, day) were new, and keeps the member's summary: its
//     purchase days, first and last day (the first with its store, the
//     least store id on a tie), sales, money paid and refunded;
//   - ClearAnalytics empties every table and sets the watermark to 0;
//   - reads return rows in key order, filtered as asked, at most `limit`,
//     after the key `after` when it is given (paging).
#ifndef PATRON_SYNC_SERVER_ANALYTICS_STORE_H_
#define PATRON_SYNC_SERVER_ANALYTICS_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/offer.h"
#include "patron/record/field.h"
#include "patron/status.h"
#include "patron/sync_server/insight_records.h"

namespace patron::sync {

// One store's day. Money in minor units; points as positive amounts except
// where a sign is named.
struct StoreDay {
  std::string store_id;  // "" for head office's own entries (expiry, corrections)
  std::string day;
  int64_t sales = 0;            // sale records made at the store that day
  int64_t members_buying = 0;   // distinct members among them
  int64_t first_purchases = 0;  // members whose earliest purchase this was
  int64_t new_members = 0;      // members enrolled at the store that day
  int64_t basket_minor = 0;     // the sales' totals before any discount
  int64_t campaign_off_minor = 0;
  int64_t voucher_off_minor = 0;
  int64_t points_off_minor = 0;  // paid with points
  int64_t paid_minor = 0;        // paid with money
  int64_t vouchers_used = 0;
  int64_t refunds = 0;          // refund records made at the store that day
  int64_t refunded_minor = 0;   // money handed back
  int64_t points_earned = 0;    // earn entries
  int64_t points_bonus = 0;     // bonus entries (campaigns, vouchers)
  int64_t points_redeemed = 0;  // redeem entries
  int64_t points_expired = 0;   // expire entries
  int64_t points_reversed = 0;  // reverse entries, signed (a reversal of a redeem is +)
  int64_t points_adjusted = 0;  // adjust entries, signed
  int64_t points_net = 0;       // every entry's effect on balances, signed
  friend bool operator==(const StoreDay&, const StoreDay&) = default;
};

// Sales of one category at one store on one day (gross: refunds are not
// taken off, a refund by amount naming no lines).
struct CategoryDay {
  std::string store_id;
  std::string day;
  std::string category;  // "" for lines the POS sent none for
  int64_t lines = 0;
  int64_t qty = 0;
  int64_t amount_minor = 0;
  friend bool operator==(const CategoryDay&, const CategoryDay&) = default;
};

// What one campaign gave at one store on one day.
struct CampaignDay {
  std::string campaign_id;
  std::string store_id;
  std::string day;
  int64_t awards = 0;          // sales it gave something
  int64_t held_out = 0;        // sales of its control group's members
  int64_t points = 0;          // bonus points given
  int64_t discount_minor = 0;  // money off given
  int64_t vouchers_issued = 0;
  int64_t paid_minor = 0;  // money paid by the sales it gave to
  int64_t held_out_paid_minor = 0;
  friend bool operator==(const CampaignDay&, const CampaignDay&) = default;
};

// Earning by the member's tier (their earn entries) on one day.
struct TierDay {
  std::string tier;  // as the till named it; "" before tiers
  std::string day;
  int64_t earns = 0;
  int64_t spend_minor = 0;  // qualifying spend earned on (reversals not taken off)
  int64_t points = 0;
  friend bool operator==(const TierDay&, const TierDay&) = default;
};

// One member's purchases at one store on one day; refunds are taken off
// the day of the sale they refund.
struct MemberDay {
  std::string member_id;
  std::string day;
  std::string store_id;
  int64_t sales = 0;
  int64_t paid_minor = 0;
  int64_t refunded_minor = 0;
  friend bool operator==(const MemberDay&, const MemberDay&) = default;
};

// A member's purchases in sum (MemberDay rows, kept by AddMemberDay).
struct MemberSummary {
  std::string member_id;
  std::string first_day;
  std::string first_store;
  std::string last_day;
  int64_t purchase_days = 0;  // distinct days with a sale, any store
  int64_t sales = 0;
  int64_t paid_minor = 0;
  int64_t refunded_minor = 0;
  friend bool operator==(const MemberSummary&, const MemberSummary&) = default;
};

// What one member bought of one category (favourites, recommendations).
struct MemberCategory {
  std::string member_id;
  std::string category;
  int64_t qty = 0;
  int64_t amount_minor = 0;
  std::string last_day;
  friend bool operator==(const MemberCategory&, const MemberCategory&) = default;
};

// A next-best offer for a member (service/recommendations.h): a category,
// and why.
inline constexpr std::string_view kOfferAgain = "again";        // a favourite not bought lately
inline constexpr std::string_view kOfferTogether = "together";  // bought with what they buy
// A next-best offer (recommendations.h): the record tills receive too
// (offer.h), so one table defines its fields on both sides.
using MemberOffer = Offer;

// A member's metrics as of one day (member_metrics.h computes them;
// PROGRAMME.md §4): RFM over the last 365 days, lifecycle, purchase
// interval, favourites, and the pack's segments the member is in.
struct MemberMetrics {
  std::string member_id;
  std::string as_of_day;
  int64_t recency_days = 0;                       // since the last purchase day
  int64_t frequency = 0;                          // purchase days in the last 365 days
  int64_t monetary_minor = 0;                     // money paid less refunded for them
  int64_t r_score = 0;                            // 1-5: quintiles, the most recent 5
  int64_t f_score = 0;                            // 1-5: 1, 2, 3-4, 5-9, 10+ purchase days (0: 1)
  int64_t m_score = 0;                            // 1-5: quintiles
  std::string rfm_segment;                        // segment.h RfmSegmentOf
  std::string lifecycle;                          // segment.h LifecycleOf
  int64_t ipi_days = 0;                           // mean days between purchase days; 0 with one
  std::vector<std::string> favourite_categories;  // up to 3, most money first
  std::vector<std::string> segments;              // the pack's, by id
  // The predicted-value model (service/clv_model.h: BG/NBD and Gamma-Gamma
  // fitted on every member who bought): the chance the member is still a
  // customer, and what they will spend in the next 12 months. nullopt when
  // the model could not be fitted (too few repeat buyers).
  std::optional<int64_t> p_alive_bp;
  std::optional<int64_t> predicted_spend_minor;
  record::JsonList<MemberOffer> offers;  // next-best offers, the best first
  friend bool operator==(const MemberMetrics&, const MemberMetrics&) = default;
};

// How many members one segment of a run holds, and how many came and went
// since the run before.
struct SegmentSize {
  std::string segment_id;
  int64_t members = 0;
  int64_t entered = 0;
  int64_t left = 0;
  friend bool operator==(const SegmentSize&, const SegmentSize&) = default;
};

// Members by RFM segment and lifecycle in a run.
struct RfmCell {
  std::string rfm_segment;
  std::string lifecycle;
  int64_t members = 0;
  int64_t monetary_minor = 0;
  friend bool operator==(const RfmCell&, const RfmCell&) = default;
};

// One computation of every member's metrics and segments: its version is
// the version of the "segments" set it shipped to tills.
struct SegmentRun {
  int64_t version = 0;
  std::string as_of_day;
  int64_t ran_ms = 0;
  int64_t pack_version = 0;  // whose segments
  int64_t members = 0;       // members with metrics
  record::JsonList<SegmentSize> sizes;
  record::JsonList<RfmCell> rfm;
  friend bool operator==(const SegmentRun&, const SegmentRun&) = default;
};

// Which rows AddMemberDay created.
struct MemberDayNews {
  bool new_store_day = false;  // the (member, day, store) row
  bool new_day = false;        // the member's first row on that day
  bool new_member = false;     // the member's first row of all
  // The member's first (day, store) before and after, when it moved (or
  // was set): first purchases move with it.
  std::optional<std::pair<std::string, std::string>> first_was;
  std::optional<std::pair<std::string, std::string>> first_now;
};

// Which rows a report reads: a store (empty: all) and an inclusive range of
// days (empty: unbounded).
struct DayRange {
  std::string store_id;
  std::string from_day;
  std::string to_day;
};

class AnalyticsTxn {
 public:
  virtual ~AnalyticsTxn() = default;

  // The last change sequence the analytics include.
  virtual Result<int64_t> AnalyticsSeq() = 0;
  // Write transactions only.
  virtual Status SetAnalyticsSeq(int64_t seq) = 0;
  // The UTC offset their days are local to (the active pack's when they
  // were made).
  virtual Result<int64_t> AnalyticsOffset() = 0;
  // Write transactions only.
  virtual Status SetAnalyticsOffset(int64_t utc_offset_minutes) = 0;
  virtual Status ClearAnalytics() = 0;

  // Write transactions only: add the delta's figures to the row of its key.
  virtual Status AddStoreDay(const StoreDay& delta) = 0;
  virtual Status AddCategoryDay(const CategoryDay& delta) = 0;
  virtual Status AddCampaignDay(const CampaignDay& delta) = 0;
  virtual Status AddTierDay(const TierDay& delta) = 0;
  virtual Status AddMemberCategory(const MemberCategory& delta) = 0;  // last_day: the later
  virtual Status AddCampaignMember(const CampaignMember& delta) = 0;
  // A delta with no sales (a refund) changes only a row that exists, and
  // the summary.
  virtual Result<MemberDayNews> AddMemberDay(const MemberDay& delta) = 0;
  // For a rebuild: each store's enrolments by local day, as new_members of
  // StoreDay rows (every other figure 0), from the members' rows.
  virtual Result<std::vector<StoreDay>> EnrolmentsByDay(int64_t utc_offset_minutes) = 0;

  virtual Result<std::vector<StoreDay>> StoreDays(const DayRange& range) = 0;
  virtual Result<std::vector<CategoryDay>> CategoryDays(const DayRange& range) = 0;
  // campaign_id "": every campaign.
  virtual Result<std::vector<CampaignDay>> CampaignDays(const std::string& campaign_id,
                                                        const DayRange& range) = 0;
  virtual Result<std::vector<TierDay>> TierDays(const DayRange& range) = 0;
  virtual Result<std::optional<MemberSummary>> FindMemberSummary(const std::string& member_id) = 0;
  virtual Result<std::vector<MemberDay>> MemberDays(const std::string& member_id) = 0;
  virtual Result<std::vector<MemberCategory>> MemberCategories(const std::string& member_id) = 0;
  // Members by id after `after`, at most `limit`.
  virtual Result<std::vector<MemberSummary>> MemberSummaries(const std::string& after,
                                                             int limit) = 0;
  // Rows of the members with after < member_id <= through, by member, then
  // key: what a metrics run reads a page of members with.
  virtual Result<std::vector<MemberDay>> MemberDaysBetween(const std::string& after,
                                                           const std::string& through) = 0;
  virtual Result<std::vector<MemberCategory>> MemberCategoriesBetween(
      const std::string& after, const std::string& through) = 0;
  virtual Result<std::vector<MemberMetrics>> MemberMetricsBetween(const std::string& after,
                                                                  const std::string& through) = 0;
  virtual Result<std::vector<CampaignMember>> CampaignMembersBetween(
      const std::string& after, const std::string& through) = 0;
  // One member's rows, by campaign.
  virtual Result<std::vector<CampaignMember>> CampaignMembersOf(const std::string& member_id) = 0;
  virtual Result<std::optional<MemberMetrics>> FindMemberMetrics(const std::string& member_id) = 0;
  // Write transactions only: replaces the member's row.
  virtual Status PutMemberMetrics(const MemberMetrics& metrics) = 0;
  // Write transactions only; a version is stored once.
  virtual Status PutSegmentRun(const SegmentRun& run) = 0;
  // The run of `version`, or the latest (version 0); nullopt: none.
  virtual Result<std::optional<SegmentRun>> FindSegmentRun(int64_t version) = 0;
  // Write transactions only; a run is stored once.
  virtual Status PutInsightRun(const InsightRun& run) = 0;
  // The run numbered `run`, or the latest (0); nullopt: none.
  virtual Result<std::optional<InsightRun>> FindInsightRun(int64_t run) = 0;
};

}  // namespace patron::sync

namespace patron::record {

template <>
struct Schema<sync::StoreDay> {
  static constexpr std::string_view kName = "store_day";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::StoreDay::store_id>{"store_id"},
      Field<&sync::StoreDay::day>{"day"},
      Field<&sync::StoreDay::sales>{"sales"},
      Field<&sync::StoreDay::members_buying>{"members_buying"},
      Field<&sync::StoreDay::first_purchases>{"first_purchases"},
      Field<&sync::StoreDay::new_members>{"new_members"},
      Field<&sync::StoreDay::basket_minor>{"basket_minor"},
      Field<&sync::StoreDay::campaign_off_minor>{"campaign_off_minor"},
      Field<&sync::StoreDay::voucher_off_minor>{"voucher_off_minor"},
      Field<&sync::StoreDay::points_off_minor>{"points_off_minor"},
      Field<&sync::StoreDay::paid_minor>{"paid_minor"},
      Field<&sync::StoreDay::vouchers_used>{"vouchers_used"},
      Field<&sync::StoreDay::refunds>{"refunds"},
      Field<&sync::StoreDay::refunded_minor>{"refunded_minor"},
      Field<&sync::StoreDay::points_earned>{"points_earned"},
      Field<&sync::StoreDay::points_bonus>{"points_bonus"},
      Field<&sync::StoreDay::points_redeemed>{"points_redeemed"},
      Field<&sync::StoreDay::points_expired>{"points_expired"},
      Field<&sync::StoreDay::points_reversed>{"points_reversed"},
      Field<&sync::StoreDay::points_adjusted>{"points_adjusted"},
      Field<&sync::StoreDay::points_net>{"points_net"},
  };
};

template <>
struct Schema<sync::CategoryDay> {
  static constexpr std::string_view kName = "category_day";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::CategoryDay::store_id>{"store_id"},
      Field<&sync::CategoryDay::day>{"day"},
      Field<&sync::CategoryDay::category>{"category"},
      Field<&sync::CategoryDay::lines>{"lines"},
      Field<&sync::CategoryDay::qty>{"qty"},
      Field<&sync::CategoryDay::amount_minor>{"amount_minor"},
  };
};

template <>
struct Schema<sync::CampaignDay> {
  static constexpr std::string_view kName = "campaign_day";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::CampaignDay::campaign_id>{"campaign_id"},
      Field<&sync::CampaignDay::store_id>{"store_id"},
      Field<&sync::CampaignDay::day>{"day"},
      Field<&sync::CampaignDay::awards>{"awards"},
      Field<&sync::CampaignDay::held_out>{"held_out"},
      Field<&sync::CampaignDay::points>{"points"},
      Field<&sync::CampaignDay::discount_minor>{"discount_minor"},
      Field<&sync::CampaignDay::vouchers_issued>{"vouchers_issued"},
      Field<&sync::CampaignDay::paid_minor>{"paid_minor"},
      Field<&sync::CampaignDay::held_out_paid_minor>{"held_out_paid_minor"},
  };
};

template <>
struct Schema<sync::TierDay> {
  static constexpr std::string_view kName = "tier_day";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::TierDay::tier>{"tier"},     Field<&sync::TierDay::day>{"day"},
      Field<&sync::TierDay::earns>{"earns"},   Field<&sync::TierDay::spend_minor>{"spend_minor"},
      Field<&sync::TierDay::points>{"points"},
  };
};

template <>
struct Schema<sync::MemberDay> {
  static constexpr std::string_view kName = "member_day";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::MemberDay::member_id>{"member_id"},
      Field<&sync::MemberDay::day>{"day"},
      Field<&sync::MemberDay::store_id>{"store_id"},
      Field<&sync::MemberDay::sales>{"sales"},
      Field<&sync::MemberDay::paid_minor>{"paid_minor"},
      Field<&sync::MemberDay::refunded_minor>{"refunded_minor"},
  };
};

template <>
struct Schema<sync::MemberSummary> {
  static constexpr std::string_view kName = "member_summary";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::MemberSummary::member_id>{"member_id"},
      Field<&sync::MemberSummary::first_day>{"first_day"},
      Field<&sync::MemberSummary::first_store>{"first_store"},
      Field<&sync::MemberSummary::last_day>{"last_day"},
      Field<&sync::MemberSummary::purchase_days>{"purchase_days"},
      Field<&sync::MemberSummary::sales>{"sales"},
      Field<&sync::MemberSummary::paid_minor>{"paid_minor"},
      Field<&sync::MemberSummary::refunded_minor>{"refunded_minor"},
  };
};

template <>
struct Schema<sync::MemberCategory> {
  static constexpr std::string_view kName = "member_category";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::MemberCategory::member_id>{"member_id"},
      Field<&sync::MemberCategory::category>{"category"},
      Field<&sync::MemberCategory::qty>{"qty"},
      Field<&sync::MemberCategory::amount_minor>{"amount_minor"},
      Field<&sync::MemberCategory::last_day>{"last_day"},
  };
};

}  // namespace patron::record

namespace patron::record {

template <>
struct Schema<sync::MemberMetrics> {
  static constexpr std::string_view kName = "member_metrics";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::MemberMetrics::member_id>{"member_id"},
      Field<&sync::MemberMetrics::as_of_day>{"as_of_day"},
      Field<&sync::MemberMetrics::recency_days>{"recency_days"},
      Field<&sync::MemberMetrics::frequency>{"frequency"},
      Field<&sync::MemberMetrics::monetary_minor>{"monetary_minor"},
      Field<&sync::MemberMetrics::r_score>{"r_score"},
      Field<&sync::MemberMetrics::f_score>{"f_score"},
      Field<&sync::MemberMetrics::m_score>{"m_score"},
      Field<&sync::MemberMetrics::rfm_segment>{"rfm_segment"},
      Field<&sync::MemberMetrics::lifecycle>{"lifecycle"},
      Field<&sync::MemberMetrics::ipi_days>{"ipi_days"},
      Field<&sync::MemberMetrics::favourite_categories>{"favourite_categories"},
      Field<&sync::MemberMetrics::segments>{"segments"},
      Field<&sync::MemberMetrics::p_alive_bp>{"p_alive_bp"},
      Field<&sync::MemberMetrics::predicted_spend_minor>{"predicted_spend_minor"},
      Field<&sync::MemberMetrics::offers>{"offers"},
  };
};

template <>
struct Schema<sync::SegmentSize> {
  static constexpr std::string_view kName = "segment_size";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::SegmentSize::segment_id>{"segment_id"},
      Field<&sync::SegmentSize::members>{"members"},
      Field<&sync::SegmentSize::entered>{"entered"},
      Field<&sync::SegmentSize::left>{"left"},
  };
};

template <>
struct Schema<sync::RfmCell> {
  static constexpr std::string_view kName = "rfm_cell";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::RfmCell::rfm_segment>{"rfm_segment"},
      Field<&sync::RfmCell::lifecycle>{"lifecycle"},
      Field<&sync::RfmCell::members>{"members"},
      Field<&sync::RfmCell::monetary_minor>{"monetary_minor"},
  };
};

template <>
struct Schema<sync::SegmentRun> {
  static constexpr std::string_view kName = "segment_run";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::SegmentRun::version>{"version"},
      Field<&sync::SegmentRun::as_of_day>{"as_of_day"},
      Field<&sync::SegmentRun::ran_ms>{"ran_ms"},
      Field<&sync::SegmentRun::pack_version>{"pack_version"},
      Field<&sync::SegmentRun::members>{"members"},
      Field<&sync::SegmentRun::sizes>{"sizes"},
      Field<&sync::SegmentRun::rfm>{"rfm"},
  };
};

}  // namespace patron::record

#endif  // PATRON_SYNC_SERVER_ANALYTICS_STORE_H_
