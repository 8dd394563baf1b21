// HttpServer's defences against clients that hold connections without using
// them (server.h, "Connection limits"): the first-request deadline, eviction
// of silent connections, the per-peer cap and the share reserved for
// authenticated connections. Every socket comes from 127.0.0.1, so "one
// peer" is the attacker and the honest client alike: the defences must work
// even then.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "patron/http/client.h"
#include "patron/http/server.h"
#include "raw_socket.h"

namespace patron {
namespace {

using namespace std::chrono_literals;
using testing::RawConnection;

HttpResponse Ok(const HttpRequest& request) {
  return JsonResponse(200, R"({"path":")" + request.path + R"("})");
}

std::unique_ptr<HttpServer> StartServer(HttpServerOptions options) {
  options.host = "127.0.0.1";
  options.port = 0;
  Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(std::move(options), Ok);
  REQUIRE_MESSAGE(server.ok(), server.status().ToString());
  return std::move(server).value();
}

// Opens `count` connections that never send a byte.
std::vector<std::unique_ptr<RawConnection>> OpenSilent(uint16_t port, int count) {
  std::vector<std::unique_ptr<RawConnection>> sockets;
  for (int i = 0; i < count; ++i) {
    sockets.push_back(std::make_unique<RawConnection>(port));
    REQUIRE(sockets.back()->connected());
  }
  return sockets;
}

// How many of `sockets` the server has closed, waiting at most `timeout` for
// each one still open.
int CountClosed(std::vector<std::unique_ptr<RawConnection>>& sockets,
                std::chrono::milliseconds timeout) {
  int closed = 0;
  for (auto& socket : sockets) {
    if (socket->eof() || socket->WaitForClose(timeout)) ++closed;
  }
  return closed;
}

bool IsAuthenticated(const HttpRequest& request) { return request.authorization == "Bearer good"; }

// patron-sync's shape: 256 connections, a quarter reserved for tills and
// head office, 32 unauthenticated ones per peer.
HttpServerOptions SyncServerLike() {
  HttpServerOptions options;
  options.max_connections = 256;
  options.reserved_for_authenticated = 64;
  options.max_unauthenticated_per_peer = 32;
  options.read_timeout = 120s;
  options.first_request_timeout = 1500ms;
  options.authenticates = IsAuthenticated;
  return options;
}

TEST_CASE("300 silent sockets do not lock an authenticated client out, and are closed") {
  auto server = StartServer(SyncServerLike());
  auto silent = OpenSilent(server->port(), 300);

  HttpClient client(Endpoint{"127.0.0.1", server->port()}, 2000ms);
  const auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> served =
      client.Send("POST", "/v1/push", "{}", {{"Authorization", "Bearer good"}});
  REQUIRE_MESSAGE(served.ok(), served.status().ToString());
  CHECK(served->status == 200);
  CHECK(std::chrono::steady_clock::now() - start < 500ms);
  // Now authenticated, the connection stays usable: never evicted.
  auto more = OpenSilent(server->port(), 40);
  Result<HttpResponse> again = client.Send("GET", "/v1/health");
  REQUIRE(again.ok());
  CHECK(again->status == 200);

  // All but the peer's 32 newest were evicted at once, to make room for
  // the next; the rest go at the first-request deadline.
  CHECK(CountClosed(silent, 10ms) >= 300 - 32);
  CHECK(CountClosed(silent, 3s) == 300);
  CHECK(CountClosed(more, 3s) == 40);
}

TEST_CASE("a client without credentials is served too while silent sockets churn") {
  auto server = StartServer(SyncServerLike());
  auto silent = OpenSilent(server->port(), 300);
  HttpClient client(Endpoint{"127.0.0.1", server->port()}, 2000ms);
  Result<HttpResponse> health = client.Send("GET", "/v1/health");
  REQUIRE_MESSAGE(health.ok(), health.status().ToString());
  CHECK(health->status == 200);
}

TEST_CASE("one peer's silent sockets evict its own oldest, never a connection mid-request") {
  HttpServerOptions options;
  options.max_connections = 16;
  options.max_unauthenticated_per_peer = 4;
  options.first_request_timeout = 2s;
  auto server = StartServer(options);
  // Mid-request (half a header): not evictable.
  RawConnection busy(server->port());
  busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n");
  std::this_thread::sleep_for(50ms);
  auto silent = OpenSilent(server->port(), 3);
  auto newer = OpenSilent(server->port(), 1);
  // The peer is at its cap of 4: the oldest silent one went for the newest.
  CHECK(silent[0]->WaitForClose(1s));
  CHECK_FALSE(silent[1]->WaitForClose(50ms));
  CHECK_FALSE(newer[0]->WaitForClose(50ms));
  busy.Send("\r\n");
  std::optional<std::string> response = busy.ReadResponse(1s);
  REQUIRE(response.has_value());
  CHECK(response->rfind("HTTP/1.1 200 ", 0) == 0);
}

TEST_CASE("the reserved share admits only connections that authenticate") {
  HttpServerOptions options;
  options.max_connections = 8;
  options.reserved_for_authenticated = 2;
  options.first_request_timeout = 2s;
  options.authenticates = IsAuthenticated;
  auto server = StartServer(options);
  // Six slow requests (slowloris) fill the unauthenticated share; they are
  // in the middle of a request, so none can be evicted.
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 6; ++i) {
    slow.push_back(std::make_unique<RawConnection>(server->port()));
    slow.back()->Send("GET /slow HTTP/1.1\r\n");
  }
  std::this_thread::sleep_for(100ms);

