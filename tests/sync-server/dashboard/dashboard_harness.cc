#include "dashboard_harness.h"

#include <cstdlib>
#include <optional>

#include "patron/member_id.h"
#include "patron/record/record_json.h"
#include "patron/records/feedback.h"
#include "patron/sync/codec.h"
#include "patron/terminal/http_sync_transport.h"
#include "patron/terminal/sync_client.h"
#include "patron/terminal/terminal.h"
#include "support/sale_lines.h"

namespace patron::testing {
namespace {

using nlohmann::json;

constexpr std::string_view kListening = "patron-sync listening on 127.0.0.1:";
constexpr int64_t kHourMs = 3'600'000;

// What one member told a till, `hours_ago` before the seed ran.
struct Said {
  std::string ref;
  int member;  // the till's member, by enrolment order
  FeedbackKind kind;
  int64_t rating;
  std::string topic, text;
  int64_t hours_ago;
};

// The feedback each store's till pushes. S001: one complaint past its
// first-response SLA (24 h) and one past both (72 h); S002: a fresh one.
const std::map<std::string, std::vector<Said>>& FeedbackOfStores() {
  static const auto* const kSaid = new std::map<std::string, std::vector<Said>>{
      {"S001",
       {{"FB-1", 0, FeedbackKind::kComplaint, 0, "points", "会员积分没到账 points missing", 30},
        {"FB-2", 1, FeedbackKind::kComplaint, 2, "service", "收银员态度不好, rude at the till", 80},
        {"FB-3", 2, FeedbackKind::kRating, 5, "service", "", 5},
        {"FB-4", 3, FeedbackKind::kRating, 3, "product", "", 4},
        {"FB-5", 4, FeedbackKind::kPraise, 5, "staff", "店员很热情 friendly staff", 3},
        {"FB-6", 0, FeedbackKind::kSuggestion, 0, "product", "more organic produce", 2}}},
      {"S002",
       {{"FB-1", 0, FeedbackKind::kComplaint, 1, "product", "牛奶过期 milk past its date", 2},
        {"FB-2", 1, FeedbackKind::kRating, 4, "", "", 1},
        {"FB-3", 2, FeedbackKind::kPraise, 0, "store", "clean and bright", 1}}},
  };
  return *kSaid;
}

// Pushes the feedback of `store_id` as its till does: records of kind
// "feedback" in a push with the till's own token.
void PushFeedback(const Server& server, const std::string& terminal_id, const std::string& store_id,
                  const std::string& token, const std::vector<std::string>& members) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  sync::PushRequest push;
  push.terminal_id = terminal_id;
  push.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
  push.hlc = HlcTimestamp::FromParts(now_ms, 0);
  for (const Said& said : FeedbackOfStores().at(store_id)) {
    FeedbackRecord feedback;
    feedback.terminal_id = terminal_id;
    feedback.store_id = store_id;
    feedback.feedback_ref = said.ref;
    feedback.feedback_id = terminal_id + "/" + said.ref;
    feedback.member_id = members.at(static_cast<size_t>(said.member));
    feedback.kind = said.kind;
    feedback.rating = said.rating;
    feedback.topic = said.topic;
    feedback.text = said.text;
    feedback.wall_ms = now_ms - said.hours_ago * kHourMs;
    feedback.hlc = HlcTimestamp::FromParts(feedback.wall_ms, 0);
    push.records.push_back(
        {std::string(kFeedbackRecordKind), feedback.feedback_id, {record::EncodeRecord(feedback)}});
  }
  const HttpResponse pushed =
      Send(server, "POST", "/v1/push", sync::EncodePushRequest(push), token);
  REQUIRE_MESSAGE(pushed.status == 200, pushed.body);
  REQUIRE_MESSAGE(pushed.body.find("rejected") == std::string::npos, pushed.body);
  REQUIRE_MESSAGE(pushed.body.find("conflict") == std::string::npos, pushed.body);
}

}  // namespace

Server StartServer(const TempDir& dir) {
  Server server;
  SubprocessOptions options;
  options.stderr_path = dir.File("patron-sync.log");
  auto child = Subprocess::Start(
      {PATRON_SYNC_BIN, "--data-dir", dir.File("data"), "--listen", "127.0.0.1:0", "--admin-token",
       std::string(kAdminToken), "--dashboard-dir", PATRON_DASHBOARD_SOURCE_DIR,
       "--dashboard-vendor-dir", "/usr/share/javascript", "--fold-max-lag-ms", "100"},
      options);
  REQUIRE_MESSAGE(child.ok(), child.status().ToString());
  server.process = std::move(child).value();
  std::optional<std::string> line = server.process->ReadLine(kTimeout);
  REQUIRE_MESSAGE(line.has_value(), "patron-sync did not start");
  REQUIRE_MESSAGE(line->starts_with(kListening), *line);
  server.port = static_cast<uint16_t>(std::atoi(line->c_str() + kListening.size()));
  REQUIRE(server.port != 0);
  return server;
}

