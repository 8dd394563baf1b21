// The membership programme patron_programme_bench measures (issue 16): a
// rule pack of 50 campaigns of every kind the evaluator knows, the same pack
// without its campaigns as the baseline, the store's catalogue the
// campaigns name, baskets drawn from it, the members' profiles, and how a
// till without a head office gets a pack.
//
//   std::mt19937_64 rng(seed);
//   PATRON_RETURN_IF_ERROR(InstallPack(*till, CampaignPack()));  // validates it
//   std::vector<patron::SaleLine> lines = MakeBasket(rng);
//
// The campaigns' days and hours are chosen against one local instant,
// kBenchLocalTime (a Monday, the 8th, a member day, at 11:00), at which
// the benchmark's clock runs: some campaigns apply to most baskets there,
// some to a few members or baskets, some never at that hour (a weekend, a
// past promotion), as in a real pack.
#ifndef PATRON_TESTS_BENCH_PROGRAMME_PACK_H_
#define PATRON_TESTS_BENCH_PROGRAMME_PACK_H_

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "patron/records/sale.h"
#include "patron/rules.h"
#include "patron/status.h"
#include "patron/terminal/terminal.h"

namespace patron::bench {

// The pack's local time is UTC+8, and the benchmark's clock starts at this
// pack time (ParsePackTime with kPackUtcOffsetMinutes).
inline constexpr int64_t kPackUtcOffsetMinutes = 480;
inline constexpr std::string_view kBenchLocalTime = "2027-03-08T11:00:00";
// The till's store; some campaigns are for it, some for other stores.
inline constexpr std::string_view kBenchStoreId = "S001";
inline constexpr int kCampaignCount = 50;

// Version 2 of the programme: tiers regular / silver / gold, 1 point per
// 1.00, tobacco and gift cards earning nothing; no campaigns.
Rules BasePack();
// BasePack plus kCampaignCount campaigns (programme_pack.cc lists them by
// kind). Not validated here: InstallPack does.
Rules CampaignPack();

// Gives `till` the pack as head office would: ValidateRules first (what
// SyncService::PublishRules checks; an error names the field), then one
// pull page carrying it as a "rules" down-channel item
// (Terminal::ApplyPullPage), the path every till takes. FailedPrecondition
// unless the till then has exactly this pack in force.
Status InstallPack(terminal::Terminal& till, const Rules& pack);

// A basket as a POS sends it: 1 to 14 lines (about 5 on average) from the
// catalogue, quantities 1 to 6, each line's amount its unit price times the
// quantity, so that the lines add up to the sale.
std::vector<SaleLine> MakeBasket(std::mt19937_64& rng);

// What head office knows of the bulk-loaded member i (bench_members.h) at
// `now_ms`, a fixed mix: 60% gave a birthday; 8% joined in the last 60
// days; about 10% never bought, 20% last bought over 90 days ago; tiers
// regular 70%, silver 22%, gold 8% (held, with a qualifying spend to match).
struct MemberProfile {
  std::optional<std::string> birthday;  // "YYYY-MM-DD"
  int64_t enrolled_ms = 0;
  int64_t last_purchase_ms = 0;  // 0: never
  std::string tier;
  int64_t tier_until_ms = 0;
  int64_t spend_minor = 0;
  int64_t balance = 0;
};
MemberProfile ProfileOf(int64_t i, int64_t now_ms);

// Writes ProfileOf(i, now_ms) into every row of the terminal database at
// `db_path` that LoadMembers filled (as a pull of head office's view
// would: server_tier, server_spend_minor, ..., server_version 1), in one
// UPDATE, then truncates the WAL. The engine must not have it open.
Status ApplyMemberProfiles(const std::string& db_path, int64_t now_ms);

}  // namespace patron::bench

#endif  // PATRON_TESTS_BENCH_PROGRAMME_PACK_H_
