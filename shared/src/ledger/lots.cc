#include "patron/lots.h"

#include <algorithm>
#include <map>

#include "patron/local_time.h"
#include "patron/rules.h"
#include "rules/invalid_rules.h"

namespace patron {
namespace {

// The longest rolling expiry, and the longest pending period.
constexpr int64_t kMaxExpiryMonths = 120;
constexpr int64_t kMaxPendingDays = 90;

// "MM-DD" into month and day; false unless some year has that date.
bool ParseMonthDay(std::string_view text, int& month, int& day) {
  if (text.size() != 5 || text[2] != '-') return false;
  // 2000 is a leap year: 02-29 is a date.
  return ParseBirthday("2000-" + std::string(text), month, day);
}

// The lot with these days, made if the book has none.
Lot& LotAt(LotBook& book, const LotDays& days) {
  const auto at = std::lower_bound(book.lots.begin(), book.lots.end(), days,
                                   [](const Lot& lot, const LotDays& d) { return lot.days < d; });
  if (at != book.lots.end() && at->days == days) return *at;
  return *book.lots.insert(at, Lot{days, 0, 0});
}

// Lots spendable by `today` no longer need their own available_day: they
// merge with the spendable lot of their expiry, which keeps a book at about
// one lot per expiry date.
void Normalize(LotBook& book, int64_t today) {
  for (Lot& lot : book.lots) {
    if (lot.days.available_day <= today) lot.days.available_day = 0;
  }
  std::sort(book.lots.begin(), book.lots.end(),
            [](const Lot& a, const Lot& b) { return a.days < b.days; });
  std::vector<Lot> lots;
  lots.reserve(book.lots.size());
  for (const Lot& lot : book.lots) {
    if (!lots.empty() && lots.back().days == lot.days) {
      lots.back().unspent += lot.unspent;
      lots.back().expired += lot.expired;
    } else {
      lots.push_back(lot);
    }
  }
  std::erase_if(lots, [today](const Lot& lot) {
    const bool settled_long_ago =
        lot.days.expires_day < today - kExpiredLotKeepDays && lot.remaining() == 0;
    return (lot.unspent == 0 && lot.expired == 0) || settled_long_ago;
  });
  book.lots = std::move(lots);
}

// Takes up to `need` from `from` (which must be >= 0 to give anything);
// returns what it took.
int64_t Take(int64_t& from, int64_t need) {
  const int64_t taken = std::min(need, std::max<int64_t>(from, 0));
  from -= taken;
  return taken;
}

// A debit dated `today` of `need` points: lots live that day and spendable,
// soonest to expire first (from what debits left of them, even if head
// office already expired it: the debit came first); then live lots still
// pending; then what expiry has not yet taken of lots past their day; the
// rest is debt.
void Debit(LotBook& book, int64_t need, int64_t today) {
  for (Lot& lot : book.lots) {
    if (need == 0) return;
    if (lot.days.expires_day >= today && lot.days.available_day <= today) {
      need -= Take(lot.unspent, need);
    }
  }
  for (Lot& lot : book.lots) {
    if (need == 0) return;
    if (lot.days.expires_day >= today && lot.days.available_day > today) {
      need -= Take(lot.unspent, need);
    }
  }
  for (Lot& lot : book.lots) {
    if (need == 0) return;
    if (lot.days.expires_day < today) {
      int64_t left = lot.remaining();
      const int64_t taken = Take(left, need);
      lot.unspent -= taken;
      need -= taken;
    }
  }
  book.debt += need;
}

// What is left of the lots that expire, by expiry day: the lots of one day
// together, as expiry treats them.
std::map<int64_t, int64_t> LeftByExpiryDay(const LotBook& book) {
  std::map<int64_t, int64_t> left_by_day;
  for (const Lot& lot : book.lots) {
    if (lot.days.expires_day != kNeverExpires) left_by_day[lot.days.expires_day] += lot.remaining();
  }
  return left_by_day;
}

bool IsExpiry(const LedgerEntry& entry) {
  return entry.kind == EntryKind::kExpire ||
         (entry.kind == EntryKind::kAdjust && entry.detail.reason == kExpiryCorrected);
}

}  // namespace

LotDays LotFor(const Rules& rules, int64_t wall_ms) {
  const LocalDate earned = ToLocalDate(wall_ms, rules.utc_offset_minutes);
  const ExpiryPolicy& policy = rules.expiry;
  LotDays lot;
  lot.available_day = policy.pending_days == 0 ? 0 : earned.day_number + policy.pending_days;
  if (policy.months > 0) {
    // The end of the month `months` after: the day before the first of the
    // month after that.
    const int64_t month_index = int64_t{earned.year} * 12 + (earned.month - 1) + policy.months + 1;
    lot.expires_day =
        DayNumberOf(static_cast<int>(month_index / 12), static_cast<int>(month_index % 12) + 1, 1) -
        1;
  } else if (!policy.fixed_date.empty()) {
    int month = 0;
    int day = 0;
    ParseMonthDay(policy.fixed_date, month, day);
    // A year after (29 February on 28 February), then the next such date.
    const int a_year_day = (earned.month == 2 && earned.day == 29) ? 28 : earned.day;
    const LocalDate a_year_on = DateOfDay(DayNumberOf(earned.year + 1, earned.month, a_year_day));
    lot.expires_day = NextAnniversary(a_year_on, month, day).day_number;
  }
  return lot;
}

Status ValidateExpiry(const Rules& rules) {
  const ExpiryPolicy& policy = rules.expiry;
  if (policy.months < 0 || policy.months > kMaxExpiryMonths) {
    return InvalidRules("expiry.months",
                        "must be from 1 to " + std::to_string(kMaxExpiryMonths) + " (0: none)");
  }
  int month = 0;
  int day = 0;
  if (!policy.fixed_date.empty() && !ParseMonthDay(policy.fixed_date, month, day)) {
    return InvalidRules("expiry.fixed_date", "must be a date of the year like 12-31");
  }
  if (policy.months > 0 && !policy.fixed_date.empty()) {
    return InvalidRules("expiry.fixed_date", "and expiry.months cannot both be set");
  }
  if (policy.pending_days < 0 || policy.pending_days > kMaxPendingDays) {
    return InvalidRules("expiry.pending_days",
                        "must be from 0 to " + std::to_string(kMaxPendingDays));
  }
  // Points must be spendable before they expire: a rolling lot lives at
  // least 28 days a month (earned on the 31st, expiring at the end of a
  // February); a fixed date gives at least a year.
  if (policy.months > 0 && policy.pending_days >= policy.months * 28) {
    return InvalidRules("expiry.pending_days", "must be shorter than the shortest life of a lot (" +
                                                   std::to_string(policy.months * 28) + " days)");
  }
  return Status::OK();
}

Result<LotDays> LotOf(const EntryDetail& detail) {
  LotDays lot;
  if (!detail.expires_on.empty()) {
    PATRON_ASSIGN_OR_RETURN(lot.expires_day, ParseLocalDay(detail.expires_on));
  }
  if (!detail.available_on.empty()) {
    PATRON_ASSIGN_OR_RETURN(lot.available_day, ParseLocalDay(detail.available_on));
  }
  return lot;
}

void SetLot(EntryDetail& detail, const LotDays& lot) {
  detail.expires_on = lot.expires_day == kNeverExpires ? "" : FormatLocalDay(lot.expires_day);
  detail.available_on = lot.available_day == 0 ? "" : FormatLocalDay(lot.available_day);
}

void ApplyToLots(LotBook& book, const LedgerEntry& entry, int64_t utc_offset_minutes) {
  if (entry.kind == EntryKind::kTransfer || entry.points == 0) return;
  const int64_t today = ToLocalDate(entry.wall_ms, utc_offset_minutes).day_number;
  Normalize(book, today);
  const LotDays named = LotOf(entry.detail).value_or(LotDays{});
  if (IsExpiry(entry)) {
    // Expiry names the lot's day only: a lot past its day is spendable.
    LotAt(book, LotDays{named.expires_day, 0}).expired -= entry.points;
  } else if (entry.points > 0) {
    Lot& lot = LotAt(book, named);
    const int64_t paid = std::min(book.debt, entry.points);
    book.debt -= paid;
    lot.unspent += entry.points - paid;
  } else {
    int64_t need = -entry.points;
    // The reversal of an earn or bonus takes back its own lot first (which
    // may have become spendable since, and merged).
    const bool names_lot = !entry.detail.expires_on.empty() || !entry.detail.available_on.empty();
    if (entry.kind == EntryKind::kReverse && names_lot) {
      need -= Take(LotAt(book, named).unspent, need);
      need -= Take(LotAt(book, LotDays{named.expires_day, 0}).unspent, need);
    }
    Debit(book, need, today);
  }
  Normalize(book, today);
}

void ReconcileLots(LotBook& book, int64_t balance) {
  int64_t held = -book.debt;
  for (const Lot& lot : book.lots) held += lot.remaining();
  if (held == balance) return;
  if (held < balance) {
    const int64_t credit = balance - held;
    const int64_t paid = std::min(book.debt, credit);
    book.debt -= paid;
    LotAt(book, LotDays{}).unspent += credit - paid;
  } else {
    Debit(book, held - balance, 0);  // day 0: every lot is live
  }
}

int64_t SpendablePoints(const LotBook& book, int64_t today) {
  int64_t spendable = 0;
  for (const Lot& lot : book.lots) {
    if (lot.days.expires_day >= today && lot.days.available_day <= today) {
      spendable += std::max<int64_t>(lot.remaining(), 0);
    }
  }
  return std::max<int64_t>(spendable - book.debt, 0);
}

int64_t PendingPoints(const LotBook& book, int64_t today) {
  int64_t pending = 0;
  for (const Lot& lot : book.lots) {
    if (lot.days.expires_day >= today && lot.days.available_day > today) {
      pending += std::max<int64_t>(lot.remaining(), 0);
    }
  }
  return pending;
}

std::vector<ExpiringPoints> ExpiringSoonest(const LotBook& book, int64_t today) {
  std::map<int64_t, int64_t> by_day;
  for (const Lot& lot : book.lots) {
    if (lot.days.expires_day >= today && lot.days.expires_day != kNeverExpires &&
        lot.remaining() > 0) {
      by_day[lot.days.expires_day] += lot.remaining();
    }
  }
  std::vector<ExpiringPoints> expiring;
  for (const auto& [day, points] : by_day) expiring.push_back({day, points});
  return expiring;
}

std::vector<ExpiryDue> DueExpiry(const LotBook& book, int64_t today) {
  std::vector<ExpiryDue> due;
  for (const auto& [day, left] : LeftByExpiryDay(book)) {
    if (day >= today) break;
    if (left != 0) due.push_back({LotDays{day, 0}, -left});
  }
  return due;
}

int64_t ExpiryDueDay(const LotBook& book) {
  for (const auto& [day, left] : LeftByExpiryDay(book)) {
    if (left != 0) return day + 1;
  }
  return 0;
}

}  // namespace patron
