// Crawling with the real binary: depth, dedupe, scope, patterns, --max-pages,
// robots.txt, politeness, retries, charsets and the parse deadline. The test
// server answers for several host names, which --resolve sends to it.

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <set>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

std::set<std::string> FinalUrls(const ForageRun& run) {
  std::set<std::string> out;
  for (const json& r : run.records) {
    if (!r["final_url"].is_null()) out.insert(r["final_url"].get<std::string>());
  }
  return out;
}

int Count(const std::vector<std::string>& lines, const std::string& line) {
  return static_cast<int>(std::count(lines.begin(), lines.end(), line));
}

TEST_CASE("A depth crawl finds exactly the site's pages, each once", "[crawl][integration]") {
  TestServer server({"--log-requests"});
  ForageRun run =
      RunForage(Args({"-j", "2", "-d", "3", "--url", server.HostUrl("a.test", "/site/")},
                     server.Resolve({"a.test"})));
  CHECK(run.exit_code == 1);  // missing.html is a 404
  auto url = [&](const std::string& path) { return server.HostUrl("a.test", "/site/" + path); };
  std::set<std::string> expected = {url(""),
                                    url("a.html"),
                                    url("b.html"),
                                    url("missing.html"),
                                    url("sub/c.html"),
                                    url("sub/d.html"),
                                    url("sub/deeper/e.html"),
                                    url("sub/deeper/f.html")};
  CHECK(run.records.size() == expected.size());
  CHECK(FinalUrls(run) == expected);
  std::map<std::string, int> depth_of;
  for (const json& r : run.records) depth_of[r["final_url"]] = r["depth"];
  CHECK(depth_of[url("")] == 0);
  CHECK(depth_of[url("a.html")] == 1);
  CHECK(depth_of[url("missing.html")] == 1);
  CHECK(depth_of[url("sub/d.html")] == 2);
  CHECK(depth_of[url("sub/deeper/f.html")] == 3);
  for (const json& r : run.records) {
    if (r["depth"] == 0) {
      CHECK(r["parent"].is_null());
    } else {
      CHECK(expected.count(r["parent"].get<std::string>()) == 1);
    }
  }
  // Every page fetched once; binary-looking links and mailto never fetched.
  std::vector<std::string> log = server.LinesSoFar();
  for (const char* page : {"/site/", "/site/a.html", "/site/sub/deeper/f.html"}) {
    CHECK(Count(log, "GOT " + std::string(page)) == 1);
  }
  CHECK(Count(log, "GOT /site/img/logo.png") == 0);
  CHECK(Count(log, "GOT /site/doc.pdf") == 0);
  CHECK(Count(log, "GOT /robots.txt") == 1);
}

TEST_CASE("Depth 1 stops one level below the listed URL", "[crawl][integration]") {
  TestServer server;
  ForageRun run = RunForage(
      Args({"-d", "1", "--url", server.HostUrl("a.test", "/site/")}, server.Resolve({"a.test"})));
  CHECK(run.records.size() == 5);  // index, a, b, sub/c, missing
  for (const json& r : run.records) CHECK(r["depth"].get<int>() <= 1);
}

TEST_CASE("A URL listed in several spellings gets one record", "[crawl][integration]") {
  TestServer server;
  ForageRun run = RunForage(Args({"--url", server.HostUrl("a.test", "/site/"), "--url",
                                  server.HostUrl("A.TEST", "/site/./#frag"), "--url",
                                  "HTTP://a.test:" + std::to_string(server.port()) + "/site/a/../"},
                                 server.Resolve({"a.test"})));
  CHECK(run.exit_code == 0);
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["url"] == server.HostUrl("a.test", "/site/"));
}

