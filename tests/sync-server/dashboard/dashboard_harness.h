// The dashboard tests' harness: the real patron-sync started on
// 127.0.0.1 with the dashboard served from the source tree, the data two
// stores' tills push to it (Seed), the report API read with the admin token
// or a session's, and a Dashboard: one headless Chromium (chromium_pipe.h)
// with the checks the tests make of what a view shows.
//
// Every figure a view shows carries its raw value in data-value
// (widgets.js); a check compares both it and the digits shown with the API.
#ifndef PATRON_TESTS_SYNC_SERVER_DASHBOARD_DASHBOARD_HARNESS_H_
#define PATRON_TESTS_SYNC_SERVER_DASHBOARD_DASHBOARD_HARNESS_H_

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "chromium_pipe.h"
#include "patron/http/client.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace patron::testing {

inline constexpr std::string_view kAdminToken = "dashboard-test-admin-token";
inline constexpr auto kTimeout = std::chrono::seconds(20);

struct Server {
  std::unique_ptr<Subprocess> process;
  uint16_t port = 0;
  Endpoint endpoint() const { return {"127.0.0.1", port}; }
  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
  }
};

// patron-sync on a port of its own, its data in `dir`, serving the
// dashboard from the source tree; its first line says where it listens.
Server StartServer(const TempDir& dir);

// One request; `token` empty: the admin token.
HttpResponse Send(const Server& server, std::string_view method, std::string_view target,
                  const std::string& body = {}, std::string token = {});

// A GET that must answer 200, its body parsed.
nlohmann::json Get(const Server& server, std::string_view target, std::string token = {});

// Waits until head office has folded every pushed change into its reports.
void WaitUntilFolded(const Server& server);

// Head office publishes the shipped rule pack (its welcome, first-purchase
// and dairy campaigns give to these sales); two stores' tills (S001-T01,
// S002-T01) pull it, enrol members and sell baskets of three categories,
// then sync; their tills also push the feedback members gave (complaints
// at both stores, some a day or more old so that their SLAs have run out,
// ratings, praise and a suggestion); head office folds it all into its
// reports and makes a segment run.
void Seed(const TempDir& dir, const Server& server);

// The integer a shown figure spells: its digits, negative with a minus
// sign ("¥1,234.56" -> 123456, the minor units; "−12" -> -12).
int64_t Digits(const std::string& text);

// Sums of `figures` over report rows, by `key`.
std::map<std::string, std::map<std::string, int64_t>> SumBy(
    const nlohmann::json& rows, const std::string& key, const std::vector<std::string>& figures);

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

  nlohmann::json Eval(const std::string& expression) {
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
    Eval("(() => { document.getElementById('username').value = " + nlohmann::json(username).dump() +
         "; document.getElementById('password').value = " + nlohmann::json(password).dump() +
         "; document.getElementById('login-submit').click(); return true; })()");
    WaitReady("overview:" + language);
  }

  void Show(const std::string& hash, const std::string& page, const std::string& language) {
    Eval("location.hash = " + nlohmann::json(hash).dump() + "; true");
    WaitReady(page + ":" + language);
  }

  // Every chart of the view has its Chart.js instance and painted pixels.
  void CheckCharts(const std::string& view, size_t at_least) {
    const nlohmann::json charts =
        Eval(R"((() => [...document.querySelectorAll('canvas')].map((c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) painted++;
        return { id: c.dataset.chart, chart: !!Chart.getChart(c), painted, width: c.width };
      }))())");
    CHECK_MESSAGE(charts.size() >= at_least, view << ": " << charts.dump());
    for (const nlohmann::json& chart : charts) {
      CHECK_MESSAGE(chart["chart"] == true, view << ": " << chart.dump());
      CHECK_MESSAGE(chart["width"].get<int>() > 0, view << ": " << chart.dump());
      CHECK_MESSAGE(chart["painted"].get<int>() > 0, view << ": blank canvas " << chart.dump());
    }
  }

  // The KPI card of `key`: its raw value and the digits of its text.
  std::pair<std::string, int64_t> Kpi(const std::string& key) {
    const nlohmann::json kpi =
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
    const nlohmann::json rows =
        Eval("(() => [...document.querySelectorAll('[data-table=\"" + id +
             "\"] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map("
             "(td) => [td.dataset.field, td.dataset.value, td.textContent])))()");
    std::map<std::string, std::map<std::string, std::pair<std::string, int64_t>>> table;
    for (const nlohmann::json& row : rows) {
      auto& cells = table[row[0][1].get<std::string>()];
      for (const nlohmann::json& cell : row) {
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
    return Eval("(document.querySelector(" + nlohmann::json(selector).dump() +
                ") || {}).textContent || ''")
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

}  // namespace patron::testing

#endif  // PATRON_TESTS_SYNC_SERVER_DASHBOARD_DASHBOARD_HARNESS_H_
