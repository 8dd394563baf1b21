#include "patron/sync/replica_member.h"

namespace patron::sync {

ReplicaMember ReplicaOf(const MemberState& state) {
  ReplicaMember row;
  static_cast<MemberProfile&>(row) = state;
  row.server_version = state.version;
  row.server_balance = state.balance;
  row.server_spend_minor = state.spend_minor;
  row.server_tier = state.tier;
  row.server_tier_until_ms = state.tier_until_ms;
  row.server_spend_at_review_minor = state.spend_at_review_minor;
  row.server_last_purchase_ms = state.last_purchase_ms;
  row.server_lots = state.lots;
  return row;
}

const std::string_view kReplicaMembersTable = R"sql(
CREATE TABLE members (
  member_id TEXT PRIMARY KEY,
  phone TEXT UNIQUE,
  card TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  enrolled_store TEXT NOT NULL,
  enrolled_ms INTEGER NOT NULL,
  name TEXT NOT NULL, name_hlc INTEGER NOT NULL, name_origin TEXT NOT NULL,
  birthday TEXT, birthday_hlc INTEGER NOT NULL, birthday_origin TEXT NOT NULL,
  email TEXT, email_hlc INTEGER NOT NULL, email_origin TEXT NOT NULL,
  gender TEXT, gender_hlc INTEGER NOT NULL, gender_origin TEXT NOT NULL,
  sms_consent INTEGER NOT NULL, sms_consent_hlc INTEGER NOT NULL,
    sms_consent_origin TEXT NOT NULL,
  email_consent INTEGER NOT NULL, email_consent_hlc INTEGER NOT NULL,
    email_consent_origin TEXT NOT NULL,
  -- The server's view of the member at sync sequence server_version
  -- (DESIGN.md §4); 0 = never synced.
  server_version INTEGER NOT NULL DEFAULT 0,
  server_balance INTEGER NOT NULL DEFAULT 0,
  server_spend_minor INTEGER NOT NULL DEFAULT 0,
  -- This terminal's redemption rights for the member (ledger.h RightsEffect),
  -- kept by Journal::Append in the same transaction as each entry.
  local_rights INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
-- Most members have no card: a partial index costs them nothing.
CREATE UNIQUE INDEX members_by_card ON members(card) WHERE card IS NOT NULL;
)sql";

const std::string_view kReplicaMembersV9 = R"sql(
ALTER TABLE members ADD COLUMN server_tier TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN server_tier_until_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN server_spend_at_review_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN server_last_purchase_ms INTEGER NOT NULL DEFAULT 0;
)sql";

const std::string_view kReplicaMembersV12 = R"sql(
ALTER TABLE members ADD COLUMN server_lots TEXT NOT NULL DEFAULT '{}';
)sql";

}  // namespace patron::sync
