#include "parse/selector.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "parse/html_document.h"

namespace forage {
namespace {

using Strings = std::vector<std::string>;

// Shaped like a real news page: head metadata, a nav of nested lists, an
// article with headings, byline, time, a comment between paragraphs and a
// table (into which gumbo inserts a <tbody>), a custom element, a form, and
// attributes with awkward values. Ids "Damage" and "damage" differ by case
// only; the body's classes are split across lines.
const char kPage[] = R"html(<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <meta name="description" content="Local news from the quayside">
  <meta property="og:title" content="Harbour reopens after storm">
  <meta name="Viewport" content="width=device-width">
  <title>Harbour reopens | The Quayside Gazette</title>
  <link rel="stylesheet alternate" href="/print.css" media="print">
</head>
<body class="page  news-page
             theme-dark" data-build="2024.06">
  <nav id="top-nav" class="nav primary" aria-label="Main">
    <ul class="menu">
      <li class="item active"><a href="/" lang="en">Home</a></li>
      <li class="item"><a href="/world" lang="en-US">World</a>
        <ul class="submenu">
          <li><a href="/world/europe" lang="EN-gb">Europe</a></li>
          <li><a href="/world/asia" title='say "hi"'>Asia</a></li>
          <li><a href="/world/africa" title="it's here">Africa</a></li>
        </ul>
      </li>
      <li class="item"><a href="/sport" lang="english">Sport</a></li>
      <li class="item last"><a href="https://example.com/about"
                               rel="external nofollow">About</a></li>
    </ul>
  </nav>
  <main>
    <article id="story-42" class="story lead" data-tags="harbour weather local">
      <h1>Harbour reopens after storm</h1>
      <p class="byline">By <a href="/authors/jo" rel="author">Jo Smith</a>,
        <time datetime="2024-06-01T09:30:00Z">1 June 2024</time></p>
      <p>The harbour reopened on Saturday.</p>
      <h2 id="Damage">Damage</h2>
      <p>Three piers were damaged.</p>
      <!-- editor: check the pier count -->
      <p class="note">Repairs <em>will</em>   take
         weeks.</p>
      <h2 id="damage">Reaction</h2>
      <p>Traders were relieved.</p>
      <table class="prices">
        <caption>Market prices</caption>
        <tr><th>Item</th><th>Price</th></tr>
        <tr><td>Fish</td><td data-currency="GBP">4.50</td></tr>
        <tr><td>Chips</td><td data-currency="gbp">2.00</td></tr>
        <tr><td>Peas</td><td data-currency="EUR">1.10</td></tr>
        <tr class="total"><td>Total</td><td>7.60</td></tr>
      </table>
    </article>
    <my-widget data-id="w1" hidden>Custom <b>widget</b></my-widget>
    <form action="/search" method="get" class="search">
      <input type="text" name="q" placeholder="Search the Gazette">
      <input type="checkbox" name="exact" id="exact" checked>
      <label for="exact">Exact</label>
      <input type="submit" value="Go">
      <select name="section">
        <option value="all" selected>All</option>
        <option value="news">News</option>
      </select>
    </form>
    <div class="odd" data-path="a]b,c" data-quote='He said "no"' data-empty="" data-note="a\b"
         data-city="Zürich">
      <span class="x-y">first</span><span class="x">second</span><span>third</span>
      <span class="spacer"></span><i class="blank"> </i><i class="commented"><!-- c --></i>
    </div>
  </main>
  <footer><p>&copy; 2024 Gazette<p>Contact <a href="mailto:desk@example.com">desk</a></footer>
</body>
</html>
)html";

const HtmlDocument& Page() {
  static const HtmlDocument page(kPage);
  return page;
}

std::string TagName(const GumboNode* node) {
  const GumboElement& e = node->v.element;
  if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
  std::string name(e.original_tag.data + 1, e.original_tag.length - 1);
  return name.substr(0, name.find_first_of(" \t\n/>"));
}

// All elements under `root`, in document order, by an independent walk.
std::vector<const GumboNode*> AllElements(const GumboNode* root) {
  std::vector<const GumboNode*> out;
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) continue;
    out.push_back(n);
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = kids.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
    }
  }
  return out;
}

struct Case {
  std::string css;
  Strings expected;
  std::string show = "text";  // "text" (ElementText), "tag", or an attribute's name
};

std::string Show(const GumboNode* e, const std::string& show) {
  if (show == "text") return ElementText(e);
  if (show == "tag") return TagName(e);
  const GumboAttribute* a = gumbo_get_attribute(&e->v.element.attributes, show.c_str());
  return a ? a->value : "<none>";
}

// Checks each row against the tree under `root` (the page by default), and
// that Matches() agrees with MatchAll() on every element of it.
void CheckCases(const std::vector<Case>& cases, const GumboNode* root = Page().root()) {
  REQUIRE(root);
  const std::vector<const GumboNode*> all = AllElements(root);
  for (const Case& c : cases) {
    INFO("selector: " << c.css);
    Result<Selector> selector = Selector::Parse(c.css);
    if (!selector.ok()) FAIL(selector.status().message());
    const std::vector<const GumboNode*> matches = selector.value().MatchAll(root);
    Strings got;
    for (const GumboNode* e : matches) got.push_back(Show(e, c.show));
    CHECK(got == c.expected);
    std::vector<const GumboNode*> one_by_one;
    for (const GumboNode* e : all) {
      if (selector.value().Matches(e)) one_by_one.push_back(e);
    }
    CHECK(one_by_one == matches);
  }
}

