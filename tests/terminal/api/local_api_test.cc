// The local API driven without sockets: requests in, responses out.
#include "api/local_api.h"

#include <doctest/doctest.h>

#include "patron/json_util.h"
#include "patron/offer.h"
#include "patron/record/record_json.h"
#include "patron/sync/down_items.h"
#include "patron/sync/protocol.h"
#include "terminal_fixture.h"

namespace patron::terminal {
namespace {

class ApiFixture : public TerminalFixture {
 public:
  ApiFixture() : api_(till(), SyncHooks{}) {}

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "",
                    const std::string& content_type = "application/json") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    Result<ParsedTarget> parsed = ParseTarget(target);
    REQUIRE(parsed.ok());
    request.path = parsed->path;
    request.query = parsed->query;
    request.body = body;
    request.content_type = body.empty() ? "" : content_type;
    return api_.Handle(request);
  }

  nlohmann::json Json(const HttpResponse& response) {
    auto parsed = json::Parse(response.body);
    REQUIRE_MESSAGE(parsed.ok(), response.body);
    return *parsed;
  }

  std::string ErrorCode(const HttpResponse& response) {
    return Json(response)["error"]["code"].get<std::string>();
  }

  std::string EnrolAnn() {
    HttpResponse r = Call("POST", "/v1/members",
                          R"({"phone":"07700 900123","name":"Ann","sms_consent":true})");
    REQUIRE(r.status == 201);
    return Json(r)["member_id"].get<std::string>();
  }

 private:
  LocalApi api_;
};

TEST_CASE("health and status answer") {
  ApiFixture f;
  HttpResponse health = f.Call("GET", "/v1/health");
  CHECK(health.status == 200);
  CHECK(f.Json(health)["status"] == "ok");
  HttpResponse status = f.Call("GET", "/v1/status");
  REQUIRE(status.status == 200);
  auto body = f.Json(status);
  CHECK(body["terminal_id"] == "S001-T01");
  CHECK(body["store_id"] == "S001");
  CHECK(body["online"] == false);
  CHECK(body["member_count"] == 0);
  CHECK(body["pending_entries"] == 0);
  CHECK(body["cursor"]["seq"] == 0);
  CHECK(body["sync"]["configured"] == false);
}

