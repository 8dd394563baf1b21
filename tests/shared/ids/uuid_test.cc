#include "patron/uuid.h"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <set>
#include <span>
#include <string>

namespace patron {
namespace {

constexpr int64_t kStartMs = 1'700'000'000'000;  // November 2023.

// A clock the test moves by hand.
struct FakeClock {
  int64_t now_ms = kStartMs;
  UuidV7Generator::ClockMs Fn() {
    return [this] { return now_ms; };
  }
};

// Deterministic bytes (splitmix64), so failures reproduce.
UuidV7Generator::FillRandom SeededRandom(uint64_t seed) {
  return [state = seed](std::span<uint8_t> out) mutable {
    for (uint8_t& byte : out) {
      state += 0x9E3779B97F4A7C15ull;
      uint64_t z = state;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      byte = static_cast<uint8_t>(z ^ (z >> 31));
    }
  };
}

// The 48-bit timestamp field of a UUIDv7.
int64_t EmbeddedMs(const Uuid& uuid) {
  int64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = (ms << 8) | uuid.bytes[i];
  return ms;
}

bool HasRfcVariant(const Uuid& uuid) { return (uuid.bytes[8] & 0xC0) == 0x80; }

TEST_CASE("MakeUuidV7 sets version, variant and the big-endian timestamp") {
  std::array<uint8_t, 10> all_ones;
  all_ones.fill(0xFF);
  const Uuid uuid = MakeUuidV7(0x0123456789AB, all_ones);
  CHECK(uuid.ToString() == "01234567-89ab-7fff-bfff-ffffffffffff");
  CHECK(uuid.version() == 7);
  CHECK(HasRfcVariant(uuid));
  CHECK(EmbeddedMs(uuid) == 0x0123456789AB);

  std::array<uint8_t, 10> zeros{};
  CHECK(MakeUuidV7(kStartMs, zeros).ToString() == "018bcfe5-6800-7000-8000-000000000000");
}

TEST_CASE("MakeUuidV7 clamps timestamps outside 48 bits") {
  std::array<uint8_t, 10> zeros{};
  CHECK(EmbeddedMs(MakeUuidV7(-5, zeros)) == 0);
  CHECK(EmbeddedMs(MakeUuidV7(int64_t{1} << 50, zeros)) == (int64_t{1} << 48) - 1);
}

TEST_CASE("Next embeds the clock and is strictly increasing while time advances") {
  FakeClock clock;
  UuidV7Generator generator(clock.Fn(), SeededRandom(1));
  Uuid previous = generator.Next();
  CHECK(previous.version() == 7);
  CHECK(HasRfcVariant(previous));
  CHECK(EmbeddedMs(previous) == kStartMs);
  for (int i = 0; i < 1000; ++i) {
    clock.now_ms += i % 3;  // Some calls share a millisecond.
    const Uuid next = generator.Next();
    CHECK(next > previous);
    CHECK(EmbeddedMs(next) == clock.now_ms);
    CHECK(next.version() == 7);
    CHECK(HasRfcVariant(next));
    previous = next;
  }
}

TEST_CASE("Next stays strictly increasing with a frozen clock, past counter rollover") {
  FakeClock clock;
  UuidV7Generator generator(clock.Fn(), SeededRandom(2));
  Uuid previous = generator.Next();
  std::set<Uuid> seen = {previous};
  // 10000 ids in one frozen millisecond exhaust the 12-bit counter at least twice.
  for (int i = 0; i < 10000; ++i) {
    const Uuid next = generator.Next();
    REQUIRE(next > previous);
    CHECK(next.version() == 7);
    CHECK(HasRfcVariant(next));
    seen.insert(next);
    previous = next;
  }
  CHECK(seen.size() == 10001);
  // Rollover moved the timestamp ahead of the clock, but only by a little.
  CHECK(EmbeddedMs(previous) > kStartMs);
  CHECK(EmbeddedMs(previous) <= kStartMs + 5);
}

TEST_CASE("Next stays strictly increasing when the clock steps back") {
  FakeClock clock;
  UuidV7Generator generator(clock.Fn(), SeededRandom(3));
  Uuid previous = generator.Next();
  clock.now_ms -= 60 * 60 * 1000;  // An hour back, e.g. an NTP correction.
  for (int i = 0; i < 3000; ++i) {
    if (i % 100 == 0) clock.now_ms -= 7;  // And it keeps drifting back.
    const Uuid next = generator.Next();
    REQUIRE(next > previous);
    previous = next;
  }
  CHECK(EmbeddedMs(previous) >= kStartMs);  // Held at the old high-water mark.

  // Once the clock passes the high-water mark, ids carry real time again.
  clock.now_ms = kStartMs + 10'000;
  const Uuid caught_up = generator.Next();
  CHECK(caught_up > previous);
  CHECK(EmbeddedMs(caught_up) == kStartMs + 10'000);
}

TEST_CASE("Two generators with different randomness do not collide") {
  FakeClock clock;
  UuidV7Generator a(clock.Fn(), SeededRandom(10));
  UuidV7Generator b(clock.Fn(), SeededRandom(11));
  std::set<Uuid> seen;
  for (int i = 0; i < 500; ++i) {
    seen.insert(a.Next());
    seen.insert(b.Next());
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("The system generator issues increasing v7 ids near the current time") {
  UuidV7Generator generator = UuidV7Generator::System();
  Uuid previous = generator.Next();
  CHECK(previous.version() == 7);
  CHECK(EmbeddedMs(previous) > kStartMs);
  for (int i = 0; i < 100; ++i) {
    const Uuid next = generator.Next();
    CHECK(next > previous);
    previous = next;
  }
}

TEST_CASE("ToString and Parse round-trip") {
  FakeClock clock;
  UuidV7Generator generator(clock.Fn(), SeededRandom(4));
  for (int i = 0; i < 100; ++i) {
    const Uuid uuid = generator.Next();
    const std::string text = uuid.ToString();
    CHECK(text.size() == 36);
    Result<Uuid> parsed = Uuid::Parse(text);
    REQUIRE(parsed.ok());
    CHECK(*parsed == uuid);
  }
}

TEST_CASE("Parse accepts either case and ToString emits lowercase") {
  Result<Uuid> parsed = Uuid::Parse("01234567-89AB-CDEF-0123-456789ABCDEF");
  REQUIRE(parsed.ok());
  CHECK(parsed->ToString() == "01234567-89ab-cdef-0123-456789abcdef");
  CHECK(parsed->version() == 0xC);
  CHECK(parsed->bytes[0] == 0x01);
  CHECK(parsed->bytes[15] == 0xEF);
}

TEST_CASE("Nil") {
  CHECK(Uuid{}.IsNil());
  CHECK(Uuid{}.ToString() == "00000000-0000-0000-0000-000000000000");
  Result<Uuid> parsed = Uuid::Parse("00000000-0000-0000-0000-000000000001");
  REQUIRE(parsed.ok());
  CHECK_FALSE(parsed->IsNil());
  CHECK(Uuid{} < *parsed);
}

TEST_CASE("Parse rejects anything but the canonical form") {
  const char* bad[] = {
      "",
      "01234567-89ab-cdef-0123-456789abcde",    // 35 characters
      "01234567-89ab-cdef-0123-456789abcdef0",  // 37 characters
      "0123456789abcdef0123456789abcdef",       // no dashes
      "{01234567-89ab-cdef-0123-456789abcdef}",
      "urn:uuid:01234567-89ab-cdef-0123-456789abcdef",
      "0123456-789ab-cdef-0123-456789abcdef",  // dash one early
      "01234567-89abc-def-0123-456789abcdef",  // dash one late
      "01234567-89ab-cdef-0123-456789abcde-",  // dash at the end
      "01234567_89ab_cdef_0123_456789abcdef",
      "0123456g-89ab-cdef-0123-456789abcdef",  // not hex
      "01234567-89ab-cdef-0123-456789abcde ",
      " 1234567-89ab-cdef-0123-456789abcdef",
      "01234567-+9ab-cdef-0123-456789abcdef",
  };
  for (const char* text : bad) {
    CAPTURE(text);
    Result<Uuid> parsed = Uuid::Parse(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().IsInvalidArgument());
    CHECK(parsed.status().reason() == "invalid_uuid");
  }
}

}  // namespace
}  // namespace patron
