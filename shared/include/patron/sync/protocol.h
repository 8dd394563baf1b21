// The sync protocol between terminals and the sync server (DESIGN.md §4), as
// plain structs. The JSON codec (sync/codec.h) is the only thing that knows
// their wire form; the server's SyncService and the terminal's SyncClient
// exchange these structs and never see a socket.
#ifndef PATRON_SYNC_PROTOCOL_H_
#define PATRON_SYNC_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "patron/hlc.h"
#include "patron/ledger.h"
#include "patron/lots.h"
#include "patron/lww.h"
#include "patron/member.h"
#include "patron/record/field.h"
#include "patron/record/lww_merge.h"
#include "patron/record/record_json.h"
#include "patron/records/voucher.h"
#include "patron/refund_plan.h"
#include "patron/sync/down_items.h"

namespace patron::sync {

// A position in the server's change stream. `epoch` names one history of the
// server's database: a server restored from a backup starts a new epoch, and
// a cursor from another epoch (or from before the compaction horizon) must
// re-bootstrap (HTTP 409 "cursor_reset").
struct Cursor {
  std::string epoch;  // empty = never pulled
  int64_t seq = 0;
  friend bool operator==(const Cursor&, const Cursor&) = default;
};

// What a profile change writes: a register's new value (null, a boolean, an
// integer or text), or, for the field "identity", the member's identity.
using ProfileValue = std::variant<std::monostate, bool, int64_t, std::string, MemberIdentity>;

// The field of a profile change that announces a member's identity.
inline constexpr std::string_view kIdentityField = "identity";

// The register value a ProfileValue holds; nullopt for an identity.
std::optional<record::RegisterValue> AsRegisterValue(const ProfileValue& value);
ProfileValue FromRegisterValue(const record::RegisterValue& value);

// One write of one profile field (a last-writer-wins register of
// MemberProfile, named by its field name), or the member's identity.
struct ProfileChange {
  int64_t change_id = 0;  // the terminal's outbox id: what the ack names
  std::string member_id;
  std::string field;  // a register's name, or kIdentityField
  ProfileValue value;
  HlcTimestamp hlc;
  std::string origin;  // the writing terminal
  friend bool operator==(const ProfileChange&, const ProfileChange&) = default;
};

// A record of any kind on its way to head office (DESIGN.md §8): written to
// the till's outbox in the same transaction as the change it records, and
// pushed in outbox order. `body` is the record's own JSON object, as the
// outbox stored it: a retry sends the very same bytes, so head office tells
// a retry ("exists") from a different record under the same id
// ("conflict"), and can keep the body of a kind it does not know yet.
struct RecordEnvelope {
  std::string kind;       // "sale", "refund", ...
  std::string record_id;  // stable: "<terminal_id>/<natural key>"
  record::RawJson body;
  friend bool operator==(const RecordEnvelope&, const RecordEnvelope&) = default;
};

struct PushRequest {
  std::string terminal_id;
  std::string chain_key_fingerprint;
  HlcTimestamp hlc;  // the terminal's clock, merged by the server
  // Applied in this order: identities and profile changes first, so entries
  // of a member enrolled offline find the member.
  std::vector<ProfileChange> profile_changes;
  std::vector<LedgerEntry> entries;
  // Applied after the entries, in this order.
  std::vector<RecordEnvelope> records;
  // The sequence the terminal's journal will give its next entry. Head office
  // holds higher ones from this terminal only when the terminal's database
  // was lost or rolled back, and logs that (DESIGN.md §4). 0: not sent (a
  // terminal before this field).
  int64_t journal_next_seq = 0;
  friend bool operator==(const PushRequest&, const PushRequest&) = default;
};

enum class PushOutcome {
  kOk,        // inserted now
  kExists,    // already there with the same content: a retry
  kConflict,  // the id exists with different content: never overwritten
  kRejected,  // refused (e.g. a field the server does not know)
};

std::string_view PushOutcomeName(PushOutcome outcome);

struct EntryAck {
  std::string entry_id;
  PushOutcome outcome = PushOutcome::kOk;
  int64_t seq = 0;  // the server sequence at which the entry became visible
  std::string message;  // why, for kConflict / kRejected
  // kRejected: a code saying why ("earn_exceeds_rules", ...: the sync
  // server's entry_policy.h). Final: the same entry would be refused again.
  std::string reason;
  friend bool operator==(const EntryAck&, const EntryAck&) = default;
};

struct ProfileAck {
  int64_t change_id = 0;
  PushOutcome outcome = PushOutcome::kOk;
  int64_t seq = 0;
  // The stamp the server stored: the request's, or clamped to the server's
  // clock plus the allowed drift when the terminal's clock ran ahead. The
  // terminal adopts it so both replicas order later writes the same way.
  HlcTimestamp accepted_hlc;
  std::string message;
  friend bool operator==(const ProfileAck&, const ProfileAck&) = default;
};

struct RecordAck {
  std::string record_id;
  PushOutcome outcome = PushOutcome::kOk;
  int64_t seq = 0;      // the server sequence at which it was stored
  std::string message;  // why, for kConflict / kRejected
  friend bool operator==(const RecordAck&, const RecordAck&) = default;
};

struct PushResponse {
  std::string epoch;
  HlcTimestamp server_hlc;
  std::vector<ProfileAck> profile_changes;
  std::vector<EntryAck> entries;
  std::vector<RecordAck> records;  // one per record sent, in order
  // The highest journal sequence head office holds from the caller, this
  // push's entries included (refused ones too: their ids are spent). A
  // terminal's next entry must take a higher one: one whose database was
  // lost or rolled back learns here where to go on. 0: none, or a server
  // before this field.
  int64_t journal_high_seq = 0;
  friend bool operator==(const PushResponse&, const PushResponse&) = default;
};

// The server's state of a member at sequence `version` (its last change).
struct MemberState : MemberProfile {
  int64_t balance = 0;      // sum of the member's entries
  int64_t spend_minor = 0;  // qualifying spend in the rules' window, as of `version`
  int64_t version = 0;
  // The tier head office holds for the member and when its review is due
  // (tier_standing.h); "" until a fold since head office held tiers.
  std::string tier;
  int64_t tier_until_ms = 0;
  // The spend that will still count at that review (the entries written
  // after tier_until_ms less the window): what tills warn from. 0 when
  // there is nothing to review.
  int64_t spend_at_review_minor = 0;
  // The latest purchase (earn entry with an amount) head office holds; 0:
  // none. Campaigns for first purchases and lapsed members read it.
  int64_t last_purchase_ms = 0;
  // The member's points lots (lots.h), as head office folded their entries.
  LotBook lots;
  friend bool operator==(const MemberState&, const MemberState&) = default;
};

// An entry addressed to one terminal (a grant), with the sequence at which
// it became visible.
struct DeliveredEntry : LedgerEntry {
  int64_t visible_seq = 0;
  friend bool operator==(const DeliveredEntry&, const DeliveredEntry&) = default;
};

// One member's redemption rights held by one holder.
struct HeldRights {
  std::string member_id;
  int64_t points = 0;
  friend bool operator==(const HeldRights&, const HeldRights&) = default;
};

// Head office's count of a terminal's redemption rights (ledger.h
// RightsEffect summed per member over the entries it holds), for a till
// whose database was lost or rolled back: its own count may miss what its
// old database spent or handed back, or what it earned, after the backup.
// The till takes these figures in place of its own for everything the
// statement covers: its own entries up to `journal_seq` and the transfers to
// it up to `seq`; what it wrote or received after them adds on top.
struct RightsStatement {
  int64_t journal_seq = 0;         // the caller's entries with this sequence or lower
  int64_t seq = 0;                 // transfers to the caller visible at this sequence or lower
  std::vector<HeldRights> rights;  // members with non-zero rights, by member id
  friend bool operator==(const RightsStatement&, const RightsStatement&) = default;
};

struct PullRequest {
  std::string terminal_id;
  std::string chain_key_fingerprint;
  Cursor cursor;
  int limit = 1000;           // member rows per page
  int64_t rules_version = 0;  // the caller's; newer rules come with the page
  int64_t journal_next_seq = 0;  // as PushRequest::journal_next_seq
  // Asks for a RightsStatement (the caller's journal restarted). Head office
  // also sends one unasked to a caller whose journal_next_seq is behind.
  bool want_rights_statement = false;
  friend bool operator==(const PullRequest&, const PullRequest&) = default;
};

struct PullResponse {
  std::string epoch;
  HlcTimestamp server_hlc;
  // Member rows changed after the cursor, in version order, coalesced.
  std::vector<MemberState> members;
  // Entries addressed to the caller (grants) in the same sequence range.
  std::vector<DeliveredEntry> items;
  Cursor next;
  bool more = false;
  // The active rules, if newer than the caller's (JSON, rules_codec). Kept
  // for terminals before the down-channel; newer ones read the "rules" item.
  std::optional<std::string> rules_json;
  // Items addressed to the caller (down_items.h) in the same sequence
  // range, in seq order.
  std::vector<DownItem> down;
  int64_t journal_high_seq = 0;  // as PushResponse::journal_high_seq
  std::optional<RightsStatement> rights_statement;  // see PullRequest
  // Not on the wire: what the decoder met and did not know (fields, entry
  // kinds of a newer head office), for the terminal's upgrade notes.
  record::DecodeNotes notes;
  friend bool operator==(const PullResponse&, const PullResponse&) = default;
};

// A new terminal's bootstrap (DESIGN.md §4, "Snapshots"). Instead of
// paging through every member row, a terminal that has never pulled fetches
// the server's member snapshot: a SQLite file holding every member row as of
// sequence `seq`, in the replica's own table layout (member_snapshot.h),
// which it copies into its replica in one statement and then pulls from
// `seq` as usual. The server keeps one snapshot, rebuilt in the background
// as members change.
struct SnapshotRequest {
  std::string terminal_id;
  std::string chain_key_fingerprint;
  int64_t rules_version = 0;  // the caller's; newer rules come with the answer
  friend bool operator==(const SnapshotRequest&, const SnapshotRequest&) = default;
};

// The snapshot the server serves now, in chunks of its file's bytes.
struct SnapshotInfo {
  std::string epoch;
  int64_t seq = 0;      // every member row as of this sequence
  int64_t members = 0;  // rows in the file
  int64_t bytes = 0;    // the file's size
  std::string sha256;   // of the file, lowercase hex: checked after the download
  HlcTimestamp server_hlc;
  // The transfers addressed to the caller up to `seq` (a grant whose reply
  // was lost before the terminal's first pull): the pull after the snapshot
  // starts at `seq` and would never carry them.
  std::vector<DeliveredEntry> items;
  // The active rules, if newer than the caller's (JSON, rules_codec): taken
  // with the members, as a pull page would bring them.
  std::optional<std::string> rules_json;
  // The items addressed to the caller that are current at `seq` (a pull
  // from `seq` brings only later ones).
  std::vector<DownItem> down;
  record::DecodeNotes notes;  // not on the wire, as PullResponse::notes
  friend bool operator==(const SnapshotInfo&, const SnapshotInfo&) = default;
};

// Online redemption: move `points` of the member's rights from the server to
// the calling terminal. Idempotent by request_id.
struct GrantRequest {
  std::string terminal_id;
  std::string chain_key_fingerprint;
  std::string request_id;
  std::string member_id;
  int64_t points = 0;
  friend bool operator==(const GrantRequest&, const GrantRequest&) = default;
};

struct GrantResponse {
  LedgerEntry transfer;  // kind kTransfer, origin "server", to_holder = caller
  int64_t seq = 0;
  friend bool operator==(const GrantResponse&, const GrantResponse&) = default;
};

// A return in another store, online (DESIGN.md §8, "Returns anywhere"): the
// till asks head office to count the refund against the sale's totals
// across every store, under the refund's id; head office answers what the
// refund gives back and takes (refund_plan.h) and which entries the till's
// reversals name. Idempotent by refund_id: asking again gets the same plan.
struct ReturnClaimRequest {
  std::string terminal_id;
  std::string chain_key_fingerprint;
  std::string refund_id;  // MakeSaleId(terminal_id, refund_ref)
  std::string sale_id;    // the sale, made at another terminal
  // Lines, or an amount, or neither (everything not refunded yet).
  std::optional<int64_t> amount_minor;
  std::vector<RefundLine> lines;
  friend bool operator==(const ReturnClaimRequest&, const ReturnClaimRequest&) = default;
};

struct ReturnClaimResponse {
  std::string member_id;
  std::string sale_ref;
  std::string earn_entry;    // "" if the sale earned nothing
  std::string redeem_entry;  // "" if it redeemed nothing
  RefundPlan plan;
  friend bool operator==(const ReturnClaimResponse&, const ReturnClaimResponse&) = default;
};

// A till asks head office for a voucher it does not hold
// (records/voucher.h); the answer is the voucher, held by the till, or a
// refusal: unknown, another member's, used, or held by another till (asked
// back: "voucher_held_elsewhere").
struct VoucherClaimRequest {
  std::string terminal_id;
  std::string chain_key_fingerprint;
  std::string voucher_id;
  std::string member_id;
  friend bool operator==(const VoucherClaimRequest&, const VoucherClaimRequest&) = default;
};

// A till asks head office for a share of a reward's stock (reward.h), or
// of a campaign's budget of points (campaign.h CampaignBudget): exactly one
// of reward_id and campaign_id is set. Its share in all should become
// `want`. Asking again for the same figure changes nothing, so a retry
// whose answer was lost is harmless. Head office raises the share as far as
// what is not yet handed out allows and answers with the share it holds now.
struct StockClaimRequest {
  std::string terminal_id;
  std::string chain_key_fingerprint;
  std::string reward_id;
  int64_t want = 0;
  std::string campaign_id;
  friend bool operator==(const StockClaimRequest&, const StockClaimRequest&) = default;
};

struct StockClaimResponse {
  std::string reward_id;
  int64_t granted = 0;     // this terminal's share, in all
  int64_t unassigned = 0;  // not yet handed to any till
  std::string campaign_id;
  // Of a budget: the points head office holds this terminal's awards of the
  // campaign to have given, so a till whose records were lost (a replaced
  // database) does not give its share twice.
  int64_t used = 0;
  friend bool operator==(const StockClaimResponse&, const StockClaimResponse&) = default;
};

}  // namespace patron::sync

