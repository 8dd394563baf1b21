// patron_records_bench: ingest of consumption records at head office (the
// up-channel, DESIGN.md §8): sales with 5 basket lines each, pushed to
// SyncService through the sync codec in batches, against a bare batched
// SQLite insert of the same rows into the same tables (records, sales,
// sale_lines), in alternating rounds on the same disk.
//
//   records/s        sales (with their lines) acknowledged per second
//   bare / push      how much of the bare insert's speed the push keeps
//
// The push path does what the bare insert does not: it decodes the body,
// checks each record (caller, store, ids, amounts), hashes its body for
// exists/conflict, and looks its id up. A report, not a test: it exits 0
// whatever the figures.
#include <sqlite3.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_stats.h"
#include "patron/digest.h"
#include "patron/member_id.h"
#include "patron/record/record_json.h"
#include "patron/record/record_sql.h"
#include "patron/records/sale.h"
#include "patron/sync/codec.h"
#include "patron/sync_server/sqlite_server_store.h"
#include "patron/sync_server/sync_service.h"
#include "raw_sqlite.h"

namespace {

using patron::Result;
using patron::SaleLine;
using patron::SaleRecord;
using patron::Status;
using patron::bench::Clock;

constexpr std::string_view kUsage =
    "usage: patron_records_bench --dir DIR [--sales N] [--batch N] [--rounds N] [--quick]\n";

struct Flags {
  std::string dir;
  int64_t sales = 200'000;
  int batch = 1'000;
  int rounds = 4;
};

Result<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return Status::InvalidArgument(std::string(arg) + " needs a value");
      return std::string(argv[++i]);
    };
    if (arg == "--quick") {
      quick = true;
    } else if (arg == "--dir") {
      PATRON_ASSIGN_OR_RETURN(flags.dir, value());
    } else if (arg == "--sales") {
      PATRON_ASSIGN_OR_RETURN(std::string v, value());
      flags.sales = std::stoll(v);
    } else if (arg == "--batch") {
      PATRON_ASSIGN_OR_RETURN(std::string v, value());
      flags.batch = std::stoi(v);
    } else if (arg == "--members") {
      // Taken by every benchmark (scripts/bench.sh passes flags to all);
      // this one has no member table to fill.
      PATRON_RETURN_IF_ERROR(value().status());
    } else if (arg == "--rounds") {
      PATRON_ASSIGN_OR_RETURN(std::string v, value());
      flags.rounds = std::stoi(v);
    } else {
      return Status::InvalidArgument("unknown flag " + std::string(arg));
    }
  }
  if (flags.dir.empty()) return Status::InvalidArgument("--dir is required");
  if (quick) {
    flags.sales = 4'000;
    flags.rounds = 2;
  }
  if (flags.sales < flags.rounds || flags.batch < 1 || flags.rounds < 1) {
    return Status::InvalidArgument("--sales, --batch and --rounds must be positive");
  }
  return flags;
}

constexpr std::string_view kTerminal = "S001-T01";
constexpr std::string_view kStore = "S001";

