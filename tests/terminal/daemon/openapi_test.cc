// docs/openapi.json against the real patrond: the document names exactly the
// routes the daemon serves, every documented operation answers, the
// examples, replayed in the order of x-patron-scenario on a fresh daemon,
// are what the daemon answers (timestamps excepted, see kVaryingFields), and
// every answer these tests see, errors included, is one the document lists
// for its operation (OpenApiDoc::CheckAnswer).
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "daemon_process.h"
#include "openapi_doc.h"
#include "patron/http/server.h"
#include "patron/offer.h"
#include "support/temp_dir.h"

namespace patron::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// The routes of terminal/src/api/local_api.cc. The test checks the document
// against this list and the daemon against the document, so a route added
// to one and not the other fails here.
const std::set<std::pair<std::string, std::string>> kDaemonRoutes = {
    {"GET", "/v1/health"},
    {"GET", "/v1/status"},
    {"POST", "/v1/members"},
    {"GET", "/v1/members"},
    {"GET", "/v1/members/{member_id}"},
    {"PATCH", "/v1/members/{member_id}"},
    {"GET", "/v1/members/{member_id}/entries"},
    {"GET", "/v1/members/{member_id}/vouchers"},
    {"GET", "/v1/members/{member_id}/offers"},
    {"GET", "/v1/members/{member_id}/exchanges"},
    {"GET", "/v1/rewards"},
    {"POST", "/v1/rewards/exchange"},
    {"GET", "/v1/exchanges/{exchange_ref}"},
    {"POST", "/v1/quote"},
    {"POST", "/v1/sales"},
    {"GET", "/v1/sales/{sale_ref}"},
    {"POST", "/v1/sales/{sale_ref}/refunds"},
    {"POST", "/v1/feedback"},
    {"POST", "/v1/sync"},
    {"GET", "/metrics"},
};

// Examples the scenario cannot replay on one offline terminal; each says why
// in its x-not-replayed field. Adding one here needs a reason.
// The metrics token's refusals need a daemon started with a token
// (daemon_limits_test.cc checks them).
// Rewards need a rule pack from head office (exchange_sync_test.cc), and
// offers head office's metrics run (offers_sync_test.cc).
const std::set<std::string> kNotReplayed = {"insufficient_rights",
                                            "missing_token",
                                            "metrics_token_required",
                                            "birthday",
                                            "catalogue",
                                            "coupon",
                                            "item",
                                            "voucher",
                                            "found",
                                            "two",
                                            "recommended"};

// Paths the daemon must not serve (404 not_found): plausible guesses of a
// POS integrator that the API does not offer.
const std::vector<std::string> kUndocumentedPaths = {"/",
                                                     "/v1",
                                                     "/v1/",
                                                     "/v2/health",
                                                     "/v1/refunds",
                                                     "/v1/entries",
                                                     "/v1/metrics",
                                                     "/v1/health/live",
                                                     "/v1/members/x/sales",
                                                     "/v1/sales/R-1/x",
                                                     "/v1/sales/R-1/refunds/F-1",
                                                     "/V1/health"};

// What the HTTP server answers to any request, whatever its operation
// (shared/src/http/session.cc): 400 malformed HTTP or target, 413 body over
// body_limit (any method), 431 header over header_limit, 500 the handler
// threw, 503 at the connection cap. Every operation lists them; those taking
// a JSON body also list the router's 415.
const std::set<int> kAnyRequestStatuses = {400, 413, 431, 500, 503};

constexpr size_t kBodyLimit = 64 * 1024;
constexpr size_t kHeaderLimit = 8 * 1024;

std::unique_ptr<OpenApiDoc> LoadDoc() {
  auto doc = std::make_unique<OpenApiDoc>(PATRON_OPENAPI);
  REQUIRE_MESSAGE(doc->loaded(), doc->error());
  return doc;
}

// Fails the test case with every way `reply` to `method target` breaks the
// document.
void CheckDocumented(const OpenApiDoc& doc, std::string_view method, std::string_view target,
                     const ApiReply& reply) {
  std::vector<std::string> errors;
  doc.CheckAnswer(method, target, reply.status, reply.body, errors);
  for (const std::string& error : errors) FAIL_CHECK(error);
}