TEST_CASE("The page limit stops at exactly that many records", "[crawl][integration]") {
  TestServer server;
  ForageRun run = RunForage(
      Args({"-j", "2", "-d", "3", "--max-pages", "4", "--url", server.HostUrl("a.test", "/site/")},
           server.Resolve({"a.test"})));
  CHECK(run.records.size() == 4);
  std::string list;
  for (int i = 0; i < 10; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  TempDir dir;
  ForageRun listed = RunForage({"--max-pages", "3", dir.Write("l.txt", list)});
  CHECK(listed.records.size() == 3);
  CHECK(listed.exit_code == 0);
}

TEST_CASE("The scope follows the same host, the same domain, or any host", "[crawl][integration]") {
  TestServer server;
  const std::vector<std::string> hosts = {"www.ex.test", "shop.ex.test", "other.test"};
  std::string page = "/links?l=" + Escape(server.HostUrl("www.ex.test", "/page/1")) +
                     "&l=" + Escape(server.HostUrl("shop.ex.test", "/page/2")) +
                     "&l=" + Escape(server.HostUrl("other.test", "/page/3"));
  std::string seed = server.HostUrl("www.ex.test", page);
  auto crawl = [&](const std::string& scope) {
    return RunForage(Args({"-d", "1", "--scope", scope, "--url", seed}, server.Resolve(hosts)));
  };
  ForageRun host = crawl("host");
  CHECK(FinalUrls(host) == std::set<std::string>{seed, server.HostUrl("www.ex.test", "/page/1")});
  ForageRun domain = crawl("domain");
  CHECK(FinalUrls(domain) == std::set<std::string>{seed, server.HostUrl("www.ex.test", "/page/1"),
                                                   server.HostUrl("shop.ex.test", "/page/2")});
  ForageRun any = crawl("any");
  CHECK(any.records.size() == 4);
  CHECK(any.exit_code == 0);
}

TEST_CASE("Include and exclude patterns filter links, never listed URLs", "[crawl][integration]") {
  TestServer server;
  auto crawl = [&](std::vector<std::string> flags) {
    flags = Args({"-d", "3", "--url", server.HostUrl("a.test", "/site/")}, flags);
    return RunForage(Args(flags, server.Resolve({"a.test"})));
  };
  auto url = [&](const std::string& path) { return server.HostUrl("a.test", "/site/" + path); };
  ForageRun excluded = crawl({"--exclude", "/sub/"});
  CHECK(FinalUrls(excluded) ==
        std::set<std::string>{url(""), url("a.html"), url("b.html"), url("missing.html")});
  ForageRun included = crawl({"--include", "/[ab]\\.html$"});
  CHECK(FinalUrls(included) == std::set<std::string>{url(""), url("a.html"), url("b.html")});
  ForageRun excluded_seed = crawl({"--exclude", "."});  // matches all: only the listed URL
  CHECK(excluded_seed.records.size() == 1);
  // A pattern that includes a binary-looking link lets it through.
  ForageRun pdf = crawl({"-d", "1", "--include", "\\.pdf$"});
  CHECK(FinalUrls(pdf) == std::set<std::string>{url(""), url("doc.pdf")});
}

TEST_CASE("A bad pattern is a usage error", "[crawl][integration]") {
  ForageRun run = RunForage({"--include", "([a-z", "--url", "http://127.0.0.1:1/"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("--include") != std::string::npos);
  CHECK(run.records.empty());
}

using Files = std::vector<std::pair<std::string, std::string>>;

// A test server whose robots.txt files (name -> content) are given.
struct RobotsCase {
  TempDir dir;
  std::unique_ptr<TestServer> server;
  explicit RobotsCase(const Files& files) {
    for (const auto& [name, content] : files) dir.Write(name, content);
    server = std::make_unique<TestServer>(
        std::vector<std::string>{"--log-requests", "--robots-dir", dir.path()});
  }
  ForageRun Crawl(std::vector<std::string> flags = {}) {
    flags = Args({"-d", "3", "--url", server->HostUrl("a.test", "/site/")}, flags);
    return RunForage(Args(flags, server->Resolve({"a.test"})));
  }
};

TEST_CASE("robots.txt disallows paths: kind robots, never fetched",
          "[crawl][robots][integration]") {
  RobotsCase c(Files{{"a.test.txt", "User-agent: *\nDisallow: /site/sub/\n"}});
  ForageRun run = c.Crawl();
  CHECK(run.exit_code == 1);  // missing.html; robots records do not fail the run
  int robots = 0;
  for (const json& r : run.records) {
    std::string u = r["url"];
    if (u.find("/sub/") != std::string::npos) {
      CHECK(r["error"]["kind"] == "robots");
      CHECK(r["fetched_at"].is_null());
      ++robots;
    }
  }
  CHECK(robots == 3);  // c, d and e are found; f is only linked from e
  CHECK(run.records.size() == 7);
  std::vector<std::string> log = c.server->LinesSoFar();
  for (const std::string& line : log) CHECK(line.find("/site/sub/") == std::string::npos);
}

TEST_CASE("robots.txt groups for forage's product token win over '*'",
          "[crawl][robots][integration]") {
  RobotsCase c(
      Files{{"a.test.txt", "User-agent: *\nAllow: /\n\nUser-agent: Forage\nDisallow: /\n"}});
  ForageRun run = c.Crawl();
  CHECK(run.exit_code == 0);
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["error"]["kind"] == "robots");
  ForageRun other_agent = c.Crawl({"--user-agent", "otherbot/1.0"});
  CHECK(other_agent.records.size() == 8);
}

TEST_CASE("robots.txt answering 5xx disallows the host, 4xx allows it",
          "[crawl][robots][integration]") {
  RobotsCase unavailable(Files{{"a.test.status", "503"}});
  ForageRun run = unavailable.Crawl({"--retries", "1", "--retry-wait", "0.05"});
  // An error, not the site's policy: it fails the run, saying what happened.
  CHECK(run.exit_code == 1);
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["error"]["kind"] == "robots_unavailable");
  CHECK(run.records[0]["error"]["message"] ==
        "robots.txt is unavailable (HTTP 503 after 2 tries), so the host is off limits for this "
        "run");
  CHECK(Count(unavailable.server->LinesSoFar(), "GOT /site/") == 0);
  RobotsCase missing(Files{{"a.test.status", "404"}});
  CHECK(missing.Crawl().records.size() == 8);
}

