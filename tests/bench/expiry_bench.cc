// patron_expiry_bench: head office's points expiry run (issue 16: "the
// expiry run over 1,000,000 members with 20,000,000 entries: report
// seconds; target <= 60 s"), SyncService::RunExpiry over a SQLite store
// holding a programme of three and a half years (expiry_data.h), on the
// New Year's night when the points earned two years before expire.
//
//   [0] the store: packs and tills through SyncService, entries and queued
//       profile changes bulk-loaded through the store's encoders, member
//       rows made by the store's own fold; sample rows checked against the
//       library's lots.
//   [1] RunExpiry once, timed: members expired, entries written, points;
//       checked against what the library says every member owes.
//   [2] RunExpiry again: must write nothing (exit 1 if it does).
//   [3] Baseline, same run: as many bare SQLite INSERTs of an entry-sized
//       row, in as many transactions, WAL and synchronous=FULL.
//
// A report: a missed target prints MISS and exits 0. Errors, a run that
// does not write what the lots owe, and a second run that writes exit 1.
// docs/BENCHMARKS.md explains each figure.
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_members.h"
#include "bench_stats.h"
#include "expiry_data.h"
#include "patron/local_time.h"
#include "patron/member_id.h"
#include "patron/record/record_json.h"
#include "patron/status.h"
#include "patron/sync_server/sqlite_server_store.h"
#include "patron/sync_server/sync_service.h"
#include "raw_sqlite.h"

namespace {

using patron::Result;
using patron::Status;
using patron::bench::Clock;
using patron::bench::ExpiryProgramme;
using patron::sync::ExpiryRun;
using patron::sync::SqliteServerStore;
using patron::sync::StoreTxn;
using patron::sync::SyncService;

constexpr double kTargetSeconds = 60.0;
constexpr int64_t kTargetMembers = 1'000'000;
constexpr int64_t kTargetEntries = 20'000'000;
constexpr uint64_t kSeed = 20280101;
// RunExpiry's members per write transaction (expiry.cc kMembersPerTxn).
constexpr int64_t kMembersPerTxn = 1'000;
constexpr int kBareRounds = 3;

struct Flags {
  std::string dir;
  int64_t members = kTargetMembers;
  int64_t entries = kTargetEntries;
  int runs = 1;
};

constexpr std::string_view kUsage =
    "usage: patron_expiry_bench --dir DIR [--members N] [--entries M] [--runs K] [--quick]\n";

Result<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  bool quick = false, members_set = false, entries_set = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--quick") {
      quick = true;
      continue;
    }
    if (arg != "--dir" && arg != "--members" && arg != "--entries" && arg != "--runs") {
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
    const int64_t limit = arg == "--members" ? patron::bench::kMaxMembers
                          : arg == "--runs"  ? 10
                                             : 1'000'000'000;
    if (ec != std::errc() || end != value.data() + value.size() || number < 1 || number > limit) {
      return Status::InvalidArgument(std::string(arg) + " needs a number from 1 to " +
                                     std::to_string(limit));
    }
    if (arg == "--members") {
      flags.members = number, members_set = true;
    } else if (arg == "--entries") {
      flags.entries = number, entries_set = true;
    } else {
      flags.runs = static_cast<int>(number);
    }
  }
  if (flags.dir.empty()) return Status::InvalidArgument("--dir is required");
  // --quick only changes the defaults, so explicit numbers still win.
  if (quick) {
    if (!members_set) flags.members = 5'000;
    if (!entries_set) flags.entries = 100'000;
  }
  if (flags.entries < flags.members) {
    return Status::InvalidArgument("--entries must be at least --members");
  }
  return flags;
}

// ---- what the phases share ---------------------------------------------------

// Head office's wall clock: a fixed local instant, advancing in real time.
struct BenchClock {
  int64_t start_ms = 0;
  Clock::time_point started = Clock::now();
  int64_t NowMs() const {
    return start_ms +
           std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  }
};