const Strings kNavLinks = {"Home", "World", "Europe", "Asia", "Africa", "Sport", "About"};
const std::string kWorld = "World Europe Asia Africa";  // the li with the submenu
const std::string kByline = "By Jo Smith, 1 June 2024";

// Each selector finds `count` elements under the document. No clock is
// read: on these 100,000-element documents a matcher that backtracks or goes
// quadratic would not finish within the test's time limit (CTest's 120 s),
// while a linear one takes milliseconds, so the limit tells them apart
// without a wall-clock bound that a loaded machine could trip.
template <std::size_t N>
void CheckCounts(const HtmlDocument& doc, const std::pair<const char*, std::size_t> (&counts)[N]) {
  for (const auto& [css, count] : counts) {
    INFO("selector: " << css);
    Result<Selector> selector = Selector::Parse(css);
    REQUIRE(selector.ok());
    CHECK(selector.value().MatchAll(doc.root()).size() == count);
  }
}

TEST_CASE("Type selectors match tag names case-insensitively, custom elements too", "[selector]") {
  CheckCases({
      {"h1", {"Harbour reopens after storm"}},
      {"H2", {"Damage", "Reaction"}},
      {"TiTlE", {"Harbour reopens | The Quayside Gazette"}},
      {"time", {"1 June 2024"}},
      {"caption", {"Market prices"}},
      {"my-widget", {"Custom widget"}},
      {"MY-Widget", {"Custom widget"}},
      {"my-widge", {}},
      {"section", {}},
      {"html", {"html"}, "tag"},
      {"head > *", {"meta", "meta", "meta", "meta", "title", "link"}, "tag"},
      {"my-widget > *", {"b"}, "tag"},
  });
}

TEST_CASE("The universal selector matches every element", "[selector]") {
  const GumboNode* root = Page().root();
  Result<Selector> star = Selector::Parse("*");
  REQUIRE(star.ok());
  CHECK(star.value().MatchAll(root) == AllElements(root));
  CHECK(star.value().MatchAll(root).size() > 60);
}

TEST_CASE("Class selectors split the class attribute on whitespace, case-sensitively",
          "[selector]") {
  CheckCases({
      {".item", {"Home", kWorld, "Sport", "About"}},
      {".item.last", {"About"}},
      {"li.active", {"Home"}},
      {".Item", {}},
      {".news-page", {"body"}, "tag"},  // classes separated by two spaces and a newline
      {".theme-dark.page.news-page", {"body"}, "tag"},
      {".x", {"second"}},
      {".x-y", {"first"}},
      {".x\\-y", {"first"}},  // escaped hyphen
      {".lead.story", {"story-42"}, "id"},
      {"nav.nav.primary", {"top-nav"}, "id"},
      {".page .nav", {"top-nav"}, "id"},
  });
}

TEST_CASE("Id selectors are case-sensitive", "[selector]") {
  CheckCases({
      {"#top-nav", {"nav"}, "tag"},
      {"#Damage", {"Damage"}},
      {"#damage", {"Reaction"}},
      {"#DAMAGE", {}},
      {"h2#damage", {"Reaction"}},
      {"p#damage", {}},
      {"#story-42", {"story lead"}, "class"},
      {"#story\\2d 42", {"story lead"}, "class"},  // hex escape for "-", space ends it
      {"#exact", {"checkbox"}, "type"},
      {"#exact#exact", {"checkbox"}, "type"},
      {"#exact#q", {}},
  });
}

TEST_CASE("Attribute selectors support every operator and both quote styles", "[selector]") {
  CheckCases({
      {"[hidden]", {"w1"}, "data-id"},
      {"[datetime]", {"2024-06-01T09:30:00Z"}, "datetime"},
      {"[data-currency=GBP]", {"4.50"}},
      {"[data-currency='GBP']", {"4.50"}},
      {"[data-currency=\"gbp\"]", {"2.00"}},
      {"[ name = q ]", {"Search the Gazette"}, "placeholder"},
      {"input[type=checkbox][checked]", {"exact"}, "name"},
      {"[rel~=nofollow]", {"About"}},
      {"[rel~=external]", {"About"}},
      {"[rel~=\"external nofollow\"]", {}},  // ~= matches one word only
      {"[rel~=\"\"]", {}},
      {"[data-tags~=weather]", {"story-42"}, "id"},
      {"[lang|=en]", {"en-GB", "en", "en-US", "EN-gb"}, "lang"},  // lang ignores case
      {"[lang|=EN s]", {"EN-gb"}, "lang"},
      {"[data-currency|=gbp]", {"2.00"}},  // other values are case-sensitive
      {"[class|=x]", {"first", "second"}},
      {"[href^=\"/world\"]", {"/world", "/world/europe", "/world/asia", "/world/africa"}, "href"},
      {"[href^=https]", {"https://example.com/about"}, "href"},
      {"[href$='.css']", {"/print.css"}, "href"},
      {"[href*=example]", {"https://example.com/about", "mailto:desk@example.com"}, "href"},
      {"[href^=\"\"]", {}},  // empty prefix, suffix and substring match nothing
      {"[href$=\"\"]", {}},
      {"[href*='']", {}},
      {"[data-empty=\"\"]", {"odd"}, "class"},
      {"[data-empty]", {"odd"}, "class"},
      {"[data-empty|=\"\"]", {"odd"}, "class"},
      {"[data-build=\"2024.06\"]", {"body"}, "tag"},
      {"[data-city=Zürich]", {"odd"}, "class"},  // non-ASCII identifier
      {"[data-nope]", {}},
      {"a[title]", {"Asia", "Africa"}},
  });
}

