#include "patron/hlc.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

namespace patron {
namespace {

constexpr int kMsDigits = 15;      // kMaxPhysicalMs has 15 decimal digits.
constexpr int kCounterDigits = 5;  // kMaxCounter has 5.
constexpr size_t kTextLength = kMsDigits + 1 + kCounterDigits;

static_assert(HlcTimestamp::kMaxPhysicalMs == 140737488355327, "ToString width assumes 15 digits");

int64_t ClampMs(int64_t ms) { return std::clamp<int64_t>(ms, 0, HlcTimestamp::kMaxPhysicalMs); }

// The smallest timestamp greater than `t`; rolls into the next millisecond
// instead of wrapping the counter. Saturates at the largest timestamp.
HlcTimestamp Successor(HlcTimestamp t) {
  if (t.counter() < HlcTimestamp::kMaxCounter) {
    return HlcTimestamp::FromParts(t.physical_ms(), static_cast<uint16_t>(t.counter() + 1));
  }
  if (t.physical_ms() < HlcTimestamp::kMaxPhysicalMs) {
    return HlcTimestamp::FromParts(t.physical_ms() + 1, 0);
  }
  return t;
}

// Parses exactly `text.size()` decimal digits; false on anything else.
bool ParseDigits(std::string_view text, int64_t& out) {
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');  // At most 15 digits: cannot overflow.
  }
  out = value;
  return true;
}

// Echoes at most 32 bytes of the input, non-printable ones as '?', so that a
// hostile value cannot bloat or corrupt the log line or an error response.
Status InvalidTimestamp(std::string_view text) {
  std::string shown(text.substr(0, 32));
  for (char& c : shown) {
    if (c < 0x20 || c > 0x7E) c = '?';
  }
  return Status::InvalidArgument(
      "malformed HLC timestamp (expected 15-digit ms, '-', 5-digit counter): '" + shown + "'",
      "invalid_timestamp");
}

}  // namespace

HlcTimestamp HlcTimestamp::FromParts(int64_t ms, uint16_t counter) {
  return HlcTimestamp((ClampMs(ms) << 16) | counter);
}

Result<HlcTimestamp> HlcTimestamp::FromPartsChecked(int64_t ms, uint16_t counter) {
  if (ms < 0 || ms > kMaxPhysicalMs) {
    return Status::InvalidArgument(
        "HLC physical time " + std::to_string(ms) + " ms is outside [0, 2^47)",
        "invalid_timestamp");
  }
  return FromParts(ms, counter);
}

HlcTimestamp HlcTimestamp::FromPacked(int64_t packed) {
  return HlcTimestamp(std::max<int64_t>(packed, 0));
}

Result<HlcTimestamp> HlcTimestamp::FromPackedChecked(int64_t packed) {
  if (packed < 0) {
    return Status::Corruption("negative packed HLC timestamp " + std::to_string(packed),
                              "invalid_timestamp");
  }
  return HlcTimestamp(packed);
}

std::string HlcTimestamp::ToString() const {
  // Sized for any long long, not just the 15 digits physical_ms() can have,
  // so the compiler can prove the output is never truncated.
  char buffer[48];
  const int length =
      std::snprintf(buffer, sizeof(buffer), "%015lld-%05u", static_cast<long long>(physical_ms()),
                    static_cast<unsigned>(counter()));
  return std::string(buffer, static_cast<size_t>(length));
}

Result<HlcTimestamp> HlcTimestamp::Parse(std::string_view text) {
  if (text.size() != kTextLength || text[kMsDigits] != '-') return InvalidTimestamp(text);
  int64_t ms = 0;
  int64_t counter = 0;
  if (!ParseDigits(text.substr(0, kMsDigits), ms) ||
      !ParseDigits(text.substr(kMsDigits + 1), counter) || ms > kMaxPhysicalMs ||
      counter > kMaxCounter) {
    return InvalidTimestamp(text);
  }
  return FromParts(ms, static_cast<uint16_t>(counter));
}

int64_t SystemWallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

HybridClock::HybridClock(std::function<int64_t()> wall_clock_ms, int64_t max_drift_ms,
                         std::optional<HlcTimestamp> restored)
    : wall_clock_ms_(wall_clock_ms ? std::move(wall_clock_ms) : SystemWallClockMs),
      max_drift_ms_(std::max<int64_t>(max_drift_ms, 0)),
      last_(restored.value_or(HlcTimestamp())) {}

int64_t HybridClock::ReadWallMs() const { return ClampMs(wall_clock_ms_()); }

HlcTimestamp HybridClock::Now() {
  const int64_t wall = ReadWallMs();
  last_ = wall > last_.physical_ms() ? HlcTimestamp::FromParts(wall, 0) : Successor(last_);
  return last_;
}

HlcTimestamp HybridClock::NowAfter(HlcTimestamp observed) {
  last_ = std::max(last_, observed);
  return Now();
}

Result<HlcTimestamp> HybridClock::Update(HlcTimestamp remote) {
  const int64_t wall = ReadWallMs();
  // Both operands lie in [0, 2^47), so the difference cannot overflow.
  if (remote.physical_ms() - wall > max_drift_ms_) {
    return Status::FailedPrecondition("remote timestamp " + remote.ToString() + " is " +
                                          std::to_string(remote.physical_ms() - wall) +
                                          " ms ahead of the local wall clock (limit " +
                                          std::to_string(max_drift_ms_) + " ms)",
                                      "clock_drift");
  }
  // Equivalent to the three-way case split of Kulkarni et al.: when the wall
  // clock is not ahead, continue from whichever of (last, remote) is later,
  // which takes max(counter) + 1 when both share a millisecond.
  const HlcTimestamp latest = std::max(last_, remote);
  last_ = wall > latest.physical_ms() ? HlcTimestamp::FromParts(wall, 0) : Successor(latest);
  return last_;
}

}  // namespace patron
