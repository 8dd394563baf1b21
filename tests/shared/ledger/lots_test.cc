#include "patron/lots.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "patron/local_time.h"
#include "patron/rules.h"
#include "patron/rules_codec.h"

namespace patron {
namespace {

int64_t Day(std::string_view text) { return ParseLocalDay(text).value(); }

// Noon UTC of a day: the same local day at any offset used here (+08:00).
int64_t Noon(std::string_view day) { return Day(day) * kMsPerDay + kMsPerDay / 2; }

std::string ExpiryOf(const Rules& rules, std::string_view earned) {
  const LotDays lot = LotFor(rules, Noon(earned));
  return lot.expires_day == kNeverExpires ? "never" : FormatLocalDay(lot.expires_day);
}

Rules Rolling(int64_t months, int64_t pending_days = 0) {
  Rules rules = DefaultRules();
  rules.expiry.months = months;
  rules.expiry.pending_days = pending_days;
  return rules;
}

Rules Fixed(std::string date) {
  Rules rules = DefaultRules();
  rules.expiry.fixed_date = std::move(date);
  return rules;
}

// Entries as a fold sees them: each dated at noon of its day.
struct Ledger {
  LotBook book;
  int64_t balance = 0;
  int64_t seq = 0;

  void Apply(EntryKind kind, int64_t points, std::string_view day, const LotDays& lot = {},
             std::string_view reason = "") {
    LedgerEntry entry;
    entry.origin = "t1";
    entry.seq = ++seq;
    entry.entry_id = MakeEntryId(entry.origin, entry.seq);
    entry.kind = kind;
    entry.points = points;
    entry.wall_ms = Noon(day);
    if (kind != EntryKind::kRedeem && lot != LotDays{}) SetLot(entry.detail, lot);
    entry.detail.reason = std::string(reason);
    ApplyToLots(book, entry, 8 * 60);
    balance += BalanceEffect(entry);
    CheckBalanced();
  }
  void Earn(int64_t points, std::string_view day, const Rules& rules) {
    Apply(EntryKind::kEarn, points, day, LotFor(rules, Noon(day)));
  }
  // What head office's expiry run writes on `day`.
  void RunExpiry(std::string_view day) {
    for (const ExpiryDue& due : DueExpiry(book, Day(day))) {
      if (due.points < 0) {
        Apply(EntryKind::kExpire, due.points, day, due.days);
      } else {
        Apply(EntryKind::kAdjust, due.points, day, due.days, kExpiryCorrected);
      }
    }
    CHECK(DueExpiry(book, Day(day)).empty());
  }
  void CheckBalanced() const {
    int64_t sum = -book.debt;
    for (const Lot& lot : book.lots) {
      CHECK(lot.unspent >= 0);
      sum += lot.remaining();
    }
    CHECK(sum == balance);
  }
};

TEST_CASE("a lot expires at the end of the month N months on, or on the yearly date after a year") {
  CHECK(ExpiryOf(DefaultRules(), "2026-03-05") == "never");
  CHECK(ExpiryOf(Rolling(12), "2026-03-05") == "2027-03-31");
  CHECK(ExpiryOf(Rolling(12), "2026-03-31") == "2027-03-31");
  CHECK(ExpiryOf(Rolling(12), "2026-12-31") == "2027-12-31");
  CHECK(ExpiryOf(Rolling(1), "2026-01-31") == "2026-02-28");
  CHECK(ExpiryOf(Rolling(3), "2026-11-15") == "2027-02-28");
  // 积分有效期至次年12月31日: valid through the end of the next year.
  CHECK(ExpiryOf(Fixed("12-31"), "2026-01-01") == "2027-12-31");
  CHECK(ExpiryOf(Fixed("12-31"), "2026-12-31") == "2027-12-31");
  // At least a year, then the next clearing date.
  CHECK(ExpiryOf(Fixed("06-30"), "2026-01-15") == "2027-06-30");
  CHECK(ExpiryOf(Fixed("06-30"), "2026-08-01") == "2028-06-30");
  CHECK(ExpiryOf(Fixed("02-29"), "2024-02-29") == "2025-02-28");
  CHECK(ExpiryOf(Fixed("02-29"), "2027-03-01") == "2029-02-28");

  // Local days: 20:00 UTC on 31 March is 1 April in Shanghai.
  Rules shanghai = Rolling(12);
  shanghai.utc_offset_minutes = 8 * 60;
  const int64_t evening = Day("2026-03-31") * kMsPerDay + 20 * 3'600'000;
  CHECK(FormatLocalDay(LotFor(shanghai, evening).expires_day) == "2027-04-30");
  CHECK(FormatLocalDay(LotFor(Rolling(12), evening).expires_day) == "2027-03-31");

  // Pending: spendable a week after the day earned.
  const LotDays pending = LotFor(Rolling(12, 7), Noon("2026-03-05"));
  CHECK(FormatLocalDay(pending.available_day) == "2026-03-12");
  CHECK(LotFor(Rolling(12), Noon("2026-03-05")).available_day == 0);
}

TEST_CASE("an expiry policy is validated with the field named, and travels in the pack") {
  const auto problem = [](const Rules& rules) {
    const Status status = ValidateRules(rules);
    return status.ok() ? std::string("ok") : status.message();
  };
  CHECK(problem(Rolling(12, 30)) == "ok");
  CHECK(problem(Fixed("12-31")) == "ok");
  CHECK(problem(Rolling(-1)).find("'expiry.months'") != std::string::npos);
  CHECK(problem(Rolling(121)).find("'expiry.months'") != std::string::npos);
  CHECK(problem(Fixed("13-01")).find("'expiry.fixed_date'") != std::string::npos);
  CHECK(problem(Fixed("2027-12-31")).find("'expiry.fixed_date'") != std::string::npos);
  Rules both = Rolling(12);
  both.expiry.fixed_date = "12-31";
  CHECK(problem(both).find("'expiry.fixed_date'") != std::string::npos);
  CHECK(problem(Rolling(12, 91)).find("'expiry.pending_days'") != std::string::npos);
  CHECK(problem(Rolling(1, 28)).find("'expiry.pending_days'") != std::string::npos);
  CHECK(problem(Rolling(1, 27)) == "ok");

  const Rules pack = Rolling(12, 7);
  const Result<Rules> decoded = DecodeRules(EncodeRules(pack));
  REQUIRE(decoded.ok());
  CHECK(decoded->expiry == pack.expiry);
  CHECK(EncodeRules(DefaultRules()).find("expiry") == std::string::npos);
}

TEST_CASE("a lot's dates travel on its entry's detail") {
  EntryDetail detail;
  SetLot(detail, LotDays{Day("2027-03-31"), Day("2026-03-12")});
  CHECK(detail.expires_on == "2027-03-31");
  CHECK(detail.available_on == "2026-03-12");
  CHECK(LotOf(detail).value() == LotDays{Day("2027-03-31"), Day("2026-03-12")});
  SetLot(detail, LotDays{});
  CHECK(detail.expires_on.empty());
  CHECK(detail.available_on.empty());
  detail.expires_on = "2027-02-30";
  CHECK(LotOf(detail).status().reason() == "invalid_time");
}

TEST_CASE("redemption spends the soonest-to-expire points first; expiry takes what is left") {
  const Rules rules = Rolling(12);
  Ledger ledger;
  ledger.Earn(100, "2026-01-10", rules);  // through 2027-01-31
  ledger.Earn(200, "2026-02-10", rules);  // through 2027-02-28
  ledger.Earn(300, "2026-02-20", rules);  // the same lot
  CHECK(ledger.book.lots.size() == 2);
  ledger.Apply(EntryKind::kRedeem, -150, "2026-06-01");
  CHECK(SpendablePoints(ledger.book, Day("2026-06-01")) == 450);
  const std::vector<ExpiringPoints> expiring = ExpiringSoonest(ledger.book, Day("2026-06-01"));
  REQUIRE(expiring.size() == 1);  // January's lot is spent
  CHECK(FormatLocalDay(expiring[0].expires_day) == "2027-02-28");
  CHECK(expiring[0].points == 450);

  ledger.Apply(EntryKind::kRedeem, -400, "2027-01-05");
  // Nothing is due until the day after a lot's last day.
  CHECK(DueExpiry(ledger.book, Day("2027-02-28")).empty());
  const std::vector<ExpiryDue> due = DueExpiry(ledger.book, Day("2027-03-01"));
  REQUIRE(due.size() == 1);
  CHECK(FormatLocalDay(due[0].days.expires_day) == "2027-02-28");
  CHECK(due[0].points == -50);
  ledger.RunExpiry("2027-03-01");
  CHECK(ledger.balance == 0);
  CHECK(SpendablePoints(ledger.book, Day("2027-03-01")) == 0);
  // Running again writes nothing.
  ledger.RunExpiry("2027-03-02");
}

TEST_CASE("a redemption made before an expiry but folded after it gets its points back") {
  const Rules rules = Rolling(1);
  Ledger ledger;
  ledger.Earn(100, "2026-01-10", rules);  // through 2026-02-28
  ledger.Earn(100, "2026-02-10", rules);  // through 2026-03-31
  ledger.RunExpiry("2026-03-01");         // head office expires January's 100
  CHECK(ledger.balance == 100);
  // A till offline since February redeemed 60 on 2026-02-20, from the lot
  // that was live then; it syncs in March.
  ledger.Apply(EntryKind::kRedeem, -60, "2026-02-20");
  CHECK(ledger.balance == 40);
  const std::vector<ExpiryDue> due = DueExpiry(ledger.book, Day("2026-03-02"));
  REQUIRE(due.size() == 1);
  CHECK(due[0].points == 60);  // expired too much: given back
  ledger.RunExpiry("2026-03-02");
  CHECK(ledger.balance == 100);  // as if the till had synced at once
  CHECK(SpendablePoints(ledger.book, Day("2026-03-02")) == 100);
}

TEST_CASE("a refund takes back its earn's own lot; what was spent already becomes debt") {
  const Rules rules = Rolling(12);
  Ledger ledger;
  ledger.Earn(100, "2026-01-10", rules);
  ledger.Earn(100, "2026-05-10", rules);
  const LotDays may = LotFor(rules, Noon("2026-05-10"));
  ledger.Apply(EntryKind::kReverse, -100, "2026-05-11", may);
  const std::vector<ExpiringPoints> left = ExpiringSoonest(ledger.book, Day("2026-05-11"));
  REQUIRE(left.size() == 1);
  CHECK(FormatLocalDay(left[0].expires_day) == "2027-01-31");  // January's stays

  ledger.Apply(EntryKind::kRedeem, -100, "2026-05-12");
  const LotDays january = LotFor(rules, Noon("2026-01-10"));
  ledger.Apply(EntryKind::kReverse, -100, "2026-05-13", january);
  CHECK(ledger.balance == -100);
  CHECK(ledger.book.debt == 100);
  ledger.Earn(150, "2026-06-01", rules);  // pays the debt first
  CHECK(ledger.book.debt == 0);
  CHECK(SpendablePoints(ledger.book, Day("2026-06-01")) == 50);

  // A refund of an expired earn undoes its expiry too.
  Ledger expired;
  expired.Earn(100, "2026-01-10", rules);
  expired.RunExpiry("2027-02-01");
  expired.Apply(EntryKind::kReverse, -100, "2027-02-02", january);
  CHECK(expired.balance == -100);
  expired.RunExpiry("2027-02-03");
  CHECK(expired.balance == 0);
}

TEST_CASE("pending points wait for their day; spending draws on spendable lots first") {
  const Rules rules = Rolling(12, 14);
  Ledger ledger;
  ledger.Earn(100, "2026-03-01", rules);  // spendable 2026-03-15, through 2027-03-31
  ledger.Earn(100, "2026-04-10", rules);  // spendable 2026-04-24, through 2027-04-30
  CHECK(SpendablePoints(ledger.book, Day("2026-04-11")) == 100);
  CHECK(PendingPoints(ledger.book, Day("2026-04-11")) == 100);
  ledger.Apply(EntryKind::kRedeem, -150, "2026-04-11");  // 100 spendable, then 50 pending
  CHECK(SpendablePoints(ledger.book, Day("2026-04-30")) == 50);
  CHECK(PendingPoints(ledger.book, Day("2026-04-11")) == 50);
  CHECK(PendingPoints(ledger.book, Day("2026-04-30")) == 0);

  // Pending days without expiry: a refund still takes back its own lot.
  Rules pending_only = DefaultRules();
  pending_only.expiry.pending_days = 7;
  REQUIRE(ValidateRules(pending_only).ok());
  Ledger refunded;
  refunded.Earn(1'000, "2026-03-01", pending_only);
  refunded.Earn(1'000, "2026-04-01", pending_only);
  refunded.Apply(EntryKind::kReverse, -1'000, "2026-04-02",
                 LotFor(pending_only, Noon("2026-04-01")));
  CHECK(SpendablePoints(refunded.book, Day("2026-04-02")) == 1'000);
  CHECK(PendingPoints(refunded.book, Day("2026-04-02")) == 0);
}

TEST_CASE("expiry is due when the lots of a day together have points left") {
  LotBook book;
  const int64_t day = Day("2026-03-31");
  book.lots = {Lot{LotDays{day, 0}, 10, 40}, Lot{LotDays{day, Day("2026-03-20")}, 30, 0}};
  CHECK(DueExpiry(book, day + 1).empty());
  CHECK(ExpiryDueDay(book) == 0);
  book.lots[1].unspent = 50;
  CHECK(ExpiryDueDay(book) == day + 1);
  REQUIRE(DueExpiry(book, day + 1).size() == 1);
  CHECK(DueExpiry(book, day + 1)[0].points == -20);
}

TEST_CASE("any order of entries keeps the lots equal to the balance, and expiry settles") {
  std::mt19937_64 random(20261207);
  for (int run = 0; run < 200; ++run) {
    const Rules rules = Rolling(1 + static_cast<int64_t>(random() % 3), random() % 10);
    Ledger ledger;
    std::vector<LotDays> earned;
    const int64_t start = Day("2026-01-01");
    for (int step = 0; step < 60; ++step) {
      // Mostly forward in time, sometimes an entry weeks late.
      const int64_t day = start + step * 3 - (random() % 5 == 0 ? random() % 40 : 0);
      const std::string on = FormatLocalDay(day);
      switch (random() % 6) {
        case 0:
        case 1:
          ledger.Earn(1 + static_cast<int64_t>(random() % 200), on, rules);
          earned.push_back(LotFor(rules, Noon(on)));
          break;
        case 2:
          ledger.Apply(EntryKind::kRedeem, -1 - static_cast<int64_t>(random() % 150), on);
          break;
        case 3:
          if (!earned.empty()) {
            ledger.Apply(EntryKind::kReverse, -1 - static_cast<int64_t>(random() % 50), on,
                         earned[random() % earned.size()]);
          }
          break;
        case 4:
          ledger.Apply(EntryKind::kReverse, 1 + static_cast<int64_t>(random() % 50), on,
                       LotFor(rules, Noon(on)));
          break;
        default:
          ledger.RunExpiry(on);
          break;
      }
    }
    CHECK(ledger.book.lots.size() <= 12);
  }
}

}  // namespace
}  // namespace patron
