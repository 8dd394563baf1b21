// Head office trusts no till (DESIGN.md §4): a till whose database was
// edited to credit a card is answered `rejected` for the forged entry; the
// till marks it refused, counts it nowhere, says so in its status, and goes
// on syncing everything else. No balance, here or at head office, moves.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/sql/database.h"

namespace patron {
namespace {

using testing::Chain;

// What a cashier with a copy of sqlite3 might do to the till's database
// while it is offline: multiply the points of an earn not yet pushed, and
// the till's own rights to match, so the till lets the card spend them.
void Inflate(const std::string& db_path, const std::string& entry_id, int64_t points) {
  auto db = sql::Database::Open(db_path).value();
  REQUIRE(db->Execute("UPDATE members SET local_rights = local_rights - (SELECT points FROM ledger"
                      " WHERE entry_id = '" +
                      entry_id + "') + " + std::to_string(points) +
                      " WHERE member_id = (SELECT member_id FROM ledger WHERE entry_id = '" +
                      entry_id + "')")
              .ok());
  REQUIRE(db->Execute("UPDATE ledger SET points = " + std::to_string(points) +
                      " WHERE entry_id = '" + entry_id + "'")
              .ok());
}

TEST_CASE(
    "a forged entry from a tampered till is refused; the till counts it nowhere and "
    "keeps syncing") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8010", "赵磊").member_id;
  chain.SyncAll();
  chain.SetOffline(true);
  auto honest = chain.Sell(0, "R-1", ann, 5'000);  // 50 points
  REQUIRE(honest.ok());
  auto forged = chain.Sell(0, "R-2", ann, 1);  // 0.01: no points, but an earn entry
  REQUIRE(forged.ok());
  REQUIRE(forged->entry_ids.size() == 1);
  Inflate(chain.File("S001-T01.db"), forged->entry_ids[0], 250'000);
  CHECK(chain.till(0).FindById(ann)->balance == 250'050);

  chain.SetOffline(false);
  auto report = chain.client(0).SyncOnce();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK(report->entries_refused == 1);
  auto status = chain.till(0).Status();
  REQUIRE(status.ok());
  CHECK(status->refused_entries == 1);
  CHECK(status->pending_entries == 0);
  chain.SyncAll();
  CHECK(chain.till(0).FindById(ann)->balance == 50);
  CHECK(chain.till(1).FindById(ann)->balance == 50);
  CHECK(chain.ServerMembers().at(ann).balance == 50);
  testing::CheckConverged(chain);

  // What the till could spend is what head office holds: 50, not 250,050.
  CHECK(chain.till(0).FindById(ann)->redeemable_here <= 50);
  auto events = chain.service().SecurityEvents(0, 10);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 1);
  CHECK(events->front().subject == forged->entry_ids[0]);
  CHECK(events->front().reason == "earn_exceeds_rules");

  // The refusal is final: later sales sync as ever.
  REQUIRE(chain.Sell(0, "R-3", ann, 1'000).ok());
  chain.SyncAll();
  CHECK(chain.till(0).Status()->refused_entries == 1);
  CHECK(chain.till(1).FindById(ann)->balance == 60);
}

}  // namespace
}  // namespace patron
