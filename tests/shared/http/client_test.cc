#include "patron/http/client.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "patron/http/server.h"
#include "raw_socket.h"

namespace patron {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<HttpServer> StartServer(HttpServerOptions options, HttpHandler handler) {
  options.host = "127.0.0.1";
  options.port = 0;
  Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(std::move(options), handler);
  REQUIRE_MESSAGE(server.ok(), server.status().ToString());
  return std::move(server).value();
}

TEST_CASE("ParseHostPort accepts host:port forms") {
  struct Case {
    std::string_view in;
    Endpoint out;
  };
  const Case cases[] = {
      {"127.0.0.1:7420", {"127.0.0.1", 7420}},
      {"localhost:80", {"localhost", 80}},
      {"[::1]:7420", {"::1", 7420}},
      {"sync.example-shop.fr:443", {"sync.example-shop.fr", 443}},
      {"h:1", {"h", 1}},
      {"h:65535", {"h", 65535}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    Result<Endpoint> endpoint = ParseHostPort(c.in);
    REQUIRE_MESSAGE(endpoint.ok(), endpoint.status().ToString());
    CHECK(*endpoint == c.out);
  }
  CHECK(Endpoint{"::1", 7420}.ToString() == "[::1]:7420");
  CHECK(Endpoint{"127.0.0.1", 7420}.ToString() == "127.0.0.1:7420");
}

TEST_CASE("ParseHostPort rejects malformed input") {
  for (std::string_view bad : {"",        ":",         "127.0.0.1",    "127.0.0.1:",
                               ":7420",   "host:0",    "host:65536",   "host:99999999",
                               "host:-1", "host:+80",  "host:80x",     "::1:7420",
                               "[::1]",   "[::1]7420", "[]:80",        "[not-ipv6]:80",
                               "[::1:80", "ho st:80",  "user@host:80", "host/x:80"}) {
    CAPTURE(bad);
    Result<Endpoint> endpoint = ParseHostPort(bad);
    REQUIRE_FALSE(endpoint.ok());
    CHECK(endpoint.status().IsInvalidArgument());
  }
}

TEST_CASE("ParseHttpUrl accepts http URLs with an optional trailing slash") {
  struct Case {
    std::string_view in;
    Endpoint out;
  };
  const Case cases[] = {
      {"http://127.0.0.1:7420", {"127.0.0.1", 7420}},
      {"http://127.0.0.1:7420/", {"127.0.0.1", 7420}},
      {"HTTP://localhost:8080", {"localhost", 8080}},
      {"http://sync.example.fr", {"sync.example.fr", 80}},
      {"http://[::1]:7420/", {"::1", 7420}},
      {"http://[::1]", {"::1", 80}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    Result<Endpoint> endpoint = ParseHttpUrl(c.in);
    REQUIRE_MESSAGE(endpoint.ok(), endpoint.status().ToString());
    CHECK(*endpoint == c.out);
  }
  for (std::string_view bad : {"", "127.0.0.1:7420", "https://127.0.0.1:7420", "ftp://h:1",
                               "http://", "http:///", "http://h:1/v1", "http://h:1//",
                               "http://h:1?x=1", "http://u@h:1", "http://h:0", "http://[::1]:x"}) {
    CAPTURE(bad);
    Result<Endpoint> endpoint = ParseHttpUrl(bad);
    REQUIRE_FALSE(endpoint.ok());
    CHECK(endpoint.status().IsInvalidArgument());
  }
}

TEST_CASE("a closed port is Unavailable and the message names host:port") {
  uint16_t port = 0;
  {
    auto server = StartServer({}, [](const HttpRequest&) { return JsonResponse(200, "{}"); });
    port = server->port();
  }
  HttpClient client(Endpoint{"127.0.0.1", port}, 500ms);
  Result<HttpResponse> response = client.Send("GET", "/v1/health");
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().IsUnavailable());
  CHECK(response.status().message().find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
}

TEST_CASE("a server that never answers is Unavailable after the timeout") {
  testing::SilentListener silent;
  HttpClient client(Endpoint{"127.0.0.1", silent.port()}, 150ms);
  const auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> response = client.Send("GET", "/v1/health");
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().IsUnavailable());
  CHECK(response.status().message().find("timed out") != std::string::npos);
  CHECK(response.status().message().find(std::to_string(silent.port())) != std::string::npos);
  CHECK(took >= 100ms);
  CHECK(took < 1s);
}

TEST_CASE("the client reconnects once when the server closed an idle connection") {
  std::atomic<int> handled{0};
  HttpServerOptions options;
  options.idle_timeout = 100ms;
  auto server = StartServer(options, [&](const HttpRequest& request) {
    ++handled;
    return JsonResponse(200, "\"" + request.remote + "\"");
  });
  HttpClient client(Endpoint{"127.0.0.1", server->port()}, 1000ms);
  Result<HttpResponse> first = client.Send("POST", "/v1/sales", "{}");
  REQUIRE(first.ok());
  std::this_thread::sleep_for(250ms);  // the server drops the idle connection
  Result<HttpResponse> second = client.Send("POST", "/v1/sales", "{}");
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  CHECK(second->status == 200);
  CHECK(second->body != first->body);  // a new connection, so a new remote port
  CHECK(handled == 2);                 // the retried request ran exactly once
}

TEST_CASE("Send passes method and headers and body and defaults Content-Type to JSON") {
  auto server = StartServer({}, [](const HttpRequest& request) {
    HttpResponse response = JsonResponse(201, request.body);
    response.content_type = "text/plain";
    response.headers.push_back({"X-Method", request.method});
    response.headers.push_back({"X-Content-Type", request.content_type});
    response.headers.push_back({"X-Custom", request.Header("X-Custom").value_or("")});
    return response;
  });
  HttpClient client(Endpoint{"127.0.0.1", server->port()}, 1000ms);

  auto header = [](const HttpResponse& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return std::string();
  };
  Result<HttpResponse> patch =
      client.Send("PATCH", "/v1/members/1", R"({"name":"A"})", {{"X-Custom", "yes"}});
  REQUIRE(patch.ok());
  CHECK(patch->status == 201);
  CHECK(patch->body == R"({"name":"A"})");
  CHECK(patch->content_type == "text/plain");
  CHECK(header(*patch, "X-Method") == "PATCH");
  CHECK(header(*patch, "X-Content-Type") == "application/json");
  CHECK(header(*patch, "X-Custom") == "yes");

  Result<HttpResponse> custom =
      client.Send("PROPFIND", "/x", "a=b", {{"content-type", "application/x-www-form-urlencoded"}});
  REQUIRE(custom.ok());
  CHECK(header(*custom, "X-Method") == "PROPFIND");
  CHECK(header(*custom, "X-Content-Type") == "application/x-www-form-urlencoded");
}

TEST_CASE("Send refuses what a request cannot carry") {
  HttpClient client(Endpoint{"127.0.0.1", 1}, 100ms);
  CHECK(client.Send("", "/").status().IsInvalidArgument());
  CHECK(client.Send("GE T", "/").status().IsInvalidArgument());
  CHECK(client.Send("GET", "").status().IsInvalidArgument());
  CHECK(client.Send("GET", "/a b").status().IsInvalidArgument());
  CHECK(client.Send("GET", "/a\r\nX: y").status().IsInvalidArgument());
  CHECK(client.Send("GET", "/", {}, {{"X-A", "1\r\nX-B: 2"}}).status().IsInvalidArgument());
  CHECK(client.Send("GET", "/", {}, {{"Bad Name", "1"}}).status().IsInvalidArgument());
}

}  // namespace
}  // namespace patron
