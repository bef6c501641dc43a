#include "core/log.h"

#include <unistd.h>

#include <array>
#include <string>

namespace forage {
namespace {

LogLevel g_level = LogLevel::kInfo;
std::string g_role;
std::string g_status;  // the status line on screen, if any

constexpr std::array<std::string_view, 5> kNames = {"debug", "info", "warn", "error", "off"};

}  // namespace

void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level; }

bool ParseLogLevel(std::string_view name, LogLevel* level) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) {
      *level = static_cast<LogLevel>(i);
      return true;
    }
  }
  if (name == "warning") {
    *level = LogLevel::kWarn;
    return true;
  }
  return false;
}

void SetLogRole(std::string_view role) {
  g_role = role;
  g_status.clear();  // a forked fetcher does not own the master's status line
}

void SetStatusLine(std::string_view line) {
  // "\r\033[K": back to column 0 and clear to the end of the line.
  std::string out = "\r\033[K";
  out.append(line);
  g_status = line;
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, out.data(), out.size());
}

void Log(LogLevel level, std::string_view message) {
  if (level < g_level || level == LogLevel::kOff) return;
  std::string line = "forage: ";
  if (!g_role.empty()) line.append(g_role).append(": ");
  if (level == LogLevel::kWarn) line += "warning: ";
  if (level == LogLevel::kError) line += "error: ";
  line.append(message);
  line += '\n';
  if (!g_status.empty()) line = "\r\033[K" + line + g_status;
  // One write, so that concurrent processes' lines stay whole; a failing
  // stderr is not worth reporting anywhere.
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace forage
