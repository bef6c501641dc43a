#pragma once

#include <string_view>

namespace forage {

// Diagnostics on standard error, one line each, prefixed "forage: " (and the
// process role for fetchers). Records never go here. Usable from the master
// and from fetchers; each line is one write(2), so lines from several
// processes do not interleave.
enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Names "debug", "info", "warn", "error", "off"; false for anything else.
bool ParseLogLevel(std::string_view name, LogLevel* level);
// Set in a fetcher right after fork, e.g. "fetcher 2".
void SetLogRole(std::string_view role);

// A line kept at the bottom of a terminal (the progress line): drawn now,
// redrawn below each log line so that logging never tears it; "" removes
// it. Master only, and only for a terminal.
void SetStatusLine(std::string_view line);

void Log(LogLevel level, std::string_view message);
inline void LogDebug(std::string_view m) { Log(LogLevel::kDebug, m); }
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace forage
