// HTTPS between tills and head office (issue 15): HttpServer with a
// certificate, HttpClient verifying it against a CA, over real loopback
// sockets, with a CA made for the test (support/test_ca.h).
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

#include "patron/http/client.h"
#include "patron/http/server.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace patron {
namespace {

using namespace std::chrono_literals;
using testing::MakeTestCa;
using testing::TempDir;
using testing::TestCa;

HttpResponse Echo(const HttpRequest& request) {
  HttpResponse response;
  response.status = 200;
  response.content_type = "text/plain";
  response.body = request.method + " " + request.path + " " + request.body;
  return response;
}

std::unique_ptr<HttpServer> StartServer(std::optional<TlsServerFiles> tls) {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.read_timeout = 2s;
  options.tls = std::move(tls);
  Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(std::move(options), Echo);
  REQUIRE_MESSAGE(server.ok(), server.status().ToString());
  return std::move(server).value();
}

TestCa MakeCa(const TempDir& dir, const std::string& name) {
  Result<TestCa> ca = MakeTestCa(dir.path().string(), name);
  REQUIRE_MESSAGE(ca.ok(), ca.status().ToString());
  return *ca;
}

TEST_CASE("tls: a client that trusts the server's CA talks HTTPS, keep-alive included") {
  TempDir dir;
  const TestCa ca = MakeCa(dir, "Patron test CA");
  auto server = StartServer(ca.server);
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    HttpClient client({host, server->port()}, 5s, ca.client());
    for (int i = 0; i < 3; ++i) {
      Result<HttpResponse> answer =
          client.Send("POST", "/v1/push", "{\"n\":" + std::to_string(i) + "}");
      REQUIRE_MESSAGE(answer.ok(), answer.status().ToString());
      CHECK(answer->status == 200);
      CHECK(answer->body == "POST /v1/push {\"n\":" + std::to_string(i) + "}");
    }
  }
}

TEST_CASE(
    "tls: a server whose certificate another CA signed is refused before anything is "
    "sent") {
  TempDir ours, theirs;
  const TestCa trusted = MakeCa(ours, "Patron test CA");
  const TestCa impostor = MakeCa(theirs, "Someone else");
  auto server = StartServer(impostor.server);
  HttpClient client({"127.0.0.1", server->port()}, 5s, trusted.client());
  Result<HttpResponse> answer = client.Send("POST", "/v1/push", "{\"token\":\"secret\"}");
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.status().IsUnavailable());
  CHECK(answer.status().message().find("TLS handshake") != std::string::npos);
  CHECK(answer.status().message().find("certificate") != std::string::npos);
}

TEST_CASE("tls: plain HTTP to an HTTPS server, and HTTPS to a plain one, get nowhere") {
  TempDir dir;
  const TestCa ca = MakeCa(dir, "Patron test CA");
  auto tls_server = StartServer(ca.server);
  HttpClient plain({"127.0.0.1", tls_server->port()}, 5s);
  CHECK(plain.Send("GET", "/v1/health").status().IsUnavailable());
  auto plain_server = StartServer(std::nullopt);
  HttpClient tls({"127.0.0.1", plain_server->port()}, 5s, ca.client());
  CHECK(tls.Send("GET", "/v1/health").status().IsUnavailable());
}

TEST_CASE("tls: files that do not load are refused at start, naming them") {
  TempDir dir;
  const TestCa ca = MakeCa(dir, "Patron test CA");
  HttpServerOptions options;
  options.tls = TlsServerFiles{dir.File("missing.pem"), ca.server.key_file};
  Result<std::unique_ptr<HttpServer>> missing = HttpServer::Start(options, Echo);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("missing.pem") != std::string::npos);
  // A key that is not the certificate's.
  options.tls = TlsServerFiles{ca.server.cert_file, dir.File("ca.key")};
  CHECK_FALSE(HttpServer::Start(options, Echo).ok());
  HttpClient client({"127.0.0.1", 1}, 1s, TlsClientFiles{dir.File("nope.pem")});
  Result<HttpResponse> answer = client.Send("GET", "/");
  CHECK(answer.status().IsInvalidArgument());
  CHECK(answer.status().message().find("nope.pem") != std::string::npos);
}

TEST_CASE("ParseServerUrl: http and https, with their default ports") {
  CHECK(ParseServerUrl("https://hq.example").value() == ServerUrl{{"hq.example", 443}, true});
  CHECK(ParseServerUrl("HTTPS://hq.example:7430/").value() ==
        ServerUrl{{"hq.example", 7430}, true});
  CHECK(ParseServerUrl("http://127.0.0.1:7430").value() == ServerUrl{{"127.0.0.1", 7430}, false});
  CHECK(ParseServerUrl("ftp://hq").status().IsInvalidArgument());
  CHECK(ParseServerUrl("https://hq/v1").status().IsInvalidArgument());
}

}  // namespace
}  // namespace patron
