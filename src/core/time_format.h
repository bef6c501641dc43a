#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace forage {

// Milliseconds since the Unix epoch, from the system clock.
std::int64_t UnixMillisNow();

// RFC 3339 in UTC with milliseconds: "2026-11-22T22:14:13.123Z".
std::string FormatRfc3339(std::int64_t unix_ms);

// A W3C Datetime (www.w3.org/TR/NOTE-datetime), as sitemaps' <lastmod> use
// it, in Unix milliseconds (UTC): "YYYY", "YYYY-MM", "YYYY-MM-DD" (the
// first instant of that year, month or day, in UTC), "YYYY-MM-DDThh:mmTZD",
// "...Thh:mm:ssTZD" and "...Thh:mm:ss.sTZD" (any number of fraction digits,
// kept to the millisecond), where TZD is "Z", "+hh:mm" or "-hh:mm". A time
// without its TZD, common in the wild, is taken as UTC. nullopt for
// anything else: other shapes, out-of-range fields (February 30, hour 24),
// surrounding spaces (the caller trims).
std::optional<std::int64_t> ParseW3cDatetime(std::string_view text);

}  // namespace forage
