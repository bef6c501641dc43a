#include "core/time_format.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace forage {
namespace {

// Reads exactly `n` ASCII digits at *pos; false (and *pos unspecified) otherwise.
bool Digits(std::string_view s, std::size_t* pos, std::size_t n, int* out) {
  if (s.size() - *pos < n) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, std::size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

std::int64_t UnixMillisNow() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatRfc3339(std::int64_t unix_ms) {
  std::int64_t secs = unix_ms / 1000;
  int millis = static_cast<int>(unix_ms % 1000);
  if (millis < 0) {  // before 1970: floor, not truncate
    millis += 1000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::optional<std::int64_t> ParseW3cDatetime(std::string_view s) {
  using namespace std::chrono;
  std::size_t pos = 0;
  int y = 0, mo = 1, d = 1, h = 0, mi = 0, sec = 0, ms = 0;
  if (!Digits(s, &pos, 4, &y)) return std::nullopt;
  if (pos < s.size() && (!Expect(s, &pos, '-') || !Digits(s, &pos, 2, &mo))) return std::nullopt;
  if (pos < s.size() && (!Expect(s, &pos, '-') || !Digits(s, &pos, 2, &d))) return std::nullopt;
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  std::int64_t offset_min = 0;
  if (pos < s.size()) {
    if (!Expect(s, &pos, 'T') || !Digits(s, &pos, 2, &h) || !Expect(s, &pos, ':') ||
        !Digits(s, &pos, 2, &mi) || h > 23 || mi > 59) {
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!Digits(s, &pos, 2, &sec) || sec > 59) return std::nullopt;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const std::size_t first = pos;
        int scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          ms += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == first) return std::nullopt;
      }
    }
    if (pos < s.size()) {
      if (s[pos] == 'Z') {
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        const bool east = s[pos] == '+';
        ++pos;
        int oh = 0, om = 0;
        if (!Digits(s, &pos, 2, &oh) || !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &om) ||
            oh > 23 || om > 59) {
          return std::nullopt;
        }
        offset_min = (east ? 1 : -1) * (oh * 60 + om);
      } else {
        return std::nullopt;
      }
    }
    if (pos != s.size()) return std::nullopt;
  }
  const std::int64_t days = sys_days(date).time_since_epoch().count();
  const std::int64_t local_s = days * 86400 + h * 3600 + mi * 60 + sec;
  // A time east of UTC is earlier in UTC.
  return (local_s - offset_min * 60) * 1000 + ms;
}

}  // namespace forage
