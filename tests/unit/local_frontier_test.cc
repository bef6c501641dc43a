// LocalFrontier: admission, claims and their ends, politeness, robots.txt
// per origin, and the disk behind the queue, driven without processes and
// with time passed in.

#include "crawl/local_frontier.h"

#include <algorithm>
#include <catch2/catch.hpp>

namespace forage {
namespace {

using std::chrono::milliseconds;
using TimePoint = Frontier::TimePoint;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

CrawlOptions Crawl(int depth) {
  CrawlOptions o;
  o.depth = depth;
  o.robots = false;
  return o;
}

std::unique_ptr<LocalFrontier> Make(const CrawlOptions& o,
                                    LocalFrontier::AdmitFilter filter = nullptr) {
  Ended ended;
  auto f = LocalFrontier::Create(o, nullptr, std::move(filter), &ended);
  REQUIRE(f.ok());
  REQUIRE(ended.empty());
  return std::move(f).value();
}

InputLine Line(const std::string& text) { return InputLine{text, "urls.txt:1", false}; }

LinkSource From(const std::string& url, int depth, const std::string& root) {
  return LinkSource{depth, std::make_shared<const std::string>(url),
                    std::make_shared<const std::string>(root)};
}

std::vector<std::string> ClaimAll(Frontier& f, TimePoint now, std::vector<Job>* held = nullptr) {
  std::vector<std::string> urls;
  while (std::optional<Claim> c = f.ClaimNext(now, 1, nullptr)) {
    urls.push_back(c->job.Url());
    if (held) held->push_back(std::move(c->job));
  }
  return urls;
}

TEST_CASE("Frontier admits listed URLs once and ends bad lines at once", "[frontier]") {
  auto f = Make(Crawl(0));
  Ended ended;
  CHECK(f->AdmitListed(Line("http://a.test/"), &ended) == Admission::kQueued);
  CHECK(f->AdmitListed(Line("http://A.test:80/#x"), &ended) == Admission::kSeen);
  CHECK(f->AdmitListed(Line("ftp://a.test/"), &ended) == Admission::kEnded);
  CHECK(f->AdmitListed(Line("not a url"), &ended) == Admission::kEnded);
  REQUIRE(ended.size() == 2);
  CHECK(ended[0].job.input == "ftp://a.test/");
  CHECK(ended[0].error.kind == ErrorKind::kUnsupportedScheme);
  CHECK(ended[0].error.message.find("(urls.txt:1)") != std::string::npos);
  CHECK(ended[1].error.kind == ErrorKind::kInvalidUrl);
  CHECK(f->Counts().admitted == 3);
  CHECK(f->Counts().waiting == 1);
}

TEST_CASE("Frontier admits URLs without their --strip-query parameters, requests them so",
          "[frontier]") {
  for (std::size_t in_memory : {std::size_t{0}, std::size_t{1}}) {
    CAPTURE(in_memory);
    CrawlOptions o = Crawl(1);
    o.strip_query = {"ref*"};
    o.strip_query_default = true;
    o.exclude = {"utm_"};           // patterns see the URL stripped
    o.queue_in_memory = in_memory;  // 1: links wait on disk
    auto f = Make(o);
    Ended ended;
    CHECK(f->AdmitListed(Line("http://a.test/?utm_source=x"), &ended) == Admission::kQueued);
    CHECK(f->AdmitListed(Line("http://a.test/"), &ended) == Admission::kSeen);
    const LinkSource page = From("http://a.test/", 0, "a.test");
    CHECK(f->AdmitLink(page, "http://a.test/p?utm_source=a", &ended) == Admission::kQueued);
    CHECK(f->AdmitLink(page, "http://a.test/p?fbclid=1", &ended) == Admission::kSeen);
    CHECK(f->AdmitLink(page, "http://a.test/q?x=1&Referrer=2", &ended) == Admission::kQueued);
    CHECK(f->AdmitLink(page, "http://a.test/q?x=1", &ended) == Admission::kSeen);
    CHECK(f->AdmitLink(page, "http://a.test/r;jsessionid=A1?x=1", &ended) == Admission::kQueued);
    CHECK(f->AdmitLink(page, "http://a.test/r?x=1", &ended) == Admission::kSeen);
    CHECK(ended.empty());
    std::vector<Job> held;
    f->Refill(&ended);
    std::vector<std::string> urls, inputs;
    while (f->Counts().waiting > 0) {
      for (const std::string& url : ClaimAll(*f, kT0, &held)) urls.push_back(url);
      for (Job& job : held) {
        inputs.push_back(job.input);  // the record's "url": as listed or found
        f->Finish(job, nullptr, kT0);
      }
      held.clear();
      f->Refill(&ended);
    }
    CHECK(urls == std::vector<std::string>{"http://a.test/", "http://a.test/p",
                                           "http://a.test/q?x=1", "http://a.test/r?x=1"});
    CHECK(inputs == std::vector<std::string>{
                        "http://a.test/?utm_source=x", "http://a.test/p?utm_source=a",
                        "http://a.test/q?x=1&Referrer=2", "http://a.test/r;jsessionid=A1?x=1"});
  }
}

TEST_CASE("Frontier refuses links with a reason", "[frontier]") {
  CrawlOptions o = Crawl(2);
  o.exclude = {"/skip"};
  std::vector<std::string> asked;
  auto f = Make(o, [&](std::string_view url, int) {
    asked.emplace_back(url);
    return url.find("refuse") == std::string_view::npos;
  });
  Ended ended;
  const LinkSource page = From("http://a.test/", 0, "a.test");
  CHECK(f->AdmitLink(page, "http://a.test/one", &ended) == Admission::kQueued);
  CHECK(f->AdmitLink(page, "http://a.test/one#again", &ended) == Admission::kSeen);
  CHECK(f->AdmitLink(page, "http://b.test/", &ended) == Admission::kOutOfScope);
  CHECK(f->AdmitLink(page, "http://a.test/skip/x", &ended) == Admission::kPatterns);
  CHECK(f->AdmitLink(page, "http://a.test/p.zip", &ended) == Admission::kBinary);
  CHECK(f->AdmitLink(page, "mailto:x@a.test", &ended) == Admission::kNotHttp);
  CHECK(f->AdmitLink(page, "http://a.test/" + std::string(kMaxUrlBytes, 'x'), &ended) ==
        Admission::kNotHttp);
  CHECK(f->AdmitLink(page, "http://a.test/refuse", &ended) == Admission::kFiltered);
  CHECK(f->AdmitLink(page, "http://a.test/refuse", &ended) == Admission::kSeen);  // asked once
  CHECK(f->AdmitLink(From("http://a.test/one", 2, "a.test"), "http://a.test/deep", &ended) ==
        Admission::kTooDeep);
  CHECK(asked == std::vector<std::string>{"http://a.test/one", "http://a.test/refuse"});
  CHECK(ended.empty());
  CHECK(f->Counts().admitted == 1);
}

TEST_CASE("Frontier stops admitting at --max-pages", "[frontier]") {
  CrawlOptions o = Crawl(1);
  o.max_pages = 2;
  auto f = Make(o);
  Ended ended;
  CHECK(f->AdmitListed(Line("http://a.test/"), &ended) == Admission::kQueued);
  CHECK(f->AdmitLink(From("http://a.test/", 0, "a.test"), "http://a.test/1", &ended) ==
        Admission::kQueued);
  CHECK(f->AtPageLimit());
  CHECK(f->AdmitLink(From("http://a.test/", 0, "a.test"), "http://a.test/2", &ended) ==
        Admission::kPageLimit);
  CHECK(f->AdmitListed(Line("http://b.test/"), &ended) == Admission::kPageLimit);
}

TEST_CASE("Claims hold a host slot until handed back", "[frontier]") {
  CrawlOptions o = Crawl(0);
  o.per_host = 2;
  auto f = Make(o);
  Ended ended;
  for (const char* u : {"http://a.test/1", "http://a.test/2", "http://a.test/3", "http://b.test/1"})
    f->AdmitListed(Line(u), &ended);
  std::vector<Job> held;
  CHECK(ClaimAll(*f, kT0, &held) ==
        std::vector<std::string>{"http://a.test/1", "http://b.test/1", "http://a.test/2"});
  CHECK(f->Counts().waiting == 1);
  // A fetcher died with a.test/1: it is queued again, behind a.test/3,
  // which takes the slot it freed.
  f->Return(std::move(held[0]), kT0);
  CHECK(ClaimAll(*f, kT0) == std::vector<std::string>{"http://a.test/3"});
  f->Finish(held[2], nullptr, kT0);  // a.test/2 is done: a.test/1 may go
  CHECK(ClaimAll(*f, kT0) == std::vector<std::string>{"http://a.test/1"});
  CHECK(f->Counts().waiting == 0);
}

TEST_CASE("Retries wait for their time, and a paused host waits for its pause", "[frontier]") {
  auto f = Make(Crawl(0));
  Ended ended;
  f->AdmitListed(Line("http://a.test/1"), &ended);
  f->AdmitListed(Line("http://a.test/2"), &ended);
  std::optional<Claim> c = f->ClaimNext(kT0, 1, nullptr);
  REQUIRE(c);
  f->PauseHost("a.test", kT0 + milliseconds(500));
  f->RetryAt(std::move(c->job), kT0 + milliseconds(200), kT0);
  CHECK(f->Counts().waiting == 2);
  CHECK_FALSE(f->ClaimNext(kT0 + milliseconds(100), 1, nullptr));
  CHECK(f->NextDeadline() == kT0 + milliseconds(200));
  CHECK(ClaimAll(*f, kT0 + milliseconds(300)).empty());  // the pause holds
  CHECK(ClaimAll(*f, kT0 + milliseconds(500)) ==
        std::vector<std::string>{"http://a.test/2", "http://a.test/1"});
}

TEST_CASE("A delay waits for the confirmed send time", "[frontier]") {
  CrawlOptions o = Crawl(0);
  o.delay = milliseconds(1000);
  auto f = Make(o);
  Ended ended;
  f->AdmitListed(Line("http://a.test/1"), &ended);
  f->AdmitListed(Line("http://a.test/2"), &ended);
  std::optional<Claim> c = f->ClaimNext(kT0, 1, nullptr);
  REQUIRE(c);
  CHECK(c->confirm);
  CHECK_FALSE(f->ClaimNext(kT0 + milliseconds(5000), 1, nullptr));  // not yet known when it went
  f->Sent(c->job, kT0 + milliseconds(300));
  CHECK_FALSE(f->ClaimNext(kT0 + milliseconds(1200), 1, nullptr));
  CHECK(f->ClaimNext(kT0 + milliseconds(1300), 1, nullptr));
}

TEST_CASE("robots.txt goes first on each origin and its rules judge the pages", "[frontier]") {
  CrawlOptions o = Crawl(1);
  o.robots = true;
  auto f = Make(o);
  Ended ended;
  f->AdmitListed(Line("http://a.test/open"), &ended);
  f->AdmitListed(Line("http://a.test/private/1"), &ended);
  std::vector<Job> held;
  CHECK(ClaimAll(*f, kT0, &held) == std::vector<std::string>{"http://a.test/robots.txt"});
  REQUIRE(held[0].robots);
  RobotsVerdict verdict = JudgeRobots(ErrorKind::kNone, 200, "",
                                      "User-agent: *\nDisallow: /private\n", "forage", 0);
  f->PutRobots(std::move(held[0]), std::move(verdict), kT0, &ended);
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].job.input == "http://a.test/private/1");
  CHECK(ended[0].error.kind == ErrorKind::kRobots);
  ended.clear();
  // Known rules judge later pages at admission.
  CHECK(f->AdmitLink(From("http://a.test/open", 0, "a.test"), "http://a.test/private/2",
                     &ended) == Admission::kEnded);
  CHECK(ClaimAll(*f, kT0) == std::vector<std::string>{"http://a.test/open"});
  CHECK(f->Counts().waiting == 0);
}

