#include "parse/sitemap_reader.h"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "support/gzip.h"

namespace forage {
namespace {

using test::Gzip;

struct Read {
  SitemapKind kind = SitemapKind::kUnknown;
  std::vector<std::string> urls;
  std::vector<std::optional<std::int64_t>> lastmods;
  std::optional<std::string> error;
  std::size_t skipped = 0;
  bool operator==(const Read&) const = default;
};

// `body` fed in pieces of `piece` bytes (0: at once), or in random pieces
// when `rng` is given.
Read ReadIn(std::string_view body, SitemapReader::Limits limits, std::size_t piece,
            std::mt19937* rng = nullptr) {
  SitemapReader reader(limits);
  bool fed = true;
  while (!body.empty() && fed) {
    std::size_t n = body.size();
    if (rng) {
      n = std::uniform_int_distribution<std::size_t>(1, std::min<std::size_t>(body.size(), 97))(*rng);
    } else if (piece > 0) {
      n = std::min(piece, body.size());
    }
    fed = reader.Feed(body.substr(0, n));
    body.remove_prefix(n);
  }
  reader.Finish();
  Read out;
  out.kind = reader.kind();
  for (const SitemapEntry& e : reader.entries()) {
    out.urls.push_back(e.url);
    out.lastmods.push_back(e.lastmod_ms);
  }
  out.error = reader.error();
  out.skipped = reader.skipped();
  return out;
}

// The answer for `body`, checked to be the same fed at once, byte by byte
// and in random pieces.
Read ReadAll(std::string_view body, SitemapReader::Limits limits = {}) {
  Read whole = ReadIn(body, limits, 0);
  if (body.size() <= 200'000) {
    CHECK(ReadIn(body, limits, 1) == whole);
  }
  std::mt19937 rng(static_cast<std::uint32_t>(body.size()));
  CHECK(ReadIn(body, limits, 0, &rng) == whole);
  CHECK(ReadIn(body, limits, 4096) == whole);
  return whole;
}

constexpr std::optional<std::int64_t> kNone = std::nullopt;

const std::string kUrlSet = R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url>
    <loc>https://shop.example.org/</loc>
    <lastmod>2023-03-01</lastmod>
    <changefreq>daily</changefreq>
    <priority>1.0</priority>
  </url>
  <url>
    <loc>https://shop.example.org/items?id=7&amp;colour=teal</loc>
    <changefreq>weekly</changefreq>
  </url>
  <url>
    <priority>0.2</priority>
    <lastmod>2022-12-24T08:15:00+01:00</lastmod>
    <loc>
      https://shop.example.org/items?id=9&amp;colour=&lt;red&gt;
    </loc>
  </url>
  <url><loc>https://shop.example.org/a%20b</loc><lastmod>last tuesday</lastmod></url>
</urlset>
)";

TEST_CASE("A urlset gives each <url>'s <loc> and <lastmod> in order", "[sitemap]") {
  Read r = ReadAll(kUrlSet);
  CHECK(r.kind == SitemapKind::kUrlSet);
  CHECK_FALSE(r.error);
  CHECK(r.skipped == 0);
  CHECK(r.urls == std::vector<std::string>{
                      "https://shop.example.org/",
                      "https://shop.example.org/items?id=7&colour=teal",
                      "https://shop.example.org/items?id=9&colour=<red>",
                      "https://shop.example.org/a%20b",
                  });
  // 2023-03-01T00:00Z; 2022-12-24T07:15Z; an invalid lastmod is none.
  CHECK(r.lastmods == std::vector<std::optional<std::int64_t>>{1677628800000, kNone,
                                                               1671866100000, kNone});
}

TEST_CASE("A sitemap index gives each <sitemap>'s <loc>", "[sitemap]") {
  const std::string index = R"(<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap>
    <loc>https://news.example.net/maps/2024-01.xml.gz</loc>
    <lastmod>2024-02-01T00:00:00Z</lastmod>
  </sitemap>
  <sitemap><loc>https://news.example.net/maps/archive.xml?year=2019&amp;part=2</loc></sitemap>
  <url><loc>https://news.example.net/not-in-an-index</loc></url>
</sitemapindex>)";
  Read r = ReadAll(index);
  CHECK(r.kind == SitemapKind::kIndex);
  CHECK_FALSE(r.error);
  CHECK(r.urls == std::vector<std::string>{"https://news.example.net/maps/2024-01.xml.gz",
                                           "https://news.example.net/maps/archive.xml?year=2019&part=2"});
  CHECK(r.lastmods == std::vector<std::optional<std::int64_t>>{1706745600000, kNone});
}

