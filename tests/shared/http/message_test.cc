#include "patron/http/message.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace patron {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("PercentDecode decodes escapes and reads '+' as space only in query mode") {
  struct Case {
    std::string_view in;
    bool plus_as_space;
    std::string out;
  };
  const Case cases[] = {
      {"", false, ""},
      {"plain", false, "plain"},
      {"a%20b", false, "a b"},
      {"%2B33612345678", true, "+33612345678"},
      {"Jean+Dupont", true, "Jean Dupont"},
      {"Jean+Dupont", false, "Jean+Dupont"},
      {"%c3%a9t%C3%A9", false, "\xc3\xa9t\xc3\xa9"},
      {"100%25", false, "100%"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    Result<std::string> decoded = PercentDecode(c.in, c.plus_as_space);
    REQUIRE(decoded.ok());
    CHECK(*decoded == c.out);
  }
}

TEST_CASE("PercentDecode rejects truncated or non-hex escapes") {
  for (std::string_view bad : {"%", "%2", "a%zz", "%G0", "abc%", "%%41"}) {
    CAPTURE(bad);
    Result<std::string> decoded = PercentDecode(bad, true);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.status().IsInvalidArgument());
    CHECK(decoded.status().reason() == "invalid_target");
  }
}

TEST_CASE("ParseQuery splits and decodes and keeps order and repeats") {
  struct Case {
    std::string_view in;
    Params out;
  };
  const Case cases[] = {
      {"", {}},
      {"a=1", {{"a", "1"}}},
      {"a=1&b=x+y&c", {{"a", "1"}, {"b", "x y"}, {"c", ""}}},
      {"a=1&&b=2&", {{"a", "1"}, {"b", "2"}}},
      {"tag=a&tag=b", {{"tag", "a"}, {"tag", "b"}}},
      {"q=a%3Db%26c", {{"q", "a=b&c"}}},
      {"k%20ey=v=w", {{"k ey", "v=w"}}},
      {"=v", {{"", "v"}}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    Result<Params> params = ParseQuery(c.in);
    REQUIRE(params.ok());
    CHECK(*params == c.out);
  }
  CHECK_FALSE(ParseQuery("a=%zz").ok());
  CHECK_FALSE(ParseQuery("%=1").ok());
}

TEST_CASE("ParseTarget separates the decoded path from the query") {
  Result<ParsedTarget> parsed = ParseTarget("/v1/members?phone=%2B33612345678&name=Jean+Dupont");
  REQUIRE(parsed.ok());
  CHECK(parsed->path == "/v1/members");
  CHECK(parsed->query == Params{{"phone", "+33612345678"}, {"name", "Jean Dupont"}});

  parsed = ParseTarget("/v1/sales/sale%201+2/refunds");
  REQUIRE(parsed.ok());
  CHECK(parsed->path == "/v1/sales/sale 1+2/refunds");  // '+' is literal in a path
  CHECK(parsed->query.empty());

  parsed = ParseTarget("/?");
  REQUIRE(parsed.ok());
  CHECK(parsed->path == "/");
  CHECK(parsed->query.empty());
}

TEST_CASE("ParseTarget rejects non-origin targets and bad escapes and NUL") {
  for (std::string_view bad :
       {"", "*", "v1/health", "http://host/v1", "/a%2", "/a?b=%x1", "/a%00b"}) {
    CAPTURE(bad);
    Result<ParsedTarget> parsed = ParseTarget(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().IsInvalidArgument());
  }
}

TEST_CASE("HttpRequest::QueryParam returns the first match and Header ignores case") {
  HttpRequest request;
  request.query = {{"tag", "a"}, {"tag", "b"}, {"empty", ""}};
  request.headers = {{"X-Terminal-Id", "T1"}, {"Content-Type", "application/json"}};
  CHECK(request.QueryParam("tag") == std::optional<std::string>("a"));
  CHECK(request.QueryParam("empty") == std::optional<std::string>(""));
  CHECK_FALSE(request.QueryParam("TAG").has_value());
  CHECK(request.Header("x-terminal-id") == std::optional<std::string>("T1"));
  CHECK_FALSE(request.Header("x-terminal").has_value());
}

TEST_CASE("JsonErrorBody escapes and survives invalid UTF-8") {
  const std::string body = JsonErrorBody("bad_request", "quote \" and \\ and \xff");
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  REQUIRE_FALSE(parsed.is_discarded());
  CHECK(parsed["error"]["code"] == "bad_request");
  CHECK(parsed["error"]["message"].get<std::string>().rfind("quote \" and \\ and ", 0) == 0);
}

TEST_CASE("JsonResponse and ErrorResponse") {
  HttpResponse ok = JsonResponse(201, R"({"id":1})");
  CHECK(ok.status == 201);
  CHECK(ok.content_type == "application/json");
  CHECK(ok.body == R"({"id":1})");

  HttpResponse error =
      ErrorResponse(Status::FailedPrecondition("not enough", "insufficient_points"));
  CHECK(error.status == 422);
  CHECK(error.body == R"({"error":{"code":"insufficient_points","message":"not enough"}})");

  CHECK(ErrorResponse(Status::OK()).status == 500);
}

TEST_CASE("HttpStatusFor maps every Status code") {
  CHECK(HttpStatusFor(StatusCode::kOk) == 200);
  CHECK(HttpStatusFor(StatusCode::kInvalidArgument) == 400);
  CHECK(HttpStatusFor(StatusCode::kUnauthenticated) == 401);
  CHECK(HttpStatusFor(StatusCode::kPermissionDenied) == 403);
  CHECK(HttpStatusFor(StatusCode::kNotFound) == 404);
  CHECK(HttpStatusFor(StatusCode::kConflict) == 409);
  CHECK(HttpStatusFor(StatusCode::kFailedPrecondition) == 422);
  CHECK(HttpStatusFor(StatusCode::kUnavailable) == 503);
  CHECK(HttpStatusFor(StatusCode::kIOError) == 500);
  CHECK(HttpStatusFor(StatusCode::kCorruption) == 500);
  CHECK(HttpStatusFor(StatusCode::kInternal) == 500);
  CHECK(HttpReasonPhrase(404) == "Not Found");
  CHECK(HttpReasonPhrase(799) == "Unknown");
}

}  // namespace
}  // namespace patron
