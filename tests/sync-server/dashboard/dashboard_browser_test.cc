// The head-office dashboard in a real headless Chromium (DESIGN.md §10,
// issue 17 item 9): the real patron-sync on 127.0.0.1 holding sales that
// real terminal engines pushed; a user logs in through the page; each view
// renders in English and in Chinese with the figures the report API gives
// and charts that drew; a store manager sees only their store. Screenshots
// of every view go to the build tree (PATRON_SCREENSHOT_DIR).
//
// Chromium is Debian's (./dev installs it): a browser that does not start
// fails the test.
#include <doctest/doctest.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "chromium_pipe.h"
#include "patron/http/client.h"
#include "patron/terminal/http_sync_transport.h"
#include "patron/terminal/sync_client.h"
#include "patron/terminal/terminal.h"
#include "support/sale_lines.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace patron::testing {
namespace {

using nlohmann::json;

constexpr std::string_view kAdminToken = "dashboard-test-admin-token";
constexpr std::string_view kListening = "patron-sync listening on 127.0.0.1:";
constexpr auto kTimeout = std::chrono::seconds(20);

struct Server {
  std::unique_ptr<Subprocess> process;
  uint16_t port = 0;
  Endpoint endpoint() const { return {"127.0.0.1", port}; }
  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
  }
};

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

// One request; `token` empty: the admin token.
HttpResponse Send(const Server& server, std::string_view method, std::string_view target,
                  const std::string& body = {}, std::string token = {}) {
  HttpClient client(server.endpoint(), kTimeout);
  if (token.empty()) token = kAdminToken;
  std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", "Bearer " + token}};
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  auto response = client.Send(method, target, body, headers);
  REQUIRE_MESSAGE(response.ok(), response.status().ToString());
  return std::move(response).value();
}

json Get(const Server& server, std::string_view target, std::string token = {}) {
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

// Head office publishes the shipped rule pack (its welcome, first-purchase
// and dairy campaigns give to these sales); two stores' tills pull it,
// enrol members and sell baskets of three categories, then sync; head
// office folds them into its reports.
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
    for (int m = 0; m < till.members; ++m) {
      terminal::EnrolRequest enrol;
      enrol.phone = "1380013" + till.store_id.substr(1) + std::to_string(m);
      enrol.profile.name = "会员 " + till.store_id + "-" + std::to_string(m);
      auto member = (*engine)->Enrol(enrol);
      REQUIRE_MESSAGE(member.ok(), member.status().ToString());
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
  }
  WaitUntilFolded(server);
  REQUIRE(Send(server, "POST", "/v1/admin/segments/run").status == 200);
}

// The integer a shown figure spells: its digits, negative with a minus
// sign ("¥1,234.56" -> 123456, the minor units; "−12" -> -12).
int64_t Digits(const std::string& text) {
  int64_t value = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') value = value * 10 + (c - '0');
  }
  const bool negative =
      text.find('-') != std::string::npos || text.find("\xE2\x88\x92") != std::string::npos;
  return negative ? -value : value;
}

// Sums of `figures` over report rows, by `key`.
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

class Dashboard {
 public:
  // A browser with a fresh profile of its own (`name`).
  Dashboard(const TempDir& dir, const Server& server, const std::string& name) : server_(server) {
    auto browser = ChromiumPipe::Start(dir.File(name + "-profile"), dir.File(name + ".log"));
    REQUIRE_MESSAGE(browser.ok(), browser.status().ToString());
    browser_ = std::move(browser).value();
    std::filesystem::create_directories(PATRON_SCREENSHOT_DIR);
  }

  ChromiumPipe& browser() { return *browser_; }

  json Eval(const std::string& expression) {
    auto value = browser_->Evaluate(expression);
    REQUIRE_MESSAGE(value.ok(), value.status().ToString());
    return std::move(value).value();
  }

  // Waits for body[data-ready] to be `ready`; fails with the page's error.
  void WaitReady(const std::string& ready) {
    auto state = browser_->WaitFor("document.body && ((document.body.dataset.ready === '" + ready +
                                       "' && 'ready') || document.body.dataset.error)",
                                   std::chrono::seconds(20));
    REQUIRE_MESSAGE(state.ok(), ready << ": " << state.status().ToString());
    REQUIRE_MESSAGE(*state == "ready", ready << ": the page failed: " << state->dump());
  }

