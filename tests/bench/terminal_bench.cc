// patron_terminal_bench: the terminal engine's performance targets, measured
// against bare SQLite in the same run on the same disk.
//
//   1. Checkout (earn, durable commit): median latency within 1.5x of a bare
//      single-row INSERT + COMMIT with the same durability (WAL,
//      synchronous=FULL).
//   1c. Pages one checkout writes (WAL frames), with and without lines.
//   2. FindByPhone over 1,000,000 members: p99 within 100 us in-process; plus
//      the size of such a database.
//
// Machines are shared and noisy, so the figures are medians and percentiles of
// many samples, and each target is a ratio to a baseline taken in alternating
// rounds with the engine so that noise hits both sides alike. The program is a
// report: a missed target is printed as MISS and still exits 0; only errors
// (bad flags, I/O, an engine failure) exit non-zero. docs/BENCHMARKS.md
// explains each figure.
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_members.h"
#include "bench_stats.h"
#include "raw_sqlite.h"
#include "patron/phone.h"
#include "patron/sql/database.h"
#include "patron/status.h"
#include "patron/terminal/terminal.h"

using patron::bench::Clock;
using patron::bench::MicrosSince;
using patron::bench::PrintHeader;
using patron::bench::PrintRow;
using patron::bench::Summarize;
using patron::bench::Summary;
using patron::bench::Verdict;

namespace {

using patron::bench::Exec;
using patron::bench::OpenRaw;
using patron::bench::Prepare;
using patron::bench::RawDb;
using patron::bench::RawError;
using patron::bench::RawStmt;
using patron::bench::StepDone;
using patron::Result;
using patron::Status;
using patron::bench::E164Phone;
using patron::bench::kMaxMembers;
using patron::bench::LoadFigures;
using patron::bench::LoadMembers;
using patron::bench::TypedPhone;
using patron::terminal::Terminal;
using patron::terminal::TerminalOptions;

constexpr int kRounds = 3;
constexpr int kCheckoutMembers = 16;
constexpr double kCheckoutRatioTarget = 1.5;
constexpr double kLookupP99TargetUs = 100.0;
constexpr uint64_t kSeed = 20240601;
constexpr std::string_view kTerminalId = "S001-T01";
constexpr std::string_view kStoreId = "S001";

struct Flags {
  std::string dir;
  int64_t members = 1'000'000;
  int checkouts = 2000;
  int lookups = 20000;
};

constexpr std::string_view kUsage =
    "usage: patron_terminal_bench --dir DIR [--members N] [--checkouts N] [--lookups N] "
    "[--quick]\n";

Result<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  bool quick = false;
  bool members_set = false, checkouts_set = false, lookups_set = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--quick") {
      quick = true;
      continue;
    }
    if (arg != "--dir" && arg != "--members" && arg != "--checkouts" && arg != "--lookups") {
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
    const int64_t limit = arg == "--members" ? kMaxMembers : 10'000'000;
    if (ec != std::errc() || end != value.data() + value.size() || number < 1 || number > limit) {
      return Status::InvalidArgument(std::string(arg) + " needs a number from 1 to " +
                                     std::to_string(limit));
    }
    if (arg == "--members") {
      flags.members = number, members_set = true;
    } else if (arg == "--checkouts") {
      flags.checkouts = static_cast<int>(number), checkouts_set = true;
    } else {
      flags.lookups = static_cast<int>(number), lookups_set = true;
    }
  }
  if (flags.dir.empty()) return Status::InvalidArgument("--dir is required");
  // --quick only changes the defaults, so explicit numbers still win.
  if (quick) {
    if (!members_set) flags.members = 20'000;
    if (!checkouts_set) flags.checkouts = 300;
    if (!lookups_set) flags.lookups = 3000;
  }
  return flags;
}


// ---- bare SQLite ---------------------------------------------------------

