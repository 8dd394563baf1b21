// JsonReader must accept exactly what nlohmann::json accepts (the sync codec
// used nlohmann before, and both still read the same bodies) and read the
// same values out of it.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "patron/json_reader.h"
#include "patron/json_util.h"

namespace patron {
namespace {

// Reads any value the way SkipValue does, but returns it as nlohmann JSON so
// that the two parsers' results can be compared.
Result<nlohmann::json> ReadAny(JsonReader& reader) {
  switch (reader.Peek()) {
    case JsonReader::Kind::kObject: {
      PATRON_RETURN_IF_ERROR(reader.BeginObject());
      nlohmann::json object = nlohmann::json::object();
      std::string_view key;
      while (true) {
        PATRON_ASSIGN_OR_RETURN(bool more, reader.NextKey(key));
        if (!more) return object;
        const std::string name(key);
        PATRON_ASSIGN_OR_RETURN(object[name], ReadAny(reader));
      }
    }
    case JsonReader::Kind::kArray: {
      PATRON_RETURN_IF_ERROR(reader.BeginArray());
      nlohmann::json array = nlohmann::json::array();
      while (true) {
        PATRON_ASSIGN_OR_RETURN(bool more, reader.NextElement());
        if (!more) return array;
        PATRON_ASSIGN_OR_RETURN(nlohmann::json element, ReadAny(reader));
        array.push_back(std::move(element));
      }
    }
    case JsonReader::Kind::kString: {
      std::string text;
      PATRON_RETURN_IF_ERROR(reader.ReadString(text));
      return nlohmann::json(text);
    }
    case JsonReader::Kind::kNumber: {
      int64_t number = 0;
      Status integer = reader.ReadInt64(number);
      if (integer.ok()) return nlohmann::json(number);
      if (integer.reason() != "invalid_field") return integer;
      return nlohmann::json("<number>");  // a fraction, or beyond int64: skipped
    }
    case JsonReader::Kind::kBool: {
      bool value = false;
      PATRON_RETURN_IF_ERROR(reader.ReadBool(value));
      return nlohmann::json(value);
    }
    case JsonReader::Kind::kNull:
      if (reader.ReadNullIf()) return nlohmann::json(nullptr);
      break;
    case JsonReader::Kind::kEnd:
      break;
  }
  PATRON_RETURN_IF_ERROR(reader.SkipValue());  // fails: not a value
  return Status::Internal("SkipValue accepted what Peek did not");
}

Result<nlohmann::json> ReadDocument(std::string_view text) {
  JsonReader reader(text, 64);
  PATRON_ASSIGN_OR_RETURN(nlohmann::json value, ReadAny(reader));
  PATRON_RETURN_IF_ERROR(reader.Finish());
  return value;
}

// nlohmann's reading of `text` with numbers the reader does not read as
// integers replaced as ReadAny replaces them.
nlohmann::json Normalised(const nlohmann::json& value) {
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, member] : value.items()) out[key] = Normalised(member);
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& element : value) out.push_back(Normalised(element));
    return out;
  }
  if (value.is_number_float()) return "<number>";
  if (value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX) return "<number>";
  return value;
}

void CheckAgrees(const std::string& text) {
  CAPTURE(text);
  const nlohmann::json expected = nlohmann::json::parse(text, nullptr, false);
  Result<nlohmann::json> read = ReadDocument(text);
  // patron::json::Parse refuses what nlohmann refuses and repeated keys.
  Result<nlohmann::json> parsed = json::Parse(text, 64);
  if (expected.is_discarded()) {
    CHECK_FALSE(read.ok());
    // The reader stops at the first problem: a repeated key before the
    // syntax error is reported as such.
    if (!read.ok()) {
      CHECK((read.status().reason() == "malformed_json" ||
             read.status().reason() == "duplicate_key"));
    }
  } else if (!parsed.ok()) {
    CHECK(parsed.status().reason() == "duplicate_key");
    CHECK_FALSE(read.ok());
    if (!read.ok()) CHECK(read.status().reason() == "duplicate_key");
  } else {
    REQUIRE_MESSAGE(read.ok(), read.status().ToString());
    CHECK(*read == Normalised(expected));
  }
}

const std::vector<std::string> kCorpus = {
    R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})",
    R"([1,-0,0,-9223372036854775808,9223372036854775807,9223372036854775808])",
    R"(  {"esc":"q\"b\\s\/f\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00"}  )",
    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
    R"({"num":[1.5,-2e10,3E+2,4e-1,0.0]})",
    R"({"dup":1,"dup":2})",
    R"([[[[[]]]],{},[{}],""])",
    R"({"a":01})",
    R"({"a":1,})",
    R"([1,2,])",
    R"({"a" 1})",
    R"({"a":tru})",
    R"({"a":nul})",
    R"({"a":"\x"})",
    R"({"a":"\ud800"})",
    R"({"a":"\udc00\ud800"})",
    R"({"a":"\u12"})",
    "{\"a\":\"tab\tin string\"}",
    "\"\xc0\xaf\"",
    "\"\xed\xa0\x80\"",
    "\"\xf4\x90\x80\x80\"",
    "\"\xe2\x82\"",
    R"({"a":1} x)",
    R"({"a":-})",
    R"({"a":1.})",
    R"({"a":.5})",
    R"({"a":1e})",
    "",
    "   ",
    R"({"a":[1,{"b":[2,{"c":"d"}]}]})",
};

