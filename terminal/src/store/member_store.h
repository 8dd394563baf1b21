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

namespace patron::terminal {

struct MemberRow {
  std::string member_id;
  std::optional<std::string> phone;
  std::optional<std::string> card;
  std::string status = "active";
  std::string enrolled_store;
  int64_t enrolled_ms = 0;
  LwwRegister<std::string> name;
  LwwRegister<std::optional<std::string>> birthday;
  LwwRegister<std::optional<std::string>> email;
  LwwRegister<std::optional<std::string>> gender;
  LwwRegister<bool> sms_consent;
  LwwRegister<bool> email_consent;
  // The server's view at sync sequence server_version (0 = never synced).
  int64_t server_version = 0;
  int64_t server_balance = 0;
  int64_t server_spend_minor = 0;
  int64_t local_rights = 0;  // maintained by Journal::Append; read-only here
};

class MemberStore {
 public:
  explicit MemberStore(sql::Database& db) : db_(db) {}

  Result<std::optional<MemberRow>> Get(std::string_view member_id);
  // The member id enrolled with this E.164 phone / card, if any.
  Result<std::optional<std::string>> FindIdByPhone(std::string_view e164_phone);
  Result<std::optional<std::string>> FindIdByCard(std::string_view card);
  Status Insert(const MemberRow& row);
  // Writes the profile registers (identity and server columns are untouched).
  Status UpdateProfile(const MemberRow& row);
  // The number of members, from the count the schema's triggers keep.
  Result<int64_t> Count();

  // Queues one field change for the server. `value_json` is a JSON scalar.
  Status AppendOutbox(std::string_view member_id, std::string_view field,
                      std::string_view value_json, HlcTimestamp hlc);
  Result<int64_t> CountPendingOutbox();

  // --- sync ---
  struct OutboxChange {
    int64_t change_id;
    std::string member_id;
    std::string field;
    std::string value_json;
    HlcTimestamp hlc;
  };
  Result<std::vector<OutboxChange>> PendingOutbox(int limit);
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
