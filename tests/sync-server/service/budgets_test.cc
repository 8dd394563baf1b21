// Campaign budgets at head office (campaign.h CampaignBudget,
// service/budgets.cc): each till's share is handed out on request and never
// beyond the budget, and a till's awards beyond its share are refused.
#include <doctest/doctest.h>

#include "patron/sync_server/sync_service.h"
#include "service/service_fixture.h"

namespace patron::sync {
namespace {

// Pack 2: "gift" gives 50 points a sale within a budget of 120; "plain"
// has no budget.
Rules BudgetPack() {
  Rules pack = DefaultRules();
  pack.version = 2;
  Campaign gift;
  gift.id = "gift";
  gift.name = "礼 Gift";
  gift.award.bonus_points = 50;
  gift.budget.points = 120;
  Campaign plain = gift;
  plain.id = "plain";
  plain.budget = {};
  pack.campaigns = {gift, plain};
  return pack;
}

StockClaimRequest Claim(const Caller& caller, const std::string& campaign_id, int64_t want) {
  StockClaimRequest request;
  request.terminal_id = caller.terminal_id;
  request.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
  request.campaign_id = campaign_id;
  request.want = want;
  return request;
}

const EntryAck& AckOf(const PushResponse& response, const LedgerEntry& entry) {
  for (const EntryAck& ack : response.entries) {
    if (ack.entry_id == entry.entry_id) return ack;
  }
  FAIL("no acknowledgement of " << entry.entry_id);
  static const EntryAck none;
  return none;
}

TEST_CASE("a campaign's budget is handed out in shares, never beyond it, and a retry is harmless") {
  ServiceFixture f;
  REQUIRE(f.service().PublishRules(BudgetPack()).ok());

  Result<StockClaimResponse> first = f.service().ClaimStock(f.t1, Claim(f.t1, "gift", 100));
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  CHECK(first->campaign_id == "gift");
  CHECK(first->reward_id.empty());
  CHECK(first->granted == 100);
  CHECK(first->used == 0);
  CHECK(first->unassigned == 20);
  // The same claim again (its answer lost): nothing more.
  Result<StockClaimResponse> again = f.service().ClaimStock(f.t1, Claim(f.t1, "gift", 100));
  REQUIRE(again.ok());
  CHECK(again->granted == 100);
  CHECK(again->unassigned == 20);
  // The other till wants 100 and gets what is left.
  Result<StockClaimResponse> other = f.service().ClaimStock(f.t2, Claim(f.t2, "gift", 100));
  REQUIRE(other.ok());
  CHECK(other->granted == 20);
  CHECK(other->unassigned == 0);
  // A smaller want than the share held takes nothing back.
  CHECK(f.service().ClaimStock(f.t1, Claim(f.t1, "gift", 10))->granted == 100);
  CHECK(f.service().counters().budget_granted == 120);

  Result<std::vector<CampaignBudgetState>> budgets = f.service().CampaignBudgets();
  REQUIRE(budgets.ok());
  REQUIRE(budgets->size() == 1);  // "plain" has no budget
  CHECK((*budgets)[0].campaign_id == "gift");
  CHECK((*budgets)[0].name == "礼 Gift");
  CHECK((*budgets)[0].budget == 120);
  CHECK((*budgets)[0].handed_out == 120);
  CHECK((*budgets)[0].used == 0);
  CHECK((*budgets)[0].shares ==
        std::map<std::string, BudgetShare>{{"S001-T01", {100, 0}}, {"S002-T01", {20, 0}}});
}

TEST_CASE("a bad claim of a budget is refused and hands out nothing") {
  ServiceFixture f;
  REQUIRE(f.service().PublishRules(BudgetPack()).ok());
  StockClaimRequest both = Claim(f.t1, "gift", 10);
  both.reward_id = "mug";
  StockClaimRequest neither = Claim(f.t1, "", 10);
  StockClaimRequest other_till = Claim(f.t2, "gift", 10);  // sent with t1's token
  StockClaimRequest wrong_key = Claim(f.t1, "gift", 10);
  wrong_key.chain_key_fingerprint = "0000";
  const std::pair<StockClaimRequest, std::string> cases[] = {
      {both, "invalid_claim"},
      {neither, "invalid_claim"},
      {Claim(f.t1, "gift", -1), "invalid_want"},
      {Claim(f.t1, "gift", kMaxBudgetPoints + 1), "invalid_want"},
      {Claim(f.t1, "jackpot", 10), "unknown_campaign"},
      {Claim(f.t1, "plain", 10), "campaign_without_budget"},
      {other_till, "terminal_mismatch"},
  };
  for (const auto& [request, reason] : cases) {
    CAPTURE(reason);
    Result<StockClaimResponse> answer = f.service().ClaimStock(f.t1, request);
    REQUIRE_FALSE(answer.ok());
    CHECK(answer.status().reason() == reason);
  }
  CHECK_FALSE(f.service().ClaimStock(f.t1, wrong_key).ok());
  CHECK(f.service().counters().budget_granted == 0);
  CHECK(f.service().CampaignBudgets()->at(0).handed_out == 0);
}

TEST_CASE("head office refuses a till's award of a budgeted campaign beyond its share") {
  ServiceFixture f;
  REQUIRE(f.service().PublishRules(BudgetPack()).ok());
  REQUIRE(f.service().ClaimStock(f.t1, Claim(f.t1, "gift", 100)).ok());
  const auto bonus = [&](const Caller& caller, int64_t seq, const std::string& campaign,
                         const std::string& sale_ref) {
    LedgerEntry e = f.Earn(caller, seq, f.ann, 50);
    e.kind = EntryKind::kBonus;
    e.amount_minor = 0;
    e.rule_version = 2;
    e.detail.campaign_id = campaign;
    e.detail.paid_minor = 10'000;
    e.sale_ref = sale_ref;
    return e;
  };
  const LedgerEntry first = bonus(f.t1, 1, "gift", "R-1");
  const LedgerEntry second = bonus(f.t1, 2, "gift", "R-2");
  const LedgerEntry third = bonus(f.t1, 3, "gift", "R-3");  // 150 > the share of 100
  const LedgerEntry unbudgeted = bonus(f.t1, 4, "plain", "R-3");
  PushRequest push = f.NewPush(f.t1);
  push.entries = {first, second, third, unbudgeted};
  auto answered = f.service().Push(f.t1, push);
  REQUIRE_MESSAGE(answered.ok(), answered.status().ToString());
  CHECK(AckOf(*answered, first).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, second).outcome == PushOutcome::kOk);
  CHECK(AckOf(*answered, third).reason == "budget_exceeded");
  CHECK(AckOf(*answered, unbudgeted).outcome == PushOutcome::kOk);
  CHECK(f.service()
            .counters()
            .entries_rejected[static_cast<size_t>(EntryRefusal::kBudgetExceeded)]
            .load() == 1);

