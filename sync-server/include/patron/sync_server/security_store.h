// Head office's security log: what it refused from a till because a till may
// not write it (a forged or out-of-bounds entry, DESIGN.md §4 "head office
// trusts no till"), kept for the operator to review. A role of the server's
// store (server_store.h).
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - events are only appended, in the surrounding transaction; an event's
//     id is assigned by the store and ascends in commit order;
//   - SecurityEvents returns the events with an id above `after`, oldest
//     first, at most `limit`.
#ifndef PATRON_SYNC_SERVER_SECURITY_STORE_H_
#define PATRON_SYNC_SERVER_SECURITY_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "patron/record/field.h"
#include "patron/record/record_json.h"
#include "patron/status.h"

namespace patron::sync {

struct SecurityEvent {
  int64_t event_id = 0;  // assigned by the store
  int64_t at_ms = 0;     // head office's clock
  std::string terminal_id;
  std::string store_id;
  std::string subject;   // what was refused: an entry id
  std::string reason;    // a code, e.g. "kind_not_allowed" (service/entry_guard.h)
  std::string message;   // for a person
  record::RawJson body;  // the refused item as the till sent it
  friend bool operator==(const SecurityEvent&, const SecurityEvent&) = default;
};

class SecurityTxn {
 public:
  virtual ~SecurityTxn() = default;
  // Write transactions only; event.event_id is ignored. Returns the id.
  virtual Result<int64_t> AppendSecurityEvent(const SecurityEvent& event) = 0;
  virtual Result<std::vector<SecurityEvent>> SecurityEvents(int64_t after, int limit) = 0;
};

}  // namespace patron::sync

namespace patron::record {

// A security event in the store and in GET /v1/admin/security-events.
template <>
struct Schema<sync::SecurityEvent> {
  static constexpr std::string_view kName = "security_event";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::SecurityEvent::event_id>{"event_id"},
      Field<&sync::SecurityEvent::at_ms>{"at_ms"},
      Field<&sync::SecurityEvent::terminal_id>{"terminal_id"},
      Field<&sync::SecurityEvent::store_id>{"store_id"},
      Field<&sync::SecurityEvent::subject>{"subject"},
      Field<&sync::SecurityEvent::reason>{"reason"},
      Field<&sync::SecurityEvent::message>{"message"},
      Field<&sync::SecurityEvent::body>{"body"},
  };
};

}  // namespace patron::record

#endif  // PATRON_SYNC_SERVER_SECURITY_STORE_H_
