#include "store/server_schema.h"

#include <array>
#include <string>

#include "patron/records/exchange.h"
#include "patron/records/feedback.h"
#include "patron/records/voucher.h"

namespace patron::sync {
namespace {

// Version 1.
//
// Every change the server makes gets one number from server_state.last_seq
// (DESIGN.md §4): an entry's seq, a member row's version. The counters are
// written back in the same transaction as the changes they number, so a
// rollback hands them back.
//
// No foreign key from entries to members: an entry may arrive before the
// member's enrolment (the service then keeps a placeholder row), and the
// check would cost a lookup on the push path's hottest statement.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE server_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  epoch TEXT NOT NULL,                   -- 128-bit random hex, made once
  last_seq INTEGER NOT NULL,             -- highest change sequence committed
  next_server_entry_seq INTEGER NOT NULL -- seq of the next "server/<n>" entry
) STRICT;

-- The merged ledger: a grow-only set keyed by entry_id. seq is the change
-- sequence at which the entry became visible (not the entry's own per-origin
-- counter, which is origin_seq).
CREATE TABLE entries (
  seq INTEGER PRIMARY KEY CHECK (seq > 0),
  entry_id TEXT NOT NULL UNIQUE,
  origin TEXT NOT NULL,
  origin_seq INTEGER NOT NULL,
  member_id TEXT NOT NULL,
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
  detail TEXT NOT NULL
) STRICT;
-- SpendSince: one range scan, answered from the index alone.
CREATE INDEX entries_by_member_time ON entries(member_id, wall_ms, amount_minor);
-- EntriesTo: grants and other transfers addressed to one holder, by seq.
-- Partial: most entries are not transfers and cost this index nothing.
CREATE INDEX entries_transfers_to ON entries(to_holder, seq) WHERE kind = 'transfer';
-- The store report scans entries once; an index by store would slow every
-- insert for a query head office runs rarely.

-- Member rows as terminals pull them. version is the sequence of the row's
-- last change and unique, so "version > cursor ORDER BY version" pages with
-- no ties at page boundaries. Profile fields are last-writer-wins registers:
-- value, the HLC it was written at (packed) and the writer's origin.
CREATE TABLE members (
  member_id TEXT PRIMARY KEY,
  phone TEXT,
  card TEXT,
  status TEXT NOT NULL,
  enrolled_store TEXT NOT NULL,
  enrolled_ms INTEGER NOT NULL,
  name TEXT NOT NULL, name_hlc INTEGER NOT NULL, name_origin TEXT NOT NULL,
  birthday TEXT, birthday_hlc INTEGER NOT NULL, birthday_origin TEXT NOT NULL,
  email TEXT, email_hlc INTEGER NOT NULL, email_origin TEXT NOT NULL,
  gender TEXT, gender_hlc INTEGER NOT NULL, gender_origin TEXT NOT NULL,
  sms_consent INTEGER NOT NULL CHECK (sms_consent IN (0, 1)),
    sms_consent_hlc INTEGER NOT NULL, sms_consent_origin TEXT NOT NULL,
  email_consent INTEGER NOT NULL CHECK (email_consent IN (0, 1)),
    email_consent_hlc INTEGER NOT NULL, email_consent_origin TEXT NOT NULL,
  balance INTEGER NOT NULL,
  spend_minor INTEGER NOT NULL,
  version INTEGER NOT NULL,
  server_rights INTEGER NOT NULL  -- the server's share of the balance (ledger.h)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX members_by_version ON members(version);

-- Registered terminals. Only a hash of each bearer token is kept.
CREATE TABLE terminals (
  terminal_id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  registered_ms INTEGER NOT NULL,
  last_sync_ms INTEGER
) STRICT, WITHOUT ROWID;

-- Online redemption grants, idempotent by (terminal, request): a retried
-- request finds the transfer it produced. The transfer is checked at
-- COMMIT, so the service may write the two rows in either order.
CREATE TABLE grants (
  terminal_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  entry_id TEXT NOT NULL REFERENCES entries(entry_id) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (terminal_id, request_id)
) STRICT, WITHOUT ROWID;

-- Rules snapshots from head office (JSON, rules_codec); the highest version
-- is active. A version's body never changes once stored.
CREATE TABLE rules (
  version INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  received_ms INTEGER NOT NULL
) STRICT;
)sql";

// Version 2. The server's hybrid clock, persisted (DESIGN.md §4): the
// highest timestamp the clock had issued or merged when a write transaction
// committed, so that after a restart it continues above every timestamp it
// issued into the data even if the wall clock is now behind them (0: none
// saved yet).
constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE server_state ADD COLUMN hlc INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 3. Pushes only append (DESIGN.md §4, "Folding"): entries and
// profile changes are acknowledged once stored, and SyncService::Fold later
// folds them into member rows in large batches, in key order. What a push
// used to maintain per entry moves behind the fold:
//   - server_state.folded_seq: every change with seq <= folded_seq is in the
//     member rows; pulls and snapshots serve the store as of it.
//   - member_entries replaces the index entries_by_member_time: the same
//     (member, time) order, written by the fold in sorted batches instead of
//     one random B-tree insert per pushed entry, and keyed with the entry's
//     seq so the rest of the entry can be found. It serves SpendSince and
//     RightsByHolder.
//   - profile_queue holds profile changes until they are folded.
// The data a version 2 store holds is all folded already.
constexpr std::string_view kSchemaV3 = R"sql(
ALTER TABLE server_state ADD COLUMN folded_seq INTEGER NOT NULL DEFAULT 0;
UPDATE server_state SET folded_seq = last_seq;

CREATE TABLE member_entries (
  member_id TEXT NOT NULL,
  wall_ms INTEGER NOT NULL,
  seq INTEGER NOT NULL,  -- entries.seq
  amount_minor INTEGER NOT NULL,
  PRIMARY KEY (member_id, wall_ms, seq)
) STRICT, WITHOUT ROWID;
INSERT INTO member_entries(member_id, wall_ms, seq, amount_minor)
  SELECT member_id, wall_ms, seq, amount_minor FROM entries ORDER BY member_id, wall_ms, seq;
DROP INDEX entries_by_member_time;

-- A profile change as pushed, with the stamp the server acknowledged (the
-- writer's own, or a fresh one if it was too far ahead); seq is the change
-- sequence its acknowledgement carried.
CREATE TABLE profile_queue (
  seq INTEGER PRIMARY KEY CHECK (seq > 0),
  member_id TEXT NOT NULL,
  field TEXT NOT NULL,
  value_json TEXT NOT NULL,
  hlc INTEGER NOT NULL,
  origin TEXT NOT NULL
) STRICT;
)sql";

// Version 4. The up-channel (DESIGN.md §8): every record a till pushes, by
// (kind, id), with the digest of its body as pushed (a retry sends the same
// bytes: "exists"; other bytes under the same id: "conflict"). Consumption
// records are filed in tables of their own, keyed by their record's seq and
// appended in that order, so ingest adds pages at the end of each table; a
// sale is found by id through the records' unique index. The body is kept
// only for kinds this server does not know yet.
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE records (
  seq INTEGER PRIMARY KEY CHECK (seq > 0),
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  origin TEXT NOT NULL,
  digest TEXT NOT NULL,
  body TEXT,
  UNIQUE (kind, record_id)
) STRICT;

CREATE TABLE sales (
  seq INTEGER PRIMARY KEY,  -- records.seq
  sale_id TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  sale_ref TEXT NOT NULL,
  member_id TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  discount_minor INTEGER NOT NULL,
  paid_minor INTEGER NOT NULL,
  eligible_paid_minor INTEGER NOT NULL,
  earned_points INTEGER NOT NULL,
  redeemed_points INTEGER NOT NULL,
  earn_entry TEXT NOT NULL,
  redeem_entry TEXT NOT NULL,
  rule_version INTEGER NOT NULL,
  hlc INTEGER NOT NULL,
  wall_ms INTEGER NOT NULL,
  refunded_amount_minor INTEGER NOT NULL DEFAULT 0  -- across every store
) STRICT;

CREATE TABLE sale_lines (
  sale_seq INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  sku TEXT NOT NULL,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  qty INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL,
  discount_minor INTEGER NOT NULL,
  refunded_qty INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sale_seq, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE refunds (
  seq INTEGER PRIMARY KEY,  -- records.seq
  refund_id TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  refund_ref TEXT NOT NULL,
  sale_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  paid_back_minor INTEGER NOT NULL,
  reversed_points INTEGER NOT NULL,
  returned_points INTEGER NOT NULL,
  spend_reversed_minor INTEGER NOT NULL,
  pending INTEGER NOT NULL,
  entry_ids TEXT NOT NULL,  -- JSON array: the till's entries, then head office's
  hlc INTEGER NOT NULL,
  wall_ms INTEGER NOT NULL,
  status TEXT NOT NULL
) STRICT;
-- The refunds of one sale, across every store.
CREATE INDEX refunds_by_sale ON refunds(sale_id);
-- A claimed return (SyncService::ClaimReturn) is found again by its id.
CREATE UNIQUE INDEX refunds_by_id ON refunds(refund_id);

CREATE TABLE refund_lines (
  refund_seq INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  qty INTEGER NOT NULL,
  PRIMARY KEY (refund_seq, line_no)
) STRICT, WITHOUT ROWID;
)sql";

// Version 5. The down-channel (sync/down_items.h): items addressed to tills
// in the pull stream. An item replaces its predecessor of the same kind,
// audience, address and key (which is deleted), so a terminal that pulls
// late gets what is current, not every version since.
constexpr std::string_view kSchemaV5 = R"sql(
CREATE TABLE down_items (
  seq INTEGER PRIMARY KEY CHECK (seq > 0),
  kind TEXT NOT NULL,
  audience TEXT NOT NULL,
  address TEXT NOT NULL,
  item_key TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (kind, audience, address, item_key)
) STRICT;
)sql";