  void Open(const std::string& language) {
    REQUIRE(browser_->Navigate(server_.Url("/dashboard/")).ok());
    WaitReady("login:" + language);
  }

  void SetLanguage(const std::string& language) {
    Eval("(() => { const s = document.getElementById('lang'); s.value = '" + language +
         "'; s.dispatchEvent(new Event('change')); return true; })()");
  }

  void LogIn(const std::string& username, const std::string& password,
             const std::string& language) {
    Eval("(() => { document.getElementById('username').value = " + json(username).dump() +
         "; document.getElementById('password').value = " + json(password).dump() +
         "; document.getElementById('login-submit').click(); return true; })()");
    WaitReady("overview:" + language);
  }

  void Show(const std::string& hash, const std::string& page, const std::string& language) {
    Eval("location.hash = " + json(hash).dump() + "; true");
    WaitReady(page + ":" + language);
  }

  // Every chart of the view has its Chart.js instance and painted pixels.
  void CheckCharts(const std::string& view, size_t at_least) {
    const json charts = Eval(R"((() => [...document.querySelectorAll('canvas')].map((c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) painted++;
        return { id: c.dataset.chart, chart: !!Chart.getChart(c), painted, width: c.width };
      }))())");
    CHECK_MESSAGE(charts.size() >= at_least, view << ": " << charts.dump());
    for (const json& chart : charts) {
      CHECK_MESSAGE(chart["chart"] == true, view << ": " << chart.dump());
      CHECK_MESSAGE(chart["width"].get<int>() > 0, view << ": " << chart.dump());
      CHECK_MESSAGE(chart["painted"].get<int>() > 0, view << ": blank canvas " << chart.dump());
    }
  }

  // The KPI card of `key`: its raw value and the digits of its text.
  std::pair<std::string, int64_t> Kpi(const std::string& key) {
    const json kpi =
        Eval("(() => { const k = document.querySelector('[data-kpi=\"" + key +
             "\"]'); return k ? [k.dataset.value, k.querySelector('.value').textContent]"
             " : null; })()");
    REQUIRE_MESSAGE(kpi.is_array(), "no KPI " << key);
    return {kpi[0].get<std::string>(), Digits(kpi[1].get<std::string>())};
  }

  void CheckKpi(const std::string& key, int64_t want) {
    const auto [raw, shown] = Kpi(key);
    CHECK_MESSAGE(raw == std::to_string(want), key);
    CHECK_MESSAGE(shown == want, key << " shows " << shown << ", the API says " << want);
  }

  // A table's rows: {first column's value -> {field -> [raw, digits shown]}}.
  std::map<std::string, std::map<std::string, std::pair<std::string, int64_t>>> Table(
      const std::string& id) {
    const json rows = Eval("(() => [...document.querySelectorAll('[data-table=\"" + id +
                           "\"] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map("
                           "(td) => [td.dataset.field, td.dataset.value, td.textContent])))()");
    std::map<std::string, std::map<std::string, std::pair<std::string, int64_t>>> table;
    for (const json& row : rows) {
      auto& cells = table[row[0][1].get<std::string>()];
      for (const json& cell : row) {
        cells[cell[0].get<std::string>()] = {cell[1].get<std::string>(),
                                             Digits(cell[2].get<std::string>())};
      }
    }
    return table;
  }

  void CheckTable(const std::string& id,
                  const std::map<std::string, std::map<std::string, int64_t>>& want) {
    const auto shown = Table(id);
    CHECK_MESSAGE(shown.size() == want.size(),
                  id << ": " << shown.size() << " rows shown, " << want.size() << " in the API");
    for (const auto& [key, figures] : want) {
      const auto row = shown.find(key);
      REQUIRE_MESSAGE(row != shown.end(), id << ": no row " << key);
      for (const auto& [figure, value] : figures) {
        const auto cell = row->second.find(figure);
        REQUIRE_MESSAGE(cell != row->second.end(), id << ": no column " << figure);
        CHECK_MESSAGE(cell->second.first == std::to_string(value),
                      id << " " << key << " " << figure);
        CHECK_MESSAGE(cell->second.second == value, id << " " << key << " " << figure << " shows "
                                                       << cell->second.second << ", API " << value);
      }
    }
  }

  std::string Text(const std::string& selector) {
    return Eval("(document.querySelector(" + json(selector).dump() + ") || {}).textContent || ''")
        .get<std::string>();
  }

  // Clicks the CSV button of table `id` and returns the file the browser
  // saved (into `downloads`), waiting for it to be complete.
  std::string DownloadCsv(const std::string& id, const std::filesystem::path& downloads) {
    std::filesystem::create_directories(downloads);
    REQUIRE(browser_
                ->Call("Browser.setDownloadBehavior",
                       {{"behavior", "allow"}, {"downloadPath", downloads.string()}}, false)
                .ok());
    Eval("document.querySelector('[data-csv=\"" + id + "\"]').click(); true");
    const std::filesystem::path file = downloads / (id + ".csv");
    const auto deadline = std::chrono::steady_clock::now() + kTimeout;
    while (!std::filesystem::exists(file)) {
      REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, "no download of " << id);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // finished writing
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  void Screenshot(const std::string& name) {
    const std::string path = std::string(PATRON_SCREENSHOT_DIR) + "/" + name + ".png";
    CHECK_MESSAGE(browser_->Screenshot(path).ok(), path);
  }

 private:
  const Server& server_;
  std::unique_ptr<ChromiumPipe> browser_;
};

