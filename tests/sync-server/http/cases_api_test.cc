// Member services over SyncApi (cases_api.cc): feedback pushed by tills
// listed and summarised, complaint cases listed, read and worked over HTTP,
// a store manager confined to their store, analysts kept out, every change
// audited, and the SLA gauges in /metrics.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api_fixture.h"
#include "patron/record/record_json.h"
#include "patron/records/feedback.h"
#include "patron/sync/codec.h"

namespace patron::sync {
namespace {

using nlohmann::json;

json Body(const HttpResponse& response) { return json::parse(response.body, nullptr, false); }

// Pushes one feedback of `kind` from the terminal over HTTP.
void PushFeedback(ApiFixture& f, const std::string& bearer, const std::string& terminal,
                  const std::string& store, const std::string& ref, FeedbackKind kind,
                  int64_t rating, const std::string& text) {
  FeedbackRecord feedback;
  feedback.terminal_id = terminal;
  feedback.store_id = store;
  feedback.feedback_ref = ref;
  feedback.feedback_id = terminal + "/" + ref;
  feedback.member_id = f.ann;
  feedback.kind = kind;
  feedback.rating = rating;
  feedback.text = text;
  feedback.hlc = HlcTimestamp::FromParts(f.now_ms, 0);
  feedback.wall_ms = f.now_ms;
  PushRequest push = f.NewPush(terminal);
  push.records = {
      {std::string(kFeedbackRecordKind), feedback.feedback_id, {record::EncodeRecord(feedback)}}};
  const HttpResponse pushed = f.Call("POST", "/v1/push", EncodePushRequest(push), bearer);
  REQUIRE_MESSAGE(pushed.status == 200, pushed.body);
  REQUIRE(pushed.body.find("\"ok\"") != std::string::npos);
}

struct CasesFixture : ApiFixture {
  CasesFixture() {
    const std::string t1 = Register("S001-T01", "S001");
    const std::string t2 = Register("S002-T01", "S002");
    PushFeedback(*this, t1, "S001-T01", "S001", "FB-1", FeedbackKind::kComplaint, 0,
                 "会员积分没到账 points missing");
    PushFeedback(*this, t2, "S002-T01", "S002", "FB-2", FeedbackKind::kComplaint, 2,
                 "rude at the till");
    PushFeedback(*this, t1, "S001-T01", "S001", "FB-3", FeedbackKind::kRating, 5, "");
    PushFeedback(*this, t1, "S001-T01", "S001", "FB-4", FeedbackKind::kRating, 3, "");
    CreateUser(*this, "zhou", "store_manager", "S001");
    CreateUser(*this, "ana", "analyst");
    CreateUser(*this, "mia", "marketer");
  }
};

TEST_CASE("cases are listed with their SLA, read with their complaint and worked over HTTP") {
  CasesFixture f;
  const HttpResponse listed = f.Admin("GET", "/v1/admin/cases?status=open");
  REQUIRE(listed.status == 200);
  const json cases = Body(listed)["cases"];
  REQUIRE(cases.size() == 2);
  CHECK(cases[0]["case"]["case_id"] == "S001-T01/FB-1");
  CHECK(cases[0]["case"]["status"] == "open");
  CHECK(cases[0]["sla"]["first_response_left_ms"] == 24 * 3600 * 1000);
  CHECK(cases[0]["complaint"]["text"] == "会员积分没到账 points missing");
  CHECK(Body(listed)["next_page_token"].is_null());

  const HttpResponse page = f.Admin("GET", "/v1/admin/cases?limit=1");
  REQUIRE(Body(page)["cases"].size() == 1);
  const std::string token = Body(page)["next_page_token"];
  const json next = Body(f.Admin("GET", "/v1/admin/cases?limit=1&page_token=" + token));
  CHECK(next["cases"][0]["case"]["case_id"] == "S002-T01/FB-2");

  f.now_ms += 3'600'000;
  const std::string bearer = LogIn(f, "mia");
  const HttpResponse replied = f.Call("POST", "/v1/admin/cases/S002-T01%2FFB-2",
                                      R"({"action":"reply","text":"对不起 we are sorry"})", bearer);
  REQUIRE_MESSAGE(replied.status == 200, replied.body);
  CHECK(Body(replied)["case"]["status"] == "replied");
  CHECK(Body(replied)["case"]["first_response_sla_ms"] == 3'600'000);
  const json one = Body(f.Admin("GET", "/v1/admin/cases/S002-T01%2FFB-2"));
  REQUIRE(one["notes"].size() == 2);
  CHECK(one["notes"][1]["author"] == "mia");
  CHECK(one["notes"][1]["text"] == "对不起 we are sorry");

  // Refusals change nothing.
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/cases/S002-T01%2FFB-2", R"({"action":"close"})")) ==
        "invalid_transition");
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/cases/S002-T01%2FFB-2", R"({"action":"shout"})")) ==
        "invalid_case_update");
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/cases/S002-T01%2FFB-2", R"({"text":"x"})")) ==
        "invalid_case_update");
  CHECK(f.Admin("GET", "/v1/admin/cases/S009-T01%2Fnone").status == 404);
  CHECK(ErrorCode(f.Admin("GET", "/v1/admin/cases?status=pending")) == "invalid_query");
  CHECK(Body(f.Admin("GET", "/v1/admin/cases/S002-T01%2FFB-2"))["notes"].size() == 2);

  // The change is in the audit log, with the action.
  const json audit = Body(f.Admin("GET", "/v1/admin/audit"));
  bool found = false;
  for (const json& event : audit["events"]) {
    if (event["username"] == "mia" && event["target"] == "action=reply") found = true;
  }
  CHECK(found);
}