patron::sync::SyncServiceOptions ServiceOptions(const BenchClock& clock) {
  patron::sync::SyncServiceOptions options;
  options.chain_key_fingerprint = patron::ChainKeyFingerprint(patron::kDemoChainKey);
  options.wall_clock_ms = [&clock] { return clock.NowMs(); };
  return options;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of the calling thread so far (the run's own; the store's
// checkpoint thread is not in it).
double ThreadCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// This process's I/O (/proc/self/io): bytes and system calls, whatever the
// machine's speed. SQLite writes each WAL frame with two pwrites.
struct Io {
  int64_t rchar = 0, wchar = 0, syscr = 0, syscw = 0;
  bool known = false;
};

Io ReadIo() {
  Io io;
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

void RemoveDatabase(const std::filesystem::path& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code ignored;  // absent is fine; a real problem shows up at open
    std::filesystem::remove(path.string() + suffix, ignored);
  }
}

double MiB(uintmax_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

std::string Lots(const patron::LotBook& book) { return patron::record::EncodeRecord(book); }

// What went wrong with the figures; reported at the end, exit 1.
struct Problems {
  std::vector<std::string> list;
  void Add(std::string problem) {
    std::printf("  PROBLEM: %s\n", problem.c_str());
    list.push_back(std::move(problem));
  }
};

// ---- [0] the store -------------------------------------------------------------

// The sample members' rows, entries and the members due, as the store
// holds them, against the library's figures.
Status CheckLoaded(SqliteServerStore& store, const ExpiryProgramme& p, Problems& problems) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store.BeginRead());
  int checked = 0;
  for (const patron::bench::ExpirySample& s : p.samples) {
    PATRON_ASSIGN_OR_RETURN(auto member, txn->FindMember(s.member_id));
    if (!member) {
      problems.Add("member " + s.member_id + " is not in the store");
      continue;
    }
    const patron::sync::MemberState& m = member->state;
    const auto expect = [&](bool same, std::string_view what, const std::string& stored,
                            const std::string& library) {
      if (!same) {
        problems.Add("member " + s.member_id + " " + std::string(what) + ": store " + stored +
                     ", library " + library);
      }
    };
    expect(m.lots == s.lots, "lots", Lots(m.lots), Lots(s.lots));
    expect(member->expiry_due_day == s.expiry_due_day, "expiry_due_day",
           std::to_string(member->expiry_due_day), std::to_string(s.expiry_due_day));
    expect(m.balance == s.balance, "balance", std::to_string(m.balance), std::to_string(s.balance));
    expect(m.last_purchase_ms == s.last_purchase_ms, "last_purchase_ms",
           std::to_string(m.last_purchase_ms), std::to_string(s.last_purchase_ms));
    expect(m.version == s.version, "version", std::to_string(m.version), std::to_string(s.version));
    expect(m.phone == s.phone && m.enrolled_store == s.enrolled_store, "identity",
           m.phone.value_or("-") + " " + m.enrolled_store, s.phone + " " + s.enrolled_store);
    if (!s.entry.entry_id.empty()) {
      PATRON_ASSIGN_OR_RETURN(auto stored, txn->FindEntry(s.entry.entry_id));
      expect(stored && stored->seq == s.entry_seq && stored->entry == s.entry, "last entry",
             stored ? patron::record::EncodeRecord(stored->entry) : "none",
             patron::record::EncodeRecord(s.entry));
    }
    ++checked;
  }
  PATRON_ASSIGN_OR_RETURN(std::vector<std::string> due,
                          txn->MembersDueForExpiry(p.run_day, INT32_MAX));
  if (static_cast<int64_t>(due.size()) != p.due_members) {
    problems.Add("the store has " + std::to_string(due.size()) +
                 " members due for expiry, the library " + std::to_string(p.due_members));
  }
  std::printf(
      "  checked through the store: %d sample members (lots, expiry_due_day, balance,\n"
      "    last purchase, version, identity, last entry), %zu members due on %s\n",
      checked, due.size(), patron::FormatLocalDay(p.run_day).c_str());
  return Status::OK();
}

Result<ExpiryProgramme> Build(const Flags& flags, const std::filesystem::path& path,
                              Problems& problems) {
  std::printf("\n[0] The store: %" PRId64 " members, %" PRId64 " entries\n", flags.members,
              flags.entries);
  BenchClock clock;
  // Half past midnight on the night of the run: the fold settles tiers then.
  PATRON_ASSIGN_OR_RETURN(
      clock.start_ms,
      patron::ParsePackTime(patron::bench::kExpiryRunAt, patron::bench::kExpiryUtcOffsetMinutes));
  clock.start_ms -= 90 * 60'000;
  auto start = Clock::now();
  {
    PATRON_ASSIGN_OR_RETURN(auto store, SqliteServerStore::Open(path.string()));
    SyncService service(*store, ServiceOptions(clock));
    PATRON_RETURN_IF_ERROR(patron::bench::PublishExpiryPacks(service));
    PATRON_RETURN_IF_ERROR(patron::bench::RegisterExpiryTills(service));
    PATRON_RETURN_IF_ERROR(service.FoldAll());
  }
  std::printf("  %-46s %8.2f s\n", "3 packs published, 200 tills (SyncService)",
              SecondsSince(start));
  start = Clock::now();
  PATRON_ASSIGN_OR_RETURN(
      ExpiryProgramme p,
      patron::bench::LoadExpiryProgramme(path.string(), flags.members, flags.entries, kSeed));
  const double load_s = SecondsSince(start);
  std::printf("  %-46s %8.2f s   %.0f rows/s\n", "bulk load, one transaction (expiry_data.cc)",
              load_s, static_cast<double>(p.entries + p.profile_changes) / load_s);
  start = Clock::now();
  {
    PATRON_ASSIGN_OR_RETURN(auto store, SqliteServerStore::Open(path.string()));
    PATRON_RETURN_IF_ERROR(store->StartBackgroundCheckpoints());
    patron::sync::SyncServiceOptions options = ServiceOptions(clock);
    options.fold.batch_seqs = 200'000;
    SyncService service(*store, options);
    PATRON_RETURN_IF_ERROR(service.FoldAll());
    const double fold_s = SecondsSince(start);
    const std::string what =
        "the store's fold (FoldAll, folds: " + std::to_string(service.counters().folds.load()) +
        ")";
    std::printf("  %-46s %8.2f s   %.0f entries/s\n", what.c_str(), fold_s,
                static_cast<double>(p.entries) / fold_s);
    PATRON_RETURN_IF_ERROR(CheckLoaded(*store, p, problems));
  }
  std::printf("  database after a checkpoint: %.0f MiB\n", MiB(patron::bench::DatabaseBytes(path)));
  std::printf(
      "  entries: %" PRId64 " earns, %" PRId64 " redeems, %" PRId64
      " expire entries of head office's run of %s;\n"
      "  %" PRId64
      " queued profile changes (identity, name); %.1f lots a member;"
      " %.0f%% of members hold points that never expire\n",
      p.earns, p.redeems, p.prior_expiry_entries,
      std::string(patron::bench::kExpiryPriorRunAt).c_str(), p.profile_changes,
      static_cast<double>(p.lots) / static_cast<double>(p.members),
      100.0 * static_cast<double>(p.members_never_expiring) / static_cast<double>(p.members));
  std::printf("  the library says the run owes: %" PRId64 " members (%.0f%%), %" PRId64
              " entries, %" PRId64 " points to expire, %" PRId64 " to give back\n",
              p.due_members,
              100.0 * static_cast<double>(p.due_members) / static_cast<double>(p.members),
              p.due_entries, p.due_points_expired, p.due_points_given_back);
  std::fflush(stdout);
  return p;
}

// ---- [1] and [2] the runs --------------------------------------------------------

struct RunFigures {
  double first_s = 0, second_s = 0;
  double first_cpu_s = 0;  // the calling thread's CPU time in the first run
  ExpiryRun first, second;
  int64_t folds = 0;
  double fold_s = 0;
  Io io;
};

// After the first run: the samples hold what AfterExpiry says, nobody is
// due any more.
Status CheckExpired(SqliteServerStore& store, const ExpiryProgramme& p, Problems& problems) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store.BeginRead());
  for (const patron::bench::ExpirySample& s : p.samples) {
    PATRON_ASSIGN_OR_RETURN(auto member, txn->FindMember(s.member_id));
    if (!member) return Status::Internal("member " + s.member_id + " vanished");
    const patron::LotBook after = patron::bench::AfterExpiry(s.lots, p.run_day, p.run_ms);
    int64_t owed = 0;
    for (const patron::ExpiryDue& due : patron::DueExpiry(s.lots, p.run_day)) owed += due.points;
    if (member->state.lots != after || member->expiry_due_day != patron::ExpiryDueDay(after) ||
        member->state.balance != s.balance + owed) {
      problems.Add("member " + s.member_id + " after the run: store " + Lots(member->state.lots) +
                   " due " + std::to_string(member->expiry_due_day) + " balance " +
                   std::to_string(member->state.balance) + "; library " + Lots(after) + " due " +
                   std::to_string(patron::ExpiryDueDay(after)) + " balance " +
                   std::to_string(s.balance + owed));
    }
  }
  PATRON_ASSIGN_OR_RETURN(std::vector<std::string> still, txn->MembersDueForExpiry(p.run_day, 1));
  if (!still.empty()) problems.Add("member " + still[0] + " is still due after the run");
  return Status::OK();
}

