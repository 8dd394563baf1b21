// The down-channel end to end (sync/down_items.h): items reach exactly the
// tills they are addressed to, under the pull cursor and with member
// snapshots; replace-all sets switch whole; rules travel as an item.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/record/record_json.h"
#include "patron/rules_codec.h"
#include "patron/sql/database.h"

namespace patron {
namespace {

using testing::Chain;

int64_t CountItems(Chain& chain, const std::string& terminal, const std::string& kind) {
  auto db = sql::Database::Open(chain.File(terminal + ".db"));
  REQUIRE(db.ok());
  return (*db)->QueryInt64("SELECT count(*) FROM down_items WHERE kind = '" + kind + "'").value();
}

sync::DownItem Item(std::string_view audience, std::string address, std::string key) {
  return {0, "notice", std::string(audience), std::move(address), std::move(key),
          {R"({"text":"盘点 stocktake tonight"})"}};
}

TEST_CASE("down-channel: items reach the tills they are addressed to, and replace") {
  Chain chain(2);
  chain.AddTerminal("S001", "T02");  // a second till in store S001
  chain.SyncAll();
  REQUIRE(chain.service().Publish(Item(sync::kAudienceAll, "", "a")).ok());
  REQUIRE(chain.service().Publish(Item(sync::kAudienceStore, "S001", "b")).ok());
  REQUIRE(chain.service().Publish(Item(sync::kAudienceTerminal, "S002-T01", "c")).ok());
  chain.SyncAll();
  CHECK(CountItems(chain, "S001-T01", "notice") == 2);
  CHECK(CountItems(chain, "S001-T02", "notice") == 2);
  CHECK(CountItems(chain, "S002-T01", "notice") == 2);  // every till's, and its own
  // A newer item of the same key replaces the older, here and at head office.
  REQUIRE(chain.service().Publish(Item(sync::kAudienceAll, "", "a")).ok());
  chain.SyncAll();
  CHECK(CountItems(chain, "S001-T01", "notice") == 2);
  CHECK(chain.till(0).Status()->upgrade_needed);  // "notice" is not a kind it knows
}

TEST_CASE("down-channel: a replace-all set comes in force whole, across pull pages") {
  terminal::SyncClientOptions small_pages;
  small_pages.pull_page = 2;
  Chain chain(0);
  chain.AddTerminal("S001", "T01", small_pages);
  std::vector<record::RawJson> v1;
  for (int i = 0; i < 25; ++i) v1.push_back({R"({"member":)" + std::to_string(i) + "}"});
  REQUIRE(chain.service().PublishSet("segment:vip", 1, v1, 4).ok());
  CHECK(chain.service().PublishSet("segment:vip", 1, v1, 4).reason() == "stale_set");
  REQUIRE(chain.client(0).SyncOnce().ok());
  auto rows = chain.till(0).SetRows("segment:vip");
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 25);
  CHECK((*rows)[24] == R"({"member":24})");

  // Version 2 arrives page by page; until its last part is here, version 1
  // stays in force.
  std::vector<record::RawJson> v2 = {{R"({"member":"a"})"}, {R"({"member":"b"})"},
                                     {R"({"member":"c"})"}};
  REQUIRE(chain.service().PublishSet("segment:vip", 2, v2, 1).ok());
  auto first = chain.net(0).Pull(*chain.till(0).NextPull(1));
  REQUIRE(first.ok());
  first->down.resize(1);  // as if the page had carried only part 0
  first->next.seq = first->down[0].seq;
  first->more = true;
  REQUIRE(chain.till(0).ApplyPullPage(*first).ok());
  CHECK(chain.till(0).SetRows("segment:vip")->size() == 25);
  REQUIRE(chain.client(0).SyncOnce().ok());
  CHECK(*chain.till(0).SetRows("segment:vip") ==
        std::vector<std::string>{R"({"member":"a"})", R"({"member":"b"})", R"({"member":"c"})"});
}

TEST_CASE("down-channel: rules travel as an item; a new till gets the current items with its "
          "snapshot") {
  Chain chain(1);
  Rules rules = DefaultRules();
  rules.version = 2;
  rules.earn_rate_bp = 20'000;
  REQUIRE(chain.service().PublishRules(rules).ok());
  REQUIRE(chain.service().Publish(Item(sync::kAudienceAll, "", "a")).ok());
  chain.SyncAll();
  CHECK(chain.till(0).rules().version == 2);
  REQUIRE(chain.service().BuildSnapshotIfDue().ok());
  chain.AddTerminal("S009", "T01");
  REQUIRE(chain.client(1).SyncOnce().ok());
  CHECK(chain.till(1).rules().version == 2);
  CHECK(CountItems(chain, "S009-T01", "notice") == 1);
  CHECK(CountItems(chain, "S009-T01", "rules") == 1);
}

}  // namespace
}  // namespace patron
