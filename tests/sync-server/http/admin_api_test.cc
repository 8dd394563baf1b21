// SyncApi's head-office endpoints: registration, rules, the store report.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "api_fixture.h"
#include "patron/local_time.h"
#include "patron/rules_codec.h"
#include "patron/sync/codec.h"

namespace patron::sync {
namespace {

TEST_CASE("terminal registration needs the admin token") {
  ApiFixture f;
  const std::string body = R"({"terminal_id":"S001-T01","store_id":"S001"})";
  HttpResponse none = f.Call("POST", "/v1/admin/terminals", body);
  CHECK(none.status == 401);
  CHECK(HeaderOf(none, "WWW-Authenticate") == "Bearer");
  CHECK(f.Call("POST", "/v1/admin/terminals", body, "Basic YWRtaW46eA==").status == 401);
  HttpResponse wrong = f.Call("POST", "/v1/admin/terminals", body, "Bearer not-the-token");
  CHECK(wrong.status == 403);
  CHECK(ErrorCode(wrong) == "admin_token_required");
  CHECK(f.Call("POST", "/v1/admin/terminals", body, "Bearer " + std::string(kAdminToken) + "x")
            .status == 403);

  HttpResponse created = f.Admin("POST", "/v1/admin/terminals", body);
  REQUIRE(created.status == 201);
  const nlohmann::json reply = nlohmann::json::parse(created.body);
  CHECK(reply["terminal_id"] == "S001-T01");
  CHECK(reply["store_id"] == "S001");
  CHECK(reply["token"].get<std::string>().size() == 64);
  CHECK_FALSE(reply.contains("chain_key"));
  auto caller = f.service().Authenticate("Bearer " + reply["token"].get<std::string>());
  REQUIRE(caller.ok());
  CHECK(caller->terminal_id == "S001-T01");
  // The scheme is case-insensitive; a terminal's token is no admin token.
  CHECK(f.Call("POST", "/v1/admin/terminals", body, "bearer " + std::string(kAdminToken)).status ==
        201);
  CHECK(f.Call("POST", "/v1/admin/terminals", body, "Bearer " + reply["token"].get<std::string>())
            .status == 403);

  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/terminals", "{")) == "malformed_json");
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/terminals", R"({"terminal_id":"S001-T02"})")) ==
        "missing_field");
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/terminals",
                          R"({"terminal_id":"S001-T02","store_id":"S001","x":1})")) ==
        "unknown_field");
  CHECK(f.Admin("POST", "/v1/admin/terminals", R"({"terminal_id":"server","store_id":"S001"})")
            .status == 400);
  HttpResponse moved =
      f.Admin("POST", "/v1/admin/terminals", R"({"terminal_id":"S001-T01","store_id":"S002"})");
  CHECK(moved.status == 409);
  CHECK(ErrorCode(moved) == "terminal_store_mismatch");
}

TEST_CASE(
    "registration provisions the chain key when configured, and no admin token disables admin") {
  ApiFixture with_key(SyncApiOptions{std::string(kAdminToken), "chain-key-of-acme"});
  HttpResponse created =
      with_key.Admin("POST", "/v1/admin/terminals", R"({"terminal_id":"T1","store_id":"S1"})");
  REQUIRE(created.status == 201);
  const nlohmann::json reply = nlohmann::json::parse(created.body);
  CHECK(reply["chain_key"] == "chain-key-of-acme");
  CHECK(reply["chain_key_fingerprint"] == ChainKeyFingerprint("chain-key-of-acme"));

  ApiFixture disabled(SyncApiOptions{"", ""});
  CHECK(disabled.Call("GET", "/v1/reports/stores", {}, "Bearer ").status == 401);
  CHECK(disabled.Call("GET", "/v1/reports/stores", {}, "Bearer x").status == 403);
}