// The yardstick for Checkout: the cheapest durable transaction SQLite offers
// with the engine's settings (WAL, synchronous=FULL), one small row each.
// With `fsync` false it runs synchronous=NORMAL, where a WAL commit is not
// synced, to show the cost of everything but the disk flush.
class BaselineWriter {
 public:
  static Result<BaselineWriter> Open(const std::string& path, bool fsync) {
    PATRON_ASSIGN_OR_RETURN(RawDb db, OpenRaw(path));
    PATRON_RETURN_IF_ERROR(
        Exec(db.get(), fsync ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL"
                             : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"));
    PATRON_RETURN_IF_ERROR(Exec(db.get(),
                                "CREATE TABLE sales (id INTEGER PRIMARY KEY, sale_ref TEXT NOT "
                                "NULL, amount_minor INTEGER NOT NULL) STRICT"));
    BaselineWriter w;
    PATRON_ASSIGN_OR_RETURN(w.begin_, Prepare(db.get(), "BEGIN IMMEDIATE"));
    PATRON_ASSIGN_OR_RETURN(
        w.insert_, Prepare(db.get(), "INSERT INTO sales(sale_ref, amount_minor) VALUES (?, ?)"));
    PATRON_ASSIGN_OR_RETURN(w.commit_, Prepare(db.get(), "COMMIT"));
    w.db_ = std::move(db);
    return w;
  }

  // Appends the latency of `n` BEGIN IMMEDIATE; INSERT; COMMIT to `us`.
  Status Run(int n, std::vector<double>& us) {
    for (int i = 0; i < n; ++i) {
      const std::string sale_ref = "B-" + std::to_string(next_++);
      const auto start = Clock::now();
      PATRON_RETURN_IF_ERROR(StepDone(db_.get(), begin_.get()));
      sqlite3_bind_text(insert_.get(), 1, sale_ref.data(), static_cast<int>(sale_ref.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert_.get(), 2, 1000 + next_ % 50 * 100);
      PATRON_RETURN_IF_ERROR(StepDone(db_.get(), insert_.get()));
      PATRON_RETURN_IF_ERROR(StepDone(db_.get(), commit_.get()));
      us.push_back(MicrosSince(start));
    }
    return Status::OK();
  }

 private:
  BaselineWriter() = default;
  // Statements are declared after the connection so they are finalised first.
  RawDb db_;
  RawStmt begin_, insert_, commit_;
  int64_t next_ = 0;
};

// ---- the engine ----------------------------------------------------------

TerminalOptions MakeOptions(const std::string& path, bool fsync = true) {
  TerminalOptions options;
  options.db_path = path;
  options.terminal_id = std::string(kTerminalId);
  options.store_id = std::string(kStoreId);
  options.db_options.synchronous_full = fsync;
  return options;
}

// Earn-only checkouts, each with a fresh sale_ref, spread over a few members
// so that no member's journal (which every checkout sums) grows unusually long.
class CheckoutRunner {
 public:
  static Result<CheckoutRunner> Open(const std::string& path, bool fsync) {
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Terminal> till,
                            Terminal::Open(MakeOptions(path, fsync)));
    CheckoutRunner runner;
    for (int i = 0; i < kCheckoutMembers; ++i) {
      patron::terminal::EnrolRequest enrol;
      char phone[32];
      std::snprintf(phone, sizeof phone, "415-555-01%02d", i);
      enrol.phone = phone;
      enrol.profile.name = "Bench Member " + std::to_string(i);
      PATRON_ASSIGN_OR_RETURN(patron::terminal::EnrolResult enrolled, till->Enrol(enrol));
      runner.member_ids_.push_back(enrolled.member.member_id);
    }
    runner.till_ = std::move(till);
    return runner;
  }

  // Basket lines per sale from now on (0: none), each with a name and a
  // category, summing to the sale.
  void set_lines(int lines) { lines_ = lines; }

  Status Run(int n, std::vector<double>& us) {
    for (int i = 0; i < n; ++i) {
      patron::terminal::SaleRequest sale;
      sale.sale_ref = "R-" + std::to_string(next_);
      sale.member_id = member_ids_[next_ % member_ids_.size()];
      sale.amount_minor = 1000 + next_ % 50 * 100;
      for (int l = 0; l < lines_; ++l) {
        patron::SaleLine line;
        line.sku = "SKU-" + std::to_string(l);
        line.name = "Article " + std::to_string(l);
        line.category = "grocery";
        line.amount_minor = l + 1 < lines_ ? 100 : sale.amount_minor - 100 * (lines_ - 1);
        sale.lines.push_back(std::move(line));
      }
      ++next_;
      const auto start = Clock::now();
      Result<patron::terminal::SaleResult> result = till_->Checkout(sale);
      us.push_back(MicrosSince(start));
      if (!result.ok()) return result.status().WithContext("checkout " + sale.sale_ref);
      if (result->replayed || result->earned_points <= 0) {
        return Status::Internal("checkout " + sale.sale_ref + " earned nothing");
      }
    }
    return Status::OK();
  }

 private:
  CheckoutRunner() = default;
  std::unique_ptr<Terminal> till_;
  std::vector<std::string> member_ids_;
  int lines_ = 0;
  int64_t next_ = 0;
};

// ---- members -------------------------------------------------------------

// FindByPhone on typed phones (normalisation included) against a bare
// prepared SELECT of the same row by its E.164 phone, in alternating rounds.
struct LookupFigures {
  std::vector<double> engine_us, raw_us, normalize_us;
};

Result<LookupFigures> MeasureLookups(const std::string& path, int64_t members, int lookups,
                                     std::mt19937_64& rng) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Terminal> till, Terminal::Open(MakeOptions(path)));
  PATRON_ASSIGN_OR_RETURN(RawDb raw, OpenRaw(path));
  PATRON_ASSIGN_OR_RETURN(
      RawStmt select,
      Prepare(raw.get(),
              "SELECT member_id, phone, card, status, enrolled_store, enrolled_ms, name, "
              "birthday, email, gender, sms_consent, email_consent, server_balance, "
              "server_spend_minor FROM members WHERE phone = ?"));
  std::uniform_int_distribution<int64_t> pick(0, members - 1);