TEST_CASE("JsonReader reads what nlohmann reads and refuses what it refuses") {
  for (const std::string& text : kCorpus) CheckAgrees(text);
}

// Found by fuzz/json_reader_fuzzer.cc: from_chars calls a number too small
// for a double out of range, and the reader refused it, where nlohmann reads
// zero (or a denormal). Only numbers too large are refused.
TEST_CASE("JsonReader reads a number too small for a double, refuses one too large") {
  for (const std::string text :
       {"-2e-8888883", "1e-400", "[0.0000001e-320]", "1000000000000000000000e-350", "4e-320",
        "1e400", "-1e309", "0.001e312", "1e-5000000000000000000000", "0e99999"}) {
    CheckAgrees(text);
  }
  JsonReader reader("-2e-8888883");
  CHECK(reader.SkipValue().ok());
  CHECK(JsonReader::CheckSyntax("1e400", 16).reason() == "malformed_json");
}

// Found by fuzz/json_reader_fuzzer.cc: an integer of more than 309 digits,
// with neither a point nor an exponent, is beyond a double too; nlohmann
// refuses it, and the reader took it, reckoning its power of ten from a
// point it does not have.
TEST_CASE("JsonReader refuses an integer too large for a double, as nlohmann does") {
  const std::string huge(374, '1');
  for (const std::string& text : {huge, "[" + huge + "]", "-" + huge, huge.substr(0, 300),
                                 "[" + huge.substr(0, 308) + ".5]", "0." + huge}) {
    CheckAgrees(text);
  }
  CHECK(JsonReader::CheckSyntax(huge, 16).reason() == "malformed_json");
  CHECK(JsonReader::CheckSyntax(huge.substr(0, 300), 16).ok());
}

TEST_CASE("JsonReader agrees with nlohmann on mutated texts") {
  std::mt19937 rng(20261123);
  const std::string alphabet = "{}[]\":,\\ 0123456789-+.eEtrufalsn\x01\x7f\xc3\xa9\xff";
  for (int round = 0; round < 4000; ++round) {
    std::string text = kCorpus[rng() % kCorpus.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const size_t at = rng() % text.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: text[at] = c; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        default: text.erase(at, 1);
      }
    }
    CheckAgrees(text);
  }
}

TEST_CASE("JsonReader and json::Parse refuse a repeated key, naming it, at any depth") {
  for (const std::string text :
       {R"({"amount_minor":100000,"amount_minor":1})", R"({"a":{"b":1,"c":2,"b":3}})",
        R"([{"x":1},{"y":2,"y":2}])", R"({"a\u0062":1,"ab":2})"}) {
    CAPTURE(text);
    Result<nlohmann::json> read = ReadDocument(text);
    REQUIRE_FALSE(read.ok());
    CHECK(read.status().reason() == "duplicate_key");
    Result<nlohmann::json> parsed = json::Parse(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().reason() == "duplicate_key");
  }
  CHECK(json::Parse(R"({"amount_minor":100000,"amount_minor":1})")
            .status()
            .message()
            .find("\"amount_minor\"") != std::string::npos);
  // The same key in sibling or nested objects is no repetition.
  CHECK(ReadDocument(R"({"a":{"a":1},"b":{"a":2},"c":[{"a":3},{"a":4}]})").ok());
  CHECK(json::Parse(R"({"a":{"a":1},"b":{"a":2},"c":[{"a":3},{"a":4}]})").ok());
}

TEST_CASE("JsonReader: types, depth and raw values") {
  JsonReader reader(R"({"n":"text","s":12})");
  REQUIRE(reader.BeginObject().ok());
  std::string_view key;
  REQUIRE(reader.NextKey(key).value());
  int64_t number = 0;
  Status wrong = reader.ReadInt64(number);
  CHECK(wrong.reason() == "invalid_field");

  CHECK(ReadDocument("[[[[1]]]]").ok());
  JsonReader shallow("[[[[1]]]]", 3);
  CHECK(shallow.SkipValue().reason() == "json_too_deep");
  JsonReader exact("[[[1]]]", 3);
  CHECK(exact.SkipValue().ok());

  JsonReader raw(R"({"a":[1, {"b":2}] ,"c":3})");
  REQUIRE(raw.BeginObject().ok());
  REQUIRE(raw.NextKey(key).value());
  CHECK(raw.RawValue().value() == R"([1, {"b":2}])");
}

}  // namespace
}  // namespace patron