const std::map<std::string, std::map<std::string, std::string>> kTitles = {
    {"en",
     {{"overview", "Overview"},
      {"stores", "Stores"},
      {"categories", "Categories"},
      {"tiers", "Tiers"},
      {"members", "Members and segments"},
      {"member", "Member"},
      {"campaigns", "Campaigns"},
      {"liability", "Points liability and expiry"}}},
    {"zh",
     {{"overview", "概览"},
      {"stores", "门店"},
      {"categories", "品类"},
      {"tiers", "会员等级"},
      {"members", "会员与分群"},
      {"member", "会员画像"},
      {"campaigns", "营销活动"},
      {"liability", "积分负债与到期"}}},
};

// Checks the view now shown against the report API, as the admin token
// reads it (the page read it with the user's session).
void CheckView(Dashboard& page, const Server& server, const std::string& view,
               const std::string& store, const std::string& language) {
  const std::string filter = store.empty() ? "" : "&store=" + store;
  CHECK(page.Text("#view h1") == kTitles.at(language).at(view));
  if (view == "overview") {
    const json totals = Get(server, "/v1/reports/days?limit=10000" + filter)["totals"];
    for (const char* key : {"sales", "members_buying", "new_members", "basket_minor", "paid_minor",
                            "refunded_minor", "points_earned", "points_redeemed", "points_net"}) {
      page.CheckKpi(key, totals[key].get<int64_t>());
    }
    page.CheckCharts(view, 1);
  } else if (view == "stores") {
    page.CheckTable("stores",
                    SumBy(Get(server, "/v1/reports/days?limit=10000" + filter)["rows"], "store_id",
                          {"sales", "paid_minor", "points_earned", "new_members"}));
    page.CheckCharts(view, 1);
  } else if (view == "categories") {
    page.CheckTable("categories",
                    SumBy(Get(server, "/v1/reports/categories?limit=10000" + filter)["rows"],
                          "category", {"lines", "qty", "amount_minor"}));
    page.CheckCharts(view, 1);
  } else if (view == "tiers") {
    page.CheckTable("tiers", SumBy(Get(server, "/v1/reports/tiers?limit=10000")["rows"], "tier",
                                   {"earns", "spend_minor", "points"}));
    page.CheckCharts(view, 1);
  } else if (view == "members") {
    const json members = Get(server, "/v1/reports/members?limit=200")["members"];
    std::map<std::string, std::map<std::string, int64_t>> want;
    for (const json& m : members) {
      want[m["member_id"]] = {{"sales", m["sales"].get<int64_t>()},
                              {"paid_minor", m["paid_minor"].get<int64_t>()}};
    }
    page.CheckTable("members", want);
    // The run the page shows (a newer one may have come since).
    const std::string version =
        page.Eval("document.querySelector('[data-run-version]').dataset.runVersion");
    std::map<std::string, std::map<std::string, int64_t>> sizes;
    const json run = Get(server, "/v1/reports/segments?version=" + version);
    for (const json& s : run["sizes"]) {
      sizes[s["segment_id"]] = {{"members", s["members"].get<int64_t>()}};
    }
    page.CheckTable("segments", sizes);
    page.CheckCharts(view, 1);
  } else if (view == "campaigns") {
    const json rows = Get(server, "/v1/reports/campaigns?limit=10000" + filter)["rows"];
    REQUIRE_FALSE(rows.empty());  // the pack's campaigns gave to the sales
    page.CheckTable("campaigns", SumBy(rows, "campaign_id", {"awards", "points", "paid_minor"}));
    if (store.empty()) {
      // Each campaign's effect against its holdout, as the insights run left it.
      std::map<std::string, std::map<std::string, int64_t>> effects;
      const json report = Get(server, "/v1/reports/effects");
      for (const json& e : report["rows"]) {
        effects[e["campaign_id"]] = {{"treated", e["treated"].get<int64_t>()},
                                     {"control", e["control"].get<int64_t>()},
                                     {"cost_minor", e["cost_minor"].get<int64_t>()}};
      }
      page.CheckTable("effects", effects);
      // Rates travel in basis points and are shown as fractions of one.
      const auto shown = page.Table("effects");
      for (const json& e : report["rows"]) {
        const json& bp = e["conversion_treated_bp"];
        std::string want;
        if (!bp.is_null()) {
          char text[32];
          std::snprintf(text, sizeof text, "%.4f", bp.get<double>() / 10000);
          want = text;
          while (want.back() == '0') want.pop_back();
          if (want.back() == '.') want.pop_back();
        }
        CHECK(shown.at(e["campaign_id"]).at("conversion_treated").first == want);
      }
      page.CheckCharts(view, 2);
    } else {
      page.CheckCharts(view, 1);
    }
  } else if (view == "liability") {
    const json liability = Get(server, "/v1/reports/liability");
    for (const char* key :
         {"outstanding_points", "outstanding_value_minor", "members_with_points"}) {
      page.CheckKpi(key, liability[key].get<int64_t>());
    }
    page.CheckCharts(view, 1);
  }
}