// As CheckDocumented, and the reply is the error `status` / `code`, which the
// description of that documented response names (as `code`).
void CheckRefusal(const OpenApiDoc& doc, std::string_view method, std::string_view target,
                  const ApiReply& reply, int status, const std::string& code) {
  INFO(method, " ", target, " -> ", reply.Describe());
  CHECK(reply.status == status);
  CHECK(reply.ErrorCode() == code);
  CheckDocumented(doc, method, target, reply);
  std::optional<DocNode> op = doc.Operation(method, target);
  REQUIRE(op.has_value());
  std::optional<DocNode> response =
      doc.At(op->pointer + "/responses/" + std::to_string(reply.status));
  if (response) {
    CHECK_MESSAGE(
        response->node->value("description", "").find("`" + code + "`") != std::string::npos,
        response->pointer, " does not name `", code, "`");
  }
}

// One request as raw bytes on a fresh connection, and its answer.
ApiReply SendRaw(uint16_t port, std::string_view bytes) {
  RawConnection connection(port);
  ApiReply reply;
  if (!connection.Send(bytes)) return reply;
  if (std::optional<std::string> response = connection.ReadResponse(5s)) {
    reply.status = RawStatus(*response);
    reply.body = RawJsonBody(*response);
    reply.raw = *response;
  }
  return reply;
}

std::string LastName(const std::string& pointer) { return pointer.substr(pointer.rfind('/') + 1); }

std::optional<std::string> AllowHeader(const ApiReply& reply) {
  for (const auto& [name, value] : reply.response.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "allow") return value;
  }
  return std::nullopt;
}

TEST_CASE("openapi: the document is OpenAPI 3.0.3 and documents exactly the daemon's routes") {
  std::unique_ptr<OpenApiDoc> doc = LoadDoc();
  const json& d = doc->root();
  CHECK(d.value("openapi", "") == "3.0.3");
  CHECK(d["info"].value("title", "") != "");
  CHECK(doc->Operations() == kDaemonRoutes);
  for (const char* schema :
       {"Member", "EnrolRequest", "ProfilePatch", "SaleRequest", "QuoteRequest", "SaleResult",
        "Quote", "RefundRequest", "RefundResult", "HistoryPage", "Entry", "Status", "Error"}) {
    CHECK_MESSAGE(doc->At(std::string("/components/schemas/") + schema).has_value(), schema);
  }
  // Every $ref leads somewhere.
  auto check_refs = [&](auto& self, const json& node, const std::string& where) -> void {
    if (node.is_object()) {
      if (node.contains("$ref")) CHECK_MESSAGE(doc->Resolve(node, where).has_value(), where);
      for (const auto& [key, child] : node.items()) self(self, child, where + "/" + key);
    } else if (node.is_array()) {
      for (const json& child : node) self(self, child, where);
    }
  };
  check_refs(check_refs, d, "");
  // Every operation: a summary, an id, an example answer, a request example
  // when it takes a body, the errors any request can get (415 too when it
  // takes a JSON body), and the error schema for its 4xx and 5xx answers.
  for (const auto& [method, path] : doc->Operations()) {
    const std::string where = method + " " + path;
    std::optional<DocNode> op = doc->Operation(method, FillPathExamples(*doc, path));
    REQUIRE_MESSAGE(op.has_value(), where);
    CHECK_MESSAGE(op->node->value("summary", "") != "", where);
    CHECK_MESSAGE(op->node->value("operationId", "") != "", where);
    size_t response_examples = 0;
    for (const auto& [status, response] : (*op->node)["responses"].items()) {
      std::optional<DocNode> content = doc->ResponseContent(*op, std::stoi(status));
      if (content && content->node->contains("examples")) {
        response_examples += (*content->node)["examples"].size();
      }
      if (status.starts_with("4") || status.starts_with("5")) {
        std::optional<DocNode> schema = doc->ResponseSchema(*op, std::stoi(status));
        CHECK_MESSAGE((schema && schema->pointer == "/components/schemas/Error"), where, " ",
                      status);
      }
    }
    CHECK_MESSAGE(response_examples > 0, where);
    const std::set<int> statuses = doc->Statuses(*op);
    for (int status : kAnyRequestStatuses) {
      CHECK_MESSAGE(statuses.contains(status), where, " does not list ", status);
    }
    CHECK_MESSAGE(statuses.contains(415) == op->node->contains("requestBody"), where);
    if (op->node->contains("requestBody")) {
      std::optional<DocNode> examples =
          doc->At(op->pointer + "/requestBody/content/application~1json/examples");
      CHECK_MESSAGE((examples && !examples->node->empty()), where);
    }
  }
}

