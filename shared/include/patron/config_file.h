// A JSON configuration file whose keys overlay defaults: each typed getter
// leaves the target untouched when the key is absent, and reports a key of
// the wrong type with the file's path and the key's name.
#ifndef PATRON_CONFIG_FILE_H_
#define PATRON_CONFIG_FILE_H_

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "patron/status.h"

namespace patron {

class ConfigFile {
 public:
  // NotFound ("config_not_found") if unreadable; InvalidArgument for bad
  // JSON, a non-object, or a key not in `allowed` (a typo must not be ignored).
  static Result<ConfigFile> Load(const std::string& path,
                                 std::initializer_list<std::string_view> allowed);

  Status Get(std::string_view key, std::string& out) const;
  Status Get(std::string_view key, int64_t& out) const;
  Status Get(std::string_view key, bool& out) const;

 private:
  ConfigFile(std::string path, nlohmann::json doc) : path_(std::move(path)), doc_(std::move(doc)) {}

  std::string path_;
  nlohmann::json doc_;
};

}  // namespace patron

#endif  // PATRON_CONFIG_FILE_H_
