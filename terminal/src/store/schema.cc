#include "store/schema.h"

#include <array>
#include <sstream>
#include <string>

#include "patron/records/exchange.h"
#include "patron/records/sale.h"
#include "patron/records/voucher.h"
#include "patron/sync/down_items.h"
#include "patron/sync/replica_member.h"
#include "store/down_store.h"
#include "store/offer_store.h"
#include "store/outbox.h"
#include "store/sale_store.h"
#include "store/segment_store.h"

namespace patron::terminal {
namespace {

// Version 1: the replica's members table (sync/replica_member.h, shared with
// the member snapshot), then the rest. Every profile field is a
// last-writer-wins register: value, the HLC it was written at (packed) and
// the writer's origin.
constexpr std::string_view kSchemaV1Rest = R"sql(
CREATE TABLE terminal_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  terminal_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  chain_key_fingerprint TEXT NOT NULL,
  next_seq INTEGER NOT NULL,          -- seq of the next journal entry
  hlc INTEGER NOT NULL,               -- last HLC issued or merged, packed
  cursor_epoch TEXT NOT NULL DEFAULT '',
  cursor_seq INTEGER NOT NULL DEFAULT 0,
  last_sync_ms INTEGER
) STRICT;

-- members: sync::kReplicaMembersTable, before this text.

-- This terminal's own entries plus the server's entries addressed to it
-- (grants). Immutable except ack_seq, set once the server acknowledged it
-- (0: head office refused it, version 4's ledger_refused).
CREATE TABLE ledger (
  local_id INTEGER PRIMARY KEY,
  entry_id TEXT NOT NULL UNIQUE,
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  member_id TEXT NOT NULL REFERENCES members(member_id),
  kind TEXT NOT NULL
    CHECK (kind IN ('earn','bonus','redeem','reverse','adjust','expire','transfer')),
  points INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  sale_ref TEXT NOT NULL,
  ref_entry TEXT NOT NULL,
  to_holder TEXT NOT NULL,
  store_id TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  hlc INTEGER NOT NULL,
  wall_ms INTEGER NOT NULL,
  rule_version INTEGER NOT NULL,
  detail TEXT NOT NULL,
  ack_seq INTEGER
) STRICT;
-- entry_id is "<origin>/<seq>" (ValidateEntry), so its uniqueness is that of
-- (origin, seq). By (member, ack): a member's entries the server has not
-- included yet are one short range scan (NULLs first, then ack_seq > v).
CREATE INDEX ledger_by_member ON ledger(member_id, ack_seq);
CREATE INDEX ledger_unacked ON ledger(seq) WHERE ack_seq IS NULL;

CREATE TABLE sales (
  sale_ref TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  member_id TEXT NOT NULL REFERENCES members(member_id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  currency TEXT NOT NULL,
  discount_minor INTEGER NOT NULL,
  paid_minor INTEGER NOT NULL,
  eligible_paid_minor INTEGER NOT NULL,  -- the earn entry's qualifying spend
  earned_points INTEGER NOT NULL,
  redeemed_points INTEGER NOT NULL,
  earn_entry TEXT NOT NULL,    -- '' if nothing was earned
  redeem_entry TEXT NOT NULL,  -- '' if nothing was redeemed
  balance_after INTEGER NOT NULL,
  tier_after TEXT NOT NULL,
  rule_version INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  -- Running totals of refunds; the next refund is computed from these so the
  -- refunds of a sale add up exactly to the sale.
  refunded_amount_minor INTEGER NOT NULL DEFAULT 0
    CHECK (refunded_amount_minor BETWEEN 0 AND amount_minor)
) STRICT, WITHOUT ROWID;

CREATE TABLE sale_lines (
  sale_ref TEXT NOT NULL REFERENCES sales(sale_ref),
  line_no INTEGER NOT NULL,
  sku TEXT NOT NULL,
  qty INTEGER NOT NULL CHECK (qty > 0),
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
  category TEXT NOT NULL,
  refunded_qty INTEGER NOT NULL DEFAULT 0 CHECK (refunded_qty BETWEEN 0 AND qty),
  PRIMARY KEY (sale_ref, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE refunds (
  refund_ref TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  sale_ref TEXT NOT NULL REFERENCES sales(sale_ref),
  amount_minor INTEGER NOT NULL,
  paid_back_minor INTEGER NOT NULL,
  reversed_points INTEGER NOT NULL,
  returned_points INTEGER NOT NULL,
  entry_ids TEXT NOT NULL,  -- space-separated
  balance_after INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Profile changes made here, waiting to be pushed to the server.
CREATE TABLE profile_outbox (
  change_id INTEGER PRIMARY KEY,
  member_id TEXT NOT NULL REFERENCES members(member_id),
  field TEXT NOT NULL,
  value TEXT,  -- JSON scalar text: "\"Ann\"", "true", "null"
  hlc INTEGER NOT NULL,
  acked INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX profile_outbox_pending ON profile_outbox(change_id) WHERE acked = 0;

-- Rule packs from head office, every version; the highest whose
-- activate_at has come is in force (EngineContext::SwitchPackIfDue).
CREATE TABLE rules (
  version INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  received_ms INTEGER NOT NULL
) STRICT;
)sql";

// Version 2. The number of members, kept by triggers in the transaction that
// adds or removes one: GET /v1/status counted a million-row replica on each
// call (~40 ms, holding the engine while a checkout waited). Members are only
// ever inserted; an INSERT OR REPLACE would need recursive_triggers on for
// the delete trigger to see the row it replaces.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE member_count (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL CHECK (n >= 0)
) STRICT;
INSERT INTO member_count(id, n) SELECT 1, count(*) FROM members;
CREATE TRIGGER member_count_insert AFTER INSERT ON members BEGIN
  UPDATE member_count SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER member_count_delete AFTER DELETE ON members BEGIN
  UPDATE member_count SET n = n - 1 WHERE id = 1;
END;
)sql";

// Version 3. Records and the up-channel (DESIGN.md §8): a sale and a refund
// are the consumption records head office receives (records/sale.h), so
// their tables take the records' columns (sale id, terminal, store, HLC; a
// line's name and discount), and every one of them goes to head office
// through the outbox. Refunds are rebuilt: a refund may now be of another
// store's sale, which has no row here to reference.
constexpr std::string_view kSchemaV3 = R"sql(
ALTER TABLE sales ADD COLUMN sale_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sales ADD COLUMN terminal_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sales ADD COLUMN store_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sales ADD COLUMN hlc INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sales RENAME COLUMN created_ms TO wall_ms;
UPDATE sales SET
  terminal_id = (SELECT terminal_id FROM terminal_state WHERE id = 1),
  store_id = (SELECT store_id FROM terminal_state WHERE id = 1),
  sale_id = (SELECT terminal_id FROM terminal_state WHERE id = 1) || '/' || sale_ref;

ALTER TABLE sale_lines ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE sale_lines ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0;
-- What other terminals refunded of a sale made here (returns anywhere), as
-- head office last said ("sale_refunds" items).
ALTER TABLE sales ADD COLUMN refunded_elsewhere_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sale_lines ADD COLUMN refunded_elsewhere_qty INTEGER NOT NULL DEFAULT 0;

CREATE TABLE refunds_v3 (
  refund_ref TEXT PRIMARY KEY,
  refund_id TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  sale_id TEXT NOT NULL,       -- the sale refunded, of any store
  member_id TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  paid_back_minor INTEGER NOT NULL,
  reversed_points INTEGER NOT NULL,
  returned_points INTEGER NOT NULL,
  spend_reversed_minor INTEGER NOT NULL,
  pending INTEGER NOT NULL,    -- an offline return of another store's sale
  entry_ids TEXT NOT NULL,     -- JSON array
  hlc INTEGER NOT NULL,
  wall_ms INTEGER NOT NULL,
  request_hash TEXT NOT NULL,
  balance_after INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Records for head office, in the order written; terminal_state.outbox_acked
-- is the highest outbox_id head office answered (store/outbox.h).
CREATE TABLE outbox (
  outbox_id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  body TEXT NOT NULL
) STRICT;
ALTER TABLE terminal_state ADD COLUMN outbox_acked INTEGER NOT NULL DEFAULT 0;
CREATE TABLE outbox_refused (
  outbox_id INTEGER PRIMARY KEY,
  outcome TEXT NOT NULL,
  message TEXT NOT NULL
) STRICT;

-- The down-channel (sync/down_items.h): the current item of each kind,
-- audience, address and key; `known` = 0 for a kind this build does not
-- know, kept for the build that will.
CREATE TABLE down_items (
  kind TEXT NOT NULL,
  audience TEXT NOT NULL,
  address TEXT NOT NULL,
  item_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL,
  known INTEGER NOT NULL,
  PRIMARY KEY (kind, audience, address, item_key)
) STRICT, WITHOUT ROWID;
-- Replace-all sets: the parts of each version as they arrive, and the
-- version in force once one is whole.
CREATE TABLE set_parts (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  part INTEGER NOT NULL,
  parts INTEGER NOT NULL,
  rows TEXT NOT NULL,  -- JSON array of the part's rows
  PRIMARY KEY (name, version, part)
) STRICT, WITHOUT ROWID;
CREATE TABLE sets (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
-- What this build met in the sync stream and did not understand (a record
-- kind, entry kind, field or rules version from a newer head office), from
-- which server sequence on: GET /v1/status says "upgrade needed", and the
-- build that understands them pulls again from there (store/upgrade_notes.h).
CREATE TABLE upgrade_notes (
  what TEXT PRIMARY KEY,
  first_seq INTEGER NOT NULL,
  noted_ms INTEGER NOT NULL,
  build TEXT NOT NULL
) STRICT, WITHOUT ROWID;
)sql";

// Version 4. Head office trusts no till (DESIGN.md §4): an entry it refuses
// is final (the same entry would be refused again). It is kept, with
// ack_seq = 0 so that it counts nowhere (neither pending nor included in
// head office's balance: Journal::Pending, Unacknowledged), and why.
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE ledger_refused (
  entry_id TEXT PRIMARY KEY REFERENCES ledger(entry_id),
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  refused_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
)sql";

// Version 5. A lost till never reuses an id (DESIGN.md §4). A database a
// daemon with a head office creates starts unconfirmed (journal_confirmed =
// 0): its journal goes on above the highest sequence head office holds from
// this terminal once head office has said it, or, if it must write before
// (offline), from a random sequence (incarnation_*). restart_*: the last
// time the journal jumped over head office's mark (a lost or rolled-back
// database). Databases from before were confirmed by the syncs they made.
constexpr std::string_view kSchemaV5 = R"sql(
ALTER TABLE terminal_state ADD COLUMN journal_confirmed INTEGER NOT NULL DEFAULT 1;
ALTER TABLE terminal_state ADD COLUMN restart_high_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terminal_state ADD COLUMN restart_from_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terminal_state ADD COLUMN restart_ms INTEGER;
ALTER TABLE terminal_state ADD COLUMN incarnation_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terminal_state ADD COLUMN incarnation_ms INTEGER;
)sql";

// Version 6. A database whose journal jumped over head office's mark, or
// that began a new incarnation, replaced another: the grants head office
// made to this terminal before were the old database's, which spent them or
// handed them back; counting them again would give this one rights head
// office never gave it (and two tills could spend the same points). While
// old_grants is 1 a pulled grant this database did not ask for gives it
// nothing; the first pull round it completes clears it.
constexpr std::string_view kSchemaV6 = R"sql(
ALTER TABLE terminal_state ADD COLUMN old_grants INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 7. Head office's statement of this terminal's rights (protocol.h
// RightsStatement), taken after the journal restarted: a restored backup
// counts rights its old database spent or handed back after the backup. A
// member's rights are its rights_statement row plus the entries the
// statement does not cover: own entries above rights_journal_seq, grants
// visible above rights_seq (rights_sql.h). rights_statement_due: one is
// asked for with every pull until a pull round completes; databases that
// restarted before this version ask too.
constexpr std::string_view kSchemaV7 = R"sql(
CREATE TABLE rights_statement (
  member_id TEXT PRIMARY KEY,
  points INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
ALTER TABLE terminal_state ADD COLUMN rights_journal_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terminal_state ADD COLUMN rights_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terminal_state ADD COLUMN rights_statement_ms INTEGER;
ALTER TABLE terminal_state ADD COLUMN rights_statement_due INTEGER NOT NULL DEFAULT 0;
UPDATE terminal_state SET rights_statement_due = 1
  WHERE restart_ms IS NOT NULL OR incarnation_ms IS NOT NULL;
)sql";

// Version 10. Vouchers (records/voucher.h): every member's, as head office
// last said, and the holding this terminal gave back (store/voucher_store.h).
const std::string& SchemaV10() {
  static const std::string sql = "CREATE TABLE vouchers (" + std::string(kVoucherColumnsSql) +
                                 R"sql(,
  released_gen INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX vouchers_by_member ON vouchers(member_id, issued_ms);
)sql";
  return sql;
}

// Version 11. Points exchanges (records/exchange.h), this terminal's and
// other tills' from head office, and the share of each reward's stock head
// office handed this terminal (store/exchange_store.h).
const std::string& SchemaV11() {
  static const std::string sql = "CREATE TABLE exchanges (" + std::string(kExchangeColumnsSql) +
                                 R"sql(,
  request_hash TEXT NOT NULL,
  balance_after INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX exchanges_by_member ON exchanges(member_id, wall_ms);
CREATE INDEX exchanges_by_reward ON exchanges(reward_id, terminal_id);
CREATE TABLE reward_stock (
  reward_id TEXT PRIMARY KEY,
  granted INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
)sql";
  return sql;
}

// Version 13. This terminal's share of each campaign's budget, the points
// its awards gave from it, and the largest award short of it since head
// office last answered (store/budget_store.h).
constexpr std::string_view kSchemaV13 = R"sql(
CREATE TABLE campaign_budget (
  campaign_id TEXT PRIMARY KEY,
  granted INTEGER NOT NULL,
  used INTEGER NOT NULL,
  short_of INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
)sql";

// Version 15. Segment membership (store/segment_store.h): each member's
// segments under the version in force of head office's "segments" set.
constexpr std::string_view kSchemaV15 = R"sql(
CREATE TABLE member_segments (
  member_id TEXT PRIMARY KEY,
  segments TEXT NOT NULL  -- JSON array of segment ids, sorted
) STRICT, WITHOUT ROWID;
)sql";

// A database that already holds a version of the set (the set_part kind is
// older than this table) gets its membership now, not at the next version.
// Rows this build cannot read are left out, as in a pull
// (store/segment_store.h).
Status TakeSegmentsInForce(sql::Database& db) {
  PATRON_ASSIGN_OR_RETURN(std::vector<record::RawJson> rows, DownStore(db).SetRows(kSegmentsSet));
  record::DecodeNotes unread;
  return SegmentStore(db).Replace(rows, unread);
}

// Version 16. Next-best offers (store/offer_store.h): each member's offers
// under the version in force of head office's "offers" set.
constexpr std::string_view kSchemaV16 = R"sql(
CREATE TABLE member_offers (
  member_id TEXT PRIMARY KEY,
  offers TEXT NOT NULL  -- JSON array of offers (offer.h), the best first
) STRICT, WITHOUT ROWID;
)sql";

// A till of an earlier build stores the "offers" set's parts without
// reading them (the set_part kind is older than this table): a version
// already in force gives members their offers now, not at the next run.
Status TakeOffersInForce(sql::Database& db) {
  PATRON_ASSIGN_OR_RETURN(std::vector<record::RawJson> rows, DownStore(db).SetRows(kOffersSet));
  record::DecodeNotes unread;
  return OfferStore(db).Replace(rows, unread);
}

// Version 8. Campaigns at the till (rules.h, evaluate.h): a sale lists its
// campaign awards (JSON, records/sale.h SaleAward) and the member's
// qualifying spend after it (NULL before this version: no tier progress on
// a replay); a refund lists the awards it took back. Version 10: a sale's
// vouchers' money off (its awards list each voucher); version 14, its
// campaigns' money off.
struct AddedColumn {
  std::string_view table;
  std::string_view column;
  std::string_view definition;
};
// Columns sales and refunds gained after version 3, at versions 8, 10 and 14.
constexpr std::array<AddedColumn, 5> kAddedSaleColumns = {{
    {"sales", "awards", "TEXT NOT NULL DEFAULT '[]'"},
    {"sales", "spend_after_minor", "INTEGER"},
    {"refunds", "reversed_awards", "TEXT NOT NULL DEFAULT '[]'"},
    {"sales", "voucher_discount_minor", "INTEGER NOT NULL DEFAULT 0"},
    {"sales", "campaign_discount_minor", "INTEGER NOT NULL DEFAULT 0"},
}};

Result<bool> HasColumn(sql::Database& db, std::string_view table, std::string_view column) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s, db.GetUniqueStatement("SELECT 1 FROM pragma_table_info(?) WHERE name = ?"));
  s.BindText(0, table);
  s.BindText(1, column);
  return s.Step();
}