HttpResponse Send(const Server& server, std::string_view method, std::string_view target,
                  const std::string& body, std::string token) {
  HttpClient client(server.endpoint(), kTimeout);
  if (token.empty()) token = kAdminToken;
  std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", "Bearer " + token}};
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  auto response = client.Send(method, target, body, headers);
  REQUIRE_MESSAGE(response.ok(), response.status().ToString());
  return std::move(response).value();
}

nlohmann::json Get(const Server& server, std::string_view target, std::string token) {
  HttpResponse response = Send(server, "GET", target, {}, std::move(token));
  REQUIRE_MESSAGE(response.status == 200, target << ": " << response.body);
  return json::parse(response.body);
}

void WaitUntilFolded(const Server& server) {
  HttpClient client(server.endpoint(), kTimeout);
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (true) {
    auto metrics = client.Send("GET", "/metrics");
    REQUIRE(metrics.ok());
    if (metrics->body.find("\npatron_sync_fold_pending_seqs 0\n") != std::string::npos) return;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Seed(const TempDir& dir, const Server& server) {
  std::ifstream pack_file(PATRON_DEFAULT_PACK);
  REQUIRE(pack_file.good());
  const std::string pack((std::istreambuf_iterator<char>(pack_file)),
                         std::istreambuf_iterator<char>());
  const HttpResponse published = Send(server, "POST", "/v1/admin/packs", pack);
  REQUIRE_MESSAGE(published.status == 201, published.body);
  struct Till {
    std::string terminal_id, store_id;
    int members;
  };
  int receipt = 0;
  for (const Till& till : {Till{"S001-T01", "S001", 5}, Till{"S002-T01", "S002", 3}}) {
    const json registered = json::parse(
        Send(server, "POST", "/v1/admin/terminals",
             json{{"terminal_id", till.terminal_id}, {"store_id", till.store_id}}.dump())
            .body);
    terminal::TerminalOptions options;
    options.db_path = dir.File(till.terminal_id + ".db");
    options.terminal_id = till.terminal_id;
    options.store_id = till.store_id;
    options.chain_key = std::string(kDemoChainKey);
    options.default_country_code = "86";
    auto engine = terminal::Terminal::Open(options);
    REQUIRE_MESSAGE(engine.ok(), engine.status().ToString());
    terminal::HttpSyncTransport transport(server.endpoint(), registered["token"].get<std::string>(),
                                          kTimeout);
    terminal::SyncClient client(**engine, transport);
    REQUIRE(client.SyncOnce().ok());
    std::vector<std::string> members;
    for (int m = 0; m < till.members; ++m) {
      terminal::EnrolRequest enrol;
      enrol.phone = "1380013" + till.store_id.substr(1) + std::to_string(m);
      enrol.profile.name = "会员 " + till.store_id + "-" + std::to_string(m);
      auto member = (*engine)->Enrol(enrol);
      REQUIRE_MESSAGE(member.ok(), member.status().ToString());
      members.push_back(member->member.member_id);
      for (int s = 0; s <= m % 3; ++s) {
        terminal::SaleRequest sale;
        sale.sale_ref = "R-" + std::to_string(++receipt);
        sale.member_id = member->member.member_id;
        sale.lines = {Line("MILK", 2, 1'250 + 100 * m, "dairy"),
                      Line("BREAD", 1, 880 + 10 * s, "bakery"),
                      Line("APPLE", 3 + s, 1'599, "produce")};
        for (const SaleLine& line : sale.lines) sale.amount_minor += line.amount_minor;
        auto sold = (*engine)->Checkout(sale);
        REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
      }
    }
    auto round = client.SyncOnce();
    REQUIRE_MESSAGE(round.ok(), round.status().ToString());
    // After the members reached head office: feedback names a known member.
    PushFeedback(server, till.terminal_id, till.store_id, registered["token"].get<std::string>(),
                 members);
  }
  WaitUntilFolded(server);
  REQUIRE(Send(server, "POST", "/v1/admin/segments/run").status == 200);
}

int64_t Digits(const std::string& text) {
  int64_t value = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') value = value * 10 + (c - '0');
  }
  const bool negative =
      text.find('-') != std::string::npos || text.find("\xE2\x88\x92") != std::string::npos;
  return negative ? -value : value;
}

std::map<std::string, std::map<std::string, int64_t>> SumBy(
    const json& rows, const std::string& key, const std::vector<std::string>& figures) {
  std::map<std::string, std::map<std::string, int64_t>> sums;
  for (const json& row : rows) {
    for (const std::string& figure : figures) {
      sums[row[key].get<std::string>()][figure] += row[figure].get<int64_t>();
    }
  }
  return sums;
}

}  // namespace patron::testing
