// --sitemaps with the real binary: robots.txt's Sitemap: lines, indexes,
// gzip and plain-text sitemaps, broken ones and ones past the protocol's
// limits, the /sitemap.xml guess, --depth 0, scope, robots.txt, <lastmod>
// with a state. The test server serves each host's files from a directory
// (--doc-dir) that the test writes once it knows the port.

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "support/forage_run.h"
#include "support/gzip.h"

namespace forage::test {
namespace {

using nlohmann::json;

std::string UrlSet(const std::vector<std::string>& entries) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& e : entries) xml += "  <url>" + e + "</url>\n";
  return xml + "</urlset>\n";
}

std::string Index(const std::vector<std::string>& locs) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& loc : locs) xml += "  <sitemap><loc>" + loc + "</loc></sitemap>\n";
  return xml + "</sitemapindex>\n";
}

std::string Page(const std::string& title, const std::string& link = "") {
  return "<!DOCTYPE html><title>" + title + "</title>" +
         (link.empty() ? "" : "<a href=\"" + link + "\">next</a>");
}

int Count(const std::vector<std::string>& lines, const std::string& line) {
  return static_cast<int>(std::count(lines.begin(), lines.end(), line));
}

// A test server whose hosts' robots.txt and files the test writes.
struct Site {
  TempDir robots, docs;
  TestServer server{{"--log-requests", "--robots-dir", robots.path(), "--doc-dir", docs.path()}};

  std::string Url(const std::string& host, const std::string& path) const {
    return server.HostUrl(host, path);
  }
  void Robots(const std::string& host, const std::string& text) const {
    robots.Write(host + ".txt", text);
  }
  void File(const std::string& host, const std::string& path, const std::string& body) const {
    std::filesystem::create_directories(docs.path() + "/" + host);
    docs.Write(host + "/" + path, body);
  }
};