// The wire form of every message (sync/codec.h), field by field.
namespace patron::record {

template <>
struct EnumNames<sync::PushOutcome> {
  static std::string_view Name(sync::PushOutcome outcome) { return sync::PushOutcomeName(outcome); }
  static bool Parse(std::string_view name, sync::PushOutcome& outcome);
};

template <>
struct Schema<sync::Cursor> {
  static constexpr auto kFields = record::FieldList{
      Field<&sync::Cursor::epoch>{"epoch"},
      Field<&sync::Cursor::seq>{"seq"},
  };
};

template <>
struct Schema<sync::ProfileChange> {
  static constexpr std::string_view kName = "profile_change";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::ProfileChange::change_id>{"change_id"},
      Field<&sync::ProfileChange::member_id>{"member_id"},
      Field<&sync::ProfileChange::field>{"field"},
      Field<&sync::ProfileChange::value>{"value"},
      Field<&sync::ProfileChange::hlc>{"hlc"},
      Field<&sync::ProfileChange::origin>{"origin"},
  };
};

template <>
struct Schema<sync::PushRequest> {
  static constexpr std::string_view kName = "push";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::PushRequest::entries>{"entries"},
      Field<&sync::PushRequest::terminal_id>{"terminal_id"},
      Field<&sync::PushRequest::chain_key_fingerprint>{"chain_key_fingerprint"},
      Field<&sync::PushRequest::hlc>{"hlc"},
      Field<&sync::PushRequest::profile_changes>{"profile_changes"},
      // Added with the record model: servers and terminals before it
      // neither send nor expect it.
      Field<&sync::PushRequest::records>{"records", {}, kOptional},
      Field<&sync::PushRequest::journal_next_seq>{"journal_next_seq", {}, kOmitDefault},
  };
};

