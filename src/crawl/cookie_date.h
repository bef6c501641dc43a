#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace forage {

// The moment a Set-Cookie Expires attribute names, by the cookie-date
// algorithm of RFC 6265 section 5.1.1, which is what browsers and curl
// accept: the text is cut into tokens at delimiters, and the first token
// that looks like a time ("h:m:s"), a day of month (1-2 digits), a month
// (its first three letters, any case) and a year (2-4 digits) each fills its
// slot, whatever the order and whatever else is around ("Sun, 06 Nov 1994
// 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT" and "Sun Nov  6 08:49:37
// 1994" all work; the zone is ignored: the time is UTC). Two-digit years
// 70-99 are 19xx, 00-69 20xx. Fails (nullopt) unless all four slots are
// filled with a real date and time from year 1601 on.
// Unix seconds; pure, any thread.
std::optional<std::int64_t> ParseCookieDate(std::string_view text);

}  // namespace forage