TEST_CASE("GET /metrics counts what waits for head office, in Prometheus's text format") {
  ApiFixture f;
  const std::string id = f.EnrolAnn();
  REQUIRE(f.Call("POST", "/v1/sales",
                 R"({"sale_ref":"R-1","member_id":")" + id + R"(","amount_minor":1000})")
              .status == 201);
  HttpResponse metrics = f.Call("GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.content_type.starts_with("text/plain"));
  CHECK(metrics.body.find("# TYPE patrond_pending_entries gauge\n") != std::string::npos);
  CHECK(metrics.body.find("\npatrond_members 1\n") != std::string::npos);
  CHECK(metrics.body.find("\npatrond_pending_entries 1\n") != std::string::npos);
  CHECK(metrics.body.find("\npatrond_pending_records 1\n") != std::string::npos);
  CHECK(metrics.body.find("\npatrond_upgrade_needed 0\n") != std::string::npos);
}

TEST_CASE("enrol, look up, update and fetch a member") {
  ApiFixture f;
  HttpResponse created = f.Call("POST", "/v1/members",
                                R"({"phone":"07700 900123","name":"Ann","email":"a@b.co"})");
  REQUIRE(created.status == 201);
  auto member = f.Json(created);
  CHECK(member["created"] == true);
  CHECK(member["phone"] == "+447700900123");
  CHECK(member["tier"] == "regular");
  CHECK(member["balance"] == 0);
  const std::string id = member["member_id"];

  HttpResponse again = f.Call("POST", "/v1/members", R"({"phone":"+447700900123","name":"X"})");
  CHECK(again.status == 200);
  CHECK(f.Json(again)["created"] == false);

  HttpResponse by_phone = f.Call("GET", "/v1/members?phone=%2B447700900123");
  REQUIRE(by_phone.status == 200);
  CHECK(f.Json(by_phone)["member_id"] == id);
  CHECK(f.Call("GET", "/v1/members/" + id).status == 200);

  HttpResponse patched = f.Call("PATCH", "/v1/members/" + id,
                                R"({"email":null,"email_consent":true,"gender":"female"})");
  REQUIRE(patched.status == 200);
  auto after = f.Json(patched);
  CHECK(after["email"].is_null());
  CHECK(after["email_consent"] == true);
  CHECK(after["gender"] == "female");
  CHECK_FALSE(after.contains("created"));
}

TEST_CASE("checkout, replay, quote, refund and history") {
  ApiFixture f;
  const std::string id = f.EnrolAnn();
  const std::string sale =
      R"({"sale_ref":"R-1","member_id":")" + id +
      R"(","amount_minor":12000,"lines":[{"sku":"A","qty":2,"amount_minor":12000}]})";
  HttpResponse sold = f.Call("POST", "/v1/sales", sale);
  REQUIRE(sold.status == 201);
  auto result = f.Json(sold);
  CHECK(result["earned_points"] == 120);
  CHECK(result["balance"] == 120);
  CHECK(result["replayed"] == false);
  HttpResponse replay = f.Call("POST", "/v1/sales", sale);
  CHECK(replay.status == 200);
  CHECK(f.Json(replay)["replayed"] == true);
  // A receipt number with a '/' travels percent-encoded as one path segment.
  const std::string slashed = R"({"sale_ref":"2024/0001","member_id":")" + id +
                              R"(","amount_minor":1000})";
  REQUIRE(f.Call("POST", "/v1/sales", slashed).status == 201);
  CHECK(f.Call("GET", "/v1/sales/2024%2F0001").status == 200);
  CHECK(f.Call("POST", "/v1/sales/2024%2F0001/refunds", R"({"refund_ref":"F-0"})").status == 201);
  HttpResponse stored = f.Call("GET", "/v1/sales/R-1");
  REQUIRE(stored.status == 200);
  CHECK(f.Json(stored)["earned_points"] == 120);
  CHECK(f.ErrorCode(f.Call("GET", "/v1/sales/R-2")) == "unknown_sale");

  HttpResponse quote = f.Call("POST", "/v1/quote",
                              R"({"member_id":")" + id + R"(","amount_minor":1000,"redeem_points":100})");
  REQUIRE(quote.status == 200);
  CHECK(f.Json(quote)["discount_minor"] == 100);
  CHECK(f.Json(quote)["points_to_earn"] == 9);

  HttpResponse refund = f.Call("POST", "/v1/sales/R-1/refunds",
                               R"({"refund_ref":"F-1","lines":[{"line_no":0,"qty":1}]})");
  REQUIRE(refund.status == 201);
  CHECK(f.Json(refund)["reversed_points"] == 60);
  CHECK(f.Json(refund)["balance"] == 60);  // the 2024/0001 sale was refunded in full
  CHECK(f.Call("POST", "/v1/sales/R-1/refunds",
               R"({"refund_ref":"F-1","lines":[{"line_no":0,"qty":1}]})")
            .status == 200);

  HttpResponse history = f.Call("GET", "/v1/members/" + id + "/entries?limit=1");
  REQUIRE(history.status == 200);
  auto page = f.Json(history);
  REQUIRE(page["entries"].size() == 1);
  CHECK(page["entries"][0]["kind"] == "reverse");
  CHECK(page["entries"][0]["points"] == -60);
  REQUIRE(page["next_before"].is_number_integer());
  HttpResponse older = f.Call("GET", "/v1/members/" + id + "/entries?limit=5&before=" +
                                         std::to_string(page["next_before"].get<int64_t>()));
  auto rest = f.Json(older);
  REQUIRE(rest["entries"].size() == 3);  // 2024/0001's reversal and earn, then R-1's earn
  CHECK(rest["entries"][2]["kind"] == "earn");
  CHECK(rest["entries"][2]["sale_ref"] == "R-1");
  CHECK(rest["entries"][2]["detail"]["tier"] == "regular");
  CHECK(rest["next_before"].is_null());
}

