#include "patron/http/router.h"

#include <doctest/doctest.h>

#include <string>

namespace patron {
namespace {

HttpRequest Request(std::string method, std::string target, std::string content_type = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.path = request.target.substr(0, request.target.find('?'));
  request.content_type = std::move(content_type);
  return request;
}

std::string AllowHeader(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name == "Allow") return value;
  }
  return "";
}

// Targets are names, so a test sees which route matched.
Router<std::string> Routes() {
  Router<std::string> router;
  router.Add("GET", "/v1/members", RouteBody::kNone, "find");
  router.Add("POST", "/v1/members", RouteBody::kJson, "enrol");
  router.Add("GET", "/v1/members/{id}", RouteBody::kNone, "get");
  router.Add("PATCH", "/v1/members/{id}", RouteBody::kJson, "patch");
  router.Add("GET", "/v1/members/{id}/entries", RouteBody::kNone, "entries");
  router.Add("POST", "/v1/sales/{sale_ref}/refunds", RouteBody::kJson, "refund");
  return router;
}

TEST_CASE("a route matches by method and path, with its parameters decoded") {
  const Router<std::string> router = Routes();
  RouteMatch<std::string> match = router.Find(Request("GET", "/v1/members/M-1/entries?limit=5"));
  REQUIRE(match.target != nullptr);
  CHECK(*match.target == "entries");
  CHECK(match.params == PathParams{"M-1"});
  CHECK_FALSE(match.refusal);

  // An encoded slash stays inside its segment.
  match = router.Find(Request("POST", "/v1/sales/2024%2F0001/refunds", "application/json"));
  REQUIRE(match.target != nullptr);
  CHECK(*match.target == "refund");
  CHECK(match.body == RouteBody::kJson);
  CHECK(match.params == PathParams{"2024/0001"});

  // The same path under two methods: each finds its own.
  CHECK(*router.Find(Request("GET", "/v1/members")).target == "find");
  CHECK(*router.Find(Request("POST", "/v1/members", "application/json")).target == "enrol");
}

TEST_CASE("no route is 404, another method 405 with Allow, a non-JSON body 415") {
  const Router<std::string> router = Routes();

  RouteMatch<std::string> missing = router.Find(Request("GET", "/v2/anything"));
  CHECK(missing.target == nullptr);
  REQUIRE(missing.refusal);
  CHECK(missing.refusal->status == 404);
  // An empty parameter is no match either.
  CHECK(router.Find(Request("GET", "/v1/members//entries")).refusal->status == 404);

  RouteMatch<std::string> wrong_method = router.Find(Request("DELETE", "/v1/members/M-1"));
  REQUIRE(wrong_method.refusal);
  CHECK(wrong_method.refusal->status == 405);
  CHECK(AllowHeader(*wrong_method.refusal) == "GET, PATCH");
  CHECK(wrong_method.refusal->body.find("method_not_allowed") != std::string::npos);
  REQUIRE(wrong_method.target != nullptr);  // the first route with that path
  CHECK(*wrong_method.target == "get");

  RouteMatch<std::string> form =
      router.Find(Request("PATCH", "/v1/members/M-1", "application/x-www-form-urlencoded"));
  REQUIRE(form.refusal);
  CHECK(form.refusal->status == 415);
  CHECK(*form.target == "patch");

  RouteMatch<std::string> bad_escape = router.Find(Request("GET", "/v1/members/%G1"));
  REQUIRE(bad_escape.refusal);
  CHECK(bad_escape.refusal->status == 400);
  CHECK(bad_escape.target == nullptr);
}

TEST_CASE("JSON is application/json in any case, with parameters and optional whitespace") {
  CHECK(IsJsonContentType("application/json"));
  CHECK(IsJsonContentType("Application/JSON; charset=utf-8"));
  CHECK(IsJsonContentType("application/json ;charset=utf-8"));
  CHECK(IsJsonContentType("application/json\t; charset=utf-8"));
  CHECK_FALSE(IsJsonContentType(""));
  CHECK_FALSE(IsJsonContentType("text/plain"));
  CHECK_FALSE(IsJsonContentType("application/json-patch+json"));
}

TEST_CASE("a request built without a target matches on its path") {
  const Router<std::string> router = Routes();
  HttpRequest request;
  request.method = "GET";
  request.path = "/v1/members/M-9";
  RouteMatch<std::string> match = router.Find(request);
  REQUIRE(match.target != nullptr);
  CHECK(match.params == PathParams{"M-9"});
}

}  // namespace
}  // namespace patron
