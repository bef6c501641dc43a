// ExtractPage with ExtractSettings::follow: which links each kind gathers,
// in what order, resolved and deduplicated as anchors are.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "forage/fetch_settings.h"
#include "parse/extractor.h"

namespace forage {
namespace {

using Links = std::vector<std::string>;

Links LinksOf(const std::string& html, std::uint32_t follow,
              const char* url = "http://h.test/dir/page.html", std::size_t max_links = 0) {
  ExtractSettings settings;
  settings.follow = follow;
  settings.max_links = max_links;
  return ExtractPage(html, url, nullptr, settings).links;
}

// One page with a reference of every kind, each named after its kind.
const char kEveryKind[] = R"html(<!DOCTYPE html>
<html><head>
  <meta http-equiv="Refresh" content="5; URL='refresh.html'">
  <link rel="stylesheet" href="style.css">
  <link rel="alternate" hreflang="de" href="link-de.html">
  <link rel="next" href="link-next.html">
  <link rel="icon" href="no-icon.png">
  <link rel="canonical" href="no-canonical.html">
  <link rel="preload" href="no-preload.js">
  <script src="script.js"></script>
  <style>@import "style-import.css"; body { background: url(style-bg.png) }</style>
</head><body>
  <a href="a.html">a</a>
  <iframe src="frame.html"></iframe>
  <img src="media-img.png" srcset="media-1x.png 1x, media-2x.png 2x">
  <p style="background-image: url('style-attr.png')">text</p>
  <map><area href="area.html"></map>
</body></html>)html";

TEST_CASE("Each kind of link is gathered only when asked for", "[extractor][follow]") {
  const std::string d = "http://h.test/dir/";
  struct Case {
    std::uint32_t follow;
    Links links;
  };
  const Case cases[] = {
      {kFollowAnchors, {d + "a.html", d + "area.html"}},
      {kFollowFrames, {d + "frame.html"}},
      {kFollowLinks, {d + "link-de.html", d + "link-next.html"}},
      {kFollowRefresh, {d + "refresh.html"}},
      {kFollowMedia, {d + "media-img.png", d + "media-1x.png", d + "media-2x.png"}},
      {kFollowScripts, {d + "script.js"}},
      {kFollowStyles,
       {d + "style.css", d + "style-import.css", d + "style-bg.png", d + "style-attr.png"}},
      {0, {}},
      {kFollowAll,
       {d + "refresh.html", d + "style.css", d + "link-de.html", d + "link-next.html",
        d + "script.js", d + "style-import.css", d + "style-bg.png", d + "a.html", d + "frame.html",
        d + "media-img.png", d + "media-1x.png", d + "media-2x.png", d + "style-attr.png",
        d + "area.html"}},
  };
  for (const Case& c : cases) {
    INFO("follow " << c.follow);
    CHECK(LinksOf(kEveryKind, c.follow) == c.links);
  }
  // The default is anchors alone, as before --follow.
  CHECK(ExtractSettings{}.follow == kFollowAnchors);
  CHECK(ExtractPage(kEveryKind, "http://h.test/dir/page.html").links == cases[0].links);
}

TEST_CASE("Links of every kind resolve against <base href> and are kept once, in document order",
          "[extractor][follow]") {
  const char html[] = R"html(<head><base href="http://b.test/base/">
    <link rel=stylesheet href="x.css">
    <style>p{background:url(x.css)} q{background:url("/top.png")}</style>
    <meta http-equiv=refresh content="0;url=a.html#frag">
  </head><body>
    <a href="a.html">dup of the refresh</a>
    <img srcset="x.css 1x, i.png 2x" src="i.png">
    <video poster="v.jpg" src="v.mp4"><source src="v.webm"><track src="v.vtt"></video>
    <audio src="//cdn.test/a.ogg"></audio>
    <picture><source srcset="p1.webp 1x, p2.webp 2x"><img src="p.jpg"></picture>
    <input type=IMAGE src="btn.png"><input type=text src="no-input.png">
    <iframe src="f.html"></iframe><frameset><frame src="no-frame-in-body.html"></frameset>
    <script src="s.js"></script>
    <div style="background: url(d.png)"></div>
  </body>)html";
  const std::string b = "http://b.test/base/";
  CHECK(LinksOf(html, kFollowAll) ==
        Links{b + "x.css", "http://b.test/top.png", b + "a.html", b + "i.png", b + "v.jpg",
              b + "v.mp4", b + "v.webm", b + "v.vtt", "http://cdn.test/a.ogg", b + "p1.webp",
              b + "p2.webp", b + "p.jpg", b + "btn.png", b + "f.html", b + "s.js", b + "d.png"});
}

TEST_CASE("A page's links stop at max_links whatever their kinds", "[extractor][follow]") {
  const char html[] = R"html(<img srcset="a.png 1x, b.png 2x"><a href="c.html">c</a>
    <script src="d.js"></script>)html";
  ExtractSettings settings;
  settings.follow = kFollowAll;
  settings.max_links = 3;
  ExtractedPage page = ExtractPage(html, "http://h.test/", nullptr, settings);
  CHECK(page.links == Links{"http://h.test/a.png", "http://h.test/b.png", "http://h.test/c.html"});
  CHECK(page.truncated == std::vector<std::string>{"links"});
}

