// patrond under load: concurrent clients checking out with deliberate
// retries (no lost and no duplicated sale, balances equal to the points
// earned), and SIGTERM in the middle of a burst (exit 0, and every sale the
// daemon acknowledged is there after a restart, none twice).
#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon_process.h"
#include "support/temp_dir.h"

namespace patron::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// What the daemon acknowledged for one sale_ref.
struct Ack {
  std::string sale_ref;
  std::string member_id;
  int64_t earned_points = 0;
  json entry_ids;
};

// Enrols `count` members with phones +1 415 555 01xx; returns their ids.
std::vector<std::string> EnrolMembers(HttpClient& client, int count) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    char phone[32];
    std::snprintf(phone, sizeof phone, "+1 415 555 01%02d", i);
    ApiReply enrolled = CallJson(client, "POST", "/v1/members",
                                 {{"phone", phone}, {"name", "Member " + std::to_string(i)}});
    REQUIRE_MESSAGE(enrolled.status == 201, enrolled.Describe());
    ids.push_back(enrolled.body["member_id"].get<std::string>());
  }
  return ids;
}

// Every sale of every member, from the history: sale_ref -> how often it
// appears, and each member's sum of points.
struct Ledger {
  std::map<std::string, int> sale_refs;
  std::map<std::string, int64_t> points;
  size_t entries = 0;
};

Ledger ReadLedger(HttpClient& client, const std::vector<std::string>& members) {
  Ledger ledger;
  for (const std::string& member : members) {
    for (const json& entry : AllEntries(client, member)) {
      CHECK(entry["kind"] == "earn");
      ledger.sale_refs[entry["sale_ref"].get<std::string>()]++;
      ledger.points[member] += entry["points"].get<int64_t>();
      ++ledger.entries;
    }
  }
  return ledger;
}

int64_t Balance(HttpClient& client, const std::string& member) {
  ApiReply reply = Call(client, "GET", "/v1/members/" + member);
  REQUIRE(reply.status == 200);
  return reply.body["balance"].get<int64_t>();
}

json SaleBody(const std::string& sale_ref, const std::string& member, int64_t amount_minor) {
  return {{"sale_ref", sale_ref}, {"member_id", member}, {"amount_minor", amount_minor}};
}

