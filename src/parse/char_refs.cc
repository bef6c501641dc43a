#include "parse/char_refs.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "core/utf8.h"

namespace forage {
namespace {

struct NamedReference {
  std::string_view name;  // without the '&'; with the ';' if it has one
  std::string_view utf8;
};

#include "parse/named_references.inc"

bool IsAsciiAlphanumeric(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int DigitValue(char c, bool hex) {
  if (c >= '0' && c <= '9') return c - '0';
  if (hex && c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (hex && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The standard's replacements for numeric references to 0x80..0x9F (the C1
// controls): windows-1252's characters, where it has one.
constexpr char16_t kC1Replacements[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 0x80
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,  // 0x88
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 0x90
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,  // 0x98
};

// The length of the longest name in the table that `s` starts with, 0 if
// none; *match is its entry. The table is sorted, so the names with a given
// prefix form one run, led by the prefix itself when it is a name: each
// further character narrows the run by two binary searches. A name is at
// most kLongestNamedReference bytes, which bounds the work per reference.
std::size_t LongestNameAt(std::string_view s, const NamedReference** match) {
  const NamedReference* first = std::begin(kNamedReferences);
  const NamedReference* last = std::end(kNamedReferences);
  std::size_t matched = 0;
  const std::size_t limit = std::min(s.size(), kLongestNamedReference);
  for (std::size_t k = 0; k < limit && first != last; ++k) {
    // [first, last) share s[0..k); one of them may be exactly that prefix.
    if (first->name.size() == k) ++first;
    const char c = s[k];
    first = std::lower_bound(first, last, c,
                             [k](const NamedReference& r, char ch) { return r.name[k] < ch; });
    last = std::upper_bound(first, last, c,
                            [k](char ch, const NamedReference& r) { return ch < r.name[k]; });
    if (first != last && first->name.size() == k + 1) {
      matched = k + 1;
      *match = first;
    }
  }
  return matched;
}

}  // namespace

bool AppendDecodedCharRefs(std::string_view raw, CharRefContext context, std::string* out) {
  std::size_t i = 0;
  while (i < raw.size()) {
    const std::size_t amp = raw.find('&', i);
    if (amp == std::string_view::npos) {
      out->append(raw.substr(i));
      break;
    }
    out->append(raw.substr(i, amp - i));
    // Whatever does not turn out to be a reference is copied from `amp` on as
    // text: the '&' now, the rest by the next round (it holds no '&' that
    // could start a reference of its own, except where it begins).
    i = amp + 1;
    if (i == raw.size()) {
      out->push_back('&');
      break;
    }

    if (raw[i] != '#') {
      const NamedReference* ref = nullptr;
      const std::size_t length = LongestNameAt(raw.substr(i), &ref);
      const std::size_t end = i + length;
      // In an attribute, a legacy name without its ';' that an alphanumeric
      // or '=' follows stays text ("?a=1&copy=2"). The end of `raw` is the
      // closing quote, '>' or ASCII whitespace in gumbo's input: neither.
      const bool kept_as_text =
          length == 0 || (context == CharRefContext::kAttribute && ref->name.back() != ';' &&
                          end < raw.size() && (raw[end] == '=' || IsAsciiAlphanumeric(raw[end])));
      if (kept_as_text) {
        out->push_back('&');
        continue;
      }
      out->append(ref->utf8);
      i = end;
      continue;
    }

    std::size_t j = i + 1;
    const bool hex = j < raw.size() && (raw[j] == 'x' || raw[j] == 'X');
    if (hex) ++j;
    if (j == raw.size() || DigitValue(raw[j], hex) < 0) {
      out->push_back('&');  // "&#", "&#x" without digits: text
      continue;
    }
    // gumbo 0.10.1 accumulates the value in an int without an overflow check
    // (the standard caps it instead: above 0x10FFFF is U+FFFD however long
    // the digits run). Debian's build wraps modulo 2^32, which this
    // reproduces without undefined behaviour: "&#4294967361;" is 'A'.
    std::uint32_t value = 0;
    for (; j < raw.size(); ++j) {
      const int digit = DigitValue(raw[j], hex);
      if (digit < 0) break;
      value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
    }
    if (j < raw.size() && raw[j] == ';') ++j;
    i = j;

    if (value == 0 || (value >= 0xD800 && value <= 0xDFFF) ||
        (value > 0x10FFFF && value < 0x80000000)) {
      AppendUtf8(0xFFFD, out);
    } else if (value >= 0x80 && value <= 0x9F) {
      AppendUtf8(kC1Replacements[value - 0x80], out);
    } else if (value == 0xFFFFFFFF) {
      // The wrapped value is -1, gumbo's "no character": it writes the '&'
      // alone, having consumed the reference, and then skips one more
      // character, as when it copies an '&' and moves on. At the end of
      // `raw` that character is gumbo's closing quote or '<'.
      out->push_back('&');
      if (i == raw.size()) return false;
      i += FirstUtf8Sequence(raw.substr(i)).length;
    } else if (value >= 0x80000000) {
      // A negative int: gumbo's UTF-8 writer takes it for ASCII and stores
      // its low byte, which may be a NUL or not UTF-8 at all.
      out->push_back(static_cast<char>(value & 0xFF));
    } else {
      // Controls (also &#13;, which gumbo's table maps to itself), 0x0B,
      // noncharacters: as they are, as the standard says, with a parse error.
      AppendUtf8(value, out);
    }
  }
  return true;
}

}  // namespace forage
