// patron_programme_bench: the membership programme's speed targets (issue
// 16), the terminal engine in-process with a rule pack of 50 campaigns
// (programme_pack.h) against the same pack without campaigns, in the same
// run, in alternating rounds so that machine noise hits both.
//
//   1. Checkout with the 50-campaign pack: median within 1.15x of checkout
//      with the base pack (durable; 1b repeats it without the flush).
//   2. QuoteSale over 1,000,000 members with the 50-campaign pack: p99
//      within 1 ms; the base pack's quote is the baseline.
//   3. Evaluate alone on the quotes' inputs: the evaluator's share.
//
// The engine's clock runs from a fixed local instant (a member day at
// 11:00, kBenchLocalTime), so the same campaigns apply on every run. A
// report, not a test: a missed target prints MISS and exits 0; only errors
// (bad flags, I/O, an engine failure) exit non-zero. docs/BENCHMARKS.md
// explains each figure.
#include <malloc.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_members.h"
#include "bench_stats.h"
#include "patron/evaluate.h"
#include "patron/local_time.h"
#include "patron/member_id.h"
#include "patron/status.h"
#include "patron/terminal/terminal.h"
#include "programme_pack.h"

namespace {

using patron::Result;
using patron::Rules;
using patron::Status;
using patron::bench::Clock;
using patron::bench::MicrosSince;
using patron::bench::PrintHeader;
using patron::bench::PrintRow;
using patron::bench::Summarize;
using patron::bench::Summary;
using patron::bench::Verdict;
using patron::terminal::Terminal;
using patron::terminal::TerminalOptions;

constexpr int kRounds = 6;
constexpr double kCheckoutRatioTarget = 1.15;
constexpr double kQuoteP99TargetUs = 1000.0;
constexpr uint64_t kSeed = 20270308;
constexpr std::string_view kTerminalId = "S001-T01";
// The checkout databases' members, and the regular customers among them
// who get half the checkouts (so that campaign limits come into play).
constexpr int64_t kCheckoutMembers = 10'000;
constexpr int64_t kRegulars = 100;

struct Flags {
  std::string dir;
  int64_t members = 1'000'000;
  int checkouts = 2000;
  int quotes = 20000;
};

constexpr std::string_view kUsage =
    "usage: patron_programme_bench --dir DIR [--members N] [--checkouts N] [--quotes N] "
    "[--quick]\n";

Result<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  bool quick = false;
  bool members_set = false, checkouts_set = false, quotes_set = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--quick") {
      quick = true;
      continue;
    }
    if (arg != "--dir" && arg != "--members" && arg != "--checkouts" && arg != "--quotes") {
      return Status::InvalidArgument("unknown flag " + std::string(arg));
    }
    if (i + 1 >= argc) return Status::InvalidArgument("missing value after " + std::string(arg));
    const std::string_view value = argv[++i];
    if (arg == "--dir") {
      flags.dir = value;
      continue;
    }
    int64_t number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    const int64_t limit = arg == "--members" ? patron::bench::kMaxMembers : 10'000'000;
    if (ec != std::errc() || end != value.data() + value.size() || number < 1 || number > limit) {
      return Status::InvalidArgument(std::string(arg) + " needs a number from 1 to " +
                                     std::to_string(limit));
    }
    if (arg == "--members") {
      flags.members = number, members_set = true;
    } else if (arg == "--checkouts") {
      flags.checkouts = static_cast<int>(number), checkouts_set = true;
    } else {
      flags.quotes = static_cast<int>(number), quotes_set = true;
    }
  }
  if (flags.dir.empty()) return Status::InvalidArgument("--dir is required");
  // --quick only changes the defaults, so explicit numbers still win.
  if (quick) {
    if (!members_set) flags.members = 20'000;
    if (!checkouts_set) flags.checkouts = 300;
    if (!quotes_set) flags.quotes = 3000;
  }
  return flags;
}

// ---- what the runs share ---------------------------------------------------

// The engine's wall clock: kBenchLocalTime, advancing in real time.
struct BenchClock {
  int64_t start_ms = 0;
  Clock::time_point started = Clock::now();
  int64_t NowMs() const {
    return start_ms +
           std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  }
};

