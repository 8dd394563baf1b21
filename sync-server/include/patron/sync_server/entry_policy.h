// What head office accepts from a till (DESIGN.md §4: head office trusts
// no till; the checks are service/entry_guard.h's): the limits of one entry,
// and why an entry is refused. A refused entry is answered `rejected` with
// the reason's code and a message, goes to the security log
// (security_store.h), and GET /metrics counts it by code.
#ifndef PATRON_SYNC_SERVER_ENTRY_POLICY_H_
#define PATRON_SYNC_SERVER_ENTRY_POLICY_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace patron::sync {

// Sane limits of one entry a till writes.
struct EntryLimits {
  int64_t max_points = 1'000'000'000;          // |points|
  int64_t max_amount_minor = 100'000'000'000;  // |amount_minor|: 1,000,000,000.00
  int64_t earliest_wall_ms = 946'684'800'000;  // 2000-01-01T00:00:00Z
  // How far past head office's clock an entry may be dated. Generous on
  // purpose: a till whose clock runs years ahead still sells honestly, and
  // its members must not lose those points.
  int64_t max_future_ms = 3650LL * 24 * 3600 * 1000;
};

enum class EntryRefusal {
  kKindNotAllowed,       // adjust and expire: head office's alone
  kOutOfBounds,          // points, amount or time beyond sane limits (EntryLimits)
  kMissingSale,          // an earn or redeem that names no sale
  kUnknownRuleVersion,   // rules head office never published
  kEarnExceedsRules,     // more points than the rules give for the amount
  kRightsExceeded,       // a redeem or hand-back beyond the till's rights
  kReverseUnknownEntry,  // a reverse of an entry head office does not hold
  kReverseMismatch,      // of another member, sale or kind, or of the wrong sign
  kReverseExceeds,       // more than the entry it reverses
  kReverseNotClaimed,    // of another till's sale, beyond what its return claims cover
  kEarnNotAsRules,       // not what the rules give at the tier it names, or an unknown tier
  kBonusNotAsRules,      // a campaign the pack lacks, above what it gives, or given twice
  kVoucherNotAsIssued,   // a voucher's bonus not as issued, not held by the till, or used
  kLotNotAsRules,        // a credit's lot not as its pack says, a reversal's not its entry's
  kBudgetExceeded,       // a campaign's award beyond the till's share of its budget
};
inline constexpr size_t kEntryRefusalCount = 15;

// "kind_not_allowed", "out_of_bounds", ...: the reason code on the wire.
std::string_view EntryRefusalName(EntryRefusal refusal);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_ENTRY_POLICY_H_
