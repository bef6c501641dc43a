#include "parse/selector.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/utf8.h"

namespace forage {
namespace selector_internal {

// The parsed form. Class and id selectors become the attribute tests they are
// defined to be equivalent to ([class~=x] and [id=x]), and the shorthand
// pseudo-classes become An+B tests (:first-child is :nth-child(1)), so the
// matcher has fewer cases to get wrong.

enum class AttributeOp { kExists, kEquals, kIncludes, kDashMatch, kPrefix, kSuffix, kSubstring };

// How an attribute selector compares values.
enum class ValueCase {
  kSensitive,    // the default, and the ` s` flag
  kInsensitive,  // the ` i` flag: ASCII case-insensitive on every element
  kHtmlLegacy,   // no flag, on an attribute of the HTML Standard's list: insensitive on HTML
                 // elements, sensitive in SVG and MathML
};

struct AttributeTest {
  std::string name;  // ASCII lower-case; gumbo compares attribute names case-insensitively
  AttributeOp op = AttributeOp::kExists;
  std::string value;
  ValueCase value_case = ValueCase::kSensitive;
};

enum class PseudoKind { kNthChild, kNthLastChild, kNthOfType, kNthLastOfType, kEmpty, kRoot, kNot };

struct Compound;

struct PseudoTest {
  PseudoKind kind = PseudoKind::kRoot;
  std::int64_t a = 0;  // An+B, for the nth kinds
  std::int64_t b = 0;
  std::vector<Compound> negated;  // kNot: matches when none of these does
};

struct Compound {
  std::string tag;                        // ASCII lower-case; empty for `*` or no type selector
  GumboTag tag_enum = GUMBO_TAG_UNKNOWN;  // gumbo's enum for `tag`, if it has one
  std::vector<AttributeTest> attributes;
  std::vector<PseudoTest> pseudos;
};

enum class Combinator { kDescendant, kChild, kAdjacent, kSibling };

struct Complex {
  std::vector<Compound> compounds;      // left to right
  std::vector<Combinator> combinators;  // combinators[i] joins compounds[i] and compounds[i + 1]
  // Memo column of compounds[0]; every compound but the last has one.
  std::size_t memo_base = 0;
};

struct Compiled {
  std::vector<Complex> alternatives;
  std::size_t memo_width = 0;  // memo columns over all alternatives
};

}  // namespace selector_internal

namespace {

using selector_internal::AttributeOp;
using selector_internal::AttributeTest;
using selector_internal::Combinator;
using selector_internal::Compiled;
using selector_internal::Complex;
using selector_internal::Compound;
using selector_internal::PseudoKind;
using selector_internal::PseudoTest;
using selector_internal::ValueCase;

// The parser recurses only into :not(), and matching recurses once per
// compound selector (never per tree level); these bound both, so that no
// selector can exhaust the stack.
constexpr std::size_t kMaxCompounds = 256;
constexpr int kMaxNotNesting = 16;
// An+B coefficients are clamped here: no element has a billion siblings, and
// clamping keeps the arithmetic in matching far from overflow.
constexpr std::int64_t kMaxCoefficient = 1'000'000'000;

// CSS whitespace; also the ASCII whitespace of HTML, which splits class lists.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsNewline(char c) { return c == '\n' || c == '\r' || c == '\f'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

// Any byte of a non-ASCII UTF-8 sequence counts as a name character, as
// non-ASCII code points do in CSS.
bool IsNameStart(char c) {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c) || c == '-'; }

// The attributes whose values the HTML Standard has selectors compare ASCII
// case-insensitively on HTML elements ("Case-sensitivity of selectors",
// https://html.spec.whatwg.org/multipage/semantics-other.html#case-sensitivity-of-selectors),
// in its order, which is alphabetical.
constexpr std::string_view kLegacyCaseInsensitive[] = {
    "accept",     "accept-charset", "align",     "alink",    "axis",     "bgcolor",  "charset",
    "checked",    "clear",          "codetype",  "color",    "compact",  "declare",  "defer",
    "dir",        "direction",      "disabled",  "enctype",  "face",     "frame",    "hreflang",
    "http-equiv", "lang",           "language",  "link",     "media",    "method",   "multiple",
    "nohref",     "noresize",       "noshade",   "nowrap",   "readonly", "rel",      "rev",
    "rules",      "scope",          "scrolling", "selected", "shape",    "target",   "text",
    "type",       "valign",         "valuetype", "vlink",
};

static_assert(std::is_sorted(std::begin(kLegacyCaseInsensitive), std::end(kLegacyCaseInsensitive)));

// `name` is lower-case already.
bool IsLegacyCaseInsensitive(std::string_view name) {
  return std::binary_search(std::begin(kLegacyCaseInsensitive), std::end(kLegacyCaseInsensitive),
                            name);
}

void AsciiLowerInPlace(std::string* s) {
  for (char& c : *s) c = AsciiLower(c);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// CSS Syntax 3.3 turns U+0000 into U+FFFD before anything else, so a NUL
// (which a TOML string can hold) neither ends a selector nor matches one.
std::string ReplaceNul(std::string_view css) {
  std::string out;
  out.reserve(css.size());
  for (const char c : css) {
    if (c == '\0') {
      AppendUtf8(0xFFFD, &out);
    } else {
      out += c;
    }
  }
  return out;
}

// A selector with its comments taken out, and where each byte came from.
struct Uncommented {
  std::string text;
  std::vector<std::size_t> origin;  // origin[i]: offset of text[i] in the input; one more at
                                    // the end, the input's size
  std::optional<std::size_t> glued;  // a comment between two names, which would join them
};

// Comments produce no token (CSS Syntax 4.3.2), so they go before parsing,
// which then needs no case for them. Strings and escapes are stepped over
// so that a "/*" in them stays text. A comment between two name characters
// (`div/**/span`) separates two tokens that no selector puts side by side;
// removing it would make one name of them, so it is reported instead.
Uncommented RemoveComments(std::string_view css) {
  Uncommented out;
  out.text.reserve(css.size());
  out.origin.reserve(css.size() + 1);
  auto keep = [&out, css](std::size_t i) {
    out.text += css[i];
    out.origin.push_back(i);
  };
  char quote = 0;  // inside a string: its quote
  std::size_t i = 0;
  while (i < css.size()) {
    const char c = css[i];
    if (c == '\\') {  // the escaped byte is text, whatever it is
      keep(i++);
      if (i < css.size()) keep(i++);
    } else if (quote) {
      if (c == quote || IsNewline(c)) quote = 0;
      keep(i++);
    } else if (c == '"' || c == '\'') {
      quote = c;
      keep(i++);
    } else if (c == '/' && i + 1 < css.size() && css[i + 1] == '*') {
      const std::size_t close = css.find("*/", i + 2);
      const std::size_t after = close == std::string_view::npos ? css.size() : close + 2;
      if (!out.glued && !out.text.empty() && IsNameChar(out.text.back()) && after < css.size() &&
          (IsNameChar(css[after]) || css[after] == '\\')) {
        out.glued = i;
      }
      i = after;
    } else {
      keep(i++);
    }
  }
  out.origin.push_back(css.size());
  return out;
}

// A hand-written recursive-descent parser over bytes; CSS tokenization is
// simple enough for selectors that a separate tokenizer would only add code.
// Records the first error, with its byte offset, and stops.
class Parser {
 public:
  // Parses `source.text`; error offsets are those of `source.origin`.
  explicit Parser(const Uncommented& source) : css_(source.text), origin_(source.origin) {}

  // Parses the whole input into `out`; false on error (see error()).
  bool Run(Compiled* out) {
    SkipSpace();
    if (AtEnd()) return Fail("empty selector", pos_);
    while (true) {
      if (Peek() == ',') return Fail("expected a selector before \",\"", pos_);
      Complex complex;
      if (!ParseComplex(&complex)) return false;
      out->alternatives.push_back(std::move(complex));
      if (AtEnd()) break;
      // ParseComplex stops only at the end or at a comma.
      const std::size_t comma = pos_++;
      SkipSpace();
      if (AtEnd() || Peek() == ',') return Fail("expected a selector after \",\"", comma);
    }
    for (Complex& complex : out->alternatives) {
      complex.memo_base = out->memo_width;
      out->memo_width += complex.compounds.size() - 1;
    }
    return true;
  }

  const std::string& error() const { return error_; }

 private:
  bool AtEnd() const { return pos_ >= css_.size(); }
  char Peek(std::size_t ahead = 0) const {
    return pos_ + ahead < css_.size() ? css_[pos_ + ahead] : '\0';
  }

  bool Fail(std::string message, std::size_t offset) {
    offset = origin_[std::min(offset, origin_.size() - 1)];
    error_ = std::move(message) + " at offset " + std::to_string(offset);
    return false;
  }

  bool Unexpected() {
    if (AtEnd()) return Fail("unexpected end of selector", pos_);
    const char c = Peek();
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(c));
      return Fail(std::string("unexpected byte ") + hex, pos_);
    }
    return Fail(std::string("unexpected \"") + c + "\"", pos_);
  }

