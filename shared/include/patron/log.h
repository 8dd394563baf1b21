// The servers' log lines: "<UTC time with ms> <level> <message>" on stderr,
// one write per line so lines from several threads never interleave.
#ifndef PATRON_LOG_H_
#define PATRON_LOG_H_

#include <string_view>

namespace patron {

// `level` is "info", "warn" or "error".
void Log(std::string_view level, std::string_view message);

}  // namespace patron

#endif  // PATRON_LOG_H_
