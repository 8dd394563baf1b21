// The admin token's throttle (credential_throttle.h) through SyncApi, with
// a fake clock and no real sleeping; and /metrics behind its own token.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "api_fixture.h"
#include "http/credential_throttle.h"

namespace patron::sync {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kBody = R"({"terminal_id":"S001-T01","store_id":"S001"})";

struct ThrottledApi {
  ThrottledApi() : fixture(Options(*this)) {}

  static SyncApiOptions Options(ThrottledApi& self) {
    SyncApiOptions options;
    options.admin_token = std::string(kAdminToken);
    options.metrics_token = "scrape-0123456789";
    options.admin_throttle.max_failures_per_peer = 3;
    options.admin_throttle.max_failures_total = 10;
    options.admin_throttle.lockout_ms = 60'000;
    options.admin_throttle.failure_delay = 100ms;
    options.admin_throttle.now_ms = [&self] { return self.now_ms; };
    options.sleep = [&self](std::chrono::milliseconds delay) { self.slept += delay; };
    return options;
  }

  // An admin request from `remote` with `authorization`.
  HttpResponse Admin(std::string authorization, std::string remote = "10.0.0.7:5000") {
    HttpRequest request = ApiFixture::Request("POST", "/v1/admin/terminals", std::string(kBody),
                                              std::move(authorization));
    request.remote = std::move(remote);
    return fixture.api().Handle(request);
  }
  HttpResponse Metrics(std::string authorization = {}) {
    return fixture.Call("GET", "/metrics", "", std::move(authorization));
  }

  int64_t now_ms = 1'000'000;
  std::chrono::milliseconds slept{0};
  ApiFixture fixture;
};

const std::string kRight = "Bearer " + std::string(kAdminToken);

TEST_CASE("wrong admin tokens lock their peer out with 429 and Retry-After, then it lifts") {
  ThrottledApi t;
  CHECK(t.Admin("Bearer wrong-1").status == 403);
  CHECK(t.Admin("Basic d3Jvbmc=").status == 401);  // another scheme counts too
  CHECK(t.slept == 200ms);                         // a small delay on each failure
  // A success resets the count.
  CHECK(t.Admin(kRight).status == 201);
  CHECK(t.Admin("Bearer wrong-2").status == 403);
  CHECK(t.Admin("Bearer wrong-3").status == 403);
  CHECK(t.Admin("Bearer wrong-4").status == 403);  // the third in a row: locked out
  HttpResponse locked = t.Admin(kRight);           // even the right token
  CHECK(locked.status == 429);
  CHECK(ErrorCode(locked) == "too_many_failures");
  CHECK(HeaderOf(locked, "Retry-After") == "60");
  // No header at all is no guess, but is refused during a lockout too.
  CHECK(t.Admin("").status == 429);
  const std::chrono::milliseconds slept = t.slept;
  CHECK(t.Admin("Bearer wrong-5").status == 429);
  CHECK(t.slept == slept);  // no delay while locked out: nothing to slow down
  // Another peer is not affected.
  CHECK(t.Admin(kRight, "10.0.0.8:4000").status == 201);
  t.now_ms += 59'001;
  CHECK(HeaderOf(t.Admin(kRight), "Retry-After") == "1");
  t.now_ms += 1'000;
  CHECK(t.Admin(kRight).status == 201);

  HttpResponse metrics = t.Metrics("Bearer scrape-0123456789");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("patron_sync_admin_auth_failures_total 5\n") != std::string::npos);
  CHECK(metrics.body.find("patron_sync_admin_lockouts_total 1\n") != std::string::npos);
  CHECK(metrics.body.find("patron_sync_admin_locked_refusals_total 4\n") != std::string::npos);
}

