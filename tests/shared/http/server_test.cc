#include "patron/http/server.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "patron/http/client.h"
#include "raw_socket.h"

namespace patron {
namespace {

using namespace std::chrono_literals;
using testing::RawConnection;

// Echoes what the handler saw, as JSON.
HttpResponse Echo(const HttpRequest& request) {
  nlohmann::json query = nlohmann::json::array();
  for (const auto& [name, value] : request.query) query.push_back({name, value});
  nlohmann::json out = {{"method", request.method},
                        {"target", request.target},
                        {"path", request.path},
                        {"query", query},
                        {"body", request.body},
                        {"remote", request.remote},
                        {"content_type", request.content_type},
                        {"authorization", request.authorization}};
  return JsonResponse(200, out.dump());
}

HttpServerOptions TestOptions() {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.read_timeout = 2000ms;
  options.write_timeout = 2000ms;
  options.idle_timeout = 2000ms;
  return options;
}

std::unique_ptr<HttpServer> StartServer(HttpServerOptions options, HttpHandler handler = Echo) {
  Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(std::move(options), handler);
  REQUIRE_MESSAGE(server.ok(), server.status().ToString());
  return std::move(server).value();
}

HttpClient ClientFor(const HttpServer& server) {
  return HttpClient(Endpoint{"127.0.0.1", server.port()}, 2000ms);
}

std::string HeaderOf(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (RawConnection::Lower(key) == RawConnection::Lower(std::string(name))) return value;
  }
  return {};
}

std::string ErrorCode(const std::string& body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("error")) return "<not an error body: " + body + ">";
  return parsed["error"]["code"].get<std::string>();
}

// Records on_request calls; waits for them (they run after the write, so a
// client may see its response first).
struct RequestLog {
  struct Entry {
    std::string method;
    std::string path;
    int status;
    std::chrono::microseconds elapsed;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Entry> entries;

  auto Callback() {
    return [this](const HttpRequest& request, const HttpResponse& response,
                  std::chrono::microseconds elapsed) {
      std::lock_guard lock(mu);
      entries.push_back({request.method, request.path, response.status, elapsed});
      cv.notify_all();
    };
  }
  std::vector<Entry> WaitFor(size_t count) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, 2s, [&] { return entries.size() >= count; });
    return entries;
  }
};

TEST_CASE("round trip with keep-alive: several requests share one connection") {
  auto server = StartServer(TestOptions());
  REQUIRE(server->port() != 0);
  HttpClient client = ClientFor(*server);

  std::vector<std::string> remotes;
  for (int i = 0; i < 3; ++i) {
    Result<HttpResponse> response =
        client.Send("POST", "/v1/sales", R"({"n":)" + std::to_string(i) + "}",
                    {{"Authorization", "Bearer t0k"}});
    REQUIRE_MESSAGE(response.ok(), response.status().ToString());
    CHECK(response->status == 200);
    CHECK(response->content_type == "application/json");
    CHECK(HeaderOf(*response, "Server") == "patron");
    CHECK(HeaderOf(*response, "Content-Length") == std::to_string(response->body.size()));
    nlohmann::json echoed = nlohmann::json::parse(response->body);
    CHECK(echoed["method"] == "POST");
    CHECK(echoed["path"] == "/v1/sales");
    CHECK(echoed["body"] == R"({"n":)" + std::to_string(i) + "}");
    CHECK(echoed["content_type"] == "application/json");
    CHECK(echoed["authorization"] == "Bearer t0k");
    remotes.push_back(echoed["remote"]);
  }
  CHECK(remotes[0].rfind("127.0.0.1:", 0) == 0);
  CHECK(remotes[1] == remotes[0]);
  CHECK(remotes[2] == remotes[0]);
}

TEST_CASE("the handler sees a decoded path and query") {
  auto server = StartServer(TestOptions());
  HttpClient client = ClientFor(*server);
  Result<HttpResponse> response =
      client.Send("GET", "/v1/mem%20bers?phone=%2B33612345678&name=Jean+Dupont&flag");
  REQUIRE(response.ok());
  nlohmann::json echoed = nlohmann::json::parse(response->body);
  CHECK(echoed["path"] == "/v1/mem bers");
  CHECK(echoed["target"] == "/v1/mem%20bers?phone=%2B33612345678&name=Jean+Dupont&flag");
  CHECK(echoed["query"] ==
        nlohmann::json::parse(R"([["phone","+33612345678"],["name","Jean Dupont"],["flag",""]])"));
}

