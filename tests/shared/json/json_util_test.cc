#include "patron/json_util.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace patron::json {
namespace {

using nlohmann::json;

std::string Nested(int depth, std::string_view inner = "1") {
  return std::string(static_cast<size_t>(depth), '[') + std::string(inner) +
         std::string(static_cast<size_t>(depth), ']');
}

json MustParse(std::string_view text) {
  Result<json> parsed = Parse(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

void CheckError(const Status& status, std::string_view reason, std::string_view message_part) {
  CAPTURE(status.ToString());
  CHECK(status.IsInvalidArgument());
  CHECK(status.reason() == reason);
  CHECK(status.message().find(message_part) != std::string::npos);
}

TEST_CASE("Parse accepts nesting exactly at the limit and refuses one past it") {
  CHECK(Parse(Nested(kDefaultMaxDepth)).ok());
  Result<json> too_deep = Parse(Nested(kDefaultMaxDepth + 1));
  REQUIRE_FALSE(too_deep.ok());
  CheckError(too_deep.status(), "json_too_deep", "deeper than 32 levels");

  CHECK(Parse(Nested(3), 3).ok());
  CheckError(Parse(Nested(4), 3).status(), "json_too_deep", "deeper than 3 levels");
  CheckError(Parse(R"({"a":{"b":[{"c":1}]}})", 3).status(), "json_too_deep", "3 levels");
  CHECK(Parse(R"({"a":{"b":[1]}})", 3).ok());
  CHECK(Parse("[[1],[2],[3]]", 2).ok());  // Siblings do not add up.
  CHECK(Parse("1", 0).ok());
  CheckError(Parse("[]", 0).status(), "json_too_deep", "0 levels");
}

TEST_CASE("Parse refuses a very deep document before the parser sees it") {
  CheckError(Parse(std::string(1'000'000, '[')).status(), "json_too_deep", "32");
}

TEST_CASE("brackets inside strings are not counted, escaped quotes included") {
  const std::string brackets(100, '[');
  Result<json> parsed = Parse(R"({"note":")" + brackets + R"("})");
  REQUIRE(parsed.ok());
  CHECK((*parsed)["note"] == brackets);

  // The escaped quote does not end the string, so the brackets stay inside it.
  parsed = Parse(R"(["a\")" + std::string(45, '[') + R"("])");
  REQUIRE(parsed.ok());
  CHECK((*parsed)[0] == "a\"" + std::string(45, '['));

  // An escaped backslash does end the string right after it.
  CHECK(Parse(R"(["a\\", )" + Nested(kDefaultMaxDepth) + "]").status().reason() == "json_too_deep");
  CHECK(Parse(R"(["a\\", )" + Nested(kDefaultMaxDepth - 1) + "]").ok());
}

TEST_CASE("Parse rejects malformed input") {
  const std::vector<std::string> malformed = {
      "",     " ",        "{",           R"({"a":)", R"({"a":1)",
      "[1,2", "[1,]",     R"({"a":1}x)", "1 2",      R"({"a":1} {})",
      "nul",  "'a'",      "{a:1}",       "[1]]",     "]",
      "}{",   R"(["abc)", "// c\n1",     "\xFF",     "[NaN]",
      "01",   "\"\x01\"",
  };
  for (const std::string& text : malformed) {
    CAPTURE(text);
    Result<json> parsed = Parse(text);
    REQUIRE_FALSE(parsed.ok());
    CheckError(parsed.status(), "malformed_json", "malformed JSON near byte");
  }
  CheckError(Parse(R"({"a":1}x)").status(), "malformed_json", "byte 8");
}

// Found by fuzz/json_reader_fuzzer.cc: nlohmann's lexer takes a NUL byte for
// the end of the input, so what followed one was never read.
TEST_CASE("Parse refuses a NUL byte, and whatever would follow it") {
  using namespace std::string_literals;
  for (const std::string& text :
       {R"({"a":1})"s + '\0', R"({"a":1})"s + '\0' + "garbage", "\0"s, R"(["a)"s + '\0' + "\"]"}) {
    CAPTURE(text);
    Result<json> parsed = Parse(text);
    REQUIRE_FALSE(parsed.ok());
    CheckError(parsed.status(), "malformed_json", "malformed JSON near byte");
  }
  CheckError(Parse(R"({"a":1})"s + '\0').status(), "malformed_json", "byte 7");
}

