// Points lots and expiry end to end (lots.h): tills stamp every credit with
// its lot, head office folds the lots and sends them with the member row,
// tills show what expires when and do not spend expired points, head office
// writes the expiry, and gives back what a late redemption shows it expired
// too much.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/local_time.h"
#include "patron/lots.h"

namespace patron {
namespace {

using testing::Chain;

// Points expire at the end of the month after the one they were earned
// in, Beijing time.
Rules ExpiryPack() {
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.name = "积分有效期 expiry";
  pack.utc_offset_minutes = 480;
  pack.expiry.months = 1;
  return pack;
}

// Noon in Beijing on a day of 2026.
int64_t At(std::string_view day) { return ParseLocalDay(day).value() * kMsPerDay + 4 * 3'600'000; }

std::vector<ExpiringPoints> Expiring(
    std::initializer_list<std::pair<std::string_view, int64_t>> list) {
  std::vector<ExpiringPoints> expiring;
  for (const auto& [day, points] : list) expiring.push_back({ParseLocalDay(day).value(), points});
  return expiring;
}

TEST_CASE("lots expire at head office; tills show them, never spend expired points, agree") {
  Chain chain(2);
  chain.now_ms = At("2026-06-01");
  const std::string ann = chain.Enrol(0, "+86 138 0013 8100", "王芳").member_id;
  REQUIRE(chain.service().PublishRules(ExpiryPack()).ok());
  chain.SyncAll();

  // June's points are valid through the end of July; the till says so, and
  // the entry carries its lot for head office.
  // Small sales: the member stays a regular (1x) all through.
  REQUIRE(chain.Sell(0, "R-1", ann, 80'000).ok());  // 800 points
  CHECK(chain.till(0).FindById(ann)->expiring == Expiring({{"2026-07-31", 800}}));
  auto history = chain.till(0).History(ann, 10);
  REQUIRE(history.ok());
  CHECK(history->entries.at(0).detail.expires_on == "2026-07-31");
  chain.SyncAll();
  CHECK(chain.till(1).FindById(ann)->expiring == Expiring({{"2026-07-31", 800}}));

  chain.now_ms = At("2026-07-10");
  REQUIRE(chain.Sell(1, "R-2", ann, 10'000).ok());  // 100 points, through August
  terminal::SaleRequest basket;
  basket.member_id = ann;
  basket.amount_minor = 10'000;
  auto quote = chain.till(1).QuoteSale(basket);
  REQUIRE(quote.ok());
  CHECK(quote->expiring_soon == Expiring({{"2026-07-31", 800}}));  // August's is not soon
  chain.SyncAll();
  testing::CheckConverged(chain);

  // Till 0 goes offline. On 20 July it sells (+40, its own rights) and
  // redeems 30 of them (earning 29 on the 29.70 paid): drawn from July's
  // lot, the soonest.
  chain.net(0).offline = true;
  chain.now_ms = At("2026-07-20");
  REQUIRE(chain.Sell(0, "R-3", ann, 4'000).ok());
  REQUIRE(chain.Sell(0, "R-4", ann, 3'000, 30).ok());

  // 1 August: July's points are past their day. A till will not spend
  // them, even before head office writes their expiry.
  chain.now_ms = At("2026-08-01");
  REQUIRE(chain.client(1).SyncOnce().ok());
  auto bob_view = chain.till(1).FindById(ann);
  REQUIRE(bob_view.ok());
  CHECK(bob_view->balance == 900);
  CHECK(bob_view->expiring == Expiring({{"2026-08-31", 100}}));
  CHECK(bob_view->redeemable_here <= 100);
  CHECK(chain.Sell(1, "R-5", ann, 100'000, 200).status().reason() == "points_not_spendable");

  // Head office expires what it knows is left of July's lot: 800.
  auto run = chain.service().RunExpiry();
  REQUIRE_MESSAGE(run.ok(), run.status().ToString());
  CHECK(run->members == 1);
  CHECK(run->points_expired == 800);
  CHECK(run->points_given_back == 0);
  CHECK(chain.ServerMembers().at(ann).balance == 100);
  CHECK(chain.service().RunExpiry()->entries == 0);  // nothing twice

  // Till 0 comes back: its redemption of 20 July drew from July's lot, so
  // head office expired 30 too many, and the next run gives them back.
  chain.net(0).offline = false;
  chain.SyncAll();
  run = chain.service().RunExpiry();
  REQUIRE(run.ok());
  CHECK(run->points_given_back == 30);
  CHECK(run->points_expired == 0);
  chain.SyncAll();
  // 800 + 100 + 40 - 30 redeemed + 29 - 770 expired.
  CHECK(chain.ServerMembers().at(ann).balance == 169);
  const std::vector<ExpiringPoints> left = Expiring({{"2026-08-31", 169}});
  CHECK(chain.ServerMembers().at(ann).lots.debt == 0);
  for (size_t i = 0; i < chain.size(); ++i) {
    auto member = chain.till(i).FindById(ann);
    REQUIRE(member.ok());
    CHECK(member->balance == 169);
    CHECK(member->expiring == left);
  }
  testing::CheckConverged(chain);
  CHECK(chain.service().counters().points_expired.load() == 800);
  CHECK(chain.service().counters().points_expiry_given_back.load() == 30);
}

TEST_CASE("pending points wait out the return window; a refund takes back its own lot") {
  Chain chain(1);
  chain.now_ms = At("2026-06-01");
  Rules pack = ExpiryPack();
  pack.expiry.months = 12;
  pack.expiry.pending_days = 7;
  const std::string ann = chain.Enrol(0, "+86 138 0013 8100", "王芳").member_id;
  REQUIRE(chain.service().PublishRules(pack).ok());
  chain.SyncAll();
  REQUIRE(chain.Sell(0, "R-1", ann, 100'000).ok());
  auto member = chain.till(0).FindById(ann);
  REQUIRE(member.ok());
  CHECK(member->pending_points == 1'000);
  CHECK(member->redeemable_here == 0);
  CHECK(chain.Sell(0, "R-2", ann, 10'000, 100).status().reason() == "points_not_spendable");

  chain.now_ms = At("2026-06-08");
  CHECK(chain.till(0).FindById(ann)->pending_points == 0);
  CHECK(chain.till(0).FindById(ann)->redeemable_here == 1'000);
  REQUIRE(chain.Sell(0, "R-3", ann, 200'000).ok());  // 2,000 more, pending
  REQUIRE(chain.till(0).Refund(testing::ByAmount("R-3", "R-3-F1", 200'000)).ok());
  member = chain.till(0).FindById(ann);
  CHECK(member->pending_points == 0);  // the refund took back R-3's own lot
  CHECK(member->redeemable_here == 1'000);
  chain.SyncAll();
  testing::CheckConverged(chain);
}

}  // namespace
}  // namespace patron
