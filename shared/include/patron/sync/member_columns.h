// The member columns every Patron member table begins with, whatever else it
// holds (the server's store, the member snapshot): member_id, phone, card,
// status, enrolled_store, enrolled_ms, the six profile registers (value,
// packed HLC, origin each), then balance, qualifying spend and version.
#ifndef PATRON_SYNC_MEMBER_COLUMNS_H_
#define PATRON_SYNC_MEMBER_COLUMNS_H_

#include "patron/sql/register_binding.h"
#include "patron/sql/statement.h"
#include "patron/sync/protocol.h"

namespace patron::sync {

// Binds `m` to parameters 0 to 26 of `s`, in the order above.
inline void BindMemberState(sql::Statement& s, const MemberState& m) {
  s.BindText(0, m.member_id);
  s.BindOptionalText(1, m.phone);
  s.BindOptionalText(2, m.card);
  s.BindText(3, m.status);
  s.BindText(4, m.enrolled_store);
  s.BindInt64(5, m.enrolled_ms);
  sql::BindRegister(s, 6, m.name);
  sql::BindRegister(s, 9, m.birthday);
  sql::BindRegister(s, 12, m.email);
  sql::BindRegister(s, 15, m.gender);
  sql::BindRegister(s, 18, m.sms_consent);
  sql::BindRegister(s, 21, m.email_consent);
  s.BindInt64(24, m.balance);
  s.BindInt64(25, m.spend_minor);
  s.BindInt64(26, m.version);
}

}  // namespace patron::sync

#endif  // PATRON_SYNC_MEMBER_COLUMNS_H_
