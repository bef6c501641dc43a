#include "parse/srcset.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace forage {
namespace {

// ASCII whitespace in the HTML standard's sense: no vertical tab, nothing
// beyond ASCII (U+00A0 and U+3000 are part of a URL or a descriptor).
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// A "valid non-negative integer" (one or more ASCII digits) parsed, as far
// as the descriptor parser needs it: whether it is zero.
bool IsZero(std::string_view digits) { return digits.find_first_not_of('0') == std::string_view::npos; }

// A "valid floating-point number": "-"? then digits, digits "." digits, or
// "." digits, then optionally e or E, "+" or "-"?, digits. No "+" in front,
// no "1.", no "Infinity" or "NaN".
bool IsValidFloat(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const std::size_t int_start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  bool digits = i > int_start;
  if (i < s.size() && s[i] == '.') {
    const std::size_t frac_start = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == frac_start) return false;
    digits = true;
  }
  if (!digits) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const std::size_t exp_start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == exp_start) return false;
  }
  return i == s.size();
}

// The rules for parsing floating-point number values on a valid one: its
// value, or nullopt for one too big for a double (the rules' error). The
// text is C-locale syntax strtod reads exactly; -0 and values that round to
// it are not below zero.
std::optional<double> FloatValue(std::string_view valid) {
  const std::string text(valid);
  errno = 0;
  const double value = std::strtod(text.c_str(), nullptr);
  if (std::isinf(value)) return std::nullopt;
  return value;
}

// The descriptor parser: whether a candidate with these descriptors is kept.
bool DescriptorsValid(const std::vector<std::string>& descriptors) {
  bool width = false, density = false, height = false;
  for (const std::string& d : descriptors) {
    const std::string_view number = std::string_view(d).substr(0, d.size() - 1);
    const char unit = d.back();  // descriptors are never empty
    if (unit == 'w' && IsDigits(number)) {
      if (width || density || IsZero(number)) return false;
      width = true;
    } else if (unit == 'x' && IsValidFloat(number)) {
      if (width || density || height) return false;
      std::optional<double> value = FloatValue(number);
      if (!value || *value < 0) return false;
      density = true;
    } else if (unit == 'h' && IsDigits(number)) {
      if (height || density || IsZero(number)) return false;
      height = true;
    } else {
      return false;
    }
  }
  // A future-compat h says nothing without a w.
  return !height || width;
}

}  // namespace

std::vector<std::string> ParseSrcset(std::string_view input) {
  std::vector<std::string> urls;
  std::size_t pos = 0;
  const std::size_t end = input.size();
  for (;;) {
    // Splitting loop.
    while (pos < end && (IsSpace(input[pos]) || input[pos] == ',')) ++pos;
    if (pos == end) return urls;
    const std::size_t url_start = pos;
    while (pos < end && !IsSpace(input[pos])) ++pos;
    std::string_view url = input.substr(url_start, pos - url_start);
    std::vector<std::string> descriptors;
    if (url.back() == ',') {
      // Trailing commas end the candidate (the splitting loop began with a
      // character other than a comma, so the URL keeps at least one).
      while (url.back() == ',') url.remove_suffix(1);
    } else {
      // Descriptor tokenizer.
      while (pos < end && IsSpace(input[pos])) ++pos;
      enum class State { kInDescriptor, kInParens, kAfterDescriptor };
      State state = State::kInDescriptor;
      std::string current;
      for (bool done = false; !done;) {
        const bool eof = pos == end;
        const char c = eof ? '\0' : input[pos];
        switch (state) {
          case State::kInDescriptor:
            if (eof) {
              if (!current.empty()) descriptors.push_back(std::move(current));
              done = true;
            } else if (IsSpace(c)) {
              if (!current.empty()) descriptors.push_back(std::move(current));
              current.clear();
              state = State::kAfterDescriptor;
            } else if (c == ',') {
              ++pos;
              if (!current.empty()) descriptors.push_back(std::move(current));
              done = true;
            } else {
              current += c;
              if (c == '(') state = State::kInParens;
            }
            break;
          case State::kInParens:
            if (eof) {
              descriptors.push_back(std::move(current));
              done = true;
            } else {
              current += c;
              if (c == ')') state = State::kInDescriptor;
            }
            break;
          case State::kAfterDescriptor:
            if (eof) {
              done = true;
            } else if (!IsSpace(c)) {
              state = State::kInDescriptor;
              continue;  // the same character again, in the new state
            }
            break;
        }
        if (!done) ++pos;
      }
    }
    if (DescriptorsValid(descriptors)) urls.emplace_back(url);
  }
}

}  // namespace forage
