// The dashboard's feedback queue (issue 17 item 8) in headless Chromium,
// against the real patron-sync holding the feedback two stores' tills
// pushed (dashboard_harness.h's Seed): the page's KPIs (cases being worked,
// those past each SLA, the average rating), its tables and chart match the
// API in English and Chinese; a marketer works a case in the browser and
// the API shows the change; a refusal shows the server's message and
// changes nothing; a store manager sees their store's cases only.
// Screenshots go to PATRON_SCREENSHOT_DIR.
#include <doctest/doctest.h>
#include <signal.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "dashboard_harness.h"

namespace patron::testing {
namespace {

using nlohmann::json;

const std::map<std::string, std::map<std::string, std::string>> kTitles = {
    {"en", {{"feedback", "Feedback and complaint cases"}, {"case", "Complaint case"}}},
    {"zh", {{"feedback", "反馈与投诉工单"}, {"case", "投诉工单"}}},
};

// A case id in a path or a hash: its '/' percent-encoded.
std::string Encoded(const std::string& id) {
  std::string out;
  for (char c : id) out += c == '/' ? std::string("%2F") : std::string(1, c);
  return out;
}

json WorkedCases(const Server& server, const std::string& store) {
  return Get(server, "/v1/admin/cases?status=open,replied,on_hold&limit=1000" +
                         (store.empty() ? "" : "&store=" + store))["cases"];
}

// How many of `cases` are past the SLA `timer` ("first_response" or
// "resolution").
int64_t Breached(const json& cases, const std::string& timer) {
  int64_t n = 0;
  for (const json& c : cases) n += c["sla"][timer + "_breached"].get<bool>() ? 1 : 0;
  return n;
}

int64_t Count(Dashboard& page, const std::string& selector) {
  return page.Eval("document.querySelectorAll(" + json(selector).dump() + ").length")
      .get<int64_t>();
}

// Checks #feedback, now shown, against the API as the admin token reads it
// for `store` ("" every store).
void CheckFeedbackView(Dashboard& page, const Server& server, const std::string& store,
                       const std::string& language) {
  CHECK(page.Text("#view h1") == kTitles.at(language).at("feedback"));
  const json cases = WorkedCases(server, store);
  const int64_t first = Breached(cases, "first_response");
  const int64_t resolution = Breached(cases, "resolution");
  page.CheckKpi("cases_open", static_cast<int64_t>(cases.size()));
  page.CheckKpi("first_response_breached", first);
  page.CheckKpi("resolution_breached", resolution);
  // The seed's complaints are 30 and 80 hours old at S001.
  if (store.empty() || store == "S001") CHECK((first >= 2 && resolution >= 1));

  // The average 1-5 rating over the range: rating_sum / rated of the
  // report's rows but NPS answers (0-10).
  const json report =
      Get(server, "/v1/reports/feedback" + (store.empty() ? "" : "?store=" + store));
  int64_t rated = 0, rating_sum = 0, count = 0;
  for (const json& row : report["rows"]) {
    count += row["count"].get<int64_t>();
    if (row["kind"] == "nps") continue;
    rated += row["rated"].get<int64_t>();
    rating_sum += row["rating_sum"].get<int64_t>();
  }
  REQUIRE(rated > 0);
  const double average = static_cast<double>(rating_sum) / static_cast<double>(rated);
  const auto [raw, shown] = page.Kpi("average_rating");
  CHECK(std::abs(std::strtod(raw.c_str(), nullptr) - average) < 1e-9);
  int64_t hundredths = std::llround(average * 100);  // shown with one or two decimals
  if (hundredths % 10 == 0) hundredths /= 10;
  CHECK_MESSAGE(shown == hundredths, "average rating shows " << shown << ", API " << average);
  page.CheckKpi("feedback_count", count);

  // The cases table: every case, its status and SLA time left (in hours;
  // the page read it a moment before the API did), overdue ones marked.
  const auto rows = page.Table("cases");
  CHECK(rows.size() == cases.size());
  for (const json& c : cases) {
    const std::string id = c["case"]["case_id"];
    REQUIRE_MESSAGE(rows.contains(id), "no row for case " << id);
    const auto& row = rows.at(id);
    CHECK(row.at("status").first == c["case"]["status"]);
    CHECK(row.at("store_id").first == c["case"]["store_id"]);
    CHECK(row.at("complaint").first == c["complaint"].value("text", ""));
    for (const std::string timer : {"first_response", "resolution"}) {
      const int64_t left_ms = c["sla"][timer + "_left_ms"].get<int64_t>();
      const auto& [cell_ms, cell_tenths] = row.at(timer + "_left_ms");
      CHECK(std::llabs(std::atoll(cell_ms.c_str()) - left_ms) < 120'000);
      CHECK(std::llabs(cell_tenths - std::llround(left_ms / 360'000.0)) <= 1);
    }
  }
  CHECK(Count(page, "[data-table=cases] td.breached") == first + resolution);

  // The recent feedback, newest first, and the report by store and kind.
  const json feedback =
      Get(server, "/v1/admin/feedback?limit=200" + (store.empty() ? "" : "&store=" + store));
  const auto shown_feedback = page.Table("feedback");
  CHECK(shown_feedback.size() == feedback["feedback"].size());
  for (const json& f : feedback["feedback"]) {
    const std::string id = f["feedback_id"];
    REQUIRE_MESSAGE(shown_feedback.contains(id), "no row for feedback " << id);
    CHECK(shown_feedback.at(id).at("kind").first == f["kind"]);
    CHECK(shown_feedback.at(id).at("store_id").first == f["store_id"]);
    if (f.contains("rating")) CHECK(shown_feedback.at(id).at("rating").second == f["rating"]);
  }
  CHECK(Count(page, "[data-table=feedback_summary] tbody tr") ==
        static_cast<int64_t>(report["rows"].size()));
  page.CheckCharts("feedback", 1);

  // The words are the language's.
  const std::string label = page.Text("[data-kpi=first_response_breached] .label");
  CHECK(label == (language == "zh" ? "首次响应已超时" : "Past first-response SLA"));
}

// Checks #case, now shown, against GET /v1/admin/cases/{id}.
json CheckCaseView(Dashboard& page, const Server& server, const std::string& id,
                   const std::string& language) {
  const json view = Get(server, "/v1/admin/cases/" + Encoded(id));
  CHECK(page.Text("#view h1") == kTitles.at(language).at("case"));
  CHECK(page.Kpi("status").first == view["case"]["status"]);
  page.CheckKpi("compensation_points", view["case"]["compensation_points"].get<int64_t>());
  CHECK(page.Text("[data-complaint]") == view["complaint"].value("text", ""));
  CHECK(Count(page, "[data-table=case_notes] tbody tr") ==
        static_cast<int64_t>(view["notes"].size()));
  // The actions its status allows, no others.
  const json offered =
      page.Eval("[...document.querySelectorAll('[data-action]')].map((b) => b.dataset.action)");
  std::set<std::string> want;
  const std::string status = view["case"]["status"];
  if (status == "open" || status == "replied") want = {"reply", "note", "hold", "resolve"};
  if (status == "on_hold") want = {"reply", "note", "resume", "resolve"};
  if (status == "resolved") want = {"note", "close", "reopen"};
  if (status != "closed") {
    want.insert("assign");
    if (view["case"]["compensation_points"] == 0) want.insert("compensate");
  }
  CHECK(offered.get<std::set<std::string>>() == want);
  return view;
}

// Fills the case view's inputs (id -> value) and clicks `action`.
void Act(Dashboard& page, const std::map<std::string, std::string>& inputs,
         const std::string& action) {
  std::string script = "(() => {";
  for (const auto& [id, value] : inputs) {
    script +=
        "document.getElementById(" + json(id).dump() + ").value = " + json(value).dump() + ";";
  }
  script += "document.querySelector('[data-action=" + action + "]').click(); return true; })()";
  page.Eval(script);
}

// After an accepted action the view is drawn again: waits for `kpi` to
// hold `value`, then for the view to be ready.
void WaitForKpi(Dashboard& page, const std::string& kpi, const std::string& value,
                const std::string& language) {
  auto changed =
      page.browser().WaitFor("(document.querySelector('[data-kpi=" + kpi +
                                 "]') || {dataset: {}}).dataset.value === " + json(value).dump(),
                             std::chrono::seconds(20));
  REQUIRE_MESSAGE(changed.ok(), kpi << " never became " << value);
  page.WaitReady("case:" + language);
}

// A refused action: the page shows the server's own message (the same
// request's, asked of the API) and the case is as it was.
void CheckRefused(Dashboard& page, const Server& server, const std::string& id, const json& request,
                  const std::string& language) {
  const json before = Get(server, "/v1/admin/cases/" + Encoded(id));
  auto shown = page.browser().WaitFor(
      "(() => { const e = document.querySelector('[data-case-error]');"
      " return e && !e.hidden && e.dataset.code; })()",
      std::chrono::seconds(20));
  REQUIRE_MESSAGE(shown.ok(), "no refusal shown");
  const HttpResponse answer =
      Send(server, "POST", "/v1/admin/cases/" + Encoded(id), request.dump());
  REQUIRE(answer.status == 400);
  const json error = json::parse(answer.body)["error"];
  CHECK(*shown == error["code"]);
  CHECK(page.Text("[data-case-error]") ==
        (language == "zh" ? "操作被拒绝：" : "Refused: ") + error["message"].get<std::string>());
  const json after = Get(server, "/v1/admin/cases/" + Encoded(id));
  CHECK(after["case"] == before["case"]);  // its SLA timers run on
  CHECK(after["notes"] == before["notes"]);
}

TEST_CASE("the feedback page shows and works complaint cases as the API has them, in Chromium") {
  TempDir dir;
  Server server = StartServer(dir);
  Seed(dir, server);
  REQUIRE(Send(server, "POST", "/v1/admin/users",
               R"({"username":"hq-marketer","role":"marketer","password":"marketer-pass-1"})")
              .status == 200);
  REQUIRE(Send(server, "POST", "/v1/admin/users",
               R"({"username":"mgr-s001","role":"store_manager","store_id":"S001",)"
               R"("password":"manager-pass-1"})")
              .status == 200);
  // Past its first-response SLA (30 hours old), at S001.
  const std::string id = "S001-T01/FB-1";

  {
    Dashboard page(dir, server, "marketer");
    page.Open("en");
    page.LogIn("hq-marketer", "marketer-pass-1", "en");
    CHECK(page.Eval("!!document.querySelector('[data-nav=feedback]')") == true);
    for (const std::string language : {"en", "zh"}) {
      if (language == "zh") {
        page.SetLanguage("zh");
        page.WaitReady("feedback:zh");
      } else {
        page.Show("#feedback", "feedback", language);
      }
      CheckFeedbackView(page, server, "", language);
      page.Screenshot("feedback-" + language);
      if (language == "en") {
        // The table's CSV is the rows shown, with a byte-order mark.
        const std::string csv = page.DownloadCsv("cases", dir.path() / "downloads");
        CHECK(
            csv.starts_with("\xEF\xBB\xBF"
                            "case_id,status,store_id,first_response_left_ms,resolution_left_ms,"
                            "assignee,topic,complaint,opened_ms,member_id\r\n"));
        CHECK(csv.find(id) != std::string::npos);
      }

      // The case from its row's link.
      page.Eval("document.querySelector('[data-table=cases] a[href=\"#case?id=" + Encoded(id) +
                "\"]').click(); true");
      page.WaitReady("case:" + language);
      CheckCaseView(page, server, id, language);
      page.Screenshot("case-" + language);

      if (language == "en") {
        // A reply: the case is replied, the timeline has it under the user.
        Act(page, {{"case-text", "积分已补发 points credited"}}, "reply");
        WaitForKpi(page, "status", "replied", language);
        const json view = CheckCaseView(page, server, id, language);
        CHECK(view["case"]["status"] == "replied");
        CHECK(view["case"]["first_response_sla_ms"].get<int64_t>() > 24 * 3'600'000);
        CHECK(view["notes"].back()["author"] == "hq-marketer");
        CHECK(view["notes"].back()["action"] == "reply");
        CHECK(view["notes"].back()["text"] == "积分已补发 points credited");
        CHECK(page.browser().page_errors().empty());
        for (const std::string& error : page.browser().page_errors()) MESSAGE(error);
        // A reply needs its text: refused with the server's message.
        Act(page, {{"case-text", ""}}, "reply");
        CheckRefused(page, server, id, {{"action", "reply"}, {"text", ""}}, language);
        page.Screenshot("case-refused-en");
      } else {
        Act(page, {{"case-assignee", "li.na"}}, "assign");
        WaitForKpi(page, "assignee", "li.na", language);
        CHECK(CheckCaseView(page, server, id, language)["case"]["assignee"] == "li.na");
        Act(page, {{"case-points", "0"}}, "compensate");
        CheckRefused(page, server, id, {{"action", "compensate"}, {"points", 0}}, language);
        Act(page, {{"case-points", "200"}, {"case-text", "等待太久 for the wait"}}, "compensate");
        WaitForKpi(page, "compensation_points", "200", language);
        CHECK(CheckCaseView(page, server, id, language)["case"]["compensation_points"] == 200);
        page.Screenshot("case-worked-zh");
      }
      // The queue shows the change.
      page.Show("#feedback", "feedback", language);
      CheckFeedbackView(page, server, "", language);
      CHECK(page.Table("cases").at(id).at("status").first == "replied");
    }
  }

  // A store manager sees their store's cases and feedback only; another
  // store's case, typed in, is refused by the server.
  {
    Dashboard page(dir, server, "manager");
    page.Open("en");
    page.LogIn("mgr-s001", "manager-pass-1", "en");
    page.Show("#feedback", "feedback", "en");
    CHECK(WorkedCases(server, "S001").size() < WorkedCases(server, "").size());
    CheckFeedbackView(page, server, "S001", "en");
    for (const auto& [case_id, row] : page.Table("cases"))
      CHECK(row.at("store_id").first == "S001");
    for (const auto& [feedback_id, row] : page.Table("feedback")) {
      CHECK(row.at("store_id").first == "S001");
    }
    page.Screenshot("store-manager-feedback");
    page.Eval("location.hash = '#case?id=" + Encoded("S002-T01/FB-1") + "'; true");
    auto refused = page.browser().WaitFor("document.body.dataset.error", std::chrono::seconds(20));
    REQUIRE(refused.ok());
    CHECK(refused->get<std::string>() == "case:other_store");
  }

  static_cast<void>(server.process->Kill(SIGTERM));
  const std::optional<ExitStatus> how = server.process->WaitFor(kTimeout);
  REQUIRE(how.has_value());
  CHECK(how->exit_code == 0);
}

}  // namespace
}  // namespace patron::testing
