// End to end with the real binaries: three patrond and one patron-sync on
// 127.0.0.1. Offline work converges once the server is back (DESIGN.md §3,
// §4); a phone enrolled on two offline terminals is one member; points held
// by the server are spent once, through a grant.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sync_cluster.h"

namespace patron::integration {
namespace {

// Every terminal's view of `member_id`, and the server's, equal `expected`.
void CheckEveryReplica(SyncCluster& cluster, const std::string& member_id,
                       const nlohmann::json& expected) {
  std::map<std::string, sync::MemberState> server = cluster.ServerMembers();
  REQUIRE_MESSAGE(server.count(member_id) == 1, "the server knows no member ", member_id);
  CHECK_MESSAGE(ServerMemberView(server.at(member_id)) == expected,
                "server: ", ServerMemberView(server.at(member_id)).dump(),
                "\nexpected: ", expected.dump());
  for (size_t i = 0; i < cluster.size(); ++i) {
    TerminalNode& t = cluster.terminal(i);
    const nlohmann::json view = TerminalMemberView(t.Member(member_id));
    CHECK_MESSAGE(view == expected, t.id(), ": ", view.dump(), "\nexpected: ", expected.dump());
  }
}

void CheckQuiet(SyncCluster& cluster, int member_count) {
  for (size_t i = 0; i < cluster.size(); ++i) {
    TerminalNode& t = cluster.terminal(i);
    const nlohmann::json status = t.GetStatus();
    CHECK_MESSAGE(status["pending_entries"] == 0, t.id(), ": ", status.dump());
    CHECK_MESSAGE(status["pending_profile_changes"] == 0, t.id(), ": ", status.dump());
    CHECK_MESSAGE(status["member_count"] == member_count, t.id(), ": ", status.dump());
    CHECK_MESSAGE(status["online"] == true, t.id(), ": ", status.dump());
    CHECK_MESSAGE(status["last_sync_ms"].is_number_integer(), t.id(), ": ", status.dump());
  }
}

TEST_CASE(
    "offline terminals enrol, earn, redeem their own rights and refund; after the outage "
    "every terminal and the server agree on every member") {
  ClusterOptions options;
  options.server_running = false;  // registered, then stopped: every terminal starts offline
  SyncCluster cluster(options);

  std::vector<std::string> members;
  std::vector<nlohmann::json> offline_views;
  for (size_t i = 0; i < cluster.size(); ++i) {
    TerminalNode& t = cluster.terminal(i);
    const std::string n = std::to_string(i + 1);
    CAPTURE(t.id());

    ApiReply sync = t.Sync();
    CHECK_MESSAGE(sync.status == 503, sync.Describe());

    const std::string id = t.Enrol({{"phone", "+1415555010" + n},
                                    {"name", "Member " + n},
                                    {"email", "member" + n + "@example.com"},
                                    {"birthday", "1990-01-0" + n},
                                    {"sms_consent", true}});
    // The third member spends enough to reach silver, so tiers differ.
    const int64_t amount_a = i == 2 ? 120'000 : 20'000;
    ApiReply earn = t.Checkout(t.id() + "-A", id, amount_a);
    REQUIRE_MESSAGE(earn.status == 201, earn.Describe());
    CHECK(earn.body["earned_points"] == amount_a / 100);

    // Offline, the terminal spends the rights it earned itself.
    ApiReply redeem = t.Checkout(t.id() + "-B", id, 10'000, 100);
    REQUIRE_MESSAGE(redeem.status == 201, redeem.Describe());
    CHECK(redeem.body["redeemed_points"] == 100);

    ApiReply refund = t.Post("/v1/sales/" + t.id() + "-A/refunds",
                             {{"refund_ref", t.id() + "-R"}, {"amount_minor", 5'000}});
    REQUIRE_MESSAGE(refund.status == 201, refund.Describe());
    CHECK(refund.body["reversed_points"] == amount_a / 100 * 5'000 / amount_a);

    ApiReply patch = t.Patch("/v1/members/" + id,
                             {{"email", "new" + n + "@example.com"}, {"email_consent", true}});
    REQUIRE_MESSAGE(patch.status == 200, patch.Describe());

    const nlohmann::json view = TerminalMemberView(t.Member(id));
    CHECK(view["tier"] == (i == 2 ? "silver" : "regular"));
    members.push_back(id);
    offline_views.push_back(view);
    CHECK(t.GetStatus()["member_count"] == 1);  // nobody else's members yet
  }

  cluster.RestartServer();
  cluster.SyncUntilQuiet();

  // Each member as its own terminal saw it offline is what everyone sees now.
  REQUIRE(cluster.ServerMembers().size() == members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    CAPTURE(members[i]);
    CheckEveryReplica(cluster, members[i], offline_views[i]);
  }
  CheckQuiet(cluster, static_cast<int>(members.size()));

  // Profile edits made on two other terminals meet on every replica.
  TerminalNode& t2 = cluster.terminal(1);
  TerminalNode& t3 = cluster.terminal(2);
  REQUIRE(t2.Patch("/v1/members/" + members[0], {{"name", "Member One"}}).status == 200);
  REQUIRE(t3.Patch("/v1/members/" + members[0], {{"gender", "female"}, {"sms_consent", false}})
              .status == 200);
  cluster.SyncUntilQuiet();
  nlohmann::json edited = offline_views[0];
  edited["name"] = "Member One";
  edited["gender"] = "female";
  edited["sms_consent"] = false;
  CheckEveryReplica(cluster, members[0], edited);

  // Head office's figures: two members, four sales in S001; one and two in
  // S002; nothing counted twice.
  const nlohmann::json report = cluster.StoreReport();
  const nlohmann::json s001 = StoreRow(report, "S001");
  const nlohmann::json s002 = StoreRow(report, "S002");
  CHECK(s001["members_enrolled"] == 2);
  CHECK(s001["sales"] == 4);
  CHECK(s001["points_earned"] == 2 * (200 + 99));
  CHECK(s001["points_redeemed"] == 200);
  CHECK(s001["points_outstanding"] ==
        offline_views[0]["balance"].get<int64_t>() + offline_views[1]["balance"].get<int64_t>());
  CHECK(s002["members_enrolled"] == 1);
  CHECK(s002["sales"] == 2);
  CHECK(s002["points_redeemed"] == 100);
  CHECK(s002["points_outstanding"] == offline_views[2]["balance"]);
  const std::map<std::string, int64_t> metrics = cluster.Metrics();
  CHECK(metrics.at("patron_sync_entries_conflict_total") == 0);
  cluster.Shutdown();
}

TEST_CASE(
    "the same phone enrolled on two offline terminals becomes one member whose balance is "
    "the sum of both") {
  ClusterOptions options;
  options.server_running = false;
  SyncCluster cluster(options);
  TerminalNode& t1 = cluster.terminal(0);  // store S001
  TerminalNode& t2 = cluster.terminal(1);  // store S001, never sees the customer offline
  TerminalNode& t3 = cluster.terminal(2);  // store S002

  ApiReply first = t1.Post("/v1/members", {{"phone", "(415) 555-0142"}, {"name", "Lee Chan"}});
  REQUIRE_MESSAGE(first.status == 201, first.Describe());
  // Later in time, so its name is the last write.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ApiReply second = t3.Post(
      "/v1/members",
      {{"phone", "+1 415 555 0142"}, {"name", "Lee Chan-Wong"}, {"email", "lee@example.com"}});
  REQUIRE_MESSAGE(second.status == 201, second.Describe());
  const std::string id = first.body["member_id"].get<std::string>();
  CHECK(second.body["member_id"] == id);  // derived from the phone: one member id

  REQUIRE(t1.Checkout("S001-T01-lee", id, 12'000).status == 201);
  REQUIRE(t3.Checkout("S002-T01-lee", id, 8'000).status == 201);
  CHECK(t1.Member(id)["balance"] == 120);
  CHECK(t3.Member(id)["balance"] == 80);
  CHECK(t2.Get("/v1/members?phone=%2B14155550142").status == 404);

  cluster.RestartServer();
  cluster.SyncUntilQuiet();

  const std::map<std::string, sync::MemberState> server = cluster.ServerMembers();
  REQUIRE(server.size() == 1);
  const sync::MemberState& lee = server.at(id);
  CHECK(lee.balance == 200);
  CHECK(lee.spend_minor == 20'000);
  CHECK(lee.phone == std::optional<std::string>("+14155550142"));
  CHECK(lee.name.value == "Lee Chan-Wong");
  CHECK(lee.email.value == std::optional<std::string>("lee@example.com"));
  // The earlier enrolment names the member's home store.
  const int64_t ms1 = first.body["enrolled_ms"].get<int64_t>();
  const int64_t ms3 = second.body["enrolled_ms"].get<int64_t>();
  CHECK(lee.enrolled_store == (ms3 < ms1 ? "S002" : "S001"));
  CheckEveryReplica(cluster, id, ServerMemberView(lee));

  ApiReply found = t2.Get("/v1/members?phone=%2B14155550142");
  REQUIRE_MESSAGE(found.status == 200, found.Describe());
  CHECK(found.body["member_id"] == id);
  CheckQuiet(cluster, 1);

  const nlohmann::json report = cluster.StoreReport();
  CHECK(report["totals"]["members_enrolled"] == 1);
  CHECK(StoreRow(report, "S001")["points_earned"] == 120);
  CHECK(StoreRow(report, "S002")["points_earned"] == 80);
  CHECK(report["totals"]["points_outstanding"] == 200);
  cluster.Shutdown();
}

TEST_CASE(
    "points held by the server: offline terminals refuse the redemption; online, one gets "
    "the grant and the other insufficient_points") {
  SyncCluster cluster;
  TerminalNode& t1 = cluster.terminal(0);
  TerminalNode& t2 = cluster.terminal(1);
  TerminalNode& t3 = cluster.terminal(2);

  const std::string id = t1.Enrol({{"phone", "+14155550188"}, {"name", "Sam Held"}});
  REQUIRE(t1.Checkout("S001-T01-earn", id, 50'000).status == 201);
  // T1 pushes and hands its 500 points of rights back; T2 and T3 learn the
  // member. Now only the server may authorise spending them.
  cluster.SyncUntilQuiet();
  REQUIRE(cluster.ServerMembers().at(id).balance == 500);
  for (TerminalNode* t : {&t1, &t2, &t3}) {
    const nlohmann::json member = t->Member(id);
    CHECK_MESSAGE(member["balance"] == 500, t->id(), ": ", member.dump());
    CHECK_MESSAGE(member["redeemable_here"] == 0, t->id(), ": ", member.dump());
  }

  // Offline: neither terminal can get the server's authorisation.
  cluster.StopServer();
  for (TerminalNode* t : {&t2, &t3}) {
    const std::string ref = t->id() + "-offline";
    ApiReply refused = t->Checkout(ref, id, 1'000, 500);
    CHECK_MESSAGE(refused.status == 503, t->id(), ": ", refused.Describe());
    CHECK(refused.ErrorCode() == "authorisation_unavailable");
    CHECK(t->Get("/v1/sales/" + ref).status == 404);  // nothing was written
    CHECK(t->Member(id)["balance"] == 500);
  }

  // Online again: both ask for every point at once; the server has them once.
  cluster.RestartServer();
  std::vector<ApiReply> replies(2);
  std::vector<std::thread> cashiers;
  TerminalNode* racers[2] = {&t2, &t3};
  for (size_t i = 0; i < 2; ++i) {
    auto client = racers[i]->daemon().Client(std::chrono::seconds(15));
    cashiers.emplace_back([&replies, i, id, terminal_id = racers[i]->id(),
                           client = std::shared_ptr<HttpClient>(std::move(client))] {
      replies[i] = testing::CallJson(*client, "POST", "/v1/sales",
                                     {{"sale_ref", terminal_id + "-online"},
                                      {"member_id", id},
                                      {"amount_minor", 1'000},
                                      {"redeem_points", 500}});
    });
  }
  for (std::thread& cashier : cashiers) cashier.join();
  CAPTURE(replies[0].Describe());
  CAPTURE(replies[1].Describe());
  const int winners = (replies[0].status == 201) + (replies[1].status == 201);
  REQUIRE(winners == 1);
  const size_t w = replies[0].status == 201 ? 0 : 1;
  TerminalNode& winner = *racers[w];
  TerminalNode& loser = *racers[1 - w];
  const ApiReply& lost = replies[1 - w];
  CHECK(replies[w].body["redeemed_points"] == 500);
  CHECK(lost.status == 422);
  CHECK(lost.ErrorCode() == "insufficient_points");
  CHECK(loser.Get("/v1/sales/" + loser.id() + "-online").status == 404);

  // The winner spent rights the server moved to it.
  bool granted = false;
  for (const nlohmann::json& entry : testing::AllEntries(*winner.daemon().Client(), id)) {
    if (entry["kind"] == "transfer" && entry["terminal_id"] == "server" &&
        entry["to_holder"] == winner.id() && entry["points"] == 500) {
      granted = true;
    }
  }
  CHECK_MESSAGE(granted, "no grant of 500 points to ", winner.id());

  // Everyone converges on 500 - 500 + the 5 points the winner's sale earned:
  // never below zero.
  cluster.SyncUntilQuiet();
  const sync::MemberState server = cluster.ServerMembers().at(id);
  CHECK(server.balance == 5);
  CheckEveryReplica(cluster, id, ServerMemberView(server));
  const nlohmann::json report = cluster.StoreReport();
  CHECK(report["totals"]["points_redeemed"] == 500);
  CHECK(report["totals"]["points_outstanding"] == 5);
  CheckQuiet(cluster, 1);

  // And the loser, now knowing the truth, refuses locally.
  ApiReply again = loser.Checkout(loser.id() + "-again", id, 1'000, 500);
  CHECK(again.status == 422);
  CHECK(again.ErrorCode() == "insufficient_points");
  cluster.Shutdown();
}

}  // namespace
}  // namespace patron::integration

namespace patron::integration {
namespace {

TEST_CASE("a new terminal bootstraps from patron-sync's member snapshot and agrees with it") {
  ClusterOptions options;
  options.terminals = {{"S001-T01", "S001"}};
  options.server_args = {"--snapshot-min-changes", "1", "--snapshot-min-interval-ms", "0"};
  SyncCluster cluster(options);
  TerminalNode& t1 = cluster.terminal(0);
  std::vector<std::string> members;
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i);
    members.push_back(t1.Enrol({{"phone", "+1415555017" + n}, {"name", "Snap " + n}}));
    REQUIRE(t1.Checkout("S001-T01-snap-" + n, members.back(), 10'000 * (i + 1)).status == 201);
  }
  cluster.SyncUntilQuiet();
  const int64_t server_last = cluster.ServerMembers().at(members.back()).version;

  // The server builds its snapshot within a few seconds of the changes.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (cluster.Metrics()["patron_sync_snapshot_seq"] < server_last) {
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, cluster.server().LogTail());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(cluster.Metrics()["patron_sync_snapshot_members"] == 3);

  Result<std::string> token = cluster.server().RegisterTerminal("S002-T01", "S002");
  REQUIRE(token.ok());
  TerminalNode fresh({"S002-T01", "S002"}, *token, cluster.server().url(),
                     cluster.server().ca_file(), 200);
  fresh.Start();
  ApiReply synced = fresh.Sync();
  REQUIRE_MESSAGE(synced.status == 200, synced.Describe());
  CHECK(cluster.Metrics()["patron_sync_snapshots_total"] == 1);
  CHECK(fresh.GetStatus()["member_count"] == 3);
  std::map<std::string, sync::MemberState> server = cluster.ServerMembers();
  for (const std::string& id : members) {
    CHECK(TerminalMemberView(fresh.Member(id)) == ServerMemberView(server.at(id)));
  }
  fresh.Stop();
}

}  // namespace
}  // namespace patron::integration
