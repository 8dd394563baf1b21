#include "store/sqlite_store_txn.h"

#include <algorithm>
#include <array>
#include <type_traits>

#include "patron/hlc.h"
#include "patron/record/record_sql.h"

namespace patron::sync {
namespace {

// SQL keeps its own layout.
// clang-format off
constexpr std::string_view kSelectState =
    "SELECT epoch, last_seq, next_server_entry_seq, hlc, folded_seq FROM server_state"
    " WHERE id = 1";
constexpr std::string_view kUpdateState =
    "UPDATE server_state SET last_seq = ?, next_server_entry_seq = ?, hlc = ?, folded_seq = ?"
    " WHERE id = 1";

// ---- entries and members: their columns come from the field tables ----

// The server keeps an entry's own per-origin counter as origin_seq: its seq
// is the change sequence at which the entry became visible.
const std::string& EntryColumns() {
  static const std::string columns =
      "seq, " + record::ColumnList<LedgerEntry>({{"seq", "origin_seq"}});
  return columns;
}

// The unique index on entry_id answers "is it new?" as part of the insert.
const std::string& InsertEntrySql() {
  static const std::string sql = "INSERT INTO entries(" + EntryColumns() + ") VALUES (?," +
                                 record::Placeholders<LedgerEntry>() +
                                 ") ON CONFLICT(entry_id) DO NOTHING";
  return sql;
}
const std::string& SelectEntrySql() {
  static const std::string sql = "SELECT " + EntryColumns() + " FROM entries WHERE entry_id = ?";
  return sql;
}
// The literal kind = 'transfer' lets SQLite use the partial index.
const std::string& SelectEntriesToSql() {
  static const std::string sql =
      "SELECT " + EntryColumns() +
      " FROM entries WHERE kind = 'transfer' AND to_holder = ? AND seq > ? AND seq <= ?"
      " ORDER BY seq";
  return sql;
}
const std::string& SelectEntriesBetweenSql() {
  static const std::string sql =
      "SELECT " + EntryColumns() + " FROM entries WHERE seq > ? AND seq <= ? ORDER BY seq";
  return sql;
}

constexpr std::string_view kCountEntries = "SELECT count(*) FROM entries";

// A member row: MemberState's columns, then head office's own figures of
// MemberRecord, in this order (FindMember reads and PutMember binds them by
// position after MemberState's).
constexpr std::array<std::string_view, 6> kServerMemberColumns = {
    "server_rights",       "review_at_ms",          "upgrade_entry",
    "upgrade_before_tier", "upgrade_before_until_ms", "expiry_due_day"};

const std::string& MemberColumns() {
  static const std::string columns = [] {
    std::string list = record::ColumnList<MemberState>();
    for (std::string_view column : kServerMemberColumns) list += ", " + std::string(column);
    return list;
  }();
  return columns;
}
const std::string& SelectMemberSql() {
  static const std::string sql = "SELECT " + MemberColumns() + " FROM members WHERE member_id = ?";
  return sql;
}
const std::string& MembersAfterSql() {
  static const std::string sql =
      "SELECT " + MemberColumns() + " FROM members WHERE version > ? ORDER BY version LIMIT ?";
  return sql;
}
// member_id is the table's key (TEXT, BINARY collation): a range scan.
const std::string& MembersByKeySql() {
  static const std::string sql = "SELECT " + MemberColumns() +
                                 " FROM members WHERE member_id > ? ORDER BY member_id LIMIT ?";
  return sql;
}
// An upsert, not INSERT OR REPLACE: REPLACE would also delete another
// member whose version collides, where this reports Conflict.
const std::string& PutMemberSql() {
  static const std::string sql = [] {
    std::string placeholders = record::Placeholders<MemberState>();
    std::string assignments = record::UpsertAssignments<MemberState>("member_id");
    for (std::string_view column : kServerMemberColumns) {
      placeholders += ",?";
      const std::string name(column);
      assignments += ", " + name + " = excluded." + name;
    }
    return "INSERT INTO members(" + MemberColumns() + ") VALUES (" + placeholders +
           ") ON CONFLICT(member_id) DO UPDATE SET " + assignments;
  }();
  return sql;
}
constexpr std::string_view kMembersDueForReview =
    "SELECT member_id FROM members WHERE review_at_ms > 0 AND review_at_ms <= ?"
    " ORDER BY review_at_ms LIMIT ?";
constexpr std::string_view kMembersDueForExpiry =
    "SELECT member_id FROM members WHERE expiry_due_day > 0 AND expiry_due_day <= ?"
    " ORDER BY expiry_due_day LIMIT ?";
constexpr std::string_view kSetReviewAt = "UPDATE members SET review_at_ms = ? WHERE member_id = ?";
constexpr std::string_view kHeldTiers =
    "SELECT DISTINCT tier FROM members WHERE tier_until_ms > 0 ORDER BY tier";

// ---- grants, terminals, rules ----

constexpr std::string_view kSelectGrant =
    "SELECT terminal_id, request_id, entry_id FROM grants"
    " WHERE terminal_id = ? AND request_id = ?";
constexpr std::string_view kInsertGrant =
    "INSERT INTO grants(terminal_id, request_id, entry_id) VALUES (?, ?, ?)";

#define PATRON_TERMINAL_COLUMNS \
  "terminal_id, store_id, token_hash, registered_ms, last_sync_ms, journal_high_seq"
constexpr std::string_view kSelectTerminal =
    "SELECT " PATRON_TERMINAL_COLUMNS " FROM terminals WHERE terminal_id = ?";
constexpr std::string_view kSelectTerminalByToken =
    "SELECT " PATRON_TERMINAL_COLUMNS " FROM terminals WHERE token_hash = ?";
constexpr std::string_view kListTerminals =
    "SELECT " PATRON_TERMINAL_COLUMNS " FROM terminals ORDER BY terminal_id";
constexpr std::string_view kPutTerminal =
    "INSERT INTO terminals(" PATRON_TERMINAL_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(terminal_id) DO UPDATE SET store_id = excluded.store_id, "
    "token_hash = excluded.token_hash, registered_ms = excluded.registered_ms, "
    "last_sync_ms = excluded.last_sync_ms, journal_high_seq = excluded.journal_high_seq";
#undef PATRON_TERMINAL_COLUMNS

constexpr std::string_view kActiveRules =
    "SELECT version, body FROM rules ORDER BY version DESC LIMIT 1";
constexpr std::string_view kInsertRules =
    "INSERT INTO rules(version, body, received_ms) VALUES (?, ?, ?)"
    " ON CONFLICT(version) DO NOTHING";
constexpr std::string_view kSelectRulesBody = "SELECT body FROM rules WHERE version = ?";
constexpr std::string_view kAllRules =
    "SELECT version, body, received_ms FROM rules ORDER BY version";

// ?1 the entry reversed, ?2 the origin: one range of entries_reversing.
constexpr std::string_view kReversalsOf = R"sql(
SELECT COALESCE(SUM(points), 0), COALESCE(SUM(amount_minor), 0),
       COALESCE(SUM(CASE WHEN origin = ?2 THEN points ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN origin = ?2 THEN amount_minor ELSE 0 END), 0)
FROM entries WHERE ref_entry = ?1 AND kind = 'reverse'
)sql";

// Through the partial index entries_bonuses (schema version 8).
constexpr std::string_view kCountBonuses = R"sql(
SELECT COUNT(*) FROM entries
WHERE kind = 'bonus' AND origin = ? AND sale_ref = ?
  AND json_extract(detail, '$.campaign_id') = ?
)sql";