  // Skips whitespace; says whether there was any, since whitespace can be the
  // descendant combinator.
  bool SkipSpace() {
    const std::size_t start = pos_;
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
    return pos_ != start;
  }

  // A backslash that starts an escape: not one that ends a line. One that
  // ends the input is an escape, of U+FFFD (CSS Syntax 4.3.7, 4.3.8).
  bool IsEscapeAt(std::size_t ahead) const {
    return Peek(ahead) == '\\' && !IsNewline(Peek(ahead + 1));
  }

  // Whether an identifier starts here (CSS Syntax, "would start an ident").
  bool StartsIdentifier() const {
    if (Peek() == '-') return IsNameStart(Peek(1)) || Peek(1) == '-' || IsEscapeAt(1);
    return IsNameStart(Peek()) || IsEscapeAt(0);
  }

  // After the backslash of a valid escape: hex digits name a code point,
  // the end of input is U+FFFD, anything else stands for itself.
  void ConsumeEscape(std::string* out) {
    if (AtEnd()) {
      AppendUtf8(0xFFFD, out);
      return;
    }
    if (!IsHexDigit(Peek())) {
      *out += css_[pos_++];
      return;
    }
    std::uint32_t code_point = 0;
    for (int digits = 0; digits < 6 && IsHexDigit(Peek()); ++digits) {
      const char c = AsciiLower(css_[pos_++]);
      code_point =
          code_point * 16 + static_cast<std::uint32_t>(IsDigit(c) ? c - '0' : c - 'a' + 10);
    }
    if (Peek() == '\r' && Peek(1) == '\n') {
      pos_ += 2;
    } else if (IsSpace(Peek())) {
      ++pos_;  // one whitespace ends a hex escape and is part of it
    }
    if (code_point == 0 || (code_point >= 0xD800 && code_point <= 0xDFFF) ||
        code_point > 0x10FFFF) {
      code_point = 0xFFFD;
    }
    AppendUtf8(code_point, out);
  }

