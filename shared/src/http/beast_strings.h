// Boost 1.74's beast::string_view is boost::string_view, which does not
// convert to or from std::string_view; these bridge the two.
#ifndef PATRON_SRC_HTTP_BEAST_STRINGS_H_
#define PATRON_SRC_HTTP_BEAST_STRINGS_H_

#include <boost/beast/core/string_type.hpp>
#include <string>
#include <string_view>

namespace patron::http_internal {

inline boost::beast::string_view ToBeast(std::string_view text) {
  return {text.data(), text.size()};
}

inline std::string ToStdString(boost::beast::string_view text) {
  return std::string(text.data(), text.size());
}

}  // namespace patron::http_internal

#endif  // PATRON_SRC_HTTP_BEAST_STRINGS_H_