TerminalOptions MakeOptions(const std::filesystem::path& path, const BenchClock& clock,
                            bool fsync = true) {
  TerminalOptions options;
  options.db_path = path.string();
  options.terminal_id = std::string(kTerminalId);
  options.store_id = std::string(patron::bench::kBenchStoreId);
  options.db_options.synchronous_full = fsync;
  options.wall_clock_ms = [&clock] { return clock.NowMs(); };
  return options;
}

std::string MemberId(int64_t i) {
  return patron::DeriveMemberId(patron::kDemoChainKey, patron::bench::E164Phone(i)).ToString();
}

// This process's I/O system calls so far (/proc/self/io): SQLite reads a
// page it does not cache with one pread and writes each WAL frame with two
// pwrites, so the differences count pages whatever the machine's speed.
struct IoCounters {
  int64_t rchar = 0, wchar = 0, syscr = 0, syscw = 0;
  bool known = false;
};

IoCounters ReadIo() {
  IoCounters io;
  std::ifstream in("/proc/self/io");
  std::string key;
  int64_t value = 0;
  while (in >> key >> value) {
    io.known = true;
    if (key == "rchar:") io.rchar = value;
    if (key == "wchar:") io.wchar = value;
    if (key == "syscr:") io.syscr = value;
    if (key == "syscw:") io.syscw = value;
  }
  return io;
}

struct IoTotals {
  IoCounters sum;
  int64_t ops = 0;
  void Add(const IoCounters& before, const IoCounters& after, int64_t n) {
    sum.known = before.known && after.known;
    sum.rchar += after.rchar - before.rchar;
    sum.wchar += after.wchar - before.wchar;
    sum.syscr += after.syscr - before.syscr;
    sum.syscw += after.syscw - before.syscw;
    ops += n;
  }
  void Print(std::string_view label) const {
    if (!sum.known || ops == 0) {
      std::printf("  %-40.*s (/proc/self/io not readable)\n", static_cast<int>(label.size()),
                  label.data());
      return;
    }
    const auto per = [this](int64_t v) {
      return static_cast<double>(v) / static_cast<double>(ops);
    };
    std::printf("  %-40.*s %6.1f reads %7.1f KiB read %6.1f writes %7.1f KiB written\n",
                static_cast<int>(label.size()), label.data(), per(sum.syscr),
                per(sum.rchar) / 1024.0, per(sum.syscw), per(sum.wchar) / 1024.0);
  }
};

// The campaign awards a side's sales or quotes got.
struct AwardTally {
  int64_t sales = 0, with_award = 0, awards = 0, held_out = 0, points = 0;
  std::map<std::string, int64_t> by_campaign;

  void Add(const std::vector<patron::Award>& awards_of_sale) {
    int64_t given = 0;
    for (const patron::Award& award : awards_of_sale) {
      if (award.kind == patron::kAwardCampaign)
        Count(award.campaign_id, award.points, award.held_out, given);
    }
    Close(given);
  }
  void Add(const std::vector<patron::SaleAward>& awards_of_sale) {
    int64_t given = 0;
    for (const patron::SaleAward& award : awards_of_sale) {
      if (!award.campaign_id.empty()) Count(award.campaign_id, award.points, award.held_out, given);
    }
    Close(given);
  }
  bool SameAs(const AwardTally& other) const {
    return sales == other.sales && awards == other.awards && held_out == other.held_out &&
           points == other.points && by_campaign == other.by_campaign;
  }
  void Print(std::string_view what) const {
    const auto n = static_cast<double>(sales);
    std::printf(
        "  campaign awards per %.*s: %.2f (%.0f%% of them got at least one), "
        "%.1f bonus points, %.2f held out\n",
        static_cast<int>(what.size()), what.data(), static_cast<double>(awards) / n,
        100.0 * static_cast<double>(with_award) / n, static_cast<double>(points) / n,
        static_cast<double>(held_out) / n);
  }

 private:
  void Count(const std::string& id, int64_t award_points, bool held, int64_t& given) {
    ++by_campaign[id];
    if (held) {
      ++held_out;
      return;
    }
    ++awards, ++given;
    points += award_points;
  }
  void Close(int64_t given) {
    ++sales;
    if (given > 0) ++with_award;
  }
};

