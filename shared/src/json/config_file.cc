#include "patron/config_file.h"

#include <fstream>
#include <sstream>

#include "patron/json_util.h"

namespace patron {

Result<ConfigFile> ConfigFile::Load(const std::string& path,
                                    std::initializer_list<std::string_view> allowed) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read config file " + path, "config_not_found");
  std::stringstream text;
  text << in.rdbuf();
  Result<nlohmann::json> parsed = json::Parse(text.str());
  if (!parsed.ok()) return parsed.status().WithContext(path);
  PATRON_RETURN_IF_ERROR(json::ExpectObject(*parsed, "config file").WithContext(path));
  PATRON_RETURN_IF_ERROR(json::RejectUnknownFields(*parsed, allowed).WithContext(path));
  return ConfigFile(path, std::move(*parsed));
}

Status ConfigFile::Get(std::string_view key, std::string& out) const {
  Result<std::optional<std::string>> value = json::GetOptionalString(doc_, key);
  if (!value.ok()) return value.status().WithContext(path_);
  if (*value) out = **value;
  return Status::OK();
}

Status ConfigFile::Get(std::string_view key, int64_t& out) const {
  Result<std::optional<int64_t>> value = json::GetOptionalInt(doc_, key);
  if (!value.ok()) return value.status().WithContext(path_);
  if (*value) out = **value;
  return Status::OK();
}

Status ConfigFile::Get(std::string_view key, bool& out) const {
  Result<std::optional<bool>> value = json::GetOptionalBool(doc_, key);
  if (!value.ok()) return value.status().WithContext(path_);
  if (*value) out = **value;
  return Status::OK();
}

}  // namespace patron
