// Next-best offers (service/recommendations.h): categories bought together
// by lift over members, and favourites not bought lately.
#include "service/recommendations.h"

#include <doctest/doctest.h>

#include "patron/local_time.h"

namespace patron::sync {
namespace {

std::vector<MemberCategory> Bought(
    std::initializer_list<std::pair<const char*, const char*>> rows) {
  std::vector<MemberCategory> out;
  for (const auto& [category, last_day] : rows) out.push_back({"m", category, 1, 1'000, last_day});
  return out;
}

// 10 members buy tea and cups, 10 tea alone, 20 milk alone: of tea's 20
// buyers half buy cups, against 10 of all 40 (lift 200%).
CategoryAffinity Shoppers() {
  CategoryAffinity affinity;
  for (int i = 0; i < 10; ++i) affinity.AddMember(Bought({{"tea", ""}, {"cups", ""}}));
  for (int i = 0; i < 10; ++i) affinity.AddMember(Bought({{"tea", ""}}));
  for (int i = 0; i < 20; ++i) affinity.AddMember(Bought({{"milk", ""}}));
  return affinity;
}

TEST_CASE("a category bought together is offered by lift, to those who lack it") {
  const CategoryAffinity affinity = Shoppers();
  const std::optional<MemberOffer> offer = affinity.Together(Bought({{"tea", "2026-06-01"}}));
  REQUIRE(offer.has_value());
  CHECK(*offer == MemberOffer{"cups", "together", "tea", 200});
  // Cups' buyers all bought tea, but every one of them did: nothing to offer.
  CHECK_FALSE(affinity.Together(Bought({{"tea", ""}, {"cups", ""}})).has_value());
  CHECK_FALSE(affinity.Together(Bought({{"milk", ""}})).has_value());  // bought with nothing
}

TEST_CASE("too few members together is no evidence") {
  CategoryAffinity affinity;
  for (int i = 0; i < 4; ++i) affinity.AddMember(Bought({{"tea", ""}, {"cups", ""}}));
  for (int i = 0; i < 40; ++i) affinity.AddMember(Bought({{"milk", ""}}));
  CHECK_FALSE(affinity.Together(Bought({{"tea", ""}})).has_value());  // 4 < kMinPairMembers
}

TEST_CASE("a favourite not bought lately comes first, then what goes with it") {
  const int64_t today = ParseLocalDay("2026-06-01").value();
  MemberMetrics m;
  m.ipi_days = 10;
  m.favourite_categories = {"tea", "milk"};
  const std::vector<MemberCategory> bought =
      Bought({{"tea", "2026-04-01"}, {"milk", "2026-05-25"}});
  const std::vector<MemberOffer> offers = OffersFor(m, bought, Shoppers(), today);
  REQUIRE(offers.size() == 2);
  CHECK(offers[0] == MemberOffer{"tea", "again", "", 61});  // 61 days >= max(30, 2 x 10)
  CHECK(offers[1].category == "cups");                      // milk: 7 days, not lately
  m.ipi_days = 40;  // a member who comes every 40 days: 61 < 80 is not lately
  CHECK(OffersFor(m, bought, Shoppers(), today).size() == 1);
}

}  // namespace
}  // namespace patron::sync