TEST_CASE("Parse accepts top-level scalars and surrounding whitespace") {
  CHECK(MustParse(" 42 ") == 42);
  CHECK(MustParse("\"x\"") == "x");
  CHECK(MustParse("null").is_null());
  CHECK(MustParse("\n{\"a\": [true]}\n")["a"][0] == true);
}

TEST_CASE("GetString") {
  const json object = MustParse(R"({"name":"Ada","n":1,"z":null})");
  Result<std::string> name = GetString(object, "name");
  REQUIRE(name.ok());
  CHECK(*name == "Ada");
  CheckError(GetString(object, "missing").status(), "missing_field", "missing field 'missing'");
  CheckError(GetString(object, "z").status(), "missing_field", "'z'");
  CheckError(GetString(object, "n").status(), "invalid_field", "field 'n' must be a string");
}

TEST_CASE("GetInt accepts only integers within int64") {
  const json object =
      MustParse(R"({"pos":5,"neg":-7,"max":9223372036854775807,"min":-9223372036854775808,)"
                R"("huge":9223372036854775808,"u64":18446744073709551615,"bigger":1e30,)"
                R"("half":1.5,"one":1.0,"exp":1e3,"flag":true,"text":"1","list":[1],"zero":-0})");
  CHECK(GetInt(object, "pos").value() == 5);
  CHECK(GetInt(object, "neg").value() == -7);
  CHECK(GetInt(object, "max").value() == INT64_MAX);
  CHECK(GetInt(object, "min").value() == INT64_MIN);
  CHECK(GetInt(object, "zero").value() == 0);
  CheckError(GetInt(object, "huge").status(), "invalid_field", "int64 range");
  CheckError(GetInt(object, "u64").status(), "invalid_field", "int64 range");
  for (const char* field : {"bigger", "half", "one", "exp", "flag", "text", "list"}) {
    CAPTURE(field);
    CheckError(GetInt(object, field).status(), "invalid_field",
               "field '" + std::string(field) + "' must be an integer");
  }
  CheckError(GetInt(object, "nope").status(), "missing_field", "missing field 'nope'");
}

TEST_CASE("GetBool") {
  const json object = MustParse(R"({"yes":true,"no":false,"num":1,"str":"true"})");
  CHECK(GetBool(object, "yes").value() == true);
  CHECK(GetBool(object, "no").value() == false);
  CheckError(GetBool(object, "num").status(), "invalid_field", "field 'num' must be a boolean");
  CheckError(GetBool(object, "str").status(), "invalid_field", "must be a boolean");
  CheckError(GetBool(object, "nope").status(), "missing_field", "'nope'");
}

TEST_CASE("GetObject and GetArray point into the document") {
  const json object = MustParse(R"({"obj":{"k":1},"arr":[1,2],"str":"x"})");
  Result<const json*> inner = GetObject(object, "obj");
  REQUIRE(inner.ok());
  CHECK(*inner == &object["obj"]);
  Result<const json*> list = GetArray(object, "arr");
  REQUIRE(list.ok());
  CHECK((*list)->size() == 2);
  CheckError(GetObject(object, "arr").status(), "invalid_field", "field 'arr' must be an object");
  CheckError(GetArray(object, "obj").status(), "invalid_field", "field 'obj' must be an array");
  CheckError(GetArray(object, "str").status(), "invalid_field", "must be an array");
  CheckError(GetObject(object, "nope").status(), "missing_field", "'nope'");
  CheckError(GetArray(object, "nope").status(), "missing_field", "'nope'");
}

