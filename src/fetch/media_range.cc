#include "fetch/media_range.h"

#include <strings.h>

#include "core/ascii.h"

namespace forage {
namespace {

std::string_view TrimHttpSpace(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 9110 section 5.6.2: tchar.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

bool IsMediaRange(std::string_view range) {
  range = TrimHttpSpace(range);
  const std::size_t slash = range.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view type = range.substr(0, slash);
  const std::string_view subtype = range.substr(slash + 1);
  if (type == "*") return subtype == "*";  // "*/html" ranges over nothing
  // '*' is a tchar, so "te*t/html" would pass as a token: a wildcard is a
  // whole part or nothing.
  auto part = [](std::string_view s) {
    return s == "*" || (IsToken(s) && s.find('*') == std::string_view::npos);
  };
  return IsToken(type) && type.find('*') == std::string_view::npos && part(subtype);
}

std::string MediaTypeEssence(std::string_view content_type) {
  return AsciiLowered(TrimHttpSpace(content_type.substr(0, content_type.find(';'))));
}

bool AcceptsContentType(const std::vector<std::string>& ranges, std::string_view content_type) {
  if (ranges.empty()) return true;
  const std::string essence = MediaTypeEssence(content_type);
  if (essence.empty()) return true;
  const std::size_t slash = essence.find('/');
  for (const std::string& text : ranges) {
    const std::string_view range = TrimHttpSpace(text);
    if (range == "*/*") return true;
    if (range.size() >= 2 && range.substr(range.size() - 2) == "/*") {
      const std::string_view type = range.substr(0, range.size() - 2);
      if (slash != std::string::npos &&
          EqualsIgnoreCase(type, std::string_view(essence).substr(0, slash))) {
        return true;
      }
    } else if (EqualsIgnoreCase(range, essence)) {
      return true;
    }
  }
  return false;
}

}  // namespace forage