// Per-store figures (server_store.h StoreFigures), for every store that has
// a terminal, an enrolled member or an entry. Two scans of entries.
constexpr std::string_view kStoreReport = R"sql(
WITH
by_entries AS (
  SELECT store_id,
         SUM(CASE WHEN kind IN ('earn', 'bonus') THEN points ELSE 0 END) AS earned,
         SUM(CASE WHEN kind = 'redeem' THEN -points ELSE 0 END) AS redeemed,
         SUM(CASE WHEN kind <> 'transfer' THEN points ELSE 0 END) AS outstanding
  FROM entries GROUP BY store_id),
by_sales AS (
  SELECT store_id, COUNT(*) AS sales
  FROM (SELECT DISTINCT store_id, terminal_id, sale_ref FROM entries
        WHERE kind IN ('earn', 'redeem') AND sale_ref <> '')
  GROUP BY store_id),
by_members AS (
  SELECT enrolled_store AS store_id, COUNT(*) AS enrolled FROM members GROUP BY enrolled_store),
stores AS (
  SELECT store_id FROM terminals
  UNION SELECT store_id FROM by_members
  UNION SELECT store_id FROM by_entries)
SELECT s.store_id, COALESCE(m.enrolled, 0), COALESCE(x.sales, 0), COALESCE(e.earned, 0),
       COALESCE(e.redeemed, 0), COALESCE(e.outstanding, 0)
