// Ledger entries: the immutable facts the point journal is made of
// (DESIGN.md §3). Entries are never updated; mistakes are corrected by new
// entries (a kReverse names the entry it reverses). Merge is set union keyed
// by entry_id, so duplicates and reordering cannot change any sum below.
#ifndef PATRON_LEDGER_H_
#define PATRON_LEDGER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "patron/hlc.h"
#include "patron/status.h"

namespace patron {

enum class EntryKind { kEarn, kBonus, kRedeem, kReverse, kAdjust, kExpire, kTransfer };

std::string_view EntryKindName(EntryKind kind);
Result<EntryKind> ParseEntryKind(std::string_view name);

// The origin of entries the sync server writes itself (grants, expiry).
inline constexpr std::string_view kServerOrigin = "server";

struct LedgerEntry {
  std::string entry_id;  // "<origin>/<seq>", see MakeEntryId
  // Who wrote it: a terminal id or kServerOrigin. The origin is also the
  // holder whose redemption rights the entry moves.
  std::string origin;
  int64_t seq = 0;  // per-origin counter, allocated with the entry
  std::string member_id;
  EntryKind kind = EntryKind::kEarn;
  // Signed change of the member's balance. For kTransfer: the rights moved
  // from `origin` to `to_holder` (positive), and the balance is unchanged.
  int64_t points = 0;
  // Signed contribution to the member's qualifying spend (minor units):
  // + money paid for an earn, - money refunded for the reversal of an earn,
  // 0 for every other kind.
  int64_t amount_minor = 0;
  std::string currency;
  std::string sale_ref;   // the POS receipt the entry belongs to, if any
  std::string ref_entry;  // kReverse: the entry it reverses
  std::string to_holder;  // kTransfer: the receiving holder
  std::string store_id;
  std::string terminal_id;
  HlcTimestamp hlc;
  int64_t wall_ms = 0;
  int64_t rule_version = 0;
  std::string detail;  // JSON object text (tier, multiplier, basket summary)

  friend bool operator==(const LedgerEntry&, const LedgerEntry&) = default;
};

std::string MakeEntryId(std::string_view origin, int64_t seq);

// What the entry adds to the member's balance (0 for transfers).
int64_t BalanceEffect(const LedgerEntry& entry);

// What the entry adds to `holder`'s redemption rights for the member: the
// points of the holder's own non-transfer entries, plus transfers in, minus
// transfers out. The sum over all holders equals the balance.
int64_t RightsEffect(const LedgerEntry& entry, std::string_view holder);

// Checks the shape every entry must have whoever wrote it: id matches
// origin/seq, sign of points fits the kind, required references present.
Status ValidateEntry(const LedgerEntry& entry);

}  // namespace patron

#endif  // PATRON_LEDGER_H_