TEST_CASE("a target with invalid percent-encoding is a 400 and the connection stays usable") {
  auto server = StartServer(TestOptions());
  HttpClient client = ClientFor(*server);
  Result<HttpResponse> bad = client.Send("GET", "/v1/members?phone=%2");
  REQUIRE(bad.ok());
  CHECK(bad->status == 400);
  CHECK(ErrorCode(bad->body) == "invalid_target");
  Result<HttpResponse> good = client.Send("GET", "/v1/health");
  REQUIRE(good.ok());
  CHECK(good->status == 200);
}

TEST_CASE("a body over the limit gets 413 and the server stays up") {
  HttpServerOptions options = TestOptions();
  options.body_limit = 1024;
  auto server = StartServer(options);
  HttpClient client = ClientFor(*server);

  Result<HttpResponse> at_limit = client.Send("POST", "/v1/sales", std::string(1024, 'a'));
  REQUIRE(at_limit.ok());
  CHECK(at_limit->status == 200);

  Result<HttpResponse> over = client.Send("POST", "/v1/sales", std::string(4096, 'a'));
  REQUIRE_MESSAGE(over.ok(), over.status().ToString());
  CHECK(over->status == 413);
  CHECK(ErrorCode(over->body) == "payload_too_large");
  CHECK(RawConnection::Lower(HeaderOf(*over, "Connection")) == "close");

  Result<HttpResponse> after = client.Send("GET", "/v1/health");
  REQUIRE(after.ok());
  CHECK(after->status == 200);
}

TEST_CASE("a chunked body over the limit gets 413") {
  HttpServerOptions options = TestOptions();
  options.body_limit = 16;
  auto server = StartServer(options);
  RawConnection raw(server->port());
  REQUIRE(raw.connected());
  raw.Send(
      "POST /v1/sales HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n");
  std::optional<std::string> response = raw.ReadResponse(1s);
  REQUIRE(response.has_value());
  CHECK(response->rfind("HTTP/1.1 413 ", 0) == 0);
  CHECK(raw.WaitForClose(1s));
}

TEST_CASE("a header over the limit gets 431") {
  HttpServerOptions options = TestOptions();
  options.header_limit = 1024;
  auto server = StartServer(options);
  HttpClient client = ClientFor(*server);
  Result<HttpResponse> response =
      client.Send("GET", "/v1/health", {}, {{"X-Padding", std::string(4096, 'p')}});
  REQUIRE_MESSAGE(response.ok(), response.status().ToString());
  CHECK(response->status == 431);
  CHECK(ErrorCode(response->body) == "header_too_large");

  Result<HttpResponse> after = client.Send("GET", "/v1/health");
  REQUIRE(after.ok());
  CHECK(after->status == 200);
}

TEST_CASE("garbage bytes get 400 and the connection is closed") {
  auto server = StartServer(TestOptions());
  RawConnection raw(server->port());
  REQUIRE(raw.connected());
  raw.Send(std::string("\x01\x02\x03 not http at all\r\n\r\n"));
  std::optional<std::string> response = raw.ReadResponse(1s);
  REQUIRE(response.has_value());
  CHECK(response->rfind("HTTP/1.1 400 ", 0) == 0);
  CHECK(response->find("\"bad_request\"") != std::string::npos);
  CHECK(RawConnection::Lower(*response).find("connection: close") != std::string::npos);
  CHECK(raw.WaitForClose(1s));
}

TEST_CASE("a silent connection is closed after read_timeout") {
  HttpServerOptions options = TestOptions();
  options.read_timeout = 200ms;
  auto server = StartServer(options);

  SUBCASE("nothing sent") {
    RawConnection raw(server->port());
    REQUIRE(raw.connected());
    const auto start = std::chrono::steady_clock::now();
    CHECK(raw.WaitForClose(2s));
    CHECK(std::chrono::steady_clock::now() - start >= 150ms);
  }
  SUBCASE("half a request sent") {
    RawConnection raw(server->port());
    REQUIRE(raw.connected());
    raw.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n");
    CHECK(raw.WaitForClose(2s));
  }
}

TEST_CASE("an idle keep-alive connection is closed after idle_timeout") {
  HttpServerOptions options = TestOptions();
  options.idle_timeout = 200ms;
  auto server = StartServer(options);
  RawConnection raw(server->port());
  REQUIRE(raw.connected());
  raw.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  std::optional<std::string> response = raw.ReadResponse(1s);
  REQUIRE(response.has_value());
  CHECK(response->rfind("HTTP/1.1 200 ", 0) == 0);
  const auto start = std::chrono::steady_clock::now();
  CHECK(raw.WaitForClose(2s));
  CHECK(std::chrono::steady_clock::now() - start >= 150ms);
}

