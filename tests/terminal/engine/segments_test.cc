// Campaigns for member segments at the till (campaign.h CampaignWho::segments):
// the members' segments are those of the version of head office's
// "segments" set in force here, taken whole when its last part arrives.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "patron/record/record_json.h"
#include "patron/rules_codec.h"
#include "patron/sync/down_items.h"
#include "patron/sync/protocol.h"
#include "terminal_fixture.h"

namespace patron::terminal {
namespace {

// Pack 2, in force at once: 50 points for members in segment "champions".
Rules SegmentPack() {
  Rules pack = DefaultRules();
  pack.version = 2;
  SegmentRule champions;
  champions.id = "champions";
  champions.rfm_segments = {"champions"};
  pack.segments = {champions};
  Campaign campaign;
  campaign.id = "champions-bonus";
  campaign.who.segments = {"champions"};
  campaign.award.bonus_points = 50;
  pack.campaigns = {campaign};
  return pack;
}

// A till that pulls from a head office the test plays: each page carries
// the next server sequences.
class SegmentTill {
 public:
  SegmentTill() {
    ann_ = f_.Enrol("07700 900001", "Ann").member_id;
    bob_ = f_.Enrol("07700 900002", "Bob").member_id;
    Pull({}, EncodeRules(SegmentPack()));
    REQUIRE(f_.till().rules().version == 2);
  }

  // Part `part` of `parts` of the set's `version`, as head office publishes it.
  void Part(int64_t version, int64_t part, int64_t parts,
            const std::vector<MemberSegments>& members) {
    sync::SetPart set_part{std::string(kSegmentsSet), version, part, parts, {}};
    for (const MemberSegments& member : members) {
      set_part.rows.push_back({record::EncodeRecord(member)});
    }
    sync::DownItem item{seq_ + 1,
                        std::string(sync::kSetPartItem),
                        std::string(sync::kAudienceAll),
                        "",
                        std::string(kSegmentsSet) + "/" + std::to_string(part),
                        {record::EncodeRecord(set_part)}};
    Pull({item}, std::nullopt);
  }

  // The campaign's points for a 100.00 sale, quoted.
  int64_t Quoted(const std::string& member_id) {
    SaleRequest sale;
    sale.member_id = member_id;
    sale.amount_minor = 10'000;
    auto quote = f_.till().QuoteSale(sale);
    REQUIRE_MESSAGE(quote.ok(), quote.status().ToString());
    CHECK(quote->rule_version == 2);
    int64_t points = 0;
    for (const Award& award : quote->awards) {
      if (award.kind == kAwardCampaign && award.campaign_id == "champions-bonus") {
        points += award.points;
      }
    }
    CHECK(quote->points_to_earn == 100 + points);  // 100 base points, and the campaign's
    return points;
  }

  // The campaign's points for a 100.00 sale, checked out.
  int64_t Sold(const std::string& sale_ref, const std::string& member_id) {
    auto sale = f_.Sell(sale_ref, member_id, 10'000);
    REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
    int64_t points = 0;
    for (const SaleAward& award : sale->awards) {
      if (award.campaign_id != "champions-bonus") continue;
      points += award.points;
      CHECK_FALSE(award.entry_id.empty());  // a bonus entry of its own
    }
    CHECK(sale->earned_points == 100 + points);
    return points;
  }

  TerminalFixture& fixture() { return f_; }
  const std::string& ann() const { return ann_; }
  const std::string& bob() const { return bob_; }

 private:
  void Pull(std::vector<sync::DownItem> down, std::optional<std::string> rules_json) {
    sync::PullResponse page;
    page.epoch = "e1";
    page.down = std::move(down);
    page.rules_json = std::move(rules_json);
    if (!page.down.empty()) seq_ = page.down.back().seq;
    page.next = {"e1", seq_};
    auto applied = f_.till().ApplyPullPage(page);
    REQUIRE_MESSAGE(applied.ok(), applied.status().ToString());
  }

  TerminalFixture f_;
  std::string ann_;
  std::string bob_;
  int64_t seq_ = 0;
};

TEST_CASE("segments: a campaign for a segment follows the version of the set in force here") {
  SegmentTill till;
  // No version yet: the till knows no member in any segment.
  CHECK(till.Quoted(till.ann()) == 0);

  // Version 1 in two parts: Ann is a champion. Until its last part is here,
  // nothing changes.
  till.Part(1, 0, 2, {{till.ann(), {"big_spenders", "champions"}}});
  CHECK(till.Quoted(till.ann()) == 0);
  till.Part(1, 1, 2, {{till.bob(), {"at_risk"}}});
  CHECK(till.Quoted(till.ann()) == 50);
  CHECK(till.Quoted(till.bob()) == 0);
  CHECK(till.Sold("R-1", till.ann()) == 50);
  CHECK(till.Sold("R-2", till.bob()) == 0);

  // Kept across a restart: it is the database's.
  till.fixture().Reopen();
  CHECK(till.Quoted(till.ann()) == 50);

  // Version 2: Ann is no longer one. Its first part alone changes nothing.
  till.Part(2, 0, 2, {{till.bob(), {"champions"}}});
  CHECK(till.Quoted(till.ann()) == 50);
  CHECK(till.Quoted(till.bob()) == 0);
  CHECK(till.Sold("R-3", till.ann()) == 50);
  till.Part(2, 1, 2, {{till.ann(), {"at_risk"}}});
  CHECK(till.Quoted(till.ann()) == 0);
  CHECK(till.Sold("R-4", till.ann()) == 0);
  CHECK(till.Quoted(till.bob()) == 50);
  CHECK(till.Sold("R-5", till.bob()) == 50);

  // An older version arriving late changes nothing.
  till.Part(1, 0, 1, {{till.ann(), {"champions"}}});
  CHECK(till.Quoted(till.ann()) == 0);
  CHECK(till.Quoted(till.bob()) == 50);
}

TEST_CASE("segments: a row this build cannot read is left out and noted, the others apply") {
  SegmentTill till;
  till.Part(1, 0, 1, {{till.ann(), {"champions"}}});
  REQUIRE(till.Quoted(till.ann()) == 50);
  REQUIRE_FALSE(till.fixture().till().Status()->upgrade_needed);

  // Version 2 holds a row without its member (as a newer head office might
  // send): Ann's row is gone, Bob's applies, and the till asks for an upgrade.
  sync::SetPart part{std::string(kSegmentsSet),
                     2,
                     0,
                     1,
                     {{R"({"member":")" + till.ann() + R"(","segments":["champions"]})"},
                      {R"({"member_id":")" + till.bob() + R"(","segments":["champions"]})"}}};
  sync::PullResponse page;
  page.epoch = "e1";
  page.down = {{10,
                std::string(sync::kSetPartItem),
                std::string(sync::kAudienceAll),
                "",
                "segments/0",
                {record::EncodeRecord(part)}}};
  page.next = {"e1", 10};
  REQUIRE(till.fixture().till().ApplyPullPage(page).ok());
  CHECK(till.Quoted(till.ann()) == 0);
  CHECK(till.Quoted(till.bob()) == 50);
  CHECK(till.fixture().till().Status()->upgrade_needed);
}

}  // namespace
}  // namespace patron::terminal