TEST_CASE("Attribute values may hold quotes, brackets, commas and escapes", "[selector]") {
  CheckCases({
      {"[data-path=\"a]b,c\"]", {"odd"}, "class"},
      {"[data-path='a]b,c'], h1", {"h1", "div"}, "tag"},
      {"[data-path=\"a\\5d b,c\"]", {"odd"}, "class"},  // \5d is "]"
      {"[data-quote='He said \"no\"']", {"odd"}, "class"},
      {"[data-quote=\"He said \\\"no\\\"\"]", {"odd"}, "class"},
      {"[title=\"say \\\"hi\\\"\"]", {"Asia"}},
      {"[title='say \"hi\"']", {"Asia"}},
      {"[title=\"it's here\"]", {"Africa"}},
      {"[title='it\\'s here']", {"Africa"}},
      {"[data-note=\"a\\\\b\"]", {"odd"}, "class"},  // CSS "a\\b" is a\b
      {"[data-note=\"ab\"]", {}},
      {"[title=\"say \\\n\\\"hi\\\"\"]", {"Asia"}},  // escaped newline continues the string
  });
}

TEST_CASE("Tag and attribute names are case-insensitive and the i flag folds values",
          "[selector]") {
  CheckCases({
      {"LI.item:FIRST-CHILD", {"Home"}},
      {"[DATA-CURRENCY=EUR]", {"1.10"}},
      {"[Data-Currency=GBP]", {"4.50"}},
      {"[data-currency=GBP i]", {"4.50", "2.00"}},
      {"[data-currency='gbp' I]", {"4.50", "2.00"}},
      {"[data-currency=\"GBP\"i]", {"4.50", "2.00"}},
      {"[data-currency=GBP s]", {"4.50"}},
      {"meta[name=viewport]", {}},
      {"meta[name=viewport i]", {"width=device-width"}, "content"},
      {"[lang|=en i]", {"en-GB", "en", "en-US", "EN-gb"}, "lang"},
      {"LINK[HREF$=\".CSS\" i]", {"/print.css"}, "href"},
      {"[href*=EXAMPLE i]", {"https://example.com/about", "mailto:desk@example.com"}, "href"},
      {"[href^=HTTPS i]", {"https://example.com/about"}, "href"},
      {"[rel~=NOFOLLOW i]", {"About"}},
      {"[data-city=\"zürich\" i]", {"odd"}, "class"},
      {"[data-city=\"ZÜRICH\" i]", {}},  // the flag folds ASCII only
  });
}

TEST_CASE("Values of the HTML Standard's listed attributes ignore case on HTML elements only",
          "[selector]") {
  // The HTML Standard ("Case-sensitivity of selectors") lists 46 attributes,
  // type, lang, rel and method among them, whose values selectors compare
  // ASCII case-insensitively on HTML elements; in SVG and MathML, and for
  // every other attribute, values are case-sensitive. `s` forces sensitive.
  HtmlDocument doc(R"(<body>
    <p type="TEST" id="p1" data-kind="TEST" lang="EN">a</p>
    <a type="test" id="a1" rel="NoFollow" data-kind="test" hreflang="De-AT">b</a>
    <form id="f1" method="POST" enctype="Multipart/Form-Data"></form>
    <input id="i1" type="CheckBox" checked="CHECKED" disabled="Disabled">
    <div id="td1" align="Center" valign="TOP" nowrap="NOWRAP"></div>
    <svg><text id="s1" type="TEST" lang="EN">c</text><a id="s2" type="test">d</a></svg>
    <math><mi id="m1" dir="RTL">x</mi></math>
    <div id="d1" dir="RTL" DATA-K="V"></div>
  </body>)");
  CheckCases(
      {
          {"[type=\"test\"]", {"p1", "a1", "s2"}, "id"},
          {"[type=TEST]", {"p1", "a1", "s1"}, "id"},  // exact in SVG, folded in HTML
          {"[type=test i]", {"p1", "a1", "s1", "s2"}, "id"},
          {"[type=test s]", {"a1", "s2"}, "id"},
          {"[type=TEST s]", {"p1", "s1"}, "id"},
          {"[type^=te]", {"p1", "a1", "s2"}, "id"},
          {"[type$=ST]", {"p1", "a1", "s1"}, "id"},
          {"[type*=Es]", {"p1", "a1"}, "id"},
          {"[type~=TEST]", {"p1", "a1", "s1"}, "id"},
          {"[data-kind=test]", {"a1"}, "id"},  // not on the list
          {"[lang=en]", {"p1"}, "id"},
          {"[lang|=en]", {"p1"}, "id"},
          {"[rel~=nofollow]", {"a1"}, "id"},
          {"[hreflang|=de]", {"a1"}, "id"},
          {"form[method=post]", {"f1"}, "id"},
          {"[enctype=\"multipart/form-data\"]", {"f1"}, "id"},
          {"input[type=checkbox][checked=checked][disabled=disabled]", {"i1"}, "id"},
          {"[align=center][valign=top][nowrap=nowrap]", {"td1"}, "id"},
          {"[dir=rtl]", {"d1"}, "id"},  // the MathML element keeps its case
          {"[dir=rtl i]", {"m1", "d1"}, "id"},
          {"[Data-K=v]", {}, "id"},
          {"[data-k=V]", {"d1"}, "id"},
      },
      doc.root());
}

