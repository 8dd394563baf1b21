#include "store/schema.h"

#include <array>
#include <string>

#include "patron/sync/replica_member.h"

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
-- (grants). Immutable except ack_seq, set once the server acknowledged it.
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

-- Rules snapshots from head office; the highest version is active.
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

const std::string& SchemaV1() {
  static const std::string sql =
      std::string(sync::kReplicaMembersTable) + std::string(kSchemaV1Rest);
  return sql;
}

}  // namespace

std::span<const sql::Migration> TerminalMigrations() {
  static const std::array<sql::Migration, 2> migrations = {{
      {1, "members, journal, sales, refunds, sync state, rules", SchemaV1(), nullptr},
      {2, "member count kept by triggers", kSchemaV2, nullptr},
  }};
  return migrations;
}

}  // namespace patron::terminal
