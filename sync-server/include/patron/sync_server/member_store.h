// Members at head office: the rows tills pull (MemberState plus head
// office's own redemption rights), the profile changes queued for the fold,
// and the fold's watermark. A role of the server's store (server_store.h):
// the fold, pull and the snapshot builder see it.
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - a member is keyed by member_id; PutMember replaces the whole row;
//   - MembersAfter pages by version, MembersByKey by member_id (bytewise),
//     each in that order and never past `limit`;
//   - queued changes come back in seq order and are dropped only up to the
//     seq named;
//   - the watermark moves only when SetFoldedSeq is committed.
#ifndef PATRON_SYNC_SERVER_MEMBER_STORE_H_
#define PATRON_SYNC_SERVER_MEMBER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/tier_standing.h"

namespace patron::sync {

// The purchase (its entry) whose spend upgraded a member to the tier head
// office holds, and the standing before it, which a return of that
// purchase puts back (tier_settlement.h). Empty when there is none.
struct TierUpgrade {
  std::string entry_id;
  TierStanding before;
  friend bool operator==(const TierUpgrade&, const TierUpgrade&) = default;
};

// A member as the server keeps it: what terminals pull, plus the server's
// own redemption rights for the member, when the row next needs a fold
// though nothing happens to the member (0: never: its tier's review, or the
// earliest spend it counts leaving the window; member_folder.h), and the
// upgrade a return may take back.
struct MemberRecord {
  MemberState state;
  int64_t server_rights = 0;
  int64_t review_at_ms = 0;
  TierUpgrade upgrade;
  // The first local day on which head office owes the member's lots an
  // expiry entry (ExpiryDueDay); 0: none.
  int64_t expiry_due_day = 0;
};

// A profile change waiting to be folded into its member's row: `seq` is
// the change sequence its acknowledgement carried, change.hlc the stamp the
// server acknowledged (change_id is not kept).
struct QueuedProfileChange {
  int64_t seq = 0;
  ProfileChange change;
};

// The field of a change head office queues itself (origin kServerOrigin,
// no value): fold the member though nothing happened to it
// (MemberFolder::QueueReviews). Not a register: a till cannot push it.
inline constexpr std::string_view kReviewField = "review";

class MemberTxn {
 public:
  virtual ~MemberTxn() = default;

  // Every change with a sequence number <= FoldedSeq() is folded into the
  // member rows (SyncService::Fold); later entries and queued profile
  // changes are not yet. Member versions never exceed it.
  virtual Result<int64_t> FoldedSeq() = 0;
  // Write transactions only: moves the watermark forward to `seq`.
  virtual Status SetFoldedSeq(int64_t seq) = 0;

  // Write transactions only: queues a profile change for the fold.
  virtual Status QueueProfileChange(const QueuedProfileChange& change) = 0;
  // Queued profile changes with seq in (after, through], in seq order.
  virtual Result<std::vector<QueuedProfileChange>> QueuedProfileChanges(int64_t after,
                                                                        int64_t through) = 0;
  // Write transactions only: drops the queued changes with seq <= through.
  virtual Status DropQueuedProfileChanges(int64_t through) = 0;

  virtual Result<std::optional<MemberRecord>> FindMember(std::string_view member_id) = 0;
  // Write transactions only: inserts or replaces the member (keyed by
  // state.member_id).
  virtual Status PutMember(const MemberRecord& member) = 0;
  // Ids of members with 0 < review_at_ms <= now_ms, soonest first, at most
  // `limit`.
  virtual Result<std::vector<std::string>> MembersDueForReview(int64_t now_ms, int limit) = 0;
  // Ids of members with 0 < expiry_due_day <= today, soonest first, at
  // most `limit`.
  virtual Result<std::vector<std::string>> MembersDueForExpiry(int64_t today, int limit) = 0;
  // Write transactions only: sets a stored member's review_at_ms.
  virtual Status SetReviewAt(std::string_view member_id, int64_t review_at_ms) = 0;
  // The tiers members are held at (state.tier of rows with tier_until_ms >
  // 0), each once, by name. Reads every member row: for publishing packs.
  virtual Result<std::vector<std::string>> HeldTiers() = 0;
  // Members with state.version > after, in version order, at most `limit`.
  virtual Result<std::vector<MemberState>> MembersAfter(int64_t after, int limit) = 0;
  // Members with member_id > after (bytewise), in member_id order, at most
  // `limit`: the key order a member snapshot is written in.
  virtual Result<std::vector<MemberState>> MembersByKey(std::string_view after, int limit) = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_MEMBER_STORE_H_