TEST_CASE("Comments in selectors are skipped as CSS skips them", "[selector]") {
  HtmlDocument doc(R"(<body><div id="d" class="x"><span id="s" title="/* no */">t</span><i id="i" title="/*"></i></div>
    <p id="p" data-a="GBP"></p></body>)");
  CheckCases(
      {
          {"/* first */ div /* between */ span /* last */", {"s"}, "id"},
          {"div/**/.x", {"d"}, "id"},  // no token between: a compound
          {"div/**/>/**/span", {"s"}, "id"},
          {"div,/* x */p", {"d", "p"}, "id"},
          {"[ data-a /* a */ = /* b */ GBP /* c */ ]", {"p"}, "id"},
          {"[data-a='GBP' /* flag: */ i]", {"p"}, "id"},
          {"span:not( /* none */ #d /* here */ )", {"s"}, "id"},
          {"span:nth-child( /* one */ 1 /* st */ )", {"s"}, "id"},
          {"[title=\"/* no */\"]", {"s"}, "id"},  // inside a string: text
          {"[title='/* no */']", {"s"}, "id"},
          {"[title=\\/\\*]", {"i"}, "id"},  // escapes: the name "/*"
          {"span /* unterminated", {"s"}, "id"},
      },
      doc.root());
  // Offsets in errors count the selector as written.
  Result<Selector> bad = Selector::Parse("/* long comment */ div >");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "bad selector \"/* long comment */ div >\": expected a selector after \">\" at offset 23");
  Result<Selector> glued = Selector::Parse("div/**/span");
  REQUIRE_FALSE(glued.ok());
  CHECK(glued.status().message() ==
        "bad selector \"div/**/span\": a comment between two names, which CSS keeps apart, at "
        "offset 3");
}

TEST_CASE("A NUL in a selector is U+FFFD, and an escape at the end is too", "[selector]") {
  // CSS Syntax turns U+0000 into U+FFFD before tokenizing, and so does the
  // HTML parser in attribute values: a NUL neither ends the selector nor
  // escapes its comparison.
  HtmlDocument doc(
      "<body><pre id=\"&#0;pre\">1</pre><p id=\"pre\">2</p>"
      "<a id=\"a\" class=\"\xEF\xBF\xBD" "bar\">3</a><span id=\"b\" class=\"foo\xEF\xBF\xBD\">4</span>"
      "</body>");
  using namespace std::string_literals;
  CheckCases(
      {
          {"[id=\"\0pre\"]"s, {"\xEF\xBF\xBDpre"}, "id"},
          {"[id=\"\\0 pre\"]", {"\xEF\xBF\xBDpre"}, "id"},
          {"#\0pre"s, {"\xEF\xBF\xBDpre"}, "id"},
          {"p[id=pre], a.\0bar"s, {"pre", "a"}, "id"},
          {"a.\\0 bar", {"a"}, "id"},
          {"span.foo\\", {"b"}, "id"},  // a backslash at the end escapes U+FFFD
          {"span.foo\\FFFD", {"b"}, "id"},
      },
      doc.root());
  // The NUL does not cut the selector short: what follows it still counts.
  Result<Selector> rest = Selector::Parse("p\0 >"s);
  REQUIRE_FALSE(rest.ok());
  CHECK(rest.status().message() ==
        "bad selector \"p\xEF\xBF\xBD >\": expected a selector after \">\" at offset 5");
  CHECK(rest.status().message().find('\0') == std::string::npos);
}

TEST_CASE("Compound selectors require every part", "[selector]") {
  CheckCases({
      {"li.item:first-child > a[href]", {"Home"}},
      {"li.item.last[class~=item]:last-child", {"About"}},
      {"*.item.last", {"About"}},
      {"h2#damage:nth-of-type(2)", {"Reaction"}},
      {"td[data-currency]:last-child", {"4.50", "2.00", "1.10"}},
      {"p.byline:first-of-type", {kByline}},
      {"input[type=text]#exact", {}},
      {"a[href^='/'][lang]:not([lang|=en])", {"Sport"}},
      {"a[href^='/'][lang]:not([lang|=en s])", {"Europe", "Sport"}},
  });
}

TEST_CASE("The descendant combinator looks at all ancestors", "[selector]") {
  CheckCases({
      {"nav a", kNavLinks},
      {"article a", {"Jo Smith"}},
      {"main  p",
       {kByline, "The harbour reopened on Saturday.", "Three piers were damaged.",
        "Repairs will take weeks.", "Traders were relieved."}},
      {"ul ul a", {"Europe", "Asia", "Africa"}},
      {"html\n\tbody\fform input", {"text", "checkbox", "submit"}, "type"},
      {"footer a", {"desk"}},
      {"footer p", {"© 2024 Gazette", "Contact desk"}},
      {"table tr td", {"Fish", "4.50", "Chips", "2.00", "Peas", "1.10", "Total", "7.60"}},
      {"article nav a", {}},
  });
}

TEST_CASE("The child combinator looks at the parent only", "[selector]") {
  CheckCases({
      {"ul > li > a", kNavLinks},
      {".menu > li > a", {"Home", "World", "Sport", "About"}},
      {"nav > a", {}},
      {"table > tr", {}},  // gumbo puts rows in an implied <tbody>
      {"table > tbody > tr > td:first-child", {"Fish", "Chips", "Peas", "Total"}},
      {"p>time", {"1 June 2024"}},
      {"article > p > a", {"Jo Smith"}},
      {":root > body", {"body"}, "tag"},
      {"my-widget > b", {"widget"}},
  });
}

TEST_CASE("The adjacent sibling combinator skips text and comments", "[selector]") {
  CheckCases({
      {"h2 + p", {"Three piers were damaged.", "Traders were relieved."}},
      {"h1 + p", {kByline}},
      {"h2 + p.note", {}},
      {"p + p.note", {"Repairs will take weeks."}},  // across a comment and whitespace
      {"li + li", {kWorld, "Asia", "Africa", "Sport", "About"}},
      {"span + span", {"second", "third", ""}},
      {"input + label", {"Exact"}},
      {"head + body", {"body"}, "tag"},
      {"h1 + h2", {}},
  });
}