TEST_CASE("Sitemaps named by robots.txt: indexes, gzip, text, broken and oversized ones",
          "[sitemap][integration]") {
  Site site;
  auto u = [&](const std::string& path) { return site.Url("s.test", path); };
  site.Robots("s.test", "User-agent: *\nDisallow: /doc/private.html\n"
                        "Sitemap: " + u("/doc/index.xml") + "\n"
                        "Sitemap: " + u("/doc/list.txt") + "\n"
                        "sitemap: " + u("/doc/broken.xml") + "\n"
                        "Sitemap: " + u("/doc/bomb.xml.gz") + "\n");
  site.File("s.test", "index.xml", Index({u("/doc/a.xml"), u("/doc/b.xml.gz")}));
  site.File("s.test", "a.xml",
            UrlSet({"<loc>" + u("/doc/p1.html") + "</loc><lastmod>2004-10-01</lastmod>",
                    "<loc>\n  " + u("/doc/p2.html") + "\n</loc><changefreq>daily</changefreq>",
                    "<loc>" + u("/doc/private.html") + "</loc>",
                    "<loc>" + site.Url("elsewhere.test", "/doc/x.html") + "</loc>",
                    "<loc>" + u("/doc/p1.html") + "</loc>"}));
  site.File("s.test", "b.xml.gz",
            Gzip(UrlSet({"<loc>" + u("/doc/p3.html") + "</loc>",
                         "<loc>" + u("/doc/p4.html?a=1&amp;b=2") + "</loc>"})));
  site.File("s.test", "list.txt", "\xEF\xBB\xBF" + u("/doc/p5.html") + "\r\n\r\n  " +
                                      u("/doc/p2.html") + "  \n");
  site.File("s.test", "broken.xml",
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>" +
                u("/doc/p6.html") + "</loc></url><url><loc>oops</url>");
  // 51 MiB of whitespace inside a urlset: 51 KiB of gzip, past the 50 MiB
  // a sitemap may hold uncompressed.
  site.File("s.test", "bomb.xml.gz",
            Gzip(UrlSet({"<loc>" + u("/doc/p7.html") + "</loc>"}) + std::string(51u << 20, ' ')));
  for (const char* p : {"start", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "private", "deep"}) {
    site.File("s.test", std::string(p) + ".html", Page(p, "/doc/deep.html"));
  }

  ForageRun run = RunForage(Args({"--sitemaps", "-j", "2", "--url", u("/doc/start.html")},
                                 site.server.Resolve({"s.test", "elsewhere.test"})));
  CHECK(run.exit_code == 1);  // the broken and the oversized sitemap are failures
  std::map<std::string, json> by = run.ByUrl();
  // Each sitemap is a record at depth 0, its parent what named it.
  for (const char* s : {"/doc/index.xml", "/doc/list.txt", "/doc/broken.xml", "/doc/bomb.xml.gz"}) {
    INFO(s);
    REQUIRE(by.count(u(s)) == 1);
    CHECK(by[u(s)]["depth"] == 0);
    CHECK(by[u(s)]["parent"] == u("/robots.txt"));
  }
  for (const char* s : {"/doc/a.xml", "/doc/b.xml.gz"}) {
    INFO(s);
    REQUIRE(by.count(u(s)) == 1);
    CHECK(by[u(s)]["ok"] == true);
    CHECK(by[u(s)]["parent"] == u("/doc/index.xml"));
  }
  CHECK(by[u("/doc/index.xml")]["links"] == json({u("/doc/a.xml"), u("/doc/b.xml.gz")}));
  CHECK(by[u("/doc/broken.xml")]["error"]["kind"] == "sitemap");
  CHECK(by[u("/doc/bomb.xml.gz")]["error"]["kind"] == "sitemap");
  CHECK(by[u("/doc/bomb.xml.gz")]["error"]["message"].get<std::string>().find("50") !=
        std::string::npos);
  // The pages they list, at depth 1 under the sitemap that listed them
  // first, each once; what was read of a broken sitemap counts.
  std::map<std::string, std::string> parent_of = {
      {"/doc/p1.html", "/doc/a.xml"},      {"/doc/p2.html", "/doc/a.xml"},
      {"/doc/p3.html", "/doc/b.xml.gz"},   {"/doc/p4.html?a=1&b=2", "/doc/b.xml.gz"},
      {"/doc/p5.html", "/doc/list.txt"},   {"/doc/p6.html", "/doc/broken.xml"},
      {"/doc/p7.html", "/doc/bomb.xml.gz"}};
  for (const auto& [page, sitemap] : parent_of) {
    INFO(page);
    REQUIRE(by.count(u(page)) == 1);
    CHECK(by[u(page)]["depth"] == 1);
    CHECK(by[u(page)]["ok"] == true);
    if (page != "/doc/p2.html") CHECK(by[u(page)]["parent"] == u(sitemap));  // a.xml or list.txt
  }
  CHECK(by[u("/doc/private.html")]["error"]["kind"] == "robots");
  CHECK(by.count(site.Url("elsewhere.test", "/doc/x.html")) == 0);  // out of scope
  // 1 listed + 6 sitemaps + 7 pages + private
  CHECK(run.records.size() == 15);
  std::vector<std::string> log = site.server.LinesSoFar();
  CHECK(Count(log, "GOT /doc/deep.html") == 0);  // --depth 0: no link of a page followed
  CHECK(Count(log, "GOT /doc/p2.html") == 1);
  CHECK(Count(log, "GOT /doc/private.html") == 0);
  CHECK(Count(log, "GOT /sitemap.xml") == 0);  // robots.txt named its sitemaps
  CHECK(Count(log, "GOT /robots.txt") == 1);
}