  // Name characters and escapes, as many as there are. The caller checks
  // what may start the name.
  void ParseName(std::string* out) {
    while (!AtEnd()) {
      if (IsNameChar(Peek())) {
        *out += css_[pos_++];
      } else if (IsEscapeAt(0)) {
        ++pos_;
        ConsumeEscape(out);
      } else {
        break;
      }
    }
  }

  // A quoted string, quotes removed and escapes resolved. At the opening quote.
  bool ParseString(std::string* out) {
    const std::size_t open = pos_;
    const char quote = css_[pos_++];
    while (true) {
      if (AtEnd()) return Fail("unterminated string", open);
      const char c = css_[pos_];
      if (c == quote) {
        ++pos_;
        return true;
      }
      if (IsNewline(c)) return Fail("unterminated string", open);
      if (c != '\\') {
        *out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (AtEnd()) return Fail("unterminated string", open);
      if (IsNewline(Peek())) {  // an escaped newline continues the string
        pos_ += Peek() == '\r' && Peek(1) == '\n' ? 2 : 1;
      } else {
        ConsumeEscape(out);
      }
    }
  }

  // Compounds joined by combinators, up to the end of input or a comma.
  bool ParseComplex(Complex* out) {
    Compound first;
    if (!ParseCompound(&first)) return false;
    out->compounds.push_back(std::move(first));
    while (true) {
      const bool spaced = SkipSpace();
      if (AtEnd() || Peek() == ',') return true;
      const std::size_t at = pos_;
      const char c = Peek();
      Combinator combinator = Combinator::kDescendant;
      if (c == '>') {
        combinator = Combinator::kChild;
      } else if (c == '+') {
        combinator = Combinator::kAdjacent;
      } else if (c == '~') {
        combinator = Combinator::kSibling;
      } else if (!spaced) {
        return Unexpected();
      }
      if (combinator != Combinator::kDescendant) {
        ++pos_;
        SkipSpace();
        const char next = Peek();
        if (AtEnd() || next == ',' || next == '>' || next == '+' || next == '~' || next == ')') {
          return Fail(std::string("expected a selector after \"") + c + "\"", at);
        }
      }
      if (out->compounds.size() >= kMaxCompounds) {
        return Fail("more than " + std::to_string(kMaxCompounds) + " compound selectors", at);
      }
      Compound next;
      if (!ParseCompound(&next)) return false;
      out->combinators.push_back(combinator);
      out->compounds.push_back(std::move(next));
    }
  }

  // An optional type selector or `*`, then any number of `.class`, `#id`,
  // `[attribute]` and `:pseudo-class`; at least one of all these.
  bool ParseCompound(Compound* out) {
    const std::size_t start = pos_;
    if (Peek() == '*') {
      ++pos_;
    } else if (StartsIdentifier()) {
      ParseName(&out->tag);
      AsciiLowerInPlace(&out->tag);
      out->tag_enum = gumbo_tag_enum(out->tag.c_str());
    }
    if (Peek() == '|') return Fail("namespace prefixes are not supported", pos_);
    while (true) {
      const char c = Peek();
      bool ok = true;
      if (c == '.') {
        ok = ParseClass(out);
      } else if (c == '#') {
        ok = ParseId(out);
      } else if (c == '[') {
        ok = ParseAttribute(out);
      } else if (c == ':') {
        ok = ParsePseudo(out);
      } else {
        break;
      }
      if (!ok) return false;
    }
    if (pos_ != start) return true;
    const char c = Peek();
    if (c == '>' || c == '+' || c == '~') {
      return Fail(std::string("expected a selector before \"") + c + "\"", pos_);
    }
    return Unexpected();
  }

  bool ParseClass(Compound* out) {
    const std::size_t dot = pos_++;
    if (!StartsIdentifier()) return Fail("expected a class name after \".\"", dot);
    AttributeTest test{"class", AttributeOp::kIncludes, "", ValueCase::kSensitive};
    ParseName(&test.value);
    out->attributes.push_back(std::move(test));
    return true;
  }

  // Unlike a class, an id may start with a digit (`#1`): HTML allows such
  // ids, and cascadia accepts them, although browsers want `#\31`.
  bool ParseId(Compound* out) {
    const std::size_t hash = pos_++;
    AttributeTest test{"id", AttributeOp::kEquals, "", ValueCase::kSensitive};
    ParseName(&test.value);
    if (test.value.empty()) return Fail("expected an id after \"#\"", hash);
    out->attributes.push_back(std::move(test));
    return true;
  }

  bool ParseAttribute(Compound* out) {
    const std::size_t open = pos_++;
    SkipSpace();
    if (Peek() == '|' || Peek() == '*') return Fail("namespace prefixes are not supported", pos_);
    if (!StartsIdentifier()) return Fail("expected an attribute name after \"[\"", open);
    AttributeTest test;
    ParseName(&test.name);
    AsciiLowerInPlace(&test.name);
    SkipSpace();
    const char c = Peek();
    if (c == '|' && Peek(1) != '=') return Fail("namespace prefixes are not supported", pos_);
    if (c == '=') {
      test.op = AttributeOp::kEquals;
      ++pos_;
    } else if ((c == '~' || c == '|' || c == '^' || c == '$' || c == '*') && Peek(1) == '=') {
      test.op = c == '~'   ? AttributeOp::kIncludes
                : c == '|' ? AttributeOp::kDashMatch
                : c == '^' ? AttributeOp::kPrefix
                : c == '$' ? AttributeOp::kSuffix
                           : AttributeOp::kSubstring;
      pos_ += 2;
    } else if (c != ']') {
      if (AtEnd()) return Fail("unclosed \"[\"", open);
      return Fail("expected \"]\" or an operator such as \"=\" in attribute selector", pos_);
    }
    if (test.op != AttributeOp::kExists) {
      SkipSpace();
      if (Peek() == '"' || Peek() == '\'') {
        if (!ParseString(&test.value)) return false;
      } else if (StartsIdentifier()) {
        ParseName(&test.value);
      } else {
        // Usually a number such as [data-id=42], which CSS does not allow
        // unquoted; saying so beats "unexpected 4".
        return Fail(
            "expected an identifier or a quoted string as the attribute value (quote "
            "values that start with a digit)",
            pos_);
      }
      if (IsLegacyCaseInsensitive(test.name)) test.value_case = ValueCase::kHtmlLegacy;
      SkipSpace();
      if (StartsIdentifier()) {
        const std::size_t flag_at = pos_;
        std::string flag;
        ParseName(&flag);
        AsciiLowerInPlace(&flag);
        if (flag == "i") {
          test.value_case = ValueCase::kInsensitive;
        } else if (flag == "s") {
          test.value_case = ValueCase::kSensitive;
        } else {
          return Fail("unknown attribute selector flag \"" + flag + "\" (expected i or s)",
                      flag_at);
        }
        SkipSpace();
      }
    }
    if (AtEnd()) return Fail("unclosed \"[\"", open);
    if (Peek() != ']') return Fail("expected \"]\"", pos_);
    ++pos_;
    out->attributes.push_back(std::move(test));
    return true;
  }

  bool ParsePseudo(Compound* out) {
    const std::size_t colon = pos_++;
    if (Peek() == ':') {
      ++pos_;
      std::string name;
      ParseName(&name);
      return Fail("pseudo-element \"::" + name + "\" is not supported", colon);
    }
    if (!StartsIdentifier()) return Fail("expected a pseudo-class name after \":\"", colon);
    std::string name;
    ParseName(&name);
    AsciiLowerInPlace(&name);
    const bool nth = name == "nth-child" || name == "nth-last-child" || name == "nth-of-type" ||
                     name == "nth-last-of-type";
    if (Peek() == '(') {
      const std::size_t paren = pos_++;
      if (name == "not") return ParseNot(out, colon);
      if (!nth) return Fail("unsupported pseudo-class \":" + name + "()\"", colon);
      PseudoTest test;
      test.kind = name == "nth-child"        ? PseudoKind::kNthChild
                  : name == "nth-last-child" ? PseudoKind::kNthLastChild
                  : name == "nth-of-type"    ? PseudoKind::kNthOfType
                                             : PseudoKind::kNthLastOfType;
      if (!ParseNth(&test, name, paren)) return false;
      out->pseudos.push_back(std::move(test));
      return true;
    }
    if (nth || name == "not") return Fail("expected \"(\" after \":" + name + "\"", colon);
    auto add = [out](PseudoKind kind, std::int64_t a, std::int64_t b) {
      PseudoTest test;
      test.kind = kind;
      test.a = a;
      test.b = b;
      out->pseudos.push_back(std::move(test));
    };
    if (name == "first-child") {
      add(PseudoKind::kNthChild, 0, 1);
    } else if (name == "last-child") {
      add(PseudoKind::kNthLastChild, 0, 1);
    } else if (name == "only-child") {
      add(PseudoKind::kNthChild, 0, 1);
      add(PseudoKind::kNthLastChild, 0, 1);
    } else if (name == "first-of-type") {
      add(PseudoKind::kNthOfType, 0, 1);
    } else if (name == "last-of-type") {
      add(PseudoKind::kNthLastOfType, 0, 1);
    } else if (name == "only-of-type") {
      add(PseudoKind::kNthOfType, 0, 1);
      add(PseudoKind::kNthLastOfType, 0, 1);
    } else if (name == "empty") {
      add(PseudoKind::kEmpty, 0, 0);
    } else if (name == "root") {
      add(PseudoKind::kRoot, 0, 0);
    } else {
      return Fail("unsupported pseudo-class \":" + name + "\"", colon);
    }
    return true;
  }

  // Digits, clamped; says whether there were any.
  bool ParseInteger(std::int64_t* out) {
    const std::size_t start = pos_;
    *out = 0;
    while (IsDigit(Peek())) {
      *out = std::min(kMaxCoefficient, *out * 10 + (css_[pos_++] - '0'));
    }
    return pos_ != start;
  }

  // The An+B microsyntax after "(", through the ")": `odd`, `even`, `B`, `An`,
  // `An+B`, with A's sign and digits optional and whitespace allowed around
  // the B sign only (CSS Syntax 6).
  bool ParseNth(PseudoTest* test, const std::string& name, std::size_t paren) {
    const std::string context = "in \":" + name + "()\"";
    SkipSpace();
    const std::size_t start = pos_;
    auto keyword = [this](std::string_view word) {
      if (!EqualsIgnoreCase(css_.substr(pos_, word.size()), word)) return false;
      if (IsNameChar(Peek(word.size()))) return false;
      pos_ += word.size();
      return true;
    };
    if (keyword("odd")) {
      test->a = 2;
      test->b = 1;
    } else if (keyword("even")) {
      test->a = 2;
      test->b = 0;
    } else {
      std::int64_t sign = 1;
      if (Peek() == '+' || Peek() == '-') sign = css_[pos_++] == '-' ? -1 : 1;
      std::int64_t number = 0;
      const bool digits = ParseInteger(&number);
      if ((Peek() | 0x20) == 'n') {
        ++pos_;
        test->a = sign * (digits ? number : 1);
        const std::size_t after_n = pos_;
        SkipSpace();
        if (Peek() == '+' || Peek() == '-') {
          const std::int64_t b_sign = css_[pos_++] == '-' ? -1 : 1;
          SkipSpace();
          if (!ParseInteger(&number))
            return Fail("expected a number after the sign " + context, pos_);
          test->b = b_sign * number;
        } else {
          pos_ = after_n;
        }
      } else if (digits) {
        test->a = 0;
        test->b = sign * number;
      } else {
        return Fail("expected An+B, odd or even " + context, start);
      }
    }
    SkipSpace();
    if (AtEnd()) return Fail("unclosed \"(\" " + context, paren);
    if (Peek() != ')') {
      if (Peek() == 'o' || Peek() == 'O') {
        return Fail("\"of S\" is not supported " + context, pos_);
      }
      return Fail("expected \")\" after An+B " + context, pos_);
    }
    ++pos_;
    return true;
  }

  // A comma-separated list of compound selectors, through the ")".
  bool ParseNot(Compound* out, std::size_t colon) {
    if (not_depth_ >= kMaxNotNesting) return Fail("\":not()\" nested too deeply", colon);
    ++not_depth_;
    PseudoTest test;
    test.kind = PseudoKind::kNot;
    while (true) {
      SkipSpace();
      if (AtEnd() || Peek() == ')' || Peek() == ',') {
        return Fail("expected a selector in \":not()\"", pos_);
      }
      Compound negated;
      if (!ParseCompound(&negated)) return false;
      test.negated.push_back(std::move(negated));
      SkipSpace();
      if (AtEnd()) return Fail("unclosed \":not(\"", colon);
      const char c = Peek();
      if (c == ')') break;
      if (c == ',') {
        ++pos_;
        continue;
      }
      if (c == '>' || c == '+' || c == '~' || StartsIdentifier() || c == '*' || c == '.' ||
          c == '#' || c == '[' || c == ':') {
        return Fail("combinators are not supported in \":not()\"", pos_);
      }
      return Unexpected();
    }
    ++pos_;
    --not_depth_;
    out->pseudos.push_back(std::move(test));
    return true;
  }

  std::string_view css_;
  const std::vector<std::size_t>& origin_;
  std::size_t pos_ = 0;
  int not_depth_ = 0;
  std::string error_;
};

bool IsElement(const GumboNode* node) {
  return node && (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE);
}

const GumboVector* ChildrenOf(const GumboNode* node) {
  if (IsElement(node)) return &node->v.element.children;
  if (node && node->type == GUMBO_NODE_DOCUMENT) return &node->v.document.children;
  return nullptr;
}

const GumboNode* Child(const GumboVector& children, std::size_t i) {
  return static_cast<const GumboNode*>(children.data[i]);
}

constexpr std::size_t kNotFound = std::numeric_limits<std::size_t>::max();

// gumbo records each node's index in its parent; checked all the same, since
// a wrong index here would silently give wrong matches.
std::size_t IndexInParent(const GumboNode* node, const GumboVector& siblings) {
  const std::size_t i = node->index_within_parent;
  if (i < siblings.length && Child(siblings, i) == node) return i;
  for (std::size_t k = 0; k < siblings.length; ++k) {
    if (Child(siblings, k) == node) return k;
  }
  return kNotFound;
}

const GumboNode* ParentElement(const GumboNode* node) {
  return IsElement(node->parent) ? node->parent : nullptr;
}

const GumboNode* PreviousElementSibling(const GumboNode* node) {
  const GumboVector* siblings = ChildrenOf(node->parent);
  if (!siblings) return nullptr;
  std::size_t i = IndexInParent(node, *siblings);
  if (i == kNotFound) return nullptr;
  while (i-- > 0) {
    if (IsElement(Child(*siblings, i))) return Child(*siblings, i);
  }
  return nullptr;
}

// The tag name of an element gumbo has no enum for (a custom element, or
// SVG's camelCase names), from the start tag as written: "<my-widget a=b>".
std::string_view UnknownTagName(const GumboElement& element) {
  std::string_view text(element.original_tag.data ? element.original_tag.data : "",
                        element.original_tag.length);
  if (text.size() < 2 || text[0] != '<') return {};
  text.remove_prefix(1);
  std::size_t end = 0;
  while (end < text.size() && !IsSpace(text[end]) && text[end] != '/' && text[end] != '>') ++end;
  return text.substr(0, end);
}

// Where each element child of one parent stands among its element siblings,
// for the nth pseudo-classes. Computed once per parent per match call, so
// that :nth-child over a list of n items costs O(n), not O(n^2).
struct SiblingPositions {
  std::vector<std::uint32_t> position;       // by child index: 1-based among element siblings
  std::uint32_t count = 0;                   // element children
  bool typed = false;                        // whether the two below are filled in
  std::vector<std::uint32_t> type_position;  // by child index: 1-based among its type
  std::vector<std::uint32_t> type_count;     // by child index: siblings of its type, itself too
};

bool NthMatches(std::int64_t a, std::int64_t b, std::int64_t position) {
  if (a == 0) return position == b;
  const std::int64_t steps = position - b;
  return steps % a == 0 && steps / a >= 0;
}

bool AttributeMatches(const AttributeTest& test, const GumboElement& element) {
  const GumboAttribute* attribute = gumbo_get_attribute(&element.attributes, test.name.c_str());
  if (!attribute) return false;
  const std::string_view value = attribute->value;
  const std::string_view want = test.value;
  const bool ignore_case =
      test.value_case == ValueCase::kInsensitive ||
      (test.value_case == ValueCase::kHtmlLegacy && element.tag_namespace == GUMBO_NAMESPACE_HTML);
  auto equal = [ignore_case](std::string_view a, std::string_view b) {
    return ignore_case ? EqualsIgnoreCase(a, b) : a == b;
  };
  switch (test.op) {
    case AttributeOp::kExists:
      return true;
    case AttributeOp::kEquals:
      return equal(value, want);
    case AttributeOp::kIncludes: {
      // A whitespace-separated word; a `want` that is empty or holds
      // whitespace can never be one of them.
      if (want.empty()) return false;
      for (char c : want) {
        if (IsSpace(c)) return false;
      }
      std::size_t i = 0;
      while (i < value.size()) {
        while (i < value.size() && IsSpace(value[i])) ++i;
        std::size_t end = i;
        while (end < value.size() && !IsSpace(value[end])) ++end;
        if (end > i && equal(value.substr(i, end - i), want)) return true;
        i = end;
      }
      return false;
    }
    case AttributeOp::kDashMatch:
      return equal(value, want) || (value.size() > want.size() && value[want.size()] == '-' &&
                                    equal(value.substr(0, want.size()), want));
    case AttributeOp::kPrefix:
      return !want.empty() && value.size() >= want.size() &&
             equal(value.substr(0, want.size()), want);
    case AttributeOp::kSuffix:
      return !want.empty() && value.size() >= want.size() &&
             equal(value.substr(value.size() - want.size()), want);
    case AttributeOp::kSubstring:
      if (want.empty() || value.size() < want.size()) return false;
      for (std::size_t i = 0; i + want.size() <= value.size(); ++i) {
        if (equal(value.substr(i, want.size()), want)) return true;
      }
      return false;
  }
  return false;
}

// Matches elements against one Compiled for the length of one call, with the
// memo tables that keep that linear in the tree size.
//
// Matching goes right to left. M(j, x): element x matches compounds[0..j] of
// a complex selector, x being the one matching compounds[j]. For a child or
// adjacent combinator, M(j + 1, y) needs M(j, x) of a single x. For
// descendant and general sibling combinators it needs "some x along the
// parent (or previous-sibling) chain from y matches", which a naive search
// answers by backtracking: exponential in the number of compounds, and
// quadratic in depth even for two. Greedy nearest-match is wrong once `>` is
// mixed in (`a > b c`). Instead R(j, x) = M(j, x) || R(j, next(x)) is
// memoized per node, and computed by an explicit walk, not by recursing
// along the chain; so every M and R is computed at most once per node, and
// the recursion (M calls R calls M ...) is only as deep as the selector is
// long.
class Matcher {
 public:
  explicit Matcher(const Compiled& compiled) : compiled_(compiled) {}