struct StoreMark {
  int64_t last_seq = 0;
  int64_t hlc = 0;
};

Result<StoreMark> Mark(SqliteServerStore& store) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store.BeginRead());
  StoreMark mark;
  PATRON_ASSIGN_OR_RETURN(mark.last_seq, txn->LastSeq());
  PATRON_ASSIGN_OR_RETURN(const patron::HlcTimestamp hlc, txn->SavedHlc());
  mark.hlc = hlc.Packed();
  return mark;
}

Result<RunFigures> RunTwice(const std::filesystem::path& path, const ExpiryProgramme& p,
                            Problems& problems) {
  // As patron-sync runs it: background checkpoints, folds left to the
  // owner (RunExpiry folds what it needs itself).
  PATRON_ASSIGN_OR_RETURN(auto store, SqliteServerStore::Open(path.string()));
  PATRON_RETURN_IF_ERROR(store->StartBackgroundCheckpoints());
  BenchClock clock;
  clock.start_ms = p.run_ms;
  patron::sync::SyncServiceOptions options = ServiceOptions(clock);
  options.fold_in_background = true;
  SyncService service(*store, options);
  RunFigures f;

  const Io io_before = ReadIo();
  const double cpu_before = ThreadCpuSeconds();
  auto start = Clock::now();
  PATRON_ASSIGN_OR_RETURN(f.first, service.RunExpiry());
  f.first_s = SecondsSince(start);
  f.first_cpu_s = ThreadCpuSeconds() - cpu_before;
  const Io io_after = ReadIo();
  f.io = {io_after.rchar - io_before.rchar, io_after.wchar - io_before.wchar,
          io_after.syscr - io_before.syscr, io_after.syscw - io_before.syscw,
          io_before.known && io_after.known};
  f.folds = service.counters().folds.load();
  f.fold_s = static_cast<double>(service.counters().fold_us.load()) / 1e6;
  if (f.first.members != p.due_members || f.first.entries != p.due_entries ||
      f.first.points_expired != p.due_points_expired ||
      f.first.points_given_back != p.due_points_given_back) {
    problems.Add("the run wrote " + std::to_string(f.first.members) + " members, " +
                 std::to_string(f.first.entries) + " entries, " +
                 std::to_string(f.first.points_expired) + " points expired, " +
                 std::to_string(f.first.points_given_back) + " given back; the lots owe " +
                 std::to_string(p.due_members) + ", " + std::to_string(p.due_entries) + ", " +
                 std::to_string(p.due_points_expired) + ", " +
                 std::to_string(p.due_points_given_back));
  }
  PATRON_RETURN_IF_ERROR(CheckExpired(*store, p, problems));

  PATRON_ASSIGN_OR_RETURN(const StoreMark before, Mark(*store));
  const int64_t expiry_entries = service.counters().expiry_entries.load();
  start = Clock::now();
  PATRON_ASSIGN_OR_RETURN(f.second, service.RunExpiry());
  f.second_s = SecondsSince(start);
  PATRON_ASSIGN_OR_RETURN(const StoreMark after, Mark(*store));
  if (f.second.members != 0 || f.second.entries != 0 || after.last_seq != before.last_seq ||
      after.hlc != before.hlc || service.counters().expiry_entries.load() != expiry_entries) {
    problems.Add("the second run wrote: " + std::to_string(f.second.entries) +
                 " entries, last_seq " + std::to_string(before.last_seq) + " -> " +
                 std::to_string(after.last_seq) + ", saved clock " + std::to_string(before.hlc) +
                 " -> " + std::to_string(after.hlc));
  }
  return f;
}