template <>
struct Schema<sync::RecordEnvelope> {
  static constexpr std::string_view kName = "record";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::RecordEnvelope::kind>{"kind"},
      Field<&sync::RecordEnvelope::record_id>{"id"},
      Field<&sync::RecordEnvelope::body>{"body"},
  };
};

template <>
struct Schema<sync::RecordAck> {
  static constexpr std::string_view kName = "record_ack";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::RecordAck::record_id>{"id"},
      Field<&sync::RecordAck::outcome>{"outcome"},
      Field<&sync::RecordAck::seq>{"seq"},
      Field<&sync::RecordAck::message>{"message", {}, kOptional},
  };
};

template <>
struct Schema<sync::EntryAck> {
  static constexpr std::string_view kName = "entry_ack";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::EntryAck::entry_id>{"entry_id"},
      Field<&sync::EntryAck::outcome>{"outcome"},
      Field<&sync::EntryAck::seq>{"seq"},
      Field<&sync::EntryAck::message>{"message", {}, kOptional},
      Field<&sync::EntryAck::reason>{"reason", {}, kOmitDefault},
  };
};

template <>
struct Schema<sync::ProfileAck> {
  static constexpr std::string_view kName = "profile_ack";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::ProfileAck::change_id>{"change_id"},
      Field<&sync::ProfileAck::outcome>{"outcome"},
      Field<&sync::ProfileAck::seq>{"seq"},
      Field<&sync::ProfileAck::accepted_hlc>{"accepted_hlc"},
      Field<&sync::ProfileAck::message>{"message", {}, kOptional},
  };
};

