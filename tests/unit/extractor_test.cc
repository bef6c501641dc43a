#include "parse/extractor.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "parse/html_document.h"

namespace forage {
namespace {

using Links = std::vector<std::string>;

// Shaped like a real page: doctype, head metadata, nav, inline SVG, article
// text, relative and absolute links in many spellings, a footer of others.
const char kArticle[] = R"html(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width">
  <title>
     Rust &amp; C++:   a  comparison
  </title>
  <META NAME="Description" CONTENT="  Which one,
     and why  ">
  <meta name="description" content="a second description is ignored">
  <meta property="og:title" content="not a title">
  <link rel="stylesheet" href="/static/site.css">
  <script>var a = "<a href='/not-a-link'>";</script>
</head>
<body>
  <nav>
    <a href="/">Home</a>
    <a href="/blog/">Blog</a>
    <a href="https://example.com/blog/">Blog again, absolute</a>
    <a href="#main">Skip to content</a>
  </nav>
  <svg><title>an icon title is not the page title</title><a href="/svg-link">x</a></svg>
  <main id="main">
    <article>
      <p>See <a href="related.html">related</a>, <a href="./related.html#part-2">part 2</a>,
         and <a href="../other/">other</a>.</p>
      <p><a href="?page=2">next page</a> <a href="//cdn.example.org/lib.js">cdn</a>
         <a href="  https://Example.com:443/spaced  ">spaced</a>
         <a href="/search?q=a&amp;b=c">search</a>
         <a href="mailto:editor@example.com">mail</a>
         <a href="javascript:void(0)">js</a>
         <a href="tel:+15555550100">call</a>
         <a href="ftp://files.example.com/x">ftp</a>
         <a>no href</a>
         <a href="">empty</a></p>
      <map name="m"><area href="/area-target" alt="area"></map>
    </article>
  </main>
</body>
</html>
)html";

TEST_CASE("ExtractPage reads title, description and links of an article page", "[extractor]") {
  ExtractedPage page = ExtractPage(kArticle, "https://example.com/blog/post.html");
  CHECK(page.title == "Rust & C++: a comparison");
  CHECK(page.description == "Which one, and why");
  const Links expected = {
      "https://example.com/",
      "https://example.com/blog/",
      "https://example.com/blog/post.html",  // "#main" is the page itself
      "https://example.com/svg-link",
      "https://example.com/blog/related.html",
      "https://example.com/other/",
      "https://example.com/blog/post.html?page=2",
      "https://cdn.example.org/lib.js",
      "https://example.com/spaced",
      "https://example.com/search?q=a&b=c",
      "https://example.com/area-target",
  };
  CHECK(page.links == expected);
}

TEST_CASE("ExtractPage resolves links against the first <base href>", "[extractor]") {
  const char html[] = R"(<html><head>
    <base href="/docs/v2/">
    <base href="/ignored/">
  </head><body><a href="intro.html">i</a><a href="/abs">a</a><a href="../up">u</a>
  </body></html>)";
  ExtractedPage page = ExtractPage(html, "http://example.com/index.html");
  CHECK(page.links == Links{"http://example.com/docs/v2/intro.html", "http://example.com/abs",
                            "http://example.com/docs/up"});
}

TEST_CASE("ExtractPage takes a <base href> of any scheme, as browsers do", "[extractor]") {
  // HTML's frozen base URL: the first <base href> that parses against the
  // page's URL is the base whatever its scheme, so relative links under a
  // file:, sc: or javascript: base name no http(s) page; absolute ones do.
  for (const char* base :
       {"file:///x/", "sc://h/x/", "javascript:x", "about:blank", "mailto:a@b"}) {
    INFO(base);
    const std::string html = std::string("<base href=\"") + base +
                             "\"><a href=\"a.html\">a</a><a href=\"/b\">b</a>"
                             "<a href=\"https://other.example/c#d\">c</a>";
    ExtractedPage page = ExtractPage(html, "http://example.com/dir/");
    CHECK(page.links == Links{"https://other.example/c"});
  }
}

TEST_CASE("ExtractPage falls back to the page's URL when <base href> fails", "[extractor]") {
  for (const char* base :
       {"http://a|b/", "http://[::1/x/", "http://256.256.256.256/", "sc://a b/"}) {
    INFO(base);
    const std::string html =
        std::string("<base href=\"") + base + "\"><base href=\"/second/\"><a href=a.html>a</a>";
    ExtractedPage page = ExtractPage(html, "http://example.com/dir/");
    CHECK(page.links == Links{"http://example.com/dir/a.html"});
  }
  // An IDN base is taken, in punycode.
  ExtractedPage idn = ExtractPage(
      "<base href=\"//b\xc3\xbc"
      "cher.example/p/\"><a href=q>q</a>",
      "https://example.com/");
  CHECK(idn.links == Links{"https://xn--bcher-kva.example/p/q"});
}

