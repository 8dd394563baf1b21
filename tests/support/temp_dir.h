// A private directory for one test, removed with everything in it when the
// TempDir goes out of scope, so tests leave no files behind.
#ifndef PATRON_TESTS_SUPPORT_TEMP_DIR_H_
#define PATRON_TESTS_SUPPORT_TEMP_DIR_H_

#include <filesystem>
#include <string>

namespace patron::testing {

class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }
  // path() / name, as a string for APIs that take one.
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace patron::testing

#endif  // PATRON_TESTS_SUPPORT_TEMP_DIR_H_
