// The robots signals of a page's markup, through ExtractPage: meta robots
// and meta TOKEN, rel="nofollow", <link rel="canonical">, and what
// ExtractSettings::ignore_nofollow and the headers' directives change.

#include "parse/page_signals.h"

#include <catch2/catch.hpp>
#include <string>

#include "parse/extractor.h"

namespace forage {
namespace {

using Links = std::vector<std::string>;

ExtractedPage Extract(const std::string& html, const ExtractSettings& settings = {},
                      RobotsDirectives headers = {}) {
  return ExtractPage(html, "https://example.com/dir/page.html", nullptr, settings, {},
                     PageRobots{"forage", headers});
}

TEST_CASE("A robots meta tag in any spelling makes a page noindex or nofollow", "[page_signals]") {
  struct Case {
    const char* meta;
    bool noindex;
    bool nofollow;
  };
  const Case cases[] = {
      {R"(<meta name="robots" content="noindex">)", true, false},
      {R"(<META NAME="ROBOTS" CONTENT="NOFOLLOW">)", false, true},
      {R"(<meta name=robots content="noindex,nofollow">)", true, true},
      {R"(<meta name="Robots" content=" none ">)", true, true},
      {R"(<meta content="noindex" name="robots">)", true, false},
      {R"(<meta name="robots" content="index, follow">)", false, false},
      {R"(<meta name="robots" content="all">)", false, false},
      {R"(<meta name="robots" content="max-snippet:-1, noindex">)", true, false},
      {R"(<meta name="robots">)", false, false},
      {R"(<meta name="forage" content="nofollow">)", false, true},
      {R"(<meta name="FORAGE" content="noindex">)", true, false},
      {R"(<meta name="otherbot" content="noindex, nofollow">)", false, false},
      {R"(<meta name="googlebot" content="none">)", false, false},
      {R"(<meta name="robots" content="noindex"><meta name="forage" content="nofollow">)", true,
       true},
      {R"(<meta property="robots" content="noindex">)", false, false},
      {R"(<meta name="description" content="noindex">)", false, false},
  };
  for (const Case& c : cases) {
    INFO(c.meta);
    const ExtractedPage page =
        Extract(std::string("<head>") + c.meta + "</head><body><a href=/x>x</a></body>");
    CHECK(page.noindex == c.noindex);
    CHECK(page.nofollow == c.nofollow);
    CHECK(page.links == (c.nofollow ? Links{} : Links{"https://example.com/x"}));
  }
}

TEST_CASE("A meta tag in the body counts too", "[page_signals]") {
  const ExtractedPage page =
      Extract(R"(<p>text</p><meta name="robots" content="nofollow"><a href="/x">x</a>)");
  CHECK(page.nofollow);
  CHECK(page.links.empty());
}

TEST_CASE("Without a product token only name=robots counts", "[page_signals]") {
  const std::string html =
      R"(<meta name="forage" content="noindex"><meta name="" content="nofollow">)";
  const ExtractedPage page =
      ExtractPage(html, "https://example.com/", nullptr, {}, {}, PageRobots{});
  CHECK_FALSE(page.noindex);
  CHECK_FALSE(page.nofollow);
}

TEST_CASE("A rel=nofollow link is left out and other rel values are not", "[page_signals]") {
  const ExtractedPage page = Extract(R"(
    <a href="/plain">plain</a>
    <a href="/nf" rel="nofollow">nf</a>
    <a href="/ugc" rel="nofollow ugc">ugc</a>
    <a href="/caps" rel="  UGC   NoFollow ">caps</a>
    <a href="/sponsored" rel="sponsored">sponsored</a>
    <a href="/nofollowed" rel="nofollowed">not the token</a>
    <a href="/ext" rel="external noopener">ext</a>
    <map><area href="/area-nf" rel="nofollow"><area href="/area"></map>
    <a href="/plain" rel="nofollow">the same URL, followed above</a>)");
  CHECK(page.links == Links{"https://example.com/plain", "https://example.com/sponsored",
                            "https://example.com/nofollowed", "https://example.com/ext",
                            "https://example.com/area"});
  CHECK_FALSE(page.nofollow);
}

TEST_CASE("RelHasNofollow reads a token list", "[page_signals]") {
  CHECK(RelHasNofollow("nofollow"));
  CHECK(RelHasNofollow("ugc\tnofollow\n"));
  CHECK(RelHasNofollow("NOFOLLOW"));
  CHECK_FALSE(RelHasNofollow(std::nullopt));
  CHECK_FALSE(RelHasNofollow(""));
  CHECK_FALSE(RelHasNofollow("no-follow"));
  CHECK_FALSE(RelHasNofollow("nofollow,ugc"));
}

TEST_CASE("ignore_nofollow follows every link and still reports the directives", "[page_signals]") {
  ExtractSettings settings;
  settings.ignore_nofollow = true;
  const ExtractedPage page = Extract(R"(<meta name="robots" content="noindex, nofollow">
    <a href="/a" rel="nofollow">a</a><a href="/b">b</a>)",
                                     settings, RobotsDirectives{false, true});
  CHECK(page.noindex);
  CHECK(page.nofollow);
  CHECK(page.links == Links{"https://example.com/a", "https://example.com/b"});
}

TEST_CASE("The headers' directives join the page's", "[page_signals]") {
  const std::string html = R"(<a href="/a">a</a>)";
  ExtractedPage page = Extract(html, {}, RobotsDirectives{false, true});
  CHECK(page.nofollow);
  CHECK_FALSE(page.noindex);
  CHECK(page.links.empty());
  page = Extract(html, {}, RobotsDirectives{true, false});
  CHECK(page.noindex);
  CHECK(page.links == Links{"https://example.com/a"});
}

TEST_CASE("The canonical link is the first of the head, resolved as links are", "[page_signals]") {
  struct Case {
    const char* html;
    std::optional<std::string> canonical;
  };
  const Case cases[] = {
      {R"(<link rel="canonical" href="https://example.com/the-one">)",
       "https://example.com/the-one"},
      {R"(<link rel="canonical" href="other.html#frag">)", "https://example.com/dir/other.html"},
      {R"(<link rel="CANONICAL" href="/abs">)", "https://example.com/abs"},
      {R"(<link rel="alternate canonical" href="/alt">)", "https://example.com/alt"},
      {R"(<base href="https://cdn.example.org/base/"><link rel="canonical" href="rel">)",
       "https://cdn.example.org/base/rel"},
      {R"(<link rel="canonical" href="/first"><link rel="canonical" href="/second">)",
       "https://example.com/first"},
      {R"(<link rel="canonical"><link rel="canonical" href="/second">)",
       "https://example.com/second"},
      {R"(<link rel="canonical" href="mailto:x@example.com">)", std::nullopt},
      {R"(<link rel="stylesheet" href="/s.css">)", std::nullopt},
      {R"(<link rel="canonicalize" href="/no">)", std::nullopt},
      {R"(<title>t</title></head><body><link rel="canonical" href="/in-body">)", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& c : cases) {
    INFO(c.html);
    CHECK(Extract(std::string("<html><head>") + c.html).canonical == c.canonical);
  }
}

}  // namespace
}  // namespace forage