TEST_CASE("connections over max_connections get 503 at once") {
  HttpServerOptions options = TestOptions();
  options.max_connections = 2;
  auto server = StartServer(options);

  // Two admitted connections, each proven served.
  RawConnection first(server->port());
  RawConnection second(server->port());
  for (RawConnection* raw : {&first, &second}) {
    REQUIRE(raw->connected());
    raw->Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    std::optional<std::string> response = raw->ReadResponse(1s);
    REQUIRE(response.has_value());
    CHECK(response->rfind("HTTP/1.1 200 ", 0) == 0);
  }

  RawConnection extra(server->port());
  REQUIRE(extra.connected());
  extra.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  std::optional<std::string> refused = extra.ReadResponse(1s);
  REQUIRE(refused.has_value());
  CHECK(refused->rfind("HTTP/1.1 503 ", 0) == 0);
  CHECK(refused->find("\"too_many_connections\"") != std::string::npos);
  CHECK(extra.WaitForClose(1s));

  // A freed slot is usable again (the server notices the close shortly).
  first.Close();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    RawConnection again(server->port());
    again.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    std::optional<std::string> response = again.ReadResponse(1s);
    served = response.has_value() && response->rfind("HTTP/1.1 200 ", 0) == 0;
    if (!served) std::this_thread::sleep_for(10ms);
  }
  CHECK(served);
}

TEST_CASE("a throwing handler gets 500 and the server keeps serving") {
  auto server = StartServer(TestOptions(), [](const HttpRequest& request) -> HttpResponse {
    if (request.path == "/throw") throw std::runtime_error("boom: secret detail");
    if (request.path == "/throw-int") throw 42;
    return JsonResponse(200, "{}");
  });
  HttpClient client = ClientFor(*server);
  for (const char* path : {"/throw", "/throw-int"}) {
    Result<HttpResponse> response = client.Send("GET", path);
    REQUIRE(response.ok());
    CHECK(response->status == 500);
    CHECK(ErrorCode(response->body) == "internal");
    CHECK(response->body.find("secret") == std::string::npos);
  }
  Result<HttpResponse> after = client.Send("GET", "/fine");
  REQUIRE(after.ok());
  CHECK(after->status == 200);
}

TEST_CASE("a handler response the server cannot send becomes a 500") {
  auto server = StartServer(TestOptions(), [](const HttpRequest& request) {
    HttpResponse response = JsonResponse(200, "{}");
    if (request.path == "/status") response.status = 42;
    if (request.path == "/header") response.headers.push_back({"X-Bad", "a\r\nInjected: yes"});
    return response;
  });
  HttpClient client = ClientFor(*server);
  for (const char* path : {"/status", "/header"}) {
    Result<HttpResponse> response = client.Send("GET", path);
    REQUIRE(response.ok());
    CHECK(response->status == 500);
    CHECK(HeaderOf(*response, "Injected").empty());
  }
}

