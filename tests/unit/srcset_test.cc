#include "parse/srcset.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace forage {
namespace {

using Urls = std::vector<std::string>;

struct Case {
  const char* srcset;
  const char* first;  // the first candidate's URL; "" none
};

// The cases of web-platform-tests' html/semantics/embedded-content/
// the-img-element/srcset/parse-a-srcset-attribute.html, whose expectation
// is the URL an <img> picks: with these inputs, the first candidate kept.
// Character references written out.
const Case kWptCases[] = {
    // Splitting loop.
    {"", ""},
    {",", ""},
    {",,,", ""},
    {"\t\tdata:,a\t\t1x\t\t", "data:,a"},
    {"\n\ndata:,a\n\n1x\n\n", "data:,a"},
    {"\v\vdata:,a\v\v1x\v\v", "\v\vdata:,a\v\v1x\v\v"},  // no whitespace to HTML
    {"\f\fdata:,a\f\f1x\f\f", "data:,a"},
    {"\r\rdata:,a\r\r1x\r\r", "data:,a"},
    {"\x0E\x0E" "data:,a\x0E\x0E" "1x\x0E\x0E", "\x0E\x0E" "data:,a\x0E\x0E" "1x\x0E\x0E"},
    {"\x0F\x0F" "data:,a\x0F\x0F" "1x\x0F\x0F", "\x0F\x0F" "data:,a\x0F\x0F" "1x\x0F\x0F"},
    {"\x10\x10" "data:,a\x10\x10" "1x\x10\x10", "\x10\x10" "data:,a\x10\x10" "1x\x10\x10"},
    {"data:,a", "data:,a"},
    {"data:,a ", "data:,a"},
    {"data:,a ,", "data:,a"},
    {"data:,a,", "data:,a"},
    {"data:,a, ", "data:,a"},
    {"data:,a,,,", "data:,a"},
    {"data:,a,, , ", "data:,a"},
    {" data:,a", "data:,a"},
    {",,,data:,a", "data:,a"},
    {" , ,,data:,a", "data:,a"},
    {"\xC2\xA0" "data:,a", "\xC2\xA0" "data:,a"},
    {"data:,a\xC2\xA0", "data:,a\xC2\xA0"},
    // Descriptor tokenizer.
    {"data:,a 1x", "data:,a"},
    {"data:,a 1x ", "data:,a"},
    {"data:,a 1x,", "data:,a"},
    {"data:,a ( , data:,b 1x, ), data:,c", "data:,c"},
    {"data:,a ((( , data:,b 1x, ), data:,c", "data:,c"},
    {"data:,a [ , data:,b 1x, ], data:,c", "data:,b"},
    {"data:,a { , data:,b 1x, }, data:,c", "data:,b"},
    {"data:,a \" , data:,b 1x, \", data:,c", "data:,b"},
    {"data:,a \\,data:;\\,b, data:,c", "data:;\\,b"},
    {"data:,a, data:,b (", "data:,a"},
    {"data:,a, data:,b (  ", "data:,a"},
    {"data:,a, data:,b (,", "data:,a"},
    {"data:,a, data:,b (x", "data:,a"},
    {"data:,a, data:,b ()", "data:,a"},
    {"data:,a (, data:,b", ""},
    {"data:,a /*, data:,b, data:,c */", "data:,b"},
    {"data:,a //, data:,b", "data:,b"},
    // Descriptor parser.
    {"data:,a foo", ""},
    {"data:,a foo foo", ""},
    {"data:,a foo 1x", ""},
    {"data:,a foo 1x foo", ""},
    {"data:,a foo 1w", ""},
    {"data:,a foo 1w foo", ""},
    {"data:,a 1x 1x", ""},
    {"data:,a 1w 1w", ""},
    {"data:,a 1h 1h", ""},
    {"data:,a 1w 1x", ""},
    {"data:,a 1x 1w", ""},
    {"data:,a 1w 1h", "data:,a"},
    {"data:,a 1h 1w", "data:,a"},
    {"data:,a 1h 1x", ""},
    {"data:,a 1h 1w 1x", ""},
    {"data:,a 1x 1w 1h", ""},
    {"data:,a 1h", ""},
    {"data:,a 1h foo", ""},
    {"data:,a foo 1h", ""},
    {"data:,a 0w", ""},
    {"data:,a -1w", ""},
    {"data:,a 1w -1w", ""},
    {"data:,a 1.0w", ""},
    {"data:,a 1w 1.0w", ""},
    {"data:,a 1e0w", ""},
    {"data:,a 1w 1e0w", ""},
    {"data:,a 1www", ""},
    {"data:,a 1w 1www", ""},
    {"data:,a +1w", ""},
    {"data:,a 1w +1w", ""},
    {"data:,a 1W", ""},
    {"data:,a 1w 1W", ""},
    {"data:,a Infinityw", ""},
    {"data:,a 1w Infinityw", ""},
    {"data:,a NaNw", ""},
    {"data:,a 1w NaNw", ""},
    {"data:,a 0x1w", ""},
    {"data:,a 0X1w", ""},
    {"data:,a 1\x01w", ""},
    {"data:,a \x01" "1w", ""},
    {"data:,a 1w 1\x01h", ""},
    {"data:,a 1w \x01" "1h", ""},
    {"data:,a 0x", "data:,a"},
    {"data:,a -0x", "data:,a"},
    {"data:,a 1x -0x", ""},
    {"data:,a -1x", ""},
    {"data:,a 1x -1x", ""},
    {"data:,a 1e0x", "data:,a"},
    {"data:,a 1E0x", "data:,a"},
    {"data:,a 1e-1x", "data:,a"},
    {"data:,a 1.5e1x", "data:,a"},
    {"data:,a -x", ""},
    {"data:,a .x", ""},
    {"data:,a -.x", ""},
    {"data:,a 1.x", ""},
    {"data:,a .5x", "data:,a"},
    {"data:,a .5e1x", "data:,a"},
    {"data:,a 1x 1.5e1x", ""},
    {"data:,a 1x 1e1.5x", ""},
    {"data:,a 1.0x", "data:,a"},
    {"data:,a 1x 1.0x", ""},
    {"data:,a +1x", ""},
    {"data:,a 1X", ""},
    {"data:,a Infinityx", ""},
    {"data:,a NaNx", ""},
    {"data:,a 0x1x", ""},
    {"data:,a 0X1x", ""},
    {"data:,a 1\x01x", ""},
    {"data:,a \x01" "1x", ""},
    {"data:,a 1w 0h", ""},
    {"data:,a 1w -1h", ""},
    {"data:,a 1w 1.0h", ""},
    {"data:,a 1w 1e0h", ""},
    {"data:,a 1w 1hhh", ""},
    {"data:,a 1w 1H", ""},
    {"data:,a 1w Infinityh", ""},
    {"data:,a 1w NaNh", ""},
    {"data:,a 0x1h", ""},
    {"data:,a 0X1h", ""},
};

std::string First(const Urls& urls) { return urls.empty() ? "" : urls.front(); }

TEST_CASE("ParseSrcset passes the web-platform-tests srcset cases", "[srcset]") {
  for (const Case& c : kWptCases) {
    INFO("srcset \"" << c.srcset << "\"");
    CHECK(First(ParseSrcset(c.srcset)) == c.first);
  }
}

TEST_CASE("ParseSrcset takes no whitespace beyond ASCII's around descriptors", "[srcset]") {
  // U+00A0, U+1680, U+2000..U+200A, U+200C, U+200D, U+202F, U+205F,
  // U+3000, U+FEFF: part of the descriptor, which is then no descriptor.
  const std::vector<std::string> spaces = {
      "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82",
      "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87",
      "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\x8C", "\xE2\x80\x8D",
      "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF"};
  for (const std::string& space : spaces) {
    for (const std::string& srcset :
         {"data:,a 1" + space + "w", "data:,a " + space + "1w", "data:,a 1" + space + "x",
          "data:,a " + space + "1x", "data:,a 1w 1" + space + "h", "data:,a 1w " + space + "1h"}) {
      INFO("srcset \"" << srcset << "\"");
      CHECK(ParseSrcset(srcset).empty());
    }
  }
}

TEST_CASE("ParseSrcset gives every candidate kept, in order", "[srcset]") {
  struct ListCase {
    const char* srcset;
    Urls urls;
  };
  const ListCase cases[] = {
      {"a.png 1x, b.png 2x", {"a.png", "b.png"}},
      {"x.png 1x,y.png 2x", {"x.png", "y.png"}},  // no space after the comma
      {"x.png,y.png", {"x.png,y.png"}},           // a comma inside a URL stays
      {"x.png, y.png", {"x.png", "y.png"}},
      {"url,1.jpg 2x", {"url,1.jpg"}},
      {"data:a,b 1x", {"data:a,b"}},
      {"data:a,b 1x, c.png 2x", {"data:a,b", "c.png"}},
      {"a.png,,, b.png", {"a.png", "b.png"}},  // trailing commas end a URL
      {"a.png 100w, b.png 200w 300h, c.png 0w, d.png 1x 2x, e.png", {"a.png", "b.png", "e.png"}},
      {"a.png (a,b) 1x, b.png", {"b.png"}},  // a descriptor in parens is unknown
      {"a.png 1x (a, b), b.png 2x", {"b.png"}},
      {"  a.png\t640w,\n b.png   1280w  ", {"a.png", "b.png"}},
      {"a.png 1.5x, b.png 1e400x, c.png -1e-320x, d.png -1e-400x", {"a.png", "d.png"}},
      {"a.png 99999999999999999999999w, b.png 0001w, c.png 000w", {"a.png", "b.png"}},
      {", , a.png", {"a.png"}},
      {"a.png 1x 1x, a.png 1x", {"a.png"}},
  };
  for (const ListCase& c : cases) {
    INFO("srcset \"" << c.srcset << "\"");
    CHECK(ParseSrcset(c.srcset) == c.urls);
  }
}

TEST_CASE("ParseSrcset is linear on long attributes", "[srcset]") {
  std::string many;
  for (int i = 0; i < 100'000; ++i) many += "a" + std::to_string(i) + ".png 1x, ";
  CHECK(ParseSrcset(many).size() == 100'000);
  CHECK(ParseSrcset("a (" + std::string(1 << 20, ',')).empty());
  CHECK(ParseSrcset(std::string(1 << 20, ',')).empty());
  CHECK(ParseSrcset(std::string(1 << 20, 'x') + " 1x").size() == 1);
}

}  // namespace
}  // namespace forage