// A dead site used to look like a good run: every page "robots", exit 0, no
// output, and a state that counted them all as done.
TEST_CASE("Pages robots.txt could not be had for fail the run and are fetched next run",
          "[crawl][robots][state][integration]") {
  // What robots.txt does on the first run: answer 500, or time out.
  const auto [name, content] =
      GENERATE(std::pair<std::string, std::string>{"a.test.status", "500"},
               std::pair<std::string, std::string>{"a.test.redirect", "/stall"});
  RobotsCase c(Files{{name, content}});
  TempDir dir;
  const std::string state = dir.path() + "/state.db";
  const std::string page = c.server->HostUrl("a.test", "/page/1");
  // --recrawl-after: a refused page stays done for the day; an unavailable one does not.
  const std::string refused = c.server->HostUrl("a.test", "/page/9");
  const std::vector<std::string> flags =
      Args({"--state", state, "--recrawl-after", "1d", "--timeout", "1", "--retries", "0", "--url",
            page, "--url", refused},
           c.server->Resolve({"a.test"}));

  ForageRun first = RunForage(flags);
  INFO("first run's stderr: " << first.err);
  CHECK(first.exit_code == 1);
  REQUIRE(first.records.size() == 2);
  for (const json& r : first.records) {
    CHECK(r["error"]["kind"] == "robots_unavailable");
    const std::string message = r["error"]["message"];
    CHECK(message.find(name == "a.test.status" ? "(HTTP 500)" : "(timeout: ") != std::string::npos);
  }
  CHECK(Count(c.server->LinesSoFar(), "GOT /page/1") == 0);

  // robots.txt answers now, and refuses one of the two pages.
  std::remove((c.dir.path() + "/" + name).c_str());
  c.dir.Write("a.test.txt", "User-agent: *\nDisallow: /page/9\n");
  ForageRun second = RunForage(flags);
  INFO("second run's stderr: " << second.err);
  CHECK(second.exit_code == 0);
  auto by = second.ByUrl();
  REQUIRE(by.size() == 2);
  CHECK(by[page]["ok"] == true);
  CHECK(by[page]["title"] == "Page 1");
  CHECK(by[refused]["error"]["kind"] == "robots");
  CHECK(Count(c.server->LinesSoFar(), "GOT /page/1") == 1);

  // A robots refusal is done, like a page fetched: neither is due for a day.
  ForageRun third = RunForage(flags);
  CHECK(third.exit_code == 0);
  CHECK(third.records.empty());
  CHECK(Count(c.server->LinesSoFar(), "GOT /robots.txt") == 0);
}