// Version 6. Head office trusts no till (DESIGN.md §4): the reverses of an
// entry are summed on every pushed reverse (service/entry_guard.h), and what
// it refuses is logged for the operator (security_store.h). Partial: most
// entries are not reverses and cost this index nothing.
constexpr std::string_view kSchemaV6 = R"sql(
CREATE INDEX entries_reversing ON entries(ref_entry) WHERE kind = 'reverse';
CREATE TABLE security_events (
  event_id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  terminal_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  body TEXT NOT NULL
) STRICT;
)sql";

// Version 7. A lost till never reuses an id (DESIGN.md §4): each terminal's
// highest journal sequence, from what is stored (one scan, once).
constexpr std::string_view kSchemaV7 = R"sql(
ALTER TABLE terminals ADD COLUMN journal_high_seq INTEGER NOT NULL DEFAULT 0;
UPDATE terminals SET journal_high_seq =
  (SELECT COALESCE(MAX(origin_seq), 0) FROM entries WHERE origin = terminals.terminal_id);
)sql";

// Version 8. Campaigns at the till (DESIGN.md §9): a sale lists its campaign
// awards, each a bonus entry of its own, and a refund the awards it took
// back (JSON, records/sale.h); head office finds a till's bonus entries of
// one sale to allow one per campaign (service/entry_guard.h), and a
// member's awards of one campaign to settle its limit
// (service/campaign_limits.cc). Partial: most entries are not bonuses.
constexpr std::string_view kSchemaV8 = R"sql(
ALTER TABLE sales ADD COLUMN awards TEXT NOT NULL DEFAULT '[]';
ALTER TABLE refunds ADD COLUMN reversed_awards TEXT NOT NULL DEFAULT '[]';
CREATE INDEX entries_bonuses ON entries(origin, sale_ref) WHERE kind = 'bonus';
CREATE INDEX entries_bonuses_by_member ON entries(member_id, json_extract(detail, '$.campaign_id'))
  WHERE kind = 'bonus';
)sql";

