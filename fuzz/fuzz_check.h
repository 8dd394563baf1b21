// What every fuzz target shares: a failed check prints what it saw and
// aborts, which libFuzzer reports as a crash (with the input saved) and the
// corpus replay (replay_main.cc) as a failed test. Checks state properties
// that must hold for every input, never ones a valid refusal could break.
#ifndef PATRON_FUZZ_FUZZ_CHECK_H_
#define PATRON_FUZZ_FUZZ_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "patron/status.h"

namespace patron::fuzz {

[[noreturn]] inline void Fail(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "fuzz check failed: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Targets with many decoders give each input to one of them: the first byte
// (its value modulo the count) picks it, the rest is the body. Each decoder
// then costs one run, not one per decoder, and libFuzzer learns which byte
// reaches which. False for an empty input.
inline bool SplitSelector(const uint8_t* data, size_t size, size_t count, size_t& selector,
                          std::string_view& body) {
  if (size == 0) return false;
  selector = data[0] % count;
  body = AsText(data + 1, size - 1);
  return true;
}

// Decode -> encode -> decode: the value read back from its own encoding
// must be the value, and encoding that again must give the same text. A
// decoder that accepts something its encoder cannot reproduce would let a
// message change meaning on its way through a relay. `Clear` drops what is
// not on the wire (decode notes) before the comparison.
template <typename T, typename Encode, typename Decode, typename Clear>
void CheckRoundTrip(std::string_view name, const Result<T>& decoded, Encode encode, Decode decode,
                    Clear clear) {
  if (!decoded.ok()) return;
  const std::string text = encode(*decoded);
  Result<T> again = decode(text);
  if (!again.ok()) {
    Fail(name, "its own encoding does not decode: " + again.status().ToString() + "\n" + text);
  }
  T first = *decoded;
  T second = *again;
  clear(first);
  clear(second);
  if (!(first == second)) Fail(name, "decoded value changed on a round trip:\n" + text);
  const std::string text_again = encode(*again);
  if (text_again != text) {
    Fail(name, "encoding is not stable:\n" + text + "\n" + text_again);
  }
}

template <typename T, typename Encode, typename Decode>
void CheckRoundTrip(std::string_view name, const Result<T>& decoded, Encode encode, Decode decode) {
  CheckRoundTrip(name, decoded, encode, decode, [](T&) {});
}

}  // namespace patron::fuzz

#endif  // PATRON_FUZZ_FUZZ_CHECK_H_
