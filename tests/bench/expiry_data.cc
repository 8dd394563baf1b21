#include "expiry_data.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <utility>

#include "bench_members.h"
#include "patron/hlc.h"
#include "patron/local_time.h"
#include "patron/member_id.h"
#include "patron/record/record_sql.h"
#include "patron/sql/database.h"
#include "patron/sql/statement.h"
#include "patron/sql/transaction.h"
#include "patron/sync/protocol.h"

namespace patron::bench {
namespace {

constexpr int kStores = 100;
constexpr int kTillsPerStore = 2;
// Members who stopped coming at some point (their entries end then).
constexpr uint64_t kLapsedPercent = 20;
// Members who ever redeem points; at a visit with 500 points or more they
// may spend, they redeem this often, up to half of them.
constexpr uint64_t kRedeemerPercent = 35;
constexpr uint64_t kRedeemPercent = 30;
// Entries at another store than the member's own.
constexpr uint64_t kElsewherePercent = 20;
// Members whose rows the benchmark checks, spread evenly over key order.
constexpr int64_t kSamples = 16;

// SQL keeps its own layout.
// clang-format off
constexpr std::string_view kSelectState =
    "SELECT last_seq, folded_seq, next_server_entry_seq, hlc FROM server_state WHERE id = 1";
constexpr std::string_view kUpdateState =
    "UPDATE server_state SET last_seq = ?, next_server_entry_seq = ?, hlc = ? WHERE id = 1";
constexpr std::string_view kSelectTills =
    "SELECT terminal_id, store_id FROM terminals ORDER BY terminal_id";
// What a push leaves in terminals: its highest journal seq, its last sync.
constexpr std::string_view kUpdateTill =
    "UPDATE terminals SET journal_high_seq = ?, last_sync_ms = ? WHERE terminal_id = ?";
// As SqliteStoreTxn::QueueProfileChange writes it.
constexpr std::string_view kQueueProfileChange =
    "INSERT INTO profile_queue(seq, member_id, field, value_json, hlc, origin)"
    " VALUES (?, ?, ?, ?, ?, ?)";
// clang-format on

// As SqliteStoreTxn::InsertEntryIfNew writes it (its InsertEntrySql, whose
// ON CONFLICT a fresh id never meets): the entry's own seq is origin_seq.
const std::string& InsertEntrySql() {
  static const std::string sql = "INSERT INTO entries(seq, " +
                                 record::ColumnList<LedgerEntry>({{"seq", "origin_seq"}}) +
                                 ") VALUES (?, " + record::Placeholders<LedgerEntry>() + ")";
  return sql;
}

int64_t Uniform(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

bool Percent(std::mt19937_64& rng, uint64_t percent) { return rng() % 100 < percent; }

int64_t LocalMidnightMs(int64_t day) { return day * kMsPerDay - kExpiryUtcOffsetMinutes * 60'000; }

// The pack a till had in force at `wall_ms`.
const Rules& PackAt(const std::vector<Rules>& packs, const Rules& before, int64_t wall_ms) {
  const Rules* pack = &before;
  for (const Rules& p : packs) {
    if (ActivationMs(p) <= wall_ms) pack = &p;
  }
  return *pack;
}

struct Till {
  std::string terminal_id;
  std::string store_id;
  int64_t last_seq = 0;
  int64_t last_ms = 0;
};

// Writes the members one by one, in key order, with the state they share:
// the change sequence, the tills' journals, head office's own entry ids.
class Generator {
 public:
  Generator(sql::Database& db, std::vector<Till> tills, int64_t last_seq, int64_t server_seq,
            int64_t hlc)
      : db_(db),
        tills_(std::move(tills)),
        seq_(last_seq),
        server_seq_(server_seq),
        hlc_(hlc),
        packs_(ExpiryPacks()),
        v1_(DefaultRules()) {}

  Status Init(ExpiryProgramme& p) {
    PATRON_ASSIGN_OR_RETURN(from_day_, ParseLocalDay(kExpiryDataFrom));
    PATRON_ASSIGN_OR_RETURN(until_day_, ParseLocalDay(kExpiryDataUntil));
    PATRON_ASSIGN_OR_RETURN(prior_ms_, ParsePackTime(kExpiryPriorRunAt, kExpiryUtcOffsetMinutes));
    PATRON_ASSIGN_OR_RETURN(p.run_ms, ParsePackTime(kExpiryRunAt, kExpiryUtcOffsetMinutes));
    prior_day_ = ToLocalDate(prior_ms_, kExpiryUtcOffsetMinutes).day_number;
    p.run_day = ToLocalDate(p.run_ms, kExpiryUtcOffsetMinutes).day_number;
    return Status::OK();
  }

  // Member `index` (its phone E164Phone(index)) with `slots` entries; the
  // last member of the load only comes after the prior run, so that it
  // writes no prior expiry beyond its slots. Returns the entries written.
  Result<int64_t> Member(const std::string& member_id, int64_t index, int64_t slots, bool last,
                         ExpiryProgramme& p, ExpirySample* sample) {
    std::mt19937_64 rng(seed_ ^ (static_cast<uint64_t>(index) * 0x9E3779B97F4A7C15ULL));
    member_id_ = &member_id;
    book_ = LotBook{};
    balance_ = 0;
    last_purchase_ms_ = 0;
    last_entry_ = LedgerEntry{};
    last_entry_seq_ = 0;
    written_ = 0;
    home_ = static_cast<size_t>(index) % tills_.size();

    // Enrolments thin out over the years (the square of a uniform draw):
    // a programme that has run for a while.
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    int64_t enrol_day =
        from_day_ + static_cast<int64_t>(u * u * static_cast<double>(until_day_ - 30 - from_day_));
    redeemer_ = Percent(rng, kRedeemerPercent);
    if (last) enrol_day = std::max(enrol_day, prior_day_);
    const int64_t last_day =
        Percent(rng, kLapsedPercent) ? Uniform(rng, enrol_day, until_day_) : until_day_;
    const int64_t enrolled_ms =
        LocalMidnightMs(enrol_day) + 8 * 3'600'000 + Uniform(rng, 0, 3'599'999);
    PATRON_RETURN_IF_ERROR(Enrol(member_id, index, enrolled_ms));

    std::vector<int64_t> times(static_cast<size_t>(slots));
    for (int64_t& t : times) {
      // Opening hours, 09:00 to 22:00: never the expiry runs' hour.
      t = LocalMidnightMs(Uniform(rng, enrol_day, last_day)) +
          Uniform(rng, 9 * 3'600'000, 22 * 3'600'000 - 1);
    }
    std::sort(times.begin(), times.end());
    bool prior_done = false;
    size_t next = 0;
    while (written_ < slots && next < times.size()) {
      if (!prior_done && times[next] >= prior_ms_) {
        prior_done = true;
        PATRON_RETURN_IF_ERROR(PriorExpiry(p));
        continue;
      }
      PATRON_RETURN_IF_ERROR(TillEntry(times[next++], rng, p));
    }
    if (!prior_done) PATRON_RETURN_IF_ERROR(PriorExpiry(p));

    p.lots += static_cast<int64_t>(book_.lots.size());
    const bool never_expiring = std::any_of(book_.lots.begin(), book_.lots.end(), [](const Lot& l) {
      return l.days.expires_day == kNeverExpires && l.remaining() > 0;
    });
    if (never_expiring) ++p.members_never_expiring;
    const std::vector<ExpiryDue> due = DueExpiry(book_, p.run_day);
    if (!due.empty()) ++p.due_members;
    for (const ExpiryDue& owed : due) {
      ++p.due_entries;
      (owed.points < 0 ? p.due_points_expired : p.due_points_given_back) += std::abs(owed.points);
    }
    if (sample != nullptr) {
      sample->member_id = member_id;
      sample->phone = E164Phone(index);
      sample->enrolled_store = tills_[home_].store_id;
      sample->lots = book_;
      sample->expiry_due_day = ExpiryDueDay(book_);
      sample->balance = balance_;
      sample->last_purchase_ms = last_purchase_ms_;
      sample->version = seq_;
      sample->entry = last_entry_;
      sample->entry_seq = last_entry_seq_;
    }
    return written_;
  }

  void set_seed(uint64_t seed) { seed_ = seed; }
  int64_t seq() const { return seq_; }
  int64_t server_seq() const { return server_seq_; }
  int64_t hlc() const { return hlc_; }
  const std::vector<Till>& tills() const { return tills_; }

 private:
  // The identity and name a till pushed when the member enrolled.
  Status Enrol(const std::string& member_id, int64_t index, int64_t enrolled_ms) {
    const Till& till = tills_[home_];
    const HlcTimestamp stamp = HlcTimestamp::FromParts(enrolled_ms, 0);
    MemberIdentity identity;
    identity.phone = E164Phone(index);
    identity.enrolled_store = till.store_id;
    identity.enrolled_ms = enrolled_ms;
    PATRON_RETURN_IF_ERROR(QueueChange(member_id, sync::kIdentityField, identity, stamp, till));
    return QueueChange(member_id, "name", std::string("会员 Member ") + std::to_string(index),
                       stamp, till);
  }

  Status QueueChange(const std::string& member_id, std::string_view field,
                     const sync::ProfileValue& value, HlcTimestamp stamp, const Till& till) {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kQueueProfileChange));
    s.BindInt64(0, ++seq_);
    s.BindText(1, member_id);
    s.BindText(2, field);
    record::SqlCodec<sync::ProfileValue>::Bind(s, 3, value);
    s.BindInt64(4, stamp.Packed());
    s.BindText(5, till.terminal_id);
    hlc_ = std::max(hlc_, stamp.Packed());
    return s.Run().WithContext("queue profile change");
  }

  // A sale at `wall_ms`: for a member who redeems, sometimes a redemption
  // of up to half of what they may spend that day (when that is 500 points
  // or more); otherwise an earn of 1 point per 1.00 paid, with its lot as
  // the pack in force says.
  Status TillEntry(int64_t wall_ms, std::mt19937_64& rng, ExpiryProgramme& p) {
    const size_t at =
        Percent(rng, kElsewherePercent) ? static_cast<size_t>(rng() % tills_.size()) : home_;
    Till& till = tills_[at];
    const Rules& pack = PackAt(packs_, v1_, wall_ms);
    const int64_t today = ToLocalDate(wall_ms, kExpiryUtcOffsetMinutes).day_number;
    const int64_t spendable = SpendablePoints(book_, today);
    LedgerEntry e;
    e.origin = till.terminal_id;
    e.seq = ++till.last_seq;
    e.entry_id = MakeEntryId(e.origin, e.seq);
    e.member_id = *member_id_;
    e.currency = pack.currency;
    e.sale_ref = "R" + std::to_string(e.seq);
    e.store_id = till.store_id;
    e.terminal_id = till.terminal_id;
    e.hlc = HlcTimestamp::FromParts(wall_ms, 0);
    e.wall_ms = wall_ms;
    e.rule_version = pack.version;
    if (redeemer_ && spendable >= 500 && Percent(rng, kRedeemPercent)) {
      const int64_t points = 100 * Uniform(rng, 1, spendable / 200);
      e.kind = EntryKind::kRedeem;
      e.points = -points;
      e.detail.discount_minor = points * MinorPerUnit(pack) / pack.redeem_points_per_unit;
      ++p.redeems;
    } else {
      const int64_t paid = Uniform(rng, 500, 40'000);
      e.kind = EntryKind::kEarn;
      e.points = paid / MinorPerUnit(pack);
      e.amount_minor = paid;
      e.detail.tier = "regular";
      e.detail.multiplier_bp = 10'000;
      e.detail.sale_amount_minor = paid;
      e.detail.paid_minor = paid;
      SetLot(e.detail, LotFor(pack, wall_ms));
      last_purchase_ms_ = std::max(last_purchase_ms_, wall_ms);
      ++p.earns;
    }
    till.last_ms = std::max(till.last_ms, wall_ms);
    return Write(e, p);
  }

  // What head office's run of kExpiryPriorRunAt wrote for this member, as
  // RunExpiry writes it (ExpiryEntry, WriteServerEntry): one entry per
  // expiry day owed, its ids and time from head office.
  Status PriorExpiry(ExpiryProgramme& p) {
    const Rules& pack = PackAt(packs_, v1_, prior_ms_);
    for (const ExpiryDue& owed : DueExpiry(book_, prior_day_)) {
      LedgerEntry e;
      e.member_id = *member_id_;
      e.kind = owed.points < 0 ? EntryKind::kExpire : EntryKind::kAdjust;
      e.points = owed.points;
      if (owed.points > 0) e.detail.reason = std::string(kExpiryCorrected);
      SetLot(e.detail, owed.days);
      e.origin = std::string(kServerOrigin);
      e.seq = server_seq_++;
      e.entry_id = MakeEntryId(e.origin, e.seq);
      e.currency = pack.currency;
      e.store_id = std::string(kServerOrigin);
      e.terminal_id = std::string(kServerOrigin);
      // A thousand a second from 02:00: every entry a distinct stamp.
      const int64_t n = p.prior_expiry_entries++;
      e.wall_ms = prior_ms_ + n / 1000;
      e.hlc = HlcTimestamp::FromParts(e.wall_ms, static_cast<uint16_t>(n % 1000));
      e.rule_version = pack.version;
      PATRON_RETURN_IF_ERROR(Write(e, p));
    }
    return Status::OK();
  }

  Status Write(const LedgerEntry& e, ExpiryProgramme& p) {
    PATRON_RETURN_IF_ERROR(ValidateEntry(e));
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertEntrySql()));
    s.BindInt64(0, ++seq_);
    record::BindRecordInPlace(s, 1, e);
    PATRON_RETURN_IF_ERROR(s.Run().WithContext("insert entry " + e.entry_id));
    // The fold applies the member's entries in (wall_ms, seq) order, with
    // the offset of the pack in force: these.
    ApplyToLots(book_, e, kExpiryUtcOffsetMinutes);
    balance_ += BalanceEffect(e);
    hlc_ = std::max(hlc_, e.hlc.Packed());
    last_entry_ = e;
    last_entry_seq_ = seq_;
    ++written_;
    ++p.entries;
    return Status::OK();
  }

