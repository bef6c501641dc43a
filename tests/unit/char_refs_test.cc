#include "parse/char_refs.h"

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "parse/html_document.h"

namespace forage {
namespace {

using namespace std::string_view_literals;

struct NamedReference {
  std::string_view name;
  std::string_view utf8;
};

#include "parse/named_references.inc"

std::string Decoded(std::string_view raw, CharRefContext context) {
  std::string out;
  const bool exact = AppendDecodedCharRefs(raw, context, &out);
  REQUIRE(exact);
  return out;
}

// `s` with bytes outside printable ASCII escaped, for failure messages.
std::string Printable(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string p;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      p += static_cast<char>(c);
    } else {
      p += "\\x";
      p += kHex[c >> 4];
      p += kHex[c & 0xF];
    }
  }
  return p;
}

// The first element `tag` in the document, or nullptr.
const GumboNode* FindElement(const GumboNode* root, GumboTag tag) {
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    if (node->v.element.tag == tag) return node;
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return nullptr;
}

// What gumbo makes of `raw` as the value of <a href="...">.
std::string GumboAttributeValue(std::string_view raw) {
  static ParseArena arena;
  HtmlDocument doc("<a href=\"" + std::string(raw) + "\">", &arena);
  const GumboNode* a = FindElement(doc.root(), GUMBO_TAG_A);
  REQUIRE(a != nullptr);
  const char* value = Attribute(a->v.element, "href");
  REQUIRE(value != nullptr);
  return value;
}

// What gumbo makes of `raw` as a <title>'s text, the end tag there or not.
std::string GumboTitleText(std::string_view raw, bool end_tag) {
  static ParseArena arena;
  HtmlDocument doc("<title>" + std::string(raw) + (end_tag ? "</title>" : ""), &arena);
  const GumboNode* title = FindElement(doc.root(), GUMBO_TAG_TITLE);
  REQUIRE(title != nullptr);
  const GumboVector& children = title->v.element.children;
  if (children.length == 0) return "";
  REQUIRE(children.length == 1);
  return static_cast<const GumboNode*>(children.data[0])->v.text.text;
}

// The decoding as gumbo hands it out: a C string, which ends at a NUL.
std::string AsCString(std::string s) { return s.substr(0, s.find('\0')); }

// Requires that `raw` decodes as gumbo decodes it, in an attribute and in a
// title. False when the decoding is one that cannot be gumbo's (the reference
// to 0xFFFFFFFF at the end of `raw`), which only a few inputs may be.
bool MatchesGumbo(std::string_view raw) {
  INFO("raw: " << Printable(raw));
  std::string attribute, text;
  const bool exact = AppendDecodedCharRefs(raw, CharRefContext::kAttribute, &attribute);
  REQUIRE(AppendDecodedCharRefs(raw, CharRefContext::kText, &text) == exact);
  if (!exact) return false;
  REQUIRE(Printable(AsCString(attribute)) == Printable(GumboAttributeValue(raw)));
  REQUIRE(Printable(AsCString(text)) == Printable(GumboTitleText(raw, true)));
  REQUIRE(Printable(AsCString(text)) == Printable(GumboTitleText(raw, false)));
  return true;
}

struct Case {
  std::string_view raw;
  std::string_view attribute;  // decoded in an attribute value
  std::string_view text;       // decoded in text (a title)
};

