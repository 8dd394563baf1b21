#include "support/temp_dir.h"

#include <stdlib.h>
#include <unistd.h>

#include <stdexcept>
#include <system_error>

namespace patron::testing {

TempDir::TempDir() : TempDir(std::filesystem::temp_directory_path()) {}

TempDir::TempDir(const std::filesystem::path& parent) {
  std::string pattern = (parent / "patron-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path FastTempParent() {
  const std::filesystem::path shm = "/dev/shm";
  std::error_code error;
  if (std::filesystem::is_directory(shm, error) && access(shm.c_str(), W_OK | X_OK) == 0) {
    return shm;
  }
  return std::filesystem::temp_directory_path();
}

}  // namespace patron::testing
