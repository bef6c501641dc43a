#include "parse/css_urls.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace forage {
namespace {

using Urls = std::vector<std::string>;

struct Case {
  const char* css;
  Urls urls;
};

TEST_CASE("FindCssUrls finds url() values, quoted or not, in any case", "[css_urls]") {
  const Case cases[] = {
      {"a{background:url(x.png)}", {"x.png"}},
      {"a{background:url( x.png )}", {"x.png"}},
      {"a{background:url(\n\tx.png\n)}", {"x.png"}},
      {"a{background:url('x.png')}", {"x.png"}},
      {"a{background:url(\"x.png\")}", {"x.png"}},
      {"a{background:url(  \"x y.png\"  )}", {"x y.png"}},
      {"a{background:URL(x.png)}", {"x.png"}},
      {"a{background:Url('x.png')}", {"x.png"}},
      {"a{b:url(a.png), url(b.png); c: url(c.png)}", {"a.png", "b.png", "c.png"}},
      {"background-image: url(data:image/png;base64,AAAA)", {"data:image/png;base64,AAAA"}},
      {"url(a?b=c&d=e#f)", {"a?b=c&d=e#f"}},
      {"url(x.png", {"x.png"}},        // unclosed at the end: still a url
      {"url('x.png'", {"x.png"}},
      {"url(\"x.png\" format(woff))", {"x.png"}},  // what follows a quoted URL
      {"url(/*c*/x)", {"/*c*/x"}},  // no comment inside a url
      {"url()", {}},                   // empty: no URL
      {"url('')", {}},
      {"url(  )", {}},
  };
  for (const Case& c : cases) {
    INFO("css \"" << c.css << "\"");
    CHECK(FindCssUrls(c.css) == c.urls);
  }
}

TEST_CASE("FindCssUrls decodes CSS escapes", "[css_urls]") {
  const Case cases[] = {
      {"url(a\\)b.png)", {"a)b.png"}},
      {"url(a\\(b\\ c.png)", {"a(b c.png"}},
      {"url(\\61 b.png)", {"ab.png"}},       // a hex escape eats one space
      {"url(\\000061b.png)", {"ab.png"}},    // six digits at most
      {"url(\\0000611.png)", {"a1.png"}},
      {"url(\\e9 t\\E9.png)", {"\xC3\xA9t\xC3\xA9.png"}},
      {"url(\\1F600.png)", {"\xF0\x9F\x98\x80.png"}},
      {"url(\\0 x)", {"\xEF\xBF\xBDx"}},     // NUL: U+FFFD
      {"url(\\D800 x)", {"\xEF\xBF\xBDx"}},  // a surrogate: U+FFFD
      {"url(\\110000 x)", {"\xEF\xBF\xBDx"}},
      {"url('a\\'b.png')", {"a'b.png"}},
      {"url(\"a\\\"b.png\")", {"a\"b.png"}},
      {"url('a\\\nb.png')", {"ab.png"}},     // an escaped newline continues a string
      {"url('a\\62 .png')", {"ab.png"}},
      {"\\75 rl(x.png)", {"x.png"}},         // "url" spelled with an escape
      {"u\\72l(x.png)", {"x.png"}},
      {"url(a\\", {"a\xEF\xBF\xBD"}},        // a backslash at the end: U+FFFD
  };
  for (const Case& c : cases) {
    INFO("css \"" << c.css << "\"");
    CHECK(FindCssUrls(c.css) == c.urls);
  }
}

TEST_CASE("FindCssUrls reads @import strings and url()s", "[css_urls]") {
  const Case cases[] = {
      {"@import \"a.css\";", {"a.css"}},
      {"@import 'a.css' screen;", {"a.css"}},
      {"@import url(a.css);", {"a.css"}},
      {"@import url(\"a.css\") print;", {"a.css"}},
      {"@IMPORT \"a.css\";", {"a.css"}},
      {"@import/*c*/\"a.css\";", {"a.css"}},
      {"@import /* c */ /* d */ 'a.css';", {"a.css"}},
      {"@import \"a.css\"; @import \"b.css\"; p{background:url(c.png)}", {"a.css", "b.css", "c.png"}},
      {"@importx \"a.css\";", {}},
      {"@media print { @import \"a.css\"; }", {"a.css"}},
      {"@import \"\";", {}},
      {"@import \"a\nb.css\";", {}},  // a bad string
      {"@font-face{src:url(f.woff2) format(\"woff2\"), url('f.woff')}", {"f.woff2", "f.woff"}},
  };
  for (const Case& c : cases) {
    INFO("css \"" << c.css << "\"");
    CHECK(FindCssUrls(c.css) == c.urls);
  }
}

TEST_CASE("FindCssUrls skips comments, strings and what only looks like url()", "[css_urls]") {
  const Case cases[] = {
      {"/* url(a.png) */ p{}", {}},
      {"/* url(a.png) */ p{background:url(b.png)}", {"b.png"}},
      {"/* unclosed url(a.png)", {}},
      {"p{content:'url(a.png)'}", {}},
      {"p{content:\"url(a.png)\"} q{background:url(b.png)}", {"b.png"}},
      {"p{content:\"@import 'a.css'\"}", {}},
      {"p{content:'it\\'s url(a.png)'}", {}},
      {"myurl(a.png) url-x(b.png) -url(c.png) _url(d.png)", {}},
      {"#url(a.png) .url(b.png)", {"b.png"}},  // a class selector named url is an ident
      {"10url(a.png) 1.5url(b.png)", {}},      // dimensions
      {"url (a.png)", {}},                     // no space before "("
      {"p{background:url(a b.png)}", {}},      // bad urls: a space, a quote, a "("
      {"p{background:url(a\"b.png) url(c.png)}", {"c.png"}},
      {"p{background:url(a(b.png) url(c.png)}", {"c.png"}},
      {"p{background:url(a\\\nb) url(c.png)}", {"c.png"}},  // an escaped newline
      {"p{background:url(a\x01.png) url(c.png)}", {"c.png"}},
      {"p{background:url(a b\\) c) url(d.png)}", {"d.png"}},  // an escaped ) ends nothing
      {"'unclosed\nurl(a.png)", {"a.png"}},    // a bad string ends at the newline
  };
  for (const Case& c : cases) {
    INFO("css \"" << c.css << "\"");
    CHECK(FindCssUrls(c.css) == c.urls);
  }
}

TEST_CASE("FindCssUrls is linear on hostile CSS", "[css_urls]") {
  const std::size_t n = 1 << 20;
  CHECK(FindCssUrls(std::string(n, '(')).empty());
  CHECK(FindCssUrls("url(" + std::string(n, 'a')).size() == 1);
  CHECK(FindCssUrls(std::string(n / 4, ' ') + "url(").empty());
  std::string opens;
  for (std::size_t i = 0; i < n / 8; ++i) opens += "url(a ";
  CHECK(FindCssUrls(opens).empty());
  std::string comments;
  for (std::size_t i = 0; i < n / 4; ++i) comments += "/*/";
  CHECK(FindCssUrls(comments).empty());
  std::string many;
  for (int i = 0; i < 50'000; ++i) many += "url(a" + std::to_string(i) + ")";
  CHECK(FindCssUrls(many).size() == 50'000);
}

}  // namespace
}  // namespace forage
