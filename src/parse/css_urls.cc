#include "parse/css_urls.h"

#include <cstdint>
#include <optional>

namespace forage {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

bool IsNewline(char c) { return c == '\n' || c == '\r' || c == '\f'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || IsNewline(c); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) { return IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }
bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c) || c == '-'; }
// What makes an unquoted url() bad: CSS Syntax's non-printable code points
// (NUL is not one: CSS reads it as U+FFFD).
bool IsNonPrintable(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 0x01 && u <= 0x08) || u == 0x0B || (u >= 0x0E && u <= 0x1F) || u == 0x7F;
}

bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

void AppendCodePoint(std::uint32_t cp, std::string* out) {
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    *out += kReplacement;
  } else if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A cursor over CSS text that consumes the tokens url()s and @import care
// about; everything else it steps over a character at a time. Each step
// moves forward, so a scan is linear.
class CssScanner {
 public:
  explicit CssScanner(std::string_view css) : s_(css) {}

  std::vector<std::string> Scan() {
    std::vector<std::string> urls;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '/' && Peek(1) == '*') {
        SkipComment();
      } else if (c == '"' || c == '\'') {
        ++pos_;
        ConsumeString(c);  // a string's contents are no url()
      } else if (c == '@') {
        ++pos_;
        if (StartsName()) {
          const std::string keyword = ConsumeName();
          if (EqualsLower(keyword, "import")) ImportString(&urls);
        }
      } else if (c == '#') {
        ++pos_;
        if (StartsName() || IsNameChar(Cur())) ConsumeName();
      } else if (IsDigit(c) || ((c == '.' || c == '+' || c == '-') && IsDigit(Peek(1)))) {
        // A number, and the unit of a dimension ("10url(" is no url()).
        ++pos_;
        while (pos_ < s_.size() && (IsDigit(s_[pos_]) || s_[pos_] == '.')) ++pos_;
        if (StartsName()) ConsumeName();
      } else if (StartsName()) {
        const std::string name = ConsumeName();
        if (Cur() == '(' && EqualsLower(name, "url")) {
          ++pos_;
          if (std::optional<std::string> url = ConsumeUrl(); url && !url->empty()) {
            urls.push_back(std::move(*url));
          }
        }
      } else {
        ++pos_;
      }
    }
    return urls;
  }

 private:
  char Peek(std::size_t ahead) const {
    return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0';
  }
  char Cur() const { return Peek(0); }
  bool AtEnd() const { return pos_ >= s_.size(); }

  // A backslash at pos_ that begins an escape (not one before a newline).
  bool StartsEscape() const { return Cur() == '\\' && !IsNewline(Peek(1)); }
  // Whether an identifier starts at pos_ (CSS Syntax 4.3.9).
  bool StartsName() const {
    const char c = Cur();
    if (AtEnd()) return false;
    if (IsNameStart(c) || StartsEscape()) return true;
    if (c != '-') return false;
    const char next = Peek(1);
    return IsNameStart(next) || next == '-' || (next == '\\' && !IsNewline(Peek(2)));
  }

  void SkipComment() {
    const std::size_t close = s_.find("*/", pos_ + 2);
    pos_ = close == std::string_view::npos ? s_.size() : close + 2;
  }

  // After a backslash that starts an escape: its code point, appended.
  void ConsumeEscape(std::string* out) {
    if (AtEnd()) {
      *out += kReplacement;
      return;
    }
    if (!IsHex(s_[pos_])) {
      AppendChar(s_[pos_++], out);
      return;
    }
    std::uint32_t cp = 0;
    for (int i = 0; i < 6 && !AtEnd() && IsHex(s_[pos_]); ++i) cp = cp * 16 + HexValue(s_[pos_++]);
    if (Cur() == '\r' && Peek(1) == '\n') {
      pos_ += 2;
    } else if (!AtEnd() && IsSpace(s_[pos_])) {
      ++pos_;
    }
    AppendCodePoint(cp, out);
  }

  static void AppendChar(char c, std::string* out) {
    if (c == '\0') {
      *out += kReplacement;  // as CSS's preprocessing has it
    } else {
      *out += c;
    }
  }

  std::string ConsumeName() {
    std::string name;
    while (!AtEnd()) {
      if (IsNameChar(s_[pos_])) {
        AppendChar(s_[pos_++], &name);
      } else if (StartsEscape()) {
        ++pos_;
        ConsumeEscape(&name);
      } else {
        break;
      }
    }
    return name;
  }

  // After the opening quote: the string's value, or nullopt if a newline
  // cut it short (a bad string, which CSS drops).
  std::optional<std::string> ConsumeString(char quote) {
    std::string value;
    while (!AtEnd()) {
      const char c = s_[pos_];
      if (c == quote) {
        ++pos_;
        return value;
      }
      if (IsNewline(c)) return std::nullopt;
      ++pos_;
      if (c != '\\') {
        AppendChar(c, &value);
      } else if (Cur() == '\r' && Peek(1) == '\n') {
        pos_ += 2;  // an escaped newline continues the string
      } else if (!AtEnd() && IsNewline(s_[pos_])) {
        ++pos_;
      } else if (!AtEnd()) {
        ConsumeEscape(&value);
      }
    }
    return value;  // unclosed at the end: a parse error, but a string
  }

  void SkipSpacesAndComments() {
    for (;;) {
      while (!AtEnd() && IsSpace(s_[pos_])) ++pos_;
      if (Cur() == '/' && Peek(1) == '*') {
        SkipComment();
      } else {
        return;
      }
    }
  }

  // After "@import": its string, if a string comes next. A url() there is
  // left for the scan to find as any other.
  void ImportString(std::vector<std::string>* urls) {
    SkipSpacesAndComments();
    const char c = Cur();
    if (c != '"' && c != '\'') return;
    ++pos_;
    if (std::optional<std::string> url = ConsumeString(c); url && !url->empty()) {
      urls->push_back(std::move(*url));
    }
  }

  // After "url(": the URL, or nullopt for a bad url().
  std::optional<std::string> ConsumeUrl() {
    while (!AtEnd() && IsSpace(s_[pos_])) ++pos_;
    if (Cur() == '"' || Cur() == '\'') {
      // url("x"): a function holding a string; what follows the string (a
      // modifier, the ")") the scan steps over.
      const char quote = s_[pos_++];
      return ConsumeString(quote);
    }
    std::string url;
    while (!AtEnd()) {
      const char c = s_[pos_];
      if (c == ')') {
        ++pos_;
        return url;
      }
      if (IsSpace(c)) {
        while (!AtEnd() && IsSpace(s_[pos_])) ++pos_;
        if (AtEnd()) return url;
        if (s_[pos_] == ')') {
          ++pos_;
          return url;
        }
        SkipBadUrl();
        return std::nullopt;
      }
      if (c == '"' || c == '\'' || c == '(' || IsNonPrintable(c)) {
        SkipBadUrl();
        return std::nullopt;
      }
      if (c == '\\') {
        if (!StartsEscape()) {
          SkipBadUrl();
          return std::nullopt;
        }
        ++pos_;
        ConsumeEscape(&url);
        continue;
      }
      AppendChar(c, &url);
      ++pos_;
    }
    return url;  // unclosed at the end: a parse error, but a url
  }

  // The rest of a bad url(), up to its ")" (an escaped one does not count).
  void SkipBadUrl() {
    while (!AtEnd()) {
      if (s_[pos_] == ')') {
        ++pos_;
        return;
      }
      if (StartsEscape()) {
        pos_ += 2;  // the escape's first character; hex digits after it are harmless
      } else {
        ++pos_;
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<std::string> FindCssUrls(std::string_view css) { return CssScanner(css).Scan(); }

}  // namespace forage
