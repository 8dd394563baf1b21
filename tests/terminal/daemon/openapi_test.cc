// docs/openapi.json against the real patrond: the document names exactly the
// routes the daemon serves, every documented operation answers, and the
// examples, replayed in the order of x-patron-scenario on a fresh daemon,
// are what the daemon answers (timestamps excepted, see kVaryingFields).
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "daemon_process.h"
#include "openapi_doc.h"
#include "support/temp_dir.h"

namespace patron::testing {
namespace {

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
    {"POST", "/v1/quote"},
    {"POST", "/v1/sales"},
    {"GET", "/v1/sales/{sale_ref}"},
    {"POST", "/v1/sales/{sale_ref}/refunds"},
    {"POST", "/v1/sync"},
};

// Examples the scenario cannot replay on one offline terminal; each says why
// in its x-not-replayed field. Adding one here needs a reason.
const std::set<std::string> kNotReplayed = {"insufficient_rights"};

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

std::unique_ptr<OpenApiDoc> LoadDoc() {
  auto doc = std::make_unique<OpenApiDoc>(PATRON_OPENAPI);
  REQUIRE_MESSAGE(doc->loaded(), doc->error());
  return doc;
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
  // when it takes a body, and an error schema for its 4xx answers.
  for (const auto& [method, path] : doc->Operations()) {
    const std::string where = method + " " + path;
    std::optional<DocNode> op = doc->Operation(method, FillPathExamples(*doc, path));
    REQUIRE_MESSAGE(op.has_value(), where);
    CHECK_MESSAGE(op->node->value("summary", "") != "", where);
    CHECK_MESSAGE(op->node->value("operationId", "") != "", where);
    size_t response_examples = 0;
    for (const auto& [status, response] : (*op->node)["responses"].items()) {
      std::optional<DocNode> examples =
          doc->At(op->pointer + "/responses/" + status + "/content/application~1json/examples");
      if (examples) response_examples += examples->node->size();
      if (status.starts_with("4")) {
        std::optional<DocNode> schema = doc->ResponseSchema(*op, std::stoi(status));
        CHECK_MESSAGE((schema && schema->pointer == "/components/schemas/Error"), where, " ",
                      status);
      }
    }
    CHECK_MESSAGE(response_examples > 0, where);
    if (op->node->contains("requestBody")) {
      std::optional<DocNode> examples =
          doc->At(op->pointer + "/requestBody/content/application~1json/examples");
      CHECK_MESSAGE((examples && !examples->node->empty()), where);
    }
  }
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
    CHECK(reply.body.is_object());
  }
  // A method no route has (PUT) on each documented path: 405, and the Allow
  // header lists exactly the documented methods of that path.
  for (const std::string& path : paths) {
    const std::string target = FillPathExamples(*doc, path);
    ApiReply reply = Call(*client, "PUT", target, "{}");
    INFO("PUT ", target, " -> ", reply.Describe());
    CHECK(reply.status == 405);
    CHECK(reply.ErrorCode() == "method_not_allowed");
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
  ApiReply reply;
  std::optional<std::string> response;
  if (kind == "bytes") {
    RawConnection connection(daemon.port());
    connection.Send(raw["text"].get<std::string>());
    response = connection.ReadResponse(std::chrono::seconds(5));
  } else if (kind == "connection_flood") {
    std::vector<std::unique_ptr<RawConnection>> connections;
    for (int i = 0; i < raw["connections"].get<int>(); ++i) {
      connections.push_back(std::make_unique<RawConnection>(daemon.port()));
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
    if (step["response"].get<std::string>().starts_with("#/")) {
      // Answers given before routing (unknown route, wrong method, limits)
      // belong to no operation; they are errors like any other.
      doc->Validate(*doc->At("/components/schemas/Error")->node, reply.body, "answer", errors);
    } else if (op) {
      std::optional<DocNode> schema = doc->ResponseSchema(*op, status);
      if (schema) {
        doc->Validate(*schema->node, reply.body, "answer", errors);
      } else {
        errors.push_back("status " + std::to_string(status) + " is not documented");
      }
    }
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

}  // namespace
}  // namespace patron::testing
