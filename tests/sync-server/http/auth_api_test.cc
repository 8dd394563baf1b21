// Head office's people over SyncApi (auth_api.cc, access.cc): accounts made
// with the admin token, logins and sessions (idle and absolute expiry,
// logout), what each role may call, a store manager confined to their
// store, the audit log, and wrong passwords throttled.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api_fixture.h"

namespace patron::sync {
namespace {

using nlohmann::json;

json Body(const HttpResponse& response) { return json::parse(response.body, nullptr, false); }

HttpResponse As(ApiFixture& f, const std::string& bearer, std::string method, std::string path,
                std::string body = {}) {
  return f.Call(std::move(method), std::move(path), std::move(body), bearer);
}

TEST_CASE("accounts: the admin token makes them; a login answers a session of the account's role") {
  ApiFixture f;
  CreateUser(f, "li.na", "store_manager", "S001");
  const HttpResponse login =
      f.Call("POST", "/v1/auth/login", R"({"username":"li.na","password":"li.na-secret"})");
  REQUIRE(login.status == 200);
  const json reply = Body(login);
  CHECK(reply["role"] == "store_manager");
  CHECK(reply["store_id"] == "S001");
  CHECK(reply["token"].get<std::string>().size() == 64);
  CHECK(reply["expires_ms"] == f.now_ms + 12 * 3600 * 1000);
  CHECK(HeaderOf(login, "Cache-Control") == "no-store");
  const std::string bearer = "Bearer " + reply["token"].get<std::string>();
  const json me = Body(As(f, bearer, "GET", "/v1/auth/me"));
  CHECK(me == json{{"username", "li.na"}, {"role", "store_manager"}, {"store_id", "S001"}});
  CHECK(Body(f.Admin("GET", "/v1/auth/me"))["username"] == "admin-token");

  // Two logins are two sessions with different tokens.
  CHECK(LogIn(f, "li.na") != bearer);
  // Listing shows no password hash.
  const HttpResponse listed = f.Admin("GET", "/v1/admin/users");
  REQUIRE(listed.status == 200);
  CHECK(listed.body.find("password") == std::string::npos);
  CHECK(Body(listed)["users"][0]["username"] == "li.na");

  // Refusals: a new account needs a role and a password of 8 or more; a
  // store manager needs a store, other roles have none.
  for (const char* bad :
       {R"({"username":"x","role":"admin"})",
        R"({"username":"x","role":"admin","password":"short"})",
        R"({"username":"x","role":"boss","password":"long-enough"})",
        R"({"username":"x","role":"store_manager","password":"long-enough"})",
        R"({"username":"x","role":"analyst","store_id":"S1","password":"long-enough"})",
        R"({"username":"admin-token","role":"admin","password":"long-enough"})",
        R"({"username":"a b","role":"admin","password":"long-enough"})"}) {
    const HttpResponse refused = f.Admin("POST", "/v1/admin/users", bad);
    CHECK_MESSAGE(refused.status == 400, bad);
    CHECK_MESSAGE(ErrorCode(refused) == "invalid_account", bad);
  }
}

TEST_CASE("logins: a wrong password, an unknown name and a disabled account look alike") {
  ApiFixture f;
  CreateUser(f, "wang", "analyst");
  for (const char* body : {R"({"username":"wang","password":"wrong-password"})",
                           R"({"username":"nobody","password":"wang-secret"})"}) {
    const HttpResponse refused = f.Call("POST", "/v1/auth/login", body);
    CHECK(refused.status == 401);
    CHECK(ErrorCode(refused) == "bad_credentials");
  }
  const std::string bearer = LogIn(f, "wang");
  REQUIRE(f.Admin("POST", "/v1/admin/users", R"({"username":"wang","disabled":true})").status ==
          200);
  CHECK(ErrorCode(f.Call("POST", "/v1/auth/login",
                         R"({"username":"wang","password":"wang-secret"})")) == "bad_credentials");
  // Disabling ended the session it had.
  CHECK(As(f, bearer, "GET", "/v1/reports/days").status == 403);
  REQUIRE(f.Admin("POST", "/v1/admin/users", R"({"username":"wang","disabled":false})").status ==
          200);
  CHECK(As(f, LogIn(f, "wang"), "GET", "/v1/reports/days").status == 200);
  CHECK(f.Call("POST", "/v1/auth/login", R"({"username":"wang"})").status == 400);
}

TEST_CASE(
    "sessions end after 30 idle minutes, 12 hours after login, at logout and on a new password") {
  ApiFixture f;
  CreateUser(f, "zhao", "analyst");
  std::string bearer = LogIn(f, "zhao");
  f.now_ms += 29 * 60 * 1000;
  CHECK(As(f, bearer, "GET", "/v1/auth/me").status == 200);
  f.now_ms += 29 * 60 * 1000;  // 29 minutes after the last request: alive
  CHECK(As(f, bearer, "GET", "/v1/auth/me").status == 200);
  f.now_ms += 30 * 60 * 1000;
  const HttpResponse idle = As(f, bearer, "GET", "/v1/reports/days");
  CHECK(idle.status == 401);
  CHECK(ErrorCode(idle) == "session_expired");

  // Busy all day: still ends 12 hours after the login.
  bearer = LogIn(f, "zhao");
  for (int i = 0; i < 12 * 3; ++i) {
    f.now_ms += 20 * 60 * 1000;
    const HttpResponse answer = As(f, bearer, "GET", "/v1/auth/me");
    CHECK_MESSAGE(answer.status == (i < 35 ? 200 : 401), i);
  }

  bearer = LogIn(f, "zhao");
  REQUIRE(As(f, bearer, "POST", "/v1/auth/logout").status == 204);
  CHECK(As(f, bearer, "GET", "/v1/auth/me").status == 403);  // as good as a guess now

  bearer = LogIn(f, "zhao");
  REQUIRE(f.Admin("POST", "/v1/admin/users", R"({"username":"zhao","password":"another-secret"})")
              .status == 200);
  CHECK(As(f, bearer, "GET", "/v1/auth/me").status == 403);
}

TEST_CASE(
    "roles: reports for every role; packs, segments, vouchers and gifts for marketers; "
    "the rest for admins") {
  ApiFixture f;
  CreateUser(f, "ana", "analyst");
  CreateUser(f, "mark", "marketer");
  CreateUser(f, "root", "admin");
  const std::string analyst = LogIn(f, "ana");
  const std::string marketer = LogIn(f, "mark");
  const std::string admin = LogIn(f, "root");
  for (const std::string& who : {analyst, marketer, admin}) {
    CHECK(As(f, who, "GET", "/v1/reports/days").status == 200);
    CHECK(As(f, who, "GET", "/v1/reports/categories").status == 200);
    CHECK(As(f, who, "GET", "/v1/reports/stores").status == 200);
  }
  const HttpResponse refused = As(f, analyst, "POST", "/v1/admin/segments/run");
  CHECK(refused.status == 403);
  CHECK(ErrorCode(refused) == "role_not_allowed");
  CHECK(As(f, analyst, "GET", "/v1/admin/packs").status == 403);
  CHECK(As(f, marketer, "GET", "/v1/admin/packs").status == 200);
  CHECK(As(f, marketer, "POST", "/v1/admin/segments/run").status == 200);
  CHECK(As(f, marketer, "GET", "/v1/admin/vouchers?member_id=" + f.ann).status != 403);
  CHECK(As(f, marketer, "GET", "/v1/admin/security-events").status == 403);
  CHECK(As(f, marketer, "GET", "/v1/admin/users").status == 403);
  CHECK(As(f, marketer, "POST", "/v1/admin/terminals",
           R"({"terminal_id":"S009-T01","store_id":"S009"})")
            .status == 403);
  CHECK(
      As(f, admin, "POST", "/v1/admin/terminals", R"({"terminal_id":"S009-T01","store_id":"S009"})")
          .status == 201);
  CHECK(As(f, admin, "GET", "/v1/admin/users").status == 200);
  CHECK(As(f, admin, "GET", "/v1/admin/security-events").status == 200);
  // Screened before the body is read, as the admin token is.
  CHECK(f.api().Screen(ApiFixture::Request("POST", "/v1/admin/terminals", "{}", analyst))->status ==
        403);
  CHECK_FALSE(f.api().Screen(ApiFixture::Request("POST", "/v1/admin/terminals", "{}", admin)));
}

TEST_CASE("a store manager reads their own store's daily reports and nothing chain-wide") {
  ApiFixture f;
  CreateUser(f, "mgr", "store_manager", "S001");
  const std::string manager = LogIn(f, "mgr");
  CHECK(As(f, manager, "GET", "/v1/reports/days").status == 200);
  CHECK(As(f, manager, "GET", "/v1/reports/days?store=S001").status == 200);
  CHECK(As(f, manager, "GET", "/v1/reports/categories?from=2026-01-01").status == 200);
  CHECK(As(f, manager, "GET", "/v1/reports/campaigns").status == 200);
  const HttpResponse other = As(f, manager, "GET", "/v1/reports/days?store=S002");
  CHECK(other.status == 403);
  CHECK(ErrorCode(other) == "other_store");
  CHECK(ErrorCode(As(f, manager, "GET", "/v1/reports/days?store=S001&store=S002")) ==
        "other_store");
  for (const char* chain_wide :
       {"/v1/reports/members", "/v1/reports/segments", "/v1/reports/stores", "/v1/reports/tiers"}) {
    const HttpResponse refused = As(f, manager, "GET", chain_wide);
    CHECK_MESSAGE(refused.status == 403, chain_wide);
    CHECK_MESSAGE(ErrorCode(refused) == "store_restricted", chain_wide);
  }
  CHECK(As(f, manager, "POST", "/v1/admin/segments/run").status == 403);
}

TEST_CASE("the audit log records every state-changing request and every login, newest first") {
  ApiFixture f;
  CreateUser(f, "mark", "marketer");
  CHECK(f.Call("POST", "/v1/auth/login", R"({"username":"mark","password":"nope-nope"})").status ==
        401);
  const std::string marketer = LogIn(f, "mark");
  REQUIRE(As(f, marketer, "POST", "/v1/admin/segments/run").status == 200);
  REQUIRE(As(f, marketer, "GET", "/v1/reports/days").status == 200);  // a read: not logged
  REQUIRE(
      As(f, marketer, "POST", "/v1/admin/terminals", R"({"terminal_id":"S1-T1","store_id":"S1"})")
          .status == 403);
  REQUIRE(As(f, marketer, "POST", "/v1/auth/logout").status == 204);

  const HttpResponse log = f.Admin("GET", "/v1/admin/audit?limit=10");
  REQUIRE(log.status == 200);
  const json events = Body(log)["events"];
  REQUIRE(events.size() == 6);
  auto check = [&](size_t i, const char* user, const char* role, const char* path, int status,
                   const char* target) {
    CAPTURE(i);
    CHECK(events[i]["username"] == user);
    CHECK(events[i]["role"] == role);
    CHECK(events[i]["method"] == "POST");
    CHECK(events[i]["path"] == path);
    CHECK(events[i]["status"] == status);
    CHECK(events[i]["target"] == target);
    CHECK(events[i]["peer"] == "127.0.0.1");
    CHECK(events[i]["at_ms"] == f.now_ms);
  };
  check(0, "mark", "marketer", "/v1/auth/logout", 204, "");
  check(1, "mark", "marketer", "/v1/admin/terminals", 403, "terminal_id=S1-T1");
  check(2, "mark", "marketer", "/v1/admin/segments/run", 200, "");
  check(3, "mark", "marketer", "/v1/auth/login", 200, "username=mark");
  check(4, "mark", "", "/v1/auth/login", 401, "username=mark");
  check(5, "admin-token", "admin", "/v1/admin/users", 200, "username=mark");
  CHECK(log.body.find("nope-nope") == std::string::npos);  // passwords never logged

  const json page = Body(f.Admin("GET", "/v1/admin/audit?limit=2"));
  REQUIRE(page["events"].size() == 2);
  const int64_t before = page["next_before"].get<int64_t>();
  const json next =
      Body(f.Admin("GET", "/v1/admin/audit?limit=10&before=" + std::to_string(before)));
  CHECK(next["events"].size() == 4);
  CHECK(next["next_before"].is_null());
  CHECK(f.Admin("GET", "/v1/admin/audit?limit=0").status == 400);
}

TEST_CASE("wrong passwords count against the admin token's throttle") {
  ApiFixture f;
  CreateUser(f, "sun", "analyst");
  for (int i = 0; i < 5; ++i) {
    CHECK(
        f.Call("POST", "/v1/auth/login", R"({"username":"sun","password":"guess-guess"})").status ==
        401);
  }
  const HttpResponse locked =
      f.Call("POST", "/v1/auth/login", R"({"username":"sun","password":"sun-secret"})");
  CHECK(locked.status == 429);
  CHECK(HeaderOf(locked, "Retry-After").has_value());
}

}  // namespace
}  // namespace patron::sync