TEST_CASE("Redirects to URLs seen before end the record at the hop", "[frontier]") {
  auto f = Make(Crawl(1));
  Ended ended;
  f->AdmitListed(Line("http://a.test/1"), &ended);
  f->AdmitListed(Line("http://a.test/2"), &ended);
  std::vector<Job> held;
  ClaimAll(*f, kT0, &held);
  REQUIRE(held.size() == 2);
  std::optional<Frontier::Stopped> stopped =
      f->Redirect(std::move(held[0]), "http://a.test/2", kT0, &ended);
  REQUIRE(stopped);
  CHECK_FALSE(stopped->error);
  stopped = f->Redirect(std::move(held[1]), "http://a.test/3", kT0, &ended);
  CHECK_FALSE(stopped);
  CHECK(ClaimAll(*f, kT0) == std::vector<std::string>{"http://a.test/3"});
}

TEST_CASE("Links beyond the queue in memory wait on disk, in order", "[frontier]") {
  CrawlOptions o = Crawl(1);
  o.queue_in_memory = 2;
  auto f = Make(o);
  Ended ended;
  const LinkSource page = From("http://a.test/", 0, "a.test");
  for (int i = 0; i < 6; ++i) {
    CHECK(f->AdmitLink(page, "http://a.test/" + std::to_string(i), &ended) == Admission::kQueued);
  }
  CHECK(f->Counts().waiting == 6);
  std::vector<std::string> order;
  std::vector<Job> held;
  while (order.size() < 6) {
    f->Refill(&ended);
    std::vector<std::string> got = ClaimAll(*f, kT0, &held);
    REQUIRE_FALSE(got.empty());
    CHECK(got.size() <= 2);
    order.insert(order.end(), got.begin(), got.end());
    for (Job& job : held) f->Finish(job, nullptr, kT0);
    held.clear();
  }
  CHECK(order == std::vector<std::string>{"http://a.test/0", "http://a.test/1", "http://a.test/2",
                                          "http://a.test/3", "http://a.test/4", "http://a.test/5"});
  CHECK(ended.empty());
}