FROM stores s
LEFT JOIN by_members m ON m.store_id = s.store_id
LEFT JOIN by_sales x ON x.store_id = s.store_id
LEFT JOIN by_entries e ON e.store_id = s.store_id
ORDER BY s.store_id
)sql";
// clang-format on

Result<StoredEntry> ReadEntry(const sql::Statement& s) {
  StoredEntry stored;
  stored.seq = s.ColumnInt64(0);
  Status status = record::ReadColumns(s, 1, stored.entry);
  if (!status.ok()) {
    return Status::Corruption("entry at seq " + std::to_string(stored.seq) + ": " +
                              status.message());
  }
  return stored;
}

Result<MemberState> ReadMember(const sql::Statement& s) {
  MemberState m;
  PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, m));
  return m;
}

// The columns after MemberState's (MemberColumns()).
constexpr int kServerRightsColumn = record::ColumnCount<MemberState>();
constexpr int kReviewAtColumn = kServerRightsColumn + 1;
constexpr int kUpgradeColumn = kServerRightsColumn + 2;

// Every row of a bound member query (MemberColumns()), at most `limit`.
Result<std::vector<MemberState>> ReadMembers(sql::Statement& s, int limit) {
  std::vector<MemberState> members;
  members.reserve(static_cast<size_t>(limit < 4096 ? limit : 4096));
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return members;
    PATRON_ASSIGN_OR_RETURN(MemberState member, ReadMember(s));
    members.push_back(std::move(member));
  }
}

TerminalRecord ReadTerminal(const sql::Statement& s) {
  TerminalRecord t;
  t.terminal_id = s.ColumnText(0);
  t.store_id = s.ColumnText(1);
  t.token_hash = s.ColumnText(2);
  t.registered_ms = s.ColumnInt64(3);
  t.last_sync_ms = s.ColumnOptionalInt64(4);
  t.journal_high_seq = s.ColumnInt64(5);
  return t;
}

}  // namespace

SqliteStoreTxn::SqliteStoreTxn(std::unique_ptr<ConnectionLease> lease, Mode mode)
    : lease_(std::move(lease)),
      db_(lease_->db()),
      mode_(mode),
      txn_(db_, mode == Mode::kWrite ? sql::Transaction::Mode::kImmediate
                                     : sql::Transaction::Mode::kDeferred) {}

SqliteStoreTxn::~SqliteStoreTxn() = default;

Result<std::unique_ptr<SqliteStoreTxn>> SqliteStoreTxn::Begin(
    std::unique_ptr<ConnectionLease> lease, Mode mode) {
  std::unique_ptr<SqliteStoreTxn> txn(new SqliteStoreTxn(std::move(lease), mode));
  PATRON_RETURN_IF_ERROR(txn->txn_.Begin());
  // For a read transaction this first read is what fixes the snapshot:
  // everything later in it sees the database as of this statement.
  PATRON_RETURN_IF_ERROR(txn->LoadState());
  return txn;
}

Status SqliteStoreTxn::LoadState() {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kSelectState));
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return Status::Corruption(db_.path() + ": server_state row missing");
  epoch_ = s.ColumnText(0);
  committed_last_seq_ = last_seq_ = s.ColumnInt64(1);
  committed_next_server_entry_seq_ = next_server_entry_seq_ = s.ColumnInt64(2);
  PATRON_ASSIGN_OR_RETURN(committed_hlc_, HlcTimestamp::FromPackedChecked(s.ColumnInt64(3)));
  hlc_ = committed_hlc_;
  committed_folded_seq_ = folded_seq_ = s.ColumnInt64(4);
  return Status::OK();
}

Status SqliteStoreTxn::CheckOpen() const {
  if (ended_) return Status::FailedPrecondition("store transaction already ended");
  // After some errors (disk full, I/O) SQLite rolls the whole transaction
  // back by itself. Going on would run every later statement in autocommit
  // mode, committing writes one by one without their sequence counters.
  if (!db_.InTransaction()) {
    return Status::IOError("the store transaction was rolled back after an earlier error",
                           "transaction_aborted");
  }
  return Status::OK();
}

Status SqliteStoreTxn::CheckWritable() const {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  if (mode_ != Mode::kWrite) {
    return Status::FailedPrecondition("write operation in a read transaction");
  }
  return Status::OK();
}

