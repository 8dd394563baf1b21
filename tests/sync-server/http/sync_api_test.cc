// SyncApi's routing and the terminals' endpoints (push, pull, grant).
#include "http/sync_api.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "api_fixture.h"
#include "patron/sync/codec.h"

namespace patron::sync {
namespace {

TEST_CASE("health, unknown routes, wrong methods and non-JSON bodies") {
  ApiFixture f;
  HttpResponse health = f.Call("GET", "/v1/health");
  CHECK(health.status == 200);
  CHECK(nlohmann::json::parse(health.body) == nlohmann::json{{"status", "ok"}});

  HttpResponse unknown = f.Call("GET", "/v1/members");
  CHECK(unknown.status == 404);
  CHECK(ErrorCode(unknown) == "not_found");

  HttpResponse get_push = f.Call("GET", "/v1/push");
  CHECK(get_push.status == 405);
  CHECK(HeaderOf(get_push, "Allow") == "POST");
  CHECK(HeaderOf(f.Call("DELETE", "/metrics"), "Allow") == "GET");

  const std::string token = f.Register("S001-T01", "S001");
  HttpResponse form = f.Call("POST", "/v1/push", "a=1", token, "application/x-www-form-urlencoded");
  CHECK(form.status == 415);
  CHECK(ErrorCode(form) == "unsupported_media_type");
  // A charset parameter is still JSON: the body is what is wrong here.
  CHECK(f.Call("POST", "/v1/push", "{", token, "application/json; charset=utf-8").status == 400);

  // Routes match the raw target segment by segment: an escaped '/' is part
  // of one segment, not a separator (as at patrond, one router for both).
  HttpRequest escaped = ApiFixture::Request("POST", "/v1/push", "{}", token);
  escaped.target = "/v1%2Fpush";
  CHECK(f.api().Handle(escaped).status == 404);

  CHECK(f.api().RequestCount("health") == 1);
  CHECK(f.api().RequestCount("other") == 2);
  CHECK(f.api().RequestCount("push") == 3);
  CHECK(f.api().RequestCount("metrics") == 1);
}

TEST_CASE("sync endpoints need a terminal token and answer 401 with a Bearer challenge") {
  ApiFixture f;
  const std::string body = EncodePullRequest(f.NewPull("S001-T01"));
  for (const char* path : {"/v1/push", "/v1/pull", "/v1/grant"}) {
    CAPTURE(path);
    HttpResponse none = f.Call("POST", path, body);
    CHECK(none.status == 401);
    CHECK(ErrorCode(none) == "missing_token");
    CHECK(HeaderOf(none, "WWW-Authenticate") == "Bearer");
    HttpResponse bad = f.Call("POST", path, body, "Bearer 0123");
    CHECK(bad.status == 401);
    CHECK(ErrorCode(bad) == "invalid_token");
    // The admin token is not a terminal's.
    CHECK(f.Call("POST", path, body, "Bearer " + std::string(kAdminToken)).status == 401);
  }
}

TEST_CASE("Screen gives, from the header alone, the refusals Handle would give whatever the body") {
  ApiFixture f;
  const std::string terminal = f.Register("S001-T01", "S001");
  const std::string admin = "Bearer " + std::string(kAdminToken);
  // A request whose body is still to come: what Screen sees.
  auto screen = [&](std::string method, std::string path, std::string authorization,
                    std::string content_type = "application/json") {
    return f.api().Screen(ApiFixture::Request(std::move(method), std::move(path), {},
                                              std::move(authorization), std::move(content_type)));
  };
  auto status = [](const std::optional<HttpResponse>& refused) {
    return refused ? refused->status : 0;  // 0: let through
  };
  for (const char* path : {"/v1/push", "/v1/pull", "/v1/grant"}) {
    CAPTURE(path);
    CHECK(ErrorCode(screen("POST", path, "").value()) == "missing_token");
    CHECK(ErrorCode(screen("POST", path, "Bearer 0123").value()) == "invalid_token");
    CHECK(HeaderOf(screen("POST", path, "").value(), "WWW-Authenticate") == "Bearer");
    CHECK(status(screen("POST", path, admin)) == 401);
    CHECK(status(screen("POST", path, terminal)) == 0);
  }
  for (const char* path : {"/v1/admin/terminals", "/v1/admin/rules"}) {
    CAPTURE(path);
    CHECK(status(screen("POST", path, "")) == 401);
    CHECK(status(screen("POST", path, terminal)) == 403);
    CHECK(status(screen("POST", path, admin)) == 0);
  }
  CHECK(status(screen("POST", "/v1/members", terminal)) == 404);
  CHECK(status(screen("PUT", "/v1/push", terminal)) == 405);
  // As in Handle, a body that is not JSON is refused before the token is
  // looked at.
  CHECK(status(screen("POST", "/v1/push", "", "text/plain")) == 415);
  // A route that reads no body does not get one read for it, token or not.
  CHECK(ErrorCode(screen("GET", "/v1/health", "").value()) == "payload_too_large");
  CHECK(status(screen("GET", "/v1/reports/stores", admin)) == 413);
  // Refusals count as requests to their endpoint, as Handle's do: four
  // refused pushes, the PUT and the text/plain one.
  CHECK(f.api().RequestCount("push") == 6);
  CHECK(f.api().RequestCount("other") == 1);
}

TEST_CASE("push, pull and grant round-trip through JSON") {
  ApiFixture f;
  const std::string t1 = f.Register("S001-T01", "S001");
  const std::string t2 = f.Register("S002-T01", "S002");

  PushRequest push = f.NewPush("S001-T01");
  LedgerEntry handback = f.Earn("S001-T01", "S001", 2, f.ann, 300);
  handback.kind = EntryKind::kTransfer;
  handback.to_holder = "server";
  handback.amount_minor = 0;
  handback.sale_ref = "";
  push.entries = {f.Earn("S001-T01", "S001", 1, f.ann, 500), handback};
  HttpResponse pushed = f.Call("POST", "/v1/push", EncodePushRequest(push), t1);
  REQUIRE_MESSAGE(pushed.status == 200, pushed.body);
  Result<PushResponse> acks = DecodePushResponse(pushed.body);
  REQUIRE(acks.ok());
  REQUIRE(acks->entries.size() == 2);
  CHECK(acks->entries[0].outcome == PushOutcome::kOk);
  CHECK(acks->entries[1].seq > acks->entries[0].seq);
  HttpResponse retried = f.Call("POST", "/v1/push", EncodePushRequest(push), t1);
  CHECK(DecodePushResponse(retried.body)->entries[0].outcome == PushOutcome::kExists);

  HttpResponse pulled = f.Call("POST", "/v1/pull", EncodePullRequest(f.NewPull("S002-T01")), t2);
  REQUIRE_MESSAGE(pulled.status == 200, pulled.body);
  Result<PullResponse> page = DecodePullResponse(pulled.body);
  REQUIRE(page.ok());
  REQUIRE(page->members.size() == 1);
  CHECK(page->members[0].member_id == f.ann);
  CHECK(page->members[0].balance == 500);
  CHECK_FALSE(page->more);

  GrantRequest grant;
  grant.terminal_id = "S002-T01";
  grant.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
  grant.request_id = "S002-T01/g-1";
  grant.member_id = f.ann;
  grant.points = 200;
  HttpResponse granted = f.Call("POST", "/v1/grant", EncodeGrantRequest(grant), t2);
  REQUIRE_MESSAGE(granted.status == 200, granted.body);
  Result<GrantResponse> transfer = DecodeGrantResponse(granted.body);
  REQUIRE(transfer.ok());
  CHECK(transfer->transfer.to_holder == "S002-T01");
  CHECK(transfer->transfer.points == 200);
  grant.request_id = "S002-T01/g-2";
  grant.points = 101;
  HttpResponse refused = f.Call("POST", "/v1/grant", EncodeGrantRequest(grant), t2);
  CHECK(refused.status == 422);
  CHECK(ErrorCode(refused) == "insufficient_points");

  // The grant also travels in the caller's pull stream.
  HttpResponse next =
      f.Call("POST", "/v1/pull", EncodePullRequest(f.NewPull("S002-T01", page->next)), t2);
  Result<PullResponse> later = DecodePullResponse(next.body);
  REQUIRE(later.ok());
  REQUIRE(later->items.size() == 1);
  CHECK(later->items[0] == transfer->transfer);
}

TEST_CASE("the service's refusals keep their status code and reason over HTTP") {
  ApiFixture f;
  const std::string t1 = f.Register("S001-T01", "S001");
  f.Register("S002-T01", "S002");

  CHECK(ErrorCode(f.Call("POST", "/v1/push", "{", t1)) == "malformed_json");
  HttpResponse shape = f.Call("POST", "/v1/push", R"({"terminal_id":5})", t1);
  CHECK(shape.status == 400);

  HttpResponse other = f.Call("POST", "/v1/push", EncodePushRequest(f.NewPush("S002-T01")), t1);
  CHECK(other.status == 403);
  CHECK(ErrorCode(other) == "terminal_mismatch");

  PullRequest foreign_key = f.NewPull("S001-T01");
  foreign_key.chain_key_fingerprint = ChainKeyFingerprint("another chain");
  HttpResponse mismatch = f.Call("POST", "/v1/pull", EncodePullRequest(foreign_key), t1);
  CHECK(mismatch.status == 422);
  CHECK(ErrorCode(mismatch) == "chain_key_mismatch");

  HttpResponse reset =
      f.Call("POST", "/v1/pull", EncodePullRequest(f.NewPull("S001-T01", {"0ther-epoch", 3})), t1);
  CHECK(reset.status == 409);
  CHECK(ErrorCode(reset) == "cursor_reset");
}

}  // namespace
}  // namespace patron::sync