TEST_CASE("feedback is recorded once by its ref, queued for head office, and checked") {
  ApiFixture f;
  const std::string id = f.EnrolAnn();
  REQUIRE(f.Call("POST", "/v1/sales",
                 R"({"sale_ref":"R-1","member_id":")" + id + R"(","amount_minor":1000})")
              .status == 201);
  const std::string complaint = R"({"feedback_ref":"FB-1","member_id":")" + id +
                                R"(","kind":"complaint","topic":"points","sale_ref":"R-1",)"
                                R"("text":"积分没到账 points missing"})";
  HttpResponse recorded = f.Call("POST", "/v1/feedback", complaint);
  REQUIRE_MESSAGE(recorded.status == 201, recorded.body);
  nlohmann::json body = f.Json(recorded);
  CHECK(body["feedback_id"] == "S001-T01/FB-1");
  CHECK(body["kind"] == "complaint");
  CHECK(body["sale_id"] == "S001-T01/R-1");
  CHECK(body["store_id"] == "S001");
  CHECK(body["text"] == "积分没到账 points missing");
  CHECK(body["replayed"] == false);
  CHECK_FALSE(body.contains("rating"));
  // A retry answers what was recorded; the same ref for other words is refused.
  HttpResponse again = f.Call("POST", "/v1/feedback", complaint);
  CHECK(again.status == 200);
  CHECK(f.Json(again)["replayed"] == true);
  CHECK(f.Json(again)["wall_ms"] == body["wall_ms"]);
  CHECK(f.ErrorCode(f.Call("POST", "/v1/feedback",
                           R"({"feedback_ref":"FB-1","member_id":")" + id +
                               R"(","kind":"praise"})")) == "feedback_ref_conflict");
  REQUIRE(
      f.Call("POST", "/v1/feedback",
             R"({"feedback_ref":"FB-2","member_id":")" + id + R"(","kind":"rating","rating":5})")
          .status == 201);
  // The sale's record and both feedbacks wait for head office.
  CHECK(f.Call("GET", "/metrics").body.find("\npatrond_pending_records 3\n") != std::string::npos);

  const std::string member = R"(","member_id":")" + id + "\"";
  const std::vector<std::pair<std::string, std::string>> refused = {
      {R"({"feedback_ref":"FB-3)" + member + R"(,"kind":"moan"})", "invalid_feedback"},
      {R"({"feedback_ref":"FB-3)" + member + R"(,"kind":"rating","rating":6})", "invalid_feedback"},
      {R"({"feedback_ref":"FB-3)" + member + R"(,"kind":"rating"})", "invalid_feedback"},
      {R"({"feedback_ref":"FB-3)" + member + R"(,"kind":"complaint","text":"  "})",
       "invalid_feedback"},
      {R"({"feedback_ref":"FB 3)" + member + R"(,"kind":"praise"})", "invalid_feedback_ref"},
      {R"({"feedback_ref":"FB-3)" + member + R"(,"kind":"praise","sale_ref":"R-9"})",
       "unknown_sale"},
      {R"({"feedback_ref":"FB-3","member_id":"d1b1f1c4-0000-4000-8000-000000000000","kind":"praise"})",
       "unknown_member"},
      {R"({"feedback_ref":"FB-3)" + member + R"(,"kind":"praise","mood":"happy"})",
       "unknown_field"},
  };
  for (const auto& [request, code] : refused) {
    CHECK_MESSAGE(f.ErrorCode(f.Call("POST", "/v1/feedback", request)) == code, request);
  }
  CHECK(f.Call("GET", "/metrics").body.find("\npatrond_pending_records 3\n") != std::string::npos);
}

TEST_CASE("a member's offers: none before head office's set, then its rows, in the quote too") {
  ApiFixture f;
  const std::string id = f.EnrolAnn();
  const std::string quote = R"({"member_id":")" + id + R"(","amount_minor":1000})";
  HttpResponse none = f.Call("GET", "/v1/members/" + id + "/offers");
  REQUIRE(none.status == 200);
  CHECK(f.Json(none) == nlohmann::json{{"offers", nlohmann::json::array()}});
  CHECK(f.Json(f.Call("POST", "/v1/quote", quote))["offers"] == nlohmann::json::array());

  // Version 1 of the "offers" set, whole in one part, as a pull brings it.
  const MemberOffers row{id, {{"tea", "again", "", 61}, {"cups", "together", "tea", 133}}};
  const sync::SetPart part{std::string(kOffersSet), 1, 0, 1, {{record::EncodeRecord(row)}}};
  sync::PullResponse page;
  page.epoch = "e1";
  page.down = {{1,
                std::string(sync::kSetPartItem),
                std::string(sync::kAudienceAll),
                "",
                std::string(kOffersSet) + "/0",
                {record::EncodeRecord(part)}}};
  page.next = {"e1", 1};
  REQUIRE(f.till().ApplyPullPage(page).ok());

  const nlohmann::json offers =
      nlohmann::json::parse(R"([{"category":"tea","reason":"again","with":"","score":61},)"
                            R"({"category":"cups","reason":"together","with":"tea","score":133}])");
  HttpResponse got = f.Call("GET", "/v1/members/" + id + "/offers");
  REQUIRE(got.status == 200);
  CHECK(f.Json(got) == nlohmann::json{{"offers", offers}});
  HttpResponse quoted = f.Call("POST", "/v1/quote", quote);
  REQUIRE(quoted.status == 200);
  CHECK(f.Json(quoted)["offers"] == offers);
  CHECK(f.Json(quoted)["points_to_earn"] == 10);
}

