// Faults with the real binaries on 127.0.0.1: a terminal SIGKILLed during a
// burst of checkouts, a push whose reply is lost after the server committed
// it, and pushes with someone else's entries or without valid credentials.
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "patron/hlc.h"
#include "patron/ledger.h"
#include "patron/member_id.h"
#include "patron/sync/codec.h"
#include "sync_cluster.h"
#include "tcp_proxy.h"

namespace patron::integration {
namespace {

int64_t SumEarned(const std::map<std::string, int64_t>& earned) {
  int64_t sum = 0;
  for (const auto& [ref, points] : earned) sum += points;
  return sum;
}

TEST_CASE(
    "a terminal SIGKILLed during a burst of checkouts: after its restart the server holds "
    "every acknowledged sale exactly once") {
  ClusterOptions options;
  options.terminals = {{"S001-T01", "S001"}, {"S002-T01", "S002"}};
  options.sync_interval_ms = 100;  // rounds run throughout the burst
  SyncCluster cluster(options);
  TerminalNode& till = cluster.terminal(0);
  const std::string id = till.Enrol({{"phone", "+14155550199"}, {"name", "Burst Buyer"}});

  // Two cashiers check out as fast as patrond answers, each until its
  // connection dies. A 201 is a sale the POS printed a receipt for.
  constexpr int kCashiers = 2;
  constexpr int kAcksBeforeKill = 60;
  std::mutex mu;
  std::map<std::string, int64_t> acknowledged;  // sale_ref -> earned points
  std::vector<std::string> in_flight;           // the request each cashier lost
  std::vector<std::string> unexpected;
  std::atomic<int> acks{0};
  std::vector<std::thread> cashiers;
  for (int c = 0; c < kCashiers; ++c) {
    std::shared_ptr<HttpClient> client = till.daemon().Client(std::chrono::seconds(10));
    cashiers.emplace_back([&, c, client] {
      for (int n = 0; n < 100'000; ++n) {
        const std::string ref = "burst-" + std::to_string(c) + "-" + std::to_string(n);
        ApiReply reply = testing::CallJson(
            *client, "POST", "/v1/sales",
            {{"sale_ref", ref}, {"member_id", id}, {"amount_minor", 1'000 + 100 * (n % 7)}});
        std::lock_guard lock(mu);
        if (reply.status == 201) {
          acknowledged[ref] = reply.body["earned_points"].get<int64_t>();
          ++acks;
          continue;
        }
        if (reply.status == 0) {
          in_flight.push_back(ref);  // killed: committed or not, nobody knows yet
        } else {
          unexpected.push_back(ref + ": " + reply.Describe());
        }
        return;
      }
    });
  }
  const bool enough =
      Eventually([&] { return acks.load() >= kAcksBeforeKill; }, std::chrono::seconds(30));
  till.Kill();
  for (std::thread& cashier : cashiers) cashier.join();
  REQUIRE_MESSAGE(enough, "only ", acks.load(), " sales acknowledged");
  CHECK_MESSAGE(unexpected.empty(), unexpected.size(),
                " unexpected answers, first: ", unexpected.empty() ? "" : unexpected.front());

  till.Start();  // same data directory
  // Every acknowledged sale survived the power cut, as it was answered.
  for (const auto& [ref, points] : acknowledged) {
    ApiReply sale = till.Get("/v1/sales/" + ref);
    REQUIRE_MESSAGE(sale.status == 200, ref, ": ", sale.Describe());
    CHECK(sale.body["earned_points"] == points);
  }
  // The POS retries what it never got an answer for: stored once either way.
  std::map<std::string, int64_t> committed = acknowledged;
  for (const std::string& ref : in_flight) {
    const int n = std::stoi(ref.substr(ref.rfind('-') + 1));
    ApiReply retry = till.Checkout(ref, id, 1'000 + 100 * (n % 7));
    REQUIRE_MESSAGE((retry.status == 201 || retry.status == 200), ref, ": ", retry.Describe());
    CHECK(retry.body["replayed"] == (retry.status == 200));
    committed[ref] = retry.body["earned_points"].get<int64_t>();
  }

  cluster.SyncUntilQuiet();
  const int64_t expected = SumEarned(committed);
  CHECK(till.Member(id)["balance"] == expected);
  const sync::MemberState server = cluster.ServerMembers().at(id);
  CHECK(server.balance == expected);
  for (size_t i = 0; i < cluster.size(); ++i) {
    CHECK(TerminalMemberView(cluster.terminal(i).Member(id)) == ServerMemberView(server));
  }
  const nlohmann::json s001 = StoreRow(cluster.StoreReport(), "S001");
  CHECK(s001["sales"] == committed.size());
  CHECK(s001["points_earned"] == expected);
  CHECK(cluster.Metrics().at("patron_sync_entries_conflict_total") == 0);
  cluster.Shutdown();
}

TEST_CASE(
    "a push whose reply is lost after the server committed it is retried, answered "
    "'exists' and counted once") {
  std::unique_ptr<TcpProxy> proxy;
  ClusterOptions options;
  options.terminals = {{"S001-T01", "S001"}};
  // Rounds run at start, after each checkout and on POST /v1/sync only.
  options.sync_interval_ms = 60'000;
  options.tls = false;  // the proxy reads the requests to pick the reply it drops
  options.server_url = [&proxy](const TerminalSpec&, const SyncServer& server) {
    auto started = TcpProxy::Start(server.port());
    REQUIRE_MESSAGE(started.ok(), started.status().ToString());
    proxy = std::move(started).value();
    return "http://127.0.0.1:" + std::to_string(proxy->port());
  };
  SyncCluster cluster(options);
  TerminalNode& till = cluster.terminal(0);

  const std::string id = till.Enrol({{"phone", "+14155550166"}, {"name", "Lost Reply"}});
  // The enrolment travels first, untouched; the fault then hits the first
  // push that carries ledger entries.
  cluster.SyncUntilQuiet();
  proxy->DropFirstResponseTo("POST", "/v1/push");
  int64_t earned = 0;
  for (int n = 0; n < 3; ++n) {
    ApiReply sale = till.Checkout("lost-" + std::to_string(n), id, 2'000 * (n + 1));
    REQUIRE_MESSAGE(sale.status == 201, sale.Describe());
    earned += sale.body["earned_points"].get<int64_t>();
  }
  ApiReply refund = till.Post("/v1/sales/lost-0/refunds", {{"refund_ref", "lost-0-r"}});
  REQUIRE_MESSAGE(refund.status == 201, refund.Describe());
  const int64_t balance = earned - refund.body["reversed_points"].get<int64_t>();

  // A round cut short by the lost reply fails; a later one finishes.
  const bool drained = Eventually(
      [&] {
        static_cast<void>(till.Sync());
        const nlohmann::json status = till.GetStatus();
        return status["pending_entries"] == 0 && status["pending_profile_changes"] == 0;
      },
      std::chrono::seconds(20));
  const std::string status = till.GetStatus().dump();
  REQUIRE_MESSAGE(drained, status, "\n", till.LogTail());
  CHECK(proxy->dropped() == 1);
  REQUIRE(till.Sync().status == 200);

  // Every entry the terminal wrote reached the server once: the retry found
  // what the lost push had committed and was answered 'exists'.
  int64_t written = 0;
  for (const nlohmann::json& entry : testing::AllEntries(*till.daemon().Client(), id)) {
    if (entry["entry_id"].get<std::string>().starts_with("S001-T01/")) ++written;
  }
  const std::map<std::string, int64_t> metrics = cluster.Metrics();
  CHECK(metrics.at("patron_sync_entries_duplicate_total") >= 1);
  CHECK(metrics.at("patron_sync_entries_ingested_total") == written);
  CHECK(metrics.at("patron_sync_entries_conflict_total") == 0);
  const sync::MemberState server = cluster.ServerMembers().at(id);
  CHECK(server.balance == balance);
  CHECK(till.Member(id)["balance"] == balance);
  const nlohmann::json s001 = StoreRow(cluster.StoreReport(), "S001");
  CHECK(s001["sales"] == 3);
  CHECK(s001["points_earned"] == earned);
  cluster.Shutdown();
}

TEST_CASE(
    "a grant whose reply is lost reaches the terminal by pull, and the retried checkout "
    "spends it") {
  std::unique_ptr<TcpProxy> proxy;
  ClusterOptions options;
  options.terminals = {{"S001-T01", "S001"}, {"S002-T01", "S002"}};
  options.sync_interval_ms = 60'000;  // rounds only at start, after writes and on demand
  options.tls = false;  // the proxy reads the requests to pick the reply it drops
  options.server_url = [&proxy](const TerminalSpec& spec, const SyncServer& server) {
    if (spec.terminal_id != "S001-T01") return std::string();
    auto started = TcpProxy::Start(server.port());
    REQUIRE_MESSAGE(started.ok(), started.status().ToString());
    proxy = std::move(started).value();
    return "http://127.0.0.1:" + std::to_string(proxy->port());
  };
  SyncCluster cluster(options);
  TerminalNode& till = cluster.terminal(0);   // behind the proxy
  TerminalNode& other = cluster.terminal(1);  // where the points were earned

  const std::string id = other.Enrol({{"phone", "+14155550133"}, {"name", "Grant Lost"}});
  REQUIRE(other.Checkout("S002-T01-earn", id, 50'000).status == 201);
  cluster.SyncUntilQuiet();  // the server now holds the 500 points' rights
  REQUIRE(till.Member(id)["redeemable_here"] == 0);

  // The server grants, the reply is lost: the POS is told to try again.
  proxy->DropFirstResponseTo("POST", "/v1/grant");
  ApiReply lost = till.Checkout("S001-T01-redeem", id, 1'000, 500);
  CHECK_MESSAGE(lost.status == 503, lost.Describe());
  CHECK(lost.ErrorCode() == "authorisation_unavailable");
  CHECK(proxy->dropped() == 1);

  // Two ordinary sync rounds go by before the cashier retries (DESIGN.md §3:
  // "a lost reply loses nothing: the grant reaches the terminal on its next
  // pull"). The first round pulls the grant; the second hands those unused
  // rights back to the server. The retried checkout asks again with the same
  // request id (receipt and shortfall), the server answers the grant it
  // already made, which the terminal already holds (and handed back), so the
  // checkout asks once more under the next attempt's id and gets fresh rights
  // (CheckoutWithGrant).
  REQUIRE(till.Sync().status == 200);
  REQUIRE(till.Sync().status == 200);
  ApiReply retried = till.Checkout("S001-T01-redeem", id, 1'000, 500);
  CHECK_MESSAGE(retried.status == 201, retried.Describe());
  CHECK(retried.body["redeemed_points"] == 500);

  cluster.SyncUntilQuiet();
  const sync::MemberState server = cluster.ServerMembers().at(id);
  CHECK(server.balance >= 0);
  for (size_t i = 0; i < cluster.size(); ++i) {
    CHECK(TerminalMemberView(cluster.terminal(i).Member(id)) == ServerMemberView(server));
  }
  cluster.Shutdown();
}

// A well-formed entry written by `terminal_id` of `store_id`.
LedgerEntry HandMadeEarn(const std::string& terminal_id, const std::string& store_id, int64_t seq,
                         const std::string& member_id, int64_t points) {
  const int64_t now_ms = SystemWallClockMs();
  LedgerEntry e;
  e.origin = terminal_id;
  e.seq = seq;
  e.entry_id = MakeEntryId(terminal_id, seq);
  e.member_id = member_id;
  e.kind = EntryKind::kEarn;
  e.points = points;
  e.amount_minor = points * 100;
  e.currency = "USD";
  e.sale_ref = "hand-" + std::to_string(seq);
  e.store_id = store_id;
  e.terminal_id = terminal_id;
  e.hlc = HlcTimestamp::FromParts(now_ms, 0);
  e.wall_ms = now_ms;
  e.rule_version = 1;
  return e;
}

sync::PushRequest HandMadePush(const std::string& terminal_id, std::vector<LedgerEntry> entries) {
  sync::PushRequest push;
  push.terminal_id = terminal_id;
  push.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
  push.hlc = HlcTimestamp::FromParts(SystemWallClockMs(), 0);
  push.entries = std::move(entries);
  return push;
}

std::vector<std::pair<std::string, std::string>> Bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
}

bool HasHeader(const ApiReply& reply, std::string_view name, std::string_view value) {
  for (const auto& [n, v] : reply.response.headers) {
    if (n.size() == name.size() &&
        std::equal(n.begin(), n.end(), name.begin(),
                   [](char a, char b) {
                     return std::tolower(static_cast<unsigned char>(a)) ==
                            std::tolower(static_cast<unsigned char>(b));
                   }) &&
        v == value) {
      return true;
    }
  }
  return false;
}

TEST_CASE(
    "a terminal's token cannot push another terminal's entries (403); a wrong or missing "
    "token gets 401") {
  ClusterOptions options;
  options.terminals = {{"S001-T01", "S001"}};  // one real patrond, for the stale-token case
  SyncCluster cluster(options);
  SyncServer& server = cluster.server();
  Result<std::string> five = server.RegisterTerminal("S005-T01", "S005");
  Result<std::string> six = server.RegisterTerminal("S006-T01", "S006");
  REQUIRE(five.ok());
  REQUIRE(six.ok());
  const std::string member = DeriveMemberId(kDemoChainKey, "+14155550155").ToString();
  const LedgerEntry own = HandMadeEarn("S005-T01", "S005", 1, member, 40);
  const LedgerEntry theirs = HandMadeEarn("S006-T01", "S006", 1, member, 100);
  const std::string theirs_push = sync::EncodePushRequest(HandMadePush("S006-T01", {theirs}));

  {
    // No credentials, or unknown ones: 401 with a Bearer challenge.
    ApiReply missing =
        server.Send("POST", "/v1/push", theirs_push, {{"Content-Type", "application/json"}});
    CHECK_MESSAGE(missing.status == 401, missing.Describe());
    CHECK(missing.ErrorCode() == "missing_token");
    CHECK(HasHeader(missing, "WWW-Authenticate", "Bearer"));
    ApiReply wrong = server.Send("POST", "/v1/push", theirs_push, Bearer(std::string(64, 'a')));
    CHECK_MESSAGE(wrong.status == 401, wrong.Describe());
    CHECK(wrong.ErrorCode() == "invalid_token");
    CHECK(HasHeader(wrong, "WWW-Authenticate", "Bearer"));
    ApiReply admin = server.Send("POST", "/v1/push", theirs_push, Bearer(std::string(kAdminToken)));
    CHECK_MESSAGE(admin.status == 401, admin.Describe());  // not a terminal's token

    // S005-T01's token speaking for S006-T01.
    ApiReply impostor = server.Send("POST", "/v1/push", theirs_push, Bearer(*five));
    CHECK_MESSAGE(impostor.status == 403, impostor.Describe());
    CHECK(impostor.ErrorCode() == "terminal_mismatch");
    // Speaking for itself but carrying S006-T01's entry, alone or among its own.
    for (const std::vector<LedgerEntry>& entries :
         {std::vector<LedgerEntry>{theirs}, std::vector<LedgerEntry>{own, theirs}}) {
      ApiReply smuggled =
          server.Send("POST", "/v1/push",
                      sync::EncodePushRequest(HandMadePush("S005-T01", entries)), Bearer(*five));
      CHECK_MESSAGE(smuggled.status == 403, smuggled.Describe());
      CHECK(smuggled.ErrorCode() == "foreign_origin");
    }
    // Its own entry booked to another store.
    ApiReply other_store =
        server.Send("POST", "/v1/push",
                    sync::EncodePushRequest(
                        HandMadePush("S005-T01", {HandMadeEarn("S005-T01", "S006", 2, member, 1)})),
                    Bearer(*five));
    CHECK_MESSAGE(other_store.status == 403, other_store.Describe());
    CHECK(other_store.ErrorCode() == "foreign_store");
    // A profile write in another terminal's name.
    sync::PushRequest profile = HandMadePush("S005-T01", {});
    profile.profile_changes.push_back({1, member, "name", "\"Mallory\"",
                                       HlcTimestamp::FromParts(SystemWallClockMs(), 0),
                                       "S006-T01"});
    ApiReply forged =
        server.Send("POST", "/v1/push", sync::EncodePushRequest(profile), Bearer(*five));
    CHECK_MESSAGE(forged.status == 403, forged.Describe());
    CHECK(forged.ErrorCode() == "foreign_origin");
    // Pulls and grants are bound to the token's terminal too.
    sync::PullRequest pull;
    pull.terminal_id = "S006-T01";
    pull.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
    CHECK(server.Send("POST", "/v1/pull", sync::EncodePullRequest(pull), Bearer(*five)).status ==
          403);
    CHECK(server.Send("POST", "/v1/pull", sync::EncodePullRequest(pull), {}).status == 401);
  }

  // Nothing refused was written.
  std::map<std::string, int64_t> metrics = cluster.Metrics();
  CHECK(metrics.at("patron_sync_entries_ingested_total") == 0);
  CHECK(SyncCluster::PullAll(server, "S005-T01", *five).empty());

  // The rightful owner's push goes through, once.
  ApiReply pushed = server.Send("POST", "/v1/push", theirs_push, Bearer(*six));
  REQUIRE_MESSAGE(pushed.status == 200, pushed.Describe());
  Result<sync::PushResponse> acks = sync::DecodePushResponse(pushed.raw);
  REQUIRE(acks.ok());
  REQUIRE(acks->entries.size() == 1);
  CHECK(acks->entries[0].outcome == sync::PushOutcome::kOk);
  ApiReply again = server.Send("POST", "/v1/push", theirs_push, Bearer(*six));
  REQUIRE_MESSAGE(again.status == 200, again.Describe());
  acks = sync::DecodePushResponse(again.raw);
  REQUIRE(acks.ok());
  CHECK(acks->entries.at(0).outcome == sync::PushOutcome::kExists);
  metrics = cluster.Metrics();
  CHECK(metrics.at("patron_sync_entries_ingested_total") == 1);
  CHECK(metrics.at("patron_sync_entries_duplicate_total") == 1);
  cluster.WaitUntilFolded();
  const std::map<std::string, sync::MemberState> members =
      SyncCluster::PullAll(server, "S005-T01", *five);
  REQUIRE(members.count(member) == 1);
  CHECK(members.at(member).balance == 100);
  const nlohmann::json report = cluster.StoreReport();
  CHECK(StoreRow(report, "S005")["points_earned"] == 0);
  CHECK(StoreRow(report, "S006")["points_earned"] == 100);

  // A real patrond whose token head office rotated is refused too, and says
  // why instead of pretending to be offline.
  TerminalNode& till = cluster.terminal(0);
  REQUIRE(till.Sync().status == 200);
  REQUIRE(server.RegisterTerminal("S001-T01", "S001").ok());  // a new token; the old one dies
  const std::string id = till.Enrol({{"phone", "+14155550144"}, {"name", "Stale Token"}});
  REQUIRE(till.Checkout("stale-1", id, 1'000).status == 201);
  ApiReply refused = till.Sync();
  CHECK_MESSAGE(refused.status != 200, refused.Describe());
  CHECK_MESSAGE(refused.ErrorCode() == "invalid_token", refused.Describe());
  CHECK(till.GetStatus()["pending_entries"] == 1);
  CHECK(till.GetStatus()["sync"]["last_error"] != "");
  CHECK(StoreRow(cluster.StoreReport(), "S001")["sales"] == 0);
  cluster.Shutdown();
}

}  // namespace
}  // namespace patron::integration