TEST_CASE("A sitemap without a namespace is read, and other namespaces' elements are ignored",
          "[sitemap]") {
  Read bare = ReadAll("<urlset><url><loc>http://a.example/1</loc></url></urlset>");
  CHECK(bare.kind == SitemapKind::kUrlSet);
  CHECK(bare.urls == std::vector<std::string>{"http://a.example/1"});
  CHECK_FALSE(bare.error);

  Read mixed = ReadAll(R"(<?xml version="1.0"?>
<s:urlset xmlns:s="http://www.sitemaps.org/schemas/sitemap/0.9"
    xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"
    xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <s:url>
    <s:loc>http://a.example/2</s:loc>
    <image:image><image:loc>http://cdn.example/pic.jpg</image:loc></image:image>
    <xhtml:link rel="alternate" hreflang="de" href="http://a.example/de/2"/>
  </s:url>
  <image:loc>http://cdn.example/stray.jpg</image:loc>
  <s:url><image:loc>http://cdn.example/only-image.jpg</image:loc></s:url>
</s:urlset>)");
  CHECK(mixed.kind == SitemapKind::kUrlSet);
  CHECK_FALSE(mixed.error);
  CHECK(mixed.urls == std::vector<std::string>{"http://a.example/2"});
  CHECK(mixed.skipped == 1);  // the <url> with no <loc> of its own

  Read foreign = ReadAll(R"(<urlset xmlns="http://example.com/not-sitemaps"><url><loc>http://a.example/</loc></url></urlset>)");
  CHECK(foreign.kind == SitemapKind::kUnknown);
  REQUIRE(foreign.error);
  CHECK(foreign.error->starts_with("not a sitemap: the root element is <urlset>"));
  CHECK(foreign.urls.empty());
}

TEST_CASE("A gzip sitemap reads as its plain text does", "[sitemap]") {
  const Read plain = ReadAll(kUrlSet);
  CHECK(ReadAll(Gzip(kUrlSet)) == plain);
  // Two members, as concatenated .gz files are.
  const std::size_t half = kUrlSet.size() / 2;
  CHECK(ReadAll(Gzip(kUrlSet.substr(0, half)) + Gzip(kUrlSet.substr(half))) == plain);

  const std::string text = "http://a.example/1\nhttp://a.example/2\n";
  Read t = ReadAll(Gzip(text));
  CHECK(t.kind == SitemapKind::kText);
  CHECK(t.urls == std::vector<std::string>{"http://a.example/1", "http://a.example/2"});
}

TEST_CASE("A corrupt or cut gzip stream is an error, with the entries read before it",
          "[sitemap]") {
  std::string big = "<urlset>";
  for (int i = 0; i < 5000; ++i) {
    big += "<url><loc>http://a.example/p/" + std::to_string(i * 7919 % 100003) + "</loc></url>\n";
  }
  big += "</urlset>";
  const std::string packed = Gzip(big);

  SECTION("cut") {
    Read r = ReadAll(std::string_view(packed).substr(0, packed.size() / 2));
    CHECK(r.error == "sitemap's gzip stream is cut short");
    CHECK(r.urls.size() > 100);
    CHECK(r.urls.size() < 5000);
  }
  SECTION("corrupt") {
    // A wrong CRC-32 in the trailer: every byte inflated, none to be trusted.
    std::string bad = packed;
    bad[bad.size() - 8] = static_cast<char>(~bad[bad.size() - 8]);
    Read r = ReadAll(bad);
    CHECK(r.error == "sitemap's gzip stream is corrupt: incorrect data check");
    CHECK(r.urls.front() == "http://a.example/p/0");
    // Garbage in the middle: inflate refuses it, or inflates garbage that
    // the XML parser refuses; either way the entries before it are kept.
    std::string mangled = packed;
    for (std::size_t i = packed.size() / 2; i < packed.size() / 2 + 64; ++i) {
      mangled[i] = static_cast<char>(~mangled[i]);
    }
    Read m = ReadAll(mangled);
    INFO(m.error.value_or("no error"));
    REQUIRE(m.error);
    CHECK((m.error->starts_with("sitemap's gzip stream is corrupt") ||
           m.error->starts_with("XML error")));
    CHECK(m.urls.size() < 5000);
    CHECK(m.urls.front() == "http://a.example/p/0");
  }
  SECTION("junk after the stream") {
    Read r = ReadAll(packed + "garbage!");
    REQUIRE(r.error);
    CHECK(r.error->starts_with("sitemap's gzip stream is corrupt"));
    CHECK(r.urls.size() == 5000);
  }
}

TEST_CASE("A text sitemap has one URL a line, whatever the line ends", "[sitemap]") {
  Read r = ReadAll(
      "\xEF\xBB\xBF  http://t.example/one  \r\n"
      "\r\n"
      "https://t.example/two?a=1&b=2\r"
      "\n\n   \t\n"
      "http://t.example/three\n"
      "/relative/four\n"
      "ftp://t.example/five\n"
      "mailto:someone@t.example\n"
      "http://t.example/" + std::string(3000, 'x') + "\n"
      "http://t.example/" + std::string(9000, 'y') + "\n"
      "http://[::1/broken\n"
      "https://t.example/last");
  CHECK(r.kind == SitemapKind::kText);
  CHECK_FALSE(r.error);
  CHECK(r.urls == std::vector<std::string>{"http://t.example/one", "https://t.example/two?a=1&b=2",
                                           "http://t.example/three", "https://t.example/last"});
  CHECK(r.lastmods == std::vector<std::optional<std::int64_t>>(4, kNone));
  CHECK(r.skipped == 6);
}

TEST_CASE("A BOM and white space may come before the XML", "[sitemap]") {
  Read r = ReadAll("\xEF\xBB\xBF\r\n  <?xml version=\"1.0\"?>\r\n<urlset>\r\n<url>\r\n<loc>\r\n"
                   "http://b.example/x\r\n</loc>\r\n</url>\r\n</urlset>\r\n");
  CHECK(r.kind == SitemapKind::kUrlSet);
  CHECK_FALSE(r.error);
  CHECK(r.urls == std::vector<std::string>{"http://b.example/x"});
}

TEST_CASE("Invalid <loc>s are skipped and counted", "[sitemap]") {
  Read r = ReadAll("<urlset>"
                   "<url><loc>/relative</loc></url>"
                   "<url><loc>page.html</loc></url>"
                   "<url><loc>ftp://c.example/f</loc></url>"
                   "<url><loc>javascript:alert(1)</loc></url>"
                   "<url><loc></loc></url>"
                   "<url><lastmod>2020-01-01</lastmod></url>"
                   "<url><loc>http://c.example/" + std::string(2048 - 17, 'k') + "</loc></url>"
                   "<url><loc>http://c.example/" + std::string(2048 - 16, 'k') + "</loc></url>"
                   "<url><loc>http://c.example/" + std::string(10000, 'k') + "</loc></url>"
                   "<url><loc>HTTP://C.example/ok</loc><loc>http://c.example/second</loc></url>"
                   "</urlset>");
  CHECK_FALSE(r.error);
  REQUIRE(r.urls.size() == 2);
  CHECK(r.urls[0].size() == 2048);
  CHECK(r.urls[1] == "HTTP://C.example/ok");
  CHECK(r.skipped == 8);
}

TEST_CASE("Past 50,000 URLs the rest are ignored, and that is an error", "[sitemap]") {
  std::string body = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (int i = 1; i <= 50'001; ++i) {
    body += "<url><loc>https://d.example/" + std::to_string(i) + "</loc></url>\n";
  }
  body += "</urlset>\n";
  Read r = ReadAll(body);
  CHECK(r.error == "sitemap lists more than 50000 URLs; the rest were ignored");
  REQUIRE(r.urls.size() == 50'000);
  CHECK(r.urls.back() == "https://d.example/50000");

  std::string text;
  for (int i = 1; i <= 50'000; ++i) text += "https://d.example/" + std::to_string(i) + "\n";
  Read exactly = ReadAll(text);
  CHECK_FALSE(exactly.error);
  CHECK(exactly.urls.size() == 50'000);

  Read index = ReadAll(
      "<sitemapindex><sitemap><loc>http://d.example/1.xml</loc></sitemap>"
      "<sitemap><loc>http://d.example/2.xml</loc></sitemap></sitemapindex>",
      {.max_urls = 1});
  CHECK(index.error == "sitemap index lists more than 1 sitemaps; the rest were ignored");
  CHECK(index.urls == std::vector<std::string>{"http://d.example/1.xml"});
}

TEST_CASE("A sitemap over max_bytes stops there, keeping what came before", "[sitemap]") {
  std::string body = "<urlset>";
  for (int i = 0; i < 100; ++i) body += "<url><loc>http://e.example/" + std::to_string(i) + "</loc></url>";
  body += "</urlset>";
  Read r = ReadAll(body, {.max_bytes = 1000});
  CHECK(r.error == "sitemap is larger than 1000 bytes uncompressed");
  CHECK(r.urls.size() > 10);
  CHECK(r.urls.size() < 100);
  CHECK(ReadAll(body, {.max_bytes = body.size()}).urls.size() == 100);

  Read text = ReadAll(std::string(5000, '\n') + "http://e.example/late\n", {.max_bytes = 2 << 10});
  CHECK(text.error == "sitemap is larger than 2048 bytes uncompressed");
  CHECK(text.urls.empty());
}

TEST_CASE("A gzip bomb stops at max_bytes of inflated text", "[sitemap]") {
  std::string plain = "<urlset><url><loc>http://f.example/</loc></url>" + std::string(32 << 20, ' ') +
                      "</urlset>";
  const std::string bomb = Gzip(plain, 9);
  plain.clear();
  CHECK(bomb.size() < 100'000);
  SitemapReader reader({.max_bytes = 1 << 20});
  CHECK_FALSE(reader.Feed(bomb));
  reader.Finish();
  CHECK(reader.error() == "sitemap is larger than 1 MiB uncompressed");
  REQUIRE(reader.entries().size() == 1);
  CHECK(reader.entries()[0].url == "http://f.example/");
}

TEST_CASE("Malformed XML is an error naming its line, after the entries before it",
          "[sitemap]") {
  Read r = ReadAll("<urlset>\n<url><loc>http://g.example/1</loc></url>\n"
                   "<url><loc>http://g.example/2</url>\n"
                   "<url><loc>http://g.example/3</loc></url>\n</urlset>");
  CHECK(r.kind == SitemapKind::kUrlSet);
  CHECK(r.error == "XML error at line 3: mismatched tag");
  CHECK(r.urls == std::vector<std::string>{"http://g.example/1"});

  Read cut = ReadAll("<urlset><url><loc>http://g.example/1</loc></url><url><loc>http://g.exa");
  REQUIRE(cut.error);
  CHECK(cut.error->starts_with("XML error at line 1: "));
  CHECK(cut.urls == std::vector<std::string>{"http://g.example/1"});

  Read junk = ReadAll("<urlset><url><loc>http://g.example/\xff</loc></url></urlset>");
  REQUIRE(junk.error);
  CHECK(junk.error->starts_with("XML error at line 1: "));
}

TEST_CASE("A document that is no sitemap is an error", "[sitemap]") {
  Read html = ReadAll("<!DOCTYPE html>\n<html><body><a href=\"http://h.example/\">x</a></body></html>");
  CHECK(html.kind == SitemapKind::kUnknown);
  CHECK(html.error == "not a sitemap: the root element is <html>, not <urlset> or <sitemapindex>");
  CHECK(html.urls.empty());

  Read feed = ReadAll(R"(<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>)");
  CHECK(feed.error == "not a sitemap: the root element is <feed>, not <urlset> or <sitemapindex>");

  CHECK(ReadAll("").error == "sitemap is empty");
  CHECK(ReadAll(" \r\n\t\n").error == "sitemap is empty");
  CHECK(ReadAll("\xEF\xBB\xBF").error == "sitemap is empty");
  CHECK(ReadAll(Gzip("")).error == "sitemap is empty");
}

TEST_CASE("XML entity declarations are refused, billion laughs included", "[sitemap]") {
  Read r = ReadAll(R"(<?xml version="1.0"?>
<!DOCTYPE urlset [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<urlset><url><loc>http://i.example/&c;</loc></url></urlset>)");
  CHECK(r.error == "sitemap declares an XML entity, which is refused");
  CHECK(r.urls.empty());

  Read external = ReadAll(R"(<?xml version="1.0"?>
<!DOCTYPE urlset SYSTEM "file:///etc/passwd">
<urlset><url><loc>http://i.example/ok</loc></url></urlset>)");
  CHECK_FALSE(external.error);
  CHECK(external.urls == std::vector<std::string>{"http://i.example/ok"});
}

}  // namespace
}  // namespace forage