// Adds the added columns a table does not have yet. MigrateToV3 reads and
// writes sales and refunds with today's columns (SaleStore), so it adds
// them first, `refunds` being named `refunds_table` then.
Status AddSaleColumns(sql::Database& db, std::string_view refunds_table = "refunds") {
  for (const AddedColumn& added : kAddedSaleColumns) {
    const std::string_view table = added.table == "refunds" ? refunds_table : added.table;
    PATRON_ASSIGN_OR_RETURN(bool has, HasColumn(db, table, added.column));
    if (has) continue;
    PATRON_RETURN_IF_ERROR(db.Execute("ALTER TABLE " + std::string(table) + " ADD COLUMN " +
                                      std::string(added.column) + " " +
                                      std::string(added.definition)));
  }
  return Status::OK();
}

// Every sale and refund made so far, queued for head office.
Status QueueHistoryForHeadOffice(sql::Database& db) {
  SaleStore sales(db);
  Outbox outbox(db);
  PATRON_ASSIGN_OR_RETURN(std::vector<SaleRow> all_sales, sales.AllSales());
  for (const SaleRow& sale : all_sales) {
    PATRON_RETURN_IF_ERROR(
        outbox.Append(kSaleRecordKind, sale.sale_id, static_cast<const SaleRecord&>(sale)));
  }
  PATRON_ASSIGN_OR_RETURN(std::vector<RefundRow> all_refunds, sales.AllRefunds());
  for (const RefundRow& refund : all_refunds) {
    PATRON_RETURN_IF_ERROR(outbox.Append(kRefundRecordKind, refund.refund_id,
                                         static_cast<const RefundRecord&>(refund)));
  }
  return Status::OK();
}