TEST_CASE("openapi: the Offer schema is the offer record's field table (offer.h)") {
  std::unique_ptr<OpenApiDoc> doc = LoadDoc();
  const json& schema = doc->root()["components"]["schemas"]["Offer"];
  std::set<std::string> fields;
  record::ForEachField<Offer>([&](const auto& field) { fields.insert(std::string(field.name)); });
  std::set<std::string> properties;
  for (const auto& [name, property] : schema["properties"].items()) properties.insert(name);
  CHECK(properties == fields);
  CHECK(schema["required"].get<std::set<std::string>>() == fields);  // each required on the wire
}

TEST_CASE("openapi: every documented operation answers and the daemon serves nothing else") {
  std::unique_ptr<OpenApiDoc> doc = LoadDoc();
  TempDir dir;
  auto daemon = DaemonProcess::Start(dir.path().string());
  REQUIRE_MESSAGE(daemon.ok(), daemon.status().ToString());
  std::unique_ptr<HttpClient> client = (*daemon)->Client();

  std::set<std::string> paths;
  for (const auto& [method, path] : doc->Operations()) paths.insert(path);
  for (const auto& [method, path] : doc->Operations()) {
    const std::string target = FillPathExamples(*doc, path);
    const bool takes_body = method == "POST" || method == "PATCH";
    ApiReply reply = Call(*client, method, target, takes_body ? "{}" : "");
    INFO(method, " ", target, " -> ", reply.Describe());
    CHECK(reply.status != 0);
    CHECK(reply.status != 405);
    CHECK_FALSE((reply.status == 404 && reply.ErrorCode() == "not_found"));
    CHECK((reply.body.is_object() || (target == "/metrics" && reply.body.is_string())));
    CheckDocumented(*doc, method, target, reply);
  }
  // A method no route has (PUT) on each documented path: 405, and the Allow
  // header lists exactly the documented methods of that path.
  for (const std::string& path : paths) {
    const std::string target = FillPathExamples(*doc, path);
    ApiReply reply = Call(*client, "PUT", target, "{}");
    INFO("PUT ", target, " -> ", reply.Describe());
    CHECK(reply.status == 405);
    CHECK(reply.ErrorCode() == "method_not_allowed");
    CheckDocumented(*doc, "PUT", target, reply);
    std::set<std::string> allowed;
    if (std::optional<std::string> allow = AllowHeader(reply)) {
      size_t start = 0;
      while (start < allow->size()) {
        size_t end = allow->find(',', start);
        if (end == std::string::npos) end = allow->size();
        std::string method = allow->substr(start, end - start);
        while (!method.empty() && method.front() == ' ') method.erase(0, 1);
        allowed.insert(method);
        start = end + 1;
      }
    }
    std::set<std::string> documented;
    for (const auto& [method, documented_path] : doc->Operations()) {
      if (documented_path == path) documented.insert(method);
    }
    CHECK(allowed == documented);
  }
  for (const std::string& target : kUndocumentedPaths) {
    CHECK_FALSE_MESSAGE(doc->MatchPath(target).has_value(), target);
    for (const char* method : {"GET", "POST"}) {
      ApiReply reply = Call(*client, method, target, std::string(method) == "POST" ? "{}" : "");
      INFO(method, " ", target, " -> ", reply.Describe());
      CHECK(reply.status == 404);
      CHECK(reply.ErrorCode() == "not_found");
      CheckDocumented(*doc, method, target, reply);
    }
  }
  CHECK((*daemon)->Stop().exit_code == 0);
}

