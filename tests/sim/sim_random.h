// SimRandom: the simulation's only source of randomness. A run is a pure
// function of its seed: every choice (workload, faults, ids, clocks) draws
// from a SimRandom derived from it, never from the system.
#ifndef PATRON_TESTS_SIM_SIM_RANDOM_H_
#define PATRON_TESTS_SIM_SIM_RANDOM_H_

#include <cstdint>
#include <span>

namespace patron::sim {

// xoshiro256** seeded through splitmix64 (Blackman & Vigna): small, fast,
// and the same sequence on every platform and standard library.
class SimRandom {
 public:
  explicit SimRandom(uint64_t seed) {
    for (uint64_t& word : state_) word = SplitMix(seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n); n > 0. (The modulo bias is irrelevant here.)
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) { return lo + Below(hi - lo + 1); }
  // True with probability `p` (0..1).
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }

  void Fill(std::span<uint8_t> out) {
    for (uint8_t& byte : out) byte = static_cast<uint8_t>(Next() >> 56);
  }

  // An independent stream for one component (a terminal's ids, the server's
  // tokens), so adding draws in one place does not shift the others.
  SimRandom Fork(uint64_t salt) { return SimRandom(Next() ^ (salt * 0x9e3779b97f4a7c15ULL)); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
};

}  // namespace patron::sim

#endif  // PATRON_TESTS_SIM_SIM_RANDOM_H_
