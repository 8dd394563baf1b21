#include "patron/hlc.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace patron {
namespace {

constexpr int64_t kHourMs = 60 * 60 * 1000;
constexpr int64_t kDriftMs = 5 * 60 * 1000;
constexpr int64_t kStartMs = 1'700'000'000'000;  // November 2023.

// A wall clock the test moves by hand.
struct FakeWall {
  int64_t now_ms = kStartMs;
  std::function<int64_t()> Fn() {
    return [this] { return now_ms; };
  }
};

TEST_CASE("Now is strictly monotonic when the wall clock jumps back by hours") {
  FakeWall wall;
  HybridClock clock(wall.Fn(), kDriftMs);
  HlcTimestamp previous = clock.Now();
  CHECK(previous == HlcTimestamp::FromParts(kStartMs, 0));

  wall.now_ms -= 3 * kHourMs;
  for (int i = 0; i < 1000; ++i) {
    const HlcTimestamp next = clock.Now();
    CHECK(next > previous);
    CHECK(next.physical_ms() == kStartMs);  // Held at the old high-water mark.
    previous = next;
  }
  // Once real time passes the old high-water mark, the counter resets.
  wall.now_ms = kStartMs + 1;
  CHECK(clock.Now() == HlcTimestamp::FromParts(kStartMs + 1, 0));
}

TEST_CASE("Now increments the counter within one millisecond") {
  FakeWall wall;
  HybridClock clock(wall.Fn(), kDriftMs);
  CHECK(clock.Now() == HlcTimestamp::FromParts(kStartMs, 0));
  CHECK(clock.Now() == HlcTimestamp::FromParts(kStartMs, 1));
  CHECK(clock.Now() == HlcTimestamp::FromParts(kStartMs, 2));
  CHECK(clock.Last() == HlcTimestamp::FromParts(kStartMs, 2));
}

TEST_CASE("counter overflow rolls into the next millisecond") {
  FakeWall wall;
  HybridClock clock(wall.Fn(), kDriftMs,
                    HlcTimestamp::FromParts(kStartMs, HlcTimestamp::kMaxCounter - 1));
  CHECK(clock.Now() == HlcTimestamp::FromParts(kStartMs, HlcTimestamp::kMaxCounter));
  CHECK(clock.Now() == HlcTimestamp::FromParts(kStartMs + 1, 0));
  CHECK(clock.Now() == HlcTimestamp::FromParts(kStartMs + 1, 1));
}

TEST_CASE("Update with a remote ahead within the drift moves the clock forward") {
  FakeWall wall;
  HybridClock clock(wall.Fn(), kDriftMs);
  const HlcTimestamp local = clock.Now();
  const HlcTimestamp remote = HlcTimestamp::FromParts(kStartMs + kDriftMs, 7);

  Result<HlcTimestamp> merged = clock.Update(remote);
  REQUIRE(merged.ok());
  CHECK(*merged > remote);
  CHECK(*merged > local);
  CHECK(*merged == HlcTimestamp::FromParts(kStartMs + kDriftMs, 8));
  CHECK(clock.Last() == *merged);
  CHECK(clock.Now() > *merged);
}

TEST_CASE("Update takes the larger counter when all three share a millisecond") {
  FakeWall wall;
  HybridClock clock(wall.Fn(), kDriftMs, HlcTimestamp::FromParts(kStartMs, 3));
  Result<HlcTimestamp> merged = clock.Update(HlcTimestamp::FromParts(kStartMs, 9));
  REQUIRE(merged.ok());
  CHECK(*merged == HlcTimestamp::FromParts(kStartMs, 10));
}

TEST_CASE("Update with a remote behind keeps local time and still advances") {
  FakeWall wall;
  HybridClock clock(wall.Fn(), kDriftMs);
  const HlcTimestamp local = clock.Now();
  Result<HlcTimestamp> merged = clock.Update(HlcTimestamp::FromParts(kStartMs - kHourMs, 500));
  REQUIRE(merged.ok());
  CHECK(*merged == HlcTimestamp::FromParts(kStartMs, 1));
  CHECK(*merged > local);

  wall.now_ms += 10;
  merged = clock.Update(HlcTimestamp::FromParts(kStartMs, 42));
  REQUIRE(merged.ok());
  CHECK(*merged == HlcTimestamp::FromParts(kStartMs + 10, 0));
}

TEST_CASE("Update rejects a remote beyond the drift and leaves the clock unchanged") {
  FakeWall wall;
  HybridClock clock(wall.Fn(), kDriftMs);
  const HlcTimestamp local = clock.Now();
  Result<HlcTimestamp> merged = clock.Update(HlcTimestamp::FromParts(kStartMs + kDriftMs + 1, 0));
  REQUIRE_FALSE(merged.ok());
  CHECK(merged.status().IsFailedPrecondition());
  CHECK(merged.status().reason() == "clock_drift");
  CHECK(clock.Last() == local);
  CHECK(clock.Now() == HlcTimestamp::FromParts(kStartMs, 1));
}

TEST_CASE("NowAfter orders a local overwrite after what it overwrites, even far ahead") {
  FakeWall wall;
  HybridClock clock(wall.Fn(), kDriftMs);
  // Behind the local clock: just Now().
  CHECK(clock.NowAfter(HlcTimestamp::FromParts(kStartMs - kHourMs, 7)) ==
        HlcTimestamp::FromParts(kStartMs, 0));
  // Twelve hours ahead, far beyond the drift Update() accepts: still after it.
  const HlcTimestamp ahead = HlcTimestamp::FromParts(kStartMs + 12 * kHourMs, 3);
  CHECK_FALSE(clock.Update(ahead).ok());
  const HlcTimestamp after = clock.NowAfter(ahead);
  CHECK(after == HlcTimestamp::FromParts(kStartMs + 12 * kHourMs, 4));
  CHECK(clock.Now() > after);  // and the clock carries on from there
}

TEST_CASE("a restored clock continues strictly above the persisted timestamp") {
  const HlcTimestamp persisted = HlcTimestamp::FromParts(kStartMs, 17);
  FakeWall wall;
  wall.now_ms = kStartMs - 2 * kHourMs;  // The RTC lost time across the restart.
  HybridClock clock(wall.Fn(), kDriftMs, persisted);
  CHECK(clock.Last() == persisted);
  const HlcTimestamp first = clock.Now();
  CHECK(first > persisted);
  CHECK(first == HlcTimestamp::FromParts(kStartMs, 18));

  Result<HlcTimestamp> merged = clock.Update(HlcTimestamp::FromParts(kStartMs - 3 * kHourMs, 0));
  REQUIRE(merged.ok());
  CHECK(*merged > first);
}

TEST_CASE("an empty wall clock function falls back to the system clock") {
  HybridClock clock(nullptr, kDriftMs);
  CHECK(clock.Now().physical_ms() >= kStartMs);
}

TEST_CASE("wall clock readings outside the representable range are clamped") {
  FakeWall wall;
  wall.now_ms = -5;
  HybridClock clock(wall.Fn(), kDriftMs);
  CHECK(clock.Now() == HlcTimestamp::FromParts(0, 1));
  wall.now_ms = INT64_MAX;
  CHECK(clock.Now() == HlcTimestamp::FromParts(HlcTimestamp::kMaxPhysicalMs, 0));
}

TEST_CASE("FromParts clamps; FromPartsChecked rejects") {
  CHECK(HlcTimestamp::FromParts(-1, 3) == HlcTimestamp::FromParts(0, 3));
  CHECK(HlcTimestamp::FromParts(INT64_MAX, 3).physical_ms() == HlcTimestamp::kMaxPhysicalMs);
  CHECK(HlcTimestamp::FromPartsChecked(-1, 0).status().reason() == "invalid_timestamp");
  CHECK(HlcTimestamp::FromPartsChecked(HlcTimestamp::kMaxPhysicalMs + 1, 0)
            .status()
            .IsInvalidArgument());
  Result<HlcTimestamp> max = HlcTimestamp::FromPartsChecked(HlcTimestamp::kMaxPhysicalMs, 9);
  REQUIRE(max.ok());
  CHECK(max->physical_ms() == HlcTimestamp::kMaxPhysicalMs);
  CHECK(max->counter() == 9);
}

TEST_CASE("Packed and FromPacked round-trip and stay non-negative") {
  const std::vector<HlcTimestamp> samples = {
      HlcTimestamp(),
      HlcTimestamp::FromParts(kStartMs, 0),
      HlcTimestamp::FromParts(kStartMs, 1),
      HlcTimestamp::FromParts(kStartMs, HlcTimestamp::kMaxCounter),
      HlcTimestamp::FromParts(HlcTimestamp::kMaxPhysicalMs, HlcTimestamp::kMaxCounter),
  };
  for (const HlcTimestamp& t : samples) {
    CHECK(t.Packed() >= 0);
    CHECK(HlcTimestamp::FromPacked(t.Packed()) == t);
    Result<HlcTimestamp> checked = HlcTimestamp::FromPackedChecked(t.Packed());
    REQUIRE(checked.ok());
    CHECK(*checked == t);
  }
  CHECK(HlcTimestamp::FromParts(HlcTimestamp::kMaxPhysicalMs, HlcTimestamp::kMaxCounter).Packed() ==
        INT64_MAX);
  CHECK(HlcTimestamp::FromPacked(-1) == HlcTimestamp());
  CHECK(HlcTimestamp::FromPackedChecked(-1).status().code() == StatusCode::kCorruption);
}

TEST_CASE("ToString and Parse round-trip") {
  const HlcTimestamp t = HlcTimestamp::FromParts(kStartMs, 3);
  CHECK(t.ToString() == "001700000000000-00003");
  CHECK(HlcTimestamp().ToString() == "000000000000000-00000");
  const HlcTimestamp max =
      HlcTimestamp::FromParts(HlcTimestamp::kMaxPhysicalMs, HlcTimestamp::kMaxCounter);
  CHECK(max.ToString() == "140737488355327-65535");
  for (const HlcTimestamp& sample : {t, HlcTimestamp(), max}) {
    Result<HlcTimestamp> parsed = HlcTimestamp::Parse(sample.ToString());
    REQUIRE(parsed.ok());
    CHECK(*parsed == sample);
  }
}

TEST_CASE("ToString order matches timestamp order") {
  std::vector<HlcTimestamp> stamps = {
      HlcTimestamp::FromParts(kStartMs, 10),
      HlcTimestamp::FromParts(kStartMs, 9),
      HlcTimestamp::FromParts(kStartMs + 1, 0),
      HlcTimestamp::FromParts(999, 65535),
      HlcTimestamp::FromParts(1000, 0),
      HlcTimestamp(),
      HlcTimestamp::FromParts(HlcTimestamp::kMaxPhysicalMs, 0),
  };
  std::sort(stamps.begin(), stamps.end());
  for (size_t i = 1; i < stamps.size(); ++i) {
    CHECK(stamps[i - 1] < stamps[i]);
    CHECK(stamps[i - 1].ToString() < stamps[i].ToString());
    CHECK(stamps[i - 1].Packed() < stamps[i].Packed());
  }
}

TEST_CASE("Parse rejects junk") {
  const std::vector<std::string> junk = {
      "",
      "garbage",
      "001700000000000-0000",    // short counter
      "01700000000000-00003",    // short ms
      "001700000000000-000003",  // long counter
      "001700000000000_00003",   // wrong separator
      "001700000000000-65536",   // counter out of range
      "140737488355328-00000",   // ms out of range
      "+01700000000000-00003",   // sign
      "-01700000000000-00003",   // sign
      " 01700000000000-00003",   // space
      "001700000000000-0000a",   // letter
      "00170000000000a-00003",   // letter
      std::string("001700000000000-0000\0", 21),
  };
  for (const std::string& text : junk) {
    CAPTURE(text);
    Result<HlcTimestamp> parsed = HlcTimestamp::Parse(text);
    CHECK_FALSE(parsed.ok());
    CHECK(parsed.status().IsInvalidArgument());
    CHECK(parsed.status().reason() == "invalid_timestamp");
  }
}

}  // namespace
}  // namespace patron
