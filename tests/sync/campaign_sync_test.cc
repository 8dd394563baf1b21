// Campaigns at the till, end to end (DESIGN.md §9): each campaign's award is
// a bonus entry of its own, head office accepts what the pack gives and
// refuses what it does not, and every refund path (the sale's own till, an
// online return at another store, an offline return head office matches
// later) takes back exactly each award's share.
#include <doctest/doctest.h>

#include "chain.h"
#include "patron/local_time.h"
#include "patron/sql/database.h"
#include "patron/sync_server/rule_packs.h"
#include "patron/terminal/online_checkout.h"

namespace patron {
namespace {

using testing::ByAmount;
using testing::Chain;
using testing::ReturnAt;

// Pack 2, in force at once: double points for everyone, a 50-point welcome
// for members who joined within 30 days, and a campaign whose control group
// holds every member (held out: listed, never given).
Rules CampaignPack() {
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.name = "campaigns";
  pack.utc_offset_minutes = 480;
  Campaign doubled;
  doubled.id = "double";
  doubled.priority = 10;
  doubled.award.multiplier_bp = 20'000;
  Campaign welcome;
  welcome.id = "welcome";
  welcome.who.joined_within_days = 30;
  welcome.award.bonus_points = 50;
  Campaign control;
  control.id = "all-held-out";
  control.holdout_bp = 10'000;
  control.award.bonus_points = 500;
  pack.campaigns = {doubled, welcome, control};
  return pack;
}

std::vector<std::string> CampaignsOf(const terminal::SaleResult& sale) {
  std::vector<std::string> ids;
  for (const SaleAward& award : sale.awards) ids.push_back(award.campaign_id);
  return ids;
}

// A chain of two stores under CampaignPack, Ann enrolled at the first, and
// her 100.00 sale there: 100 base + 100 double + 50 welcome.
struct CampaignChain {
  CampaignChain() : chain(2) {
    ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
    REQUIRE(chain.service().PublishRules(CampaignPack()).ok());
    chain.SyncAll();
    REQUIRE(chain.till(0).rules().version == 2);
    auto sold = chain.Sell(0, "R-1", ann, 10'000);
    REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
    sale = *sold;
  }
  Chain chain;
  std::string ann;
  terminal::SaleResult sale;
};

TEST_CASE("a campaign's award is a bonus entry of its own, and head office takes it") {
  CampaignChain c;
  CHECK(c.sale.earned_points == 250);
  CHECK(c.sale.balance == 250);
  REQUIRE(c.sale.awards.size() == 3);
  CHECK(c.sale.awards[0].campaign_id == "double");  // priority 10 first
  CHECK(c.sale.awards[0].points == 100);
  CHECK(c.sale.awards[1].campaign_id == "all-held-out");
  CHECK(c.sale.awards[1].held_out);
  CHECK(c.sale.awards[1].points == 0);
  CHECK(c.sale.awards[1].entry_id.empty());
  CHECK(c.sale.awards[2].campaign_id == "welcome");
  CHECK(c.sale.awards[2].points == 50);
  CHECK(c.sale.entry_ids.size() == 3);  // the earn and two bonuses
  REQUIRE(c.sale.tier_progress.has_value());
  CHECK(c.sale.tier_progress->next_tier == "silver");
  CHECK(c.sale.tier_progress->spend_to_next_minor == 100'000 - 10'000);

  // The bonus entries as the till wrote them.
  auto history = c.chain.till(0).History(c.ann, 10);
  REQUIRE(history.ok());
  int bonuses = 0;
  for (const LedgerEntry& e : history->entries) {
    if (e.kind != EntryKind::kBonus) continue;
    ++bonuses;
    CHECK(e.rule_version == 2);
    CHECK(e.sale_ref == "R-1");
    CHECK((e.detail.campaign_id == "double" || e.detail.campaign_id == "welcome"));
    CHECK(e.detail.paid_minor == 10'000);
  }
  CHECK(bonuses == 2);

  // Replayed, the same answer.
  auto again = c.chain.Sell(0, "R-1", c.ann, 10'000);
  REQUIRE(again.ok());
  CHECK(again->replayed);
  CHECK(again->earned_points == 250);
  CHECK(again->awards == c.sale.awards);

  c.chain.SyncAll();
  CHECK(testing::EntriesRejected(c.chain) == 0);
  CHECK(c.chain.ServerMembers().at(c.ann).balance == 250);
  auto stored = c.chain.service().FindSale("S001-T01/R-1");
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->sale.awards == c.sale.awards);
  testing::CheckConverged(c.chain);
}

TEST_CASE("the quote lists every award and the tier progress before the sale") {
  CampaignChain c;
  terminal::SaleRequest basket;
  basket.member_id = c.ann;
  basket.amount_minor = 20'000;
  auto quote = c.chain.till(0).QuoteSale(basket);
  REQUIRE_MESSAGE(quote.ok(), quote.status().ToString());
  CHECK(quote->points_to_earn == 450);  // 200 base + 200 double + 50 welcome
  REQUIRE(quote->awards.size() == 4);
  CHECK(quote->awards[0].kind == kAwardBase);
  CHECK(quote->awards[0].points == 200);
  CHECK(quote->awards[1].campaign_id == "double");
  CHECK(quote->awards[2].held_out);
  CHECK(quote->awards[3].campaign_id == "welcome");
  REQUIRE(quote->tier_progress.has_value());
  CHECK(quote->tier_progress->spend_to_next_minor == 100'000 - 10'000);
}

TEST_CASE("a refund at the sale's till takes back each award's share") {
  CampaignChain c;
  auto half = c.chain.till(0).Refund(ByAmount("R-1", "A-1", 5'000));
  REQUIRE_MESSAGE(half.ok(), half.status().ToString());
  CHECK(half->reversed_points == 125);  // 50 base, 50 double, 25 welcome
  CHECK(half->balance == 125);
  CHECK(half->entry_ids.size() == 3);
  auto rest = c.chain.till(0).Refund(ByAmount("R-1", "A-2", 5'000));
  REQUIRE_MESSAGE(rest.ok(), rest.status().ToString());
  CHECK(rest->reversed_points == 125);
  CHECK(rest->balance == 0);
  c.chain.SyncAll();
  CHECK(testing::EntriesRejected(c.chain) == 0);
  CHECK(c.chain.ServerMembers().at(c.ann).balance == 0);
  auto refunds = *c.chain.service().RefundsOfSale("S001-T01/R-1");
  REQUIRE(refunds.size() == 2);
  REQUIRE(refunds[0].refund.reversed_awards.size() == 2);
  CHECK(refunds[0].refund.reversed_awards[0].campaign_id == "double");
  CHECK(refunds[0].refund.reversed_awards[0].points == 50);
  CHECK(refunds[0].refund.reversed_awards[1].points == 25);
  testing::CheckConverged(c.chain);
}

TEST_CASE("an online return at another store reverses the awards head office counted") {
  CampaignChain c;
  c.chain.SyncAll();
  auto returned = ReturnAt(c.chain, 1, "S001-T01", ByAmount("R-1", "B-1", 10'000));
  REQUIRE_MESSAGE(returned.ok(), returned.status().ToString());
  CHECK_FALSE(returned->pending);
  CHECK(returned->reversed_points == 250);
  CHECK(returned->entry_ids.size() == 3);
  c.chain.SyncAll();
  CHECK(testing::EntriesRejected(c.chain) == 0);
  CHECK(c.chain.ServerMembers().at(c.ann).balance == 0);
  testing::CheckConverged(c.chain);
}

TEST_CASE("an offline return at another store: head office reverses the awards when it matches") {
  CampaignChain c;
  c.chain.SyncAll();
  c.chain.net(1).offline = true;
  auto pending = ReturnAt(c.chain, 1, "S001-T01", ByAmount("R-1", "B-1", 4'000));
  REQUIRE_MESSAGE(pending.ok(), pending.status().ToString());
  CHECK(pending->pending);
  c.chain.net(1).offline = false;
  c.chain.SyncAll();
  auto refunds = *c.chain.service().RefundsOfSale("S001-T01/R-1");
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].status == sync::RefundStatus::kMatched);
  CHECK(refunds[0].refund.reversed_points == 40);
  REQUIRE(refunds[0].refund.reversed_awards.size() == 2);
  CHECK(refunds[0].refund.reversed_awards[0].points == 40);  // double
  CHECK(refunds[0].refund.reversed_awards[1].points == 20);  // welcome
  CHECK(refunds[0].refund.entry_ids.size() == 3);
  CHECK(c.chain.ServerMembers().at(c.ann).balance == 250 - 100);
  testing::CheckConverged(c.chain);
}

TEST_CASE("a once-per-member campaign given by two offline tills: the earliest stands") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8002", "赵敏").member_id;
  Rules pack = CampaignPack();
  pack.campaigns = {pack.campaigns[1]};  // the welcome
  pack.campaigns[0].limit = {1, std::string(kPerCampaign)};
  REQUIRE(chain.service().PublishRules(pack).ok());
  chain.SyncAll();
  chain.SetOffline(true);
  // The till knows what it gave itself: one welcome, not two.
  auto first = chain.Sell(0, "A-1", ann, 1'000);
  REQUIRE(first.ok());
  CHECK(first->earned_points == 10 + 50);
  auto again = chain.Sell(0, "A-2", ann, 1'000);
  REQUIRE(again.ok());
  CHECK(again->earned_points == 10);
  CHECK(again->awards.empty());
  // Another store, a minute later, cannot know.
  chain.now_ms += 60'000;
  auto there = chain.Sell(1, "B-1", ann, 1'000);
  REQUIRE(there.ok());
  CHECK(there->earned_points == 10 + 50);
  // The later store syncs first: its award stands until the earlier one
  // arrives, and is then reversed, with a reason the member can see.
  chain.SetOffline(false);
  REQUIRE(chain.client(1).SyncOnce().ok());
  CHECK(chain.service().counters().campaign_awards_limited == 0);
  chain.SyncAll();
  CHECK(testing::EntriesRejected(chain) == 0);
  CHECK(chain.service().counters().campaign_awards_limited == 1);
  CHECK(chain.ServerMembers().at(ann).balance == 30 + 50);
  {
    auto db = sql::Database::Open(chain.File("server.db"));
    REQUIRE(db.ok());
    auto reversed = (*db)->QueryString(
        "SELECT r.ref_entry || ' ' || b.sale_ref || ' ' || r.points FROM entries r"
        " JOIN entries b ON b.entry_id = r.ref_entry"
        " WHERE r.origin = 'server' AND r.detail LIKE '%\"reason\":\"campaign_limit\"%'"
        " AND r.detail LIKE '%\"campaign_id\":\"welcome\"%'");
    REQUIRE_MESSAGE(reversed.ok(), reversed.status().ToString());
    CHECK(*reversed == there->awards[0].entry_id + " B-1 -50");
  }
  testing::CheckConverged(chain);
  // Settled once: more syncs change nothing.
  chain.SyncAll();
  CHECK(chain.service().counters().campaign_awards_limited == 1);

  // The dry run counts every award head office holds.
  sync::DryRunRequest dry;
  dry.member_id = ann;
  dry.basket.store_id = "S001";
  dry.basket.amount_minor = 1'000;
  dry.basket.paid_minor = 1'000;
  auto tried = chain.service().DryRun(dry);
  REQUIRE_MESSAGE(tried.ok(), tried.status().ToString());
  CHECK(tried->evaluation.points == 10);

  // Refunding the sale whose welcome was reversed takes back no more.
  auto refund = chain.till(1).Refund(ByAmount("B-1", "F-1", 1'000));
  REQUIRE_MESSAGE(refund.ok(), refund.status().ToString());
  chain.SyncAll();
  CHECK(testing::EntriesRejected(chain) == 0);
  CHECK(chain.ServerMembers().at(ann).balance == 20 + 50);
  testing::CheckConverged(chain);
}

TEST_CASE("a limit a later pack adds holds that pack's awards, not what earlier packs gave") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8003", "周芷若").member_id;
  Rules unlimited = CampaignPack();
  unlimited.campaigns = {unlimited.campaigns[1]};  // the welcome, no limit
  REQUIRE(chain.service().PublishRules(unlimited).ok());
  chain.SyncAll();
  REQUIRE(chain.Sell(0, "A-1", ann, 1'000)->earned_points == 60);
  REQUIRE(chain.Sell(0, "A-2", ann, 1'000)->earned_points == 60);
  chain.SyncAll();
  Rules limited = unlimited;
  limited.version = 3;
  limited.campaigns[0].limit = {1, std::string(kPerCampaign)};
  REQUIRE(chain.service().PublishRules(limited).ok());
  chain.SyncAll();
  // The till that gave both knows; the other store does not.
  CHECK(chain.Sell(0, "A-3", ann, 1'000)->earned_points == 10);
  CHECK(chain.Sell(1, "B-1", ann, 1'000)->earned_points == 60);
  chain.SyncAll();
  CHECK(testing::EntriesRejected(chain) == 0);
  CHECK(chain.service().counters().campaign_awards_limited == 1);  // B-1's, not A-1's or A-2's
  CHECK(chain.ServerMembers().at(ann).balance == 40 + 100);
  testing::CheckConverged(chain);
}

TEST_CASE("a till sends a sale's record only with or after its entries") {
  CampaignChain c;  // three entries and one record
  REQUIRE(c.chain.Sell(0, "R-2", c.ann, 10'000).ok());
  auto backlog = c.chain.till(0).PendingPush(/*max_entries=*/4, /*max_changes=*/100);
  REQUIRE(backlog.ok());
  CHECK(backlog->entries.size() == 4);
  CHECK(backlog->records.empty());  // R-1's entries are in, R-2's are not all
  auto drained = c.chain.till(0).PendingPush(/*max_entries=*/100, /*max_changes=*/100);
  REQUIRE(drained.ok());
  CHECK(drained->records.size() == 2);
}

// A head office that holds a sale's record without its entries (an older
// till sent records ahead of them) answers a claim as for an unknown sale.
TEST_CASE("a sale whose record reached head office before its bonus entries is returned pending") {
  CampaignChain c;  // R-1 at S001: the earn, two bonuses, the sale's record
  // The record and the earn reach head office; the bonuses do not yet.
  auto pending = c.chain.till(0).PendingPush(/*max_entries=*/100, /*max_changes=*/100);
  REQUIRE(pending.ok());
  sync::PushRequest partial = *pending;
  std::erase_if(partial.entries, [](const LedgerEntry& e) { return e.kind == EntryKind::kBonus; });
  REQUIRE(partial.entries.size() == 1);
  REQUIRE(c.chain.service().Push({"S001-T01", "S001"}, partial).ok());
  auto early = ReturnAt(c.chain, 1, "S001-T01", ByAmount("R-1", "B-1", 10'000));
  REQUIRE_MESSAGE(early.ok(), early.status().ToString());
  CHECK(early->pending);  // head office could not count it yet
  CHECK(early->entry_ids.empty());
  // The rest of S001's push arrives, then store B's pending return:
  // head office matches it and reverses the earn and both bonuses.
  REQUIRE(c.chain.client(0).SyncOnce().ok());
  REQUIRE(c.chain.client(1).SyncOnce().ok());
  CHECK(testing::EntriesRejected(c.chain) == 0);
  c.chain.SyncAll();
  CHECK(testing::EntriesRejected(c.chain) == 0);
  auto refunds = *c.chain.service().RefundsOfSale("S001-T01/R-1");
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].status == sync::RefundStatus::kMatched);
  CHECK(c.chain.ServerMembers().at(c.ann).balance == 0);
  testing::CheckConverged(c.chain);
}

TEST_CASE("past the pack's valid_until a till gives no campaign, only base points") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8001", "李娜").member_id;
  Rules pack = CampaignPack();
  pack.valid_until = FormatPackTime(chain.now_ms + kMsPerDay, pack.utc_offset_minutes);
  REQUIRE(chain.service().PublishRules(pack).ok());
  chain.SyncAll();
  chain.SetOffline(true);  // no newer pack can come
  chain.now_ms += kMsPerDay;
  terminal::SaleRequest basket;
  basket.member_id = ann;
  basket.amount_minor = 10'000;
  auto quote = chain.till(0).QuoteSale(basket);
  REQUIRE(quote.ok());
  CHECK(quote->base_only);
  CHECK(quote->points_to_earn == 100);
  auto sold = chain.Sell(0, "R-1", ann, 10'000);
  REQUIRE(sold.ok());
  CHECK(sold->earned_points == 100);
  CHECK(sold->awards.empty());
  chain.SetOffline(false);
  chain.SyncAll();
  CHECK(testing::EntriesRejected(chain) == 0);
  CHECK(chain.ServerMembers().at(ann).balance == 100);
}

TEST_CASE("first-purchase and win-back campaigns know the purchases head office holds") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.name = "purchases";
  Campaign first;
  first.id = "first-purchase";
  first.who.first_purchase = true;
  first.award.bonus_points = 20;
  first.limit = {1, std::string(kPerCampaign)};
  Campaign back;
  back.id = "win-back";
  back.who.lapsed_days = 90;
  back.award.bonus_points = 70;
  pack.campaigns = {first, back};
  REQUIRE(chain.service().PublishRules(pack).ok());
  chain.SyncAll();

  auto sale = chain.Sell(0, "R-1", ann, 10'000);
  REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
  CHECK(CampaignsOf(*sale) == std::vector<std::string>{"first-purchase"});
  sale = chain.Sell(0, "R-2", ann, 10'000);
  REQUIRE(sale.ok());
  CHECK(CampaignsOf(*sale).empty());
  chain.SyncAll();
  CHECK(chain.ServerMembers().at(ann).last_purchase_ms == chain.now_ms);

  // Another store, after a sync: it knows she has bought before.
  sale = chain.Sell(1, "R-3", ann, 10'000);
  REQUIRE(sale.ok());
  CHECK(CampaignsOf(*sale).empty());
  chain.SyncAll();

  // 100 days without a purchase: welcomed back once, then not again.
  chain.now_ms += 100 * kMsPerDay;
  sale = chain.Sell(1, "R-4", ann, 10'000);
  REQUIRE(sale.ok());
  CHECK(CampaignsOf(*sale) == std::vector<std::string>{"win-back"});
  sale = chain.Sell(1, "R-5", ann, 10'000);
  REQUIRE(sale.ok());
  CHECK(CampaignsOf(*sale).empty());
  chain.SyncAll();
  sale = chain.Sell(0, "R-6", ann, 10'000);
  REQUIRE(sale.ok());
  CHECK(CampaignsOf(*sale).empty());
}

}  // namespace
}  // namespace patron