// Sale k of the run: 5 lines, a member among 10,000, realistic strings.
SaleRecord MakeSale(int64_t k, const std::vector<std::string>& members) {
  SaleRecord sale;
  sale.sale_ref = "R-" + std::to_string(k);
  sale.sale_id = patron::MakeSaleId(kTerminal, sale.sale_ref);
  sale.terminal_id = std::string(kTerminal);
  sale.store_id = std::string(kStore);
  sale.member_id = members[static_cast<size_t>(k) % members.size()];
  sale.currency = "CNY";
  sale.rule_version = 1;
  sale.wall_ms = 1'780'000'000'000 + k;
  sale.hlc = patron::HlcTimestamp::FromParts(sale.wall_ms, 0);
  for (int l = 0; l < 5; ++l) {
    SaleLine line;
    line.line_no = l;
    line.sku = "690" + std::to_string(1'000'000 + (k * 7 + l) % 5'000);
    line.name = "商品 article " + std::to_string(l);
    line.category = l % 2 == 0 ? "grocery" : "household";
    line.qty = 1 + l % 3;
    line.amount_minor = 1'000 + 150 * l;
    line.discount_minor = l == 4 ? 50 : 0;
    sale.amount_minor += line.amount_minor;
    sale.lines.push_back(std::move(line));
  }
  sale.paid_minor = sale.amount_minor;
  sale.eligible_paid_minor = sale.amount_minor;
  sale.earned_points = sale.amount_minor / 100;
  sale.earn_entry = std::string(kTerminal) + "/" + std::to_string(k + 1);
  return sale;
}

// The push side: SyncService over its SQLite store, through the codec.
class Pusher {
 public:
  static Result<std::unique_ptr<Pusher>> Open(const std::string& path) {
    auto pusher = std::unique_ptr<Pusher>(new Pusher());
    PATRON_ASSIGN_OR_RETURN(pusher->store_, patron::sync::SqliteServerStore::Open(path));
    patron::sync::SyncServiceOptions options;
    options.chain_key_fingerprint = patron::ChainKeyFingerprint(patron::kDemoChainKey);
    pusher->service_ = std::make_unique<patron::sync::SyncService>(*pusher->store_, options);
    PATRON_ASSIGN_OR_RETURN(auto registered,
                            pusher->service_->RegisterTerminal(kTerminal, kStore));
    pusher->caller_ = {registered.terminal_id, registered.store_id};
    return pusher;
  }

  // Pushes `sales` as one request; every record must be new.
  Status Push(const std::vector<SaleRecord>& sales) {
    patron::sync::PushRequest request;
    request.terminal_id = std::string(kTerminal);
    request.chain_key_fingerprint = patron::ChainKeyFingerprint(patron::kDemoChainKey);
    for (const SaleRecord& sale : sales) {
      request.records.push_back({std::string(patron::kSaleRecordKind), sale.sale_id,
                                 {patron::record::EncodeRecord(sale)}});
    }
    const std::string body = patron::sync::EncodePushRequest(request);
    PATRON_ASSIGN_OR_RETURN(patron::sync::PushRequest decoded,
                            patron::sync::DecodePushRequest(body));
    PATRON_ASSIGN_OR_RETURN(patron::sync::PushResponse response,
                            service_->Push(caller_, decoded));
    for (const patron::sync::RecordAck& ack : response.records) {
      if (ack.outcome != patron::sync::PushOutcome::kOk) {
        return Status::Internal("record " + ack.record_id + ": " + ack.message);
      }
    }
    return Status::OK();
  }

 private:
  Pusher() = default;
  std::unique_ptr<patron::sync::SqliteServerStore> store_;
  std::unique_ptr<patron::sync::SyncService> service_;
  patron::sync::Caller caller_;
};

// The bare side: the same rows into the same tables, with SQLite's C API, in
// one transaction per batch, WAL with synchronous=FULL like the store.
class BareInserter {
 public:
  static Result<BareInserter> Open(const std::string& path) {
    // The server's own schema, made by opening a store there once.
    { PATRON_ASSIGN_OR_RETURN(auto store, patron::sync::SqliteServerStore::Open(path)); }
    BareInserter bare;
    PATRON_ASSIGN_OR_RETURN(bare.db_, patron::bench::OpenRaw(path));
    sqlite3* db = bare.db_.get();
    PATRON_RETURN_IF_ERROR(patron::bench::Exec(db, "PRAGMA journal_mode=WAL"));
    PATRON_RETURN_IF_ERROR(patron::bench::Exec(db, "PRAGMA synchronous=FULL"));
    PATRON_ASSIGN_OR_RETURN(bare.begin_, patron::bench::Prepare(db, "BEGIN IMMEDIATE"));
    PATRON_ASSIGN_OR_RETURN(bare.commit_, patron::bench::Prepare(db, "COMMIT"));
    PATRON_ASSIGN_OR_RETURN(
        bare.record_,
        patron::bench::Prepare(db, "INSERT INTO records(seq, kind, record_id, origin, digest, "
                                   "body) VALUES (?, 'sale', ?, ?, ?, NULL)"));
    const std::string sale_sql = "INSERT INTO sales(seq, " +
                                 patron::record::ColumnList<SaleRecord>() + ") VALUES (?, " +
                                 patron::record::Placeholders<SaleRecord>() + ")";
    PATRON_ASSIGN_OR_RETURN(bare.sale_, patron::bench::Prepare(db, sale_sql.c_str()));
    PATRON_ASSIGN_OR_RETURN(
        bare.line_,
        patron::bench::Prepare(db, "INSERT INTO sale_lines(sale_seq, line_no, sku, name, "
                                   "category, qty, amount_minor, discount_minor) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    return bare;
  }

  Status Insert(const std::vector<SaleRecord>& sales) {
    sqlite3* db = db_.get();
    PATRON_RETURN_IF_ERROR(patron::bench::StepDone(db, begin_.get()));
    for (const SaleRecord& sale : sales) {
      const int64_t seq = ++seq_;
      const std::string body = patron::record::EncodeRecord(sale);  // what the digest covers
      const std::string digest = patron::Sha256Hex(body);
      sqlite3_stmt* r = record_.get();
      sqlite3_bind_int64(r, 1, seq);
      Text(r, 2, sale.sale_id);
      Text(r, 3, sale.terminal_id);
      Text(r, 4, digest);
      PATRON_RETURN_IF_ERROR(patron::bench::StepDone(db, r));
      sqlite3_stmt* s = sale_.get();
      sqlite3_bind_int64(s, 1, seq);
      int i = 2;
      for (const std::string* text : {&sale.sale_id, &sale.terminal_id, &sale.store_id,
                                      &sale.sale_ref, &sale.member_id}) {
        Text(s, i++, *text);
      }
      for (int64_t n : {sale.amount_minor}) sqlite3_bind_int64(s, i++, n);
      Text(s, i++, sale.currency);
      for (int64_t n : {sale.discount_minor, sale.paid_minor, sale.eligible_paid_minor,
                        sale.earned_points, sale.redeemed_points}) {
        sqlite3_bind_int64(s, i++, n);
      }
      Text(s, i++, sale.earn_entry);
      Text(s, i++, sale.redeem_entry);
      for (int64_t n : {sale.rule_version, sale.hlc.Packed(), sale.wall_ms}) {
        sqlite3_bind_int64(s, i++, n);
      }
      Text(s, i++, "[]");  // the bench's sales have no campaign awards
      sqlite3_bind_int64(s, i++, sale.voucher_discount_minor);
      sqlite3_bind_int64(s, i++, sale.campaign_discount_minor);
      PATRON_RETURN_IF_ERROR(patron::bench::StepDone(db, s));
      sqlite3_stmt* l = line_.get();
      for (const SaleLine& line : sale.lines) {
        sqlite3_bind_int64(l, 1, seq);
        sqlite3_bind_int64(l, 2, line.line_no);
        Text(l, 3, line.sku);
        Text(l, 4, line.name);
        Text(l, 5, line.category);
        sqlite3_bind_int64(l, 6, line.qty);
        sqlite3_bind_int64(l, 7, line.amount_minor);
        sqlite3_bind_int64(l, 8, line.discount_minor);
        PATRON_RETURN_IF_ERROR(patron::bench::StepDone(db, l));
      }
    }
    return patron::bench::StepDone(db, commit_.get());
  }

 private:
  static void Text(sqlite3_stmt* s, int i, const std::string& text) {
    sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  }

  patron::bench::RawDb db_;
  patron::bench::RawStmt begin_, commit_, record_, sale_, line_;
  int64_t seq_ = 0;
};

Status Run(const Flags& flags, const char* argv0) {
  std::filesystem::create_directories(flags.dir);
  const std::filesystem::path dir(flags.dir);
  for (const char* name : {"push.db", "bare.db"}) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(dir / (std::string(name) + suffix));
    }
  }
  std::printf("patron records benchmark  %u cpus  SQLite %s\n",
              std::thread::hardware_concurrency(), sqlite3_libversion());
  std::printf("reproduce: %s --dir %s --sales %" PRId64 " --batch %d --rounds %d\n", argv0,
              flags.dir.c_str(), flags.sales, flags.batch, flags.rounds);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Pusher> pusher, Pusher::Open((dir / "push.db").string()));
  PATRON_ASSIGN_OR_RETURN(BareInserter bare, BareInserter::Open((dir / "bare.db").string()));
  std::vector<std::string> members;
  for (int i = 0; i < 10'000; ++i) {
    members.push_back(
        patron::DeriveMemberId(patron::kDemoChainKey, "+86138" + std::to_string(10'000'000 + i))
            .ToString());
  }
  double push_s = 0, bare_s = 0;
  int64_t next = 0;
  std::vector<double> push_rates, bare_rates;
  for (int round = 0; round < flags.rounds; ++round) {
    const int64_t n = flags.sales / flags.rounds;
    std::vector<std::vector<SaleRecord>> batches;
    for (int64_t k = 0; k < n; k += flags.batch) {
      std::vector<SaleRecord>& batch = batches.emplace_back();
      for (int64_t j = k; j < std::min(n, k + flags.batch); ++j) {
        batch.push_back(MakeSale(next++, members));
      }
    }
    const auto time = [&](auto&& insert) -> Result<double> {
      const auto start = Clock::now();
      for (const auto& batch : batches) PATRON_RETURN_IF_ERROR(insert(batch));
      return std::chrono::duration<double>(Clock::now() - start).count();
    };
    const auto push = [&](const std::vector<SaleRecord>& b) { return pusher->Push(b); };
    const auto raw = [&](const std::vector<SaleRecord>& b) { return bare.Insert(b); };
    double p = 0, r = 0;
    if (round % 2 == 0) {
      PATRON_ASSIGN_OR_RETURN(p, time(push));
      PATRON_ASSIGN_OR_RETURN(r, time(raw));
    } else {
      PATRON_ASSIGN_OR_RETURN(r, time(raw));
      PATRON_ASSIGN_OR_RETURN(p, time(push));
    }
    push_s += p;
    bare_s += r;
    push_rates.push_back(static_cast<double>(n) / p);
    bare_rates.push_back(static_cast<double>(n) / r);
  }
  const double done = static_cast<double>(flags.sales / flags.rounds * flags.rounds);
  std::printf("\n[1] Push ingest of sales with 5 lines each, %d per push, %d rounds alternating\n",
              flags.batch, flags.rounds);
  std::printf("  SyncService::Push (codec, checks, digest, file)  %9.0f records/s  (%.0f lines/s)\n",
              done / push_s, done * 5 / push_s);
  std::printf("  bare SQLite batched INSERT of the same rows      %9.0f records/s\n",
              done / bare_s);
  std::printf("  per-round records/s (push / bare):");
  for (size_t i = 0; i < push_rates.size(); ++i) {
    std::printf("  %.0f / %.0f", push_rates[i], bare_rates[i]);
  }
  std::printf("\n  push / bare = %.2f   (not a target)\n", bare_s / push_s);
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
