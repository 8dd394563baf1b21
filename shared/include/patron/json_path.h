// Paths that name a field inside a JSON message in error messages:
// "entries[3].points".
#ifndef PATRON_JSON_PATH_H_
#define PATRON_JSON_PATH_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace patron {

// "path.field", or just "field" when path is empty.
std::string FieldPath(std::string_view path, std::string_view field);
// "path[index]".
std::string IndexPath(std::string_view path, size_t index);

}  // namespace patron

#endif  // PATRON_JSON_PATH_H_
