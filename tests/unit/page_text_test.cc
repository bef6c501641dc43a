#include "parse/page_text.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "parse/html_document.h"

namespace forage {
namespace {

constexpr std::size_t kNoLimit = SIZE_MAX;

std::string Text(std::string_view html, std::size_t max_bytes = kNoLimit) {
  HtmlDocument doc(html);
  return VisibleText(doc.root(), max_bytes);
}

struct Case {
  const char* html;
  const char* text;
};

// Shaped like a real news article: head metadata and styles, a logo image,
// a nav menu, a headline, a byline, paragraphs with inline markup, a figure,
// an ordered list (one <li> left unclosed), a table and a footer.
const char kArticle[] = R"html(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Council approves bike lanes | The Daily Example</title>
  <link rel="stylesheet" href="/static/site.css">
  <style>body { font-family: serif; }</style>
</head>
<body>
  <header>
    <a href="/" class="logo"><img src="/logo.png" alt="The Daily Example"></a>
    <nav>
      <ul>
        <li><a href="/news">News</a></li>
        <li><a href="/sport">Sport</a></li>
        <li><a href="/opinion">Opinion</a></li>
      </ul>
    </nav>
  </header>
  <main>
    <article>
      <h1>Council approves   new
          bike lanes</h1>
      <p class="byline">By <a href="/staff/jane">Jane Doe</a> &middot;
         <time datetime="2024-03-05">5 March 2024</time></p>
      <p>The city council voted <strong>7 to 2</strong> on Tuesday to build
         <em>twelve kilometres</em> of protected lanes, the
         <a href="/topics/transport">transport</a> committee said.</p>
      <p>Opponents called it <code>rushed</code>; sup<sup>2</sup><b>bo</b><i>ld</i>.</p>
      <figure>
        <img src="/lanes.jpg" alt="A cyclist on Main Street">
        <figcaption>Main Street, where work starts in May.</figcaption>
      </figure>
      <p>Work begins in three phases:</p>
      <ol>
        <li>Main Street</li>
        <li>Harbour Road
        <li>The <a href="/parks">park</a> loop</li>
      </ol>
      <table>
        <caption>Budget</caption>
        <thead><tr><th>Phase</th><th>Cost</th></tr></thead>
        <tbody>
          <tr><td>1</td> <td>&euro;2.1m</td></tr>
          <tr>
            <td>2</td>
            <td>&euro;3.4m</td>
          </tr>
        </tbody>
      </table>
    </article>
  </main>
  <footer><p>&copy; 2024 The Daily Example. <a href="/privacy">Privacy</a></p></footer>
</body>
</html>
)html";

TEST_CASE("VisibleText lays out a news article line by line", "[page_text]") {
  CHECK(Text(kArticle) ==
        "News\n"
        "Sport\n"
        "Opinion\n"
        "Council approves new bike lanes\n"
        "By Jane Doe \xC2\xB7 5 March 2024\n"
        "The city council voted 7 to 2 on Tuesday to build twelve kilometres of protected "
        "lanes, the transport committee said.\n"
        "Opponents called it rushed; sup2bold.\n"
        "Main Street, where work starts in May.\n"
        "Work begins in three phases:\n"
        "Main Street\n"
        "Harbour Road\n"
        "The park loop\n"
        "Budget\n"
        "Phase\tCost\n"
        "1\t\xE2\x82\xAC"
        "2.1m\n"
        "2\t\xE2\x82\xAC"
        "3.4m\n"
        "\xC2\xA9 2024 The Daily Example. Privacy");
}

// Everything here is code, data, metadata or hidden; one paragraph and the
// labels of a form are all a reader sees.
const char kNoisyPage[] = R"html(<!DOCTYPE html>
<html><head>
<title>LEAK title</title>
<script type="application/ld+json">
  {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "LEAK json-ld"}
</script>
<script>window.dataLayer = []; document.write("<p>LEAK script</p>");</script>
<style>.x::before { content: "LEAK style"; }</style>
<noscript><img src="/pixel.gif" alt="LEAK pixel"></noscript>
</head><body>
<noscript><p>LEAK Please enable JavaScript.</p></noscript>
<template id="row"><tr><td>LEAK template</td></tr></template>
<form action="/login">
  <input type="hidden" name="csrf" value="LEAK csrf">
  <label>Email <input type="email" placeholder="LEAK placeholder" value="LEAK value"></label>
  <select name="lang"><option>LEAK option</option><optgroup label="LEAK"><option>LEAK</option>
  </optgroup></select>
  <datalist id="d"><option value="LEAK datalist">LEAK datalist</option></datalist>
  <textarea>LEAK textarea</textarea>
  <button type="submit">Sign in</button>
</form>
<div hidden><p>LEAK hidden div</p><div>LEAK nested</div></div>
<p hidden="hidden">LEAK hidden p</p>
<span hidden="until-found">LEAK until found</span>
<!-- LEAK comment -->
<svg viewBox="0 0 10 10"><title>LEAK svg title</title><text>LEAK svg text</text>
  <foreignObject><p>LEAK foreign html</p></foreignObject></svg>
<math><mi>LEAK</mi><mo>=</mo></math>
<iframe src="/ad">LEAK iframe</iframe>
<object data="movie.swf">LEAK object fallback</object>
<video src="v.mp4">LEAK video fallback</video>
<canvas>LEAK canvas fallback</canvas>
<progress value="3" max="10">LEAK progress</progress>
<p>Only this paragraph is visible.</p>
<script>console.log("LEAK trailing script </p>")</script>
<style>p { color: red }</style>
</body></html>
)html";

