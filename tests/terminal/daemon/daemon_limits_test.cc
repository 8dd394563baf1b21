// The HTTP limits of patrond (DESIGN.md §7) seen from a client: body and
// header limits, bytes that are not HTTP, clients that connect and say
// nothing (or half a request), the connection cap, and a graceful stop that
// does not wait for any of them. After each, the daemon still serves and the
// member's data is unchanged.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "daemon_process.h"
#include "support/temp_dir.h"

namespace patron::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kAnnId = "3f16ccbc-dabe-8f15-9a84-63bd968a7ef0";
constexpr size_t kBodyLimit = 64 * 1024;

class LimitsFixture {
 public:
  explicit LimitsFixture(DaemonOptions options = {}) {
    auto started = DaemonProcess::Start(dir_.path().string(), std::move(options));
    REQUIRE_MESSAGE(started.ok(), started.status().ToString());
    daemon_ = std::move(*started);
    client_ = daemon_->Client();
    REQUIRE(Call(*client_, "POST", "/v1/members", R"({"phone":"+1 415 555 0100","name":"Ann"})")
                .status == 201);
    REQUIRE(CallJson(*client_, "POST", "/v1/sales",
                     {{"sale_ref", "R-1"}, {"member_id", kAnnId}, {"amount_minor", 5000}})
                .status == 201);
    digest_ = MemberDigest(*client_, kAnnId);
  }

  DaemonProcess& daemon() { return *daemon_; }
  HttpClient& client() { return *client_; }

  // The daemon answers a new client and the member is as it was.
  void CheckUnharmed() {
    std::unique_ptr<HttpClient> fresh = daemon_->Client();
    CHECK(Call(*fresh, "GET", "/v1/health").status == 200);
    CHECK(MemberDigest(*fresh, kAnnId) == digest_);
  }

 private:
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<HttpClient> client_;
  std::string digest_;
};

// A syntactically valid enrolment whose body is exactly `bytes` long.
std::string EnrolmentOfSize(size_t bytes) {
  const std::string head = R"({"phone":"+1 415 555 0101","name":"Bob","email":")";
  const std::string tail = R"("})";
  return head + std::string(bytes - head.size() - tail.size(), 'x') + tail;
}

TEST_CASE("daemon: a body over 64 KiB is 413 and one at the limit is read") {
  LimitsFixture f;
  ApiReply over = Call(f.client(), "POST", "/v1/members", EnrolmentOfSize(kBodyLimit + 1));
  CHECK(over.status == 413);
  CHECK(over.ErrorCode() == "payload_too_large");
  ApiReply large = Call(f.client(), "POST", "/v1/sales", EnrolmentOfSize(512 * 1024));
  CHECK(large.status == 413);
  // At the limit the body is read and judged on its content (an e-mail
  // address of 64 KiB is not valid), so nothing is written either.
  ApiReply at_limit = Call(f.client(), "POST", "/v1/members", EnrolmentOfSize(kBodyLimit));
  CHECK(at_limit.status == 400);
  CHECK(at_limit.ErrorCode() == "invalid_email");
  // Declared too large up front: refused without reading the body.
  RawConnection raw(f.daemon().port());
  REQUIRE(raw.connected());
  REQUIRE(
      raw.Send("POST /v1/members HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: 10000000\r\n\r\n{"));
  std::optional<std::string> response = raw.ReadResponse(5s);
  REQUIRE(response.has_value());
  CHECK(RawStatus(*response) == 413);
  CHECK(raw.WaitForClose(5s));
  f.CheckUnharmed();
  CHECK(f.daemon().Stop().exit_code == 0);
}

TEST_CASE("daemon: a header over 8 KiB is 431") {
  LimitsFixture f;
  Result<HttpResponse> response =
      f.client().Send("GET", "/v1/health", {}, {{"X-Padding", std::string(9000, 'p')}});
  REQUIRE_MESSAGE(response.ok(), response.status().ToString());
  CHECK(response->status == 431);
  CHECK(response->body.find("header_too_large") != std::string::npos);
  // Many small fields add up the same way. (Beast enforces the limit with
  // some slack when the header spans several reads: up to about 12 KiB of
  // small fields pass, hence 24 KiB here.)
  RawConnection raw(f.daemon().port());
  std::string request = "GET /v1/health HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 1000; ++i) request += "X-Field-" + std::to_string(i) + ": abcdefghij\r\n";
  REQUIRE(raw.Send(request + "\r\n"));
  std::optional<std::string> answer = raw.ReadResponse(5s);
  REQUIRE(answer.has_value());
  CHECK(RawStatus(*answer) == 431);
  f.CheckUnharmed();
  CHECK(f.daemon().Stop().exit_code == 0);
}

