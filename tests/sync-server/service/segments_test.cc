// Member metrics and segments at head office (segments_run.cc,
// member_metrics.h): RFM, lifecycle and favourites from the analytics, the
// pack's segments, their sizes and movement, and the set shipped to tills.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "consumption_records.h"
#include "patron/local_time.h"
#include "patron/record/record_json.h"
#include "patron/segment.h"
#include "patron/sync/down_items.h"
#include "service/member_metrics.h"

namespace patron::sync {
namespace {

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;

// Pack 2: "vip" (champions, potential loyalists), "winback" (lapsed),
// "grocery" (it is among the member's favourites).
Rules SegmentPack() {
  Rules pack = DefaultRules();
  pack.version = 2;
  SegmentRule vip;
  vip.id = "vip";
  vip.name = "贵宾 VIP";
  vip.rfm_segments = {"champions", "potential_loyalist"};
  SegmentRule winback;
  winback.id = "winback";
  winback.lifecycles = {"lapsed"};
  SegmentRule grocery;
  grocery.id = "grocery";
  grocery.favourite_category = "grocery";
  pack.segments = {vip, winback, grocery};
  return pack;
}

void Buy(ServiceFixture& f, const Caller& till, const std::string& ref, const std::string& member,
         int64_t amount_minor, int64_t days_ago) {
  SaleRecord sale = Sale(till, ref, member, amount_minor);
  sale.wall_ms = f.now_ms - days_ago * kDayMs;
  sale.hlc = HlcTimestamp::FromParts(sale.wall_ms, 1);
  PushRecords(f, till, {Envelope(kSaleRecordKind, sale.sale_id, sale)});
}

const SegmentSize& SizeOf(const SegmentRun& run, const std::string& id) {
  for (const SegmentSize& size : run.sizes) {
    if (size.segment_id == id) return size;
  }
  FAIL("no segment " << id);
  static const SegmentSize none;
  return none;
}

// The rows of the newest "segments" set the till was sent, by member.
std::map<std::string, std::vector<std::string>> SegmentsAtTill(ServiceFixture& f, int64_t version) {
  auto page = f.service().Pull(f.t1, f.NewPull(f.t1, {}, 10'000));
  REQUIRE(page.ok());
  std::map<std::string, std::vector<std::string>> members;
  bool found = false;
  for (const DownItem& item : page->down) {
    if (item.kind != kSetPartItem) continue;
    const SetPart part = record::DecodeRecord<SetPart>(item.body.text).value();
    if (part.name != kSegmentsSet) continue;
    CHECK(part.version == version);
    found = true;
    for (const record::RawJson& row : part.rows) {
      const MemberSegments m = record::DecodeRecord<MemberSegments>(row.text).value();
      members[m.member_id] = m.segments;
    }
  }
  CHECK(found);
  return members;
}

TEST_CASE("a metrics run scores RFM, names lifecycles and segments, and ships them to tills") {
  ServiceFixture f;
  REQUIRE(f.service().PublishRules(SegmentPack()).ok());
  const std::string cat = DeriveMemberId(kDemoChainKey, "+14155550102").ToString();
  for (int day = 0; day < 10; ++day) {
    Buy(f, f.t1, "A-" + std::to_string(day), f.ann, 3'000, day);  // every day
  }
  Buy(f, f.t2, "B-1", f.bob, 1'000, 200);  // once, long ago
  Buy(f, f.t1, "C-1", cat, 2'000, 41);
  Buy(f, f.t1, "C-2", cat, 1'000, 40);

  const SegmentRun run = f.service().RunSegments().value();
  CHECK(run.version == 1);
  CHECK(run.pack_version == 2);
  CHECK(run.as_of_day == "2026-06-01");
  CHECK(run.members == 3);
  CHECK(SizeOf(run, "vip").members == 1);
  CHECK(SizeOf(run, "vip").entered == 1);
  CHECK(SizeOf(run, "winback").members == 1);
  CHECK(SizeOf(run, "grocery").members == 3);

  const MemberMetrics ann = f.service().analytics().Member(f.ann).value().metrics.value();
  CHECK(ann.recency_days == 0);
  CHECK(ann.frequency == 10);
  CHECK(ann.monetary_minor == 30'000);
  CHECK(ann.f_score == 5);
  CHECK(ann.r_score == 4);  // the most recent of three: 1 + 5 x 2 / 3
  CHECK(ann.m_score == 4);
  CHECK(ann.rfm_segment == "potential_loyalist");
  CHECK(ann.lifecycle == "new");  // first bought 9 days ago
  CHECK(ann.ipi_days == 1);
  CHECK(ann.favourite_categories == std::vector<std::string>{"grocery"});
  CHECK(ann.segments == std::vector<std::string>{"vip", "grocery"});

  const MemberMetrics bob = f.service().analytics().Member(f.bob).value().metrics.value();
  CHECK(bob.recency_days == 200);
  CHECK(bob.frequency == 1);
  CHECK(bob.rfm_segment == "lost");
  CHECK(bob.lifecycle == "lapsed");
  CHECK(bob.segments == std::vector<std::string>{"winback", "grocery"});
  const MemberMetrics cats = f.service().analytics().Member(cat).value().metrics.value();
  CHECK(cats.rfm_segment == "loyal");
  CHECK(cats.lifecycle == "active");  // every day on average, 40 days ago: within 45

  int64_t lost = 0;
  for (const RfmCell& cell : run.rfm) {
    if (cell.rfm_segment == "lost") lost += cell.members;
  }
  CHECK(lost == 1);

  const auto at_till = SegmentsAtTill(f, 1);
  CHECK(at_till.size() == 3);
  CHECK(at_till.at(f.ann) == std::vector<std::string>{"vip", "grocery"});

  // Not due again today; the next day it is, and Bob, back, has left winback.
  CHECK_FALSE(f.service().RunSegmentsIfDue().value());
  f.now_ms += kDayMs;
  Buy(f, f.t2, "B-2", f.bob, 1'000, 0);
  const std::optional<SegmentRun> next = f.service().RunSegmentsIfDue().value();
  REQUIRE(next);
  CHECK(next->version == 2);
  CHECK(SizeOf(*next, "winback").members == 0);
  CHECK(SizeOf(*next, "winback").left == 1);
  CHECK(SizeOf(*next, "grocery").entered == 0);
  CHECK(SegmentsAtTill(f, 2).at(f.bob) == std::vector<std::string>{"grocery"});
  CHECK(f.service().analytics().SegmentRunOf(1).value()->sizes == run.sizes);
}

TEST_CASE("quintile and frequency scores") {
  const std::vector<int64_t> five = {10, 20, 30, 40, 50};
  CHECK(QuintileScore(five, 10) == 1);
  CHECK(QuintileScore(five, 30) == 3);
  CHECK(QuintileScore(five, 50) == 5);
  CHECK(QuintileScore({7, 7, 7, 7}, 7) == 1);  // ties score alike
  CHECK(QuintileScore({}, 7) == 1);
  CHECK(FrequencyScore(0) == 1);
  CHECK(FrequencyScore(2) == 2);
  CHECK(FrequencyScore(4) == 3);
  CHECK(FrequencyScore(9) == 4);
  CHECK(FrequencyScore(10) == 5);
}

TEST_CASE("base metrics count only the last 365 days and refunds off their sale's day") {
  const MemberSummary summary{"m", "2025-01-01", "S001", "2026-06-01", 3, 3, 9'000, 500};
  const std::vector<MemberDay> days = {{"m", "2025-01-01", "S001", 1, 5'000, 0},
                                       {"m", "2026-05-01", "S001", 1, 3'000, 500},
                                       {"m", "2026-06-01", "S002", 1, 1'000, 0}};
  const std::vector<MemberCategory> categories = {{"m", "", 1, 9'000, "2026-06-01"},
                                                  {"m", "tea", 1, 100, "2026-06-01"},
                                                  {"m", "milk", 1, 300, "2026-06-01"},
                                                  {"m", "cups", 1, 300, "2026-06-01"},
                                                  {"m", "bread", 1, 50, "2026-06-01"}};
  const MemberMetrics m =
      BaseMetrics(summary, days, categories, ParseLocalDay("2026-06-03").value());
  CHECK(m.recency_days == 2);
  CHECK(m.frequency == 2);
  CHECK(m.monetary_minor == 3'500);
  CHECK(m.ipi_days == 258);  // 516 days over two gaps
  CHECK(m.favourite_categories == std::vector<std::string>{"cups", "milk", "tea"});
}

TEST_CASE("the predicted-value model: a member still buying is worth more than one who stopped") {
  ServiceFixture f;
  // 80 members, each with a rate and a spend of their own (the model fits
  // how these vary between members), over the last year...
  std::mt19937_64 random(7);
  auto uniform = [&](double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(random);
  };
  for (int i = 0; i < 80; ++i) {
    const std::string member =
        DeriveMemberId(kDemoChainKey, "+1415555" + std::to_string(3000 + i)).ToString();
    const double mean_gap = uniform(5, 90), mean_spend = uniform(500, 5'000);
    double days_ago = uniform(200, 360);
    for (int k = 0; days_ago >= 0; ++k) {
      Buy(f, f.t1, "P-" + std::to_string(i) + "-" + std::to_string(k), member,
          std::llround(mean_spend * uniform(0.5, 1.5)), std::llround(days_ago));
      days_ago -= std::exponential_distribution<double>(1 / mean_gap)(random) + 1;
      if (uniform(0, 1) < 0.1) break;  // gone
    }
  }
  // ... and two who bought alike, 4 times 20 days apart: one until lately,
  // one until 200 days ago.
  const std::string still = DeriveMemberId(kDemoChainKey, "+14155554000").ToString();
  const std::string stopped = DeriveMemberId(kDemoChainKey, "+14155554001").ToString();
  for (int k = 0; k < 4; ++k) {
    Buy(f, f.t1, "S-" + std::to_string(k), still, 2'000, 2 + 20 * k);
    Buy(f, f.t1, "T-" + std::to_string(k), stopped, 2'000, 200 + 20 * k);
  }
  REQUIRE(f.service().RunSegments().ok());
  const MemberMetrics a = f.service().analytics().Member(still).value().metrics.value();
  const MemberMetrics b = f.service().analytics().Member(stopped).value().metrics.value();
  REQUIRE(a.p_alive_bp.has_value());
  REQUIRE(b.p_alive_bp.has_value());
  CHECK(*a.p_alive_bp > *b.p_alive_bp);
  CHECK(*a.p_alive_bp <= 10'000);
  REQUIRE(a.predicted_spend_minor.has_value());
  REQUIRE(b.predicted_spend_minor.has_value());
  CHECK(*a.predicted_spend_minor > *b.predicted_spend_minor);
  CHECK(*b.predicted_spend_minor >= 0);
}

TEST_CASE("too few repeat buyers: no predicted value rather than a guess") {
  ServiceFixture f;
  Buy(f, f.t1, "A-1", f.ann, 1'000, 10);
  Buy(f, f.t1, "A-2", f.ann, 1'000, 2);
  REQUIRE(f.service().RunSegments().ok());
  const MemberMetrics ann = f.service().analytics().Member(f.ann).value().metrics.value();
  CHECK_FALSE(ann.p_alive_bp.has_value());
  CHECK_FALSE(ann.predicted_spend_minor.has_value());
}

}  // namespace
}  // namespace patron::sync
