#include "openapi_doc.h"

#include <fstream>
#include <sstream>

namespace patron::testing {
namespace {

using nlohmann::json;

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "patch", "head", "options"};

std::string Escape(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Unescape(std::string_view token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "integer" for signed and unsigned alike: the document and the daemon may
// spell the same number either way.
std::string TypeName(const json& value) {
  if (value.is_number_integer()) return "integer";
  return value.type_name();
}

bool IsTemplateSegment(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

OpenApiDoc::OpenApiDoc(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    error_ = "cannot read " + path;
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  doc_ = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc_.is_discarded()) error_ = path + " is not valid JSON";
}

std::optional<DocNode> OpenApiDoc::Resolve(const json& node, std::string pointer) const {
  const json* current = &node;
  for (int hops = 0; hops < 16; ++hops) {
    if (!current->is_object() || !current->contains("$ref")) return DocNode{current, pointer};
    const json& ref = (*current)["$ref"];
    if (!ref.is_string() || !ref.get<std::string>().starts_with("#/")) return std::nullopt;
    pointer = ref.get<std::string>().substr(1);
    const json::json_pointer target(pointer);
    if (!doc_.contains(target)) return std::nullopt;
    current = &doc_.at(target);
  }
  return std::nullopt;
}

std::optional<DocNode> OpenApiDoc::At(std::string pointer) const {
  if (pointer.starts_with("#")) pointer.erase(0, 1);
  std::optional<DocNode> current = DocNode{&doc_, ""};
  if (pointer.empty()) return current;
  if (!pointer.starts_with("/")) return std::nullopt;
  const std::vector<std::string> tokens = Split(std::string_view(pointer).substr(1), '/');
  for (const std::string& escaped : tokens) {
    current = Resolve(*current->node, current->pointer);
    if (!current) return std::nullopt;
    const std::string token = Unescape(escaped);
    const json& node = *current->node;
    if (node.is_object() && node.contains(token)) {
      current = DocNode{&node[token], current->pointer + "/" + Escape(token)};
    } else if (node.is_array() && !token.empty() &&
               token.find_first_not_of("0123456789") == std::string::npos &&
               std::stoul(token) < node.size()) {
      current = DocNode{&node[std::stoul(token)], current->pointer + "/" + token};
    } else {
      return std::nullopt;
    }
  }
  return Resolve(*current->node, current->pointer);
}

std::optional<std::string> OpenApiDoc::MatchPath(std::string_view path) const {
  if (!doc_.contains("paths") || !doc_["paths"].is_object()) return std::nullopt;
  const std::vector<std::string> actual = Split(path, '/');
  for (const auto& [path_template, item] : doc_["paths"].items()) {
    const std::vector<std::string> pattern = Split(path_template, '/');
    if (pattern.size() != actual.size()) continue;
    bool match = true;
    for (size_t i = 0; i < pattern.size() && match; ++i) {
      match = IsTemplateSegment(pattern[i]) ? !actual[i].empty() : pattern[i] == actual[i];
    }
    if (match) return path_template;
  }
  return std::nullopt;
}

std::optional<DocNode> OpenApiDoc::Operation(std::string_view method,
                                             std::string_view target) const {
  const std::optional<std::string> path_template = MatchPath(target.substr(0, target.find('?')));
  if (!path_template) return std::nullopt;
  return At("/paths/" + Escape(*path_template) + "/" + Lower(method));
}

std::set<std::pair<std::string, std::string>> OpenApiDoc::Operations() const {
  std::set<std::pair<std::string, std::string>> operations;
  if (!doc_.contains("paths") || !doc_["paths"].is_object()) return operations;
  for (const auto& [path_template, item] : doc_["paths"].items()) {
    for (const char* method : kMethods) {
      if (item.contains(method)) operations.emplace(Upper(method), path_template);
    }
  }
  return operations;
}

std::optional<DocNode> OpenApiDoc::RequestExample(const std::optional<DocNode>& operation,
                                                  const std::string& name) const {
  if (name.starts_with("#/")) return At(name);
  if (!operation) return std::nullopt;
  return At(operation->pointer + "/requestBody/content/application~1json/examples/" + Escape(name));
}

std::optional<DocNode> OpenApiDoc::ResponseContent(const DocNode& operation, int status) const {
  const std::string content =
      operation.pointer + "/responses/" + std::to_string(status) + "/content/";
  if (std::optional<DocNode> json = At(content + "application~1json")) return json;
  return At(content + "text~1plain");
}

std::optional<DocNode> OpenApiDoc::ResponseExample(const std::optional<DocNode>& operation,
                                                   int status, const std::string& name) const {
  if (name.starts_with("#/")) return At(name);
  if (!operation) return std::nullopt;
  std::optional<DocNode> content = ResponseContent(*operation, status);
  if (!content) return std::nullopt;
  return At(content->pointer + "/examples/" + Escape(name));
}

std::optional<DocNode> OpenApiDoc::ResponseSchema(const DocNode& operation, int status) const {
  std::optional<DocNode> content = ResponseContent(operation, status);
  if (!content) return std::nullopt;
  return At(content->pointer + "/schema");
}

std::optional<DocNode> OpenApiDoc::RequestSchema(const DocNode& operation) const {
  return At(operation.pointer + "/requestBody/content/application~1json/schema");
}

std::set<std::string> OpenApiDoc::AllExamples() const {
  std::set<std::string> found;
  // Walks the document (not into example values or the scenario), noting
  // each child of an "examples" map of a media type or of the components.
  auto walk = [&](auto& self, const json& node, const std::string& pointer) -> void {
    if (!node.is_object()) return;
    for (const auto& [key, child] : node.items()) {
      const std::string child_pointer = pointer + "/" + Escape(key);
      if (key == "value" || key == "x-patron-scenario") continue;
      if (key == "examples" && child.is_object() &&
          (pointer.find("/content/") != std::string::npos || pointer == "/components")) {
        for (const auto& [name, example] : child.items()) {
          if (example.is_object() && !example.contains("$ref")) {
            found.insert(child_pointer + "/" + Escape(name));
          }
        }
        continue;
      }
      self(self, child, child_pointer);
    }
  };
  walk(walk, doc_, "");
  return found;
}

void OpenApiDoc::Validate(const json& schema_in, const json& value, const std::string& where,
                          std::vector<std::string>& errors) const {
  const std::optional<DocNode> resolved = Resolve(schema_in, "");
  if (!resolved) {
    errors.push_back(where + ": schema $ref leads nowhere");
    return;
  }
  const json& schema = *resolved->node;
  if (value.is_null()) {
    if (!schema.value("nullable", false)) errors.push_back(where + ": null, but not nullable");
    return;
  }
  if (schema.contains("enum") && schema["enum"].is_array()) {
    bool listed = false;
    for (const json& allowed : schema["enum"]) listed = listed || allowed == value;
    if (!listed) errors.push_back(where + ": " + value.dump() + " is not in the enum");
  }
  const std::string type = schema.value("type", "");
  const bool type_ok =
      type.empty() || (type == "object" && value.is_object()) ||
      (type == "array" && value.is_array()) || (type == "string" && value.is_string()) ||
      (type == "integer" && value.is_number_integer()) || (type == "number" && value.is_number()) ||
      (type == "boolean" && value.is_boolean());
  if (!type_ok) {
    errors.push_back(where + ": " + TypeName(value) + ", schema says " + type);
    return;
  }
  if (value.is_object()) {
    for (const json& name : schema.value("required", json::array())) {
      if (!value.contains(name.get<std::string>())) {
        errors.push_back(where + ": required field '" + name.get<std::string>() + "' missing");
      }
    }
    const json properties = schema.value("properties", json::object());
    const json additional = schema.value("additionalProperties", json(true));
    for (const auto& [key, field] : value.items()) {
      if (properties.contains(key)) {
        Validate(properties[key], field, where + "." + key, errors);
      } else if (additional.is_boolean() && !additional.get<bool>()) {
        errors.push_back(where + ": field '" + key + "' is not in the schema");
      } else if (additional.is_object()) {
        Validate(additional, field, where + "." + key, errors);
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) {
      Validate(schema["items"], value[i], where + "[" + std::to_string(i) + "]", errors);
    }
  }
}

std::set<int> OpenApiDoc::Statuses(const DocNode& operation) const {
  std::set<int> statuses;
  const json& responses = operation.node->value("responses", json::object());
  for (const auto& [status, response] : responses.items()) {
    if (!status.empty() && status.find_first_not_of("0123456789") == std::string::npos) {
      statuses.insert(std::stoi(status));
    }
  }
  return statuses;
}

void OpenApiDoc::CheckAnswer(std::string_view method, std::string_view target, int status,
                             const json& body, std::vector<std::string>& errors) const {
  const std::string where =
      std::string(method) + " " + std::string(target) + " -> " + std::to_string(status);
  const std::optional<DocNode> operation = Operation(method, target);
  if (!operation) {
    if (status < 400) errors.push_back(where + ": success for a request no operation documents");
    if (std::optional<DocNode> error = At("/components/schemas/Error")) {
      Validate(*error->node, body, where, errors);
    } else {
      errors.push_back(where + ": the document has no Error schema");
    }
    return;
  }
  if (!Statuses(*operation).contains(status)) {
    errors.push_back(where + ": status " + std::to_string(status) + " is not documented at " +
                     operation->pointer + "/responses");
    return;
  }
  if (std::optional<DocNode> schema = ResponseSchema(*operation, status)) {
    Validate(*schema->node, body, where, errors);
  } else {
    errors.push_back(where + ": the documented response has no application/json or text/plain schema");
  }
}

void CompareWithExample(const json& expected, const json& actual, const std::string& where,
                        std::vector<std::string>& errors) {
  if (TypeName(expected) != TypeName(actual)) {
    errors.push_back(where + ": documented " + TypeName(expected) + " " + expected.dump() +
                     ", got " + TypeName(actual) + " " + actual.dump());
    return;
  }
  if (expected.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) {
        errors.push_back(where + "." + key + ": documented but missing");
      } else if (kVaryingFields.contains(key)) {
        if (TypeName(value) != TypeName(actual[key])) {
          errors.push_back(where + "." + key + ": documented " + TypeName(value) + ", got " +
                           TypeName(actual[key]));
        }
      } else {
        CompareWithExample(value, actual[key], where + "." + key, errors);
      }
    }
    for (const auto& [key, value] : actual.items()) {
      if (!expected.contains(key)) errors.push_back(where + "." + key + ": not documented");
    }
  } else if (expected.is_array()) {
    if (expected.size() != actual.size()) {
      errors.push_back(where + ": documented " + std::to_string(expected.size()) + " items, got " +
                       std::to_string(actual.size()));
      return;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      CompareWithExample(expected[i], actual[i], where + "[" + std::to_string(i) + "]", errors);
    }
  } else if (expected != actual) {
    errors.push_back(where + ": documented " + expected.dump() + ", got " + actual.dump());
  }
}

std::string FillPathExamples(const OpenApiDoc& doc, const std::string& path_template) {
  std::vector<const json*> parameters;
  const json& item = doc.root()["paths"][path_template];
  auto collect = [&](const json& list) {
    if (!list.is_array()) return;
    for (const json& parameter : list) {
      if (std::optional<DocNode> resolved = doc.Resolve(parameter, "")) {
        parameters.push_back(resolved->node);
      }
    }
  };
  if (item.contains("parameters")) collect(item["parameters"]);
  for (const char* method : kMethods) {
    if (item.contains(method) && item[method].contains("parameters")) {
      collect(item[method]["parameters"]);
    }
  }
  std::string path;
  for (const std::string& segment : Split(path_template, '/')) {
    if (!path.empty() || !segment.empty()) path += "/";
    std::string filled = segment;
    if (IsTemplateSegment(segment)) {
      const std::string name = segment.substr(1, segment.size() - 2);
      for (const json* parameter : parameters) {
        if (parameter->value("in", "") == "path" && parameter->value("name", "") == name &&
            parameter->contains("example")) {
          filled = (*parameter)["example"].get<std::string>();
        }
      }
    }
    path += filled;
  }
  return path;
}

}  // namespace patron::testing