  LookupFigures figures;
  auto engine_block = [&](int n, std::vector<double>* us) -> Status {
    for (int k = 0; k < n; ++k) {
      const int64_t i = pick(rng);
      const std::string typed = TypedPhone(i);
      const auto start = Clock::now();
      Result<patron::terminal::Member> member = till->FindByPhone(typed);
      if (us != nullptr) us->push_back(MicrosSince(start));
      if (!member.ok()) return member.status().WithContext("FindByPhone " + typed);
      if (member->phone != E164Phone(i)) return Status::Internal("FindByPhone: wrong member");
    }
    return Status::OK();
  };
  auto raw_block = [&](int n, std::vector<double>* us) -> Status {
    for (int k = 0; k < n; ++k) {
      const std::string e164 = E164Phone(pick(rng));
      const auto start = Clock::now();
      sqlite3_bind_text(select.get(), 1, e164.data(), static_cast<int>(e164.size()),
                        SQLITE_TRANSIENT);
      const int rc = sqlite3_step(select.get());
      const size_t id_size = rc == SQLITE_ROW
                                 ? std::string_view(reinterpret_cast<const char*>(
                                                        sqlite3_column_text(select.get(), 0)))
                                       .size()
                                 : 0;
      sqlite3_reset(select.get());
      if (us != nullptr) us->push_back(MicrosSince(start));
      if (rc != SQLITE_ROW || id_size != 36) return RawError(raw.get(), "select by phone");
    }
    return Status::OK();
  };
  // Warm-up, not recorded: SQLite's page cache, the statement caches and the
  // OS cache of the upper B-tree levels settle before the clock runs.
  const int warmup = std::max(1000, lookups / 10);
  PATRON_RETURN_IF_ERROR(engine_block(warmup, nullptr));
  PATRON_RETURN_IF_ERROR(raw_block(warmup, nullptr));
  for (int round = 0; round < kRounds; ++round) {
    const int n = lookups / kRounds + (round < lookups % kRounds ? 1 : 0);
    PATRON_RETURN_IF_ERROR(engine_block(n, &figures.engine_us));
    PATRON_RETURN_IF_ERROR(raw_block(n, &figures.raw_us));
  }
  // The share of the look-up that is phone normalisation (no I/O).
  for (int k = 0; k < lookups; ++k) {
    const std::string typed = TypedPhone(pick(rng));
    const auto start = Clock::now();
    Result<std::string> e164 = patron::NormalizePhone(typed, "1");
    figures.normalize_us.push_back(MicrosSince(start));
    if (!e164.ok()) return e164.status();
  }
  return figures;
}

// ---- the report ----------------------------------------------------------

void RemoveDatabase(const std::filesystem::path& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code ignored;  // absent is fine; a real problem shows up at open
    std::filesystem::remove(path.string() + suffix, ignored);
  }
}