  sql::Database& db_;
  std::vector<Till> tills_;
  int64_t seq_;
  int64_t server_seq_;
  int64_t hlc_;
  const std::vector<Rules> packs_;
  const Rules v1_;
  uint64_t seed_ = 0;
  int64_t from_day_ = 0, until_day_ = 0, prior_ms_ = 0, prior_day_ = 0;

  // The member being written.
  const std::string* member_id_ = nullptr;
  size_t home_ = 0;
  bool redeemer_ = false;
  LotBook book_;
  int64_t balance_ = 0;
  int64_t last_purchase_ms_ = 0;
  LedgerEntry last_entry_;
  int64_t last_entry_seq_ = 0;
  int64_t written_ = 0;
};

// Entries per member in key order: `entries` spread evenly, then moved
// between neighbours in pairs (from 1 to about twice the average each), so
// the total stays exact.
std::vector<int64_t> EntryCounts(int64_t members, int64_t entries, uint64_t seed) {
  std::vector<int64_t> counts(static_cast<size_t>(members));
  for (int64_t k = 0; k < members; ++k) {
    counts[static_cast<size_t>(k)] = (k + 1) * entries / members - k * entries / members;
  }
  std::mt19937_64 rng(seed);
  for (size_t k = 0; k + 1 < counts.size(); k += 2) {
    const int64_t room = std::min(counts[k], counts[k + 1]) - 1;
    const int64_t moved = Uniform(rng, -room, room);
    counts[k] += moved;
    counts[k + 1] -= moved;
  }
  return counts;
}

Result<std::vector<Till>> ReadTills(sql::Database& db) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db.GetCachedStatement(kSelectTills));
  std::vector<Till> tills;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    tills.push_back({s.ColumnText(0), s.ColumnText(1)});
  }
  if (tills.empty()) return Status::FailedPrecondition("no till registered");
  return tills;
}

}  // namespace

