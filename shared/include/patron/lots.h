// Points lots and expiry (DESIGN.md §9, PROGRAMME.md §3): every credit of
// points is a lot with the day it expires and the day it becomes spendable;
// debits draw from the lots soonest-to-expire first; head office writes
// `expire` entries for what is left of a lot after its day. A member's lots
// are a function of their entries in the order they are applied: head office
// applies every entry in the order it folds them and sends the lots with the
// member row; a till applies its own entries not yet included on top, with
// the same function, so after a sync both hold the same lots.
//
// The lot of a credit travels on the entry (EntryDetail::expires_on,
// available_on), set by whoever writes it from the pack in force
// (LotFor), so no fold needs to know which pack was in force when.
//
// Late entries. A debit is dated: it draws only from lots still live on its
// own day. A redemption made offline before a lot's expiry that reaches head
// office after the lot was expired draws from that lot anyway, leaving it
// below zero; the next expiry run gives those points back (an `adjust`
// entry with reason kExpiryCorrected), so a late sync never costs a member
// points. Likewise a refund that takes back an expired earn.
#ifndef PATRON_LOTS_H_
#define PATRON_LOTS_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "patron/ledger.h"
#include "patron/record/field.h"
#include "patron/status.h"

namespace patron {

struct Rules;

// The day of a lot that never expires (entries written without an expiry
// policy, or before there was one).
inline constexpr int64_t kNeverExpires = std::numeric_limits<int32_t>::max();
// Why head office gave back expired points (an `adjust` entry).
inline constexpr std::string_view kExpiryCorrected = "expiry_corrected";
// A quote names points expiring within this many days.
inline constexpr int64_t kExpiringSoonDays = 30;
// Lots past their day are kept this many days after it, fully settled, so
// that a late debit dated before their expiry still draws from them.
inline constexpr int64_t kExpiredLotKeepDays = 400;

// The pack's expiry policy (Rules::expiry). At most one of months and
// fixed_date; neither means points never expire.
struct ExpiryPolicy {
  // Rolling: points earned in a month expire at the end of the month this
  // many months later (12: points earned any day of March 2026 are valid
  // through 2027-03-31).
  int64_t months = 0;
  // Fixed yearly date "MM-DD": points expire at the end of the first such
  // date at least a year after they were earned ("12-31": points earned in
  // 2026 are valid through 2027-12-31). 02-29 falls on 02-28 in other years.
  std::string fixed_date;
  // Points become spendable this many days after they were earned (the
  // return window), so a refund cannot find them spent.
  int64_t pending_days = 0;
  friend bool operator==(const ExpiryPolicy&, const ExpiryPolicy&) = default;
};

// The local days (local_time.h day numbers) a lot lasts: spendable from
// available_day, through expires_day.
struct LotDays {
  int64_t expires_day = kNeverExpires;
  int64_t available_day = 0;
  friend auto operator<=>(const LotDays&, const LotDays&) = default;
};

// The lot of points credited at `wall_ms` under `rules` (its expiry policy
// and UTC offset). Requires valid rules.
LotDays LotFor(const Rules& rules, int64_t wall_ms);
// The part of ValidateRules for the expiry policy.
Status ValidateExpiry(const Rules& rules);

// The lot an entry names (its detail's expires_on, available_on; never
// expiring and available at once when absent), and the reverse: setting
// them on an entry's detail. InvalidArgument "invalid_entry" for a date
// that is not "YYYY-MM-DD".
Result<LotDays> LotOf(const EntryDetail& detail);
void SetLot(EntryDetail& detail, const LotDays& lot);

struct Lot {
  LotDays days;
  int64_t unspent = 0;  // credited less what debits drew, never below zero
  int64_t expired = 0;  // what expiry entries took (net of corrections)
  int64_t remaining() const { return unspent - expired; }
  friend bool operator==(const Lot&, const Lot&) = default;
};

// A member's lots. Invariant: the balance of the entries applied equals
// the sum of the lots' remaining() less debt.
struct LotBook {
  std::vector<Lot> lots;  // by days, each days once
  // Points drawn beyond every lot (a refund of points already spent); the
  // next credits pay it first.
  int64_t debt = 0;
  friend bool operator==(const LotBook&, const LotBook&) = default;
};

// Applies one entry, dated by its wall time in local time at
// `utc_offset_minutes`. Transfers change nothing; an entry whose lot dates
// are malformed counts as never expiring.
void ApplyToLots(LotBook& book, const LedgerEntry& entry, int64_t utc_offset_minutes);

// Makes the book account for `balance` (head office's, whose lots the book
// is): a difference, which only a row from before lots has, is points that
// never expire (or a debt).
void ReconcileLots(LotBook& book, int64_t balance);

// What a member may spend on `today`, what is still pending, and what
// expires when (live lots with points left, by day; never-expiring points
// are not listed).
struct ExpiringPoints {
  int64_t expires_day = 0;
  int64_t points = 0;
  friend bool operator==(const ExpiringPoints&, const ExpiringPoints&) = default;
};
int64_t SpendablePoints(const LotBook& book, int64_t today);
int64_t PendingPoints(const LotBook& book, int64_t today);
std::vector<ExpiringPoints> ExpiringSoonest(const LotBook& book, int64_t today);

// The expiry head office owes on `today`: for each lot past its day whose
// remaining() is not zero, the entry's points (negative: expire what is
// left; positive: give back what late entries show was expired too much).
struct ExpiryDue {
  LotDays days;
  int64_t points = 0;
  friend bool operator==(const ExpiryDue&, const ExpiryDue&) = default;
};
std::vector<ExpiryDue> DueExpiry(const LotBook& book, int64_t today);
// The first day DueExpiry has something to say: the day after the earliest
// expiring lot with points left (or expired too much); 0 if none.
int64_t ExpiryDueDay(const LotBook& book);

}  // namespace patron

namespace patron::record {

// A member's lots as head office sends them with the member row
// (sync/protocol.h MemberState::lots) and a till keeps them.
template <>
struct Schema<LotDays> {
  static constexpr std::string_view kName = "lot_days";
  static constexpr auto kFields = record::FieldList{
      Field<&LotDays::expires_day>{"expires_day"},
      Field<&LotDays::available_day>{"available_day", {}, kOmitDefault},
  };
};

template <>
struct Schema<Lot> {
  static constexpr std::string_view kName = "lot";
  static constexpr auto kFields = record::FieldList{
      Field<&Lot::days>{"days"},
      Field<&Lot::unspent>{"unspent", {}, kOmitDefault},
      Field<&Lot::expired>{"expired", {}, kOmitDefault},
  };
};

template <>
struct Schema<LotBook> {
  static constexpr std::string_view kName = "lots";
  static constexpr auto kFields = record::FieldList{
      Field<&LotBook::lots>{"lots", {}, kOmitDefault},
      Field<&LotBook::debt>{"debt", {}, kOmitDefault},
  };
};

template <>
struct Schema<ExpiryPolicy> {
  static constexpr std::string_view kName = "expiry";
  static constexpr auto kFields = record::FieldList{
      Field<&ExpiryPolicy::months>{"months", {}, kOmitDefault},
      Field<&ExpiryPolicy::fixed_date>{"fixed_date", {}, kOmitDefault},
      Field<&ExpiryPolicy::pending_days>{"pending_days", {}, kOmitDefault},
  };
};

}  // namespace patron::record

#endif  // PATRON_LOTS_H_