const Case kCases[] = {
    {"", "", ""},
    {"plain", "plain", "plain"},
    {"a&b", "a&b", "a&b"},
    {"&", "&", "&"},
    {"&&amp;", "&&", "&&"},
    {"& amp;", "& amp;", "& amp;"},
    {"&amp;", "&", "&"},
    {"&AMP", "&", "&"},
    {"&lt;&gt", "<>", "<>"},
    // A legacy name without ';': in an attribute, not before '=' or an
    // alphanumeric.
    {"&amp", "&", "&"},
    {"&ampx", "&ampx", "&x"},
    {"&amp=", "&amp=", "&="},
    {"&amp;x", "&x", "&x"},
    {"&amp-", "&-", "&-"},
    {"?a=1&copy=2&reg;", "?a=1&copy=2\xC2\xAE", "?a=1\xC2\xA9=2\xC2\xAE"},
    {"&notit;", "&notit;", "\xC2\xACit;"},
    {"&noti", "&noti", "\xC2\xACi"},
    {"&notin;", "\xE2\x88\x89", "\xE2\x88\x89"},
    {"&notin", "&notin", "\xC2\xACin"},
    {"&not;in", "\xC2\xACin", "\xC2\xACin"},
    // Names not in the table; names are case-sensitive.
    {"&bogus;", "&bogus;", "&bogus;"},
    {"&Amp;", "&Amp;", "&Amp;"},
    {"&;", "&;", "&;"},
    // Two code points.
    {"&NotEqualTilde;", "\xE2\x89\x82\xCC\xB8", "\xE2\x89\x82\xCC\xB8"},
    {"&acE;", "\xE2\x88\xBE\xCC\xB3", "\xE2\x88\xBE\xCC\xB3"},
    // Numeric references.
    {"&#65;&#x41;&#X41;", "AAA", "AAA"},
    {"&#65&#x41", "AA", "AA"},
    {"&#x41g", "Ag", "Ag"},
    {"&#0065;&#x00000041;", "AA", "AA"},
    {"&#", "&#", "&#"},
    {"&#;", "&#;", "&#;"},
    {"&#x", "&#x", "&#x"},
    {"&#x;", "&#x;", "&#x;"},
    {"&#xg;", "&#xg;", "&#xg;"},
    {"&#a;", "&#a;", "&#a;"},
    {"&#0;", "\xEF\xBF\xBD", "\xEF\xBF\xBD"},
    {"&#9;&#10;&#12;&#32;", "\t\n\f ", "\t\n\f "},
    {"&#13;", "\r", "\r"},
    {"&#1;&#x0B;&#x7F;", "\x01\x0B\x7F", "\x01\x0B\x7F"},
    {"&#x80;&#x9F;", "\xE2\x82\xAC\xC5\xB8", "\xE2\x82\xAC\xC5\xB8"},
    {"&#x81;&#x8D;", "\xC2\x81\xC2\x8D", "\xC2\x81\xC2\x8D"},
    {"&#xA0;", "\xC2\xA0", "\xC2\xA0"},
    {"&#xD800;&#xDFFF;", "\xEF\xBF\xBD\xEF\xBF\xBD", "\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"&#xFDD0;&#xFFFE;", "\xEF\xB7\x90\xEF\xBF\xBE", "\xEF\xB7\x90\xEF\xBF\xBE"},
    {"&#x10FFFF;", "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"},
    {"&#x110000;&#1114112;", "\xEF\xBF\xBD\xEF\xBF\xBD", "\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"&#x7FFFFFFF;", "\xEF\xBF\xBD", "\xEF\xBF\xBD"},
    // gumbo's values wrap modulo 2^32; negative ones give their low byte.
    {"&#4294967361;&#x100000041;", "AA", "AA"},
    {"&#4294967296;", "\xEF\xBF\xBD", "\xEF\xBF\xBD"},
    {"&#x80000041;&#2147483713;", "AA", "AA"},
    {"&#xFFFFFFC3;&#xFFFFFFA9;", "\xC3\xA9", "\xC3\xA9"},
    {"&#xFFFFFF0A;", "\n", "\n"},
    {"&#x80000000;x", "\0x"sv, "\0x"sv},
    {"&#99999999999999999999999;", "\xFF", "\xFF"},
    // 0xFFFFFFFF wraps to gumbo's "no character": "&", and the next
    // character is skipped.
    {"&#xFFFFFFFF;ab", "&b", "&b"},
    {"&#4294967295;\xC3\xA9!", "&!", "&!"},
    {"&#xFFFFFFFFzq", "&q", "&q"},
    {"&#xFFFFFFFF;&amp;", "&amp;", "&amp;"},
};

TEST_CASE("Character references decode as the tokenizer and gumbo decode them", "[char_refs]") {
  for (const Case& c : kCases) {
    INFO("raw: " << Printable(c.raw));
    CHECK(Printable(Decoded(c.raw, CharRefContext::kAttribute)) == Printable(c.attribute));
    CHECK(Printable(Decoded(c.raw, CharRefContext::kText)) == Printable(c.text));
    REQUIRE(MatchesGumbo(c.raw));
  }
}

TEST_CASE("Text after the decoded text is appended to, not replaced", "[char_refs]") {
  std::string out = "x=";
  REQUIRE(AppendDecodedCharRefs("&lt;", CharRefContext::kText, &out));
  CHECK(out == "x=<");
}

TEST_CASE("A reference to 0xFFFFFFFF that ends the input is reported as not gumbo's",
          "[char_refs]") {
  for (std::string_view raw : {"x&#xFFFFFFFF;"sv, "x&#4294967295"sv, "x&#x0FFFFFFFF"sv}) {
    INFO("raw: " << raw);
    for (CharRefContext context : {CharRefContext::kAttribute, CharRefContext::kText}) {
      std::string out;
      CHECK_FALSE(AppendDecodedCharRefs(raw, context, &out));
      CHECK(out == "x&");
    }
    // Because gumbo swallows what follows: here the title's end tag.
    CHECK(GumboTitleText(raw, true) == "x&/title>");
  }
}

TEST_CASE("Every named reference decodes as gumbo decodes it", "[char_refs][heavy]") {
  REQUIRE(std::size(kNamedReferences) == 2231);
  std::size_t compared = 0;
  for (const NamedReference& ref : kNamedReferences) {
    // As it is and, if it has one, without its ';' (a name only for the legacy ones).
    std::vector<std::string> names = {"&" + std::string(ref.name)};
    if (ref.name.back() == ';') names.push_back(names[0].substr(0, names[0].size() - 1));
    for (const std::string& name : names) {
      for (std::string_view after : {""sv, "x"sv, "="sv, ";"sv, "9"sv, "-"sv}) {
        const std::string raw = name + std::string(after);
        REQUIRE(MatchesGumbo(raw));
        REQUIRE(MatchesGumbo("a" + raw + "&" + raw));
        compared += 2;
      }
    }
    // Decoded as the table says where nothing can make it text.
    INFO("name: " << ref.name);
    REQUIRE(Decoded(names[0] + "-", CharRefContext::kAttribute) == std::string(ref.utf8) + "-");
  }
  CHECK(compared == (2231 + 2125) * 12);
}

TEST_CASE("Numeric references decode as gumbo decodes them", "[char_refs]") {
  // clang-format off
  std::vector<std::uint64_t> values = {0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFDD0,
                                       0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFE, 0x10FFFF,
                                       0x110000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0x100000000,
                                       0x1000000FF, 0x17FFFFFFF, 0xFFFFFFFFFFFFFFFE};
  // clang-format on
  for (std::uint64_t v = 0; v <= 0x120; ++v) values.push_back(v);
  // Not 0xFFFFFFFF, which swallows the character after it (see below).
  for (std::uint64_t v = 0xFFFFFF00; v < 0xFFFFFFFF; ++v) values.push_back(v);
  for (std::uint64_t v = 0x80000000; v < 0x80000100; ++v) values.push_back(v);
  for (std::uint64_t v : values) {
    const std::string dec = std::to_string(v);
    char hex[32];
    std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(v));
    for (const std::string& digits :
         {"&#" + dec, "&#x" + std::string(hex), "&#X00" + std::string(hex), "&#000" + dec}) {
      REQUIRE(MatchesGumbo(digits + ";"));
      REQUIRE(MatchesGumbo(digits + ";;"));
      REQUIRE(MatchesGumbo(digits + " x"));
      REQUIRE(MatchesGumbo("<" + digits + "=x"));
    }
  }
  // Long runs of digits, which wrap many times.
  std::mt19937 random(20240601);
  for (int n = 0; n < 2000; ++n) {
    const bool hex = n % 2 == 1;
    std::string raw = hex ? "&#x" : "&#";
    const int length = 1 + static_cast<int>(random() % 40);
    for (int k = 0; k < length; ++k) {
      raw += (hex ? "0123456789abcdefABCDEF" : "0123456789")[random() % (hex ? 22 : 10)];
    }
    if (random() % 2) raw += ';';
    raw += "z";
    REQUIRE(MatchesGumbo(raw));
  }
}

// Random strings of '&', '#', 'x', digits, letters, ';', '=', pieces of the
// table's names, whitespace and a little non-ASCII.
std::string RandomRaw(std::mt19937& random, int pieces) {
  // clang-format off
  static constexpr std::string_view kSingles[] = {
      "&", "&", "&", "&#", "&#x", "#", "x", "X", ";", ";", "=", "0", "1", "9", "a",
      "f", "F", "z", "Z", "q", " ", "\t", "\n", "\f", "-", "<", ">", "'", "\xC3\xA9", "\xE2\x82\xAC",
      "\xF0\x9F\x98\x80"};
  // clang-format on
  std::string raw;
  for (int p = 0; p < pieces; ++p) {
    switch (random() % 4) {
      case 0:
      case 1:
        raw += kSingles[random() % std::size(kSingles)];
        break;
      case 2: {  // some prefix of a name
        const std::string_view name = kNamedReferences[random() % std::size(kNamedReferences)].name;
        raw += name.substr(0, 1 + random() % name.size());
        break;
      }
      default: {  // a run of digits
        const int length = 1 + static_cast<int>(random() % 12);
        for (int k = 0; k < length; ++k) raw += "0123456789abcdef"[random() % 16];
        break;
      }
    }
  }
  return raw;
}

TEST_CASE("Random strings decode as gumbo decodes them", "[char_refs][heavy]") {
  std::mt19937 random(7);
  int compared = 0;
  for (int n = 0; n < 20000; ++n) {
    const std::string raw = RandomRaw(random, 1 + static_cast<int>(random() % 12));
    if (MatchesGumbo(raw)) ++compared;
  }
  CHECK(compared >= 19990);
  // Longer ones, which many references share.
  for (int n = 0; n < 20; ++n) {
    if (MatchesGumbo(RandomRaw(random, 5000))) ++compared;
  }
  CHECK(compared >= 20000);
}

}  // namespace
}  // namespace forage