TEST_CASE("HEAD announces the body length without sending the body and 204 has neither") {
  auto server = StartServer(TestOptions(), [](const HttpRequest& request) {
    if (request.path == "/empty") return JsonResponse(204, "");
    HttpResponse response = JsonResponse(200, R"({"hello":"world"})");
    response.headers.push_back({"X-Extra", "1"});
    return response;
  });
  RawConnection raw(server->port());
  raw.Send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n");
  std::optional<std::string> head = raw.ReadResponse(1s, /*head_request=*/true);
  REQUIRE(head.has_value());
  const std::string lower = RawConnection::Lower(*head);
  CHECK(lower.find("content-length: 17\r\n") != std::string::npos);
  CHECK(lower.find("x-extra: 1\r\n") != std::string::npos);
  CHECK(head->size() == head->find("\r\n\r\n") + 4);

  raw.Send("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
  std::optional<std::string> empty = raw.ReadResponse(1s);
  REQUIRE(empty.has_value());
  CHECK(empty->rfind("HTTP/1.1 204 ", 0) == 0);
  CHECK(RawConnection::Lower(*empty).find("content-length") == std::string::npos);

  HttpClient client = ClientFor(*server);
  Result<HttpResponse> via_client = client.Send("HEAD", "/x");
  REQUIRE(via_client.ok());
  CHECK(via_client->status == 200);
  CHECK(via_client->body.empty());
}

TEST_CASE("pipelined requests are answered in order") {
  auto server = StartServer(TestOptions());
  RawConnection raw(server->port());
  raw.Send(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  std::optional<std::string> one = raw.ReadResponse(1s);
  std::optional<std::string> two = raw.ReadResponse(1s);
  REQUIRE(one.has_value());
  REQUIRE(two.has_value());
  CHECK(one->find(R"("path":"/one")") != std::string::npos);
  CHECK(two->find(R"("path":"/two")") != std::string::npos);
  CHECK(two->find(R"("body":"abc")") != std::string::npos);
}

// Sends `header` (which asks for "100 Continue"), checks that the interim
// response comes before any body was sent, then sends "hello" and returns the
// final response, which must be a 200 that echoes it.
std::string ContinueThenHello(RawConnection& raw, const std::string& header) {
  raw.Send(header);
  std::optional<std::string> interim = raw.ReadResponse(1s);
  REQUIRE(interim.has_value());
  CHECK(interim->rfind("HTTP/1.1 100 Continue", 0) == 0);
  raw.Send("hello");
  std::optional<std::string> response = raw.ReadResponse(1s);
  REQUIRE(response.has_value());
  CHECK(response->rfind("HTTP/1.1 200 ", 0) == 0);
  CHECK(response->find(R"("body":"hello")") != std::string::npos);
  return *response;
}

TEST_CASE("Expect: 100-continue gets an interim response before the body is read") {
  auto server = StartServer(TestOptions());
  RawConnection raw(server->port());
  ContinueThenHello(raw,
                    "POST /v1/sales HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                    "Expect: 100-continue\r\n\r\n");
}

// A screen that lets through only requests with the header "Authorization: ok".
std::optional<HttpResponse> ScreenForOk(const HttpRequest& request, std::atomic<int>& screened) {
  screened++;
  if (request.authorization == "ok") return std::nullopt;
  return ErrorResponse(401, "no", "path " + request.path + " needs Authorization: ok");
}

TEST_CASE("a screen refuses a request from its header, without waiting for its body") {
  std::atomic<int> screened = 0, handled = 0;
  HttpServerOptions options = TestOptions();
  options.screen = [&](const HttpRequest& request) { return ScreenForOk(request, screened); };
  auto server = StartServer(options, [&](const HttpRequest& request) {
    handled++;
    return Echo(request);
  });
  RawConnection raw(server->port());
  // A body announced (within the limit) and never sent: the refusal comes
  // at once, and the connection is closed (its body was not read).
  raw.Send("POST /v1/push?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n");
  std::string all = raw.ReadUntilClosed(1s);
  CHECK(all.rfind("HTTP/1.1 401 ", 0) == 0);
  CHECK(all.find("path /v1/push needs Authorization: ok") != std::string::npos);
  CHECK(raw.eof());
  CHECK(screened == 1);
  CHECK(handled == 0);
}

TEST_CASE("a screen that lets a request through leaves it to the handler, body and all") {
  std::atomic<int> screened = 0;
  HttpServerOptions options = TestOptions();
  options.screen = [&](const HttpRequest& request) { return ScreenForOk(request, screened); };
  auto server = StartServer(options);
  RawConnection raw(server->port());
  // With Expect: 100-continue the screen runs before the interim response.
  const std::string response = ContinueThenHello(
      raw,
      "POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: ok\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  CHECK(response.find(R"("path":"/v1/push")") != std::string::npos);
  CHECK(screened == 1);
  // A request without a body goes straight to the handler; the connection
  // stays open.
  raw.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  std::optional<std::string> bodiless = raw.ReadResponse(1s);
  REQUIRE(bodiless.has_value());
  CHECK(bodiless->rfind("HTTP/1.1 200 ", 0) == 0);
  CHECK(screened == 1);
}

TEST_CASE("a throwing screen gets 500 and the server keeps serving") {
  HttpServerOptions options = TestOptions();
  options.screen = [](const HttpRequest&) -> std::optional<HttpResponse> {
    throw std::runtime_error("boom");
  };
  auto server = StartServer(options);
  HttpClient client = ClientFor(*server);
  Result<HttpResponse> thrown = client.Send("POST", "/v1/push", "{}");
  REQUIRE(thrown.ok());
  CHECK(thrown->status == 500);
  CHECK(ErrorCode(thrown->body) == "internal");
  Result<HttpResponse> after = client.Send("GET", "/v1/health");
  REQUIRE(after.ok());
  CHECK(after->status == 200);
}

TEST_CASE("HTTP/1.0 without keep-alive is answered and closed") {
  auto server = StartServer(TestOptions());
  RawConnection raw(server->port());
  raw.Send("GET /old HTTP/1.0\r\n\r\n");
  std::string all = raw.ReadUntilClosed(1s);
  CHECK(all.rfind("HTTP/1.0 200 ", 0) == 0);
  CHECK(raw.eof());
}

TEST_CASE("on_request reports each response with its status and duration") {
  RequestLog log;
  HttpServerOptions options = TestOptions();
  options.body_limit = 8;
  options.on_request = log.Callback();
  auto server = StartServer(options, [](const HttpRequest& request) {
    std::this_thread::sleep_for(20ms);
    return JsonResponse(request.path == "/missing" ? 404 : 200, "{}");
  });
  HttpClient client = ClientFor(*server);
  REQUIRE(client.Send("GET", "/v1/health").ok());
  REQUIRE(client.Send("GET", "/missing").ok());
  REQUIRE(client.Send("POST", "/big", "far more than eight bytes").ok());

  std::vector<RequestLog::Entry> entries = log.WaitFor(3);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].method == "GET");
  CHECK(entries[0].path == "/v1/health");
  CHECK(entries[0].status == 200);
  CHECK(entries[0].elapsed >= 20ms);
  CHECK(entries[0].elapsed < 2s);
  CHECK(entries[1].status == 404);
  CHECK(entries[2].method == "POST");
  CHECK(entries[2].status == 413);
}

TEST_CASE("Stop() lets an in-flight request finish and then refuses new connections") {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  auto server = StartServer(TestOptions(), [&](const HttpRequest&) {
    {
      std::lock_guard lock(mu);
      entered = true;
    }
    cv.notify_all();
    std::this_thread::sleep_for(300ms);
    return JsonResponse(200, R"({"slow":true})");
  });
  const uint16_t port = server->port();

  // An idle keep-alive connection, which Stop() closes at once.
  RawConnection idle(port);
  REQUIRE(idle.connected());

  Result<HttpResponse> slow = Status::Internal("not sent");
  std::thread client_thread([&] {
    HttpClient client(Endpoint{"127.0.0.1", port}, 2000ms);
    slow = client.Send("GET", "/slow");
  });
  {
    std::unique_lock lock(mu);
    REQUIRE(cv.wait_for(lock, 2s, [&] { return entered; }));
  }
  const auto start = std::chrono::steady_clock::now();
  server->Stop();
  const auto stop_took = std::chrono::steady_clock::now() - start;
  client_thread.join();

  REQUIRE_MESSAGE(slow.ok(), slow.status().ToString());
  CHECK(slow->status == 200);
  CHECK(slow->body == R"({"slow":true})");
  CHECK(RawConnection::Lower(HeaderOf(*slow, "Connection")) == "close");
  CHECK(stop_took < 2s);
  CHECK(idle.WaitForClose(100ms));

  HttpClient late(Endpoint{"127.0.0.1", port}, 500ms);
  Result<HttpResponse> refused = late.Send("GET", "/v1/health");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().IsUnavailable());

  server->Stop();  // idempotent
}

TEST_CASE("Wait() returns once another thread calls Stop()") {
  auto server = StartServer(TestOptions());
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    server->Stop();
  });
  server->Wait();
  stopper.join();
  server->Wait();  // already stopped: returns at once
}