// The same sequence of sales for both sides of a comparison: a seeded
// generator per side, advanced identically.
class Workload {
 public:
  // Members 0..members-1; with `regulars` > 0 half the sales go to the
  // first `regulars` of them.
  Workload(int64_t members, int64_t regulars) : members_(members), regulars_(regulars) {}

  patron::terminal::SaleRequest Next() {
    int64_t i = std::uniform_int_distribution<int64_t>(0, members_ - 1)(rng_);
    if (regulars_ > 0 && rng_() % 2 == 0) i = static_cast<int64_t>(rng_() % regulars_);
    patron::terminal::SaleRequest sale;
    sale.sale_ref = "P-" + std::to_string(next_++);
    sale.member_id = MemberId(i);
    sale.lines = patron::bench::MakeBasket(rng_);
    for (const patron::SaleLine& line : sale.lines) sale.amount_minor += line.amount_minor;
    last_member_ = i;
    return sale;
  }
  int64_t last_member() const { return last_member_; }

 private:
  std::mt19937_64 rng_{kSeed};
  int64_t members_ = 0, regulars_ = 0, next_ = 0, last_member_ = 0;
};

// One side of a comparison: a till with its pack, its workload, its
// samples, and what the sales got.
class Side {
 public:
  // Runs one sale through the till, and returns the time of the engine's
  // call alone in `us`; the awards are tallied after the clock stopped.
  using Op = std::function<Status(Terminal&, const patron::terminal::SaleRequest&, double& us,
                                  AwardTally&)>;

  Side(std::unique_ptr<Terminal> till, Workload workload, Op op)
      : till_(std::move(till)), workload_(std::move(workload)), op_(std::move(op)) {}

  // `n` operations; their latencies go to `us` (nullptr: a warm-up).
  Status Run(int n, std::vector<double>* us) {
    const IoCounters before = ReadIo();
    for (int k = 0; k < n; ++k) {
      const patron::terminal::SaleRequest sale = workload_.Next();
      AwardTally ignored;
      double elapsed_us = 0;
      PATRON_RETURN_IF_ERROR(op_(*till_, sale, elapsed_us, us != nullptr ? tally_ : ignored)
                                 .WithContext("sale " + sale.sale_ref));
      if (us != nullptr) us->push_back(elapsed_us);
    }
    if (us != nullptr) io_.Add(before, ReadIo(), n);
    return Status::OK();
  }
  const AwardTally& tally() const { return tally_; }
  const IoTotals& io() const { return io_; }

 private:
  std::unique_ptr<Terminal> till_;
  Workload workload_;
  Op op_;
  AwardTally tally_;
  IoTotals io_;
};

Status DoCheckout(Terminal& till, const patron::terminal::SaleRequest& sale, double& us,
                  AwardTally& tally) {
  const auto start = Clock::now();
  Result<patron::terminal::SaleResult> result = till.Checkout(sale);
  us = MicrosSince(start);
  if (!result.ok()) return result.status();
  if (result->replayed) return Status::Internal("a fresh sale_ref was replayed");
  tally.Add(result->awards);
  return Status::OK();
}

Status DoQuote(Terminal& till, const patron::terminal::SaleRequest& sale, double& us,
               AwardTally& tally) {
  const auto start = Clock::now();
  Result<patron::terminal::Quote> quote = till.QuoteSale(sale);
  us = MicrosSince(start);
  if (!quote.ok()) return quote.status();
  tally.Add(quote->awards);
  return Status::OK();
}

struct Comparison {
  std::vector<double> base_us, campaigns_us;
  std::vector<Summary> base_rounds, campaign_rounds;
};

