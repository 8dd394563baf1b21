// JsonReader (json_reader.h), the pull reader under every sync decoder,
// against nlohmann/json, the parser under the DOM codecs. Its contract is
// to accept exactly what patron::json::Parse accepts at the same depth
// limit, and to read the same values: both are checked here, by reading
// every value into a DOM with the reader and comparing it with nlohmann's.
// A second pass reads numbers with ReadInt64, which must agree with
// nlohmann's values whenever it succeeds.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "patron/json_reader.h"
#include "patron/json_util.h"

namespace {

using nlohmann::json;
using patron::JsonReader;
using patron::Result;
using patron::Status;

constexpr int kMaxDepth = 16;

[[noreturn]] void Fail(const std::string& what) { patron::fuzz::Fail("JsonReader", what); }

// For failure messages: text read from the input may be invalid UTF-8,
// which dump() would otherwise throw on.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Reads the next value into `out`. Numbers go through RawValue and nlohmann
// (so that the comparison is of structure, strings and literals), or, with
// `int64_numbers`, through ReadInt64, which refuses a number that is not an
// int64: a valid refusal, after which the reader is done.
Status Build(JsonReader& reader, json& out, bool int64_numbers) {
  switch (reader.Peek()) {
    case JsonReader::Kind::kObject: {
      PATRON_RETURN_IF_ERROR(reader.BeginObject());
      out = json::object();
      std::string_view key;
      while (true) {
        PATRON_ASSIGN_OR_RETURN(bool more, reader.NextKey(key));
        if (!more) return Status::OK();
        // Copied now: the key lives only until the next call on the reader.
        std::string name(key);
        json value;
        PATRON_RETURN_IF_ERROR(Build(reader, value, int64_numbers));
        out[name] = std::move(value);  // of a repeated key the last wins, as in nlohmann
      }
    }
    case JsonReader::Kind::kArray: {
      PATRON_RETURN_IF_ERROR(reader.BeginArray());
      out = json::array();
      while (true) {
        PATRON_ASSIGN_OR_RETURN(bool more, reader.NextElement());
        if (!more) return Status::OK();
        json value;
        PATRON_RETURN_IF_ERROR(Build(reader, value, int64_numbers));
        out.push_back(std::move(value));
      }
    }
    case JsonReader::Kind::kString: {
      std::string text;
      PATRON_RETURN_IF_ERROR(reader.ReadString(text));
      out = std::move(text);
      return Status::OK();
    }
    case JsonReader::Kind::kNumber: {
      if (int64_numbers) {
        int64_t value = 0;
        PATRON_RETURN_IF_ERROR(reader.ReadInt64(value));
        out = value;
        return Status::OK();
      }
      PATRON_ASSIGN_OR_RETURN(std::string_view raw, reader.RawValue());
      out = json::parse(raw, nullptr, /*allow_exceptions=*/false);
      if (out.is_discarded() || !out.is_number()) {
        Fail("a number nlohmann does not read: " + std::string(raw));
      }
      return Status::OK();
    }
    case JsonReader::Kind::kBool: {
      bool value = false;
      PATRON_RETURN_IF_ERROR(reader.ReadBool(value));
      out = value;
      return Status::OK();
    }
    case JsonReader::Kind::kNull:
      // Peek() judges by the first byte; "nul" is a syntax error to report.
      if (!reader.ReadNullIf()) return reader.SkipValue();
      out = nullptr;
      return Status::OK();
    case JsonReader::Kind::kEnd:
      break;
  }
  // Not a value: let the reader name the syntax error.
  return reader.SkipValue();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = patron::fuzz::AsText(data, size);
  const Status syntax = JsonReader::CheckSyntax(text, kMaxDepth);
  const Result<json> dom = patron::json::Parse(text, kMaxDepth);
  if (syntax.ok() != dom.ok()) {
    Fail("JsonReader says '" + syntax.ToString() + "', patron::json::Parse says '" +
         dom.status().ToString() + "'");
  }

  JsonReader reader(text, kMaxDepth);
  json built;
  Status status = Build(reader, built, /*int64_numbers=*/false);
  if (status.ok()) status = reader.Finish();
  if (status.ok() != syntax.ok()) {
    Fail("reading every value says '" + status.ToString() + "', CheckSyntax says '" +
         syntax.ToString() + "'");
  }
  if (!dom.ok()) return 0;
  if (built != *dom) {
    Fail("read " + Dump(built) + ", nlohmann read " + Dump(*dom));
  }

  // Again with ReadInt64: when every number is an int64, the same values.
  JsonReader typed(text, kMaxDepth);
  json typed_dom;
  if (Build(typed, typed_dom, /*int64_numbers=*/true).ok()) {
    const Status finish = typed.Finish();
    if (!finish.ok()) Fail("Finish after a full read: " + finish.ToString());
    if (typed_dom != *dom) Fail("read " + Dump(typed_dom) + ", nlohmann read " + Dump(*dom));
  }
  return 0;
}
