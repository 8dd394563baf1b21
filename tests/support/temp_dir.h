// A private directory for one test, removed with everything in it when the
// TempDir goes out of scope, so tests leave no files behind.
#ifndef PATRON_TESTS_SUPPORT_TEMP_DIR_H_
#define PATRON_TESTS_SUPPORT_TEMP_DIR_H_

#include <filesystem>
#include <string>

namespace patron::testing {

class TempDir {
 public:
  // In the system's temporary directory ($TMPDIR or /tmp).
  TempDir();
  // Inside `parent`, which must exist.
  explicit TempDir(const std::filesystem::path& parent);
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }
  // path() / name, as a string for APIs that take one.
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Where tests that fsync thousands of times should put their files: /dev/shm
// (memory, so a sync costs nothing) if it exists and is writable, else the
// system's temporary directory. Durability across power loss is not what
// such tests check; what a crashed process leaves is the same on either.
std::filesystem::path FastTempParent();

}  // namespace patron::testing

#endif  // PATRON_TESTS_SUPPORT_TEMP_DIR_H_
