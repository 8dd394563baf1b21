// Members for the benchmarks: the phones bulk-loaded members get, and a loader
// that fills a terminal database with a million of them in seconds instead of
// the hours a million Enrol calls with a disk flush each would take.
//
//   std::mt19937_64 rng(seed);
//   PATRON_ASSIGN_OR_RETURN(LoadFigures load, LoadMembers(options, 1'000'000, rng));
//   ... terminal->FindByPhone(TypedPhone(42)) finds the member whose phone is E164Phone(42)
#ifndef PATRON_TESTS_BENCH_BENCH_MEMBERS_H_
#define PATRON_TESTS_BENCH_BENCH_MEMBERS_H_

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>

#include "patron/status.h"
#include "patron/terminal/terminal.h"

namespace patron::bench {

// Bulk-loaded phones are +1 415 2000000+i: NANP exchanges must start 2-9, so
// at most 8,000,000 distinct numbers fit under one area code.
inline constexpr int64_t kMaxMembers = 8'000'000;

// The i-th bulk-loaded phone (0 <= i < kMaxMembers), in E.164 and as a
// cashier would type it: "+14152000042", "(415) 200-0042".
std::string E164Phone(int64_t i);
std::string TypedPhone(int64_t i);

struct LoadFigures {
  double load_s = 0;        // id derivation, inserts and the commit
  double checkpoint_s = 0;  // PRAGMA wal_checkpoint(TRUNCATE) afterwards
  uintmax_t bytes = 0;      // main file plus -wal after the checkpoint
};

// Size of `path` and of its -wal, 0 for a file that does not exist.
uintmax_t DatabaseBytes(const std::filesystem::path& path);

// Creates the terminal database at options.db_path (which must not exist
// yet) holding `n` members with phones E164Phone(0..n-1) and names
// "Member <i>", inserted in one transaction in an order shuffled by `rng`.
// See LoadMembers in bench_members.cc for what each row holds.
Result<LoadFigures> LoadMembers(const terminal::TerminalOptions& options, int64_t n,
                                std::mt19937_64& rng);

}  // namespace patron::bench

#endif  // PATRON_TESTS_BENCH_BENCH_MEMBERS_H_
