#include "patron/uuid.h"

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

namespace patron {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr size_t kCanonicalLength = 36;
constexpr int64_t kMaxUnixMs = (int64_t{1} << 48) - 1;
constexpr uint16_t kCounterMask = 0x0FFF;  // rand_a is 12 bits

bool IsDashPosition(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

// The value of a hex digit in either case, or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Uuid::ToString() const {
  std::string out;
  out.reserve(kCanonicalLength);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHexDigits[bytes[i] >> 4]);
    out.push_back(kHexDigits[bytes[i] & 0x0F]);
  }
  return out;
}

Result<Uuid> Uuid::Parse(std::string_view text) {
  if (text.size() != kCanonicalLength) {
    return Status::InvalidArgument("a UUID has 36 characters, got " + std::to_string(text.size()),
                                   "invalid_uuid");
  }
  Uuid uuid;
  size_t nibble = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsDashPosition(i)) {
      if (text[i] != '-') {
        return Status::InvalidArgument(
            "expected '-' at position " + std::to_string(i) + " of a UUID", "invalid_uuid");
      }
      continue;
    }
    int value = HexValue(text[i]);
    if (value < 0) {
      return Status::InvalidArgument(
          "invalid hex digit at position " + std::to_string(i) + " of a UUID", "invalid_uuid");
    }
    uint8_t& byte = uuid.bytes[nibble / 2];
    byte = static_cast<uint8_t>(nibble % 2 == 0 ? value << 4 : byte | value);
    ++nibble;
  }
  return uuid;
}

bool Uuid::IsNil() const {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

Uuid MakeUuidV7(int64_t unix_ms, std::span<const uint8_t, 10> random) {
  const uint64_t ms = static_cast<uint64_t>(std::clamp<int64_t>(unix_ms, 0, kMaxUnixMs));
  Uuid uuid;
  for (int i = 0; i < 6; ++i) {
    uuid.bytes[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  }
  uuid.bytes[6] = static_cast<uint8_t>(0x70 | (random[0] & 0x0F));
  uuid.bytes[7] = random[1];
  uuid.bytes[8] = static_cast<uint8_t>(0x80 | (random[2] & 0x3F));
  std::copy(random.begin() + 3, random.end(), uuid.bytes.begin() + 9);
  return uuid;
}

UuidV7Generator::UuidV7Generator(ClockMs clock_ms, FillRandom fill_random)
    : clock_ms_(std::move(clock_ms)), fill_random_(std::move(fill_random)) {}

UuidV7Generator UuidV7Generator::System() {
  return UuidV7Generator(
      [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      },
      [](std::span<uint8_t> out) {
        if (out.empty()) return;
        // RAND_bytes takes an int length; ids never ask for more than a few bytes.
        if (out.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
            RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
          std::fputs("patron: RAND_bytes failed; cannot generate unique ids\n", stderr);
          std::abort();
        }
      });
}

Uuid UuidV7Generator::Next() {
  std::array<uint8_t, 10> random{};
  fill_random_(random);
  // A fresh counter seed, top bit clear: the low 11 bits of random[0..1].
  const uint16_t seed = static_cast<uint16_t>(((random[0] & 0x07) << 8) | random[1]);

  const int64_t now_ms = std::clamp<int64_t>(clock_ms_(), 0, kMaxUnixMs);
  if (!has_last_ || now_ms > last_ms_) {
    last_ms_ = now_ms;
    counter_ = seed;
  } else if (counter_ < kCounterMask) {
    // Same or earlier millisecond: keep last_ms_ and count within it.
    ++counter_;
  } else {
    // Counter exhausted: run one millisecond ahead of the last id.
    ++last_ms_;
    counter_ = seed;
  }
  has_last_ = true;

  random[0] = static_cast<uint8_t>(counter_ >> 8);
  random[1] = static_cast<uint8_t>(counter_ & 0xFF);
  return MakeUuidV7(last_ms_, random);
}

}  // namespace patron
