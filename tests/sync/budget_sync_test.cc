// Campaign budgets end to end (campaign.h CampaignBudget): each till takes
// a share of a campaign's budget from head office as it syncs, gives the
// campaign from it offline too, lists the award as short of budget once the
// share runs out, and all tills together never give more than the budget.
#include <doctest/doctest.h>

#include <filesystem>

#include "chain.h"
#include "patron/local_time.h"

namespace patron {
namespace {

using testing::Chain;

// Pack 2, in force at once: "gift" gives 50 points on every sale, within a
// budget of `budget` points.
Rules BudgetPack(int64_t budget) {
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.name = "budget";
  Campaign gift;
  gift.id = "gift";
  gift.award.bonus_points = 50;
  gift.budget.points = budget;
  pack.campaigns = {gift};
  return pack;
}

const SaleAward* GiftOf(const terminal::SaleResult& sale) {
  for (const SaleAward& award : sale.awards) {
    if (award.campaign_id == "gift") return &award;
  }
  return nullptr;
}

// Points the gift gave on the sale; -1 when it was short of budget.
int64_t Gift(Result<terminal::SaleResult> sale) {
  REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
  const SaleAward* award = GiftOf(*sale);
  REQUIRE(award != nullptr);
  if (award->budget_short > 0) {
    CHECK(award->points == 0);
    CHECK(award->budget_short == 50);
    CHECK(award->entry_id.empty());
    return -1;
  }
  return award->points;
}

sync::CampaignBudgetState GiftBudget(Chain& chain) {
  auto budgets = chain.service().CampaignBudgets();
  REQUIRE(budgets.ok());
  REQUIRE(budgets->size() == 1);
  return budgets->front();
}

TEST_CASE("a till takes a share of a budget as it syncs, gives from it offline, then falls short") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8100", "陈静").member_id;
  // 10,000 points: a till asks for a hundredth at a time.
  REQUIRE(chain.service().PublishRules(BudgetPack(10'000)).ok());
  chain.SyncAll();
  sync::CampaignBudgetState budget = GiftBudget(chain);
  CHECK(budget.handed_out == 200);
  CHECK(budget.shares.at("S001-T01").granted == 100);
  CHECK(budget.shares.at("S002-T01").granted == 100);

  chain.SetOffline(true);
  CHECK(Gift(chain.Sell(0, "R-1", ann, 10'000)) == 50);
  CHECK(Gift(chain.Sell(0, "R-2", ann, 10'000)) == 50);
  Result<terminal::SaleResult> third = chain.Sell(0, "R-3", ann, 10'000);
  CHECK(Gift(third) == -1);
  CHECK(third->earned_points == 100);  // the base points only
  // The quote says so before the sale, too.
  terminal::SaleRequest ask;
  ask.sale_ref = "Q-1";
  ask.member_id = ann;
  ask.amount_minor = 10'000;
  Result<terminal::Quote> quote = chain.till(0).QuoteSale(ask);
  REQUIRE(quote.ok());
  bool quoted_short = false;
  for (const Award& award : quote->awards) {
    quoted_short = quoted_short || (award.campaign_id == "gift" && award.budget_short == 50);
  }
  CHECK(quoted_short);

  chain.SetOffline(false);
  chain.SyncAll();
  budget = GiftBudget(chain);
  CHECK(budget.used == 100);
  CHECK(budget.shares.at("S001-T01").used == 100);
  CHECK(budget.shares.at("S001-T01").granted == 200);  // topped up after its push
  CHECK(chain.service()
            .counters()
            .entries_rejected[static_cast<size_t>(sync::EntryRefusal::kBudgetExceeded)] == 0);
  CHECK(chain.ServerMembers().at(ann).balance == 300 + 100);
  // The sale short of budget is filed with its award line as the till made it.
  CHECK(chain.service().counters().records_rejected == 0);
  auto stored = chain.service().FindSale("S001-T01/R-3");
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->sale.awards == third->awards);
  CHECK(Gift(chain.Sell(0, "R-4", ann, 10'000)) == 50);
  chain.SyncAll();
  testing::CheckConverged(chain);
}

TEST_CASE("two tills together never give more than the budget") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8101", "林娜").member_id;
  // 150 points: three gifts. A till asks for one gift's worth at a time.
  REQUIRE(chain.service().PublishRules(BudgetPack(150)).ok());
  chain.SyncAll();
  int given = 0;
  int short_of = 0;
  for (int round = 0; round < 4; ++round) {
    for (size_t till = 0; till < 2; ++till) {
      const std::string ref = "R-" + std::to_string(round) + "-" + std::to_string(till);
      const int64_t gift = Gift(chain.Sell(till, ref, ann, 10'000));
      (gift > 0 ? given : short_of) += 1;
    }
    chain.SyncAll();
  }
  CHECK(given == 3);
  CHECK(short_of == 5);
  const sync::CampaignBudgetState budget = GiftBudget(chain);
  CHECK(budget.handed_out == 150);
  CHECK(budget.used == 150);
  CHECK(chain.ServerMembers().at(ann).balance == 8 * 100 + 150);
  CHECK(chain.service().counters().records_rejected == 0);
  testing::CheckConverged(chain);
}

TEST_CASE("a till whose database was replaced learns what its awards gave and gives no more") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8102", "赵磊").member_id;
  REQUIRE(chain.service().PublishRules(BudgetPack(10'000)).ok());
  chain.SyncAll();
  CHECK(Gift(chain.Sell(0, "R-1", ann, 10'000)) == 50);
  CHECK(Gift(chain.Sell(0, "R-2", ann, 10'000)) == 50);
  chain.SyncAll();
  // Its share is 200 now, 100 of it given; the new disk knows none of that.
  CHECK(GiftBudget(chain).shares.at("S001-T01").granted == 200);
  chain.WhileStopped(0, [](terminal::TerminalOptions& options) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(options.db_path + suffix);
    }
    options.await_journal_mark = true;
  });
  chain.SyncAll();
  CHECK(Gift(chain.Sell(0, "R-3", ann, 10'000)) == 50);
  CHECK(Gift(chain.Sell(0, "R-4", ann, 10'000)) == 50);
  chain.net(0).offline = true;
  // 200 of its share of 200 given: short until it claims more.
  CHECK(Gift(chain.Sell(0, "R-5", ann, 10'000)) == -1);
  chain.net(0).offline = false;
  chain.SyncAll();
  const sync::CampaignBudgetState budget = GiftBudget(chain);
  CHECK(budget.used == 200);
  CHECK(budget.shares.at("S001-T01").granted == 300);
  CHECK(chain.service()
            .counters()
            .entries_rejected[static_cast<size_t>(sync::EntryRefusal::kBudgetExceeded)] == 0);
}

TEST_CASE("a till takes shares of campaigns open to its store, running or starting within a day") {
  Chain chain(1);
  Rules pack = BudgetPack(10'000);
  Campaign soon = pack.campaigns[0];
  soon.id = "soon";
  soon.when.from = FormatPackTime(chain.now_ms + 12 * 3'600'000LL, 0);
  Campaign later = soon;
  later.id = "later";
  later.when.from = FormatPackTime(chain.now_ms + 48 * 3'600'000LL, 0);
  Campaign ended = soon;
  ended.id = "ended";
  ended.when = {};
  ended.when.until = FormatPackTime(chain.now_ms - 1'000, 0);
  Campaign elsewhere = pack.campaigns[0];
  elsewhere.id = "elsewhere";
  elsewhere.who.stores = {"S002"};
  pack.campaigns = {pack.campaigns[0], soon, later, ended, elsewhere};
  REQUIRE(chain.service().PublishRules(pack).ok());
  // And a pack taking over in 12 hours, with a campaign of its own.
  Rules next = pack;
  next.version = 3;
  next.activate_at = FormatPackTime(chain.now_ms + 12 * 3'600'000LL, 0);
  Campaign next_only = pack.campaigns[0];
  next_only.id = "next-pack";
  next.campaigns.push_back(next_only);
  REQUIRE(chain.service().PublishRules(next).ok());
  chain.SyncAll();
  auto budgets = chain.service().CampaignBudgets();
  REQUIRE(budgets.ok());
  std::map<std::string, int64_t> handed_out;
  for (const sync::CampaignBudgetState& budget : *budgets) {
    handed_out[budget.campaign_id] = budget.handed_out;
  }
  CHECK(handed_out == std::map<std::string, int64_t>{{"elsewhere", 0},
                                                     {"ended", 0},
                                                     {"gift", 100},
                                                     {"later", 0},
                                                     {"next-pack", 100},
                                                     {"soon", 100}});
}

TEST_CASE("an award larger than a till's claims falls short once, then the till asks for enough") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8103", "周婷").member_id;
  Rules pack = BudgetPack(10'000);
  pack.campaigns[0].award.bonus_points = 0;
  pack.campaigns[0].award.multiplier_bp = 20'000;  // double: 500 more on 500.00
  REQUIRE(chain.service().PublishRules(pack).ok());
  chain.SyncAll();
  REQUIRE(GiftBudget(chain).handed_out == 100);  // a hundredth
  Result<terminal::SaleResult> first = chain.Sell(0, "R-1", ann, 50'000);
  REQUIRE(first.ok());
  REQUIRE(GiftOf(*first) != nullptr);
  CHECK(GiftOf(*first)->budget_short == 500);
  chain.SyncAll();
  CHECK(GiftBudget(chain).handed_out == 600);
  Result<terminal::SaleResult> second = chain.Sell(0, "R-2", ann, 50'000);
  REQUIRE(second.ok());
  REQUIRE(GiftOf(*second) != nullptr);
  CHECK(GiftOf(*second)->points == 500);
}

}  // namespace
}  // namespace patron