template <>
struct Schema<sync::PushResponse> {
  static constexpr std::string_view kName = "push_reply";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::PushResponse::entries>{"entries"},
      Field<&sync::PushResponse::epoch>{"epoch"},
      Field<&sync::PushResponse::server_hlc>{"server_hlc"},
      Field<&sync::PushResponse::profile_changes>{"profile_changes"},
      Field<&sync::PushResponse::records>{"records", {}, kOptional},
      Field<&sync::PushResponse::journal_high_seq>{"journal_high_seq", {}, kOmitDefault},
  };
};

template <>
struct Schema<sync::MemberState> {
  static constexpr std::string_view kName = "member";
  static constexpr auto kFields = record::Concat(
      kMemberProfileFieldsV1,
      record::FieldList{
          Field<&sync::MemberState::balance>{"balance"},
          Field<&sync::MemberState::spend_minor>{"spend_minor"},
          Field<&sync::MemberState::version>{"version"},
          Field<&sync::MemberState::tier>{"tier", {}, kOmitDefault},
          Field<&sync::MemberState::tier_until_ms>{"tier_until_ms", {}, kOmitDefault},
          Field<&sync::MemberState::spend_at_review_minor>{
              "spend_at_review_minor", {}, kOmitDefault},
          Field<&sync::MemberState::last_purchase_ms>{"last_purchase_ms", {}, kOmitDefault},
          Field<&sync::MemberState::lots>{"lots", {}, kOmitDefault},
      },
      kMemberProfileAdditions);
};

