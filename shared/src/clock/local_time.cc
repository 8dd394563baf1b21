#include "patron/local_time.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace patron {
namespace {

namespace chrono = std::chrono;

Status InvalidTime(std::string_view text, std::string_view expected) {
  std::string shown(text.substr(0, 40));
  for (char& c : shown) {
    if (c < 0x20 || c > 0x7E) c = '?';
  }
  return Status::InvalidArgument("'" + shown + "' is not " + std::string(expected), "invalid_time");
}

// Exactly `width` decimal digits at `text[at]`.
bool Digits(std::string_view text, size_t at, size_t width, int& out) {
  if (at + width > text.size()) return false;
  out = 0;
  for (size_t i = at; i < at + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

bool ValidDate(int year, int month, int day) {
  return chrono::year_month_day(chrono::year(year), chrono::month(static_cast<unsigned>(month)),
                                chrono::day(static_cast<unsigned>(day)))
      .ok();
}

int64_t DayNumber(int year, int month, int day) {
  const chrono::sys_days days =
      chrono::year_month_day(chrono::year(year), chrono::month(static_cast<unsigned>(month)),
                             chrono::day(static_cast<unsigned>(day)));
  return days.time_since_epoch().count();
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Result<int64_t> ParsePackTime(std::string_view text, int64_t default_offset_minutes) {
  constexpr std::string_view kExpected = "a time like 2026-12-08T10:00:00+08:00";
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' ||
      !Digits(text, 5, 2, month) || text[7] != '-' || !Digits(text, 8, 2, day) || text[10] != 'T' ||
      !Digits(text, 11, 2, hour) || text[13] != ':' || !Digits(text, 14, 2, minute) ||
      text[16] != ':' || !Digits(text, 17, 2, second)) {
    return InvalidTime(text, kExpected);
  }
  // 1969 local may still be 1970 UTC; the instant itself is checked below.
  if (year < 1969 || !ValidDate(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    return InvalidTime(text, kExpected);
  }
  int64_t offset = default_offset_minutes;
  const std::string_view zone = text.substr(19);
  if (zone == "Z") {
    offset = 0;
  } else if (!zone.empty()) {
    int zone_hours = 0, zone_minutes = 0;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || !Digits(zone, 1, 2, zone_hours) ||
        zone[3] != ':' || !Digits(zone, 4, 2, zone_minutes) || zone_minutes > 59) {
      return InvalidTime(text, kExpected);
    }
    offset = (zone[0] == '-' ? -1 : 1) * (zone_hours * 60 + zone_minutes);
    if (std::abs(offset) > kMaxUtcOffsetMinutes) return InvalidTime(text, kExpected);
  }
  const int64_t local_seconds =
      DayNumber(year, month, day) * 86'400 + hour * 3600 + minute * 60 + second;
  const int64_t utc_ms = (local_seconds - offset * 60) * 1000;
  if (utc_ms < 0) return InvalidTime(text, kExpected);  // before 1970 UTC
  return utc_ms;
}

std::string FormatPackTime(int64_t ms, int64_t offset_minutes) {
  const LocalDate date = ToLocalDate(ms, offset_minutes);
  const int64_t local_ms = ms + offset_minutes * 60'000;
  const int64_t second = FloorDiv(local_ms, 1000) % 60;
  const int64_t magnitude = std::abs(offset_minutes);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", date.year,
                date.month, date.day, static_cast<int>(date.minute_of_day / 60),
                static_cast<int>(date.minute_of_day % 60), static_cast<int>((second + 60) % 60),
                offset_minutes < 0 ? '-' : '+', static_cast<int>(magnitude / 60),
                static_cast<int>(magnitude % 60));
  return text;
}

Result<int64_t> ParseClockTime(std::string_view text) {
  int hour = 0, minute = 0;
  if (text.size() != 5 || !Digits(text, 0, 2, hour) || text[2] != ':' ||
      !Digits(text, 3, 2, minute) || minute > 59 || hour > 24 || (hour == 24 && minute != 0)) {
    return InvalidTime(text, "a time of day like 09:30");
  }
  return int64_t{hour} * 60 + minute;
}

LocalDate ToLocalDate(int64_t utc_ms, int64_t offset_minutes) {
  const int64_t local_ms = utc_ms + offset_minutes * 60'000;
  LocalDate date;
  date.day_number = FloorDiv(local_ms, kMsPerDay);
  date.minute_of_day = (local_ms - date.day_number * kMsPerDay) / 60'000;
  const chrono::sys_days days{chrono::days(date.day_number)};
  const chrono::year_month_day ymd(days);
  date.year = static_cast<int>(ymd.year());
  date.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  date.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  date.weekday = static_cast<int>(chrono::weekday(days).iso_encoding());
  return date;
}

int64_t DaysToAnniversary(const LocalDate& date, int month, int day) {
  int64_t nearest = INT64_MAX;
  for (int year = date.year - 1; year <= date.year + 1; ++year) {
    int d = day;
    if (month == 2 && day == 29 && !ValidDate(year, 2, 29)) d = 28;
    if (!ValidDate(year, month, d)) continue;
    nearest = std::min(nearest, std::abs(DayNumber(year, month, d) - date.day_number));
  }
  return nearest;
}

Anniversary NextAnniversary(const LocalDate& date, int month, int day) {
  for (int year = date.year; year <= date.year + 1; ++year) {
    int d = day;
    if (month == 2 && day == 29 && !ValidDate(year, 2, 29)) d = 28;
    if (!ValidDate(year, month, d)) continue;
    const int64_t number = DayNumber(year, month, d);
    if (number >= date.day_number) return {year, number};
  }
  return {date.year + 1, INT64_MAX};  // not a calendar date: never
}

int64_t DayNumberOf(int year, int month, int day) { return DayNumber(year, month, day); }

LocalDate DateOfDay(int64_t day_number) { return ToLocalDate(day_number * kMsPerDay, 0); }

std::string FormatLocalDay(int64_t day_number) {
  const LocalDate date = DateOfDay(day_number);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year, date.month, date.day);
  return text;
}

Result<int64_t> ParseLocalDay(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (text.size() != 10 || !Digits(text, 0, 4, year) || text[4] != '-' ||
      !Digits(text, 5, 2, month) || text[7] != '-' || !Digits(text, 8, 2, day) || year < 1970 ||
      !ValidDate(year, month, day)) {
    return InvalidTime(text, "a date like 2027-03-31");
  }
  return DayNumber(year, month, day);
}

bool ParseBirthday(std::string_view text, int& month, int& day) {
  int year = 0;
  if (text.size() != 10 || !Digits(text, 0, 4, year) || text[4] != '-' ||
      !Digits(text, 5, 2, month) || text[7] != '-' || !Digits(text, 8, 2, day)) {
    return false;
  }
  // The year only has to make the date real; 29 February needs a leap year.
  return ValidDate(year, month, day);
}

}  // namespace patron
