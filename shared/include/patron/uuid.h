// Uuid: a 128-bit RFC 9562 identifier, and UUIDv7 generation.
//
// Patron uses two kinds of UUID (DESIGN.md §2): a UUIDv8 derived from the
// member's phone (see member_id.h) and, for members enrolled without a phone, a
// random time-ordered UUIDv7 from UuidV7Generator. Both travel as the
// lowercase canonical string, so ToString() is the wire and storage form.
#ifndef PATRON_UUID_H_
#define PATRON_UUID_H_

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "patron/status.h"

namespace patron {

struct Uuid {
  // Network byte order, as RFC 9562 lays the fields out. Byte-wise order is
  // the order of the canonical string, and for UUIDv7 it is creation order.
  std::array<uint8_t, 16> bytes{};

  // Lowercase canonical form: 8-4-4-4-12 hex digits, 36 characters.
  std::string ToString() const;

  // Accepts exactly the canonical 36-character form, hex digits in either
  // case. Braces, "urn:uuid:", missing or misplaced dashes and any other
  // length are InvalidArgument with reason "invalid_uuid".
  static Result<Uuid> Parse(std::string_view text);

  // The version field (the high nibble of byte 6): 7 for UuidV7Generator ids,
  // 8 for member ids. Meaningless for the nil UUID.
  int version() const { return bytes[6] >> 4; }

  // True for the all-zero UUID, which Patron never issues.
  bool IsNil() const;

  friend auto operator<=>(const Uuid&, const Uuid&) = default;
  friend bool operator==(const Uuid&, const Uuid&) = default;
};

// Builds a UUIDv7 (RFC 9562 §5.7) from its parts; pure, so tests and the
// generator share it. Layout: bytes 0-5 the big-endian 48-bit unix_ms; the
// version nibble 7; 12 bits rand_a from random[0] (low nibble) and random[1];
// the variant bits 10; 62 bits rand_b from random[2] (low 6 bits) and
// random[3..9]. unix_ms outside [0, 2^48) is clamped to that range (2^48 ms
// is the year 10889; negative times mean a broken clock).
Uuid MakeUuidV7(int64_t unix_ms, std::span<const uint8_t, 10> random);

// Issues UUIDv7s that are strictly increasing, byte-wise, within one
// generator, whatever its clock does.
//
// Monotonicity follows RFC 9562 §6.2 method 1 (a fixed-length dedicated
// counter): rand_a is a 12-bit counter. On a new millisecond the counter is
// seeded randomly with its top bit clear (leaving at least 2048 steps before
// it rolls over); rand_b is always fresh randomness. If the clock stalls or
// steps back, the generator keeps the last millisecond it used and increments
// the counter; if the counter rolls over, it moves its millisecond one ahead
// of the last one (the RFC allows running ahead of the clock) and reseeds. So
// a backwards clock step delays real timestamps until the clock catches up
// rather than ever reordering ids.
//
// Not thread-safe: each thread needs its own generator, or callers lock.
class UuidV7Generator {
 public:
  // Milliseconds since the Unix epoch.
  using ClockMs = std::function<int64_t()>;
  // Fills the whole span with random bytes; must not fail. Tests and the
  // deterministic simulation inject a seeded source.
  using FillRandom = std::function<void(std::span<uint8_t>)>;

  UuidV7Generator(ClockMs clock_ms, FillRandom fill_random);

  // The production generator: std::chrono::system_clock and OpenSSL's
  // RAND_bytes. If the CSPRNG ever fails, the process aborts: without
  // randomness it can neither promise unique ids nor keep any other secret.
  static UuidV7Generator System();

  Uuid Next();

 private:
  ClockMs clock_ms_;
  FillRandom fill_random_;
  bool has_last_ = false;
  int64_t last_ms_ = 0;   // the millisecond in the last issued id
  uint16_t counter_ = 0;  // rand_a of the last issued id, 0..4095
};

}  // namespace patron

#endif  // PATRON_UUID_H_