TEST_CASE("errors carry the right status, a stable code and change nothing") {
  ApiFixture f;
  const std::string id = f.EnrolAnn();
  const std::string before = f.Snapshot();
  struct Case {
    std::string method, target, body;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"POST", "/v1/members", "{not json", 400, "malformed_json"},
      {"POST", "/v1/members", "[1,2]", 400, "invalid_field"},
      {"POST", "/v1/members", R"({"phone":"07700 900124"})", 400, "missing_field"},
      {"POST", "/v1/members", R"({"phone":7700900124,"name":"A"})", 400, "invalid_field"},
      {"POST", "/v1/members", R"({"phone":"07700 900124","name":"A","nmae":"B"})", 400,
       "unknown_field"},
      {"POST", "/v1/members", R"({"phone":"12","name":"A"})", 400, "invalid_phone"},
      {"POST", "/v1/members", std::string(40, '[') + std::string(40, ']'), 400, "json_too_deep"},
      {"PATCH", "/v1/members/" + id, R"({"name":null})", 400, "invalid_name"},
      {"PATCH", "/v1/members/" + id, "{}", 400, "empty_update"},
      {"GET", "/v1/members/not-a-uuid", "", 400, "invalid_member_id"},
      {"GET", "/v1/members/0190f0e0-0000-7000-8000-000000000000", "", 404, "unknown_member"},
      {"GET", "/v1/members?phone=07700900999", "", 404, "unknown_member"},
      {"GET", "/v1/members/not-a-uuid/offers", "", 400, "invalid_member_id"},
      {"GET", "/v1/members/0190f0e0-0000-7000-8000-000000000000/offers", "", 404, "unknown_member"},
      {"GET", "/v1/members", "", 400, "invalid_query"},
      {"GET", "/v1/members/" + id + "/entries?limit=abc", "", 400, "invalid_query"},
      {"GET", "/v1/members/" + id + "/entries?limit=0", "", 400, "invalid_limit"},
      {"POST", "/v1/sales", R"({"sale_ref":"R-9","member_id":")" + id + R"(","amount_minor":1.5})",
       400, "invalid_field"},
      {"POST", "/v1/sales", R"({"sale_ref":"R-9","member_id":")" + id + R"(","amount_minor":-1})",
       400, "invalid_amount"},
      {"POST", "/v1/sales",
       R"({"sale_ref":"R-9","member_id":")" + id + R"(","amount_minor":100,"redeem_points":51})",
       422, "redeem_cap_exceeded"},
      {"POST", "/v1/sales",
       R"({"sale_ref":"R-9","member_id":")" + id + R"(","amount_minor":1000,"redeem_points":10})",
       422, "insufficient_points"},
      {"POST", "/v1/sales/R-404/refunds", R"({"refund_ref":"F-1"})", 404, "unknown_sale"},
      {"POST", "/v1/sales/R-404/refunds", R"({"refund_ref":"F-1","amount_minor":"5"})", 400,
       "invalid_field"},
      {"DELETE", "/v1/members/" + id, "", 405, "method_not_allowed"},
      {"GET", "/v1/sales", "", 405, "method_not_allowed"},
      {"GET", "/v2/anything", "", 404, "not_found"},
      {"POST", "/v1/sync", "", 503, "sync_not_configured"},
  };
  for (const Case& c : cases) {
    HttpResponse response = f.Call(c.method, c.target, c.body);
    INFO(c.method, " ", c.target, " ", c.body, " -> ", response.body);
    CHECK(response.status == c.status);
    CHECK(f.ErrorCode(response) == c.code);
  }
  CHECK(f.Snapshot() == before);
}

TEST_CASE("a wrong method lists the allowed ones and a non-JSON body is 415") {
  ApiFixture f;
  HttpResponse wrong = f.Call("PUT", "/v1/members");
  CHECK(wrong.status == 405);
  bool has_allow = false;
  for (const auto& [name, value] : wrong.headers) {
    if (name == "Allow") {
      has_allow = true;
      CHECK(value == "POST, GET");
    }
  }
  CHECK(has_allow);
  HttpResponse form = f.Call("POST", "/v1/members", "phone=1&name=2",
                             "application/x-www-form-urlencoded");
  CHECK(form.status == 415);
  CHECK(f.ErrorCode(form) == "unsupported_media_type");
  HttpResponse charset = f.Call("POST", "/v1/members",
                                R"({"phone":"07700 900125","name":"C"})",
                                "application/json; charset=utf-8");
  CHECK(charset.status == 201);
}

}  // namespace
}  // namespace patron::terminal
