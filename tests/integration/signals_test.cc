// Site owners' signals, end to end (issue 20, point 3): robots meta tags,
// X-Robots-Tag, rel="nofollow", canonical URLs in markup and in Link
// headers, and --ignore-nofollow, --skip-noindex and --canonical. The test
// server's /served route answers with the headers and body a test asks for.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

// The /served URL answering `body` (HTML unless `type`) with `headers`.
std::string Served(const TestServer& server, const std::vector<std::string>& headers,
                   const std::string& body, const std::string& type = "") {
  std::string path = "/served?body=" + Escape(body);
  for (const std::string& h : headers) path += "&h=" + Escape(h);
  if (!type.empty()) path += "&type=" + Escape(type);
  return server.Url(path);
}

std::vector<std::string> UrlArgs(std::vector<std::string> a, const std::vector<std::string>& urls) {
  for (const std::string& url : urls) {
    a.push_back("--url");
    a.push_back(url);
  }
  return a;
}

int RequestsFor(TestServer& server, const std::string& path) {
  int n = 0;
  const json all = server.Requests();
  for (const json& r : all["requests"]) n += r["path"] == path ? 1 : 0;
  return n;
}

const std::string kLinked = R"(<a href="/page/1">one</a>)";

}  // namespace

TEST_CASE("Robots meta tags and X-Robots-Tag headers set noindex and empty a nofollow page's links",
          "[signals][integration]") {
  TestServer server;
  const std::string page1 = server.Url("/page/1");
  struct Case {
    std::string url;
    bool noindex;
    bool nofollow;
  };
  const std::vector<Case> cases = {
      {Served(server, {}, kLinked), false, false},
      {Served(server, {}, R"(<meta name="robots" content="nofollow">)" + kLinked), false, true},
      {Served(server, {}, R"(<META NAME="Robots" CONTENT="NoIndex">)" + kLinked), true, false},
      {Served(server, {}, R"(<meta name="forage" content="none">)" + kLinked), true, true},
      {Served(server, {}, R"(<meta name="otherbot" content="none">)" + kLinked), false, false},
      {Served(server, {"X-Robots-Tag: nofollow"}, kLinked), false, true},
      {Served(server, {"X-Robots-Tag: forage: noindex"}, kLinked), true, false},
      {Served(server, {"X-Robots-Tag: otherbot: noindex"}, kLinked), false, false},
      {Served(server, {"X-Robots-Tag: googlebot: nofollow", "X-Robots-Tag: FORAGE: nofollow"},
              kLinked),
       false, true},
      {Served(server, {"X-Robots-Tag: noindex"}, "plain text", "text/plain"), true, false},
  };
  std::vector<std::string> urls;
  for (const Case& c : cases) urls.push_back(c.url);
  ForageRun run = RunForage(UrlArgs({"--no-robots", "-j", "1"}, urls));
  REQUIRE(run.exit_code == 0);
  auto by = run.ByUrl();
  REQUIRE(by.size() == cases.size());
  for (const Case& c : cases) {
    INFO(c.url);
    const json& r = by[c.url];
    CHECK(r["ok"] == true);
    CHECK(r["noindex"] == c.noindex);
    CHECK(r["canonical"].is_null());
    if (r["content_type"] == "text/plain") continue;
    CHECK(r["links"] == (c.nofollow ? json::array() : json::array({page1})));
  }
}

TEST_CASE("A nofollow page's links are not followed, but for --ignore-nofollow",
          "[signals][integration]") {
  TestServer server;
  const std::string meta =
      Served(server, {}, R"(<meta name="robots" content="nofollow">)" + kLinked);
  const std::string header =
      Served(server, {"X-Robots-Tag: forage: nofollow"}, R"(<a href="/page/2">two</a>)");
  const std::string rel =
      Served(server, {}, R"(<a href="/page/3" rel="nofollow ugc">x</a><a href="/page/4">y</a>)");
  ForageRun run = RunForage(UrlArgs({"--no-robots", "-d", "1", "-j", "1"}, {meta, header, rel}));
  REQUIRE(run.exit_code == 0);
  auto by = run.ByUrl();
  // Only /page/4 is followed.
  CHECK(by.size() == 4);
  CHECK(by.count(server.Url("/page/4")) == 1);
  CHECK(by[rel]["links"] == json::array({server.Url("/page/4")}));

  run = RunForage(
      UrlArgs({"--no-robots", "-d", "1", "-j", "1", "--ignore-nofollow"}, {meta, header, rel}));
  REQUIRE(run.exit_code == 0);
  by = run.ByUrl();
  CHECK(by.size() == 7);
  for (const char* path : {"/page/1", "/page/2", "/page/3", "/page/4"}) {
    CHECK(by.count(server.Url(path)) == 1);
  }
  CHECK(by[rel]["links"] == json::array({server.Url("/page/3"), server.Url("/page/4")}));
}