TEST_CASE("Without Sitemap lines /sitemap.xml is tried, and its absence makes no record",
          "[sitemap][integration]") {
  Site site;
  site.File("g.test", "sitemap.xml", UrlSet({"<loc>" + site.Url("g.test", "/doc/g1.html") + "</loc>"}));
  site.File("g.test", "g1.html", Page("g1", "/doc/g2.html"));
  site.File("g.test", "g2.html", Page("g2"));
  site.File("n.test", "start.html", Page("n"));
  ForageRun run = RunForage(
      Args({"--sitemaps", "--depth", "1", "--url", site.Url("g.test", "/doc/g2.html"), "--url",
            site.Url("n.test", "/doc/start.html")},
           site.server.Resolve({"g.test", "n.test"})));
  CHECK(run.exit_code == 0);
  std::map<std::string, json> by = run.ByUrl();
  CHECK(run.records.size() == 4);  // two listed, one sitemap, g1; no record for n.test's guess
  REQUIRE(by.count(site.Url("g.test", "/sitemap.xml")) == 1);
  CHECK(by[site.Url("g.test", "/sitemap.xml")]["parent"].is_null());
  REQUIRE(by.count(site.Url("g.test", "/doc/g1.html")) == 1);
  CHECK(by[site.Url("g.test", "/doc/g1.html")]["parent"] == site.Url("g.test", "/sitemap.xml"));
  CHECK(by.count(site.Url("n.test", "/sitemap.xml")) == 0);
  std::vector<std::string> log = site.server.LinesSoFar();
  CHECK(Count(log, "GOT /sitemap.xml") == 2);
  CHECK(Count(log, "GOT /doc/g2.html") == 1);  // listed, and linked from g1 at depth 1: once
}

TEST_CASE("A listed URL that names a sitemap is read as one", "[sitemap][integration]") {
  Site site;
  auto u = [&](const std::string& path) { return site.Url("t.test", path); };
  // The protocol's own example, with an escaped ampersand, on this server.
  site.File("t.test", "Sitemap-1.XML",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            "  <url>\n    <loc>" + u("/doc/catalog?item=12&amp;desc=vacation_hawaii") + "</loc>\n"
            "    <changefreq>weekly</changefreq>\n  </url>\n"
            "  <url>\n    <loc>" + u("/doc/a.html") + "</loc>\n    <lastmod>2005-01-01</lastmod>\n"
            "    <changefreq>monthly</changefreq>\n    <priority>0.8</priority>\n  </url>\n"
            "</urlset>\n");
  site.File("t.test", "catalog", Page("catalog"));
  site.File("t.test", "a.html", Page("a"));
  ForageRun run = RunForage(Args({"--sitemaps", "--url", u("/doc/Sitemap-1.XML")},
                                 site.server.Resolve({"t.test"})));
  CHECK(run.exit_code == 0);
  std::map<std::string, json> by = run.ByUrl();
  CHECK(run.records.size() == 3);  // and no record for the /sitemap.xml guess, not there
  REQUIRE(by.count(u("/doc/Sitemap-1.XML")) == 1);
  CHECK(by[u("/doc/Sitemap-1.XML")]["links"] ==
        json({u("/doc/catalog?item=12&desc=vacation_hawaii"), u("/doc/a.html")}));
  CHECK(by[u("/doc/Sitemap-1.XML")]["parent"].is_null());
  REQUIRE(by.count(u("/doc/catalog?item=12&desc=vacation_hawaii")) == 1);
  CHECK(by[u("/doc/catalog?item=12&desc=vacation_hawaii")]["parent"] == u("/doc/Sitemap-1.XML"));
  CHECK(by[u("/doc/a.html")]["depth"] == 1);
}

TEST_CASE("Sitemap indexes nested past three levels are not read", "[sitemap][integration]") {
  Site site;
  auto u = [&](const std::string& path) { return site.Url("i.test", path); };
  site.Robots("i.test", "Sitemap: " + u("/doc/i1.xml") + "\n");
  site.File("i.test", "i1.xml", Index({u("/doc/i2.xml")}));
  site.File("i.test", "i2.xml", Index({u("/doc/i3.xml")}));
  site.File("i.test", "i3.xml", Index({u("/doc/i4.xml")}));
  site.File("i.test", "i4.xml", UrlSet({"<loc>" + u("/doc/p.html") + "</loc>"}));
  site.File("i.test", "p.html", Page("p"));
  ForageRun run = RunForage(Args({"--sitemaps", "--url", u("/doc/p.html")},
                                 site.server.Resolve({"i.test"})));
  CHECK(run.exit_code == 1);
  std::map<std::string, json> by = run.ByUrl();
  CHECK(run.records.size() == 5);
  REQUIRE(by.count(u("/doc/i4.xml")) == 1);
  CHECK(by[u("/doc/i4.xml")]["error"]["kind"] == "sitemap");
  CHECK(by[u("/doc/i4.xml")]["parent"] == u("/doc/i3.xml"));
  CHECK(Count(site.server.LinesSoFar(), "GOT /doc/i4.xml") == 0);
}