TEST_CASE("the store report joins figures and terminals, with totals") {
  ApiFixture f;
  const std::string t1 = f.Register("S001-T01", "S001");
  f.Register("S001-T02", "S001");
  f.Register("S002-T01", "S002");
  PushRequest push = f.NewPush("S001-T01");
  push.profile_changes = {
      {1, f.ann, "identity", MemberIdentity{"+14155550100", std::nullopt, "S001", 5},
       HlcTimestamp::FromParts(kApiNowMs, 0), "S001-T01"}};
  push.entries = {f.Earn("S001-T01", "S001", 1, f.ann, 100),
                  f.Earn("S001-T01", "S001", 2, f.ann, 40)};
  REQUIRE(f.Call("POST", "/v1/push", EncodePushRequest(push), t1).status == 200);

  CHECK(f.Call("GET", "/v1/reports/stores").status == 401);
  CHECK(f.Call("GET", "/v1/reports/stores", {}, t1).status == 403);
  HttpResponse report = f.Admin("GET", "/v1/reports/stores");
  REQUIRE_MESSAGE(report.status == 200, report.body);
  const nlohmann::json doc = nlohmann::json::parse(report.body);
  REQUIRE(doc["stores"].size() == 2);
  const nlohmann::json& s1 = doc["stores"][0];
  CHECK(s1["store_id"] == "S001");
  CHECK(s1["members_enrolled"] == 1);
  CHECK(s1["sales"] == 2);
  CHECK(s1["points_earned"] == 140);
  CHECK(s1["points_redeemed"] == 0);
  CHECK(s1["points_outstanding"] == 140);
  REQUIRE(s1["terminals"].size() == 2);
  CHECK(s1["terminals"][0] ==
        nlohmann::json{{"terminal_id", "S001-T01"}, {"last_sync_ms", kApiNowMs}});
  CHECK(s1["terminals"][1] ==
        nlohmann::json{{"terminal_id", "S001-T02"}, {"last_sync_ms", nullptr}});
  const nlohmann::json& s2 = doc["stores"][1];
  CHECK(s2["store_id"] == "S002");
  CHECK(s2["sales"] == 0);
  CHECK(s2["terminals"][0]["last_sync_ms"].is_null());
  const nlohmann::json& totals = doc["totals"];
  CHECK(totals["points_earned"] == 140);
  CHECK(totals["members_enrolled"] == 1);
  CHECK(totals["stores"] == 2);
  CHECK(totals["terminals"] == 3);
  CHECK(totals["terminals_seen"] == 1);
}

TEST_CASE("the member review runs now with the admin token and queues members whose time is up") {
  ApiFixture f;
  const std::string t1 = f.Register("S001-T01", "S001");
  PushRequest push = f.NewPush("S001-T01");
  push.profile_changes = {{1, f.ann, "identity",
                           MemberIdentity{"+14155550100", std::nullopt, "S001", 5},
                           HlcTimestamp::FromParts(kApiNowMs, 0), "S001-T01"}};
  push.entries = {f.Earn("S001-T01", "S001", 1, f.ann, 1'200)};  // 1200.00: silver
  REQUIRE(f.Call("POST", "/v1/push", EncodePushRequest(push), t1).status == 200);

  CHECK(f.Call("POST", "/v1/admin/members/review").status == 401);
  CHECK(f.Call("POST", "/v1/admin/members/review", {}, t1).status == 403);
  HttpResponse early = f.Admin("POST", "/v1/admin/members/review");
  REQUIRE_MESSAGE(early.status == 200, early.body);
  CHECK(nlohmann::json::parse(early.body) == nlohmann::json{{"queued", 0}});

  f.now_ms = kApiNowMs + 366 * kMsPerDay;  // silver's year is up
  HttpResponse due = f.Admin("POST", "/v1/admin/members/review");
  REQUIRE_MESSAGE(due.status == 200, due.body);
  CHECK(nlohmann::json::parse(due.body) == nlohmann::json{{"queued", 1}});
  CHECK(nlohmann::json::parse(f.Admin("POST", "/v1/admin/members/review").body)["queued"] == 0);
}

TEST_CASE("rules are published with the admin token and reach terminals in their pull") {
  ApiFixture f;
  const std::string t1 = f.Register("S001-T01", "S001");
  Rules rules = DefaultRules();
  rules.version = 2;
  rules.earn_rate_bp = 20'000;
  const std::string body = EncodeRules(rules);
  CHECK(f.Call("POST", "/v1/admin/rules", body).status == 401);
  CHECK(f.Call("POST", "/v1/admin/rules", body, t1).status == 403);
  HttpResponse published = f.Admin("POST", "/v1/admin/rules", body);
  CHECK(published.status == 204);
  CHECK(published.body.empty());
  CHECK(published.content_type.empty());
  HttpResponse stale = f.Admin("POST", "/v1/admin/rules", body);
  CHECK(stale.status == 409);
  CHECK(ErrorCode(stale) == "stale_rules");
  CHECK(f.Admin("POST", "/v1/admin/rules", R"({"version":3,"bogus":1})").status == 400);
  CHECK(f.Admin("POST", "/v1/admin/rules", "[").status == 400);

  PullRequest pull = f.NewPull("S001-T01");
  pull.rules_version = 1;
  Result<PullResponse> page =
      DecodePullResponse(f.Call("POST", "/v1/pull", EncodePullRequest(pull), t1).body);
  REQUIRE(page.ok());
  REQUIRE(page->rules_json.has_value());
  CHECK(DecodeRules(*page->rules_json).value() == rules);
}

}  // namespace
}  // namespace patron::sync