TEST_CASE("The general sibling combinator looks at all earlier siblings", "[selector]") {
  CheckCases({
      {"h1 ~ h2", {"Damage", "Reaction"}},
      {"h2 ~ p",
       {"Three piers were damaged.", "Repairs will take weeks.", "Traders were relieved."}},
      {"#damage ~ *", {"p", "table"}, "tag"},
      {".note ~ p", {"Traders were relieved."}},
      {"span.x ~ span", {"third", ""}},
      {"tr ~ tr.total", {"Total7.60"}},  // text nodes only: no space between cells
      {"table ~ *", {}},
      {"article ~ form ~ div", {"odd"}, "class"},
  });
}

TEST_CASE("Combinators mix, and matching is not greedy", "[selector]") {
  CheckCases({
      // The nearest <ul> above "Europe" is the submenu, whose parent is an
      // <li>; the match is through the outer list, a child of <nav>.
      {"nav > ul a", kNavLinks},
      {"nav > ul > li > ul > li a", {"Europe", "Asia", "Africa"}},
      {"nav > ul li + li > a", {"World", "Asia", "Africa", "Sport", "About"}},
      {"article h2 ~ p + p", {"Repairs will take weeks."}},
      {"body > main > article > table td:last-child", {"4.50", "2.00", "1.10", "7.60"}},
      {"h1 ~ p > a", {"Jo Smith"}},
      {"li:first-child + li ~ li a", {"Africa", "Sport", "About"}},
      {"main > * > p:first-of-type > time", {"1 June 2024"}},
      {"nav li > ul > li:last-child > a", {"Africa"}},
      {"main form + div > span:nth-child(2)", {"second"}},
  });
}

TEST_CASE("Selector lists give each match once, in document order", "[selector]") {
  CheckCases({
      {"h1, h2", {"Harbour reopens after storm", "Damage", "Reaction"}},
      {"h2, h1", {"Harbour reopens after storm", "Damage", "Reaction"}},
      {".item, li.active, li:first-child", {"Home", kWorld, "Europe", "Sport", "About"}},
      {"a[href^=\"/world\"], ul ul a, a[lang]",
       {"Home", "World", "Europe", "Asia", "Africa", "Sport"}},
      {"  time ,caption  ", {"1 June 2024", "Market prices"}},
      {"nav,nav", {"top-nav"}, "id"},
      {"section, h1", {"Harbour reopens after storm"}},
      {"[data-path=\",\"], caption", {"Market prices"}},
  });
}

TEST_CASE(":first-child, :last-child and :only-child count element siblings", "[selector]") {
  CheckCases({
      {"li:first-child", {"Home", "Europe"}},
      {"tbody > :first-child", {"ItemPrice"}},
      {"td:first-child", {"Fish", "Chips", "Peas", "Total"}},
      {"html:first-child", {"html"}, "tag"},
      {"li:last-child", {"Africa", "About"}},
      {"article > :last-child", {"table"}, "tag"},
      {"form > :last-child", {"select"}, "tag"},
      {"span:last-child", {}},
      {"my-widget > :only-child", {"widget"}},
      {"time:only-child", {}},
      {"footer :only-child", {"desk"}},
      {"body > :only-child", {}},
  });
}

TEST_CASE(":nth-child accepts every An+B form", "[selector]") {
  CheckCases({
      {".menu > li:nth-child(odd)", {"Home", "Sport"}},
      {".menu > li:nth-child(ODD)", {"Home", "Sport"}},
      {".menu > li:nth-child(even)", {kWorld, "About"}},
      {".menu > li:nth-child(2n+1)", {"Home", "Sport"}},
      {".menu > li:nth-child(2n)", {kWorld, "About"}},
      {".menu > li:nth-child(3)", {"Sport"}},
      {".menu > li:nth-child(+3)", {"Sport"}},
      {".menu > li:nth-child(-n+2)", {"Home", kWorld}},
      {".menu > li:nth-child(n)", {"Home", kWorld, "Sport", "About"}},
      {".menu > li:nth-child(+n+4)", {"About"}},
      {".menu > li:nth-child(n+3)", {"Sport", "About"}},
      {".menu > li:nth-child( 2n + 1 )", {"Home", "Sport"}},
      {".menu > li:nth-child(2n -1)", {"Home", "Sport"}},
      {".menu > li:nth-child(2N- 1)", {"Home", "Sport"}},
      {".menu > li:nth-child(-2n+3)", {"Home", "Sport"}},
      {".menu > li:nth-child(0n+4)", {"About"}},
      {".menu > li:nth-child(n- 1)", {"Home", kWorld, "Sport", "About"}},
      {".menu > li:nth-child(4n-3)", {"Home"}},
      {".menu > li:nth-child(5)", {}},
      {".menu > li:nth-child(0)", {}},
      {".menu > li:nth-child(-1)", {}},
      {".menu > li:nth-child(-n-1)", {}},
      {".menu > li:nth-child(99999999999999999999)", {}},  // clamped, not overflowed
      // Elements only: the comment between the 5th and 6th children is not one.
      {"article > :nth-child(3n)", {"p", "p", "table"}, "tag"},
  });
}

TEST_CASE(":nth-last-child counts from the end", "[selector]") {
  CheckCases({
      {".menu > li:nth-last-child(1)", {"About"}},
      {".menu > li:nth-last-child(2)", {"Sport"}},
      {".menu > li:nth-last-child(odd)", {kWorld, "About"}},
      {".menu > li:nth-last-child(-n+2)", {"Sport", "About"}},
      {".menu > li:nth-last-child(n+4)", {"Home"}},
  });
}