// Section 1 (fsync: the target) and 1b (no fsync: the engine's own cost).
Status RunCheckouts(const Flags& flags, bool fsync) {
  const std::filesystem::path dir(flags.dir);
  const std::string suffix = fsync ? ".db" : "-nosync.db";
  PATRON_ASSIGN_OR_RETURN(BaselineWriter baseline,
                          BaselineWriter::Open((dir / ("baseline" + suffix)).string(), fsync));
  PATRON_ASSIGN_OR_RETURN(CheckoutRunner checkout,
                          CheckoutRunner::Open((dir / ("checkout" + suffix)).string(), fsync));
  // Warm-up (first pages of each file, statement caches), not recorded.
  std::vector<double> discard;
  PATRON_RETURN_IF_ERROR(baseline.Run(20, discard));
  PATRON_RETURN_IF_ERROR(checkout.Run(20, discard));

  std::vector<double> baseline_us, checkout_us;
  std::vector<Summary> round_baseline, round_checkout;
  for (int round = 0; round < kRounds; ++round) {
    const int n = flags.checkouts / kRounds + (round < flags.checkouts % kRounds ? 1 : 0);
    std::vector<double> b, c;
    // Alternate which side goes first so neither always follows the other.
    if (round % 2 == 0) {
      PATRON_RETURN_IF_ERROR(baseline.Run(n, b));
      PATRON_RETURN_IF_ERROR(checkout.Run(n, c));
    } else {
      PATRON_RETURN_IF_ERROR(checkout.Run(n, c));
      PATRON_RETURN_IF_ERROR(baseline.Run(n, b));
    }
    round_baseline.push_back(Summarize(b));
    round_checkout.push_back(Summarize(c));
    baseline_us.insert(baseline_us.end(), b.begin(), b.end());
    checkout_us.insert(checkout_us.end(), c.begin(), c.end());
  }
  const Summary b = Summarize(baseline_us);
  const Summary c = Summarize(checkout_us);
  const double ratio = c.median / b.median;
  if (fsync) {
    std::printf("\n[1] Durable write: WAL, synchronous=FULL, %d rounds alternating\n", kRounds);
  } else {
    std::printf(
        "\n[1b] The same with synchronous=NORMAL (no fsync per commit): the cost of "
        "everything but the flush\n");
  }
  PrintHeader();
  PrintRow("bare SQLite BEGIN IMMEDIATE/INSERT/COMMIT", b);
  PrintRow("Terminal::Checkout (earn)", c);
  std::printf("  per-round medians (us):");
  for (size_t r = 0; r < round_baseline.size(); ++r) {
    std::printf("  %.0f / %.0f", round_baseline[r].median, round_checkout[r].median);
  }
  std::printf("   (bare / checkout)\n");
  if (fsync) {
    std::printf("  checkout median / bare median = %.2f   target <= %.1f   %s\n", ratio,
                kCheckoutRatioTarget, Verdict(ratio <= kCheckoutRatioTarget));
  } else {
    std::printf("  checkout median / bare median = %.2f   (not a target)\n", ratio);
  }
  std::printf("  checkout p99 / bare p99       = %.2f   (not a target)\n", c.p99 / b.p99);
  return Status::OK();
}

// Section 1c: what one checkout writes, counted in WAL frames (one frame =
// one page written), a figure independent of the machine. The WAL is
// truncated first; fewer frames than SQLite's autocheckpoint (1,000) are
// written, so the WAL only grows and its size counts them all.
Result<double> FramesPerCheckout(const std::string& path, int lines) {
  RemoveDatabase(path);
  constexpr int kCheckouts = 30;
  PATRON_ASSIGN_OR_RETURN(CheckoutRunner runner, CheckoutRunner::Open(path, /*fsync=*/true));
  runner.set_lines(lines);
  std::vector<double> ignored;
  PATRON_RETURN_IF_ERROR(runner.Run(5, ignored));  // statement caches, first pages
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<patron::sql::Database> raw,
                          patron::sql::Database::Open(path));
  PATRON_RETURN_IF_ERROR(raw->Execute("PRAGMA wal_checkpoint(TRUNCATE)"));
  PATRON_ASSIGN_OR_RETURN(int64_t page_size, raw->QueryInt64("PRAGMA page_size"));
  PATRON_RETURN_IF_ERROR(runner.Run(kCheckouts, ignored));
  const auto wal_bytes = static_cast<int64_t>(std::filesystem::file_size(path + "-wal"));
  constexpr int64_t kWalHeader = 32, kFrameHeader = 24;
  const int64_t frames = (wal_bytes - kWalHeader) / (page_size + kFrameHeader);
  return static_cast<double>(frames) / kCheckouts;
}

