#pragma once

// ASCII case folding for protocol text (header names, host names, cookie
// attributes), independent of the locale.

#include <string>
#include <string_view>

namespace forage {

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string AsciiLowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

}  // namespace forage