// Runs one `raw` scenario step: input HttpClient does not produce, or
// produces only at the transport limits.
ApiReply ReplayRaw(const DaemonProcess& daemon, const json& step) {
  const json& raw = step["raw"];
  const std::string kind = raw.value("kind", "");
  const std::string method = step["method"];
  const std::string target = step["target"];
  std::unique_ptr<HttpClient> client = daemon.Client();
  if (kind == "oversized_body") {
    const size_t bytes = raw["bytes"].get<size_t>();
    std::string body = R"({"name":")" + std::string(bytes, 'x') + R"("})";
    return Call(*client, method, target, body);
  }
  if (kind == "oversized_header") {
    Result<HttpResponse> response = client->Send(
        method, target, {}, {{"X-Padding", std::string(raw["bytes"].get<size_t>(), 'p')}});
    ApiReply reply;
    if (!response.ok()) return reply;
    reply.status = response->status;
    reply.raw = response->body;
    reply.body = json::parse(response->body, nullptr, false);
    return reply;
  }
  if (kind == "bytes") return SendRaw(daemon.port(), raw["text"].get<std::string>());
  ApiReply reply;
  std::optional<std::string> response;
  if (kind == "connection_flood") {
    std::vector<std::unique_ptr<RawConnection>> connections;
    // Connections that completed a request and stay open: silent ones
    // would only be evicted for the newcomer (server.h, "Connection limits").
    for (int i = 0; i < raw["connections"].get<int>(); ++i) {
      connections.push_back(std::make_unique<RawConnection>(daemon.port()));
      if (i + 1 < raw["connections"].get<int>()) {
        connections.back()->Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
        connections.back()->ReadResponse(std::chrono::seconds(5));
      }
    }
    response = connections.back()->ReadResponse(std::chrono::seconds(5));
  }
  if (response) {
    reply.status = RawStatus(*response);
    reply.body = RawJsonBody(*response);
    reply.raw = *response;
  }
  return reply;
}

// "{history_newest.next_before}" -> that field of that step's answer.
std::string FillPlaceholders(std::string target, const std::map<std::string, json>& answers) {
  for (size_t open = target.find('{'); open != std::string::npos; open = target.find('{')) {
    const size_t close = target.find('}', open);
    REQUIRE(close != std::string::npos);
    const std::string name = target.substr(open + 1, close - open - 1);
    const size_t dot = name.find('.');
    REQUIRE_MESSAGE(dot != std::string::npos, name);
    auto answer = answers.find(name.substr(0, dot));
    REQUIRE_MESSAGE(answer != answers.end(), "placeholder names a later or unknown step: ", name);
    const json& value = answer->second[name.substr(dot + 1)];
    target.replace(open, close - open + 1,
                   value.is_string() ? value.get<std::string>() : value.dump());
  }
  return target;
}

TEST_CASE("openapi: the examples, replayed in order on a fresh daemon, are what it answers") {
  std::unique_ptr<OpenApiDoc> doc = LoadDoc();
  const json& scenario = doc->root()["x-patron-scenario"];
  REQUIRE(scenario["steps"].is_array());
  TempDir dir;
  DaemonOptions options;
  options.terminal_id = scenario["terminal"].value("terminal_id", "");
  options.store_id = scenario["terminal"].value("store_id", "");
  options.country_code = scenario["terminal"].value("country_code", "");
  auto daemon = DaemonProcess::Start(dir.path().string(), options);
  REQUIRE_MESSAGE(daemon.ok(), daemon.status().ToString());
  std::unique_ptr<HttpClient> client = (*daemon)->Client();

  std::set<std::string> exercised;
  std::set<std::string> step_ids;
  std::map<std::string, json> answers;
  for (const json& step : scenario["steps"]) {
    const std::string id = step.value("id", "");
    CHECK_MESSAGE(step_ids.insert(id).second, "duplicate step id ", id);
    const std::string method = step.value("method", "");
    const std::string target = FillPlaceholders(step.value("target", ""), answers);
    const int status = step.value("status", 0);
    std::optional<DocNode> op = doc->Operation(method, target);
    INFO("step ", id, ": ", method, " ", target);

    ApiReply reply;
    if (step.contains("raw")) {
      reply = ReplayRaw(**daemon, step);
    } else {
      std::string body;
      if (step.contains("request")) {
        std::optional<DocNode> example = doc->RequestExample(op, step["request"]);
        REQUIRE_MESSAGE(example.has_value(), "no request example ", step["request"].dump());
        exercised.insert(example->pointer);
        const json& value = (*example->node)["value"];
        body = value.is_string() ? value.get<std::string>() : value.dump();
        if (status < 300 && op) {
          std::vector<std::string> errors;
          if (std::optional<DocNode> schema = doc->RequestSchema(*op)) {
            doc->Validate(*schema->node, value, "request", errors);
          }
          for (const std::string& error : errors) FAIL_CHECK(error);
        }
      }
      reply = Call(*client, method, target, body, step.value("content_type", ""));
    }
    INFO("answer: ", reply.Describe());
    REQUIRE(reply.status == status);
    answers[id] = reply.body;

    REQUIRE(step.contains("response"));
    std::optional<DocNode> example = doc->ResponseExample(op, status, step["response"]);
    REQUIRE_MESSAGE(example.has_value(), "no response example ", step["response"].dump());
    exercised.insert(example->pointer);
    std::vector<std::string> errors;
    CompareWithExample((*example->node)["value"], reply.body, "answer", errors);
    // Also for examples kept under components (limits, unknown routes): a
    // request that matches an operation gets only what it documents.
    doc->CheckAnswer(method, target, reply.status, reply.body, errors);
    for (const std::string& error : errors) FAIL_CHECK(error);
  }

  // Every example was replayed, except the few that say why they cannot be.
  std::set<std::string> not_replayed;
  for (const std::string& pointer : doc->AllExamples()) {
    std::optional<DocNode> example = doc->At(pointer);
    REQUIRE(example.has_value());
    const bool marked = example->node->contains("x-not-replayed");
    if (marked) not_replayed.insert(LastName(pointer));
    CHECK_MESSAGE(exercised.contains(pointer) != marked, pointer,
                  marked ? " is marked x-not-replayed but was replayed"
                         : " is not exercised by x-patron-scenario");
  }
  CHECK(not_replayed == kNotReplayed);
  CHECK((*daemon)->Stop().exit_code == 0);
}

