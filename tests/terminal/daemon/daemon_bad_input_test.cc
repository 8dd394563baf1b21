// Bad input over real HTTP: malformed JSON, wrong types, missing and unknown
// fields, unknown routes, wrong methods, wrong content types, JSON nested too
// deep, requests the loyalty rules refuse. Each gets a 4xx with a stable code
// and a message, writes nothing (the member's digest is unchanged) and leaves
// the daemon serving.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "daemon_process.h"
#include "support/temp_dir.h"

namespace patron::testing {
namespace {

using nlohmann::json;

constexpr const char* kAnnId = "3f16ccbc-dabe-8f15-9a84-63bd968a7ef0";

struct BadRequest {
  std::string method;
  std::string target;
  std::string body;
  std::string content_type;  // "" = application/json when there is a body
  int status;
  std::string code;
};

std::string Sale(const std::string& fields) {
  return std::string(R"({"sale_ref":"R-NEW","member_id":")") + kAnnId + "\"" + fields + "}";
}

std::vector<BadRequest> BadRequests() {
  const std::string member = std::string("/v1/members/") + kAnnId;
  return {
      // Malformed JSON.
      {"POST", "/v1/members", "{", "", 400, "malformed_json"},
      {"POST", "/v1/members", R"({"phone":"+1 415 555 0101","name":"Bob",})", "", 400,
       "malformed_json"},
      {"POST", "/v1/members", R"({'name':'Bob'})", "", 400, "malformed_json"},
      {"POST", "/v1/sales", std::string("{\"sale_ref\":\"R\xff\"}"), "", 400, "malformed_json"},
      {"POST", "/v1/sales", R"({"sale_ref":"R-NEW"} {"x":1})", "", 400, "malformed_json"},
      {"PATCH", member, "nul", "", 400, "malformed_json"},
      // A body that is JSON but not an object.
      {"POST", "/v1/members", "[]", "", 400, "invalid_field"},
      {"POST", "/v1/quote", "42", "", 400, "invalid_field"},
      {"POST", "/v1/sales", "null", "", 400, "invalid_field"},
      // Wrong types.
      {"POST", "/v1/members", R"({"phone":4155550101,"name":"Bob"})", "", 400, "invalid_field"},
      {"POST", "/v1/members", R"({"phone":"+1 415 555 0101","name":["Bob"]})", "", 400,
       "invalid_field"},
      {"POST", "/v1/members", R"({"phone":"+1 415 555 0101","name":"Bob","sms_consent":"yes"})", "",
       400, "invalid_field"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":"1000")"), "", 400, "invalid_field"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":1000.5)"), "", 400, "invalid_field"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":1000,"redeem_points":true)"), "", 400,
       "invalid_field"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":1000,"lines":{"sku":"A"})"), "", 400,
       "invalid_field"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":1000,"lines":[7])"), "", 400, "invalid_field"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":99999999999999999999)"), "", 400,
       "invalid_field"},
      {"PATCH", member, R"({"sms_consent":1})", "", 400, "invalid_field"},
      {"POST", "/v1/sales/R-1/refunds", R"({"refund_ref":"F-NEW","amount_minor":"5"})", "", 400,
       "invalid_field"},
      // Missing fields.
      {"POST", "/v1/members", R"({"phone":"+1 415 555 0101"})", "", 400, "missing_field"},
      {"POST", "/v1/members", R"({"name":"Bob"})", "", 400, "missing_identity"},
      {"POST", "/v1/sales", std::string(R"({"member_id":")") + kAnnId + R"(","amount_minor":1000})",
       "", 400, "missing_field"},
      {"POST", "/v1/sales", R"({"sale_ref":"R-NEW","amount_minor":1000})", "", 400,
       "missing_field"},
      {"POST", "/v1/sales", Sale(""), "", 400, "missing_field"},
      {"POST", "/v1/quote", std::string(R"({"member_id":")") + kAnnId + "\"}", "", 400,
       "missing_field"},
      {"POST", "/v1/sales/R-1/refunds", "{}", "", 400, "missing_field"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":1000,"lines":[{"sku":"A"}])"), "", 400,
       "missing_field"},
      // Unknown fields.
      {"POST", "/v1/members", R"({"phone":"+1 415 555 0101","name":"Bob","nmae":"B"})", "", 400,
       "unknown_field"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":1000,"discount":5)"), "", 400, "unknown_field"},
      {"POST", "/v1/quote",
       std::string(R"({"sale_ref":"R-NEW","member_id":")") + kAnnId + R"(","amount_minor":1000})",
       "", 400, "unknown_field"},
      {"PATCH", member, R"({"phone":"+1 415 555 0199"})", "", 400, "unknown_field"},
      {"POST", "/v1/sales/R-1/refunds", R"({"refund_ref":"F-NEW","reason":"x"})", "", 400,
       "unknown_field"},
      // Values out of range.
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":-1)"), "", 400, "invalid_amount"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":0)"), "", 400, "invalid_amount"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":1000,"redeem_points":-5)"), "", 400,
       "invalid_redeem_points"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":1000,"currency":"EUR")"), "", 400,
       "currency_mismatch"},
      {"POST", "/v1/sales",
       Sale(R"(,"amount_minor":1000,"lines":[{"sku":"A","amount_minor":999}])"), "", 400,
       "lines_mismatch"},
      {"POST", "/v1/sales", R"({"sale_ref":"R NEW","member_id":"x","amount_minor":1})", "", 400,
       "invalid_sale_ref"},
      {"POST", "/v1/members", R"({"phone":"12","name":"Bob"})", "", 400, "invalid_phone"},
      {"POST", "/v1/members", R"({"phone":"+1 415 555 0101","name":"Bob","birthday":"1990-13-01"})",
       "", 400, "invalid_birthday"},
      {"PATCH", member, "{}", "", 400, "empty_update"},
      {"PATCH", member, R"({"name":null})", "", 400, "invalid_name"},
      {"GET", "/v1/members/not-a-uuid", "", "", 400, "invalid_member_id"},
      {"GET", "/v1/members", "", "", 400, "invalid_query"},
      {"GET", "/v1/members?phone=%2B14155550100&card=C-1", "", "", 400, "invalid_query"},
      {"GET", member + "/entries?limit=x", "", "", 400, "invalid_query"},
      {"GET", member + "/entries?limit=501", "", "", 400, "invalid_limit"},
      // Unknown things.
      {"GET", "/v1/members/0190f0e0-0000-7000-8000-000000000000", "", "", 404, "unknown_member"},
      {"POST", "/v1/sales/R-404/refunds", R"({"refund_ref":"F-NEW"})", "", 404, "unknown_sale"},
      {"GET", "/v1/sales/R-404", "", "", 404, "unknown_sale"},
      // Conflicts and rule refusals.
      {"POST", "/v1/sales",
       std::string(R"({"sale_ref":"R-1","member_id":")") + kAnnId + R"(","amount_minor":5000})", "",
       409, "sale_ref_conflict"},
      {"POST", "/v1/sales/R-1/refunds", R"({"refund_ref":"F-1","amount_minor":1})", "", 409,
       "refund_ref_conflict"},
      {"POST", "/v1/members", R"({"phone":"+1 415 555 0101","card":"C-1001","name":"Bob"})", "",
       409, "card_in_use"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":100,"redeem_points":51)"), "", 422,
       "redeem_cap_exceeded"},
      {"POST", "/v1/sales", Sale(R"(,"amount_minor":100000,"redeem_points":1000)"), "", 422,
       "insufficient_points"},
      {"POST", "/v1/sales/R-1/refunds", R"({"refund_ref":"F-NEW","amount_minor":100000})", "", 422,
       "refund_exceeds_sale"},
      // Routes and methods.
      {"GET", "/v2/health", "", "", 404, "not_found"},
      {"GET", "/v1/members/" + std::string(kAnnId) + "/sales", "", "", 404, "not_found"},
      {"POST", "/v1/health", "{}", "", 405, "method_not_allowed"},
      {"DELETE", member, "", "", 405, "method_not_allowed"},
      {"PUT", "/v1/sales/R-1", "{}", "", 405, "method_not_allowed"},
      {"GET", "/v1/sales", "", "", 405, "method_not_allowed"},
      {"GET", "/v1/sync", "", "", 405, "method_not_allowed"},
      // Content types.
      {"POST", "/v1/members", R"({"phone":"+1 415 555 0101","name":"Bob"})", "text/plain", 415,
       "unsupported_media_type"},
      {"POST", "/v1/sales", "sale_ref=R-NEW", "application/x-www-form-urlencoded", 415,
       "unsupported_media_type"},
      {"PATCH", member, R"({"email_consent":true})", "application/jsonp", 415,
       "unsupported_media_type"},
      {"POST", "/v1/quote", "", "", 415, "unsupported_media_type"},
      // JSON nested deeper than 32 levels.
      {"POST", "/v1/members", std::string(33, '[') + std::string(33, ']'), "", 400,
       "json_too_deep"},
      {"POST", "/v1/sales", R"({"lines":)" + std::string(40, '[') + std::string(40, ']') + "}", "",
       400, "json_too_deep"},
      {"PATCH", member, std::string(5000, '{'), "", 400, "json_too_deep"},
  };
}

