// Ledger entries for tests that talk to the sync server directly.
#ifndef PATRON_TESTS_SUPPORT_TEST_ENTRIES_H_
#define PATRON_TESTS_SUPPORT_TEST_ENTRIES_H_

#include <cstdint>
#include <cstdlib>
#include <string>

#include <string_view>

#include "patron/hlc.h"
#include "patron/ledger.h"
#include "patron/record/record_json.h"
#include "patron/sync/protocol.h"

namespace patron::testing {

// A valid earn of `points` (paid points * 100 minor units of USD) written by
// `terminal_id` of `store_id` as its `seq`-th entry, for sale "R-<seq>",
// stamped at `now_ms` with the seq as the clock's counter.
inline LedgerEntry EarnEntry(const std::string& terminal_id, const std::string& store_id,
                             int64_t seq, const std::string& member_id, int64_t points,
                             int64_t now_ms) {
  LedgerEntry e;
  e.origin = terminal_id;
  e.seq = seq;
  e.entry_id = MakeEntryId(e.origin, seq);
  e.member_id = member_id;
  e.kind = EntryKind::kEarn;
  e.points = points;
  e.amount_minor = points * 100;
  e.currency = "USD";
  e.sale_ref = "R-" + std::to_string(seq);
  e.store_id = store_id;
  e.terminal_id = terminal_id;
  e.hlc = HlcTimestamp::FromParts(now_ms, static_cast<uint16_t>(seq));
  e.wall_ms = now_ms;
  e.rule_version = 1;
  return e;
}

// A profile change's value written as JSON ("\"Ann\"", "true", "null" or
// an identity object), as tests spell them; the JSON must be valid.
inline sync::ProfileValue ProfileValueFromJson(std::string_view json) {
  JsonReader reader(json);
  sync::ProfileValue value;
  const Status status =
      record::JsonCodec<sync::ProfileValue>::Read(reader, "", "value", value, nullptr);
  if (!status.ok() || !reader.Finish().ok()) std::abort();
  return value;
}

}  // namespace patron::testing

#endif  // PATRON_TESTS_SUPPORT_TEST_ENTRIES_H_