// Version 9. Tiers are held (tier_standing.h): head office's standing on
// each member row, when a row needs a fold though nothing happens to its
// member (member_store.h review_at_ms), the upgrade a return of the
// purchase that caused it takes back (member_store.h TierUpgrade), and the
// member's latest purchase (first-purchase and win-back campaigns). Rows
// from before held what their spend showed and are reviewed at once: their
// spend may be stale (it was recomputed only when the member changed), and
// the review gives them a new version, so tills pull them again with their
// latest purchase. The index is partial: members with no spend in the window
// and no held tier (most of a mature programme's) wait for nothing.
constexpr std::string_view kSchemaV9 = R"sql(
ALTER TABLE members ADD COLUMN tier TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN tier_until_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN spend_at_review_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN review_at_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN upgrade_entry TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN upgrade_before_tier TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN upgrade_before_until_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN last_purchase_ms INTEGER NOT NULL DEFAULT 0;
UPDATE members SET last_purchase_ms = COALESCE((SELECT MAX(e.wall_ms) FROM member_entries e
  WHERE e.member_id = members.member_id AND e.amount_minor > 0), 0);
UPDATE members SET review_at_ms = 1 WHERE spend_minor <> 0 OR last_purchase_ms <> 0;
CREATE INDEX members_by_review ON members(review_at_ms) WHERE review_at_ms > 0;
)sql";