TEST_CASE("a store manager sees and works their own store's cases only; an analyst none") {
  CasesFixture f;
  const std::string zhou = LogIn(f, "zhou");
  const json own = Body(f.Call("GET", "/v1/admin/cases", {}, zhou));
  REQUIRE(own["cases"].size() == 1);
  CHECK(own["cases"][0]["case"]["store_id"] == "S001");
  CHECK(ErrorCode(f.Call("GET", "/v1/admin/cases?store=S002", {}, zhou)) == "other_store");
  CHECK(ErrorCode(f.Call("GET", "/v1/admin/cases/S002-T01%2FFB-2", {}, zhou)) == "other_store");
  CHECK(ErrorCode(f.Call("POST", "/v1/admin/cases/S002-T01%2FFB-2",
                         R"({"action":"note","text":"x"})", zhou)) == "other_store");
  CHECK(f.Call("POST", "/v1/admin/cases/S001-T01%2FFB-1", R"({"action":"hold"})", zhou).status ==
        200);
  // Goodwill above the limit for people other than admins (500) needs an admin.
  CHECK(ErrorCode(f.Call("POST", "/v1/admin/cases/S001-T01%2FFB-1",
                         R"({"action":"compensate","points":501})", zhou)) ==
        "goodwill_over_limit");
  CHECK(Body(f.Admin("GET", "/v1/admin/cases/S001-T01%2FFB-1"))["case"]["compensation_points"] ==
        0);
  const json feedback = Body(f.Call("GET", "/v1/admin/feedback", {}, zhou));
  CHECK(feedback["feedback"].size() == 3);

  const std::string ana = LogIn(f, "ana");
  CHECK(f.Call("GET", "/v1/admin/cases", {}, ana).status == 403);
  CHECK(f.Call("GET", "/v1/admin/feedback", {}, ana).status == 403);
  // An analyst reads the summary; a store manager their store's.
  CHECK(f.Call("GET", "/v1/reports/feedback", {}, ana).status == 200);
  const json mine = Body(f.Call("GET", "/v1/reports/feedback", {}, zhou));
  REQUIRE(mine["rows"].size() == 2);  // S001's complaint and ratings
  for (const json& row : mine["rows"]) CHECK(row["store_id"] == "S001");
}

TEST_CASE("feedback is listed newest first, filtered, summarised and exported as CSV") {
  CasesFixture f;
  const json ratings = Body(f.Admin("GET", "/v1/admin/feedback?kind=rating"));
  REQUIRE(ratings["feedback"].size() == 2);
  CHECK(ratings["feedback"][0]["feedback_ref"] == "FB-4");
  CHECK(ErrorCode(f.Admin("GET", "/v1/admin/feedback?kind=moan")) == "invalid_query");
  CHECK(ErrorCode(f.Admin("GET", "/v1/admin/feedback?from=June")) == "invalid_query");
  // A window of days that holds nothing.
  CHECK(Body(f.Admin("GET", "/v1/admin/feedback?from=2026-06-02"))["feedback"].empty());
  CHECK(
      Body(f.Admin("GET", "/v1/admin/feedback?from=2026-06-01&to=2026-06-01"))["feedback"].size() ==
      4);

  const json summary = Body(f.Admin("GET", "/v1/reports/feedback"));
  REQUIRE(summary["rows"].size() == 3);
  CHECK(summary["rows"][1] == json{{"store_id", "S001"},
                                   {"month", ""},
                                   {"kind", "rating"},
                                   {"count", 2},
                                   {"rated", 2},
                                   {"rating_sum", 8},
                                   {"promoters", 0},
                                   {"detractors", 0},
                                   {"satisfied", 0}});
  const json monthly = Body(f.Admin("GET", "/v1/reports/feedback?by=month"));
  REQUIRE(monthly["rows"].size() == 3);
  CHECK(monthly["rows"][0]["month"] == "2026-06");
  CHECK(ErrorCode(f.Admin("GET", "/v1/reports/feedback?by=week")) == "invalid_query");
  const HttpResponse csv = f.Admin("GET", "/v1/admin/feedback?format=csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.content_type == "text/csv; charset=utf-8");
  CHECK(csv.body.find("feedback_id,terminal_id") != std::string::npos);
  CHECK(csv.body.find("会员积分没到账 points missing") != std::string::npos);
}

TEST_CASE("/metrics shows open cases and SLA breaches") {
  CasesFixture f;
  f.now_ms += 25LL * 3600 * 1000;
  const HttpResponse metrics = f.Call("GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("patron_sync_cases_open 2\n") != std::string::npos);
  CHECK(metrics.body.find("patron_sync_cases_sla_breached{timer=\"first_response\"} 2\n") !=
        std::string::npos);
  CHECK(metrics.body.find("patron_sync_cases_sla_breached{timer=\"resolution\"} 0\n") !=
        std::string::npos);
}

}  // namespace
}  // namespace patron::sync
