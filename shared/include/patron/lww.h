// Last-writer-wins registers for profile fields (DESIGN.md §4): a write wins
// if its (HLC, origin) is greater; the origin breaks ties between writers that
// issued the same HLC, so every replica picks the same winner.
#ifndef PATRON_LWW_H_
#define PATRON_LWW_H_

#include <string>
#include <string_view>
#include <tuple>

#include "patron/hlc.h"

namespace patron {

template <typename T>
struct LwwRegister {
  T value{};
  HlcTimestamp hlc;
  std::string origin;
  friend bool operator==(const LwwRegister&, const LwwRegister&) = default;
};

// True if a write stamped (hlc, origin) replaces one stamped (current_hlc,
// current_origin). Equal stamps mean the same write: not newer.
inline bool LwwNewer(HlcTimestamp hlc, std::string_view origin, HlcTimestamp current_hlc,
                     std::string_view current_origin) {
  return std::tie(hlc, origin) > std::tie(current_hlc, current_origin);
}

}  // namespace patron

#endif  // PATRON_LWW_H_