  bool Matches(const GumboNode* element) {
    for (const Complex& complex : compiled_.alternatives) {
      if (MatchesUpTo(complex, complex.compounds.size() - 1, element)) return true;
    }
    return false;
  }

 private:
  static constexpr std::uint8_t kMatchKnown = 1;
  static constexpr std::uint8_t kMatch = 2;
  static constexpr std::uint8_t kReachKnown = 4;
  static constexpr std::uint8_t kReach = 8;

  struct Slot {
    const GumboNode* node = nullptr;
    std::size_t row = 0;
  };

  static std::size_t Hash(const GumboNode* node) {
    std::uint64_t h = reinterpret_cast<std::uintptr_t>(node);
    h *= 0x9E3779B97F4A7C15u;
    return static_cast<std::size_t>(h ^ (h >> 32));
  }

  // The memo row of `node`, made (all cells unknown) on first sight. Rows are
  // found through an open-addressing table of node pointers: with
  // std::unordered_map, which allocates per entry, the lookups were most of
  // the time spent matching deep documents.
  std::size_t RowOf(const GumboNode* node) {
    if ((row_count_ + 1) * 2 > slots_.size()) Grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = Hash(node) & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.node == node) return slot.row;
      if (!slot.node) {
        slot = {node, row_count_++};
        cells_.resize(cells_.size() + compiled_.memo_width, 0);
        return slot.row;
      }
    }
  }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 256 : old.size() * 2, Slot{});
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (!slot.node) continue;
      std::size_t i = Hash(slot.node) & mask;
      while (slots_[i].node) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::size_t Cell(std::size_t row, std::size_t column) const {
    return row * compiled_.memo_width + column;
  }

  // M(i, element). Memoized, except for the last compound, which is asked
  // about once per candidate anyway.
  bool MatchesUpTo(const Complex& complex, std::size_t i, const GumboNode* element) {
    if (i + 1 < complex.compounds.size()) {
      return MatchesMemoized(complex, i, element, RowOf(element));
    }
    return MatchesCompound(complex.compounds[i], element) &&
           (i == 0 || Joined(complex, i - 1, element));
  }

  // M(i, element) for a compound that has a memo column; `row` is element's.
  // Cells are addressed by index: recursion may grow cells_ meanwhile.
  bool MatchesMemoized(const Complex& complex, std::size_t i, const GumboNode* element,
                       std::size_t row) {
    const std::size_t cell = Cell(row, complex.memo_base + i);
    if (cells_[cell] & kMatchKnown) return cells_[cell] & kMatch;
    const bool result = MatchesCompound(complex.compounds[i], element) &&
                        (i == 0 || Joined(complex, i - 1, element));
    cells_[cell] |= kMatchKnown | (result ? kMatch : 0);
    return result;
  }

  // Whether an element related to `element` by combinators[j] has M(j, .).
  bool Joined(const Complex& complex, std::size_t j, const GumboNode* element) {
    switch (complex.combinators[j]) {
      case Combinator::kChild: {
        const GumboNode* parent = ParentElement(element);
        return parent && MatchesUpTo(complex, j, parent);
      }
      case Combinator::kAdjacent: {
        const GumboNode* previous = PreviousElementSibling(element);
        return previous && MatchesUpTo(complex, j, previous);
      }
      case Combinator::kDescendant:
        return Reaches(complex, j, ParentElement(element), ParentElement);
      case Combinator::kSibling:
        return Reaches(complex, j, PreviousElementSibling(element), PreviousElementSibling);
    }
    return false;
  }

  // R(j, start): whether `start` or a node after it along `next` has M(j, .).
  // Every node walked past without an answer gets the final one: its own M
  // was false, so its R is that of the node after it.
  bool Reaches(const Complex& complex, std::size_t j, const GumboNode* start,
               const GumboNode* (*next)(const GumboNode*)) {
    const std::size_t column = complex.memo_base + j;
    const std::size_t base = chain_.size();  // nested calls push above and pop back
    bool result = false;
    for (const GumboNode* node = start; node; node = next(node)) {
      const std::size_t row = RowOf(node);
      const std::uint8_t cell = cells_[Cell(row, column)];
      if (cell & kReachKnown) {
        result = cell & kReach;
        break;
      }
      if (MatchesMemoized(complex, j, node, row)) {
        result = true;
        cells_[Cell(row, column)] |= kReachKnown | kReach;
        break;
      }
      chain_.push_back(row);
    }
    const std::uint8_t answer = kReachKnown | (result ? kReach : 0);
    for (std::size_t k = base; k < chain_.size(); ++k) cells_[Cell(chain_[k], column)] |= answer;
    chain_.resize(base);
    return result;
  }

  bool MatchesCompound(const Compound& compound, const GumboNode* node) {
    const GumboElement& element = node->v.element;
    if (!compound.tag.empty()) {
      if (element.tag != GUMBO_TAG_UNKNOWN) {
        if (element.tag != compound.tag_enum) return false;
      } else if (!EqualsIgnoreCase(UnknownTagName(element), compound.tag)) {
        return false;
      }
    }
    for (const AttributeTest& test : compound.attributes) {
      if (!AttributeMatches(test, element)) return false;
    }
    for (const PseudoTest& test : compound.pseudos) {
      if (!MatchesPseudo(test, node)) return false;
    }
    return true;
  }

  bool MatchesPseudo(const PseudoTest& test, const GumboNode* node) {
    switch (test.kind) {
      case PseudoKind::kRoot:
        return node->parent && node->parent->type == GUMBO_NODE_DOCUMENT;
      case PseudoKind::kEmpty: {
        // Comments do not count; whitespace does, as in browsers.
        const GumboVector& children = node->v.element.children;
        for (std::size_t i = 0; i < children.length; ++i) {
          if (Child(children, i)->type != GUMBO_NODE_COMMENT) return false;
        }
        return true;
      }
      case PseudoKind::kNot:
        for (const Compound& negated : test.negated) {
          if (MatchesCompound(negated, node)) return false;
        }
        return true;
      case PseudoKind::kNthChild:
      case PseudoKind::kNthLastChild:
      case PseudoKind::kNthOfType:
      case PseudoKind::kNthLastOfType:
        break;
    }
    const bool of_type =
        test.kind == PseudoKind::kNthOfType || test.kind == PseudoKind::kNthLastOfType;
    const bool from_end =
        test.kind == PseudoKind::kNthLastChild || test.kind == PseudoKind::kNthLastOfType;
    std::int64_t position = 1;  // a parentless element is its only sibling
    std::int64_t count = 1;
    if (const GumboVector* siblings = ChildrenOf(node->parent)) {
      const std::size_t i = IndexInParent(node, *siblings);
      if (i == kNotFound) return false;
      const SiblingPositions& positions = PositionsOf(node->parent, *siblings, of_type);
      position = of_type ? positions.type_position[i] : positions.position[i];
      count = of_type ? positions.type_count[i] : positions.count;
    }
    return NthMatches(test.a, test.b, from_end ? count - position + 1 : position);
  }

  const SiblingPositions& PositionsOf(const GumboNode* parent, const GumboVector& siblings,
                                      bool of_type) {
    SiblingPositions& positions = positions_[parent];
    if (positions.position.empty()) {
      positions.position.assign(siblings.length, 0);
      for (std::size_t i = 0; i < siblings.length; ++i) {
        if (IsElement(Child(siblings, i))) positions.position[i] = ++positions.count;
      }
    }
    if (of_type && !positions.typed) {
      positions.typed = true;
      positions.type_position.assign(siblings.length, 0);
      positions.type_count.assign(siblings.length, 0);
      // Group by type: a key per distinct type, the first element seen of it.
      std::unordered_map<std::string, std::vector<std::size_t>> groups;
      for (std::size_t i = 0; i < siblings.length; ++i) {
        const GumboNode* child = Child(siblings, i);
        if (!IsElement(child)) continue;
        const GumboElement& e = child->v.element;
        std::string key = std::to_string(e.tag_namespace) + ":" + std::to_string(e.tag);
        if (e.tag == GUMBO_TAG_UNKNOWN) {
          key += ":";
          key += UnknownTagName(e);
          AsciiLowerInPlace(&key);
        }
        groups[key].push_back(i);
      }
      for (const auto& [key, members] : groups) {
        for (std::size_t k = 0; k < members.size(); ++k) {
          positions.type_position[members[k]] = static_cast<std::uint32_t>(k + 1);
          positions.type_count[members[k]] = static_cast<std::uint32_t>(members.size());
        }
      }
    }
    return positions;
  }

  const Compiled& compiled_;
  std::vector<Slot> slots_;  // node -> row; a power of two in size, at most half full
  std::size_t row_count_ = 0;
  std::vector<std::uint8_t> cells_;  // rows of memo_width cells
  std::vector<std::size_t> chain_;   // rows of Reaches' walk, shared as a stack
  std::unordered_map<const GumboNode*, SiblingPositions> positions_;  // by parent
};

}  // namespace