TEST_CASE("robots.txt is retried before a failure counts", "[crawl][robots][integration]") {
  // The first answer is a 503, the second the real file.
  RobotsCase c(Files{{"a.test.redirect", "/flaky/robots?fail=1"}});
  ForageRun run = c.Crawl({"--retry-wait", "0.05", "-d", "0"});
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["ok"] == true);
}

TEST_CASE("robots.txt redirects are followed", "[crawl][robots][integration]") {
  RobotsCase c(Files{{"a.test.redirect", "/robots-moved/a.txt"},
                     {"a.test.txt", "User-agent: *\nDisallow: /site/b.html\n"}});
  ForageRun run = c.Crawl();
  auto by = run.ByUrl();
  CHECK(by[c.server->HostUrl("a.test", "/site/b.html")]["error"]["kind"] == "robots");
  CHECK(by[c.server->HostUrl("a.test", "/site/a.html")]["ok"] == true);
}

TEST_CASE("With robots off, robots.txt is neither fetched nor obeyed",
          "[crawl][robots][integration]") {
  RobotsCase c(Files{{"a.test.txt", "User-agent: *\nDisallow: /\n"}});
  ForageRun run = c.Crawl({"--no-robots"});
  CHECK(run.records.size() == 8);
  CHECK(Count(c.server->LinesSoFar(), "GOT /robots.txt") == 0);
}

TEST_CASE("An unreachable host's pages keep the real failure kind",
          "[crawl][robots][integration]") {
  ForageRun run = RunForage({"--url", "http://127.0.0.1:1/a", "--url", "http://127.0.0.1:1/b"});
  CHECK(run.exit_code == 1);
  REQUIRE(run.records.size() == 2);
  for (const json& r : run.records) CHECK(r["error"]["kind"] == "connect");
}

// Gaps between consecutive request starts the server saw for `host`, in ms.
std::vector<double> Gaps(const json& stats, const std::string& host) {
  std::vector<double> starts = stats["hosts"][host]["starts_ms"].get<std::vector<double>>();
  std::vector<double> gaps;
  for (std::size_t i = 1; i < starts.size(); ++i) gaps.push_back(starts[i] - starts[i - 1]);
  return gaps;
}

TEST_CASE("The per-host limit caps concurrent requests to each host across fetchers",
          "[crawl][politeness][integration]") {
  TestServer server;
  TempDir dir;
  std::string list;
  for (int i = 0; i < 12; ++i) {
    list += server.HostUrl("a.test", "/slow/" + std::to_string(i) + "?ms=150") + "\n";
    list += server.HostUrl("b.test", "/slow/" + std::to_string(i) + "?ms=150") + "\n";
  }
  ForageRun run = RunForage(
      Args({"-j", "2", "-c", "16", "--per-host", "3", "--no-robots", dir.Write("l.txt", list)},
           server.Resolve({"a.test", "b.test"})));
  CHECK(run.exit_code == 0);
  CHECK(run.records.size() == 24);
  json stats = server.Stats();
  for (const char* host : {"a.test", "b.test"}) {
    INFO(host);
    CHECK(stats["hosts"][host]["requests"] == 12);
    CHECK(stats["hosts"][host]["max_in_flight"].get<int>() <= 3);
    CHECK(stats["hosts"][host]["max_in_flight"].get<int>() >= 2);  // it did run concurrently
  }
}

