// Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014).
//
// Every journal entry a terminal writes and every merge with a peer is stamped
// with an HlcTimestamp. Timestamps stay close to wall-clock time, yet their
// order is consistent with causality even when a terminal's wall clock steps
// backwards (NTP correction, dead RTC battery, operator fiddling with the date).
#ifndef PATRON_HLC_H_
#define PATRON_HLC_H_

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "patron/status.h"

namespace patron {

// A point in hybrid time: 48 bits of physical milliseconds since the Unix epoch
// (high bits) and a 16-bit logical counter (low bits), packed into one int64.
//
// The top bit of the physical field is reserved and always zero, so Packed() is
// non-negative and a SQLite INTEGER column sorts exactly like the timestamps.
// That leaves physical_ms() in [0, kMaxPhysicalMs], i.e. until the year 6429.
//
// The default value (0 ms, counter 0) precedes every real timestamp.
struct HlcTimestamp {
  static constexpr int64_t kMaxPhysicalMs = (int64_t{1} << 47) - 1;
  static constexpr uint16_t kMaxCounter = UINT16_MAX;

  constexpr HlcTimestamp() = default;

  // Clamps `ms` into [0, kMaxPhysicalMs]: for callers whose input is already
  // known to be a sane time. Use FromPartsChecked for untrusted input.
  static HlcTimestamp FromParts(int64_t ms, uint16_t counter);
  // InvalidArgument ("invalid_timestamp") when `ms` is outside [0, kMaxPhysicalMs].
  static Result<HlcTimestamp> FromPartsChecked(int64_t ms, uint16_t counter);

  // Inverse of Packed(). A negative `packed` (never produced by Packed()) is
  // clamped to the zero timestamp; use FromPackedChecked when reading storage
  // that might be corrupt.
  static HlcTimestamp FromPacked(int64_t packed);
  // Corruption ("invalid_timestamp") when `packed` is negative.
  static Result<HlcTimestamp> FromPackedChecked(int64_t packed);

  constexpr int64_t physical_ms() const { return packed_ >> 16; }
  constexpr uint16_t counter() const { return static_cast<uint16_t>(packed_ & 0xFFFF); }
  // Always >= 0; ordering of Packed() values equals ordering of timestamps.
  constexpr int64_t Packed() const { return packed_; }

  // Fixed-width "<15-digit ms>-<5-digit counter>", e.g.
  // "001700000000000-00003". Plain string comparison of two ToString() results
  // orders them exactly like the timestamps.
  std::string ToString() const;
  // Accepts only the exact ToString() form; anything else (other widths, signs,
  // spaces, out-of-range parts) is InvalidArgument ("invalid_timestamp").
  static Result<HlcTimestamp> Parse(std::string_view text);

  friend constexpr auto operator<=>(const HlcTimestamp&, const HlcTimestamp&) = default;
  friend constexpr bool operator==(const HlcTimestamp&, const HlcTimestamp&) = default;

 private:
  constexpr explicit HlcTimestamp(int64_t packed) : packed_(packed) {}

  int64_t packed_ = 0;
};

// Milliseconds since the Unix epoch from std::chrono::system_clock: the wall
// clock production code passes to HybridClock.
int64_t SystemWallClockMs();

// Issues HlcTimestamps for local events and merges timestamps received from
// peers. Invariant: every timestamp returned by Now() or Update() is strictly
// greater than every timestamp this clock returned, merged or was restored
// from before.
//
// Counter overflow: if more than 65536 events share one physical millisecond,
// the clock advances its physical part by 1 ms and resets the counter to 0
// instead of wrapping. The physical part may then run slightly ahead of the
// wall clock; it is caught up by real time as soon as the burst ends.
//
// The only point where the invariant cannot hold is the end of representable
// time (kMaxPhysicalMs with counter kMaxCounter, year 6429); there Now()
// returns that same maximum again.
//
// Not thread-safe: callers serialize access (one clock per terminal, owned by
// the journal writer, or guarded by the caller's mutex).
class HybridClock {
 public:
  // `wall_clock_ms` returns the current wall-clock time in milliseconds since
  // the Unix epoch; it is injected so tests and the simulation control time.
  // An empty function means SystemWallClockMs.
  // Readings outside [0, HlcTimestamp::kMaxPhysicalMs] are clamped.
  // `max_drift_ms` is how far ahead of our wall clock a remote timestamp may be
  // before Update() refuses it; a negative value is treated as 0.
  // `restored` is the Last() persisted before a restart; the clock continues
  // strictly above it even if the wall clock is now behind it.
  HybridClock(std::function<int64_t()> wall_clock_ms, int64_t max_drift_ms,
              std::optional<HlcTimestamp> restored = std::nullopt);

  HybridClock(const HybridClock&) = delete;
  HybridClock& operator=(const HybridClock&) = delete;

  // Timestamp for a local event (a journal write, an outgoing message).
  HlcTimestamp Now();
  // Timestamp for a local event that overwrites something stamped
  // `observed` (a profile field pulled from the server): later than both
  // Now() and `observed`, however far ahead `observed` is. Unlike Update(),
  // it never refuses: an overwrite must order after what it overwrites, or
  // the replicas that already hold `observed` keep it.
  HlcTimestamp NowAfter(HlcTimestamp observed);

  // Merges a timestamp received from a peer and returns a new timestamp greater
  // than both `remote` and everything issued before. If `remote` is more than
  // max_drift_ms ahead of our wall clock, returns FailedPrecondition
  // ("clock_drift") and leaves the clock unchanged: accepting it would drag
  // every later local timestamp into the future with it.
  Result<HlcTimestamp> Update(HlcTimestamp remote);

  // The latest timestamp issued or merged; persist it to restore the clock.
  HlcTimestamp Last() const { return last_; }

 private:
  int64_t ReadWallMs() const;

  std::function<int64_t()> wall_clock_ms_;
  int64_t max_drift_ms_;
  HlcTimestamp last_;
};

}  // namespace patron

#endif  // PATRON_HLC_H_