TEST_CASE("daemon: bad input gets a 4xx with a clear message, writes nothing, stops nothing") {
  TempDir dir;
  auto started = DaemonProcess::Start(dir.path().string());
  REQUIRE_MESSAGE(started.ok(), started.status().ToString());
  DaemonProcess& daemon = **started;
  std::unique_ptr<HttpClient> client = daemon.Client();

  // A member with a card, a sale and a refund, so that every kind of write
  // has something to disturb.
  REQUIRE(Call(*client, "POST", "/v1/members",
               R"({"phone":"+1 415 555 0100","card":"C-1001","name":"Ann Lee"})")
              .status == 201);
  REQUIRE(CallJson(*client, "POST", "/v1/sales",
                   {{"sale_ref", "R-1"}, {"member_id", kAnnId}, {"amount_minor", 12000}})
              .status == 201);
  REQUIRE(CallJson(*client, "POST", "/v1/sales/R-1/refunds",
                   {{"refund_ref", "F-1"}, {"amount_minor", 2000}})
              .status == 201);
  const std::string before = MemberDigest(*client, kAnnId);

  const std::vector<BadRequest> requests = BadRequests();
  for (size_t i = 0; i < requests.size(); ++i) {
    const BadRequest& bad = requests[i];
    // The kept-alive connection for half of them, a fresh one for the rest:
    // a bad request must not poison the connection either.
    std::unique_ptr<HttpClient> fresh = daemon.Client();
    HttpClient& sender = i % 2 == 0 ? *client : *fresh;
    ApiReply reply = Call(sender, bad.method, bad.target, bad.body, bad.content_type);
    INFO(bad.method, " ", bad.target, " ", bad.body.substr(0, 120), " -> ", reply.Describe());
    CHECK(reply.status == bad.status);
    CHECK(reply.ErrorCode() == bad.code);
    REQUIRE(reply.body.is_object());
    const json& message = reply.body["error"]["message"];
    CHECK((message.is_string() && message.get<std::string>().size() >= 10));
    CHECK(reply.response.content_type.starts_with("application/json"));
    if (bad.status == 405) {
      bool has_allow = false;
      for (const auto& [name, value] : reply.response.headers) {
        has_allow = has_allow || ((name == "Allow" || name == "allow") && !value.empty());
      }
      CHECK(has_allow);
    }
    CHECK(Call(*daemon.Client(), "GET", "/v1/health").status == 200);
    CHECK(MemberDigest(*client, kAnnId) == before);
  }
  // Nested exactly 32 deep is within the limit: refused for its shape, not
  // its depth.
  ApiReply at_limit =
      Call(*client, "POST", "/v1/members", std::string(32, '[') + std::string(32, ']'));
  CHECK(at_limit.status == 400);
  CHECK(at_limit.ErrorCode() == "invalid_field");
  CHECK(daemon.Stop().exit_code == 0);
}

}  // namespace
}  // namespace patron::testing