Result<Selector> Selector::Parse(std::string_view css) {
  // Offsets in errors count bytes of `input`, the selector as CSS reads it.
  const std::string input = ReplaceNul(css);
  const Uncommented source = RemoveComments(input);
  if (source.glued) {
    return Status::InvalidArgument(
        "bad selector \"" + input +
        "\": a comment between two names, which CSS keeps apart, at offset " +
        std::to_string(*source.glued));
  }
  auto compiled = std::make_shared<Compiled>();
  Parser parser(source);
  if (!parser.Run(compiled.get())) {
    return Status::InvalidArgument("bad selector \"" + input + "\": " + parser.error());
  }
  return Selector(std::move(compiled));
}

std::vector<const GumboNode*> Selector::MatchAll(const GumboNode* root) const {
  std::vector<const GumboNode*> matches;
  if (!root) return matches;
  Matcher matcher(*compiled_);
  // Pre-order, children pushed in reverse: document order, each node once.
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (IsElement(node) && matcher.Matches(node)) matches.push_back(node);
    if (const GumboVector* children = ChildrenOf(node)) {
      for (std::size_t i = children->length; i-- > 0;) {
        if (IsElement(Child(*children, i))) stack.push_back(Child(*children, i));
      }
    }
  }
  return matches;
}

bool Selector::Matches(const GumboNode* element) const {
  if (!IsElement(element)) return false;
  Matcher matcher(*compiled_);
  return matcher.Matches(element);
}

std::string ElementText(const GumboNode* element) {
  std::string text;
  if (!element) return text;
  // Collapses while collecting: a space is owed after a whitespace run and
  // paid only before the next non-space byte, which also trims both ends.
  bool space_owed = false;
  std::vector<const GumboNode*> stack{element};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        for (const char* p = node->v.text.text; *p; ++p) {
          if (IsSpace(*p)) {
            space_owed = !text.empty();
          } else {
            if (space_owed) text += ' ';
            space_owed = false;
            text += *p;
          }
        }
        break;
      default:
        if (const GumboVector* children = ChildrenOf(node)) {
          for (std::size_t i = children->length; i-- > 0;) stack.push_back(Child(*children, i));
        }
        break;
    }
  }
  return text;
}

}  // namespace forage
