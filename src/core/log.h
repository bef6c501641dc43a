#pragma once

#include <string>
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
// `text` with every byte a terminal could act on written as \xNN: C0
// controls (newlines and ESC included), DEL, C1 controls (U+0080..U+009F)
// and bytes that are not valid UTF-8. Valid printable UTF-8 is kept.
std::string EscapeForTerminal(std::string_view text);

// Set in a fetcher as it starts, e.g. "fetcher 2".
void SetLogRole(std::string_view role);

// A line kept at the bottom of a terminal (the progress line): drawn now,
// redrawn below each log line so that logging never tears it; "" removes
// it. Master only, and only for a terminal.
void SetStatusLine(std::string_view line);

// Writes `message` as one line, with EscapeForTerminal applied to it.
void Log(LogLevel level, std::string_view message);
// The line Log would write for `message` (newline included), whatever the
// level set: for a message prepared before it may have to be written
// without allocating.
std::string LogLine(LogLevel level, std::string_view message);
inline void LogDebug(std::string_view m) { Log(LogLevel::kDebug, m); }
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace forage
