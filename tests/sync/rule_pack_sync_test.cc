// Rule packs end to end (DESIGN.md §9): a pack published ahead reaches every
// till at once and takes over at its activate_at, offline and across a
// restart; a till that joins later gets every pack still to come.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/local_time.h"
#include "patron/sql/database.h"

namespace patron {
namespace {

using testing::Chain;

Rules PackAt(int64_t version, int64_t activate_ms, int64_t earn_rate_bp) {
  Rules pack = DefaultRules();
  pack.version = version;
  pack.name = "pack " + std::to_string(version);
  pack.activate_at = FormatPackTime(activate_ms, 480);
  pack.utc_offset_minutes = 480;
  pack.earn_rate_bp = earn_rate_bp;
  return pack;
}

int64_t StoredPacks(Chain& chain, const std::string& terminal) {
  auto db = sql::Database::Open(chain.File(terminal + ".db"));
  REQUIRE(db.ok());
  return (*db)->QueryInt64("SELECT count(*) FROM rules").value();
}

TEST_CASE("packs published ahead take over at their activate_at, offline and after a restart") {
  Chain chain(2);
  const terminal::Member member = chain.Enrol(0, "+8613800138000", "王芳");
  chain.SyncAll();
  const int64_t day = kMsPerDay;
  REQUIRE(chain.service().PublishRules(PackAt(2, chain.now_ms + day, 20'000)).ok());
  REQUIRE(chain.service().PublishRules(PackAt(3, chain.now_ms + 2 * day, 30'000)).ok());
  chain.SyncAll();
  CHECK(StoredPacks(chain, "S001-T01") == 3);
  CHECK(chain.till(0).rules().version == 1);  // both wait for their time
  auto listed = chain.service().Packs();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].state == "scheduled");
  CHECK((*listed)[1].state == "scheduled");

  chain.SetOffline(true);
  chain.now_ms += day;
  CHECK(chain.till(0).rules().version == 2);
  auto sale = chain.Sell(0, "R-1", member.member_id, 10'000);
  REQUIRE(sale.ok());
  CHECK(sale->rule_version == 2);
  CHECK(sale->earned_points == 200);  // 2 points per 1.00 under pack 2
  listed = chain.service().Packs();
  CHECK((*listed)[0].state == "active");
  CHECK((*listed)[1].state == "scheduled");

  // A restart finds the pack in force from its stored versions.
  chain.WhileStopped(1, [](terminal::TerminalOptions&) {});
  CHECK(chain.till(1).rules().version == 2);

  chain.now_ms += day;
  CHECK(chain.till(0).rules().version == 3);
  CHECK(chain.till(1).rules().version == 3);
  listed = chain.service().Packs();
  CHECK((*listed)[0].state == "superseded");
  CHECK((*listed)[1].state == "active");
}

TEST_CASE("a newer pack that starts sooner replaces an older one still waiting") {
  Chain chain(1);
  const int64_t day = kMsPerDay;
  REQUIRE(chain.service().PublishRules(PackAt(2, chain.now_ms + 2 * day, 20'000)).ok());
  REQUIRE(chain.service().PublishRules(PackAt(3, chain.now_ms + day, 30'000)).ok());
  chain.SyncAll();
  chain.now_ms += day;
  CHECK(chain.till(0).rules().version == 3);
  chain.now_ms += day;
  CHECK(chain.till(0).rules().version == 3);  // pack 2's time came, but 3 is newer
  auto listed = chain.service().Packs();
  REQUIRE(listed.ok());
  CHECK((*listed)[0].state == "superseded");
}

TEST_CASE("a till that joins later gets the pack in force and those still waiting") {
  Chain chain(1);
  const int64_t day = kMsPerDay;
  REQUIRE(chain.service().PublishRules(PackAt(2, chain.now_ms, 20'000)).ok());
  REQUIRE(chain.service().PublishRules(PackAt(3, chain.now_ms + day, 30'000)).ok());
  chain.SyncAll();
  REQUIRE(chain.service().BuildSnapshotIfDue().ok());
  chain.AddTerminal("S009", "T01");
  REQUIRE(chain.client(1).SyncOnce().ok());
  CHECK(chain.till(1).rules().version == 2);
  CHECK(StoredPacks(chain, "S009-T01") == 3);  // the defaults, 2 and 3
  chain.now_ms += day;
  CHECK(chain.till(1).rules().version == 3);
}

TEST_CASE("a till pulling page by page stores every pack, whatever order they come in") {
  Chain chain(0);
  const int64_t day = kMsPerDay;
  REQUIRE(chain.service().PublishRules(PackAt(2, chain.now_ms, 20'000)).ok());
  REQUIRE(chain.service().PublishRules(PackAt(3, chain.now_ms + day, 30'000)).ok());
  terminal::SyncClientOptions one_by_one;
  one_by_one.pull_page = 1;
  chain.AddTerminal("S001", "T01", one_by_one);
  // The first page's legacy "rules" field brings pack 3; pack 2's item
  // comes after it, and is stored all the same.
  REQUIRE(chain.client(0).SyncOnce().ok());
  CHECK(StoredPacks(chain, "S001-T01") == 3);
  CHECK(chain.till(0).rules().version == 2);
  chain.now_ms += day;
  CHECK(chain.till(0).rules().version == 3);
}

TEST_CASE("past valid_until a till earns base points only, says so, and head office accepts it") {
  Chain chain(1);
  const terminal::Member member = chain.Enrol(0, "+8613800138001", "李雷");
  chain.SyncAll();
  Rules pack = PackAt(2, chain.now_ms, 10'000);
  pack.tiers[0].earn_multiplier_bp = 20'000;  // regular members earn double under pack 2
  pack.valid_until = FormatPackTime(chain.now_ms + kMsPerDay, 480);
  REQUIRE(chain.service().PublishRules(pack).ok());
  chain.SyncAll();
  auto before = chain.Sell(0, "R-1", member.member_id, 10'000);
  REQUIRE(before.ok());
  CHECK(before->earned_points == 200);
  CHECK_FALSE(chain.till(0).Status()->pack_base_only);

  chain.SetOffline(true);
  chain.now_ms += kMsPerDay;
  auto status = chain.till(0).Status();
  REQUIRE(status.ok());
  CHECK(status->pack_base_only);
  CHECK(status->pack_valid_until == pack.valid_until);
  terminal::SaleRequest ask;
  ask.member_id = member.member_id;
  ask.amount_minor = 10'000;
  auto quote = chain.till(0).QuoteSale(ask);
  REQUIRE(quote.ok());
  CHECK(quote->base_only);
  CHECK(quote->points_to_earn == 100);
  auto after = chain.Sell(0, "R-2", member.member_id, 10'000);
  REQUIRE(after.ok());
  CHECK(after->earned_points == 100);

  chain.SetOffline(false);
  REQUIRE(chain.service().PublishRules(PackAt(3, chain.now_ms, 10'000)).ok());
  chain.SyncAll();
  CHECK(chain.till(0).Status()->refused_entries == 0);
  CHECK_FALSE(chain.till(0).Status()->pack_base_only);
  CHECK(chain.ServerMembers().at(member.member_id).balance == 300);
}

}  // namespace
}  // namespace patron
