#include "parse/link_header.h"

#include "core/ascii.h"

namespace forage {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Reads one header value left to right.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(s_[i_])) ++i_;
  }
  bool Take(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  // Up to (not including) any of `stops`, or the end.
  std::string_view Until(std::string_view stops) {
    const std::size_t start = i_;
    while (!AtEnd() && stops.find(s_[i_]) == std::string_view::npos) ++i_;
    return s_.substr(start, i_ - start);
  }
  // After an opening '"': the string's text, escapes undone; false if it
  // never closes.
  bool Quoted(std::string* out) {
    while (!AtEnd()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (c == '\\' && !AtEnd()) c = s_[i_++];
      out->push_back(c);
    }
    return false;
  }
  // Past the next comma that separates links (outside quotes and <...>).
  void SkipLink() {
    bool quoted = false, angled = false;
    while (!AtEnd()) {
      const char c = s_[i_++];
      if (quoted) {
        if (c == '\\' && !AtEnd()) {
          ++i_;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (angled) {
        angled = c != '>';
      } else if (c == '"') {
        quoted = true;
      } else if (c == '<') {
        angled = true;
      } else if (c == ',') {
        return;
      }
    }
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

// Whether a rel value (relation types separated by whitespace) holds
// "canonical".
bool HoldsCanonical(std::string_view rel) {
  while (!rel.empty()) {
    std::size_t n = 0;
    while (n < rel.size() && !IsSpace(rel[n]) && rel[n] != '\n' && rel[n] != '\r') ++n;
    if (EqualsIgnoreCase(rel.substr(0, n), "canonical")) return true;
    rel.remove_prefix(n);
    while (!rel.empty() && (IsSpace(rel.front()) || rel.front() == '\n' || rel.front() == '\r')) {
      rel.remove_prefix(1);
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> CanonicalOfLinkHeader(std::string_view value) {
  Scanner in(value);
  while (true) {
    in.SkipSpace();
    while (in.Take(',')) in.SkipSpace();  // empty list items
    if (in.AtEnd()) return std::nullopt;
    if (!in.Take('<')) {
      in.SkipLink();
      continue;
    }
    const std::string_view uri = in.Until(">");
    if (!in.Take('>')) return std::nullopt;
    std::optional<std::string> rel;
    bool anchored = false, broken = false;
    for (;;) {
      in.SkipSpace();
      if (!in.Take(';')) break;
      in.SkipSpace();
      const std::string_view name = in.Until("=;, \t");
      in.SkipSpace();
      std::string param;
      if (in.Take('=')) {
        in.SkipSpace();
        if (in.Take('"')) {
          if (!in.Quoted(&param)) return std::nullopt;
        } else {
          param = std::string(in.Until(";, \t"));
        }
      }
      if (name.empty()) {
        broken = true;
        break;
      }
      if (EqualsIgnoreCase(name, "rel") && !rel) rel = std::move(param);
      if (EqualsIgnoreCase(name, "anchor")) anchored = true;
    }
    in.SkipSpace();
    if (broken || !(in.AtEnd() || in.Peek() == ',')) {
      in.SkipLink();
      continue;
    }
    if (rel && !anchored && HoldsCanonical(*rel)) return std::string(uri);
  }
}

}  // namespace forage