TEST_CASE("optional accessors: absent or null is nullopt, mistyped is an error") {
  const json object = MustParse(R"({"s":"x","i":3,"b":false,"null":null,"f":2.0})");
  CHECK(GetOptionalString(object, "s").value() == std::optional<std::string>("x"));
  CHECK(GetOptionalInt(object, "i").value() == std::optional<int64_t>(3));
  CHECK(GetOptionalBool(object, "b").value() == std::optional<bool>(false));
  for (const char* field : {"absent", "null"}) {
    CAPTURE(field);
    CHECK(GetOptionalString(object, field).value() == std::nullopt);
    CHECK(GetOptionalInt(object, field).value() == std::nullopt);
    CHECK(GetOptionalBool(object, field).value() == std::nullopt);
  }
  CheckError(GetOptionalString(object, "i").status(), "invalid_field", "must be a string");
  CheckError(GetOptionalInt(object, "f").status(), "invalid_field", "must be an integer");
  CheckError(GetOptionalInt(object, "s").status(), "invalid_field", "must be an integer");
  CheckError(GetOptionalBool(object, "i").status(), "invalid_field", "must be a boolean");
}

TEST_CASE("accessors on a value that is not an object say so") {
  const json array = MustParse("[1]");
  CheckError(GetString(array, "a").status(), "invalid_field", "expected a JSON object");
  CheckError(GetInt(array, "a", "lines[0]").status(), "invalid_field",
             "'lines[0]' must be an object");
  CheckError(GetOptionalBool(array, "a").status(), "invalid_field", "expected a JSON object");
  CheckError(GetArray(MustParse("null"), "a").status(), "invalid_field", "JSON object");
}

TEST_CASE("the path prefix appears in messages") {
  const json body = MustParse(R"({"lines":[{"amount_minor":1},{"amount_minor":"2"}]})");
  const json& lines = body["lines"];
  CHECK(GetInt(lines[0], "amount_minor", IndexPath("lines", 0)).value() == 1);
  CheckError(GetInt(lines[1], "amount_minor", IndexPath("lines", 1)).status(), "invalid_field",
             "field 'lines[1].amount_minor' must be an integer");
  CheckError(GetString(lines[1], "sku", IndexPath("lines", 1)).status(), "missing_field",
             "missing field 'lines[1].sku'");
  CHECK(FieldPath("", "a") == "a");
  CHECK(FieldPath("x.y", "a") == "x.y.a");
  CHECK(IndexPath("lines", 12) == "lines[12]");
}

TEST_CASE("ExpectObject") {
  CHECK(ExpectObject(MustParse("{}"), "push request").ok());
  CheckError(ExpectObject(MustParse("[]"), "push request"), "invalid_field",
             "push request must be a JSON object");
  CheckError(ExpectObject(MustParse("\"s\""), "body"), "invalid_field", "body must be");
}

TEST_CASE("RejectUnknownFields") {
  const json object = MustParse(R"({"terminal_id":"t","lines":[]})");
  CHECK(RejectUnknownFields(object, {"terminal_id", "lines", "extra"}).ok());
  CHECK(RejectUnknownFields(MustParse("{}"), {}).ok());
  CheckError(RejectUnknownFields(object, {"terminal_id"}), "unknown_field",
             "unknown field 'lines'");
  CheckError(RejectUnknownFields(MustParse(R"({"amount_minr":1})"), {"amount_minor"}, "lines[0]"),
             "unknown_field", "unknown field 'lines[0].amount_minr'");
  CheckError(RejectUnknownFields(MustParse("[]"), {"a"}), "invalid_field", "JSON object");

  const Status hostile = RejectUnknownFields(
      MustParse(R"({"\u0001\u00e9)" + std::string(200, 'k') + R"(":1})"), {"a"});
  CheckError(hostile, "unknown_field", "unknown field '???kkk");
  CHECK(hostile.message().size() < 100);
}

}  // namespace
}  // namespace patron::json