TEST_CASE("daemon: 16 clients x 500 checkouts with retries lose and duplicate nothing") {
  constexpr int kClients = 16;
  constexpr int kSalesPerClient = 500;
  constexpr int kMembers = 8;
  TempDir dir;
  DaemonOptions options;
  options.log_level = "warn";  // 9000 access-log lines would only cost time
  auto started = DaemonProcess::Start(dir.path().string(), options);
  REQUIRE_MESSAGE(started.ok(), started.status().ToString());
  DaemonProcess& daemon = **started;
  std::unique_ptr<HttpClient> main_client = daemon.Client();
  const std::vector<std::string> members = EnrolMembers(*main_client, kMembers);

  std::vector<std::vector<Ack>> acks(kClients);
  std::vector<std::vector<std::string>> failures(kClients);
  // Shared sale_refs: every client sends the same request for these, at
  // about the same time; exactly one may be 201.
  std::mutex shared_mu;
  std::map<std::string, std::vector<json>> shared_answers;
  std::atomic<int> created_shared{0};

  auto run_client = [&](int c) {
    std::unique_ptr<HttpClient> client = daemon.Client(60s);
    auto fail = [&](const std::string& what, const ApiReply& reply) {
      failures[c].push_back(what + ": " + reply.Describe());
    };
    for (int n = 0; n < kSalesPerClient; ++n) {
      const std::string ref = "L-" + std::to_string(c) + "-" + std::to_string(n);
      const std::string& member = members[(c + n) % kMembers];
      const int64_t amount = 100 + (c * 7919 + n * 104729) % 9900;
      const json body = SaleBody(ref, member, amount);
      ApiReply sold = CallJson(*client, "POST", "/v1/sales", body);
      if (sold.status != 201 || sold.body["replayed"] != false) {
        fail("checkout " + ref, sold);
        continue;
      }
      acks[c].push_back(
          {ref, member, sold.body["earned_points"].get<int64_t>(), sold.body["entry_ids"]});
      if (n % 10 == 3) {  // the POS timed out and sends the same sale again
        ApiReply retry = CallJson(*client, "POST", "/v1/sales", body);
        json expected = sold.body;
        expected["replayed"] = true;
        if (retry.status != 200 || retry.body != expected) fail("retry " + ref, retry);
      }
      if (n % 25 == 0) {
        const std::string shared_ref = "SHARED-" + std::to_string(n);
        ApiReply shared = CallJson(*client, "POST", "/v1/sales",
                                   SaleBody(shared_ref, members[n % kMembers], 4321));
        if (shared.status == 201) {
          created_shared++;
        } else if (shared.status != 200 || shared.body["replayed"] != true) {
          fail("shared " + shared_ref, shared);
        }
        std::lock_guard lock(shared_mu);
        shared_answers[shared_ref].push_back(shared.body);
      }
    }
  };
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) threads.emplace_back(run_client, c);
  for (std::thread& thread : threads) thread.join();
  const auto took = std::chrono::steady_clock::now() - start;
  MESSAGE("16 x 500 checkouts took ",
          std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), " ms");

  for (const auto& client_failures : failures) {
    for (const std::string& failure : client_failures) FAIL_CHECK(failure);
  }
  // Each shared sale was created once; every client saw the same result.
  CHECK(created_shared.load() == static_cast<int>(shared_answers.size()));
  std::map<std::string, Ack> expected;
  for (const auto& [ref, answers] : shared_answers) {
    REQUIRE(answers.size() == static_cast<size_t>(kClients));
    for (const json& answer : answers) {
      CHECK(answer["entry_ids"] == answers.front()["entry_ids"]);
      CHECK(answer["earned_points"] == answers.front()["earned_points"]);
    }
    const json& first = answers.front();
    expected[ref] = {ref, first["member_id"].get<std::string>(),
                     first["earned_points"].get<int64_t>(), first["entry_ids"]};
  }
  for (const auto& client_acks : acks) {
    for (const Ack& ack : client_acks) CHECK(expected.emplace(ack.sale_ref, ack).second);
  }
  CHECK(expected.size() == static_cast<size_t>(kClients * kSalesPerClient) + shared_answers.size());

  // Every acknowledged sale is stored, as acknowledged.
  for (const auto& [ref, ack] : expected) {
    ApiReply stored = Call(*main_client, "GET", "/v1/sales/" + ref);
    INFO(ref, " -> ", stored.Describe());
    REQUIRE(stored.status == 200);
    CHECK(stored.body["earned_points"] == ack.earned_points);
    CHECK(stored.body["member_id"] == ack.member_id);
    CHECK(stored.body["entry_ids"] == ack.entry_ids);
  }
  // The history holds each sale exactly once, nothing else, and each
  // balance is the sum of the points its sales earned.
  const Ledger ledger = ReadLedger(*main_client, members);
  CHECK(ledger.entries == expected.size());
  std::map<std::string, int64_t> earned;
  for (const auto& [ref, ack] : expected) {
    CHECK(ledger.sale_refs.count(ref) == 1);
    if (ledger.sale_refs.count(ref) == 1) CHECK(ledger.sale_refs.at(ref) == 1);
    earned[ack.member_id] += ack.earned_points;
  }
  for (const std::string& member : members) {
    CHECK(Balance(*main_client, member) == earned[member]);
    CHECK(ledger.points.at(member) == earned[member]);
  }
  ApiReply status = Call(*main_client, "GET", "/v1/status");
  CHECK(status.body["pending_entries"] == expected.size());
  CHECK(status.body["member_count"] == kMembers);
  CHECK(daemon.Stop().exit_code == 0);
}