// Holds connections to the daemon until it is at its connection cap, then
// sends `request` on one more: the daemon's answer to it. A connection that
// is served instead (a slot was still free) is kept in `held`, and the next
// try opens another.
ApiReply AnswerAtTheCap(uint16_t port, const std::string& request,
                        std::vector<std::unique_ptr<RawConnection>>& held) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto connection = std::make_unique<RawConnection>(port);
    connection->Send(request);
    ApiReply reply;
    if (std::optional<std::string> response = connection->ReadResponse(5s)) {
      reply.status = RawStatus(*response);
      reply.body = RawJsonBody(*response);
      reply.raw = *response;
    }
    if (reply.status == 503 || reply.status == 0) return reply;
    held.push_back(std::move(connection));
  }
  return {};
}

TEST_CASE("openapi: the refusals any request can get are documented for every operation") {
  std::unique_ptr<OpenApiDoc> doc = LoadDoc();
  TempDir dir;
  auto daemon = DaemonProcess::Start(dir.path().string());
  REQUIRE_MESSAGE(daemon.ok(), daemon.status().ToString());
  const uint16_t port = (*daemon)->port();

  for (const auto& [method, path] : doc->Operations()) {
    const std::string target = FillPathExamples(*doc, path);
    const bool takes_json = doc->Operation(method, target)->node->contains("requestBody");
    const std::string body = takes_json ? "{}" : "";
    // Each case on a fresh client: some of these refusals close the connection.
    CheckRefusal(*doc, method, target + "?x=%zz",
                 Call(*(*daemon)->Client(), method, target + "?x=%zz", body), 400,
                 "invalid_target");
    CheckRefusal(*doc, method, target,
                 SendRaw(port, method + " " + target + " HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n"),
                 400, "bad_request");
    // A body over the limit is refused by its declared length, whatever the
    // method: a GET with a body is read like any other request.
    CheckRefusal(*doc, method, target,
                 Call(*(*daemon)->Client(), method, target, std::string(kBodyLimit + 1, ' ')), 413,
                 "payload_too_large");
    Result<HttpResponse> padded = (*daemon)->Client()->Send(
        method, target, body, {{"X-Padding", std::string(kHeaderLimit + 1000, 'p')}});
    REQUIRE_MESSAGE(padded.ok(), padded.status().ToString());
    ApiReply header_reply;
    header_reply.status = padded->status;
    header_reply.raw = padded->body;
    header_reply.body = json::parse(padded->body, nullptr, false);
    CheckRefusal(*doc, method, target, header_reply, 431, "header_too_large");
    if (takes_json) {
      CheckRefusal(*doc, method, target,
                   Call(*(*daemon)->Client(), method, target, "{}", "text/plain"), 415,
                   "unsupported_media_type");
    }
  }

  // At the connection cap (of connections that completed a request: silent
  // ones would be evicted for the newcomer) every request gets 503 before
  // it is read.
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 64; ++i) {
    held.push_back(std::make_unique<RawConnection>(port));
    held.back()->Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    held.back()->ReadResponse(5s);
  }
  for (const auto& [method, path] : doc->Operations()) {
    const std::string target = FillPathExamples(*doc, path);
    CheckRefusal(*doc, method, target,
                 AnswerAtTheCap(port, method + " " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", held),
                 503, "too_many_connections");
  }
  held.clear();
  CHECK((*daemon)->Stop().exit_code == 0);
}