  RawConnection anonymous(server->port());
  anonymous.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string refused = anonymous.ReadUntilClosed(1s);
  CHECK(refused.rfind("HTTP/1.1 503 ", 0) == 0);
  CHECK(refused.find("too_many_connections") != std::string::npos);

  RawConnection till(server->port());
  till.Send("GET /v1/pull HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n\r\n");
  std::optional<std::string> served = till.ReadResponse(1s);
  REQUIRE(served.has_value());
  CHECK(served->rfind("HTTP/1.1 200 ", 0) == 0);
}

TEST_CASE("without credentials (patrond): 100 silent sockets do not lock the POS out") {
  HttpServerOptions options;
  options.max_connections = 64;
  options.threads = 1;
  options.first_request_timeout = 1s;
  auto server = StartServer(options);
  auto silent = OpenSilent(server->port(), 100);

  HttpClient pos(Endpoint{"127.0.0.1", server->port()}, 2000ms);
  const auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> sale = pos.Send("POST", "/v1/sales", "{}");
  REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
  CHECK(sale->status == 200);
  CHECK(std::chrono::steady_clock::now() - start < 500ms);
  // The 37 oldest made room for the 36 sockets over the cap and the POS;
  // the others are closed at the first-request deadline.
  CHECK(CountClosed(silent, 10ms) >= 37);
  CHECK(CountClosed(silent, 2500ms) == 100);
}

TEST_CASE("the first request's header must arrive within first_request_timeout") {
  HttpServerOptions options;
  options.first_request_timeout = 300ms;
  options.read_timeout = 10s;
  auto server = StartServer(options);
  RawConnection raw(server->port());
  // Dribbling a byte at a time does not stretch the deadline.
  const auto start = std::chrono::steady_clock::now();
  const std::string request = "GET /v1/health HTTP/1.1\r\nHost: x\r\n";
  bool closed = false;
  for (char c : request) {
    raw.Send(std::string(1, c));
    if (raw.WaitForClose(50ms)) {
      closed = true;
      break;
    }
  }
  CHECK((closed || raw.WaitForClose(1s)));
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= 250ms);
  CHECK(took < 1500ms);
}

TEST_CASE("an HTTP/1.1 request without Host is a 400; HTTP/1.0 may omit it") {
  auto server = StartServer(HttpServerOptions{});
  RawConnection raw(server->port());
  raw.Send("GET /v1/health HTTP/1.1\r\n\r\n");
  std::string refused = raw.ReadUntilClosed(1s);
  CHECK(refused.rfind("HTTP/1.1 400 ", 0) == 0);
  CHECK(refused.find("bad_request") != std::string::npos);
  CHECK(refused.find("Host") != std::string::npos);

  RawConnection old(server->port());
  old.Send("GET /v1/health HTTP/1.0\r\n\r\n");
  CHECK(old.ReadUntilClosed(1s).rfind("HTTP/1.0 200 ", 0) == 0);

  RawConnection empty_host(server->port());
  empty_host.Send("GET /v1/health HTTP/1.1\r\nHost:\r\n\r\n");
  std::optional<std::string> served = empty_host.ReadResponse(1s);
  REQUIRE(served.has_value());
  CHECK(served->rfind("HTTP/1.1 200 ", 0) == 0);
}

TEST_CASE("Start refuses a reserve without an authenticates hook or as large as the cap") {
  HttpServerOptions options;
  options.reserved_for_authenticated = 4;
  CHECK(HttpServer::Start(options, Ok).status().code() == StatusCode::kInvalidArgument);
  options.authenticates = IsAuthenticated;
  options.max_connections = 4;
  CHECK(HttpServer::Start(options, Ok).status().code() == StatusCode::kInvalidArgument);
  options.max_connections = 5;
  CHECK(HttpServer::Start(options, Ok).ok());
}

}  // namespace
}  // namespace patron