// `per_side` operations each, in kRounds rounds; even rounds start with
// the base pack, odd ones with the campaigns.
Result<Comparison> Alternate(Side& base, Side& campaigns, int per_side) {
  Comparison c;
  for (int round = 0; round < kRounds; ++round) {
    const int n = per_side / kRounds + (round < per_side % kRounds ? 1 : 0);
    std::vector<double> b, p;
    if (round % 2 == 0) {
      PATRON_RETURN_IF_ERROR(base.Run(n, &b));
      PATRON_RETURN_IF_ERROR(campaigns.Run(n, &p));
    } else {
      PATRON_RETURN_IF_ERROR(campaigns.Run(n, &p));
      PATRON_RETURN_IF_ERROR(base.Run(n, &b));
    }
    c.base_rounds.push_back(Summarize(b));
    c.campaign_rounds.push_back(Summarize(p));
    c.base_us.insert(c.base_us.end(), b.begin(), b.end());
    c.campaigns_us.insert(c.campaigns_us.end(), p.begin(), p.end());
  }
  return c;
}

void PrintRounds(const Comparison& c) {
  std::printf("  per-round medians (us):");
  for (size_t r = 0; r < c.base_rounds.size(); ++r) {
    std::printf("  %.0f / %.0f", c.base_rounds[r].median, c.campaign_rounds[r].median);
  }
  std::printf("   (base / campaigns)\n");
}

// Which campaigns the sales got, most often first (held-out lines
// included), and those that never applied.
void PrintByCampaign(const AwardTally& tally, const Rules& pack) {
  std::vector<std::pair<int64_t, std::string>> applied;
  for (const auto& [id, n] : tally.by_campaign) applied.emplace_back(-n, id);
  std::sort(applied.begin(), applied.end());
  std::string line = "  % of sales per campaign:";
  for (const auto& [minus_n, id] : applied) {
    const double share = -100.0 * static_cast<double>(minus_n) / static_cast<double>(tally.sales);
    char item[96];
    std::snprintf(item, sizeof item, " %s %.0f,", id.c_str(), share);
    if (line.size() + std::string_view(item).size() > 100) {
      std::printf("%s\n", line.c_str());
      line = "   ";
    }
    line += item;
  }
  if (line.back() == ',') line.pop_back();
  std::printf("%s\n", line.c_str());
  std::string never;
  for (const patron::Campaign& campaign : pack.campaigns) {
    if (tally.by_campaign.count(campaign.id) == 0) never += " " + campaign.id;
  }
  std::printf("  applied at least once: %zu of %zu campaigns; never:%s\n", tally.by_campaign.size(),
              pack.campaigns.size(), never.empty() ? " -" : never.c_str());
}

void RemoveDatabase(const std::filesystem::path& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code ignored;  // absent is fine; a real problem shows up at open
    std::filesystem::remove(path.string() + suffix, ignored);
  }
}

// A fresh terminal database at `path` with `members` bulk-loaded members,
// their profiles, and `pack` in force.
Result<std::unique_ptr<Terminal>> OpenTill(const std::filesystem::path& path, int64_t members,
                                           const Rules& pack, const BenchClock& clock, bool fsync) {
  std::mt19937_64 rng(kSeed);
  PATRON_RETURN_IF_ERROR(
      patron::bench::LoadMembers(MakeOptions(path, clock, fsync), members, rng).status());
  PATRON_RETURN_IF_ERROR(patron::bench::ApplyMemberProfiles(path.string(), clock.start_ms));
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Terminal> till,
                          Terminal::Open(MakeOptions(path, clock, fsync)));
  PATRON_RETURN_IF_ERROR(patron::bench::InstallPack(*till, pack));
  return till;
}

// ---- the sections ----------------------------------------------------------

