#include "core/log.h"

#include <unistd.h>

#include <array>
#include <string>

#include "core/utf8.h"

namespace forage {
namespace {

LogLevel g_level = LogLevel::kInfo;
std::string g_role;
std::string g_status;  // the status line on screen, if any

constexpr std::array<std::string_view, 5> kNames = {"debug", "info", "warn", "error", "off"};

// The length of the valid UTF-8 sequence at the start of `s` that is not a
// C1 control (U+0080..U+009F, which some terminals obey as ESC sequences), or
// 0 if there is none.
std::size_t PrintableSequence(std::string_view s) {
  const Utf8Sequence sequence = FirstUtf8Sequence(s);
  if (!sequence.valid) return 0;
  const auto c = static_cast<unsigned char>(s[0]);
  if (sequence.length == 1) return c >= 0x20 && c < 0x7F ? 1 : 0;      // C0 controls and DEL
  if (c == 0xC2 && static_cast<unsigned char>(s[1]) < 0xA0) return 0;  // C1 controls
  return sequence.length;
}

}  // namespace

std::string EscapeForTerminal(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    std::size_t n = PrintableSequence(text);
    if (n == 0) {
      // A C1 control is one code point: escape both of its bytes.
      n = static_cast<unsigned char>(text[0]) == 0xC2 && text.size() > 1 &&
                  (static_cast<unsigned char>(text[1]) & 0xE0) == 0x80
              ? 2
              : 1;
      for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    } else {
      out.append(text.substr(0, n));
    }
    text.remove_prefix(n);
  }
  return out;
}

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

std::string LogLine(LogLevel level, std::string_view message) {
  std::string line = "forage: ";
  if (!g_role.empty()) line.append(g_role).append(": ");
  if (level == LogLevel::kWarn) line += "warning: ";
  if (level == LogLevel::kError) line += "error: ";
  // Messages carry URLs and page text: nothing in them may move the cursor,
  // change colours or start a new line that looks like ours.
  line.append(EscapeForTerminal(message));
  line += '\n';
  return line;
}

void Log(LogLevel level, std::string_view message) {
  if (level < g_level || level == LogLevel::kOff) return;
  std::string line = LogLine(level, message);
  if (!g_status.empty()) line = "\r\033[K" + line + g_status;
  // One write, so that concurrent processes' lines stay whole; a failing
  // stderr is not worth reporting anywhere.
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace forage