// Moves each refund into the rebuilt table (entry ids from a space-separated
// list to a JSON array, ids and member from its sale), then queues every
// sale and refund made so far for head office.
Status MigrateToV3(sql::Database& db) {
  PATRON_RETURN_IF_ERROR(AddSaleColumns(db, "refunds_v3"));
  std::vector<RefundRow> refunds;
  {
    PATRON_ASSIGN_OR_RETURN(
        sql::Statement old,
        db.GetUniqueStatement(
            "SELECT r.refund_ref, s.terminal_id, s.store_id, s.sale_id, s.member_id,"
            " r.amount_minor, r.paid_back_minor, r.reversed_points, r.returned_points,"
            " r.entry_ids, r.created_ms, r.request_hash, r.balance_after"
            " FROM refunds r JOIN sales s ON s.sale_ref = r.sale_ref"));
    while (true) {
      PATRON_ASSIGN_OR_RETURN(bool has_row, old.Step());
      if (!has_row) break;
      RefundRow& row = refunds.emplace_back();
      row.refund_ref = old.ColumnText(0);
      row.terminal_id = old.ColumnText(1);
      row.store_id = old.ColumnText(2);
      row.refund_id = MakeSaleId(row.terminal_id, row.refund_ref);
      row.sale_id = old.ColumnText(3);
      row.member_id = old.ColumnText(4);
      row.amount_minor = old.ColumnInt64(5);
      row.paid_back_minor = old.ColumnInt64(6);
      row.reversed_points = old.ColumnInt64(7);
      row.returned_points = old.ColumnInt64(8);
      std::istringstream ids(old.ColumnText(9));
      for (std::string id; ids >> id;) row.entry_ids.push_back(id);
      row.wall_ms = old.ColumnInt64(10);
      row.request_hash = old.ColumnText(11);
      row.balance_after = old.ColumnInt64(12);
    }
  }
  PATRON_RETURN_IF_ERROR(db.Execute("DROP TABLE refunds"));
  PATRON_RETURN_IF_ERROR(db.Execute("ALTER TABLE refunds_v3 RENAME TO refunds"));
  SaleStore store(db);
  for (const RefundRow& row : refunds) PATRON_RETURN_IF_ERROR(store.InsertRefund(row));
  return QueueHistoryForHeadOffice(db);
}