TEST_CASE("the dashboard shows the report API's figures in English and Chinese, in Chromium") {
  TempDir dir;
  Server server = StartServer(dir);
  Seed(dir, server);
  REQUIRE(Send(server, "POST", "/v1/admin/users",
               R"({"username":"hq-analyst","role":"analyst","password":"analyst-pass-1"})")
              .status == 200);
  REQUIRE(Send(server, "POST", "/v1/admin/users",
               R"({"username":"mgr-s001","role":"store_manager","store_id":"S001",)"
               R"("password":"manager-pass-1"})")
              .status == 200);
  // Insights (campaign effect, cohorts, liability) are computed by a run.
  REQUIRE(Send(server, "POST", "/v1/admin/insights/run").status == 200);

  {
    Dashboard page(dir, server, "analyst");
    page.Open("en");
    CHECK(page.Text("#login h1") == "Log in");
    page.LogIn("hq-analyst", "analyst-pass-1", "en");
    for (const std::string language : {"en", "zh"}) {
      if (language == "zh") {
        page.SetLanguage("zh");
        page.WaitReady("overview:zh");
      }
      for (const std::string view :
           {"overview", "stores", "categories", "tiers", "members", "campaigns", "liability"}) {
        page.Show("#" + view, view, language);
        CheckView(page, server, view, "", language);
        page.Screenshot(view + "-" + language);
        if (language != "en") continue;
        // CSV: the report's own (fetched with the session) and one the page
        // makes of the rows it shows; both UTF-8 with a byte-order mark.
        if (view == "stores") {
          const std::string csv = page.DownloadCsv("stores", dir.path() / "downloads");
          HttpResponse want = Send(server, "GET", "/v1/reports/days?limit=10000&format=csv");
          CHECK(csv == want.body);
          CHECK(csv.starts_with("\xEF\xBB\xBFstore_id,day,"));
        } else if (view == "members") {
          const std::string csv = page.DownloadCsv("rfm_cells", dir.path() / "downloads");
          CHECK(csv.starts_with("\xEF\xBB\xBFrfm_segment,lifecycle,members,monetary_minor\r\n"));
        }
      }
      // A member's persona, from the members table's first link.
      const std::string member =
          Get(server, "/v1/reports/members?limit=1")["members"][0]["member_id"];
      page.Show("#member?id=" + member, "member", language);
      CHECK(page.Text("#view h1") == kTitles.at(language).at("member"));
      const json persona = Get(server, "/v1/reports/members?member_id=" + member);
      page.CheckKpi("paid_minor", persona["summary"]["paid_minor"].get<int64_t>());
      page.CheckKpi("sales", persona["summary"]["sales"].get<int64_t>());
      REQUIRE(persona["metrics"].is_object());
      // The RFM segment by its name in the language shown.
      const std::string rfm = persona["metrics"]["rfm_segment"];
      CHECK(
          page.Kpi("rfm_segment").first ==
          page.Eval("import('./js/i18n.js').then((m) => m.label('rfm', " + json(rfm).dump() + "))")
              .get<std::string>());
      CHECK(page.Kpi("rfm_segment").first != rfm);
      page.CheckCharts("member", 1);
      page.Screenshot("member-" + language);
      page.Show("#overview", "overview", language);
    }
    // Money is yuan with the ¥ sign in both languages.
    CHECK(page.Text("[data-kpi=paid_minor] .value").starts_with("¥"));
    CHECK(page.browser().page_errors().empty());
    for (const std::string& error : page.browser().page_errors()) MESSAGE(error);

    // Log out: the session ends at head office too (its token is then as
    // good as a guess: refused).
    const std::string token =
        page.Eval("JSON.parse(sessionStorage.getItem('patron.session')).token");
    CHECK(Send(server, "GET", "/v1/auth/me", {}, token).status == 200);
    page.Eval("document.getElementById('logout').click(); true");
    page.WaitReady("login:zh");
    CHECK(Send(server, "GET", "/v1/auth/me", {}, token).status == 403);
    CHECK(page.Eval("sessionStorage.getItem('patron.session')").is_null());
  }

  // A store manager sees their store only, in the page and in the API.
  {
    Dashboard page(dir, server, "manager");
    page.Open("en");
    page.LogIn("mgr-s001", "manager-pass-1", "en");
    CHECK(page.Text("#who").find("S001") != std::string::npos);
    const json chain = Get(server, "/v1/reports/days?limit=10000")["totals"];
    const json own = Get(server, "/v1/reports/days?limit=10000&store=S001")["totals"];
    REQUIRE(chain["paid_minor"] != own["paid_minor"]);
    CheckView(page, server, "overview", "S001", "en");
    for (const std::string view : {"stores", "categories", "campaigns"}) {
      page.Show("#" + view, view, "en");
      CheckView(page, server, view, "S001", "en");
      page.Screenshot("store-manager-" + view);
      if (view == "stores") {
        const auto stores = page.Table("stores");
        REQUIRE(stores.size() == 1);
        CHECK(stores.begin()->first == "S001");
      }
    }
    // The menu offers no chain-wide views; typed in, the server refuses them.
    CHECK(page.Eval("!!document.querySelector('[data-nav=members]')") == false);
    page.Eval("location.hash = '#members'; true");
    auto refused = page.browser().WaitFor("document.body.dataset.error", std::chrono::seconds(20));
    REQUIRE(refused.ok());
    CHECK(refused->get<std::string>() == "members:store_restricted");
    const std::string token =
        page.Eval("JSON.parse(sessionStorage.getItem('patron.session')).token");
    CHECK(Send(server, "GET", "/v1/reports/days?store=S002", {}, token).status == 403);
    const json forced = Get(server, "/v1/reports/days?limit=10000", token)["totals"];
    CHECK(forced == own);
  }

  static_cast<void>(server.process->Kill(SIGTERM));
  const std::optional<ExitStatus> how = server.process->WaitFor(kTimeout);
  REQUIRE(how.has_value());
  CHECK(how->exit_code == 0);
}

}  // namespace
}  // namespace patron::testing
