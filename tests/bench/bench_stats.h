// Latency samples and the report table the benchmarks share: nearest-rank
// percentiles of microsecond samples, printed as one aligned row each.
#ifndef PATRON_TESTS_BENCH_BENCH_STATS_H_
#define PATRON_TESTS_BENCH_BENCH_STATS_H_

#include <chrono>
#include <cstddef>
#include <string_view>
#include <vector>

namespace patron::bench {

using Clock = std::chrono::steady_clock;

double MicrosSince(Clock::time_point start);

struct Summary {
  size_t n = 0;
  double median = 0, p90 = 0, p99 = 0, max = 0;
};

// Nearest-rank percentile of sorted samples.
double Percentile(const std::vector<double>& sorted, double p);
Summary Summarize(std::vector<double> samples);

void PrintHeader();
void PrintRow(std::string_view label, const Summary& s);
const char* Verdict(bool pass);

}  // namespace patron::bench

#endif  // PATRON_TESTS_BENCH_BENCH_STATS_H_
