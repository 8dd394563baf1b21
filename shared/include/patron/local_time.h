// Pack times and local calendar facts, as rule packs use them (DESIGN.md §9).
// A pack time is "YYYY-MM-DDTHH:MM:SS" followed by "Z", "+HH:MM" or
// "-HH:MM", or by nothing, which means the pack's own UTC offset. Local time
// is UTC plus a fixed offset in minutes: the tills of one pack share it, and a
// fixed offset gives every till the same answer (China keeps no daylight
// saving time; a chain across zones publishes a pack per zone).
#ifndef PATRON_LOCAL_TIME_H_
#define PATRON_LOCAL_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "patron/status.h"

namespace patron {

inline constexpr int64_t kMsPerDay = 86'400'000;
inline constexpr int64_t kMaxUtcOffsetMinutes = 14 * 60;

// Milliseconds since the Unix epoch, or InvalidArgument ("invalid_time")
// naming what is wrong. Instants from 1970-01-01T00:00:00Z to year 9999.
Result<int64_t> ParsePackTime(std::string_view text, int64_t default_offset_minutes);
// `ms` as a pack time at `offset_minutes` ("2026-12-08T00:00:00+08:00").
std::string FormatPackTime(int64_t ms, int64_t offset_minutes);

// "HH:MM" (00:00..24:00) as minutes after midnight, or InvalidArgument.
Result<int64_t> ParseClockTime(std::string_view text);

// The calendar facts of one local instant.
struct LocalDate {
  int64_t day_number = 0;  // days since 1970-01-01 (local)
  int year = 1970;
  int month = 1;    // 1..12
  int day = 1;      // 1..31
  int weekday = 4;  // ISO: 1 = Monday .. 7 = Sunday
  int64_t minute_of_day = 0;
};

LocalDate ToLocalDate(int64_t utc_ms, int64_t offset_minutes);

// Days from `date` to the nearest occurrence of month/day, before or after
// (0 on the day itself); 29 February falls on 28 February in other years.
int64_t DaysToAnniversary(const LocalDate& date, int month, int day);

// The next occurrence of month/day on or after `date` (the day itself
// included), with 29 February on 28 February in other years: its year and
// local day number (INT64_MAX for a month/day no year has).
struct Anniversary {
  int year = 0;
  int64_t day_number = 0;
};
Anniversary NextAnniversary(const LocalDate& date, int month, int day);

// The local day number of a calendar date, which must be valid; the date
// of a day number (at midnight).
int64_t DayNumberOf(int year, int month, int day);
LocalDate DateOfDay(int64_t day_number);
// "YYYY-MM-DD" of a local day number, and back (InvalidArgument
// "invalid_time").
std::string FormatLocalDay(int64_t day_number);
Result<int64_t> ParseLocalDay(std::string_view text);

// "YYYY-MM-DD" into month and day; false if it is not a calendar date.
bool ParseBirthday(std::string_view text, int& month, int& day);

}  // namespace patron

#endif  // PATRON_LOCAL_TIME_H_