// Version 17. The outbox's records found by (kind, id): feedback is
// idempotent by its ref, looked up there (engine/feedback.h).
constexpr std::string_view kSchemaV17 = R"sql(
CREATE INDEX outbox_by_record ON outbox(kind, record_id);
)sql";

const std::string& SchemaV1() {
  static const std::string sql =
      std::string(sync::kReplicaMembersTable) + std::string(kSchemaV1Rest);
  return sql;
}

}  // namespace

std::span<const sql::Migration> TerminalMigrations() {
  static const std::array<sql::Migration, 17> migrations = {{
      {1, "members, journal, sales, refunds, sync state, rules", SchemaV1(), nullptr},
      {2, "member count kept by triggers", kSchemaV2, nullptr},
      {3, "consumption records and the outbox", kSchemaV3, MigrateToV3},
      {4, "entries head office refused", kSchemaV4, nullptr},
      {5, "head office's journal mark: confirmed, last restart", kSchemaV5, nullptr},
      {6, "grants of a replaced database are not this one's", kSchemaV6, nullptr},
      {7, "head office's statement of this terminal's rights", kSchemaV7, nullptr},
      {8, "campaign awards of sales and refunds", "",
       [](sql::Database& db) { return AddSaleColumns(db); }},
      {9, "head office's tier standing on member rows", sync::kReplicaMembersV9, nullptr},
      {10, "vouchers; a sale's money off by vouchers", SchemaV10(),
       [](sql::Database& db) { return AddSaleColumns(db); }},
      {11, "points exchanges and shares of rewards' stock", SchemaV11(), nullptr},
      {12, "head office's points lots on member rows", sync::kReplicaMembersV12, nullptr},
      {13, "shares of campaigns' budgets", kSchemaV13, nullptr},
      {14, "a sale's money off by campaigns", "",
       [](sql::Database& db) { return AddSaleColumns(db); }},
      {15, "members' segments under the set in force", kSchemaV15, TakeSegmentsInForce},
      {16, "members' offers under the set in force", kSchemaV16, TakeOffersInForce},
      {17, "the outbox's records by kind and id", kSchemaV17, nullptr},
  }};
  return migrations;
}

}  // namespace patron::terminal
