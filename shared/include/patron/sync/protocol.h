// The sync protocol between terminals and the sync server (DESIGN.md §4), as
// plain structs. The JSON codec (sync/codec.h) is the only thing that knows
// their wire form; the server's SyncService and the terminal's SyncClient
// exchange these structs and never see a socket.
#ifndef PATRON_SYNC_PROTOCOL_H_
#define PATRON_SYNC_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "patron/hlc.h"
#include "patron/ledger.h"
#include "patron/lww.h"

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

// One write of one profile field (a last-writer-wins register), or the
// member's identity ("identity": phone, card, enrolling store and time).
struct ProfileChange {
  int64_t change_id = 0;  // the terminal's outbox id: what the ack names
  std::string member_id;
  std::string field;       // name, birthday, email, gender, sms_consent, email_consent, identity
  std::string value_json;  // a JSON value: "\"Ann\"", "true", "null", or the identity object
  HlcTimestamp hlc;
  std::string origin;  // the writing terminal
  friend bool operator==(const ProfileChange&, const ProfileChange&) = default;
};

struct PushRequest {
  std::string terminal_id;
  std::string chain_key_fingerprint;
  HlcTimestamp hlc;  // the terminal's clock, merged by the server
  // Applied in this order: identities and profile changes first, so entries
  // of a member enrolled offline find the member.
  std::vector<ProfileChange> profile_changes;
  std::vector<LedgerEntry> entries;
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
};

struct PushResponse {
  std::string epoch;
  HlcTimestamp server_hlc;
  std::vector<ProfileAck> profile_changes;
  std::vector<EntryAck> entries;
};

// The server's state of a member at sequence `version` (its last change).
struct MemberState {
  std::string member_id;
  std::optional<std::string> phone;
  std::optional<std::string> card;
  std::string status = "active";
  std::string enrolled_store;
  int64_t enrolled_ms = 0;
  LwwRegister<std::string> name;  // "" until the member's enrolment arrives
  LwwRegister<std::optional<std::string>> birthday;
  LwwRegister<std::optional<std::string>> email;
  LwwRegister<std::optional<std::string>> gender;
  LwwRegister<bool> sms_consent;
  LwwRegister<bool> email_consent;
  int64_t balance = 0;      // sum of the member's entries
  int64_t spend_minor = 0;  // qualifying spend in the rules' window, as of `version`
  int64_t version = 0;
  friend bool operator==(const MemberState&, const MemberState&) = default;
};

struct PullRequest {
  std::string terminal_id;
  std::string chain_key_fingerprint;
  Cursor cursor;
  int limit = 1000;           // member rows per page
  int64_t rules_version = 0;  // the caller's; newer rules come with the page
};

struct PullResponse {
  std::string epoch;
  HlcTimestamp server_hlc;
  // Member rows changed after the cursor, in version order, coalesced.
  std::vector<MemberState> members;
  // Entries addressed to the caller (grants) in the same sequence range.
  std::vector<LedgerEntry> items;
  std::vector<int64_t> item_seqs;  // items[i] became visible at item_seqs[i]
  Cursor next;
  bool more = false;
  // The active rules, if newer than the caller's (JSON, rules_codec).
  std::optional<std::string> rules_json;
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
  std::vector<LedgerEntry> items;
  std::vector<int64_t> item_seqs;
  // The active rules, if newer than the caller's (JSON, rules_codec): taken
  // with the members, as a pull page would bring them.
  std::optional<std::string> rules_json;
};

// Online redemption: move `points` of the member's rights from the server to
// the calling terminal. Idempotent by request_id.
struct GrantRequest {
  std::string terminal_id;
  std::string chain_key_fingerprint;
  std::string request_id;
  std::string member_id;
  int64_t points = 0;
};

struct GrantResponse {
  LedgerEntry transfer;  // kind kTransfer, origin "server", to_holder = caller
  int64_t seq = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_PROTOCOL_H_