Result<std::string> SqliteStoreTxn::Epoch() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  return epoch_;
}

Result<int64_t> SqliteStoreTxn::LastSeq() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  return last_seq_;
}

Result<int64_t> SqliteStoreTxn::NextSeq() {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  return ++last_seq_;
}

Result<int64_t> SqliteStoreTxn::NextServerEntrySeq() {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  return next_server_entry_seq_++;
}

Result<HlcTimestamp> SqliteStoreTxn::SavedHlc() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  return committed_hlc_;
}

Status SqliteStoreTxn::SaveHlc(HlcTimestamp hlc) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  hlc_ = std::max(hlc_, hlc);
  return Status::OK();
}

Result<std::optional<StoredEntry>> SqliteStoreTxn::FindEntry(std::string_view entry_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(SelectEntrySql()));
  s.BindText(0, entry_id);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<StoredEntry>();
  PATRON_ASSIGN_OR_RETURN(StoredEntry entry, ReadEntry(s));
  return std::optional<StoredEntry>(std::move(entry));
}

Result<bool> SqliteStoreTxn::InsertEntryIfNew(const LedgerEntry& e, int64_t seq) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(InsertEntrySql()));
  // The entry outlives the one step below: its strings are read in place.
  s.BindInt64(0, seq);
  record::BindRecordInPlace(s, 1, e);
  Status status = s.Run();
  if (!status.ok()) return status.WithContext("insert entry");
  return db_.Changes() == 1;
}

Result<std::vector<StoredEntry>> SqliteStoreTxn::EntriesTo(std::string_view holder, int64_t after,
                                                           int64_t through) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(SelectEntriesToSql()));
  s.BindText(0, holder);
  s.BindInt64(1, after);
  s.BindInt64(2, through);
  return ReadEntries(s);
}

Result<std::vector<StoredEntry>> SqliteStoreTxn::EntriesBetween(int64_t after, int64_t through) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(SelectEntriesBetweenSql()));
  s.BindInt64(0, after);
  s.BindInt64(1, through);
  return ReadEntries(s);
}

Result<std::vector<StoredEntry>> SqliteStoreTxn::EntriesOfMember(std::string_view member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  // Folded entries through member_entries; the rest from the tail the
  // fold has not reached.
  static const std::string sql =
      "SELECT " + EntryColumns() +
      " FROM entries WHERE seq IN (SELECT seq FROM member_entries WHERE member_id = ?1)"
      " UNION ALL SELECT " +
      EntryColumns() + " FROM entries WHERE seq > ?2 AND member_id = ?1 ORDER BY seq";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  s.BindText(0, member_id);
  s.BindInt64(1, folded_seq_);
  return ReadEntries(s);
}

Result<std::vector<StoredEntry>> SqliteStoreTxn::ReadEntries(sql::Statement& s) {
  std::vector<StoredEntry> entries;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return entries;
    PATRON_ASSIGN_OR_RETURN(StoredEntry entry, ReadEntry(s));
    entries.push_back(std::move(entry));
  }
}

Result<std::optional<MemberRecord>> SqliteStoreTxn::FindMember(std::string_view member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(SelectMemberSql()));
  s.BindText(0, member_id);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<MemberRecord>();
  MemberRecord record;
  PATRON_ASSIGN_OR_RETURN(record.state, ReadMember(s));
  record.server_rights = s.ColumnInt64(kServerRightsColumn);
  record.review_at_ms = s.ColumnInt64(kReviewAtColumn);
  record.upgrade = {s.ColumnText(kUpgradeColumn),
                    {s.ColumnText(kUpgradeColumn + 1), s.ColumnInt64(kUpgradeColumn + 2)}};
  record.expiry_due_day = s.ColumnInt64(kUpgradeColumn + 3);
  return std::optional<MemberRecord>(std::move(record));
}

Status SqliteStoreTxn::PutMember(const MemberRecord& member) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  const MemberState& m = member.state;
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(PutMemberSql()));
  const int next = record::BindRecord(s, 0, m);
  s.BindInt64(next, member.server_rights);
  s.BindInt64(next + 1, member.review_at_ms);
  s.BindText(next + 2, member.upgrade.entry_id);
  s.BindText(next + 3, member.upgrade.before.tier);
  s.BindInt64(next + 4, member.upgrade.before.until_ms);
  s.BindInt64(next + 5, member.expiry_due_day);
  Status status = s.Run();
  if (!status.ok()) return status.WithContext("put member");
  return Status::OK();
}