TEST_CASE("VisibleText leaks nothing from scripts, styles, templates and hidden parts",
          "[page_text]") {
  std::string text = Text(kNoisyPage);
  CHECK(text == "Email Sign in\nOnly this paragraph is visible.");
  CHECK(text.find("LEAK") == std::string::npos);
}

TEST_CASE("VisibleText breaks lines at blocks and never at inline elements", "[page_text]") {
  const Case cases[] = {
      {"<p>one</p><p>two</p>", "one\ntwo"},
      {"<div><div><p>deep</p></div></div>after", "deep\nafter"},
      {"a<span>b</span><a href=x>c</a><em>d</em><strong>e</strong>", "abcde"},
      {"a <em> b </em> c", "a b c"},
      {"  lead \n\n  and\ttrail \r\n ", "lead and trail"},
      {"<h1>Title</h1>Loose text<h2>Sub</h2>", "Title\nLoose text\nSub"},
      {"<ul><li>x</li><li> </li><li>y</li></ul>", "x\ny"},
      {"<dl><dt>Term</dt><dd>Definition</dd></dl>", "Term\nDefinition"},
      {"x<hr>y", "x\ny"},
      {"<blockquote>quote</blockquote><address>addr</address>", "quote\naddr"},
      {"<section><article><header>h</header>body<footer>f</footer></article></section>",
       "h\nbody\nf"},
      {"<nav>n</nav><aside>a</aside><main>m</main>", "n\na\nm"},
      {"<details><summary>More</summary>The rest</details>", "More\nThe rest"},
      {"<fieldset><legend>Name</legend><label>First <input></label></fieldset>", "Name\nFirst"},
      {"<option>A</option><option>B</option>", "A\nB"},  // outside a <select>
      {"<p>a<img alt=ALT src=x.png>b</p>", "ab"},        // no alt text
      {"<p>\n</p>\n<div>  </div>\n<p>x</p>\n\n", "x"},
      {"<p><p><p></p>x", "x"},
  };
  for (const Case& c : cases) {
    INFO(c.html);
    CHECK(Text(c.html) == c.text);
  }
}

TEST_CASE("VisibleText separates table cells with a tab and rows with a newline", "[page_text]") {
  const Case cases[] = {
      {"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", "a\tb\nc\td"},
      {"<table><tr><th> Name </th><th>Age</th></tr></table>", "Name\tAge"},
      // Empty cells leave no trace: no leading, doubled or trailing tab.
      {"<table><tr><td></td><td>a</td><td> </td><td></td><td>c</td><td></td></tr></table>", "a\tc"},
      // A block in a cell still takes a line of its own.
      {"<table><tr><td><p>a</p></td><td>b</td></tr></table>", "a\nb"},
      {"before<table><tr><td>a b</td></tr></table>after", "before\na b\nafter"},
  };
  for (const Case& c : cases) {
    INFO(c.html);
    CHECK(Text(c.html) == c.text);
  }
}