TEST_CASE("The of-type pseudo-classes count siblings of the same type", "[selector]") {
  CheckCases({
      {"article > p:first-of-type", {kByline}},
      {"article > p:last-of-type", {"Traders were relieved."}},
      {"article > h2:nth-of-type(2)", {"Reaction"}},
      {"article > p:nth-of-type(2n)",
       {"The harbour reopened on Saturday.", "Repairs will take weeks."}},
      {"article > p:nth-last-of-type(2)", {"Repairs will take weeks."}},
      {"article > :first-of-type", {"h1", "p", "h2", "table"}, "tag"},
      {"article > :only-of-type", {"h1", "table"}, "tag"},
      {"my-widget:only-of-type", {"Custom widget"}},
      {"form > input:nth-of-type(3)", {"submit"}, "type"},
      {"form > :last-of-type", {"label", "input", "select"}, "tag"},
  });
}

TEST_CASE(":empty and :root", "[selector]") {
  CheckCases({
      {".odd :empty", {"spacer", "commented"}, "class"},  // whitespace counts, comments do not
      {":root", {"html"}, "tag"},
      {"body:root", {}},
      {"html:root:first-child:only-child", {"html"}, "tag"},
      {"head > :empty:not(title)", {"meta", "meta", "meta", "meta", "link"}, "tag"},
  });
}

TEST_CASE(":not excludes simple selectors, compounds and lists of them", "[selector]") {
  CheckCases({
      {".menu > li:not(.active)", {kWorld, "Sport", "About"}},
      {".menu > li:not(.active, .last)", {kWorld, "Sport"}},
      {".menu > li:not( .active , .last )", {kWorld, "Sport"}},
      {".menu > li:not(.item.last)", {"Home", kWorld, "Sport"}},
      {"input:not([type=submit]):not([type=checkbox])", {"q"}, "name"},
      {"article > :not(p):not(h2)", {"h1", "table"}, "tag"},
      {"a:not([href^=\"/\"])", {"About", "desk"}},
      {"h1:not(:not(h1))", {"Harbour reopens after storm"}},
      {"li:not(:first-child):not(:last-child)", {kWorld, "Asia", "Sport"}},
      {"td:not(:nth-child(2n+1))", {"4.50", "2.00", "1.10", "7.60"}},
      {"*:not(*)", {}},
      {"my-widget:not(div)", {"Custom widget"}},
      {"span:not(.x-y):not(.spacer)", {"second", "third"}},
  });
}

TEST_CASE("Bad selectors are errors that quote the selector", "[selector]") {
  const char* const kBad[] = {
      "",
      "   ",
      "div >",
      "div >  ",
      "div + ",
      "div ~",
      ">",
      "> p",
      "a > > b",
      "a + ~ b",
      "a,,b",
      "a,",
      ",a",
      "a, ,b",
      "a b,",
      "::before",
      "p::before",
      "a:hover",
      "li:nth-of-types(2)",
      "p:contains(x)",
      "li:nth-child",
      "li:nth-child()",
      "li:nth-child(2n+)",
      "li:nth-child(2 n)",
      "li:nth-child(+ 2)",
      "li:nth-child(- n)",
      "li:nth-child(2n + -1)",
      "li:nth-child(1.5)",
      "li:nth-child(odd",
      "li:nth-child(odds)",
      "li:nth-child(2n of .item)",
      "li:first-child()",
      "[",
      "[a",
      "[a=",
      "[a=b",
      "[a=\"b]",
      "[a='b",
      "[a=\"b\nc\"]",
      "[a=1]",
      "[=a]",
      "[a==b]",
      "[a=b x]",
      "[a=b i i]",
      "[a~]",
      "div[a]]",
      "a]",
      "a)",
      "(a)",
      ".",
      "#",
      ".1a",
      "a.",
      "a..b",
      "a!",
      "{}",
      ":not()",
      ":not(a",
      ":not(a b)",
      ":not(a > b)",
      ":not(,a)",
      ":not",
      ":not(::after)",
      "ns|a",
      "*|a",
      "[ns|a]",
      "[*|a]",
      "'a'",
      "a/* glued */b",
      "[a=b/* glued */c]",
      "a:",
      "a:1",
      "a*",
      "div\x01",
  };
  for (const char* css : kBad) {
    INFO("selector: [" << css << "]");
    Result<Selector> selector = Selector::Parse(css);
    REQUIRE_FALSE(selector.ok());
    const std::string& message = selector.status().message();
    INFO("message: " << message);
    CHECK(message.find("bad selector \"" + std::string(css) + "\": ") == 0);
    CHECK(message.find(" at offset ") != std::string::npos);
  }
}