TEST_CASE("daemon: bytes that are not HTTP get 400 and the connection closed") {
  LimitsFixture f;
  const std::vector<std::string> garbage = {
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),  // a TLS ClientHello
      "HELLO\r\n\r\n",
      "GET /v1/health HTTP/9.9\r\n\r\n",
      "GET /v1/health HTTP/1.1\r\nHost x\r\n\r\n",
      "POST /v1/members HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "POST /v1/members HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      std::string("GET /v1/health HTTP/1.1\r\nHost: \0x\r\n\r\n", 36),
  };
  for (const std::string& bytes : garbage) {
    INFO("sent: ", json(std::string(bytes)).dump(-1, ' ', false, json::error_handler_t::replace));
    RawConnection raw(f.daemon().port());
    REQUIRE(raw.connected());
    REQUIRE(raw.Send(bytes));
    std::optional<std::string> response = raw.ReadResponse(5s);
    REQUIRE(response.has_value());
    CHECK(RawStatus(*response) == 400);
    CHECK(RawJsonBody(*response)["error"]["code"].is_string());
    CHECK(raw.WaitForClose(5s));
  }
  // Well-formed HTTP with a target that does not decode: 400, and the
  // connection may stay open.
  RawConnection raw(f.daemon().port());
  REQUIRE(raw.Send("GET /v1/members/%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::optional<std::string> response = raw.ReadResponse(5s);
  REQUIRE(response.has_value());
  CHECK(RawStatus(*response) == 400);
  CHECK(RawJsonBody(*response)["error"]["code"] == "invalid_target");
  f.CheckUnharmed();
  CHECK(f.daemon().Stop().exit_code == 0);
}

TEST_CASE("daemon: a silent client and an idle keep-alive one block nobody, nor a stop") {
  LimitsFixture f;
  RawConnection silent(f.daemon().port());
  REQUIRE(silent.connected());
  std::unique_ptr<HttpClient> idle = f.daemon().Client();
  REQUIRE(Call(*idle, "GET", "/v1/health").status == 200);  // now parked between requests
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<HttpClient> client = f.daemon().Client(2s);
  for (int i = 0; i < 50; ++i) REQUIRE(Call(*client, "GET", "/v1/health").status == 200);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  f.CheckUnharmed();
  // Neither connection has a request in flight: SIGTERM closes them at once
  // instead of waiting for their timeouts.
  const auto stop = std::chrono::steady_clock::now();
  CHECK(f.daemon().Stop().exit_code == 0);
  CHECK(std::chrono::steady_clock::now() - stop < 5s);
  CHECK(silent.WaitForClose(1s));
}

TEST_CASE("daemon: silent and half-sent connections are closed: before the first header at 5 s, "
          "a half-sent body at the read timeout (15 s)") {
  LimitsFixture f;
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < 4; ++i) stalled.push_back(std::make_unique<RawConnection>(f.daemon().port()));
  REQUIRE(stalled[1]->Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n"));  // header unfinished
  REQUIRE(
      stalled[2]->Send("POST /v1/members HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                       "{\"name\":"));  // body unfinished
  REQUIRE(stalled[3]->Send("G"));
  const auto start = std::chrono::steady_clock::now();
  // Two I/O threads and four stalled connections: others are still served.
  std::unique_ptr<HttpClient> client = f.daemon().Client(2s);
  for (int i = 0; i < 50; ++i) REQUIRE(Call(*client, "GET", "/v1/health").status == 200);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  for (auto& connection : stalled) CHECK(connection->WaitForClose(25s));
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited > 10s);
  CHECK(waited < 25s);
  // The half-sent body was not handled: nothing was enrolled.
  f.CheckUnharmed();
  CHECK(Call(f.client(), "GET", "/v1/status").body["member_count"] == 1);
  CHECK(f.daemon().Stop().exit_code == 0);
}

TEST_CASE("daemon: 100 silent sockets do not lock the POS out, and are closed") {
  DaemonOptions options;
  options.config_file = json{{"first_request_timeout_ms", 1000}};  // max_connections: 64
  LimitsFixture f(options);
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (int i = 0; i < 100; ++i) {
    silent.push_back(std::make_unique<RawConnection>(f.daemon().port()));
    REQUIRE(silent.back()->connected());
  }
  // A POS that connects now is served at once: at the cap, each newcomer
  // takes the slot of the connection silent longest.
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<HttpClient> pos = f.daemon().Client(2s);
  ApiReply sale = CallJson(*pos, "POST", "/v1/sales",
                           {{"sale_ref", "R-2"}, {"member_id", kAnnId}, {"amount_minor", 1000}});
  CHECK(sale.status == 201);
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  // The fixture's kept-alive connection (it completed requests) was not
  // taken.
  CHECK(Call(f.client(), "GET", "/v1/health").status == 200);
  std::vector<bool> closed(silent.size());
  for (size_t i = 0; i < silent.size(); ++i) closed[i] = silent[i]->WaitForClose(10ms);
  CHECK(std::count(closed.begin(), closed.end(), true) >= 100 - 64 + 1);
  // The rest go at the first-request deadline.
  for (size_t i = 0; i < silent.size(); ++i) {
    if (!closed[i]) closed[i] = silent[i]->WaitForClose(3s);
  }
  CHECK(std::count(closed.begin(), closed.end(), true) == 100);
  CHECK(f.daemon().Stop().exit_code == 0);
}

TEST_CASE("daemon: with every slot mid-request a client gets 503, and is served once one closes") {
  DaemonOptions options;
  options.config_file = json{{"max_connections", 4}};
  LimitsFixture f(options);
  // f's client holds one connection (kept alive, not evictable); three
  // half-sent requests fill the cap and cannot be evicted either.
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawConnection>(f.daemon().port()));
    REQUIRE(held.back()->Send("GET /v1/health HTTP/1.1\r\n"));
  }
  std::this_thread::sleep_for(200ms);  // let the daemon admit them
  RawConnection refused(f.daemon().port());
  std::optional<std::string> response = refused.ReadResponse(5s);
  REQUIRE(response.has_value());
  CHECK(RawStatus(*response) == 503);
  CHECK(RawJsonBody(*response)["error"]["code"] == "too_many_connections");
  CHECK(refused.WaitForClose(5s));
  // The kept-alive connection still works.
  CHECK(Call(f.client(), "GET", "/v1/health").status == 200);
  held.clear();
  // Once the daemon noticed the closes, new clients are served again.
  int status = 0;
  for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
    std::unique_ptr<HttpClient> fresh = f.daemon().Client(2s);
    status = Call(*fresh, "GET", "/v1/health").status;
    if (status != 200) std::this_thread::sleep_for(100ms);
  }
  CHECK(status == 200);
  f.CheckUnharmed();
  CHECK(f.daemon().Stop().exit_code == 0);
}