// Section 1 (durable: the target) and 1b (synchronous=NORMAL: the engine's
// own cost without the disk's flush).
Status RunCheckouts(const Flags& flags, const BenchClock& clock, bool fsync) {
  const std::filesystem::path dir(flags.dir);
  const std::string suffix = fsync ? ".db" : "-nosync.db";
  const Rules campaign_pack = patron::bench::CampaignPack();
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Terminal> base_till,
                          OpenTill(dir / ("checkout-base" + suffix), kCheckoutMembers,
                                   patron::bench::BasePack(), clock, fsync));
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Terminal> campaign_till,
                          OpenTill(dir / ("checkout-campaigns" + suffix), kCheckoutMembers,
                                   campaign_pack, clock, fsync));
  Side base(std::move(base_till), Workload(kCheckoutMembers, kRegulars), DoCheckout);
  Side campaigns(std::move(campaign_till), Workload(kCheckoutMembers, kRegulars), DoCheckout);
  // Warm-up (first pages, statement caches), not recorded.
  PATRON_RETURN_IF_ERROR(base.Run(20, nullptr));
  PATRON_RETURN_IF_ERROR(campaigns.Run(20, nullptr));
  PATRON_ASSIGN_OR_RETURN(Comparison c, Alternate(base, campaigns, flags.checkouts));

  const Summary b = Summarize(c.base_us);
  const Summary p = Summarize(c.campaigns_us);
  const double ratio = p.median / b.median;
  if (fsync) {
    std::printf("\n[1] Checkout, durable (WAL, synchronous=FULL), %" PRId64
                " members, %d rounds alternating\n",
                kCheckoutMembers, kRounds);
  } else {
    std::printf(
        "\n[1b] The same with synchronous=NORMAL (no flush per commit): the engine's "
        "own cost\n");
  }
  PrintHeader();
  PrintRow("Checkout, base pack (no campaigns)", b);
  PrintRow("Checkout, 50-campaign pack", p);
  PrintRounds(c);
  std::printf("  campaigns median / base median = %.3f   target <= %.2f   %s%s\n", ratio,
              kCheckoutRatioTarget, Verdict(ratio <= kCheckoutRatioTarget),
              fsync ? "" : " (no flush)");
  std::printf("  campaigns p99 / base p99       = %.3f   (not a target)\n", p.p99 / b.p99);
  campaigns.tally().Print("checkout");
  const AwardTally& tally = campaigns.tally();
  std::printf(
      "  median difference per campaign award: %.1f us\n",
      (p.median - b.median) * static_cast<double>(tally.sales) / static_cast<double>(tally.awards));
  base.io().Print("I/O calls per checkout, base pack");
  campaigns.io().Print("I/O calls per checkout, 50 campaigns");
  if (fsync) PrintByCampaign(campaigns.tally(), campaign_pack);
  return Status::OK();
}

// The inputs of the quotes, kept for section 3.
struct QuoteInput {
  patron::EvalMember member;
  patron::EvalBasket basket;
};

// The `n` sales of a quote workload after its first `skip`, as Evaluate's
// inputs.
std::vector<QuoteInput> QuoteInputs(int skip, int n, int64_t members, int64_t now_ms) {
  Workload workload(members, 0);
  for (int k = 0; k < skip; ++k) workload.Next();
  std::vector<QuoteInput> inputs;
  for (int k = 0; k < n; ++k) {
    patron::terminal::SaleRequest sale = workload.Next();
    const patron::bench::MemberProfile profile =
        patron::bench::ProfileOf(workload.last_member(), now_ms);
    QuoteInput& input = inputs.emplace_back();
    input.member.member_id = sale.member_id;
    input.member.tier = profile.tier;
    input.member.birthday = profile.birthday;
    input.member.enrolled_ms = profile.enrolled_ms;
    input.member.last_purchase_ms = profile.last_purchase_ms;
    input.basket.store_id = std::string(patron::bench::kBenchStoreId);
    input.basket.amount_minor = sale.amount_minor;
    input.basket.paid_minor = sale.amount_minor;
    input.basket.lines = std::move(sale.lines);
  }
  return inputs;
}

