// Rows of the `members` replica and the profile outbox.
#ifndef PATRON_TERMINAL_SRC_STORE_MEMBER_STORE_H_
#define PATRON_TERMINAL_SRC_STORE_MEMBER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "patron/lww.h"
#include "patron/sql/database.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/sync/replica_member.h"

namespace patron::terminal {

// A member as this replica holds it (sync/replica_member.h).
using MemberRow = sync::ReplicaMember;

class MemberStore {
 public:
  explicit MemberStore(sql::Database& db) : db_(db) {}

  Result<std::optional<MemberRow>> Get(std::string_view member_id);
  // The member id enrolled with this E.164 phone / card, if any.
  Result<std::optional<std::string>> FindIdByPhone(std::string_view e164_phone);
  Result<std::optional<std::string>> FindIdByCard(std::string_view card);
  // A new member; its local rights start at 0 (Journal::Append keeps them).
  Status Insert(const MemberRow& row);
  // Writes every column of an existing member but its local rights.
  Status Update(const MemberRow& row);
  // The number of members, from the count the schema's triggers keep.
  Result<int64_t> Count();

  // Queues one field change for the server.
  Status AppendOutbox(std::string_view member_id, std::string_view field,
                      const sync::ProfileValue& value, HlcTimestamp hlc);
  Result<int64_t> CountPendingOutbox();

  // --- sync ---
  // The oldest changes not yet acknowledged, written here (origin: `origin`).
  Result<std::vector<sync::ProfileChange>> PendingOutbox(int limit, std::string_view origin);
  Status AcknowledgeOutbox(int64_t change_id);
  Status ResetOutboxAcknowledgements();
  // The server clamped a write's stamp: adopt it if the register still holds
  // that write (same stamp, written here).
  Status AdoptStamp(std::string_view member_id, std::string_view field, HlcTimestamp original,
                    std::string_view origin, HlcTimestamp accepted);
  // Identity and registers as merged by the caller, plus the server's view.
  // `exists`: whether the member has a row here (the caller looked it up to
  // merge it; one look-up per pulled row, not two).
  Status ReplaceFromServer(const MemberRow& row, bool exists);
  // ---- A member snapshot (sync/member_snapshot.h) attached as `snapshot`,
  // inside the caller's write transaction. ----
  // The snapshot's rows of members this replica already holds.
  Result<std::vector<MemberRow>> SnapshotRowsHeldHere();
  // Inserts the snapshot's rows of members this replica does not hold and
  // returns how many. Into an empty replica SQLite copies the table whole in
  // key order; the member count's trigger, which would prevent that, is
  // dropped for the copy and made again, and the count moved once.
  Result<int64_t> InsertFromSnapshot();
  // Forgets the server's view of every member (before a re-bootstrap).
  Status ResetServerViews();
  // Members for whom this terminal holds positive redemption rights.
  Result<std::vector<std::pair<std::string, int64_t>>> MembersWithRights();

 private:
  sql::Database& db_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_MEMBER_STORE_H_
