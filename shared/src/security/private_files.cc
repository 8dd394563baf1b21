#include "patron/private_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace patron {
namespace {

std::string Octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

Status MakePrivateDirectory(const std::string& dir, std::vector<std::string>& warnings) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
    // create_directories honours the umask; the last level is ours to set
    // whatever the umask was.
    if (::chmod(dir.c_str(), 0700) != 0) {
      return Status::IOError("cannot make " + dir + " private: " + std::strerror(errno));
    }
    return Status::OK();
  }
  if (!S_ISDIR(info.st_mode)) return Status::IOError(dir + " is not a directory");
  if ((info.st_mode & 077) == 0) return Status::OK();
  if ((info.st_mode & S_ISVTX) != 0 || info.st_uid != ::geteuid()) {
    warnings.push_back(dir + " is open to other users (mode " + Octal(info.st_mode) +
                       ") and is not ours to change: give patron a directory of its own, "
                       "mode 0700");
    return Status::OK();
  }
  if (::chmod(dir.c_str(), info.st_mode & 0700) != 0) {
    warnings.push_back("cannot make " + dir + " private (mode " + Octal(info.st_mode) +
                       "): " + std::strerror(errno));
  }
  return Status::OK();
}

void MakePrivateFile(const std::string& path, std::vector<std::string>& warnings) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || (info.st_mode & 077) == 0) return;
  if (info.st_uid != ::geteuid() || ::chmod(path.c_str(), info.st_mode & 0700) != 0) {
    warnings.push_back(path + " is readable by other users (mode " + Octal(info.st_mode) +
                       ") and could not be made private: chmod 600 it");
  }
}

Result<std::string> ReadSecretFile(const std::string& path, std::vector<std::string>& warnings) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return Status::InvalidArgument("cannot read the secret file " + path, "invalid_config");
  }
  std::ostringstream text;
  text << file.rdbuf();
  std::string secret = std::move(text).str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' ||
                             secret.back() == ' ' || secret.back() == '\t')) {
    secret.pop_back();
  }
  if (secret.empty()) {
    return Status::InvalidArgument("the secret file " + path + " is empty", "invalid_config");
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    warnings.push_back("the secret file " + path + " is readable by other users (mode " +
                       Octal(info.st_mode) + "): chmod 600 it");
  }
  return secret;
}

}  // namespace patron