// Version 10. Vouchers (records/voucher.h): each as it stands, who holds
// it, and the sale that used it; a sale's money off by vouchers (its
// awards list each voucher).
const std::string& SchemaV10() {
  static const std::string sql = "CREATE TABLE vouchers (" + std::string(kVoucherColumnsSql) +
                                 R"sql(
) STRICT, WITHOUT ROWID;
CREATE INDEX vouchers_by_member ON vouchers(member_id, issued_ms);
ALTER TABLE sales ADD COLUMN voucher_discount_minor INTEGER NOT NULL DEFAULT 0;
)sql";
  return sql;
}

// Version 11. Points exchanges (records/exchange.h) as tills reported
// them, and each terminal's share of each reward's stock (reward.h).
const std::string& SchemaV11() {
  static const std::string sql = "CREATE TABLE exchanges (" + std::string(kExchangeColumnsSql) +
                                 R"sql(
) STRICT, WITHOUT ROWID;
CREATE INDEX exchanges_by_member ON exchanges(member_id, wall_ms);
CREATE INDEX exchanges_by_reward ON exchanges(reward_id, terminal_id);
CREATE TABLE reward_stock (
  reward_id TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  granted INTEGER NOT NULL,
  PRIMARY KEY (reward_id, terminal_id)
) STRICT, WITHOUT ROWID;
)sql";
  return sql;
}

// Version 12. Points lots (lots.h): each member's lots as the fold keeps
// them, and the first local day on which expiry is due for them (0: none),
// which the expiry run looks for. A member folded before had no lots: their
// balance becomes one lot that never expires, or a debt.
constexpr std::string_view kSchemaV12 = R"sql(
ALTER TABLE members ADD COLUMN lots TEXT NOT NULL DEFAULT '{}';
ALTER TABLE members ADD COLUMN expiry_due_day INTEGER NOT NULL DEFAULT 0;
UPDATE members SET lots = json_object('lots', json_array(json_object(
    'days', json_object('expires_day', 2147483647), 'unspent', balance)))
  WHERE balance > 0;
UPDATE members SET lots = json_object('debt', -balance) WHERE balance < 0;
CREATE INDEX members_expiry_due ON members(expiry_due_day) WHERE expiry_due_day > 0;
)sql";

// Version 13. Each terminal's share of each campaign's budget (campaign.h
// CampaignBudget) and the points its awards of the campaign gave.
constexpr std::string_view kSchemaV13 = R"sql(
CREATE TABLE campaign_budget (
  campaign_id TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  granted INTEGER NOT NULL DEFAULT 0,
  used INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, terminal_id)
) STRICT, WITHOUT ROWID;
)sql";