// ---- [3] the baseline ------------------------------------------------------------

// `rows` rows shaped like the run's expire entries (the entries table's
// columns, its detail as the codec writes it) into a bare table with no
// index but its rowid, in `txns` transactions, WAL and synchronous=FULL with
// the store writer's checkpoint and cache settings. Returns the seconds.
Result<double> BareInserts(const std::filesystem::path& path, const ExpiryProgramme& p,
                           int64_t rows, int64_t txns) {
  RemoveDatabase(path);
  PATRON_ASSIGN_OR_RETURN(patron::bench::RawDb owned, patron::bench::OpenRaw(path.string()));
  sqlite3* db = owned.get();
  for (const char* sql :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA wal_autocheckpoint=10000",
        "PRAGMA cache_size=-65536",
        "CREATE TABLE entries (seq INTEGER PRIMARY KEY, entry_id TEXT NOT NULL, origin TEXT NOT "
        "NULL, origin_seq INTEGER NOT NULL, member_id TEXT NOT NULL, kind TEXT NOT NULL, points "
        "INTEGER NOT NULL, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL, sale_ref TEXT "
        "NOT NULL, ref_entry TEXT NOT NULL, to_holder TEXT NOT NULL, store_id TEXT NOT NULL, "
        "terminal_id TEXT NOT NULL, hlc INTEGER NOT NULL, wall_ms INTEGER NOT NULL, rule_version "
        "INTEGER NOT NULL, detail TEXT NOT NULL) STRICT"}) {
    PATRON_RETURN_IF_ERROR(patron::bench::Exec(db, sql));
  }
  PATRON_ASSIGN_OR_RETURN(auto begin, patron::bench::Prepare(db, "BEGIN IMMEDIATE"));
  PATRON_ASSIGN_OR_RETURN(auto commit, patron::bench::Prepare(db, "COMMIT"));
  PATRON_ASSIGN_OR_RETURN(
      auto insert,
      patron::bench::Prepare(db,
                             "INSERT INTO entries VALUES (?, ?, 'server', ?, ?, 'expire', ?, "
                             "0, 'USD', '', '', '', 'server', 'server', ?, ?, 4, ?)"));
  patron::EntryDetail detail;
  patron::SetLot(detail, {p.run_day - 1, 0});
  const std::string detail_json = patron::record::EncodeRecord(detail);
  sqlite3_stmt* s = insert.get();
  const auto start = Clock::now();
  int64_t k = 0;
  for (int64_t t = 0; t < txns; ++t) {
    PATRON_RETURN_IF_ERROR(patron::bench::StepDone(db, begin.get()));
    for (const int64_t end = (t + 1) * rows / txns; k < end; ++k) {
      const std::string entry_id = "server/" + std::to_string(1'000'000 + k);
      const std::string& member_id = p.member_ids[static_cast<size_t>(k) % p.member_ids.size()];
      const int64_t wall_ms = p.run_ms + k / 1000;
      sqlite3_bind_int64(s, 1, k + 1);
      sqlite3_bind_text(s, 2, entry_id.data(), static_cast<int>(entry_id.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 3, 1'000'000 + k);
      sqlite3_bind_text(s, 4, member_id.data(), static_cast<int>(member_id.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 5, -(100 + k % 5'000));
      sqlite3_bind_int64(
          s, 6, patron::HlcTimestamp::FromParts(wall_ms, static_cast<uint16_t>(k % 1000)).Packed());
      sqlite3_bind_int64(s, 7, wall_ms);
      sqlite3_bind_text(s, 8, detail_json.data(), static_cast<int>(detail_json.size()),
                        SQLITE_STATIC);
      PATRON_RETURN_IF_ERROR(patron::bench::StepDone(db, s));
    }
    PATRON_RETURN_IF_ERROR(patron::bench::StepDone(db, commit.get()));
  }
  return SecondsSince(start);
}

// ---- the report -----------------------------------------------------------------

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

void PrintRun(int r, const RunFigures& f) {
  const ExpiryRun& run = f.first;
  const auto per_member = [&](int64_t v) {
    return static_cast<double>(v) / static_cast<double>(std::max<int64_t>(run.members, 1));
  };
  std::printf(
      "\n[1] RunExpiry at %s%s\n", std::string(patron::bench::kExpiryRunAt).c_str(),
      r > 0 ? (" (run " + std::to_string(r + 1) + ", the same store restored)").c_str() : "");
  std::printf("  seconds                 %10.2f\n", f.first_s);
  std::printf("  members expired         %10" PRId64 "   %.0f members/s, %.1f us each\n",
              run.members, static_cast<double>(run.members) / f.first_s,
              1e6 * f.first_s / static_cast<double>(std::max<int64_t>(run.members, 1)));
  std::printf("  entries written         %10" PRId64 "   %.0f entries/s\n", run.entries,
              static_cast<double>(run.entries) / f.first_s);
  std::printf("  points expired          %10" PRId64 "   given back %" PRId64 "\n",
              run.points_expired, run.points_given_back);
  std::printf("  write transactions      %10" PRId64 "   of %" PRId64 " members each, and %" PRId64
              " folds of what they wrote\n",
              (run.members + kMembersPerTxn - 1) / kMembersPerTxn, kMembersPerTxn, f.folds);
  std::printf("  of which folding        %10.2f s   (%.0f%% of the run)\n", f.fold_s,
              100.0 * f.fold_s / f.first_s);
  std::printf("  on CPU                  %10.2f s   (%.0f%%; the rest waits: flushes, reads)\n",
              f.first_cpu_s, 100.0 * f.first_cpu_s / f.first_s);
  if (f.io.known) {
    std::printf(
        "  I/O per member expired  %8.1f KiB written in %.1f writes, %.1f KiB read in "
        "%.1f reads\n",
        per_member(f.io.wchar) / 1024.0, per_member(f.io.syscw), per_member(f.io.rchar) / 1024.0,
        per_member(f.io.syscr));
  }
  std::printf("\n[2] RunExpiry again at once\n");
  std::printf("  seconds                 %10.3f   entries written %" PRId64 " %s\n", f.second_s,
              f.second.entries, f.second.entries == 0 ? "(nothing, as it must)" : "(WRONG)");
}

Status Run(const Flags& flags, const char* argv0) {
  std::error_code ec;
  std::filesystem::create_directories(flags.dir, ec);
  if (ec) return Status::IOError("cannot create " + flags.dir + ": " + ec.message());
  const std::filesystem::path dir(flags.dir);
  const std::filesystem::path path = dir / "expiry.db";
  const std::filesystem::path built = dir / "expiry-built.db";
  const std::filesystem::path bare = dir / "bare.db";
  for (const auto& p : {path, built, bare}) RemoveDatabase(p);
  std::printf("patron expiry benchmark  %s  %u cpus  SQLite %s\n", Today().c_str(),
              std::thread::hardware_concurrency(), sqlite3_libversion());
  std::printf("reproduce: %s --dir %s --members %" PRId64 " --entries %" PRId64 " --runs %d\n",
              argv0, flags.dir.c_str(), flags.members, flags.entries, flags.runs);
  std::printf(
      "programme: entries %s..%s (09:00-22:00, UTC+8); packs 2025, 2026, 2027 expire points on\n"
      "  31 December of the next year (pending 7 days), DefaultRules before 2025 (never);\n"
      "  head office expired 2025's points at %s; the run expires 2026's\n",
      std::string(patron::bench::kExpiryDataFrom).c_str(),
      std::string(patron::bench::kExpiryDataUntil).c_str(),
      std::string(patron::bench::kExpiryPriorRunAt).c_str());
  std::fflush(stdout);

  Problems problems;
  PATRON_ASSIGN_OR_RETURN(ExpiryProgramme p, Build(flags, path, problems));
  if (flags.runs > 1) std::filesystem::copy_file(path, built);

  std::vector<double> run_s, bare_s;
  bool second_wrote = false;
  int64_t rows = 0, txns = 1;
  for (int r = 0; r < flags.runs; ++r) {
    if (r > 0) {
      RemoveDatabase(path);
      std::filesystem::copy_file(built, path);
    }
    PATRON_ASSIGN_OR_RETURN(const RunFigures f, RunTwice(path, p, problems));
    PrintRun(r, f);
    run_s.push_back(f.first_s);
    second_wrote = second_wrote || f.second.entries != 0;
    rows = f.first.entries;
    txns = std::max<int64_t>(1, (f.first.members + kMembersPerTxn - 1) / kMembersPerTxn);
    std::fflush(stdout);
  }
  for (int r = 0; r < kBareRounds; ++r) {
    PATRON_ASSIGN_OR_RETURN(const double s, BareInserts(bare, p, rows, txns));
    bare_s.push_back(s);
  }
  RemoveDatabase(bare);
  RemoveDatabase(built);
  const patron::bench::Summary run = patron::bench::Summarize(run_s);
  const patron::bench::Summary base = patron::bench::Summarize(bare_s);
  std::printf("\n[3] Baseline: %" PRId64 " bare INSERTs of an entry-sized row in %" PRId64
              " transactions (WAL, synchronous=FULL)\n",
              rows, txns);
  std::printf("  seconds (median of %d)  %10.3f   %.0f rows/s; rounds:", kBareRounds, base.median,
              static_cast<double>(rows) / base.median);
  for (double s : bare_s) std::printf(" %.3f", s);
  std::printf("\n  RunExpiry / bare        %10.1f\n", run.median / base.median);

  const bool full = flags.members == kTargetMembers && flags.entries == kTargetEntries;
  std::printf("\nRunExpiry %s%.2f s over %" PRId64 " members and %" PRId64
              " entries   target <= %.0f s   %s%s\n",
              flags.runs > 1 ? "median " : "", run.median, flags.members, flags.entries,
              kTargetSeconds, patron::bench::Verdict(run.median <= kTargetSeconds),
              full ? "" : "  (the target's scale is 1,000,000 members and 20,000,000 entries)");
  if (!problems.list.empty()) {
    return Status::Internal(std::to_string(problems.list.size()) +
                            " problem(s), first: " + problems.list.front() +
                            (second_wrote ? " (the second run wrote)" : ""));
  }
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