std::vector<Rules> ExpiryPacks() {
  std::vector<Rules> packs;
  for (int year = 2025; year <= 2027; ++year) {
    Rules pack = DefaultRules();
    pack.version = year - 2023;
    pack.name = std::to_string(year) + " 会员计划 programme";
    pack.activate_at = std::to_string(year) + "-01-01T00:00:00";
    pack.utc_offset_minutes = kExpiryUtcOffsetMinutes;
    pack.expiry.fixed_date = "12-31";
    pack.expiry.pending_days = 7;
    packs.push_back(std::move(pack));
  }
  return packs;
}

Status PublishExpiryPacks(sync::SyncService& service) {
  for (const Rules& pack : ExpiryPacks()) {
    PATRON_RETURN_IF_ERROR(service.PublishRules(pack).WithContext("publish " + pack.name));
  }
  return Status::OK();
}

Status RegisterExpiryTills(sync::SyncService& service) {
  for (int store = 1; store <= kStores; ++store) {
    char store_id[8];
    std::snprintf(store_id, sizeof store_id, "S%03d", store);
    for (int till = 1; till <= kTillsPerStore; ++till) {
      char terminal_id[16];
      std::snprintf(terminal_id, sizeof terminal_id, "%s-T%02d", store_id, till);
      PATRON_RETURN_IF_ERROR(service.RegisterTerminal(terminal_id, store_id).status());
    }
  }
  return Status::OK();
}

