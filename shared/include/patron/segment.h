// Member segments (DESIGN.md §10): named rules over the member metrics head
// office computes (RFM, lifecycle, favourite categories, spend) and the
// profile (tier, enrolment store, birthday month). They are part of the rule
// pack; head office works out who is in each on a schedule and ships the
// membership to every till (the replace-all set "segments"), so campaigns
// target segments offline (CampaignWho::segments).
//
// RFM (PROGRAMME.md §4): R, F and M scores 1-5 name one of the segments of
// the rsquaredacademy/rfm table, first match wins:
//
//   segment              R    F    M
//   champions            5    5    5
//   potential_loyalist   3-5  3-5  2-5
//   loyal                2-4  2-4  2-4
//   promising            3-4  1-3  3-5
//   new                  4-5  1-3  any
//   cant_lose            1-2  3-4  4-5
//   at_risk              1-2  2-5  4-5
//   need_attention       1-3  3-5  3-5
//   about_to_sleep       2-3  1-3  1-4
//   lost                 1    any  any
//   others               none of the above
#ifndef PATRON_SEGMENT_H_
#define PATRON_SEGMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/record/field.h"
#include "patron/status.h"

namespace patron {

// Every RFM segment name, in the table's order, then "others".
const std::vector<std::string_view>& RfmSegmentNames();
// The RFM segment of scores 1-5 (out-of-range scores are clamped).
std::string_view RfmSegmentOf(int r, int f, int m);

// Lifecycle statuses (PROGRAMME.md §4): a member's first purchase at most 30
// days ago is "new"; otherwise, with R the days since the last purchase and
// IPI the member's mean days between purchase days (none with one day):
// "active" while R <= max(45, 1.5 x IPI), "at_risk" while R <= max(90, 3 x
// IPI), then "lapsed". The mean stands in for PROGRAMME.md's median (head
// office keeps each member's first and last day and count, not each gap).
inline constexpr std::string_view kLifecycleNew = "new";
inline constexpr std::string_view kLifecycleActive = "active";
inline constexpr std::string_view kLifecycleAtRisk = "at_risk";
inline constexpr std::string_view kLifecycleLapsed = "lapsed";
const std::vector<std::string_view>& LifecycleNames();
// ipi_days 0: one purchase day only.
std::string_view LifecycleOf(int64_t days_since_first, int64_t days_since_last, int64_t ipi_days);

// A segment of the pack: every condition given must hold (an empty list or
// an absent bound holds for everyone).
struct SegmentRule {
  std::string id;                         // what campaigns name: [a-z0-9_-], at most 64
  std::string name;                       // for people: "高价值会员 Champions"
  std::vector<std::string> rfm_segments;  // RfmSegmentNames
  std::vector<std::string> lifecycles;    // LifecycleNames
  std::vector<std::string> tiers;         // tier names of the pack
  std::vector<std::string> stores;        // the member's enrolment store
  // Among the member's three favourite categories (by money spent).
  std::string favourite_category;
  // Net spend in the last 12 months, minor units: at least / below.
  std::optional<int64_t> min_spend_minor;
  std::optional<int64_t> max_spend_minor;
  std::vector<int64_t> birthday_months;  // 1-12
  friend bool operator==(const SegmentRule&, const SegmentRule&) = default;
};

// What a segment rule reads of one member.
struct SegmentFacts {
  std::string rfm_segment;
  std::string lifecycle;
  std::string tier;
  std::string store;
  std::vector<std::string> favourite_categories;
  int64_t spend_minor = 0;
  int birthday_month = 0;  // 0: unknown
};

bool InSegment(const SegmentRule& rule, const SegmentFacts& facts);

// The replace-all set (sync/down_items.h SetPart) head office ships the
// membership in, one row per member in at least one segment.
inline constexpr std::string_view kSegmentsSet = "segments";
struct MemberSegments {
  std::string member_id;
  std::vector<std::string> segments;  // segment ids, in the pack's order
  friend bool operator==(const MemberSegments&, const MemberSegments&) = default;
};

// InvalidArgument "invalid_rules" naming the field (segments[i]....): ids
// well formed and unique, names known, tiers of the pack, bounds ordered,
// months 1-12. `tiers`: the pack's tier names.
Status ValidateSegments(const std::vector<SegmentRule>& segments,
                        const std::vector<std::string>& tiers);

}  // namespace patron

namespace patron::record {

template <>
struct Schema<MemberSegments> {
  static constexpr std::string_view kName = "member_segments";
  static constexpr auto kFields = record::FieldList{
      Field<&MemberSegments::member_id>{"member_id"},
      Field<&MemberSegments::segments>{"segments"},
  };
};

template <>
struct Schema<SegmentRule> {
  static constexpr std::string_view kName = "segment";
  static constexpr auto kFields = record::FieldList{
      Field<&SegmentRule::id>{"id"},
      Field<&SegmentRule::name>{"name", {}, kOmitDefault},
      Field<&SegmentRule::rfm_segments>{"rfm_segments", {}, kOmitDefault},
      Field<&SegmentRule::lifecycles>{"lifecycles", {}, kOmitDefault},
      Field<&SegmentRule::tiers>{"tiers", {}, kOmitDefault},
      Field<&SegmentRule::stores>{"stores", {}, kOmitDefault},
      Field<&SegmentRule::favourite_category>{"favourite_category", {}, kOmitDefault},
      Field<&SegmentRule::min_spend_minor>{"min_spend_minor", {}, kOmitDefault},
      Field<&SegmentRule::max_spend_minor>{"max_spend_minor", {}, kOmitDefault},
      Field<&SegmentRule::birthday_months>{"birthday_months", {}, kOmitDefault},
  };
};

}  // namespace patron::record

#endif  // PATRON_SEGMENT_H_