Result<std::vector<std::string>> SqliteStoreTxn::MembersDueForReview(int64_t now_ms, int limit) {
  return MembersDue(kMembersDueForReview, now_ms, limit);
}

Result<std::vector<std::string>> SqliteStoreTxn::MembersDueForExpiry(int64_t today, int limit) {
  return MembersDue(kMembersDueForExpiry, today, limit);
}

Result<std::vector<std::string>> SqliteStoreTxn::MembersDue(std::string_view sql, int64_t at,
                                                            int limit) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  std::vector<std::string> due;
  if (limit <= 0) return due;
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  s.BindInt64(0, at);
  s.BindInt64(1, limit);
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return due;
    due.push_back(s.ColumnText(0));
  }
}

Status SqliteStoreTxn::SetReviewAt(std::string_view member_id, int64_t review_at_ms) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kSetReviewAt));
  s.BindInt64(0, review_at_ms);
  s.BindText(1, member_id);
  return s.Run().WithContext("set member review");
}

Result<std::vector<std::string>> SqliteStoreTxn::HeldTiers() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kHeldTiers));
  std::vector<std::string> tiers;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return tiers;
    tiers.push_back(s.ColumnText(0));
  }
}

Result<std::vector<MemberState>> SqliteStoreTxn::MembersAfter(int64_t after, int limit) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  if (limit <= 0) return std::vector<MemberState>();  // SQLite reads LIMIT -1 as "no limit"
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(MembersAfterSql()));
  s.BindInt64(0, after);
  s.BindInt64(1, limit);
  return ReadMembers(s, limit);
}

Result<std::vector<MemberState>> SqliteStoreTxn::MembersByKey(std::string_view after, int limit) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  if (limit <= 0) return std::vector<MemberState>();
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(MembersByKeySql()));
  s.BindText(0, after);
  s.BindInt64(1, limit);
  return ReadMembers(s, limit);
}

Result<std::optional<GrantRecord>> SqliteStoreTxn::FindGrant(std::string_view terminal_id,
                                                             std::string_view request_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kSelectGrant));
  s.BindText(0, terminal_id);
  s.BindText(1, request_id);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<GrantRecord>();
  return std::optional<GrantRecord>(GrantRecord{s.ColumnText(0), s.ColumnText(1), s.ColumnText(2)});
}

Status SqliteStoreTxn::InsertGrant(const GrantRecord& grant) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kInsertGrant));
  s.BindText(0, grant.terminal_id);
  s.BindText(1, grant.request_id);
  s.BindText(2, grant.entry_id);
  Status status = s.Run();
  if (!status.ok()) return status.WithContext("insert grant");
  return Status::OK();
}

Result<std::optional<TerminalRecord>> SqliteStoreTxn::FindTerminalBy(std::string_view sql,
                                                                     std::string_view key) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  s.BindText(0, key);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<TerminalRecord>();
  return std::optional<TerminalRecord>(ReadTerminal(s));
}

Result<std::optional<TerminalRecord>> SqliteStoreTxn::FindTerminal(std::string_view terminal_id) {
  return FindTerminalBy(kSelectTerminal, terminal_id);
}

Result<std::optional<TerminalRecord>> SqliteStoreTxn::FindTerminalByTokenHash(
    std::string_view token_hash) {
  return FindTerminalBy(kSelectTerminalByToken, token_hash);
}

Status SqliteStoreTxn::PutTerminal(const TerminalRecord& t) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kPutTerminal));
  s.BindText(0, t.terminal_id);
  s.BindText(1, t.store_id);
  s.BindText(2, t.token_hash);
  s.BindInt64(3, t.registered_ms);
  s.BindOptionalInt64(4, t.last_sync_ms);
  s.BindInt64(5, t.journal_high_seq);
  Status status = s.Run();
  if (!status.ok()) return status.WithContext("put terminal");
  return Status::OK();
}

Result<std::vector<TerminalRecord>> SqliteStoreTxn::ListTerminals() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kListTerminals));
  std::vector<TerminalRecord> terminals;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    terminals.push_back(ReadTerminal(s));
  }
  return terminals;
}

Result<std::optional<std::pair<int64_t, std::string>>> SqliteStoreTxn::ActiveRules() {
  using Rules = std::optional<std::pair<int64_t, std::string>>;
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kActiveRules));
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return Rules();
  return Rules(std::pair<int64_t, std::string>(s.ColumnInt64(0), s.ColumnText(1)));
}

