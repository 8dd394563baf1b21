// Reading docs/openapi.json for openapi_test.cc: $ref resolution, matching a
// concrete request to its documented operation, a small schema validator
// (the subset of OpenAPI 3.0 schemas the document uses), the check of an
// actual answer against its operation's documented statuses and schemas, and
// the comparison of an actual answer with its documented example. (Whether
// the document itself is valid OpenAPI is the openapi_validate test's job.)
#ifndef PATRON_TESTS_TERMINAL_DAEMON_OPENAPI_DOC_H_
#define PATRON_TESTS_TERMINAL_DAEMON_OPENAPI_DOC_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace patron::testing {

// Fields whose values differ on every run (clocks); the comparison checks
// only that they are present with the same JSON type.
inline const std::set<std::string> kVaryingFields = {
    "enrolled_ms", "wall_ms", "hlc", "next_before", "last_sync_ms", "last_success_ms"};

// A node of the document and where it lives (a JSON pointer, "/paths/...").
struct DocNode {
  const nlohmann::json* node = nullptr;
  std::string pointer;
};

class OpenApiDoc {
 public:
  // Reads and parses `path`; check loaded() and error().
  explicit OpenApiDoc(const std::string& path);

  bool loaded() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const nlohmann::json& root() const { return doc_; }

  // `pointer` ("/components/schemas/Member" or "#/components/...") with every
  // "$ref" on the way followed; nullopt if it leads nowhere.
  std::optional<DocNode> At(std::string pointer) const;
  // `node` (found at `pointer`) with its "$ref" chain followed.
  std::optional<DocNode> Resolve(const nlohmann::json& node, std::string pointer) const;

  // The documented path template a concrete path ("/v1/sales/R-1/refunds",
  // no query) matches, if any.
  std::optional<std::string> MatchPath(std::string_view path) const;
  // The operation object for (method, concrete target), if documented.
  std::optional<DocNode> Operation(std::string_view method, std::string_view target) const;
  // Every (METHOD, template) pair of the document, sorted.
  std::set<std::pair<std::string, std::string>> Operations() const;

  // The Example Object named `name` of `operation`'s request body, or of its
  // `status` response; a name starting with "#/" is a pointer instead.
  std::optional<DocNode> RequestExample(const std::optional<DocNode>& operation,
                                        const std::string& name) const;
  std::optional<DocNode> ResponseExample(const std::optional<DocNode>& operation, int status,
                                         const std::string& name) const;
  // The media type object of `operation`'s `status` response: its
  // application/json, else its text/plain (GET /metrics), if any.
  std::optional<DocNode> ResponseContent(const DocNode& operation, int status) const;
  // The schema of `operation`'s `status` response (resolved), if any.
  std::optional<DocNode> ResponseSchema(const DocNode& operation, int status) const;
  std::optional<DocNode> RequestSchema(const DocNode& operation) const;

  // Pointers of every Example Object that holds a value (those that are
  // only a "$ref" are counted where they point).
  std::set<std::string> AllExamples() const;

  // Appends to `errors` every way `value` breaks `schema` (type, nullable,
  // required, properties, additionalProperties, items, enum, $ref).
  void Validate(const nlohmann::json& schema, const nlohmann::json& value, const std::string& where,
                std::vector<std::string>& errors) const;

  // The statuses `operation` lists under "responses", as numbers.
  std::set<int> Statuses(const DocNode& operation) const;

  // Appends to `errors` every way the daemon's answer (`status`, `body`) to
  // `method target` breaks the document. The operation the request matches
  // must list `status`, and `body` must fit that response's schema: an answer
  // the document does not list for its operation fails, however plausible.
  // A request that matches no operation (unknown path, undocumented method,
  // bytes that are not HTTP) is answered before any operation is chosen: its
  // answer must be an error and fit the Error schema.
  void CheckAnswer(std::string_view method, std::string_view target, int status,
                   const nlohmann::json& body, std::vector<std::string>& errors) const;

 private:
  nlohmann::json doc_;
  std::string error_;
};

// Appends to `errors` every difference between an example and an actual
// answer: key sets (recursively), JSON types, array lengths and values,
// except values of kVaryingFields.
void CompareWithExample(const nlohmann::json& expected, const nlohmann::json& actual,
                        const std::string& where, std::vector<std::string>& errors);

// "/v1/members/{member_id}" -> "/v1/members/<example>", taking each
// parameter's example from `operation` or its path item.
std::string FillPathExamples(const OpenApiDoc& doc, const std::string& path_template);

}  // namespace patron::testing

#endif  // PATRON_TESTS_TERMINAL_DAEMON_OPENAPI_DOC_H_