// Version 14. A sale's money off by campaigns (its awards list each).
constexpr std::string_view kSchemaV14 = R"sql(
ALTER TABLE sales ADD COLUMN campaign_discount_minor INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 15. Analytics (analytics_store.h): rollups the fold adds to, and
// the last change sequence they include. A store upgraded with data has
// watermark 0 below its fold's: head office rebuilds them when it starts
// (SyncService, analytics_folder.h).
constexpr std::string_view kSchemaV15 = R"sql(
CREATE TABLE analytics_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL
) STRICT;
INSERT INTO analytics_state(id, seq) VALUES (1, 0);
CREATE TABLE analytics_store_day (
  store_id TEXT NOT NULL,
  day TEXT NOT NULL,
  sales INTEGER NOT NULL DEFAULT 0,
  members_buying INTEGER NOT NULL DEFAULT 0,
  first_purchases INTEGER NOT NULL DEFAULT 0,
  new_members INTEGER NOT NULL DEFAULT 0,
  basket_minor INTEGER NOT NULL DEFAULT 0,
  campaign_off_minor INTEGER NOT NULL DEFAULT 0,
  voucher_off_minor INTEGER NOT NULL DEFAULT 0,
  points_off_minor INTEGER NOT NULL DEFAULT 0,
  paid_minor INTEGER NOT NULL DEFAULT 0,
  vouchers_used INTEGER NOT NULL DEFAULT 0,
  refunds INTEGER NOT NULL DEFAULT 0,
  refunded_minor INTEGER NOT NULL DEFAULT 0,
  points_earned INTEGER NOT NULL DEFAULT 0,
  points_bonus INTEGER NOT NULL DEFAULT 0,
  points_redeemed INTEGER NOT NULL DEFAULT 0,
  points_expired INTEGER NOT NULL DEFAULT 0,
  points_reversed INTEGER NOT NULL DEFAULT 0,
  points_adjusted INTEGER NOT NULL DEFAULT 0,
  points_net INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, day)
) STRICT, WITHOUT ROWID;
CREATE TABLE analytics_category_day (
  store_id TEXT NOT NULL,
  day TEXT NOT NULL,
  category TEXT NOT NULL,
  lines INTEGER NOT NULL DEFAULT 0,
  qty INTEGER NOT NULL DEFAULT 0,
  amount_minor INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, day, category)
) STRICT, WITHOUT ROWID;
CREATE TABLE analytics_campaign_day (
  campaign_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  day TEXT NOT NULL,
  awards INTEGER NOT NULL DEFAULT 0,
  held_out INTEGER NOT NULL DEFAULT 0,
  points INTEGER NOT NULL DEFAULT 0,
  discount_minor INTEGER NOT NULL DEFAULT 0,
  vouchers_issued INTEGER NOT NULL DEFAULT 0,
  paid_minor INTEGER NOT NULL DEFAULT 0,
  held_out_paid_minor INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, store_id, day)
) STRICT, WITHOUT ROWID;
CREATE TABLE analytics_tier_day (
  tier TEXT NOT NULL,
  day TEXT NOT NULL,
  earns INTEGER NOT NULL DEFAULT 0,
  spend_minor INTEGER NOT NULL DEFAULT 0,
  points INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tier, day)
) STRICT, WITHOUT ROWID;
CREATE TABLE analytics_member_day (
  member_id TEXT NOT NULL,
  day TEXT NOT NULL,
  store_id TEXT NOT NULL,
  sales INTEGER NOT NULL DEFAULT 0,
  paid_minor INTEGER NOT NULL DEFAULT 0,
  refunded_minor INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (member_id, day, store_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE analytics_member (
  member_id TEXT PRIMARY KEY,
  first_day TEXT NOT NULL,
  first_store TEXT NOT NULL,
  last_day TEXT NOT NULL,
  purchase_days INTEGER NOT NULL DEFAULT 0,
  sales INTEGER NOT NULL DEFAULT 0,
  paid_minor INTEGER NOT NULL DEFAULT 0,
  refunded_minor INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE TABLE analytics_member_category (
  member_id TEXT NOT NULL,
  category TEXT NOT NULL,
  qty INTEGER NOT NULL DEFAULT 0,
  amount_minor INTEGER NOT NULL DEFAULT 0,
  last_day TEXT NOT NULL,
  PRIMARY KEY (member_id, category)
) STRICT, WITHOUT ROWID;
)sql";

// Version 16. Member metrics and segments (analytics_store.h
// MemberMetrics, SegmentRun): each member's row as of the last run, and
// every run with its segments' sizes and its RFM counts. The UTC offset the
// analytics' days are local to: another makes the fold rebuild them.
constexpr std::string_view kSchemaV16 = R"sql(
ALTER TABLE analytics_state ADD COLUMN utc_offset_minutes INTEGER NOT NULL DEFAULT 0;
CREATE TABLE member_metrics (
  member_id TEXT PRIMARY KEY,
  as_of_day TEXT NOT NULL,
  recency_days INTEGER NOT NULL,
  frequency INTEGER NOT NULL,
  monetary_minor INTEGER NOT NULL,
  r_score INTEGER NOT NULL,
  f_score INTEGER NOT NULL,
  m_score INTEGER NOT NULL,
  rfm_segment TEXT NOT NULL,
  lifecycle TEXT NOT NULL,
  ipi_days INTEGER NOT NULL,
  favourite_categories TEXT NOT NULL,
  segments TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE segment_runs (
  version INTEGER PRIMARY KEY,
  as_of_day TEXT NOT NULL,
  ran_ms INTEGER NOT NULL,
  pack_version INTEGER NOT NULL,
  members INTEGER NOT NULL,
  sizes TEXT NOT NULL,
  rfm TEXT NOT NULL
) STRICT;
)sql";

// Version 17. Campaign effect, cohorts and liability (insight_records.h
// CampaignMember, InsightRun): which members each campaign gave to or held
// out, as the fold files sales, and every insights run's results; each
// member's predicted value and next-best offers (MemberMetrics).
constexpr std::string_view kSchemaV17 = R"sql(
ALTER TABLE member_metrics ADD COLUMN p_alive_bp INTEGER;
ALTER TABLE member_metrics ADD COLUMN predicted_spend_minor INTEGER;
ALTER TABLE member_metrics ADD COLUMN offers TEXT NOT NULL DEFAULT '[]';
CREATE TABLE analytics_campaign_member (
  member_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  awards INTEGER NOT NULL DEFAULT 0,
  held_out INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (member_id, campaign_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE insight_runs (
  run INTEGER PRIMARY KEY,
  as_of_day TEXT NOT NULL,
  ran_ms INTEGER NOT NULL,
  members INTEGER NOT NULL,
  outstanding_points INTEGER NOT NULL,
  outstanding_value_minor INTEGER NOT NULL,
  members_with_points INTEGER NOT NULL,
  redemption_rate_bp INTEGER NOT NULL,
  expiring TEXT NOT NULL,
  cohorts TEXT NOT NULL,
  effects TEXT NOT NULL
) STRICT;
)sql";

// Version 18. Head office's accounts, their sessions and the audit log
// (account_store.h). Passwords and session tokens are stored hashed only.
constexpr std::string_view kSchemaV18 = R"sql(
CREATE TABLE accounts (
  username TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  store_id TEXT NOT NULL,
  disabled INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  password_hash TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE account_sessions (
  token_sha256 TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
-- Disabling an account or changing its password ends its sessions.
CREATE INDEX account_sessions_by_user ON account_sessions(username);
CREATE TABLE audit_log (
  audit_id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  target TEXT NOT NULL,
  peer TEXT NOT NULL
) STRICT;
)sql";

// Version 19. Member services (case_store.h): the feedback tills sent, and
// the cases complaints opened with their notes, the timeline of each.
const std::string& SchemaV19() {
  static const std::string sql = "CREATE TABLE feedback (" + std::string(kFeedbackColumnsSql) +
                                 R"sql(
) STRICT, WITHOUT ROWID;
CREATE INDEX feedback_by_time ON feedback(wall_ms, feedback_id);
CREATE INDEX feedback_by_member ON feedback(member_id, wall_ms);
CREATE TABLE cases (
  case_id TEXT PRIMARY KEY,
  member_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  status TEXT NOT NULL,
  resume_status TEXT NOT NULL,
  assignee TEXT NOT NULL,
  opened_ms INTEGER NOT NULL,
  held_ms INTEGER NOT NULL,
  hold_since_ms INTEGER NOT NULL,
  first_response_sla_ms INTEGER NOT NULL,
  resolution_sla_ms INTEGER NOT NULL,
  resolved_ms INTEGER NOT NULL,
  closed_ms INTEGER NOT NULL,
  compensation_points INTEGER NOT NULL,
  compensation_entry TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX cases_by_opened ON cases(opened_ms, case_id);
CREATE TABLE case_notes (
  note_id INTEGER PRIMARY KEY,
  case_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  author TEXT NOT NULL,
  action TEXT NOT NULL,
  text TEXT NOT NULL
) STRICT;
CREATE INDEX case_notes_by_case ON case_notes(case_id, note_id);
)sql";
  return sql;
}

// Version 20. A member's sales and refunds found without a scan: what
// head office holds about one member is exported (and erased) by member.
constexpr std::string_view kSchemaV20 = R"sql(
CREATE INDEX sales_by_member ON sales(member_id, seq);
CREATE INDEX refunds_by_member ON refunds(member_id, seq);
)sql";

// Version 21. The cases still being worked, for the SLA gauge every
// /metrics scrape reads (WorkingCases): closed cases pile up for years.
constexpr std::string_view kSchemaV21 = R"sql(
CREATE INDEX cases_working ON cases(opened_ms, case_id)
  WHERE status IN ('open', 'replied', 'on_hold');
)sql";

const std::array<sql::Migration, 21> kMigrations = {{
    {1, "server state, entries, members, terminals, grants, rules", kSchemaV1, nullptr},
    {2, "the server's clock, persisted", kSchemaV2, nullptr},
    {3, "append-only pushes: the fold's watermark, member_entries, profile_queue", kSchemaV3,
     nullptr},
    {4, "records: the up-channel; sales with their lines, refunds", kSchemaV4, nullptr},
    {5, "the down-channel: items addressed to tills", kSchemaV5, nullptr},
    {6, "trust no till: reverses by entry, the security log", kSchemaV6, nullptr},
    {7, "each terminal's highest journal sequence", kSchemaV7, nullptr},
    {8, "campaign awards of sales and refunds; bonus entries by sale", kSchemaV8, nullptr},
    {9, "held tiers and member reviews", kSchemaV9, nullptr},
    {10, "vouchers", SchemaV10(), nullptr},
    {11, "points exchanges and tills' shares of stock", SchemaV11(), nullptr},
    {12, "members' points lots and when their expiry is due", kSchemaV12, nullptr},
    {13, "tills' shares of campaigns' budgets", kSchemaV13, nullptr},
    {14, "a sale's money off by campaigns", kSchemaV14, nullptr},
    {15, "analytics: daily rollups and member metrics the fold keeps", kSchemaV15, nullptr},
    {16, "member metrics, segment runs, the analytics' UTC offset", kSchemaV16, nullptr},
    {17, "campaigns' members, insights runs, members' predicted value", kSchemaV17, nullptr},
    {18, "head office's accounts, sessions and audit log", kSchemaV18, nullptr},
    {19, "member services: feedback, cases and their notes", SchemaV19(), nullptr},
    {20, "sales and refunds by member", kSchemaV20, nullptr},
    {21, "the cases still being worked", kSchemaV21, nullptr},
}};

}  // namespace

std::span<const sql::Migration> ServerMigrations() { return kMigrations; }

}  // namespace patron::sync
