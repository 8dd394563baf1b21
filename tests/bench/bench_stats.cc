#include "bench_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace patron::bench {

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

double Percentile(const std::vector<double>& sorted, double p) {
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

Summary Summarize(std::vector<double> samples) {
  Summary s;
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  s.n = samples.size();
  s.median = Percentile(samples, 0.5);
  s.p90 = Percentile(samples, 0.9);
  s.p99 = Percentile(samples, 0.99);
  s.max = samples.back();
  return s;
}

void PrintHeader() {
  std::printf("  %-40s %7s %10s %10s %10s %10s\n", "", "n", "median us", "p90 us", "p99 us",
              "max us");
}

void PrintRow(std::string_view label, const Summary& s) {
  std::printf("  %-40.*s %7zu %10.1f %10.1f %10.1f %10.1f\n", static_cast<int>(label.size()),
              label.data(), s.n, s.median, s.p90, s.p99, s.max);
}

const char* Verdict(bool pass) { return pass ? "PASS" : "MISS"; }

}  // namespace patron::bench