TEST_CASE("Parse errors say what is wrong and where", "[selector]") {
  const std::pair<const char*, const char*> kMessages[] = {
      {"div >", "bad selector \"div >\": expected a selector after \">\" at offset 4"},
      {"", "bad selector \"\": empty selector at offset 0"},
      {"a,,b", "bad selector \"a,,b\": expected a selector after \",\" at offset 1"},
      {"a::before",
       "bad selector \"a::before\": pseudo-element \"::before\" is not supported at "
       "offset 1"},
      {"a:hover", "bad selector \"a:hover\": unsupported pseudo-class \":hover\" at offset 1"},
      {"[data-id=42]",
       "bad selector \"[data-id=42]\": expected an identifier or a quoted string as the "
       "attribute value (quote values that start with a digit) at offset 9"},
      {"li:nth-child(2n of .a)",
       "bad selector \"li:nth-child(2n of .a)\": \"of S\" is not supported in \":nth-child()\" "
       "at offset 16"},
      {":not(a b)",
       "bad selector \":not(a b)\": combinators are not supported in \":not()\" at offset 7"},
      {"[a=\"b", "bad selector \"[a=\"b\": unterminated string at offset 3"},
      {"[a", "bad selector \"[a\": unclosed \"[\" at offset 0"},
      {"a b)", "bad selector \"a b)\": unexpected \")\" at offset 3"},
      // An escaped "/" starts no comment: the "*" after it is unexpected.
      {"[title=\\/*]", "bad selector \"[title=\\/*]\": expected \"]\" at offset 9"},
      {"[a='/*'] >", "bad selector \"[a='/*'] >\": expected a selector after \">\" at offset 9"},
  };
  for (const auto& [css, expected] : kMessages) {
    Result<Selector> selector = Selector::Parse(css);
    REQUIRE_FALSE(selector.ok());
    CHECK(selector.status().message() == expected);
  }
}

TEST_CASE("Selectors nested or chained without bound are refused, not overflowed", "[selector]") {
  std::string nested;
  for (int i = 0; i < 100000; ++i) nested += ":not(";
  nested += "a";
  for (int i = 0; i < 100000; ++i) nested += ")";
  CHECK_FALSE(Selector::Parse(nested).ok());
  std::string chained = "a";
  for (int i = 0; i < 100000; ++i) chained += " > a";
  CHECK_FALSE(Selector::Parse(chained).ok());
  // Within the bounds, both work.
  CHECK(Selector::Parse(":not(:not(:not(:not(a))))").ok());
  std::string long_chain = "a";
  for (int i = 0; i < 200; ++i) long_chain += " a";
  CHECK(Selector::Parse(long_chain).ok());
}

TEST_CASE("MatchAll includes the root and sees ancestors above it", "[selector]") {
  const GumboNode* root = Page().root();
  Result<Selector> nav = Selector::Parse("nav");
  REQUIRE(nav.ok());
  const std::vector<const GumboNode*> navs = nav.value().MatchAll(root);
  REQUIRE(navs.size() == 1);
  CHECK(nav.value().MatchAll(navs[0]) == navs);  // root included

  // Matching within the nav still sees the <body> above it, as
  // Element.querySelectorAll does.
  Result<Selector> links = Selector::Parse("body > nav a:first-child");
  REQUIRE(links.ok());
  Strings texts;
  for (const GumboNode* e : links.value().MatchAll(navs[0])) texts.push_back(ElementText(e));
  CHECK(texts == kNavLinks);

  CHECK(nav.value().MatchAll(nullptr).empty());
}

TEST_CASE("Matches accepts elements only", "[selector]") {
  Result<Selector> any = Selector::Parse("*");
  REQUIRE(any.ok());
  const GumboNode* html = Page().root();
  CHECK(any.value().Matches(html));
  CHECK_FALSE(any.value().Matches(nullptr));
  CHECK_FALSE(any.value().Matches(html->parent));  // the document node
  const GumboNode* text = nullptr;
  for (const GumboNode* e : AllElements(html)) {
    if (e->v.element.tag == GUMBO_TAG_H1) {
      text = static_cast<const GumboNode*>(e->v.element.children.data[0]);
    }
  }
  REQUIRE(text);
  REQUIRE(text->type == GUMBO_NODE_TEXT);
  CHECK_FALSE(any.value().Matches(text));
  CHECK(any.value().MatchAll(text).empty());
  // A document node as MatchAll's root: its elements, not itself.
  CHECK(any.value().MatchAll(html->parent) == AllElements(html));
}

TEST_CASE("Template elements are matched and searched", "[selector]") {
  HtmlDocument doc(R"(<body><template id="t"><li class="row">cell</li></template></body>)");
  Result<Selector> t = Selector::Parse("template#t > li.row:only-child");
  REQUIRE(t.ok());
  const std::vector<const GumboNode*> rows = t.value().MatchAll(doc.root());
  REQUIRE(rows.size() == 1);
  CHECK(ElementText(rows[0]) == "cell");
  Result<Selector> templates = Selector::Parse("template");
  REQUIRE(templates.ok());
  const std::vector<const GumboNode*> found = templates.value().MatchAll(doc.root());
  REQUIRE(found.size() == 1);
  CHECK(found[0]->type == GUMBO_NODE_TEMPLATE);
  CHECK(templates.value().Matches(found[0]));
}

TEST_CASE("Of-type tells custom elements apart by name", "[selector]") {
  HtmlDocument doc(
      "<div><x-a>1</x-a><X-B>2</X-B><x-a>3</x-a><span>4</span><x-b>5</x-b><x-ab>6</x-ab></div>");
  CheckCases(
      {
          {"x-a:first-of-type", {"1"}},
          {"x-a:last-of-type", {"3"}},
          {"x-b:nth-of-type(2)", {"5"}},
          {"div > :only-of-type", {"4", "6"}},
          {"x-b", {"2", "5"}},
          {"x-a + x-b", {"2"}},
          {"x-a ~ x-ab", {"6"}},
      },
      doc.root());
}

TEST_CASE("Selectors are cheap copies that outlive the original", "[selector]") {
  std::vector<Selector> selectors;
  {
    Result<Selector> parsed = Selector::Parse("h2 + p");
    REQUIRE(parsed.ok());
    Selector copy = parsed.value();
    selectors.push_back(copy);
    selectors.push_back(std::move(parsed).value());
  }
  for (const Selector& s : selectors) {
    const std::vector<const GumboNode*> found = s.MatchAll(Page().root());
    REQUIRE(found.size() == 2);
    CHECK(ElementText(found[1]) == "Traders were relieved.");
  }
}