TEST_CASE("Stop() called from inside a handler completes through Wait()") {
  HttpServer* self = nullptr;
  auto server = StartServer(TestOptions(), [&](const HttpRequest&) {
    self->Stop();
    return JsonResponse(200, R"({"stopping":true})");
  });
  self = server.get();
  HttpClient client = ClientFor(*server);
  Result<HttpResponse> response = client.Send("POST", "/v1/shutdown");
  REQUIRE(response.ok());
  CHECK(response->status == 200);
  server->Wait();
}

TEST_CASE("Start reports bad options and a busy port") {
  auto first = StartServer(TestOptions());
  HttpServerOptions same_port = TestOptions();
  same_port.port = first->port();
  Result<std::unique_ptr<HttpServer>> busy = HttpServer::Start(same_port, Echo);
  REQUIRE_FALSE(busy.ok());
  CHECK(busy.status().IsUnavailable());
  CHECK(busy.status().message().find(std::to_string(first->port())) != std::string::npos);

  HttpServerOptions no_threads = TestOptions();
  no_threads.threads = 0;
  CHECK(HttpServer::Start(no_threads, Echo).status().IsInvalidArgument());

  HttpServerOptions no_host = TestOptions();
  no_host.host = "";
  CHECK(HttpServer::Start(no_host, Echo).status().IsInvalidArgument());

  HttpServerOptions by_name = TestOptions();
  by_name.host = "localhost";
  Result<std::unique_ptr<HttpServer>> named = HttpServer::Start(by_name, Echo);
  REQUIRE_MESSAGE(named.ok(), named.status().ToString());
  CHECK((*named)->port() != 0);

  CHECK(HttpServer::Start(TestOptions(), nullptr).status().IsInvalidArgument());
}

}  // namespace
}  // namespace patron