TEST_CASE("srcset attributes give every valid candidate, commas in URLs and all",
          "[extractor][follow]") {
  const char html[] = R"html(
    <img srcset="data:a,b 1x, url,1.jpg 2x, x.png 1x,y.png 2x, z.png,, w.png 1x 2x,
                 p.png (a,b) 1x, q.png 100w 50h, r.png 1.5x">
    <img srcset="s.png 3x,t.png,">)html";
  CHECK(LinksOf(html, kFollowMedia, "http://h.test/") ==
        Links{"http://h.test/url,1.jpg", "http://h.test/x.png", "http://h.test/y.png",
              "http://h.test/z.png", "http://h.test/q.png", "http://h.test/r.png",
              "http://h.test/s.png", "http://h.test/t.png"});
}

TEST_CASE("meta refresh URLs are read with odd spacing and quotes", "[extractor][follow]") {
  struct Case {
    const char* meta;
    Links links;
  };
  const Case cases[] = {
      {R"(<meta http-equiv="refresh" content="0;url=a.html">)", {"http://h.test/a.html"}},
      {R"(<meta http-equiv="REFRESH" content="  5 ,  URL = 'b c.html' ">)",
       {"http://h.test/b%20c.html"}},
      {R"(<meta http-equiv="refresh" content='0; URL="q.html?x=1"junk'>)",
       {"http://h.test/q.html?x=1"}},
      {R"(<meta http-equiv="refresh" content="0 d.html">)", {"http://h.test/d.html"}},
      {R"(<meta http-equiv="refresh" content="3">)", {}},
      {R"(<meta http-equiv="refresh" content="x; url=e.html">)", {}},
      {R"(<meta http-equiv="refresh" content="0; url=mailto:a@b">)", {}},
      {R"(<meta http-equiv="content-type" content="0; url=f.html">)", {}},
      {R"(<meta name="refresh" content="0; url=f.html">)", {}},
      {R"(<meta http-equiv="refresh">)", {}},
  };
  for (const Case& c : cases) {
    INFO(c.meta);
    CHECK(LinksOf(c.meta, kFollowRefresh, "http://h.test/") == c.links);
  }
}

TEST_CASE("CSS url()s are read from style attributes and <style> text", "[extractor][follow]") {
  const char html[] = R"html(<style>
      /* url(comment.png) */
      @import 'imp.css';
      @IMPORT url("imp2.css") screen;
      .a { background: URL( a.png ) }
      .b { background: url('b b.png') }
      .c { background: url(c\).png) }
      .d { content: "url(no.png)" }
      .e { background: url(\65 .png) }
    </style>
    <p style="background:url(&quot;attr.png&quot;);border-image:url(attr2.png)">x</p>
    <p style="background:url(a.png)">dup</p>
    <svg><rect style="fill:url(svg.png)"/></svg>)html";
  const std::string h = "http://h.test/";
  CHECK(LinksOf(html, kFollowStyles, "http://h.test/") ==
        Links{h + "imp.css", h + "imp2.css", h + "a.png", h + "b%20b.png", h + "c).png",
              h + "e.png", h + "attr.png", h + "attr2.png", h + "svg.png"});
}

TEST_CASE("link elements are followed by rel and hreflang, never stylesheets or icons as links",
          "[extractor][follow]") {
  const char html[] = R"html(
    <link rel="alternate" href="1.html">
    <link rel="ALTERNATE" type="application/rss+xml" href="2.xml">
    <link rel="prev" href="3.html"><link rel="previous" href="4.html"><link rel=next href=5.html>
    <link hreflang="fr" href="6.html">
    <link rel="alternate stylesheet" href="no-style.css">
    <link rel="alternate icon" href="no-icon.png">
    <link rel="canonical" hreflang="en" href="no-canonical.html">
    <link rel="stylesheet" href="no-style2.css">
    <link rel="preconnect" href="//no-preconnect.test">
    <link rel="nextx" href="no-nextx.html">
    <link rel="alternate">)html";
  const std::string h = "http://h.test/";
  CHECK(LinksOf(html, kFollowLinks, "http://h.test/") ==
        Links{h + "1.html", h + "2.xml", h + "3.html", h + "4.html", h + "5.html", h + "6.html"});
  CHECK(LinksOf(html, kFollowStyles, "http://h.test/") ==
        Links{h + "no-style.css", h + "no-style2.css"});
}

TEST_CASE("An element's links come in the order of its attributes", "[extractor][follow]") {
  CHECK(LinksOf(R"(<img srcset="b.png 2x" src="a.png">)", kFollowMedia, "http://h.test/") ==
        Links{"http://h.test/b.png", "http://h.test/a.png"});
  CHECK(LinksOf(R"h(<a style="background:url(s.png)" href="a.html">x</a>)h", kFollowAll,
                "http://h.test/") == Links{"http://h.test/s.png", "http://h.test/a.html"});
  // A kind not asked for gives nothing, even on an element of another kind.
  CHECK(LinksOf(R"h(<a style="background:url(s.png)" href="a.html">x</a>)h", kFollowAnchors,
                "http://h.test/") == Links{"http://h.test/a.html"});
}

}  // namespace
}  // namespace forage
