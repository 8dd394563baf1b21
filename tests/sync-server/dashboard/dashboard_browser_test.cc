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
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dashboard_harness.h"

namespace patron::testing {
namespace {

using nlohmann::json;

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
    // Cases and feedback are not an analyst's (the server refuses them).
    CHECK(page.Eval("!!document.querySelector('[data-nav=feedback]')") == false);
    CHECK(page.Eval("!!document.querySelector('[data-nav=liability]')") == true);
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