TEST_CASE("VisibleText turns <br> into one line break", "[page_text]") {
  const Case cases[] = {
      {"<p>221B Baker Street<br>London<br><br>NW1 6XE</p>", "221B Baker Street\nLondon\nNW1 6XE"},
      {"<p>a <br> b</p>", "a\nb"},
      {"<br><br>x<br>", "x"},
      {"<p>x</p><br><p>y</p>", "x\ny"},
  };
  for (const Case& c : cases) {
    INFO(c.html);
    CHECK(Text(c.html) == c.text);
  }
}

TEST_CASE("VisibleText collapses whitespace inside <pre> too", "[page_text]") {
  // Documented: <pre> is a block like any other, its newlines and
  // indentation fold to single spaces.
  CHECK(Text("<p>Code:</p><pre>\nint main() {\n    return 0;\n}\n</pre><p>Done.</p>") ==
        "Code:\nint main() { return 0; }\nDone.");
}

TEST_CASE("VisibleText decodes entities and folds non-breaking spaces into spaces", "[page_text]") {
  const Case cases[] = {
      {"<p>Fish &amp; chips</p>", "Fish & chips"},
      {"<p>&lt;tag&gt; &quot;q&quot; &#39;s&#39; &#x263A;</p>", "<tag> \"q\" 's' \xE2\x98\xBA"},
      {"<p>&copy;&mdash;&hellip;</p>", "\xC2\xA9\xE2\x80\x94\xE2\x80\xA6"},
      {"<p>a&nbsp;b</p>", "a b"},
      {"<p>10&nbsp;&nbsp; km</p>", "10 km"},
      {"<p>&nbsp;x&nbsp;</p>", "x"},
      {"<p>&nbsp;</p><p>x</p><p>\xC2\xA0</p>", "x"},  // spacer paragraphs vanish
      {"<p>a&ensp;b&thinsp;c</p>",
       "a\xE2\x80\x82"
       "b\xE2\x80\x89"
       "c"},  // other spaces stay
      {"<p>AT&T &amp c</p>", "AT&T & c"},
  };
  for (const Case& c : cases) {
    INFO(c.html);
    CHECK(Text(c.html) == c.text);
  }
}

TEST_CASE("VisibleText keeps non-ASCII text intact", "[page_text]") {
  const char html[] =
      "<h1>\xCE\x95\xCE\xBB\xCE\xBB\xCE\xB7\xCE\xBD\xCE\xB9\xCE\xBA\xCE\xAC</h1>"  // Ελληνικά
      "<p>\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E  <b>\xE3\x81\xAE</b>\n"             // 日本語 の
      "\xE3\x83\x86\xE3\x82\xAD\xE3\x82\xB9\xE3\x83\x88</p>"                       // テキスト
      "<p>caf\xC3\xA9 \xF0\x9F\x8E\x89 \xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A</p>";  // café 🎉 عربي
  CHECK(Text(html) ==
        "\xCE\x95\xCE\xBB\xCE\xBB\xCE\xB7\xCE\xBD\xCE\xB9\xCE\xBA\xCE\xAC\n"
        "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xE3\x81\xAE "
        "\xE3\x83\x86\xE3\x82\xAD\xE3\x82\xB9\xE3\x83\x88\n"
        "caf\xC3\xA9 \xF0\x9F\x8E\x89 \xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A");
}