template <>
struct Schema<sync::DeliveredEntry> {
  static constexpr std::string_view kName = "entry";
  static constexpr auto kFields =
      record::Concat(Schema<LedgerEntry>::kFields,
                     record::FieldList{Field<&sync::DeliveredEntry::visible_seq>{"visible_seq"}});
};

template <>
struct Schema<sync::PullRequest> {
  static constexpr std::string_view kName = "pull";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::PullRequest::terminal_id>{"terminal_id"},
      Field<&sync::PullRequest::chain_key_fingerprint>{"chain_key_fingerprint"},
      Field<&sync::PullRequest::cursor>{"cursor"},
      Field<&sync::PullRequest::limit>{"limit"},
      Field<&sync::PullRequest::rules_version>{"rules_version"},
      Field<&sync::PullRequest::journal_next_seq>{"journal_next_seq", {}, kOmitDefault},
      Field<&sync::PullRequest::want_rights_statement>{"want_rights_statement", {}, kOmitDefault},
  };
};

template <>
struct Schema<sync::HeldRights> {
  static constexpr std::string_view kName = "held_rights";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::HeldRights::member_id>{"member_id"},
      Field<&sync::HeldRights::points>{"points"},
  };
};

template <>
struct Schema<sync::RightsStatement> {
  static constexpr std::string_view kName = "rights_statement";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::RightsStatement::journal_seq>{"journal_seq"},
      Field<&sync::RightsStatement::seq>{"seq"},
      Field<&sync::RightsStatement::rights>{"rights"},
  };
};

template <>
struct Schema<sync::PullResponse> {
  static constexpr std::string_view kName = "pull_reply";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::PullResponse::members>{"members"},
      Field<&sync::PullResponse::epoch>{"epoch"},
      Field<&sync::PullResponse::server_hlc>{"server_hlc"},
      Field<&sync::PullResponse::items>{"items"},
      Field<&sync::PullResponse::next>{"next"},
      Field<&sync::PullResponse::more>{"more"},
      Field<&sync::PullResponse::rules_json>{"rules", {}, kOptional},
      Field<&sync::PullResponse::down>{"down", {}, kOptional},
      Field<&sync::PullResponse::journal_high_seq>{"journal_high_seq", {}, kOmitDefault},
      Field<&sync::PullResponse::rights_statement>{"rights_statement", {}, kOmitDefault},
  };
};

template <>
struct Schema<sync::SnapshotRequest> {
  static constexpr std::string_view kName = "snapshot_request";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::SnapshotRequest::terminal_id>{"terminal_id"},
      Field<&sync::SnapshotRequest::chain_key_fingerprint>{"chain_key_fingerprint"},
      Field<&sync::SnapshotRequest::rules_version>{"rules_version"},
  };
};