TEST_CASE("With --no-robots the Sitemap lines are read and the rules are not obeyed",
          "[sitemap][integration]") {
  Site site;
  auto u = [&](const std::string& path) { return site.Url("r.test", path); };
  site.Robots("r.test", "User-agent: *\nDisallow: /\nSitemap: " + u("/doc/s.xml") + "\n");
  site.File("r.test", "s.xml", UrlSet({"<loc>" + u("/doc/p.html") + "</loc>"}));
  site.File("r.test", "p.html", Page("p"));
  site.File("r.test", "start.html", Page("start"));
  ForageRun run = RunForage(Args({"--sitemaps", "--no-robots", "--url", u("/doc/start.html")},
                                 site.server.Resolve({"r.test"})));
  CHECK(run.exit_code == 0);
  std::map<std::string, json> by = run.ByUrl();
  CHECK(run.records.size() == 3);
  CHECK(by[u("/doc/p.html")]["ok"] == true);
  CHECK(by[u("/doc/start.html")]["ok"] == true);
}

TEST_CASE("A sitemap's lastmod older than the last fetch makes a page not due",
          "[sitemap][integration]") {
  Site site;
  TempDir dir;
  auto u = [&](const std::string& path) { return site.Url("l.test", path); };
  site.Robots("l.test", "Sitemap: " + u("/doc/s.xml") + "\n");
  site.File("l.test", "s.xml",
            UrlSet({"<loc>" + u("/doc/old.html") + "</loc><lastmod>2001-02-03T04:05:06Z</lastmod>",
                    "<loc>" + u("/doc/new.html") + "</loc><lastmod>2999-01-01</lastmod>",
                    "<loc>" + u("/doc/none.html") + "</loc>"}));
  for (const char* p : {"old", "new", "none", "start"}) site.File("l.test", std::string(p) + ".html", Page(p));
  const std::vector<std::string> args =
      Args({"--sitemaps", "--state", dir.path() + "/s.db", "--recrawl-after", "0.001",
            "--url", u("/doc/start.html")},
           site.server.Resolve({"l.test"}));
  ForageRun first = RunForage(args);
  CHECK(first.exit_code == 0);
  CHECK(first.records.size() == 5);
  site.server.LinesSoFar();  // forget the first run's requests
  ForageRun second = RunForage(args);
  CHECK(second.exit_code == 0);
  std::map<std::string, json> by = second.ByUrl();
  CHECK(by.count(u("/doc/old.html")) == 0);  // not due: no record, no request
  CHECK(by.count(u("/doc/new.html")) == 1);
  CHECK(by.count(u("/doc/none.html")) == 1);
  CHECK(by.count(u("/doc/s.xml")) == 1);  // a sitemap is read every pass
  std::vector<std::string> log = site.server.LinesSoFar();
  CHECK(Count(log, "GOT /doc/old.html") == 0);
  CHECK(Count(log, "GOT /doc/new.html") == 1);
  CHECK(Count(log, "GOT /doc/s.xml") == 1);
}

TEST_CASE("Sitemaps are refused with --frontier", "[sitemap][integration]") {
  ForageRun run = RunForage({"--sitemaps", "--frontier", "redis://127.0.0.1:1", "--crawl-id", "x",
                             "--url", "http://127.0.0.1:1/"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("--sitemaps") != std::string::npos);
}

}  // namespace
}  // namespace forage::test
