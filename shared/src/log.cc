#include "patron/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace patron {

void Log(std::string_view level, std::string_view message) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string line(stamp);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ ", static_cast<int>(ms.count()));
  line += millis;
  line += level;
  line += ' ';
  line += message;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace patron