  // A till with no share gives nothing of it.
  PushRequest other = f.NewPush(f.t2);
  const LedgerEntry shareless = bonus(f.t2, 1, "gift", "R-9");
  other.entries = {shareless};
  auto refused = f.service().Push(f.t2, other);
  REQUIRE(refused.ok());
  CHECK(AckOf(*refused, shareless).reason == "budget_exceeded");

  // Head office counted what t1 gave, and tells a till that lost count.
  Result<StockClaimResponse> claim = f.service().ClaimStock(f.t1, Claim(f.t1, "gift", 100));
  REQUIRE(claim.ok());
  CHECK(claim->granted == 100);
  CHECK(claim->used == 100);
  const CampaignBudgetState state = f.service().CampaignBudgets()->at(0);
  CHECK(state.used == 100);
  CHECK(state.shares.at("S001-T01") == BudgetShare{100, 100});
  CHECK(f.Member(f.ann).balance == 150);

  // A retry of an accepted award is answered from the journal and counts
  // nothing twice.
  PushRequest retry = f.NewPush(f.t1);
  retry.entries = {first};
  auto retried = f.service().Push(f.t1, retry);
  REQUIRE(retried.ok());
  CHECK(retried->entries[0].outcome == PushOutcome::kExists);
  CHECK(f.service().CampaignBudgets()->at(0).used == 100);
}

TEST_CASE("a later pack keeps each campaign budgeted or not, and never below what is handed out") {
  ServiceFixture f;
  REQUIRE(f.service().PublishRules(BudgetPack()).ok());
  REQUIRE(f.service().ClaimStock(f.t1, Claim(f.t1, "gift", 100)).ok());
  const auto publish = [&](const std::function<void(Rules&)>& change) {
    Rules pack = BudgetPack();
    pack.version = 3;
    change(pack);
    return f.service().PublishRules(pack);
  };
  const std::pair<std::function<void(Rules&)>, std::string> refused[] = {
      {[](Rules& p) { p.campaigns[0].budget.points = 0; }, "takes the budget from campaign 'gift'"},
      {[](Rules& p) { p.campaigns[1].budget.points = 500; }, "adds a budget to campaign 'plain'"},
      {[](Rules& p) { p.campaigns[0].budget.points = 99; }, "must be at least 100"},
  };
  for (const auto& [change, why] : refused) {
    CAPTURE(why);
    const Status status = publish(change);
    CHECK(status.reason() == "invalid_rules");
    CHECK(status.message().find(why) != std::string::npos);
  }
  // Lowered to what is handed out: the other till gets nothing more.
  REQUIRE(publish([](Rules& p) { p.campaigns[0].budget.points = 100; }).ok());
  CHECK(f.service().ClaimStock(f.t2, Claim(f.t2, "gift", 50))->granted == 0);
  // A new campaign may have a budget; a dropped one is no one's business.
  Rules next = BudgetPack();
  next.version = 4;
  next.campaigns[1].id = "plain-2";
  next.campaigns[1].budget.points = 500;
  REQUIRE(f.service().PublishRules(next).ok());
  CHECK(f.service().ClaimStock(f.t2, Claim(f.t2, "plain-2", 50))->granted == 50);
}

}  // namespace
}  // namespace patron::sync