TEST_CASE("The per-host limit counts a host's origins together",
          "[crawl][politeness][integration]") {
  // One host name on two servers (two ports: two origins, as http and https
  // would be). With --per-host 1 no two requests to the host may overlap,
  // whichever server they went to.
  TestServer one;
  TestServer two;
  std::vector<std::string> args = {"-j", "2", "-c", "16", "--per-host", "1", "--no-robots"};
  for (int i = 0; i < 4; ++i) {
    for (TestServer* s : {&one, &two}) {
      args.push_back("--url");
      args.push_back(s->HostUrl("a.test", "/slow/" + std::to_string(i) + "?ms=100"));
    }
  }
  args = Args(args, one.Resolve({"a.test"}));
  args = Args(args, two.Resolve({"a.test"}));
  ForageRun run = RunForage(args);
  CHECK(run.exit_code == 0);
  CHECK(run.records.size() == 8);
  std::vector<std::pair<double, double>> spans;
  for (TestServer* s : {&one, &two}) {
    json stats = s->Stats();  // kept: the loop below reads into it
    for (const json& span : stats["hosts"]["a.test"]["spans_abs_ms"]) {
      spans.push_back({span[0].get<double>(), span[1].get<double>()});
    }
  }
  REQUIRE(spans.size() == 8);
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i) {
    INFO("request " << i << " began " << spans[i].first - spans[i - 1].second
                    << " ms after the one before ended");
    CHECK(spans[i].first >= spans[i - 1].second);
  }
}

TEST_CASE("The delay spaces request starts to one host", "[crawl][politeness][integration]") {
  TestServer server;
  std::vector<std::string> args = {"-j", "2", "--delay", "0.25", "--no-robots"};
  for (int i = 0; i < 5; ++i) {
    args.push_back("--url");
    args.push_back(server.HostUrl("a.test", "/page/" + std::to_string(i)));
  }
  args.push_back("--url");
  args.push_back(server.HostUrl("b.test", "/page/1"));
  ForageRun run = RunForage(Args(args, server.Resolve({"a.test", "b.test"})));
  CHECK(run.exit_code == 0);
  std::vector<double> gaps = Gaps(server.Stats(), "a.test");
  REQUIRE(gaps.size() == 4);
  for (double gap : gaps) CHECK(gap >= 240.0);  // a few ms of scheduling jitter allowed
}

TEST_CASE("The delay holds between requests' arrivals when a fetcher is busy",
          "[crawl][politeness][integration]") {
  // One fetcher, kept busy parsing a deep page (a second or so; much longer
  // on a loaded machine, which changes nothing here): the
  // a.test jobs handed to it meanwhile wait in its queue. Were the delay
  // counted from their dispatch, they would all go out together once the
  // parse ends.
  TestServer server;
  std::vector<std::string> args = {"-j",         "1",  "-c",           "4",
                                   "--delay",    "0.25", "--no-robots", "--parse-timeout",
                                   "100",         "--url", server.HostUrl("b.test", "/deep?n=20000")};
  for (int i = 0; i < 4; ++i) {
    args.push_back("--url");
    args.push_back(server.HostUrl("a.test", "/page/" + std::to_string(i)));
  }
  ForageRun run = RunForage(Args(args, server.Resolve({"a.test", "b.test"})), "", 110s);
  INFO(run.err);
  CHECK(run.exit_code == 0);
  std::vector<double> gaps = Gaps(server.Stats(), "a.test");
  REQUIRE(gaps.size() == 3);
  for (double gap : gaps) CHECK(gap >= 240.0);
}