// Section 3: Evaluate alone on the inputs section 2 quoted after its
// `warmup`, for both packs in alternating rounds. The members are
// ProfileOf's, so the awards must come out as the quotes' did.
Status RunEvaluate(const Flags& flags, const BenchClock& clock, int warmup, const Summary& quote,
                   const AwardTally& quotes) {
  const Rules base_pack = patron::bench::BasePack();
  const Rules campaign_pack = patron::bench::CampaignPack();
  const std::vector<QuoteInput> inputs =
      QuoteInputs(warmup, flags.quotes, flags.members, clock.start_ms);
  std::vector<double> base_us, campaigns_us;
  AwardTally tally;
  const auto block = [&](const Rules& pack, size_t from, size_t to, std::vector<double>& us,
                         AwardTally* count) -> Status {
    for (size_t k = from; k < to; ++k) {
      const auto start = Clock::now();
      Result<patron::Evaluation> evaluation =
          patron::Evaluate(pack, inputs[k].member, inputs[k].basket, clock.NowMs());
      us.push_back(MicrosSince(start));
      if (!evaluation.ok()) return evaluation.status();
      if (count != nullptr) count->Add(evaluation->awards);
    }
    return Status::OK();
  };
  for (int round = 0; round < kRounds; ++round) {
    const size_t from = inputs.size() * static_cast<size_t>(round) / kRounds;
    const size_t to = inputs.size() * static_cast<size_t>(round + 1) / kRounds;
    if (round % 2 == 0) {
      PATRON_RETURN_IF_ERROR(block(base_pack, from, to, base_us, nullptr));
      PATRON_RETURN_IF_ERROR(block(campaign_pack, from, to, campaigns_us, &tally));
    } else {
      PATRON_RETURN_IF_ERROR(block(campaign_pack, from, to, campaigns_us, &tally));
      PATRON_RETURN_IF_ERROR(block(base_pack, from, to, base_us, nullptr));
    }
  }
  const Summary b = Summarize(base_us);
  const Summary p = Summarize(campaigns_us);
  std::printf("\n[3] Evaluate alone (pure function, no I/O) on section 2's quotes\n");
  PrintHeader();
  PrintRow("Evaluate, base pack", b);
  PrintRow("Evaluate, 50-campaign pack", p);
  std::printf("  Evaluate with 50 campaigns: %.0f%% of the quote's median, %.0f%% of its p99\n",
              100.0 * p.median / quote.median, 100.0 * p.p99 / quote.p99);
  tally.Print("evaluation");
  // The quotes' members come from the database, these from ProfileOf: the
  // same awards show that both saw the same members at the same hour.
  std::printf("  the same awards as section 2's quotes: %s\n",
              tally.SameAs(quotes) ? "yes" : "NO (the members or the hour differ)");
  return Status::OK();
}

// Section 2: QuoteSale over `flags.members` members, each pack on its own
// copy of the same database.
Status RunQuotes(const Flags& flags, const BenchClock& clock) {
  const std::filesystem::path dir(flags.dir);
  const std::filesystem::path campaigns_path = dir / "quote-campaigns.db";
  const std::filesystem::path base_path = dir / "quote-base.db";
  std::printf("\n[2] Quote over %" PRId64 " members\n", flags.members);
  std::mt19937_64 rng(kSeed);
  PATRON_ASSIGN_OR_RETURN(
      patron::bench::LoadFigures load,
      patron::bench::LoadMembers(MakeOptions(campaigns_path, clock), flags.members, rng));
  std::printf("  bulk load (bench_members.cc)       %8.2f s\n", load.load_s + load.checkpoint_s);
  auto start = Clock::now();
  PATRON_RETURN_IF_ERROR(
      patron::bench::ApplyMemberProfiles(campaigns_path.string(), clock.start_ms));
  std::printf("  member profiles (one UPDATE)       %8.2f s\n", MicrosSince(start) / 1e6);
  start = Clock::now();
  std::filesystem::copy_file(campaigns_path, base_path);
  std::printf("  copy for the base pack             %8.2f s   %8.1f MiB each\n",
              MicrosSince(start) / 1e6,
              static_cast<double>(patron::bench::DatabaseBytes(base_path)) / (1024.0 * 1024.0));

  const Rules campaign_pack = patron::bench::CampaignPack();
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Terminal> base_till,
                          Terminal::Open(MakeOptions(base_path, clock)));
  PATRON_RETURN_IF_ERROR(patron::bench::InstallPack(*base_till, patron::bench::BasePack()));
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Terminal> campaign_till,
                          Terminal::Open(MakeOptions(campaigns_path, clock)));
  PATRON_RETURN_IF_ERROR(patron::bench::InstallPack(*campaign_till, campaign_pack));
  Side base(std::move(base_till), Workload(flags.members, 0), DoQuote);
  Side campaigns(std::move(campaign_till), Workload(flags.members, 0), DoQuote);
  // Warm-up, not recorded: statement caches and the upper B-tree levels.
  const int warmup = std::max(1000, flags.quotes / 10);
  PATRON_RETURN_IF_ERROR(base.Run(warmup, nullptr));
  PATRON_RETURN_IF_ERROR(campaigns.Run(warmup, nullptr));
  PATRON_ASSIGN_OR_RETURN(Comparison c, Alternate(base, campaigns, flags.quotes));

  const Summary b = Summarize(c.base_us);
  const Summary p = Summarize(c.campaigns_us);
  std::printf("  %d rounds alternating\n", kRounds);
  PrintHeader();
  PrintRow("QuoteSale, base pack (no campaigns)", b);
  PrintRow("QuoteSale, 50-campaign pack", p);
  PrintRounds(c);
  std::printf("  50-campaign p99 = %.1f us   target <= %.0f us   %s\n", p.p99, kQuoteP99TargetUs,
              Verdict(p.p99 <= kQuoteP99TargetUs));
  std::printf("  campaigns / base: median %.3f, p99 %.3f   (not a target)\n", p.median / b.median,
              p.p99 / b.p99);
  campaigns.tally().Print("quote");
  base.io().Print("I/O calls per quote, base pack");
  campaigns.io().Print("I/O calls per quote, 50 campaigns");
  PrintByCampaign(campaigns.tally(), campaign_pack);
  std::fflush(stdout);
  return RunEvaluate(flags, clock, warmup, p, campaigns.tally());
}