TEST_CASE("ElementText collapses whitespace and skips comments", "[selector]") {
  HtmlDocument doc(
      "<div id=d>\n  Hello,\t<b>big</b>\n\n<i> wide </i>world<!-- not this -->!"
      "<script>var  x;</script><br>\xC2\xA0nbsp\xC2\xA0stays&#32;&#32;x</div><p id=e></p>"
      "<p id=s>   </p>");
  Result<Selector> d = Selector::Parse("#d");
  Result<Selector> e = Selector::Parse("#e, #s");
  REQUIRE(d.ok());
  REQUIRE(e.ok());
  const std::vector<const GumboNode*> div = d.value().MatchAll(doc.root());
  REQUIRE(div.size() == 1);
  CHECK(ElementText(div[0]) == "Hello, big wide world!var x;\xC2\xA0nbsp\xC2\xA0stays x");
  for (const GumboNode* empty : e.value().MatchAll(doc.root())) CHECK(ElementText(empty).empty());
  CHECK(ElementText(nullptr).empty());
}

TEST_CASE("Descendant chains over directly nested divs do not backtrack", "[selector]") {
  // 5,000 <div>s, each the only child of the one before, then <p><span>.
  // Backtracking would try C(5000, 5) ways to place "div div div div div";
  // memoized matching looks at each (compound, element) pair once.
  std::string html;
  for (int i = 0; i < 5000; ++i) html += "<div>";
  html += "<p><span>x</span></p>";
  HtmlDocument doc(html);
  const std::pair<const char*, std::size_t> kCounts[] = {
      {"div div div div div p", 1},
      {"section div div div div div p", 0},
      {"div div div div div", 4996},
      {"div > div > div", 4998},
      {"div > div div > div p > span", 1},
      {"div:first-child > div:last-child div:only-child > p", 1},
      {"p div", 0},
  };
  CheckCounts(doc, kCounts);
}

// gumbo 0.10.1 takes ~10 s to parse 100,000 directly nested <div>s: each
// <div> start tag looks for an open <p> "in button scope", scanning the whole
// stack of open elements. An <object> every 100 levels is a scope boundary
// that ends those scans early, so this 100,000-deep document (99,000 <div>s,
// 1,000 <object>s) parses in milliseconds; the matcher sees the same depth.
std::string DeepDocument() {
  std::string html = "<!DOCTYPE html><title>deep</title><body>";
  for (int group = 0; group < 1000; ++group) {
    for (int i = 0; i < 99; ++i) html += "<div>";
    html += "<object>";
  }
  html += "<p><span>bottom</span></p>";
  return html;
}

TEST_CASE("Matching a 100,000-deep document neither recurses nor backtracks",
          "[selector][heavy]") {
  HtmlDocument doc(DeepDocument());
  REQUIRE(doc.root());
  std::size_t depth = 0;
  for (const GumboNode* n = doc.root(); n->type == GUMBO_NODE_ELEMENT; ++depth) {
    const GumboVector& kids = n->v.element.children;
    if (kids.length == 0) break;
    n = static_cast<const GumboNode*>(kids.data[kids.length - 1]);
  }
  REQUIRE(depth > 100000);

  const std::pair<const char*, std::size_t> kCounts[] = {
      {"div", 99000},
      {"object", 1000},
      {"div > div", 98000},
      {"object > div", 999},
      {"body > div", 1},
      {"div > div p", 1},
      {"div div div div div div div div div div span", 1},
      {"div > object > div > div > div span", 1},
      {"object > p > span:only-child", 1},
      // No <section>: every level of every candidate's ancestry fails, which
      // a backtracking matcher would explore combinatorially.
      {"section div div div div div div div div div p", 0},
      {"section div div div div div div div div div div", 0},
      {"div:not(div) div div div div span", 0},
      {"body div div", 98999},
      {"body > div div", 98999},
      {"div div div div div div div div div div", 98991},
      {"div > div > div ~ div", 0},
      {"div:only-child", 99000},
      {"div:first-child:last-child:nth-child(1):nth-last-child(1)", 99000},
      {"object div div div div div div div div div div div div div p", 1},
      {"body > div > div > div > div > div > div > div > div > div > div > div span", 1},
  };
  CheckCounts(doc, kCounts);

  // Matches() on the deepest element alone, and ElementText over the whole depth.
  Result<Selector> span = Selector::Parse("section span, body > div div > div span");
  REQUIRE(span.ok());
  const std::vector<const GumboNode*> spans = span.value().MatchAll(doc.root());
  REQUIRE(spans.size() == 1);
  CHECK(span.value().Matches(spans[0]));
  CHECK(ElementText(doc.root()) == "deepbottom");
}

TEST_CASE("Matching 100,000 siblings stays linear", "[selector][heavy]") {
  std::string html = "<ul>";
  for (int i = 0; i < 100000; ++i) html += "<li>";
  html += "</ul>";
  HtmlDocument doc(html);
  const std::pair<const char*, std::size_t> kCounts[] = {
      {"li", 100000},
      {"li:nth-child(2n+1)", 50000},
      {"li:nth-last-child(-n+3)", 3},
      {"li:nth-of-type(100000)", 1},
      {"li:last-of-type", 1},
      {"li + li", 99999},
      {"li ~ li", 99999},
      {"li:not(:first-child) ~ li", 99998},
      {"li:first-child ~ li + li", 99998},
      {"li:nth-child(3) ~ li:nth-last-child(3) ~ li", 2},
  };
  CheckCounts(doc, kCounts);
}

}  // namespace
}  // namespace forage