Result<std::optional<std::string>> SqliteStoreTxn::RulesVersion(int64_t version) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kSelectRulesBody));
  s.BindInt64(0, version);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(s.ColumnText(0));
}

Result<std::vector<StoredRules>> SqliteStoreTxn::AllRules() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kAllRules));
  std::vector<StoredRules> all;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) return all;
    all.push_back({s.ColumnInt64(0), s.ColumnText(1), s.ColumnInt64(2)});
  }
}

Status SqliteStoreTxn::PutRules(int64_t version, std::string_view rules_json, int64_t stored_ms) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kInsertRules));
    s.BindInt64(0, version);
    s.BindText(1, rules_json);
    s.BindInt64(2, stored_ms);
    PATRON_RETURN_IF_ERROR(s.Run().WithContext("put rules"));
  }
  if (db_.Changes() == 1) return Status::OK();
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kSelectRulesBody));
  s.BindInt64(0, version);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (found && s.ColumnText(0) == rules_json) return Status::OK();
  return Status::Conflict(
      "rules version " + std::to_string(version) + " is stored with a different body",
      "rules_version_exists");
}

Result<std::vector<StoreFigures>> SqliteStoreTxn::StoreReport() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kStoreReport));
  std::vector<StoreFigures> figures;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    figures.push_back(StoreFigures{s.ColumnText(0), s.ColumnInt64(1), s.ColumnInt64(2),
                                   s.ColumnInt64(3), s.ColumnInt64(4), s.ColumnInt64(5)});
  }
  return figures;
}

Result<int64_t> SqliteStoreTxn::CountEntries() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kCountEntries));
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return Status::Internal("count query returned no row");
  return s.ColumnInt64(0);
}

Result<ReversalSums> SqliteStoreTxn::ReversalsOf(std::string_view entry_id,
                                                 std::string_view origin) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kReversalsOf));
  s.BindText(0, entry_id);
  s.BindText(1, origin);
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return Status::Internal("aggregate query returned no row");
  return ReversalSums{s.ColumnInt64(0), s.ColumnInt64(1), s.ColumnInt64(2), s.ColumnInt64(3)};
}

Result<int64_t> SqliteStoreTxn::CountBonuses(std::string_view origin, std::string_view sale_ref,
                                             std::string_view campaign_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kCountBonuses));
  s.BindText(0, origin);
  s.BindText(1, sale_ref);
  s.BindText(2, campaign_id);
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return Status::Internal("aggregate query returned no row");
  return s.ColumnInt64(0);
}

Result<std::vector<StoredEntry>> SqliteStoreTxn::BonusesOfMember(std::string_view member_id,
                                                                 std::string_view campaign_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  // Through the partial index entries_bonuses_by_member (schema version 8),
  // whose expression this repeats.
  static const std::string sql = "SELECT " + EntryColumns() +
                                 " FROM entries WHERE kind = 'bonus' AND member_id = ?"
                                 " AND json_extract(detail, '$.campaign_id') = ?"
                                 " ORDER BY hlc, entry_id";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  s.BindText(0, member_id);
  s.BindText(1, campaign_id);
  return ReadEntries(s);
}

Status SqliteStoreTxn::Commit() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  ended_ = true;
  Status status = SaveCountersAndCommit();
  // The transaction is over either way (a failed COMMIT rolls back): give
  // the connection back now rather than when the caller drops this object.
  // Nothing touches db_ from here on; txn_ is closed.
  lease_.reset();
  return status;
}

Status SqliteStoreTxn::SaveCountersAndCommit() {
  if (last_seq_ != committed_last_seq_ ||
      next_server_entry_seq_ != committed_next_server_entry_seq_ || hlc_ != committed_hlc_ ||
      folded_seq_ != committed_folded_seq_) {
    Status status = [&]() -> Status {
      PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kUpdateState));
      s.BindInt64(0, last_seq_);
      s.BindInt64(1, next_server_entry_seq_);
      s.BindInt64(2, hlc_.Packed());
      s.BindInt64(3, folded_seq_);
      return s.Run();
    }();
    if (!status.ok()) {
      (void)txn_.Rollback();  // the failure is what the caller needs to see
      return status.WithContext("commit: save sequence counters and clock");
    }
  }
  return txn_.Commit();
}

}  // namespace patron::sync
