#include "patron/json_path.h"

namespace patron {

std::string FieldPath(std::string_view path, std::string_view field) {
  if (path.empty()) return std::string(field);
  std::string joined;
  joined.reserve(path.size() + 1 + field.size());
  joined.append(path).append(".").append(field);
  return joined;
}

std::string IndexPath(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

}  // namespace patron