TEST_CASE("ExtractPage drops links the URL Standard refuses and encodes the rest", "[extractor]") {
  const char html[] = R"(<a href="http://a|b/">1</a><a href="http://256.256.256.256">2</a>
    <a href="http://a&#x3000;b/">3</a><a href="http://&#x4F60;&#x597D;&#x4F60;&#x597D;">4</a>
    <a href="http://&#xFF27;&#xFF4F;.com">5</a><a href="/s?q=a b">6</a>
    <a href='/p"<>`{}?"<>`{}'>7</a>)";
  ExtractedPage page = ExtractPage(html, "http://example.com/");
  CHECK(page.links == Links{"http://xn--6qqa088eba/", "http://go.com/",
                            "http://example.com/s?q=a%20b",
                            "http://example.com/p%22%3C%3E%60%7B%7D?%22%3C%3E`{}"});
}

TEST_CASE("ExtractPage reports absent title and description as absent", "[extractor]") {
  ExtractedPage page = ExtractPage("<p>no head at all <a href=x>x</a>", "http://h/");
  CHECK_FALSE(page.title);
  CHECK_FALSE(page.description);
  CHECK(page.links == Links{"http://h/x"});
  ExtractedPage empty_title = ExtractPage("<title></title>", "http://h/");
  CHECK(empty_title.title == "");
}

TEST_CASE("ExtractPage survives broken and binary-ish markup", "[extractor]") {
  std::string junk = "<html><<title>>x</title><a href='/a' <a href=\"/b\">";
  junk += std::string("\0\xff\xfe<a href=/c>", 13);
  ExtractedPage page = ExtractPage(junk, "http://h/");
  CHECK(page.title == ">x");
  for (const std::string& link : page.links) CHECK(link.rfind("http://h/", 0) == 0);
}

TEST_CASE("ExtractPage handles deep nesting without recursion", "[extractor]") {
  // 5,000 unclosed <div>s: a recursive walk or gumbo's error recording would
  // suffer; max_errors = 0 and an explicit stack keep this quick.
  std::string html = "<title>deep</title>";
  for (int i = 0; i < 5000; ++i) html += "<div>";
  html += "<a href=/bottom>b</a>";
  auto start = std::chrono::steady_clock::now();
  ExtractedPage page = ExtractPage(html, "http://h/");
  CHECK(page.title == "deep");
  CHECK(page.links == Links{"http://h/bottom"});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE("An arena reused across pages gives the same results as malloc", "[extractor]") {
  ParseArena arena;
  ExtractedPage plain = ExtractPage(kArticle, "https://example.com/blog/post.html");
  for (int i = 0; i < 50; ++i) {
    ExtractedPage pooled = ExtractPage(kArticle, "https://example.com/blog/post.html", &arena);
    CHECK(pooled.title == plain.title);
    CHECK(pooled.description == plain.description);
    CHECK(pooled.links == plain.links);
  }
  // A page bigger than one block, then a reset back to one block.
  std::string big;
  for (int i = 0; i < 2000; ++i) big += "<p><a href=\"/p" + std::to_string(i) + "\">x</a></p>";
  CHECK(ExtractPage(big, "http://h/", &arena).links.size() == 2000);
  CHECK(arena.BytesReserved() == 256 * 1024);
}

TEST_CASE("An arena packs allocations at a pointer's alignment", "[extractor]") {
  // gumbo's structures hold pointers and integers, nothing wider: 8-byte
  // steps, not malloc's 16, take a sixth less memory on a 2.5 MB page.
  ParseArena arena;
  auto* a = static_cast<char*>(arena.Allocate(1));
  auto* b = static_cast<char*>(arena.Allocate(5));
  auto* c = static_cast<char*>(arena.Allocate(9));
  auto* d = static_cast<char*>(arena.Allocate(8));
  for (char* p : {a, b, c, d}) CHECK(reinterpret_cast<std::uintptr_t>(p) % alignof(void*) == 0);
  CHECK(b - a == 8);
  CHECK(c - b == 8);
  CHECK(d - c == 16);
  CHECK(arena.BytesReserved() == 256 * 1024);
}

TEST_CASE("CollapseWhitespace folds runs and trims", "[extractor]") {
  CHECK(CollapseWhitespace("  a \n\t b  ") == "a b");
  CHECK(CollapseWhitespace("") == "");
  CHECK(CollapseWhitespace(" \n ") == "");
  CHECK(CollapseWhitespace("a\xc2\xa0"
                           "b") ==
        "a\xc2\xa0"
        "b");  // NBSP is not ASCII space
}

}  // namespace
}  // namespace forage
