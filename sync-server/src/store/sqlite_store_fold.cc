// The fold's side of SqliteStoreTxn (sqlite_store_txn.h): the watermark,
// member_entries and the profile queue (server_schema.cc, version 3).
#include "store/sqlite_store_txn.h"

#include <limits>

#include "patron/record/record_sql.h"

namespace patron::sync {
namespace {

// SQL keeps its own layout.
// clang-format off
constexpr std::string_view kIndexByMember =
    "INSERT INTO member_entries(member_id, wall_ms, seq, amount_minor) VALUES (?, ?, ?, ?)";
// Summed here, saturating, rather than with SUM(), which fails on int64
// overflow: the fold calls this, and one member's absurd amounts must not
// stop every later fold.
constexpr std::string_view kSpendSince =
    "SELECT amount_minor, wall_ms FROM member_entries WHERE member_id = ? AND wall_ms >= ?";
// Each holder's redemption rights for one member, summed as RightsEffect
// (ledger.h) does: a holder's own entries count their points, except
// transfers, which move points from their origin to their to_holder. The
// member's entries are those filed under it and those not yet folded (?2 is
// the fold's watermark): one scan of the entries pushed since the last fold.
constexpr std::string_view kRightsByHolder =
    "WITH mine AS ("
    " SELECT e.origin, e.kind, e.points, e.to_holder"
    "  FROM member_entries m JOIN entries e ON e.seq = m.seq WHERE m.member_id = ?1"
    " UNION ALL"
    " SELECT origin, kind, points, to_holder FROM entries WHERE seq > ?2 AND member_id = ?1)"
    "SELECT holder, SUM(effect) FROM ("
    " SELECT origin AS holder, CASE kind WHEN 'transfer' THEN -points ELSE points END AS effect"
    "  FROM mine"
    " UNION ALL"
    " SELECT to_holder, points FROM mine WHERE kind = 'transfer'"
    ") GROUP BY holder ORDER BY holder";
// One holder's rights by member. Its own entries are a range of entry ids
// ("<origin>/<seq>", ValidateEntry: '0' follows '/'), the transfers to it a
// range of entries_transfers_to.
constexpr std::string_view kRightsHeldBy =
    "SELECT member_id, SUM(effect) FROM ("
    " SELECT member_id, CASE kind WHEN 'transfer' THEN -points ELSE points END AS effect"
    "  FROM entries WHERE entry_id >= ?1 || '/' AND entry_id < ?1 || '0' AND origin = ?1"
    " UNION ALL"
    " SELECT member_id, points FROM entries WHERE kind = 'transfer' AND to_holder = ?1"
    ") GROUP BY member_id HAVING SUM(effect) <> 0 ORDER BY member_id";

// ---- the profile queue ----

constexpr std::string_view kQueueProfileChange =
    "INSERT INTO profile_queue(seq, member_id, field, value_json, hlc, origin)"
    " VALUES (?, ?, ?, ?, ?, ?)";
constexpr std::string_view kQueuedProfileChanges =
    "SELECT seq, member_id, field, value_json, hlc, origin FROM profile_queue"
    " WHERE seq > ? AND seq <= ? ORDER BY seq";
constexpr std::string_view kDropQueuedProfileChanges = "DELETE FROM profile_queue WHERE seq <= ?";
// clang-format on

// Rows of (key, rights), as kRightsByHolder and kRightsHeldBy give them.
Result<std::map<std::string, int64_t>> ReadRights(sql::Statement& s) {
  std::map<std::string, int64_t> rights;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return rights;
    rights[s.ColumnText(0)] = s.ColumnInt64(1);
  }
}

}  // namespace

Result<int64_t> SqliteStoreTxn::FoldedSeq() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  return folded_seq_;
}

Status SqliteStoreTxn::SetFoldedSeq(int64_t seq) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  if (seq < folded_seq_ || seq > last_seq_) {
    return Status::InvalidArgument("fold watermark " + std::to_string(seq) + " outside [" +
                                   std::to_string(folded_seq_) + ", " + std::to_string(last_seq_) +
                                   "]");
  }
  folded_seq_ = seq;
  return Status::OK();
}

Status SqliteStoreTxn::IndexByMember(std::span<const StoredEntry> entries) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kIndexByMember));
  for (const StoredEntry& stored : entries) {
    s.BindText(0, stored.entry.member_id);
    s.BindInt64(1, stored.entry.wall_ms);
    s.BindInt64(2, stored.seq);
    s.BindInt64(3, stored.entry.amount_minor);
    PATRON_RETURN_IF_ERROR(s.Run().WithContext("file entry under its member"));
    s.Reset(/*clear_bindings=*/false);
  }
  return Status::OK();
}

Result<WindowSpend> SqliteStoreTxn::SpendSince(std::string_view member_id, int64_t since_ms) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kSpendSince));
  s.BindText(0, member_id);
  s.BindInt64(1, since_ms);
  WindowSpend window;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return window;
    const int64_t amount = s.ColumnInt64(0);
    if (amount == 0) continue;
    const int64_t wall_ms = s.ColumnInt64(1);
    if (window.earliest_ms == 0 || wall_ms < window.earliest_ms) window.earliest_ms = wall_ms;
    if (__builtin_add_overflow(window.spend_minor, amount, &window.spend_minor)) {
      window.spend_minor =
          amount > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
    }
  }
}

Result<std::map<std::string, int64_t>> SqliteStoreTxn::RightsByHolder(std::string_view member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kRightsByHolder));
  s.BindText(0, member_id);
  s.BindInt64(1, folded_seq_);
  return ReadRights(s);
}

Result<std::map<std::string, int64_t>> SqliteStoreTxn::RightsHeldBy(std::string_view holder) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kRightsHeldBy));
  s.BindText(0, holder);
  return ReadRights(s);
}

Status SqliteStoreTxn::QueueProfileChange(const QueuedProfileChange& queued) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  const ProfileChange& c = queued.change;
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kQueueProfileChange));
  s.BindInt64(0, queued.seq);
  s.BindText(1, c.member_id);
  s.BindText(2, c.field);
  record::SqlCodec<ProfileValue>::Bind(s, 3, c.value);
  s.BindInt64(4, c.hlc.Packed());
  s.BindText(5, c.origin);
  return s.Run().WithContext("queue profile change");
}

Result<std::vector<QueuedProfileChange>> SqliteStoreTxn::QueuedProfileChanges(int64_t after,
                                                                              int64_t through) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kQueuedProfileChanges));
  s.BindInt64(0, after);
  s.BindInt64(1, through);
  std::vector<QueuedProfileChange> changes;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return changes;
    QueuedProfileChange& q = changes.emplace_back();
    q.seq = s.ColumnInt64(0);
    q.change.member_id = s.ColumnText(1);
    q.change.field = s.ColumnText(2);
    PATRON_RETURN_IF_ERROR(
        record::SqlCodec<ProfileValue>::Read(s, 3, "value_json", q.change.value));
    PATRON_ASSIGN_OR_RETURN(q.change.hlc, HlcTimestamp::FromPackedChecked(s.ColumnInt64(4)));
    q.change.origin = s.ColumnText(5);
  }
}

Status SqliteStoreTxn::DropQueuedProfileChanges(int64_t through) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(kDropQueuedProfileChanges));
  s.BindInt64(0, through);
  return s.Run().WithContext("drop folded profile changes");
}

}  // namespace patron::sync
