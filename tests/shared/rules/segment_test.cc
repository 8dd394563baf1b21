// Member segments (segment.h): the RFM table, lifecycle thresholds, a
// segment rule's conditions, and its validation.
#include "patron/segment.h"

#include <doctest/doctest.h>

#include "patron/rules.h"

namespace patron {
namespace {

TEST_CASE("RFM scores name the table's segment, first match wins") {
  CHECK(RfmSegmentOf(5, 5, 5) == "champions");
  CHECK(RfmSegmentOf(4, 4, 4) == "potential_loyalist");  // also loyal: the first wins
  CHECK(RfmSegmentOf(2, 2, 2) == "loyal");
  CHECK(RfmSegmentOf(3, 1, 4) == "promising");
  CHECK(RfmSegmentOf(5, 1, 1) == "new");
  CHECK(RfmSegmentOf(2, 3, 5) == "cant_lose");
  CHECK(RfmSegmentOf(1, 5, 5) == "at_risk");
  CHECK(RfmSegmentOf(3, 5, 3) == "potential_loyalist");
  CHECK(RfmSegmentOf(1, 3, 3) == "need_attention");
  CHECK(RfmSegmentOf(3, 1, 1) == "about_to_sleep");
  CHECK(RfmSegmentOf(1, 1, 1) == "lost");
  CHECK(RfmSegmentOf(2, 1, 5) == "others");
  CHECK(RfmSegmentOf(9, 9, 9) == "champions");  // clamped
  CHECK(RfmSegmentNames().size() == 11);
}

TEST_CASE("lifecycle: new for 30 days, then active, at risk and lapsed by the member's interval") {
  CHECK(LifecycleOf(30, 30, 0) == kLifecycleNew);
  CHECK(LifecycleOf(31, 45, 0) == kLifecycleActive);
  CHECK(LifecycleOf(31, 46, 0) == kLifecycleAtRisk);
  CHECK(LifecycleOf(200, 90, 0) == kLifecycleAtRisk);
  CHECK(LifecycleOf(200, 91, 0) == kLifecycleLapsed);
  // Every 40 days on average: active up to 60 days, at risk up to 120.
  CHECK(LifecycleOf(400, 60, 40) == kLifecycleActive);
  CHECK(LifecycleOf(400, 61, 40) == kLifecycleAtRisk);
  CHECK(LifecycleOf(400, 120, 40) == kLifecycleAtRisk);
  CHECK(LifecycleOf(400, 121, 40) == kLifecycleLapsed);
}

TEST_CASE("a member is in a segment when every condition given holds") {
  SegmentFacts ann{"champions", "active", "gold", "S001", {"tea", "dairy"}, 120'000, 2};
  SegmentRule any;
  any.id = "everyone";
  CHECK(InSegment(any, ann));

  SegmentRule rule;
  rule.id = "tea-lovers";
  rule.rfm_segments = {"champions", "loyal"};
  rule.lifecycles = {"active"};
  rule.tiers = {"gold"};
  rule.stores = {"S001", "S002"};
  rule.favourite_category = "tea";
  rule.min_spend_minor = 100'000;
  rule.max_spend_minor = 120'001;
  rule.birthday_months = {1, 2};
  CHECK(InSegment(rule, ann));
  for (auto change : std::vector<void (*)(SegmentFacts&)>{
           [](SegmentFacts& f) { f.rfm_segment = "lost"; },
           [](SegmentFacts& f) { f.lifecycle = "lapsed"; },
           [](SegmentFacts& f) { f.tier = "silver"; }, [](SegmentFacts& f) { f.store = "S009"; },
           [](SegmentFacts& f) { f.favourite_categories = {"dairy"}; },
           [](SegmentFacts& f) { f.spend_minor = 99'999; },
           [](SegmentFacts& f) { f.spend_minor = 120'001; },
           [](SegmentFacts& f) { f.birthday_month = 0; }}) {
    SegmentFacts other = ann;
    change(other);
    CHECK_FALSE(InSegment(rule, other));
  }
}

TEST_CASE("a pack's segments are validated with the field named") {
  Rules pack = DefaultRules();
  SegmentRule good;
  good.id = "vip";
  good.rfm_segments = {"champions"};
  good.tiers = {"gold"};
  pack.segments = {good};
  CHECK(ValidateRules(pack).ok());

  auto refused = [&](void (*change)(SegmentRule&), const std::string& field) {
    Rules bad = pack;
    change(bad.segments[0]);
    const Status status = ValidateRules(bad);
    CHECK(status.reason() == "invalid_rules");
    CHECK_MESSAGE(status.message().find("'" + field + "'") != std::string::npos, status.message());
  };
  refused([](SegmentRule& s) { s.id = "has space"; }, "segments[0].id");
  refused([](SegmentRule& s) { s.rfm_segments = {"champion"}; }, "segments[0].rfm_segments[0]");
  refused([](SegmentRule& s) { s.lifecycles = {"dormant"}; }, "segments[0].lifecycles[0]");
  refused([](SegmentRule& s) { s.tiers = {"platinum"}; }, "segments[0].tiers[0]");
  refused([](SegmentRule& s) { s.stores = {""}; }, "segments[0].stores[0]");
  refused([](SegmentRule& s) { s.birthday_months = {13}; }, "segments[0].birthday_months[0]");
  refused(
      [](SegmentRule& s) {
        s.min_spend_minor = 500;
        s.max_spend_minor = 500;
      },
      "segments[0].max_spend_minor");
  Rules twice = pack;
  twice.segments.push_back(good);
  CHECK(ValidateRules(twice).message().find("'segments[1].id'") != std::string::npos);
}

TEST_CASE("a campaign targets only segments the pack defines") {
  Rules pack = DefaultRules();
  SegmentRule vip;
  vip.id = "vip";
  pack.segments = {vip};
  Campaign campaign;
  campaign.id = "vip-double";
  campaign.award.multiplier_bp = 20'000;
  campaign.who.segments = {"vip"};
  pack.campaigns = {campaign};
  CHECK(ValidateRules(pack).ok());
  pack.campaigns[0].who.segments = {"vip", "vips"};
  const Status status = ValidateRules(pack);
  CHECK(status.reason() == "invalid_rules");
  CHECK(status.message().find("'campaigns[0].who.segments[1]'") != std::string::npos);
}

}  // namespace
}  // namespace patron