TEST_CASE("daemon: data 0700 and 0600 whatever the umask; /metrics behind a token from a file") {
  TempDir dir;
  const std::string token_path = dir.path().string() + "/metrics.token";
  {
    std::ofstream(token_path) << "scrape-secret-0123456789\n";
  }
  ::chmod(token_path.c_str(), 0600);
  DaemonOptions options;
  options.config_file = json{{"metrics_token_file", token_path}};
  const mode_t old_umask = ::umask(0);  // the daemon inherits a careless umask
  auto started = DaemonProcess::Start(dir.path().string(), options);
  ::umask(old_umask);
  REQUIRE_MESSAGE(started.ok(), started.status().ToString());
  DaemonProcess& daemon = **started;
  std::unique_ptr<HttpClient> client = daemon.Client();
  REQUIRE(Call(*client, "POST", "/v1/members", R"({"phone":"+1 415 555 0100","name":"Ann"})")
              .status == 201);

  struct stat info {};
  REQUIRE(::stat((dir.path() / "data").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
  for (const char* file : {"terminal.db", "terminal.db-wal"}) {
    CAPTURE(file);
    REQUIRE(::stat((dir.path() / "data" / file).c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
  }

  ApiReply open = Call(*client, "GET", "/metrics");
  CHECK(open.status == 401);
  Result<HttpResponse> wrong =
      client->Send("GET", "/metrics", "", {{"Authorization", "Bearer nope"}});
  REQUIRE(wrong.ok());
  CHECK(wrong->status == 403);
  Result<HttpResponse> scraped =
      client->Send("GET", "/metrics", "", {{"Authorization", "bearer scrape-secret-0123456789"}});
  REQUIRE(scraped.ok());
  CHECK(scraped->status == 200);
  CHECK(scraped->body.find("patrond_") != std::string::npos);
  CHECK(daemon.Stop().exit_code == 0);
}

TEST_CASE("daemon: a JSON body naming a key twice is refused, naming the key") {
  LimitsFixture f;
  ApiReply twice = Call(f.client(), "POST", "/v1/sales",
                        R"({"sale_ref":"R-9","member_id":")" + std::string(kAnnId) +
                            R"(","amount_minor":100000,"amount_minor":1})");
  CHECK(twice.status == 400);
  CHECK(twice.ErrorCode() == "duplicate_key");
  CHECK(twice.body["error"]["message"].get<std::string>().find("amount_minor") !=
        std::string::npos);
  CHECK(Call(f.client(), "GET", "/v1/sales/R-9").status == 404);
  f.CheckUnharmed();
}

}  // namespace
}  // namespace patron::testing