TEST_CASE("wrong admin tokens from many peers lock everyone out") {
  ThrottledApi t;
  for (int i = 0; i < 10; ++i) {
    CHECK(t.Admin("Bearer wrong", "10.0.1." + std::to_string(i) + ":1").status == 403);
  }
  CHECK(t.Admin(kRight, "10.0.2.1:1").status == 429);
  // Head office's own machine is never locked out by strangers' guesses.
  CHECK(t.Admin(kRight, "127.0.0.1:1").status == 201);
  CHECK(t.Admin(kRight, "[::1]:1").status == 201);
  // ... and its success does not lift the lockout for everyone else.
  CHECK(t.Admin(kRight, "10.0.2.1:1").status == 429);
  t.now_ms += 60'000;
  CHECK(t.Admin(kRight, "10.0.2.1:1").status == 201);
}

TEST_CASE("/metrics needs the metrics token when one is configured, and only then") {
  ThrottledApi t;
  HttpResponse none = t.Metrics();
  CHECK(none.status == 401);
  CHECK(HeaderOf(none, "WWW-Authenticate") == "Bearer");
  CHECK(t.Metrics("Bearer nope").status == 403);
  CHECK(ErrorCode(t.Metrics("Bearer nope")) == "metrics_token_required");
  CHECK(t.Metrics("scrape-0123456789").status == 401);  // Bearer is required
  CHECK(t.Metrics("BEARER scrape-0123456789").status == 200);
  // The admin token is no metrics token.
  CHECK(t.Metrics(kRight).status == 403);

  ApiFixture open;
  CHECK(open.Call("GET", "/metrics").status == 200);
}

TEST_CASE("HasCredentials recognises terminal, admin and metrics tokens, and counts nothing") {
  ThrottledApi t;
  const std::string terminal = t.fixture.Register("S001-T01", "S001");
  auto with = [](std::string authorization) {
    return ApiFixture::Request("POST", "/v1/push", "{}", std::move(authorization));
  };
  SyncApi& api = t.fixture.api();
  CHECK(api.HasCredentials(with(terminal)));
  CHECK(api.HasCredentials(with(kRight)));
  CHECK(api.HasCredentials(with("Bearer scrape-0123456789")));
  for (int i = 0; i < 20; ++i) CHECK_FALSE(api.HasCredentials(with("Bearer wrong")));
  CHECK_FALSE(api.HasCredentials(with("")));
  CHECK_FALSE(api.HasCredentials(with(std::string(kAdminToken))));  // no scheme
  CHECK(t.Admin(kRight).status == 201);                             // no lockout from the above
}

TEST_CASE("a registration naming a key twice is refused, naming the key") {
  ApiFixture f;
  HttpResponse twice = f.Admin("POST", "/v1/admin/terminals",
                               R"({"terminal_id":"S001-T01","store_id":"S001","store_id":"S002"})");
  CHECK(twice.status == 400);
  CHECK(ErrorCode(twice) == "duplicate_key");
  CHECK(twice.body.find("store_id") != std::string::npos);
}

TEST_CASE("PeerAddress takes the port off IPv4 and bracketed IPv6 remotes") {
  CHECK(PeerAddress("10.0.0.5:51234") == "10.0.0.5");
  CHECK(PeerAddress("[::1]:80") == "::1");
  CHECK(PeerAddress("unknown") == "unknown");
}

TEST_CASE("IsLoopbackPeer knows loopback addresses only") {
  CHECK(IsLoopbackPeer("127.0.0.1"));
  CHECK(IsLoopbackPeer("127.8.9.10"));
  CHECK(IsLoopbackPeer("::1"));
  CHECK(IsLoopbackPeer("::ffff:127.0.0.1"));
  CHECK_FALSE(IsLoopbackPeer("10.0.0.1"));
  CHECK_FALSE(IsLoopbackPeer("::2"));
  CHECK_FALSE(IsLoopbackPeer("1127.0.0.1"));
  CHECK_FALSE(IsLoopbackPeer("unknown"));
}

}  // namespace
}  // namespace patron::sync