Status RunPagesWritten(const Flags& flags) {
  const std::string path = (std::filesystem::path(flags.dir) / "frames.db").string();
  std::printf("\n[1c] Pages one checkout writes (WAL frames per durable commit; no machine "
              "dependence)\n");
  for (int lines : {0, 5}) {
    PATRON_ASSIGN_OR_RETURN(double frames, FramesPerCheckout(path, lines));
    std::printf("  earn checkout, %d basket lines            %6.1f frames\n", lines, frames);
  }
  RemoveDatabase(path);
  return Status::OK();
}

Status RunMembers(const Flags& flags) {
  const std::string path = (std::filesystem::path(flags.dir) / "members.db").string();
  std::mt19937_64 rng(kSeed);
  PATRON_ASSIGN_OR_RETURN(LoadFigures load, LoadMembers(MakeOptions(path), flags.members, rng));
  const double mib = static_cast<double>(load.bytes) / (1024.0 * 1024.0);
  std::printf("\n[2] Bulk load: %" PRId64 " members, one transaction, random phone order\n",
              flags.members);
  std::printf("  load (derive ids, insert, commit)  %8.2f s   %9.0f members/s\n", load.load_s,
              static_cast<double>(flags.members) / load.load_s);
  std::printf("  wal_checkpoint(TRUNCATE)           %8.2f s\n", load.checkpoint_s);
  std::printf("  database size (file + -wal)        %8.1f MiB  %9.0f bytes/member  (%ju bytes)\n",
              mib, static_cast<double>(load.bytes) / static_cast<double>(flags.members),
              load.bytes);

  PATRON_ASSIGN_OR_RETURN(LookupFigures lookups,
                          MeasureLookups(path, flags.members, flags.lookups, rng));
  const Summary engine = Summarize(lookups.engine_us);
  const Summary raw = Summarize(lookups.raw_us);
  std::printf("\n[3] Look-up by phone over %" PRId64
              " members (typed \"(415) 2xx-xxxx\"), "
              "%d rounds alternating\n",
              flags.members, kRounds);
  PrintHeader();
  PrintRow("Terminal::FindByPhone", engine);
  PrintRow("bare SQLite SELECT row WHERE phone = ?", raw);
  PrintRow("  of FindByPhone: NormalizePhone", Summarize(lookups.normalize_us));
  std::printf("  FindByPhone p99 = %.1f us   target <= %.0f us   %s\n", engine.p99,
              kLookupP99TargetUs, Verdict(engine.p99 <= kLookupP99TargetUs));
  std::printf("  FindByPhone / bare: median %.2f, p99 %.2f   (not a target)\n",
              engine.median / raw.median, engine.p99 / raw.p99);
  return Status::OK();
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
  for (const char* name :
       {"baseline.db", "checkout.db", "baseline-nosync.db", "checkout-nosync.db", "members.db"}) {
    RemoveDatabase(std::filesystem::path(flags.dir) / name);
  }
  std::printf("patron terminal benchmark  %s  %u cpus  SQLite %s\n", Today().c_str(),
              std::thread::hardware_concurrency(), sqlite3_libversion());
  std::printf("reproduce: %s --dir %s --members %" PRId64 " --checkouts %d --lookups %d\n", argv0,
              flags.dir.c_str(), flags.members, flags.checkouts, flags.lookups);
  std::fflush(stdout);
  PATRON_RETURN_IF_ERROR(RunCheckouts(flags, /*fsync=*/true));
  std::fflush(stdout);
  PATRON_RETURN_IF_ERROR(RunCheckouts(flags, /*fsync=*/false));
  std::fflush(stdout);
  PATRON_RETURN_IF_ERROR(RunPagesWritten(flags));
  std::fflush(stdout);
  PATRON_RETURN_IF_ERROR(RunMembers(flags));
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  Result<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok()) {
    std::fprintf(stderr, "%s\n%.*s", flags.status().message().c_str(),
                 static_cast<int>(kUsage.size()), kUsage.data());
    return 2;
  }
  const Status status = Run(*flags, argv[0]);
  if (!status.ok()) {
    std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