// glibc's malloc as patrond sets it (TuneMalloc in terminal/src/daemon/
// main.cc), since patrond is where the engine runs. With glibc's default
// 128 KiB trim threshold, freeing a statement's journal at the end of
// every UPDATE shrinks the heap with brk and the next one grows it again;
// on this VM that tripled the campaigns' extra cost (docs/BENCHMARKS.md).
void TuneMallocLikePatrond() {
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  mallopt(M_TOP_PAD, 1 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

Status Run(const Flags& flags, const char* argv0) {
  std::error_code ec;
  std::filesystem::create_directories(flags.dir, ec);
  if (ec) return Status::IOError("cannot create " + flags.dir + ": " + ec.message());
  for (const char* name : {"checkout-base.db", "checkout-campaigns.db", "checkout-base-nosync.db",
                           "checkout-campaigns-nosync.db", "quote-base.db", "quote-campaigns.db"}) {
    RemoveDatabase(std::filesystem::path(flags.dir) / name);
  }
  BenchClock clock;
  PATRON_ASSIGN_OR_RETURN(
      clock.start_ms,
      patron::ParsePackTime(patron::bench::kBenchLocalTime, patron::bench::kPackUtcOffsetMinutes));
  const Rules pack = patron::bench::CampaignPack();
  PATRON_RETURN_IF_ERROR(patron::ValidateRules(pack).WithContext("the benchmark's pack"));
  std::printf("patron programme benchmark  %s  %u cpus  SQLite %s\n", Today().c_str(),
              std::thread::hardware_concurrency(), sqlite3_libversion());
  std::printf("reproduce: %s --dir %s --members %" PRId64 " --checkouts %d --quotes %d\n", argv0,
              flags.dir.c_str(), flags.members, flags.checkouts, flags.quotes);
  std::printf(
      "pack: %zu campaigns, valid (ValidateRules); the engine's clock runs from %s "
      "(UTC%+03" PRId64 ":00), store %s\n",
      pack.campaigns.size(), std::string(patron::bench::kBenchLocalTime).c_str(),
      patron::bench::kPackUtcOffsetMinutes / 60, std::string(patron::bench::kBenchStoreId).c_str());
  std::fflush(stdout);
  PATRON_RETURN_IF_ERROR(RunCheckouts(flags, clock, /*fsync=*/true));
  std::fflush(stdout);
  PATRON_RETURN_IF_ERROR(RunCheckouts(flags, clock, /*fsync=*/false));
  std::fflush(stdout);
  return RunQuotes(flags, clock);
}

}  // namespace

int main(int argc, char** argv) {
  Result<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok()) {
    std::fprintf(stderr, "%s\n%.*s", flags.status().message().c_str(),
                 static_cast<int>(kUsage.size()), kUsage.data());
    return 2;
  }
  TuneMallocLikePatrond();
  const Status status = Run(*flags, argv[0]);
  if (!status.ok()) {
    std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
