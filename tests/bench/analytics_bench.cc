// patron_analytics_bench: head office's analytics (issue 17, DESIGN.md §10).
//
//   fold            folding sales with their earn entries, with the analytics
//                   kept (FoldOptions::analytics) against without, on two
//                   stores given the same pushes, in alternating rounds;
//                   target: with / without <= 2
//   segments run    every member's metrics, segments and predicted value
//   insights run    campaign effect, cohorts and liability
//   reports         each report call's latency over the data, against a
//                   plain SQL query computing the day report from the raw
//                   sales table (what a report would cost without rollups)
//
// A report, not a test: it exits 0 whatever the figures.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench_stats.h"
#include "patron/member_id.h"
#include "patron/record/record_json.h"
#include "patron/records/sale.h"
#include "patron/sync_server/analytics_reports.h"
#include "patron/sync_server/sqlite_server_store.h"
#include "patron/sync_server/sync_service.h"
#include "raw_sqlite.h"
#include "support/test_entries.h"

namespace {

using patron::Result;
using patron::Status;
using patron::bench::Clock;
using patron::bench::MicrosSince;

constexpr std::string_view kUsage =
    "usage: patron_analytics_bench --dir DIR [--sales N] [--members N] [--rounds N] [--quick]\n";
constexpr int kBatch = 1'000;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kStart = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

struct Flags {
  std::string dir;
  int64_t sales = 100'000;
  int64_t members = 20'000;
  int rounds = 4;
};

Result<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> Result<int64_t> {
      if (i + 1 >= argc) return Status::InvalidArgument(std::string(arg) + " needs a value");
      return std::stoll(argv[++i]);
    };
    if (arg == "--quick") {
      quick = true;
    } else if (arg == "--dir") {
      if (i + 1 >= argc) return Status::InvalidArgument("--dir needs a value");
      flags.dir = argv[++i];
    } else if (arg == "--sales") {
      PATRON_ASSIGN_OR_RETURN(flags.sales, value());
    } else if (arg == "--members") {
      PATRON_ASSIGN_OR_RETURN(flags.members, value());
    } else if (arg == "--rounds") {
      PATRON_ASSIGN_OR_RETURN(const int64_t rounds, value());
      flags.rounds = static_cast<int>(rounds);
    } else {
      return Status::InvalidArgument("unknown flag " + std::string(arg));
    }
  }
  if (flags.dir.empty()) return Status::InvalidArgument("--dir is required");
  if (quick) {
    flags.sales = 4'000;
    flags.members = 500;
    flags.rounds = 2;
  }
  if (flags.sales < flags.rounds * kBatch || flags.members < 1 || flags.rounds < 1) {
    return Status::InvalidArgument("--sales must cover a batch a round; --members, --rounds > 0");
  }
  return flags;
}

// Head office on its own store, folding only when told to.
struct HeadOffice {
  std::unique_ptr<patron::sync::SqliteServerStore> store;
  std::unique_ptr<patron::sync::SyncService> service;
  patron::sync::Caller till;
  int64_t now_ms = kStart;

  static Result<std::unique_ptr<HeadOffice>> Open(const std::string& path, bool analytics) {
    auto office = std::make_unique<HeadOffice>();
    PATRON_ASSIGN_OR_RETURN(office->store, patron::sync::SqliteServerStore::Open(path));
    patron::sync::SyncServiceOptions options;
    options.chain_key_fingerprint = patron::ChainKeyFingerprint(patron::kDemoChainKey);
    options.fold_in_background = true;
    options.fold.analytics = analytics;
    HeadOffice* raw = office.get();
    options.wall_clock_ms = [raw] { return raw->now_ms; };
    office->service = std::make_unique<patron::sync::SyncService>(*office->store, options);
    PATRON_ASSIGN_OR_RETURN(auto registered, office->service->RegisterTerminal("S001-T01", "S001"));
    office->till = {registered.terminal_id, registered.store_id};
    return office;
  }

  // Folds until nothing is left.
  Status FoldAll() {
    while (true) {
      PATRON_ASSIGN_OR_RETURN(patron::sync::FoldStats stats, service->Fold());
      if (stats.folded_seq >= stats.last_seq) return Status::OK();
    }
  }
};

// Sale k: a member among `members`, on day k * 365 / sales of the year, 3
// lines of 6 categories, with its earn entry.
struct Sold {
  patron::SaleRecord sale;
  patron::LedgerEntry earn;
};

