#include "parse/robots_directives.h"

#include <array>

#include "core/ascii.h"

namespace forage {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Every directive Google documents (and a few older ones), so that an item
// "max-snippet: 10" is read as a directive with a value, never as a crawler
// named "max-snippet".
constexpr std::array<std::string_view, 18> kDirectives = {
    "all",
    "index",
    "follow",
    "noindex",
    "nofollow",
    "none",
    "noarchive",
    "nocache",
    "nosnippet",
    "notranslate",
    "noimageindex",
    "indexifembedded",
    "max-snippet",
    "max-image-preview",
    "max-video-preview",
    "unavailable_after",
    "noodp",
    "noydir",
};

bool IsDirective(std::string_view name) {
  for (std::string_view d : kDirectives) {
    if (EqualsIgnoreCase(name, d)) return true;
  }
  return false;
}

// One item's directive: its keyword (before any ':' of a value) applied.
void Apply(std::string_view item, RobotsDirectives* out) {
  const std::size_t colon = item.find(':');
  const std::string_view keyword = Trim(item.substr(0, colon));
  if (EqualsIgnoreCase(keyword, "noindex")) {
    out->noindex = true;
  } else if (EqualsIgnoreCase(keyword, "nofollow")) {
    out->nofollow = true;
  } else if (EqualsIgnoreCase(keyword, "none")) {
    out->noindex = out->nofollow = true;
  }
}

// Calls visit(item) for each comma-separated item, trimmed, empty ones
// skipped.
template <typename Visit>
void ForEachItem(std::string_view list, Visit visit) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = Trim(list.substr(0, comma));
    if (!item.empty()) visit(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

std::string RobotsProductToken(std::string_view user_agent) {
  std::size_t end = 0;
  auto token_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
  };
  while (end < user_agent.size() && token_char(user_agent[end])) ++end;
  return std::string(user_agent.substr(0, end));
}

RobotsDirectives ParseRobotsContent(std::string_view content) {
  RobotsDirectives out;
  ForEachItem(content, [&out](std::string_view item) { Apply(item, &out); });
  return out;
}

RobotsDirectives ParseXRobotsTag(std::string_view value, std::string_view token) {
  RobotsDirectives out;
  bool ours = true;  // items before any "NAME:" address every crawler
  ForEachItem(value, [&](std::string_view item) {
    const std::size_t colon = item.find(':');
    if (colon != std::string_view::npos) {
      const std::string_view name = Trim(item.substr(0, colon));
      bool one_word = !name.empty();
      for (char c : name) one_word = one_word && !IsSpace(c);
      if (one_word && !IsDirective(name)) {
        ours = !token.empty() && EqualsIgnoreCase(name, token);
        item = Trim(item.substr(colon + 1));
      }
    }
    if (ours) Apply(item, &out);
  });
  return out;
}

}  // namespace forage