TEST_CASE("robots.txt Crawl-delay raises the delay", "[crawl][politeness][robots][integration]") {
  RobotsCase c(Files{{"a.test.txt", "User-agent: *\nCrawl-delay: 0.3\n"}});
  ForageRun run = c.Crawl({"-d", "1"});
  CHECK(run.records.size() == 5);
  std::vector<double> gaps = Gaps(c.server->Stats(), "a.test");
  REQUIRE(gaps.size() == 5);  // robots.txt and five pages
  for (double gap : gaps) CHECK(gap >= 290.0);
}

TEST_CASE("A flaky endpoint succeeds on the third try", "[crawl][retry][integration]") {
  TestServer server({"--log-requests"});
  ForageRun run =
      RunForage({"--retry-wait", "0.05", "--no-robots", "--url", server.Url("/flaky/f1?fail=2")});
  CHECK(run.exit_code == 0);
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["title"] == "flaky f1");
  CHECK(Count(server.LinesSoFar(), "GOT /flaky/f1") == 3);
  ForageRun too_few = RunForage({"--retries", "1", "--retry-wait", "0.05", "--no-robots", "--url",
                                 server.Url("/flaky/f2?fail=2&status=500")});
  CHECK(too_few.exit_code == 1);
  REQUIRE(too_few.records.size() == 1);
  CHECK(too_few.records[0]["status"] == 500);
  CHECK(too_few.records[0]["error"]["kind"] == "http");
}

TEST_CASE("Retry-After is honoured, as seconds or an HTTP date", "[crawl][retry][integration]") {
  TestServer server;
  ForageRun run =
      RunForage(Args({"--no-robots", "--retry-wait", "0.01", "--url",
                      server.HostUrl("s.test", "/retry-after/r1?secs=1"), "--url",
                      server.HostUrl("d.test", "/retry-after/r2?secs=2&form=date&status=503")},
                     server.Resolve({"s.test", "d.test"})));
  CHECK(run.exit_code == 0);
  auto by = run.ByUrl();
  CHECK(by[server.HostUrl("s.test", "/retry-after/r1?secs=1")]["title"] == "retried r1");
  json stats = server.Stats();
  std::vector<double> seconds_gaps = Gaps(stats, "s.test");
  REQUIRE(seconds_gaps.size() == 1);
  CHECK(seconds_gaps[0] >= 950.0);
  std::vector<double> date_gaps = Gaps(stats, "d.test");
  REQUIRE(date_gaps.size() == 1);
  CHECK(date_gaps[0] >= 950.0);  // an HTTP date has whole seconds: 1 to 2 s away
}

// A host held back long looks like a hung run; the closing line says why.
// The run is stopped during the hold: the summary names the hold as asked.
TEST_CASE("A Retry-After hold over a minute is named in the summary line",
          "[crawl][retry][integration]") {
  TestServer server;
  TempDir dir;
  const std::string stats = dir.path() + "/stats.json";
  const std::string url = server.HostUrl("s.test", "/retry-after/long?secs=120");
  ChildProcess forage(ForageCommand(Args(
      {"--no-robots", "--retries", "1", "--log-level", "debug", "--stats", stats, "--url", url},
      server.Resolve({"s.test"}))));
  REQUIRE(forage.WaitErr("retrying " + url + " in 120000 ms", 20s));
  forage.Signal(SIGINT);
  REQUIRE(forage.Wait(20s) == 130);
  INFO("stderr: " << forage.err());
  CHECK(forage.err().find("(interrupted); Retry-After held back s.test for 120 s") !=
        std::string::npos);
  const json held = json::parse(ReadFile(stats))["held_back_seconds"];
  REQUIRE(held.contains("s.test"));
  CHECK(held["s.test"].get<double>() == Approx(120).margin(1));
}