TEST_CASE("openapi: path and query parameters the handlers refuse are documented 400s") {
  std::unique_ptr<OpenApiDoc> doc = LoadDoc();
  TempDir dir;
  auto daemon = DaemonProcess::Start(dir.path().string());
  REQUIRE_MESSAGE(daemon.ok(), daemon.status().ToString());
  std::unique_ptr<HttpClient> client = (*daemon)->Client();
  const std::string ann = "/v1/members/3f16ccbc-dabe-8f15-9a84-63bd968a7ef0";
  const std::string long_ref(65, 'R');
  // method, target, body, error code
  const std::vector<std::tuple<std::string, std::string, std::string, std::string>> cases = {
      {"GET", "/v1/sales/" + long_ref, "", "invalid_sale_ref"},
      {"GET", "/v1/sales/R%201001", "", "invalid_sale_ref"},  // a blank
      {"GET", "/v1/sales/R-%C3%A9", "", "invalid_sale_ref"},  // not ASCII
      {"GET", "/v1/sales/R-1%00", "", "invalid_target"},      // a NUL byte
      {"POST", "/v1/sales/" + long_ref + "/refunds", R"({"refund_ref":"F-1"})", "invalid_sale_ref"},
      {"GET", "/v1/members?card=x", "", "invalid_card"},
      {"GET", "/v1/members?phone=", "", "invalid_phone"},
      {"GET", "/v1/members?phone=1&card=C-1001", "", "invalid_query"},
      {"GET", "/v1/members/not-a-member-id/entries", "", "invalid_member_id"},
      {"GET", "/v1/members/not-a-member-id/offers", "", "invalid_member_id"},
      {"GET", ann + "/entries?limit=ten", "", "invalid_query"},
      {"GET", ann + "/entries?before=-1", "", "invalid_cursor"},
      {"PATCH", "/v1/members/not-a-member-id", R"({"name":"Ann"})", "invalid_member_id"},
  };
  for (const auto& [method, target, body, code] : cases) {
    CheckRefusal(*doc, method, target, Call(*client, method, target, body), 400, code);
  }
  CHECK((*daemon)->Stop().exit_code == 0);
}

TEST_CASE("openapi: POST /v1/sync answers the sync server's refusals as documented") {
  std::unique_ptr<OpenApiDoc> doc = LoadDoc();
  // A sync server that refuses every request with the status of the moment.
  std::atomic<int> refusal{500};
  HttpServerOptions server_options;
  server_options.threads = 1;
  auto server = HttpServer::Start(server_options, [&refusal](const HttpRequest&) {
    return ErrorResponse(refusal.load(), "refused_by_test", "this sync server refuses everything");
  });
  REQUIRE_MESSAGE(server.ok(), server.status().ToString());
  TempDir dir;
  DaemonOptions options;
  options.extra_args = {"--server", "http://127.0.0.1:" + std::to_string((*server)->port())};
  auto daemon = DaemonProcess::Start(dir.path().string(), options);
  REQUIRE_MESSAGE(daemon.ok(), daemon.status().ToString());
  std::unique_ptr<HttpClient> client = (*daemon)->Client();

  // The server's status -> the daemon's (http_sync_transport.cc maps the
  // status to a Status; local_api.cc answers a refusal of this terminal's
  // credentials, 401 or 403, with 503 rather than pass it on to the POS).
  const std::vector<std::pair<int, int>> cases = {{400, 400}, {401, 503}, {403, 503}, {404, 404},
                                                  {409, 409}, {422, 422}, {429, 503}, {500, 503}};
  for (const auto& [server_status, status] : cases) {
    refusal = server_status;
    ApiReply reply = Call(*client, "POST", "/v1/sync");
    INFO("the sync server answers ", server_status, "; patrond: ", reply.Describe());
    CHECK(reply.status == status);
    CHECK(reply.ErrorCode() == "refused_by_test");  // the server's reason, passed on
    CheckDocumented(*doc, "POST", "/v1/sync", reply);
  }
  // patrond stops while the fake server still answers: it inherited the
  // fake's listening socket (Boost.Asio does not mark it close-on-exec and
  // Subprocess keeps inherited descriptors), so once the fake is gone its
  // port still accepts, and a sync round would hang there until its timeout.
  CHECK((*daemon)->Stop().exit_code == 0);
}

}  // namespace
}  // namespace patron::testing