TEST_CASE("daemon: SIGTERM during a burst exits 0 and keeps every acknowledged sale") {
  constexpr int kClients = 8;
  constexpr int kMembers = 4;
  constexpr int kMaxSalesPerClient = 5000;  // a bound in case SIGTERM is ignored
  TempDir dir;
  DaemonOptions options;
  options.log_level = "warn";
  std::vector<std::string> members;
  std::vector<std::vector<Ack>> acks(kClients);
  std::vector<std::vector<json>> unanswered(kClients);  // request bodies
  std::vector<std::vector<std::string>> failures(kClients);
  {
    auto started = DaemonProcess::Start(dir.path().string(), options);
    REQUIRE_MESSAGE(started.ok(), started.status().ToString());
    DaemonProcess& daemon = **started;
    members = EnrolMembers(*daemon.Client(), kMembers);

    std::atomic<int> acknowledged{0};
    auto run_client = [&](int c) {
      std::unique_ptr<HttpClient> client = daemon.Client(30s);
      for (int n = 0; n < kMaxSalesPerClient; ++n) {
        const std::string ref = "B-" + std::to_string(c) + "-" + std::to_string(n);
        const std::string& member = members[(c + n) % kMembers];
        const json body = SaleBody(ref, member, 100 + (n * 37) % 5000);
        ApiReply sold = CallJson(*client, "POST", "/v1/sales", body);
        if (sold.status == 0) {  // the daemon is gone: this one may or may not have landed
          unanswered[c].push_back(body);
          return;
        }
        if (sold.status != 201) {
          failures[c].push_back(ref + ": " + sold.Describe());
          return;
        }
        acks[c].push_back(
            {ref, member, sold.body["earned_points"].get<int64_t>(), sold.body["entry_ids"]});
        acknowledged++;
      }
    };
    std::vector<std::thread> threads;
    for (int c = 0; c < kClients; ++c) threads.emplace_back(run_client, c);
    // Mid-burst: every client is busy checking out.
    const auto give_up = std::chrono::steady_clock::now() + 60s;
    while (acknowledged.load() < 300 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(1ms);
    }
    CHECK(daemon.Signal(SIGTERM).ok());
    const ExitStatus how = daemon.Wait(30s);
    for (std::thread& thread : threads) thread.join();
    CHECK_MESSAGE(how.exit_code == 0, how.ToString(), "\n", daemon.LogTail());
  }
  for (const auto& client_failures : failures) {
    for (const std::string& failure : client_failures) FAIL_CHECK(failure);
  }

  auto restarted = DaemonProcess::Start(dir.path().string(), options);
  REQUIRE_MESSAGE(restarted.ok(), restarted.status().ToString());
  std::unique_ptr<HttpClient> client = (*restarted)->Client();
  std::map<std::string, int64_t> earned;
  size_t present = 0;
  size_t acked = 0;
  for (const auto& client_acks : acks) {
    for (const Ack& ack : client_acks) {
      ApiReply stored = Call(*client, "GET", "/v1/sales/" + ack.sale_ref);
      INFO(ack.sale_ref, " -> ", stored.Describe());
      REQUIRE(stored.status == 200);
      CHECK(stored.body["earned_points"] == ack.earned_points);
      CHECK(stored.body["entry_ids"] == ack.entry_ids);
      earned[ack.member_id] += ack.earned_points;
      ++present;
      ++acked;
    }
  }
  // What a POS does with a sale it got no answer for: send it again once
  // the daemon is back. 200 replayed if it had landed, 201 if not; either
  // way it now exists exactly once.
  size_t landed_unanswered = 0;
  size_t total_unanswered = 0;
  for (const auto& bodies : unanswered) {
    for (const json& body : bodies) {
      const std::string ref = body["sale_ref"].get<std::string>();
      ApiReply stored = Call(*client, "GET", "/v1/sales/" + ref);
      INFO(ref, " -> ", stored.Describe());
      CHECK((stored.status == 200 || stored.status == 404));
      ApiReply resent = CallJson(*client, "POST", "/v1/sales", body);
      INFO("resent -> ", resent.Describe());
      CHECK(resent.status == (stored.status == 200 ? 200 : 201));
      CHECK(resent.body["replayed"] == (stored.status == 200));
      if (stored.status == 200) {
        CHECK(resent.body["entry_ids"] == stored.body["entry_ids"]);
        ++landed_unanswered;
      }
      earned[body["member_id"].get<std::string>()] += resent.body["earned_points"].get<int64_t>();
      ++present;
      ++total_unanswered;
    }
  }
  MESSAGE(acked, " sales acknowledged before the stop; ", landed_unanswered, " of the ",
          total_unanswered, " unanswered ones had landed");
  CHECK(acked >= 300);
  const Ledger ledger = ReadLedger(*client, members);
  CHECK(ledger.entries == present);
  for (const auto& [ref, count] : ledger.sale_refs) CHECK_MESSAGE(count == 1, ref);
  for (const std::string& member : members) {
    CHECK(Balance(*client, member) == earned[member]);
    CHECK(ledger.points.at(member) == earned[member]);
  }
  CHECK((*restarted)->Stop().exit_code == 0);
}

}  // namespace
}  // namespace patron::testing