Sold MakeSale(int64_t k, int64_t sales, const std::vector<std::string>& members,
              std::mt19937_64& random) {
  static constexpr const char* kCategories[] = {"grocery", "dairy",  "household",
                                                "drinks",  "snacks", "beauty"};
  Sold sold;
  patron::SaleRecord& sale = sold.sale;
  sale.sale_ref = "R-" + std::to_string(k);
  sale.sale_id = patron::MakeSaleId("S001-T01", sale.sale_ref);
  sale.terminal_id = "S001-T01";
  sale.store_id = "S001";
  sale.member_id = members[random() % members.size()];
  sale.currency = "USD";
  sale.rule_version = 1;
  sale.wall_ms = kStart + k * 365 * kDayMs / sales;
  sale.hlc = patron::HlcTimestamp::FromParts(sale.wall_ms, 0);
  for (int l = 0; l < 3; ++l) {
    patron::SaleLine line;
    line.line_no = l;
    line.sku = "690" + std::to_string(1'000'000 + random() % 5'000);
    line.category = kCategories[random() % 6];
    line.qty = 1 + static_cast<int64_t>(random() % 3);
    line.amount_minor = 500 + static_cast<int64_t>(random() % 5'000);
    sale.amount_minor += line.amount_minor;
    sale.lines.push_back(std::move(line));
  }
  sale.paid_minor = sale.eligible_paid_minor = sale.amount_minor;
  sold.earn = patron::testing::EarnEntry("S001-T01", "S001", k + 1, sale.member_id,
                                         sale.amount_minor / 100, sale.wall_ms);
  sold.earn.amount_minor = sale.amount_minor;
  sold.earn.sale_ref = sale.sale_ref;
  sale.earned_points = sold.earn.points;
  sale.earn_entry = sold.earn.entry_id;
  return sold;
}

Status Push(HeadOffice& office, const std::vector<Sold>& batch) {
  patron::sync::PushRequest request;
  request.terminal_id = "S001-T01";
  request.chain_key_fingerprint = patron::ChainKeyFingerprint(patron::kDemoChainKey);
  request.hlc = patron::HlcTimestamp::FromParts(office.now_ms, 0);
  for (const Sold& sold : batch) {
    request.entries.push_back(sold.earn);
    request.records.push_back({std::string(patron::kSaleRecordKind),
                               sold.sale.sale_id,
                               {patron::record::EncodeRecord(sold.sale)}});
  }
  PATRON_ASSIGN_OR_RETURN(patron::sync::PushResponse response,
                          office.service->Push(office.till, request));
  for (const auto& ack : response.entries) {
    if (ack.outcome != patron::sync::PushOutcome::kOk) {
      return Status::Internal("entry " + ack.entry_id + ": " + ack.message);
    }
  }
  return Status::OK();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Times `call` `times` times (microseconds) and prints its row.
void TimeCall(std::string_view label, int times, const std::function<bool()>& call) {
  std::vector<double> samples;
  for (int i = 0; i < times; ++i) {
    const Clock::time_point start = Clock::now();
    if (!call()) {
      std::printf("%-34s FAILED\n", std::string(label).c_str());
      return;
    }
    samples.push_back(MicrosSince(start));
  }
  patron::bench::PrintRow(label, patron::bench::Summarize(samples));
}

Status Run(const Flags& flags) {
  PATRON_ASSIGN_OR_RETURN(auto with, HeadOffice::Open(flags.dir + "/with.db", true));
  PATRON_ASSIGN_OR_RETURN(auto without, HeadOffice::Open(flags.dir + "/without.db", false));
  std::vector<std::string> members;
  for (int64_t i = 0; i < flags.members; ++i) {
    members.push_back(
        patron::DeriveMemberId(patron::kDemoChainKey, "+1415" + std::to_string(5'000'000 + i))
            .ToString());
  }
  std::mt19937_64 random(2026);

  std::printf("patron_analytics_bench: %" PRId64 " sales with earn entries, %" PRId64
              " members, %d rounds\n\n",
              flags.sales, flags.members, flags.rounds);
  std::printf("fold (ms per round of %" PRId64 " sales)   with analytics   without   ratio\n",
              flags.sales / flags.rounds);
  std::vector<double> ratios;
  const int64_t per_round = flags.sales / flags.rounds;
  for (int round = 0; round < flags.rounds; ++round) {
    for (int64_t k = round * per_round; k < (round + 1) * per_round; k += kBatch) {
      std::vector<Sold> batch;
      for (int64_t j = k; j < std::min((round + 1) * per_round, k + kBatch); ++j) {
        batch.push_back(MakeSale(j, flags.sales, members, random));
      }
      with->now_ms = without->now_ms = batch.back().sale.wall_ms + 1;
      PATRON_RETURN_IF_ERROR(Push(*with, batch));
      PATRON_RETURN_IF_ERROR(Push(*without, batch));
    }
    double ms[2] = {0, 0};
    for (int side : round % 2 == 0 ? std::vector<int>{0, 1} : std::vector<int>{1, 0}) {
      const Clock::time_point start = Clock::now();
      PATRON_RETURN_IF_ERROR(side == 0 ? with->FoldAll() : without->FoldAll());
      ms[side] = MicrosSince(start) / 1000;
    }
    ratios.push_back(ms[0] / ms[1]);
    std::printf("  round %d                              %9.0f  %9.0f   %5.2f\n", round + 1, ms[0],
                ms[1], ratios.back());
  }
  std::printf("  median ratio %.2f (target <= 2: %s)\n\n", Median(ratios),
              patron::bench::Verdict(Median(ratios) <= 2));

  with->now_ms += kDayMs;
  Clock::time_point start = Clock::now();
  PATRON_ASSIGN_OR_RETURN(patron::sync::SegmentRun segments, with->service->RunSegments());
  const double segments_s = MicrosSince(start) / 1e6;
  start = Clock::now();
  PATRON_ASSIGN_OR_RETURN(patron::sync::InsightRun insights, with->service->RunInsights());
  const double insights_s = MicrosSince(start) / 1e6;
  std::printf("segments run (metrics, segments, predicted value): %" PRId64
              " members in %.2f s (%.0f members/s; 1,000,000 in 60 s needs 16,667/s: %s)\n",
              segments.members, segments_s, static_cast<double>(segments.members) / segments_s,
              patron::bench::Verdict(static_cast<double>(segments.members) / segments_s >=
                                     1'000'000.0 / 60));
  std::printf("insights run (effect, cohorts, liability): %" PRId64 " members in %.2f s\n\n",
              insights.members, insights_s);

  patron::sync::AnalyticsReports& reports = with->service->analytics();
  std::printf("reports (%d calls each)\n", 50);
  patron::bench::PrintHeader();
  TimeCall("days, whole year", 50, [&] { return reports.StoreDays({}).ok(); });
  TimeCall("categories, one month", 50, [&] {
    return reports.CategoryDays({"", "2026-03-01", "2026-03-31"}).ok();
  });
  TimeCall("tiers, whole year", 50, [&] { return reports.TierDays({}).ok(); });
  TimeCall("members, a page of 1000", 50, [&] { return reports.Members("", 1'000).ok(); });
  TimeCall("one member's persona", 50,
           [&] { return reports.Persona(members[random() % members.size()]).ok(); });
  TimeCall("insights run (effects, cohorts)", 50, [&] { return reports.InsightRunOf(0).ok(); });

  // The baseline: the day report's sales and money from the raw sales
  // table, as a report without rollups would have to.
  PATRON_ASSIGN_OR_RETURN(patron::bench::RawDb raw, patron::bench::OpenRaw(flags.dir + "/with.db"));
  PATRON_ASSIGN_OR_RETURN(
      patron::bench::RawStmt plain,
      patron::bench::Prepare(raw.get(),
                             "SELECT store_id, wall_ms / 86400000 AS day, count(*), "
                             "count(DISTINCT member_id), sum(paid_minor) FROM sales "
                             "GROUP BY store_id, day"));
  TimeCall("plain SQL: days from raw sales", 50, [&] {
    while (sqlite3_step(plain.get()) == SQLITE_ROW) {
    }
    return sqlite3_reset(plain.get()) == SQLITE_OK;
  });
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  Result<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok()) {
    std::fprintf(stderr, "%s\n%.*s", flags.status().ToString().c_str(),
                 static_cast<int>(kUsage.size()), kUsage.data());
    return 2;
  }
  const Status status = Run(*flags);
  if (!status.ok()) {
    std::fprintf(stderr, "patron_analytics_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
