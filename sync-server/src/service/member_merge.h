// How the server folds changes into a member record: pure functions, no I/O.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_MEMBER_MERGE_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_MEMBER_MERGE_H_

#include <string_view>

#include "patron/status.h"
#include "patron/sync_server/server_store.h"

namespace patron::sync {

// A member the server learns of through an entry before its enrolment
// arrives: no identity, every register unwritten (zero stamp).
MemberRecord NewMember(std::string_view member_id);

// Merges one profile change stamped `stamp` (the change's HLC, possibly
// restamped) into `member`. Registers are last-writer-wins by (hlc, origin).
// The identity (phone, card, enrolment) is filled in once: phone and card if
// unknown, the earliest enrolment (ties: smaller store id) wins.
// InvalidArgument for an unknown field or a value of the wrong JSON type.
Status MergeProfileChange(MemberRecord& member, const ProfileChange& change,
                          HlcTimestamp stamp);

// Adds an entry's effects: balance, the server's own rights, and the
// member's lots (lots.h; debits dated in local time at `utc_offset_minutes`)
// with the day their expiry falls due. The sums
// saturate at the int64 limits rather than fail: the entry is stored and
// acknowledged already, and a fold that could fail on it would stop every
// later fold. Returns false if a sum was clamped, which takes a member
// credited or debited more than 9.2 * 10^18 points in all.
bool ApplyEntry(MemberRecord& member, const LedgerEntry& entry, int64_t utc_offset_minutes);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_MEMBER_MERGE_H_
