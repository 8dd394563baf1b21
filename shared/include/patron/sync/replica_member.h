// A terminal's replica of a member (DESIGN.md §4): the profile, the server's
// view of the member at sync sequence server_version, and the terminal's own
// redemption rights. Defined here, not in terminal/, because the server
// writes member snapshots (member_snapshot.h) in exactly this layout.
#ifndef PATRON_SYNC_REPLICA_MEMBER_H_
#define PATRON_SYNC_REPLICA_MEMBER_H_

#include <cstdint>
#include <string_view>

#include "patron/member.h"
#include "patron/record/field.h"
#include "patron/sync/protocol.h"

namespace patron::sync {

struct ReplicaMember : MemberProfile {
  // The server's view at sync sequence server_version (0 = never synced).
  int64_t server_version = 0;
  int64_t server_balance = 0;
  int64_t server_spend_minor = 0;
  // MemberState's tier, tier_until_ms, spend_at_review_minor, last_purchase_ms.
  std::string server_tier;
  int64_t server_tier_until_ms = 0;
  int64_t server_spend_at_review_minor = 0;
  int64_t server_last_purchase_ms = 0;
  // MemberState's lots (lots.h); a row from before them has none, and its
  // balance counts as points that never expire (ReconcileLots).
  LotBook server_lots;
  // This terminal's redemption rights for the member (ledger.h RightsEffect),
  // kept by the journal in the same transaction as each entry.
  int64_t local_rights = 0;
  friend bool operator==(const ReplicaMember&, const ReplicaMember&) = default;
};

// The replica's row for a member the server holds as `state`: the server's
// view, no local rights.
ReplicaMember ReplicaOf(const MemberState& state);

// The replica's members table and its card index, as the terminal's schema
// version 1 creates them and the member snapshot holds them (SQLite's
// transfer optimisation needs both alike: columns, types, constraints,
// indexes). Its columns are record::ColumnList<ReplicaMember>().
extern const std::string_view kReplicaMembersTable;
// The columns the terminal's schema version 9 adds to it, after
// local_rights: head office's tier standing and the member's latest
// purchase. A snapshot's table runs it too.
extern const std::string_view kReplicaMembersV9;
// The column the terminal's schema version 12 adds: head office's lots.
extern const std::string_view kReplicaMembersV12;

}  // namespace patron::sync

namespace patron::record {

template <>
struct Schema<sync::ReplicaMember> {
  static constexpr std::string_view kName = "member";
  static constexpr auto kFields = record::Concat(
      kMemberProfileFieldsV1,
      record::FieldList{
          Field<&sync::ReplicaMember::server_version>{"server_version"},
          Field<&sync::ReplicaMember::server_balance>{"server_balance"},
          Field<&sync::ReplicaMember::server_spend_minor>{"server_spend_minor"},
          Field<&sync::ReplicaMember::local_rights>{"local_rights"},
          // Added by kReplicaMembersV9, after local_rights.
          Field<&sync::ReplicaMember::server_tier>{"server_tier", {}, kOptional},
          Field<&sync::ReplicaMember::server_tier_until_ms>{"server_tier_until_ms", {}, kOptional},
          Field<&sync::ReplicaMember::server_spend_at_review_minor>{
              "server_spend_at_review_minor", {}, kOptional},
          Field<&sync::ReplicaMember::server_last_purchase_ms>{
              "server_last_purchase_ms", {}, kOptional},
          // Added by kReplicaMembersV12.
          Field<&sync::ReplicaMember::server_lots>{"server_lots", {}, kOptional},
      },
      kMemberProfileAdditions);
};

}  // namespace patron::record

#endif  // PATRON_SYNC_REPLICA_MEMBER_H_
