#include "parse/meta_refresh.h"

namespace forage {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<std::string> ParseMetaRefresh(std::string_view input) {
  std::size_t pos = 0;
  const std::size_t end = input.size();
  auto skip_spaces = [&] {
    while (pos < end && IsSpace(input[pos])) ++pos;
  };
  auto at = [&](char lower) {
    return pos < end && (input[pos] == lower || input[pos] == lower - 'a' + 'A');
  };
  skip_spaces();
  // The time: digits, or none if a dot follows; then any digits and dots,
  // ignored.
  const std::size_t time_start = pos;
  while (pos < end && IsDigit(input[pos])) ++pos;
  if (pos == time_start && (pos == end || input[pos] != '.')) return std::nullopt;
  while (pos < end && (IsDigit(input[pos]) || input[pos] == '.')) ++pos;
  if (pos < end) {
    if (input[pos] != ';' && input[pos] != ',' && !IsSpace(input[pos])) return std::nullopt;
    skip_spaces();
    if (pos < end && (input[pos] == ';' || input[pos] == ',')) ++pos;
    skip_spaces();
  }
  if (pos == end) return std::nullopt;  // a refresh of the page itself
  // Without "URL" and "=", the URL is the rest as it stands, quotes and
  // all, unless it begins with a quote.
  const std::string_view rest = input.substr(pos);
  if (at('u')) {
    ++pos;
    if (!at('r')) return std::string(rest);
    ++pos;
    if (!at('l')) return std::string(rest);
    ++pos;
    skip_spaces();
    if (pos == end || input[pos] != '=') return std::string(rest);
    ++pos;
    skip_spaces();
  }
  char quote = '\0';
  if (pos < end && (input[pos] == '\'' || input[pos] == '"')) quote = input[pos++];
  std::string_view url = input.substr(pos);
  if (quote != '\0') url = url.substr(0, url.find(quote));
  return std::string(url);
}

}  // namespace forage