TEST_CASE("A stopped run takes every waiting URL out once, robots.txt jobs aside",
          "[frontier]") {
  CrawlOptions o = Crawl(1);
  o.queue_in_memory = 2;
  o.robots = true;
  auto f = Make(o);
  Ended ended;
  f->AdmitListed(Line("http://a.test/"), &ended);
  for (int i = 0; i < 4; ++i)
    f->AdmitLink(From("http://a.test/", 0, "a.test"), "http://a.test/" + std::to_string(i), &ended);
  std::vector<std::string> taken;
  while (std::optional<Job> job = f->TakeWaiting()) taken.push_back(job->input);
  CHECK(taken == std::vector<std::string>{"http://a.test/", "http://a.test/0", "http://a.test/1",
                                          "http://a.test/2", "http://a.test/3"});
  CHECK(f->Counts().waiting == 0);
}

TEST_CASE("With --sitemaps the frontier reads robots.txt's sitemaps, or guesses one, and admits their pages",
          "[frontier][sitemap]") {
  CrawlOptions o = Crawl(0);
  o.robots = true;
  o.sitemaps = true;
  auto f = Make(o);
  Ended ended;
  f->AdmitListed(Line("http://a.test/"), &ended);
  f->AdmitListed(Line("http://b.test/"), &ended);
  std::vector<Job> held;
  REQUIRE(ClaimAll(*f, kT0, &held) ==
          std::vector<std::string>{"http://a.test/robots.txt", "http://b.test/robots.txt"});
  f->PutRobots(std::move(held[0]),
               JudgeRobots(ErrorKind::kNone, 200, "",
                           "User-agent: *\nDisallow: /no\nSitemap: http://a.test/s.xml\n"
                           "Sitemap: http://cdn.test/other.xml\nSitemap: ftp://x/\n",
                           "forage", 0),
               kT0, &ended);
  // b.test has no robots.txt: its /sitemap.xml is a guess.
  f->PutRobots(std::move(held[1]), JudgeRobots(ErrorKind::kHttp, 404, "", "", "forage", 0), kT0,
               &ended);
  CHECK(ended.empty());
  held.clear();
  std::vector<std::string> claimed = ClaimAll(*f, kT0, &held);
  std::sort(claimed.begin(), claimed.end());
  CHECK(claimed == std::vector<std::string>{"http://a.test/", "http://a.test/s.xml",
                                            "http://b.test/", "http://b.test/sitemap.xml",
                                            "http://cdn.test/robots.txt"});
  for (const Job& job : held) {
    INFO(job.Url());
    if (job.Url() == "http://a.test/s.xml") {
      CHECK(job.sitemap == 1);
      CHECK(job.depth == 0);
      REQUIRE(job.parent);
      CHECK(*job.parent == "http://a.test/robots.txt");
      CHECK_FALSE(job.GuessedSitemap());
      // Its pages are links at depth 1 even under --depth 0, through scope
      // and robots.txt; an index's entries are sitemaps one level down.
      LinkSource from = From("http://a.test/s.xml", 0, "a.test");
      f->AdmitSitemapEntries(from, 1, false,
                             {"http://a.test/p", "http://a.test/no", "http://c.test/out"},
                             {123, 0, 0}, &ended);
      REQUIRE(ended.size() == 1);
      CHECK(ended[0].job.input == "http://a.test/no");
      CHECK(ended[0].error.kind == ErrorKind::kRobots);
      ended.clear();
      f->AdmitSitemapEntries(from, 3, true, {"http://a.test/deep.xml"}, {}, &ended);
      REQUIRE(ended.size() == 1);
      CHECK(ended[0].job.sitemap == 4);
      CHECK(ended[0].error.kind == ErrorKind::kSitemap);
      ended.clear();
      f->AdmitSitemapEntries(from, 1, true, {"http://a.test/s2.xml"}, {}, &ended);
    } else if (job.Url() == "http://b.test/sitemap.xml") {
      CHECK(job.GuessedSitemap());
    } else {
      CHECK(job.sitemap == 0);
    }
  }
  held.clear();
  claimed = ClaimAll(*f, kT0, &held);
  REQUIRE(claimed == std::vector<std::string>{"http://a.test/p", "http://a.test/s2.xml"});
  CHECK(held[0].depth == 1);
  CHECK(held[0].sitemap == 0);
  CHECK(held[0].lastmod_ms == 123);
  CHECK(*held[0].parent == "http://a.test/s.xml");
  CHECK(held[1].sitemap == 2);
  CHECK(*held[1].parent == "http://a.test/s.xml");
}

TEST_CASE("Sitemap jobs keep their level on disk", "[frontier][sitemap]") {
  Job job;
  job.sitemap = 2;
  CHECK(StoredDepth(job) == -2);
  Job back;
  SetStoredDepth(&back, -2);
  CHECK(back.sitemap == 2);
  CHECK(back.depth == 0);
  SetStoredDepth(&back, 3);
  CHECK(back.sitemap == 0);
  CHECK(back.depth == 3);
}

}  // namespace
}  // namespace forage
