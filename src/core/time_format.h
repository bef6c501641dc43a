#pragma once

#include <cstdint>
#include <string>

namespace forage {

// Milliseconds since the Unix epoch, from the system clock.
std::int64_t UnixMillisNow();

// RFC 3339 in UTC with milliseconds: "2026-11-22T22:14:13.123Z".
std::string FormatRfc3339(std::int64_t unix_ms);

}  // namespace forage