Result<ExpiryProgramme> LoadExpiryProgramme(const std::string& path, int64_t members,
                                            int64_t entries, uint64_t seed) {
  if (members < 1 || members > kMaxMembers || entries < members) {
    return Status::InvalidArgument("the load needs 1 to " + std::to_string(kMaxMembers) +
                                   " members and at least one entry a member");
  }
  ExpiryProgramme p;
  p.members = members;
  // Key order, as the fold and the expiry run visit members.
  std::vector<std::pair<std::string, int64_t>> keyed;
  keyed.reserve(static_cast<size_t>(members));
  for (int64_t i = 0; i < members; ++i) {
    keyed.emplace_back(DeriveMemberId(kDemoChainKey, E164Phone(i)).ToString(), i);
  }
  std::sort(keyed.begin(), keyed.end());
  const std::vector<int64_t> counts = EntryCounts(members, entries, seed);
  std::set<int64_t> sampled;
  for (int64_t j = 0; j < kSamples; ++j) sampled.insert((members - 1) * j / (kSamples - 1));

  // No rollback journal for pages the load adds, no flush: a load that
  // fails leaves a file to delete, not a store.
  sql::DatabaseOptions options;
  options.wal = false;
  options.synchronous_full = false;
  options.foreign_keys = false;
  options.cache_size_kib = 256 * 1024;
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db, sql::Database::Open(path, options));
  PATRON_RETURN_IF_ERROR(db->Execute("PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF"));
  int64_t last_seq = 0, server_seq = 0, hlc = 0;
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db->GetCachedStatement(kSelectState));
    PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) return Status::FailedPrecondition(path + ": no server_state");
    last_seq = s.ColumnInt64(0);
    if (s.ColumnInt64(1) != last_seq) return Status::FailedPrecondition(path + ": not folded");
    server_seq = s.ColumnInt64(2);
    hlc = s.ColumnInt64(3);
  }
  PATRON_ASSIGN_OR_RETURN(std::vector<Till> tills, ReadTills(*db));
  Generator generator(*db, std::move(tills), last_seq, server_seq, hlc);
  generator.set_seed(seed);
  PATRON_RETURN_IF_ERROR(generator.Init(p));

  sql::Transaction txn(*db);
  PATRON_RETURN_IF_ERROR(txn.Begin());
  int64_t owed = 0;  // entries the counts asked for so far, less those written
  for (int64_t k = 0; k < members; ++k) {
    const auto& [member_id, index] = keyed[static_cast<size_t>(k)];
    owed += counts[static_cast<size_t>(k)];
    ExpirySample* sample = nullptr;
    if (sampled.count(k) != 0) sample = &p.samples.emplace_back();
    PATRON_ASSIGN_OR_RETURN(const int64_t written,
                            generator.Member(member_id, index, std::max<int64_t>(owed, 0),
                                             k == members - 1, p, sample));
    owed -= written;
    p.member_ids.push_back(member_id);
  }
  p.profile_changes = 2 * members;
  for (const Till& till : generator.tills()) {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db->GetCachedStatement(kUpdateTill));
    s.BindInt64(0, till.last_seq);
    s.BindOptionalInt64(1, till.last_ms > 0 ? std::optional<int64_t>(till.last_ms) : std::nullopt);
    s.BindText(2, till.terminal_id);
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db->GetCachedStatement(kUpdateState));
    s.BindInt64(0, generator.seq());
    s.BindInt64(1, generator.server_seq());
    s.BindInt64(2, generator.hlc());
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  PATRON_RETURN_IF_ERROR(txn.Commit());
  PATRON_RETURN_IF_ERROR(db->Execute("PRAGMA journal_mode=WAL"));
  return p;
}

LotBook AfterExpiry(LotBook book, int64_t today, int64_t at_ms) {
  for (const ExpiryDue& owed : DueExpiry(book, today)) {
    LedgerEntry e;
    e.kind = owed.points < 0 ? EntryKind::kExpire : EntryKind::kAdjust;
    e.points = owed.points;
    if (owed.points > 0) e.detail.reason = std::string(kExpiryCorrected);
    SetLot(e.detail, owed.days);
    e.wall_ms = at_ms;
    ApplyToLots(book, e, kExpiryUtcOffsetMinutes);
  }
  return book;
}

}  // namespace patron::bench
