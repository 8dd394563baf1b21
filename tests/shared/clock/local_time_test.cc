#include "patron/local_time.h"

#include <doctest/doctest.h>

#include <string>

namespace patron {
namespace {

TEST_CASE("pack times parse with an offset, Z, or the pack's own offset") {
  CHECK(*ParsePackTime("1970-01-01T00:00:00Z", 480) == 0);
  CHECK(*ParsePackTime("1970-01-01T08:00:00", 480) == 0);
  CHECK(*ParsePackTime("1970-01-01T08:00:00+08:00", 0) == 0);
  CHECK(*ParsePackTime("1969-12-31T19:00:00-05:00", 0) == 0);
  CHECK(*ParsePackTime("2027-01-08T10:00:00+08:00", 0) == 1'799'373'600'000);
  for (const char* bad :
       {"", "2027-01-08", "2027-01-08 10:00:00", "2027-13-01T00:00:00", "2027-02-29T00:00:00",
        "2027-01-08T24:00:00", "2027-01-08T10:00:00+8", "2027-01-08T10:00:00+15:00",
        "1969-12-31T23:59:59Z", "2027-01-08T10:00:00.5Z", "２０２７-01-08T10:00:00"}) {
    CAPTURE(bad);
    Result<int64_t> parsed = ParsePackTime(bad, 0);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().reason() == "invalid_time");
  }
}

TEST_CASE("FormatPackTime writes what ParsePackTime reads") {
  for (int64_t offset : {0, 480, -300, 345}) {
    for (int64_t ms : {kMsPerDay, int64_t{1'799'373'600'000}, int64_t{951'782'400'000}}) {
      const std::string text = FormatPackTime(ms, offset);
      CAPTURE(text);
      CHECK(*ParsePackTime(text, 0) == ms);
    }
  }
  CHECK(FormatPackTime(1'799'373'600'000, 480) == "2027-01-08T10:00:00+08:00");
  CHECK(FormatPackTime(1'799'373'600'000, -300) == "2027-01-07T21:00:00-05:00");
}

TEST_CASE("local dates follow the offset across midnight") {
  // 2027-01-07T16:30:00Z is 00:30 on Friday 8 January in Beijing.
  const int64_t ms = *ParsePackTime("2027-01-07T16:30:00Z", 0);
  const LocalDate beijing = ToLocalDate(ms, 480);
  CHECK(beijing.year == 2027);
  CHECK(beijing.month == 1);
  CHECK(beijing.day == 8);
  CHECK(beijing.weekday == 5);
  CHECK(beijing.minute_of_day == 30);
  const LocalDate utc = ToLocalDate(ms, 0);
  CHECK(utc.day == 7);
  CHECK(utc.weekday == 4);
  CHECK(utc.minute_of_day == 16 * 60 + 30);
}

TEST_CASE("clock times and birthdays") {
  CHECK(*ParseClockTime("00:00") == 0);
  CHECK(*ParseClockTime("09:30") == 570);
  CHECK(*ParseClockTime("24:00") == 1440);
  for (const char* bad : {"9:30", "24:01", "12:60", "12-30", "noon"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseClockTime(bad).ok());
  }
  int month = 0, day = 0;
  CHECK(ParseBirthday("1992-02-29", month, day));
  CHECK((month == 2 && day == 29));
  CHECK_FALSE(ParseBirthday("1993-02-29", month, day));
  CHECK_FALSE(ParseBirthday("1993-2-28", month, day));
}

TEST_CASE("days to a birthday look across the turn of the year, and 29 February") {
  const LocalDate new_year = ToLocalDate(*ParsePackTime("2027-01-01T12:00:00Z", 0), 0);
  CHECK(DaysToAnniversary(new_year, 12, 30) == 2);
  CHECK(DaysToAnniversary(new_year, 1, 3) == 2);
  CHECK(DaysToAnniversary(new_year, 1, 1) == 0);
  const LocalDate feb28 = ToLocalDate(*ParsePackTime("2027-02-28T12:00:00Z", 0), 0);
  CHECK(DaysToAnniversary(feb28, 2, 29) == 0);  // 2027 is no leap year
  const LocalDate feb28_leap = ToLocalDate(*ParsePackTime("2028-02-28T12:00:00Z", 0), 0);
  CHECK(DaysToAnniversary(feb28_leap, 2, 29) == 1);
}

TEST_CASE("the next birthday is today or later, into next year, and 29 February on 28") {
  const LocalDate dec30 = ToLocalDate(*ParsePackTime("2026-12-30T12:00:00Z", 0), 0);
  const Anniversary today = NextAnniversary(dec30, 12, 30);
  CHECK(today.year == 2026);
  CHECK(today.day_number == dec30.day_number);
  const Anniversary soon = NextAnniversary(dec30, 1, 2);
  CHECK(soon.year == 2027);
  CHECK(soon.day_number - dec30.day_number == 3);
  const Anniversary passed = NextAnniversary(dec30, 12, 29);
  CHECK(passed.year == 2027);
  CHECK(passed.day_number - dec30.day_number == 364);
  const LocalDate feb1 = ToLocalDate(*ParsePackTime("2027-02-01T12:00:00Z", 0), 0);
  CHECK(NextAnniversary(feb1, 2, 29).day_number - feb1.day_number == 27);  // 28 Feb 2027
  const LocalDate feb1_leap = ToLocalDate(*ParsePackTime("2028-02-01T12:00:00Z", 0), 0);
  CHECK(NextAnniversary(feb1_leap, 2, 29).day_number - feb1_leap.day_number == 28);
  CHECK(NextAnniversary(feb1, 2, 30).day_number == INT64_MAX);  // no year has it
}

}  // namespace
}  // namespace patron