template <>
struct Schema<sync::SnapshotInfo> {
  static constexpr std::string_view kName = "snapshot";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::SnapshotInfo::epoch>{"epoch"},
      Field<&sync::SnapshotInfo::seq>{"seq"},
      Field<&sync::SnapshotInfo::members>{"members"},
      Field<&sync::SnapshotInfo::bytes>{"bytes"},
      Field<&sync::SnapshotInfo::sha256>{"sha256"},
      Field<&sync::SnapshotInfo::server_hlc>{"server_hlc"},
      Field<&sync::SnapshotInfo::items>{"items"},
      Field<&sync::SnapshotInfo::rules_json>{"rules", {}, kOptional},
      Field<&sync::SnapshotInfo::down>{"down", {}, kOptional},
  };
};

template <>
struct Schema<sync::GrantRequest> {
  static constexpr std::string_view kName = "grant_request";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::GrantRequest::terminal_id>{"terminal_id"},
      Field<&sync::GrantRequest::chain_key_fingerprint>{"chain_key_fingerprint"},
      Field<&sync::GrantRequest::request_id>{"request_id"},
      Field<&sync::GrantRequest::member_id>{"member_id"},
      Field<&sync::GrantRequest::points>{"points"},
  };
};

template <>
struct Schema<sync::GrantResponse> {
  static constexpr std::string_view kName = "grant";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::GrantResponse::transfer>{"transfer"},
      Field<&sync::GrantResponse::seq>{"seq"},
  };
};

template <>
struct Schema<sync::ReturnClaimRequest> {
  static constexpr std::string_view kName = "return_claim";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::ReturnClaimRequest::terminal_id>{"terminal_id"},
      Field<&sync::ReturnClaimRequest::chain_key_fingerprint>{"chain_key_fingerprint"},
      Field<&sync::ReturnClaimRequest::refund_id>{"refund_id"},
      Field<&sync::ReturnClaimRequest::sale_id>{"sale_id"},
      Field<&sync::ReturnClaimRequest::amount_minor>{"amount_minor", {}, kOptional},
      Field<&sync::ReturnClaimRequest::lines>{"lines", {}, kOptional},
  };
};

template <>
struct Schema<sync::ReturnClaimResponse> {
  static constexpr std::string_view kName = "return_claim_reply";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::ReturnClaimResponse::member_id>{"member_id"},
      Field<&sync::ReturnClaimResponse::sale_ref>{"sale_ref"},
      Field<&sync::ReturnClaimResponse::earn_entry>{"earn_entry"},
      Field<&sync::ReturnClaimResponse::redeem_entry>{"redeem_entry"},
      Field<&sync::ReturnClaimResponse::plan>{"plan"},
  };
};

template <>
struct Schema<sync::VoucherClaimRequest> {
  static constexpr std::string_view kName = "voucher_claim";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::VoucherClaimRequest::terminal_id>{"terminal_id"},
      Field<&sync::VoucherClaimRequest::chain_key_fingerprint>{"chain_key_fingerprint"},
      Field<&sync::VoucherClaimRequest::voucher_id>{"voucher_id"},
      Field<&sync::VoucherClaimRequest::member_id>{"member_id"},
  };
};

template <>
struct Schema<sync::StockClaimRequest> {
  static constexpr std::string_view kName = "stock_claim";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::StockClaimRequest::terminal_id>{"terminal_id"},
      Field<&sync::StockClaimRequest::chain_key_fingerprint>{"chain_key_fingerprint"},
      Field<&sync::StockClaimRequest::reward_id>{"reward_id", {}, kOmitDefault},
      Field<&sync::StockClaimRequest::want>{"want"},
      Field<&sync::StockClaimRequest::campaign_id>{"campaign_id", {}, kOmitDefault},
  };
};

template <>
struct Schema<sync::StockClaimResponse> {
  static constexpr std::string_view kName = "stock_claim_response";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::StockClaimResponse::reward_id>{"reward_id", {}, kOmitDefault},
      Field<&sync::StockClaimResponse::granted>{"granted"},
      Field<&sync::StockClaimResponse::unassigned>{"unassigned"},
      Field<&sync::StockClaimResponse::campaign_id>{"campaign_id", {}, kOmitDefault},
      Field<&sync::StockClaimResponse::used>{"used", {}, kOmitDefault},
  };
};

}  // namespace patron::record

#endif  // PATRON_SYNC_PROTOCOL_H_