TEST_CASE("VisibleText cuts at max_bytes on a character boundary", "[page_text]") {
  struct Cut {
    const char* html;
    std::size_t max_bytes;
    const char* text;
  };
  const Cut cuts[] = {
      {"<p>Hello world</p>", 0, ""},
      {"<p>Hello world</p>", 1, "H"},
      {"<p>Hello world</p>", 5, "Hello"},
      {"<p>Hello world</p>", 6, "Hello"},  // the stranded space goes
      {"<p>Hello world</p>", 7, "Hello w"},
      {"<p>Hello world</p>", 10, "Hello worl"},
      {"<p>Hello world</p>", 11, "Hello world"},
      {"<p>Hello world</p>", 1000, "Hello world"},
      {"<p>ab</p><p>cd</p>", 3, "ab"},  // the stranded newline goes
      {"<p>ab</p><p>cd</p>", 4, "ab\nc"},
      {"<table><tr><td>ab</td><td>cd</td></tr></table>", 3, "ab"},
      // "a€b": '€' is E2 82 AC, bytes 1 to 3.
      {"<p>a&euro;b</p>", 1, "a"},
      {"<p>a&euro;b</p>", 2, "a"},
      {"<p>a&euro;b</p>", 3, "a"},
      {"<p>a&euro;b</p>", 4, "a\xE2\x82\xAC"},
      {"<p>a&euro;b</p>", 5,
       "a\xE2\x82\xAC"
       "b"},
      {"<p>\xE2\x82\xAC</p>", 2, ""},
      {"<p>\xF0\x9F\x8E\x89!</p>", 3, ""},  // inside a 4-byte emoji
      {"<p>\xF0\x9F\x8E\x89!</p>", 4, "\xF0\x9F\x8E\x89"},
      {"<p>\xC3\xA9\xC3\xA9</p>", 3, "\xC3\xA9"},
  };
  for (const Cut& c : cuts) {
    INFO(c.html << " max_bytes " << c.max_bytes);
    CHECK(Text(c.html, c.max_bytes) == c.text);
  }
  CHECK(Text(kArticle, 0) == "");
  CHECK(Text(kArticle, 20) == "News\nSport\nOpinion\nC");
}

TEST_CASE("VisibleText of an empty or textless document is empty", "[page_text]") {
  CHECK(Text("") == "");
  CHECK(Text("   \n\t ") == "");
  CHECK(Text("<!DOCTYPE html><html><head><title>t</title></head><body></body></html>") == "");
  CHECK(Text("<!-- only a comment -->") == "");
  CHECK(Text("<img src=a.png alt=picture><br><hr>") == "");
  CHECK(VisibleText(nullptr, 100) == "");
}

TEST_CASE("VisibleText starts from any node, the document node included", "[page_text]") {
  HtmlDocument doc("<p>a</p><div id=d>b <i>c</i></div>");
  const GumboNode* document = doc.root()->parent;
  REQUIRE(document->type == GUMBO_NODE_DOCUMENT);
  CHECK(VisibleText(document, kNoLimit) == "a\nb c");
  CHECK(VisibleText(doc.root(), kNoLimit) == "a\nb c");
}

TEST_CASE("VisibleText walks 100,000-deep nesting quickly", "[page_text][heavy]") {
  // gumbo frees a tree recursively; the arena frees it in one go, so only
  // VisibleText's own walk is on trial here.
  ParseArena arena;
  auto start = std::chrono::steady_clock::now();

  // Inline: 100,000 nested <span>s, a digit in each.
  std::string spans, digits;
  for (int i = 0; i < 100000; ++i) {
    spans += "<span>";
    spans += static_cast<char>('0' + i % 10);
    digits += static_cast<char>('0' + i % 10);
  }
  {
    HtmlDocument doc(spans, &arena);
    CHECK(VisibleText(doc.root(), kNoLimit) == digits);
    CHECK(VisibleText(doc.root(), 3) == "012");
  }

  // Blocks: 25,000 tables each in a cell of the one before, table, tbody, tr
  // and td making 100,000 levels, a number in each cell. (Nested <div>s are
  // quadratic in gumbo's parser, tables are not.)
  std::string tables, lines;
  for (int i = 0; i < 25000; ++i) {
    tables += "<table><tr><td>" + std::to_string(i);
    if (i > 0) lines += '\n';
    lines += std::to_string(i);
  }
  {
    HtmlDocument doc(tables, &arena);
    CHECK(VisibleText(doc.root(), kNoLimit) == lines);
    CHECK(VisibleText(doc.root(), 6) == "0\n1\n2");
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

}  // namespace
}  // namespace forage
