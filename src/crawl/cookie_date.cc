#include "crawl/cookie_date.h"

#include <array>
#include <cstddef>

namespace forage {
namespace {

// RFC 6265 section 5.1.1: delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E.
bool IsDelimiter(unsigned char c) {
  return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) ||
         (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads min..max digits at `token[*pos]`, which must be followed by the end
// of the token or by `next` (-1: by any non-digit; the grammar's
// "( non-digit *OCTET )" lets anything follow). Advances *pos past them.
bool ReadNumber(std::string_view token, std::size_t* pos, std::size_t min, std::size_t max,
                int next, int* value) {
  std::size_t i = *pos;
  int v = 0;
  while (i < token.size() && IsDigit(token[i]) && i - *pos <= max) {
    v = v * 10 + (token[i] - '0');
    ++i;
  }
  const std::size_t n = i - *pos;
  if (n < min || n > max) return false;
  if (next >= 0) {
    if (i >= token.size() || token[i] != next) return false;
    ++i;
  }
  *pos = i;
  *value = v;
  return true;
}

// time = hms-time ( non-digit *OCTET ); hms-time = time-field ":" time-field
// ":" time-field; time-field = 1*2DIGIT.
bool MatchTime(std::string_view token, int* h, int* m, int* s) {
  std::size_t pos = 0;
  return ReadNumber(token, &pos, 1, 2, ':', h) && ReadNumber(token, &pos, 1, 2, ':', m) &&
         ReadNumber(token, &pos, 1, 2, -1, s);
}

// month = ( "jan" / ... / "dec" ) *OCTET, case-insensitively.
int MatchMonth(std::string_view token) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (token.size() < 3) return 0;
  char lower[3];
  for (int i = 0; i < 3; ++i) {
    char c = token[i];
    lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (std::string_view(lower, 3) == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool IsLeapYear(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days from 1970-01-01 to the given proleptic Gregorian date (Howard
// Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

std::optional<std::int64_t> ParseCookieDate(std::string_view text) {
  bool found_time = false, found_day = false, found_month = false, found_year = false;
  int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsDelimiter(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t begin = i;
    while (i < text.size() && !IsDelimiter(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view token = text.substr(begin, i - begin);
    if (token.empty()) break;
    // Each token fills at most one slot, tried in the RFC's order.
    std::size_t day_end = 0, year_end = 0;
    if (!found_time && MatchTime(token, &hour, &minute, &second)) {
      found_time = true;
    } else if (!found_day && ReadNumber(token, &day_end, 1, 2, -1, &day)) {
      found_day = true;
    } else if (!found_month && MatchMonth(token) != 0) {
      month = MatchMonth(token);
      found_month = true;
    } else if (!found_year && ReadNumber(token, &year_end, 2, 4, -1, &year)) {
      found_year = true;
    }
  }
  if (!found_time || !found_day || !found_month || !found_year) return std::nullopt;
  if (year >= 70 && year <= 99) {
    year += 1900;
  } else if (year >= 0 && year <= 69) {
    year += 2000;
  }
  if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  if (day > DaysInMonth(year, month)) return std::nullopt;  // "Feb 30": no such date
  return DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace forage