TEST_CASE("With --skip-noindex a noindex page has no record and its links are still followed",
          "[signals][integration]") {
  TestServer server;
  const std::string hidden =
      Served(server, {}, R"(<meta name="robots" content="noindex">)" + kLinked);
  const std::string header_hidden =
      Served(server, {"X-Robots-Tag: noindex"}, R"(<a href="/page/5">five</a>)");
  const std::string shown = Served(server, {}, "<title>shown</title>");
  ForageRun run =
      RunForage(UrlArgs({"--no-robots", "-d", "1", "-j", "1"}, {hidden, header_hidden, shown}));
  REQUIRE(run.exit_code == 0);
  CHECK(run.records.size() == 5);
  CHECK(run.ByUrl()[hidden]["noindex"] == true);

  run = RunForage(UrlArgs({"--no-robots", "-d", "1", "-j", "1", "--skip-noindex"},
                       {hidden, header_hidden, shown}));
  REQUIRE(run.exit_code == 0);
  auto by = run.ByUrl();
  CHECK(by.size() == 3);
  CHECK(by.count(shown) == 1);
  CHECK(by.count(hidden) == 0);
  CHECK(by.count(header_hidden) == 0);
  REQUIRE(by.count(server.Url("/page/1")) == 1);
  CHECK(by[server.Url("/page/1")]["parent"] == hidden);
  CHECK(by.count(server.Url("/page/5")) == 1);
}

TEST_CASE("A canonical URL comes from the page's <link>, else from its Link header",
          "[signals][integration]") {
  TestServer server;
  const std::string tag = Served(server, {}, R"(<head><link rel="canonical" href="/page/7#top">)");
  const std::string header =
      Served(server, {R"(Link: </style.css>; rel=preload, </page/8>; rel="canonical")"},
             "a document", "application/pdf");
  const std::string both = Served(server, {"Link: <http://elsewhere.test/x>; rel=canonical"},
                                  R"(<head><link rel="canonical" href="/page/9">)");
  const std::string none = Served(server, {"Link: </page/10>; rel=next"}, "<p>x</p>");
  ForageRun run = RunForage(UrlArgs({"--no-robots", "-j", "1"}, {tag, header, both, none}));
  REQUIRE(run.exit_code == 0);
  auto by = run.ByUrl();
  CHECK(by[tag]["canonical"] == server.Url("/page/7"));
  CHECK(by[header]["canonical"] == server.Url("/page/8"));
  CHECK(by[both]["canonical"] == server.Url("/page/9"));
  CHECK(by[none]["canonical"].is_null());
  for (const auto& [url, r] : by) CHECK(r["ok"] == true);
}

TEST_CASE("With --canonical a page naming another URL is a duplicate and that URL is fetched once",
          "[signals][integration]") {
  TestServer server;
  const std::string canonical = server.Url("/page/3");
  const std::string dup = Served(server, {},
                                 R"(<head><link rel="canonical" href="/page/3">)" +
                                     std::string(R"(<a href="/page/20">x</a>)"));
  const std::string by_header =
      Served(server, {"Link: </page/3>; rel=canonical"}, "<title>header</title>");
  const std::string self = Served(server, {}, "<title>self</title>");
  // Out of scope (another host): recorded as usual, with its canonical.
  const std::string away =
      Served(server, {}, R"(<head><link rel="canonical" href="http://elsewhere.test/">)");
  // The canonical URL is listed too: it is still fetched once.
  ForageRun run = RunForage(
      UrlArgs({"--no-robots", "-j", "1", "--canonical"}, {dup, by_header, self, away, canonical}));
  CHECK(run.exit_code == 0);  // a duplicate is no failure
  auto by = run.ByUrl();
  CHECK(by.size() == 5);
  for (const std::string& url : {dup, by_header}) {
    INFO(url);
    const json& r = by[url];
    CHECK(r["ok"] == false);
    CHECK(r["error"]["kind"] == "duplicate");
    CHECK(r["error"]["message"] == "duplicate of " + canonical);
    CHECK(r["canonical"] == canonical);
    CHECK(r["status"] == 200);
  }
  CHECK(by[dup]["links"] == json::array({server.Url("/page/20")}));
  CHECK(by[self]["ok"] == true);
  CHECK(by[away]["ok"] == true);
  CHECK(by[away]["canonical"] == "http://elsewhere.test/");
  CHECK(by[canonical]["ok"] == true);
  CHECK(RequestsFor(server, "/page/3") == 1);

  // Not listed, the canonical URL is fetched as a link of the page, at its
  // depth (none here), once.
  TestServer fresh;
  const std::string lone = Served(fresh, {}, R"(<head><link rel="canonical" href="/page/3">)");
  const std::string twin = Served(fresh, {"Link: </page/3>; rel=canonical"}, "<title>twin</title>");
  run = RunForage(UrlArgs({"--no-robots", "-j", "1", "--canonical"}, {lone, twin}));
  CHECK(run.exit_code == 0);
  by = run.ByUrl();
  REQUIRE(by.size() == 3);
  const json& page = by[fresh.Url("/page/3")];
  CHECK(page["ok"] == true);
  CHECK(page["depth"] == 0);
  CHECK((page["parent"] == lone || page["parent"] == twin));
  CHECK(by[lone]["error"]["kind"] == "duplicate");
  CHECK(by[twin]["error"]["kind"] == "duplicate");
  CHECK(RequestsFor(fresh, "/page/3") == 1);
}

}  // namespace forage::test