TEST_CASE("Pages in legacy charsets come out as UTF-8", "[crawl][charset][integration]") {
  TestServer server;
  const std::string t1 = "caf\xc3\xa9 cr\xc3\xa8me \xe2\x82\xac";
  const std::string t2 = "na\xc3\xafve \xe2\x80\x9cquoted\xe2\x80\x9d";
  const std::string t3 =
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x9a\xe3\x83\xbc"
      "\xe3\x82\xb8";
  const std::string t4 =
      "Gr\xc3\xbc\xc3\x9f"
      "e \xe6\x97\xa5\xe6\x9c\xac";
  const std::vector<std::pair<std::string, std::string>> pages = {
      {"cp1252-header", t1},    {"cp1252-meta", t1},  {"cp1252-httpequiv", t1},
      {"latin1-header", t2},    {"latin1-meta", t2},  {"latin1-httpequiv", t2},
      {"sjis-header", t3},      {"sjis-meta", t3},    {"sjis-httpequiv", t3},
      {"utf8bom-header", t4},   {"utf8bom-meta", t4}, {"utf8bom-httpequiv", t4},
      {"utf8bom-conflict", t4}, {"undeclared", t1}};
  std::vector<std::string> args = {"-j", "2", "--no-robots"};
  for (const auto& [name, title] : pages) {
    args.push_back("--url");
    args.push_back(server.Url("/charset/" + name));
  }
  ForageRun run = RunForage(args);
  CHECK(run.exit_code == 0);
  auto by = run.ByUrl();
  for (const auto& [name, title] : pages) {
    INFO(name);
    CHECK(by[server.Url("/charset/" + name)]["title"] == title);
  }
}

TEST_CASE("A page that takes too long to parse is killed, the rest goes on",
          "[crawl][integration]") {
  TestServer server;
  // --full-parse: 150,000 unclosed <div>s cost gumbo seconds; the scanner
  // reads them in a blink, and would leave nothing to time out.
  ForageRun run = RunForage({"-j", "1", "-c", "4", "--parse-timeout", "1", "--full-parse",
                             "--no-robots", "--url", server.Url("/deep?n=150000"), "--url",
                             server.Url("/page/1"), "--url", server.Url("/page/2")},
                            "", 60s);
  CHECK(run.exit_code == 1);
  auto by = run.ByUrl();
  const json& deep = by[server.Url("/deep?n=150000")];
  CHECK(deep["error"]["kind"] == "worker_crash");
  CHECK(deep["error"]["message"].get<std::string>().find("--parse-timeout") != std::string::npos);
  CHECK(by[server.Url("/page/1")]["ok"] == true);
  CHECK(by[server.Url("/page/2")]["ok"] == true);
}

TEST_CASE("A found page redirecting out of scope is out_of_scope, a listed one is followed",
          "[crawl][integration]") {
  TestServer server;
  std::string away = server.HostUrl("other.test", "/page/7");
  std::string hop = "/redirect-to?url=" + Escape(away);
  std::string seed = server.HostUrl("a.test", "/links?l=" + Escape(hop));
  ForageRun run = RunForage(Args(
      {"-d", "1", "--no-robots", "--url", seed, "--url",
       server.HostUrl("a.test", "/redirect-to?url=" + Escape(server.HostUrl("b.test", "/page/8")))},
      server.Resolve({"a.test", "other.test", "b.test"})));
  CHECK(run.exit_code == 0);  // out_of_scope does not fail the run
  auto by = run.ByUrl();
  const json& found = by[server.HostUrl("a.test", hop)];
  CHECK(found["error"]["kind"] == "out_of_scope");
  CHECK(found["final_url"] == away);
  CHECK(found["depth"] == 1);
  bool followed = false;
  for (const json& r : run.records)
    followed |= r["final_url"] == server.HostUrl("b.test", "/page/8");
  CHECK(followed);
}

}  // namespace
}  // namespace forage::test
