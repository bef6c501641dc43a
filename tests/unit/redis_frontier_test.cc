// RedisFrontier against a private redis-server, with no fetcher processes:
// two RedisFrontier objects with the same crawl id and different node ids
// are two nodes of one crawl, driven through the Frontier and CrawlNode
// interfaces as the master drives them. Time is Redis's own clock, which a
// test cannot move: a wait for a delay, a pause, a retry or a lapsed lease
// calls the frontier as the master's loop does until what it waits for
// happens or a deadline passes, sleeping between turns only until the
// frontier's own next deadline (the master's poll timeout).

#include "crawl/redis_frontier.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crawl/outcome_policy.h"
#include "support/redis_server.h"

namespace forage {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using test::RedisServer;

// Catch2 2 has no SKIP: without redis-server a test says so and checks nothing.
#define REQUIRE_REDIS()                                                               \
  if (!test::RedisAvailable()) {                                                      \
    WARN("skipped: no redis-server (install it, or set FORAGE_REDIS_SERVER to one)"); \
    return;                                                                           \
  }

// Redis's clock counts whole milliseconds: a wait it timed may look up to
// that much shorter on ours.
constexpr auto kClockSlack = 2ms;

// Node `node` of crawl "t": robots.txt ignored (the robots tests turn it
// on), any scope, and a lease TTL no test outlives unless it means to.
CrawlOptions Options(const RedisServer& redis, const std::string& node) {
  CrawlOptions o;
  o.frontier = redis.url();
  o.crawl_id = "t";
  o.node_id = node;
  o.lease_ttl = 10s;
  o.robots = false;
  o.scope = ScopeMode::kAny;
  o.depth = 3;
  o.per_host = 4;
  o.fetch.user_agent = "forage-test/1";
  return o;
}

CrawlOptions Node(CrawlOptions o, const std::string& node) {
  o.node_id = node;
  return o;
}

std::unique_ptr<RedisFrontier> Join(const CrawlOptions& o, bool reads_input = true,
                                    RedisFrontier::AdmitFilter filter = nullptr) {
  auto made = RedisFrontier::Create(o, std::move(filter), reads_input);
  INFO((made.ok() ? std::string() : made.status().message()));
  REQUIRE(made.ok());
  return std::move(made).value();
}

std::string Key(const std::string& rest) { return "forage:{t}:" + rest; }

long long Integer(RedisServer& redis, const std::vector<std::string_view>& argv) {
  redis::Reply r = redis.Command(argv);
  REQUIRE(r.type == redis::Reply::Type::kInteger);
  return r.integer;
}

// A host's field ('f' in flight, 'a', 't', 'b', ...) as Redis holds it; "" if none.
std::string HostField(RedisServer& redis, const std::string& host, const char* field) {
  const std::string key = Key("h:" + host);
  return redis.Command({"HGET", key, field}).str;
}

// How many times Redis ran `command` ("get", "evalsha"), from INFO commandstats.
long long Calls(RedisServer& redis, const std::string& command) {
  const std::string info = redis.Info("commandstats");
  const std::string key = "cmdstat_" + command + ":calls=";
  const std::size_t at = info.find(key);
  return at == std::string::npos ? 0 : std::stoll(info.substr(at + key.size()));
}

long long StreamLength(RedisServer& redis, const std::string& node) {
  const std::string key = Key("out:" + node);
  return Integer(redis, {"XLEN", key});
}

InputLine Line(const std::string& text, int n) {
  return InputLine{text, "urls.txt:" + std::to_string(n), false};
}

// Admits `urls` as input lines and sends them (Refill): what ended at once.
Ended Seed(RedisFrontier& f, const std::vector<std::string>& urls) {
  Ended ended;
  int n = 0;
  for (const std::string& url : urls) f.AdmitListed(Line(url, ++n), &ended);
  f.Refill(&ended);
  INFO(f.status().message());
  REQUIRE(f.status().ok());
  return ended;
}

LinkSource From(const std::string& url, int depth = 0, const std::string& root = "a.test") {
  return LinkSource{depth, std::make_shared<const std::string>(url),
                    std::make_shared<const std::string>(root)};
}

struct Claims {
  std::vector<Claim> claims;
  Ended ended;  // claimed, and ended at the claim

  std::vector<std::string> Urls() const {
    std::vector<std::string> urls;
    for (const Claim& c : claims) urls.push_back(c.job.Url());
    return urls;
  }
  std::size_t size() const { return claims.size() + ended.size(); }
};

// Turns of the master's loop on `f` (Refill, then ClaimNext with `room`)
// until `want` jobs came (claimed, or ended at their claim) or `within`
// passed.
Claims ClaimFor(RedisFrontier& f, milliseconds within, std::size_t want = SIZE_MAX,
                std::size_t room = 1) {
  Claims out;
  const Clock::time_point end = Clock::now() + within;
  for (;;) {
    f.Refill(&out.ended);
    while (out.size() < want) {
      std::optional<Claim> c = f.ClaimNext(Clock::now(), room, &out.ended);
      if (!c) break;
      out.claims.push_back(std::move(*c));
    }
    if (out.size() >= want || !f.status().ok() || Clock::now() >= end) return out;
    Clock::time_point wake = end;
    if (std::optional<Clock::time_point> at = f.NextDeadline()) wake = std::min(wake, *at);
    if (std::optional<Clock::time_point> at = f.UpkeepDeadline()) wake = std::min(wake, *at);
    std::this_thread::sleep_until(wake);
  }
}

Record RecordOf(const Job& job) {
  Record r;
  r.url = job.input;
  r.ok = true;
  r.status = 200;
  r.title = "title of " + job.input;
  r.fetched_at_ms = 1'700'000'000'000;
  return r;
}

// The job's fetch went well: its record is committed.
bool Done(RedisFrontier& f, const Job& job) {
  const Record r = RecordOf(job);
  return f.Commit(job, &r, true);
}

// Ended jobs are committed with their error records, as the master does.
void CommitEnded(RedisFrontier& f, const Ended& ended) {
  for (const EndedJob& e : ended) {
    Record r;
    r.url = e.job.input;
    r.error = e.error;
    CHECK(f.Commit(e.job, &r, false));
  }
}

std::multiset<std::string> UrlSet(const std::vector<std::string>& urls) {
  return {urls.begin(), urls.end()};
}

// --- Admission --------------------------------------------------------------------

TEST_CASE("RedisFrontier: the seen set drops a URL another node admitted", "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  const CrawlOptions o = Options(*redis, "a");
  auto a = Join(o);
  auto b = Join(Node(o, "b"), /*reads_input=*/false);
  CHECK(Seed(*a, {"http://a.test/1", "http://a.test/2", "http://a.test/1"}).empty());
  Ended ended;
  b->AdmitLinks(From("http://a.test/1"),
                {"http://a.test/1", "http://A.test:80/2#x", "http://a.test/3", "http://a.test/3"},
                &ended);
  CHECK(ended.empty());
  CHECK(b->Counts().admitted == 3);
  // Listed on the other node, or found again: still seen.
  CHECK(Seed(*b, {"http://a.test/3", "http://a.test/2"}).empty());
  a->AdmitLinks(From("http://a.test/2"), {"http://a.test/3"}, &ended);
  CHECK(a->Counts().admitted == 3);
  CHECK(redis->Command({"HGET", Key("n"), "admitted"}).str == "3");
  std::vector<std::string> urls = ClaimFor(*a, 2s, 2).Urls();
  for (const std::string& url : ClaimFor(*b, 2s, 1).Urls()) urls.push_back(url);
  CHECK(ClaimFor(*b, 200ms).claims.empty());
  CHECK(UrlSet(urls) == UrlSet({"http://a.test/1", "http://a.test/2", "http://a.test/3"}));
}

TEST_CASE("RedisFrontier: links differing only by --strip-query parameters are one URL",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.strip_query = {"ref"};
  o.strip_query_default = true;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), /*reads_input=*/false);
  CHECK(Seed(*a, {"http://a.test/p?utm_source=list&ref=1"}).empty());
  Ended ended;
  a->AdmitLinks(From("http://a.test/"), {"http://a.test/p?fbclid=1", "http://a.test/q?x=1&gclid=2"},
                &ended);
  b->AdmitLinks(From("http://a.test/"), {"http://a.test/q?x=1", "http://a.test/p?UTM_medium=m"},
                &ended);
  CHECK(ended.empty());
  CHECK(redis->Command({"HGET", Key("n"), "admitted"}).str == "2");
  Claims claims = ClaimFor(*a, 2s, 2);
  REQUIRE(claims.claims.size() == 2);
  // Requested stripped; recorded as listed or found.
  std::map<std::string, std::string> input_of;
  for (const Claim& c : claims.claims) input_of[c.job.Url()] = c.job.input;
  CHECK(input_of == std::map<std::string, std::string>{
                        {"http://a.test/p", "http://a.test/p?utm_source=list&ref=1"},
                        {"http://a.test/q?x=1", "http://a.test/q?x=1&gclid=2"}});
}

TEST_CASE("RedisFrontier: depth, scope, patterns and the filter are the admitting node's own",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.depth = 1;
  o.scope = ScopeMode::kHost;
  o.exclude = {"/skip"};
  std::vector<std::string> asked;
  auto a = Join(o, true, [&](std::string_view url, int) {
    asked.emplace_back(url);
    return url.find("refuse") == std::string_view::npos;
  });
  Ended ended;
  a->AdmitLinks(From("http://a.test/", 0, "a.test"),
                {"http://a.test/ok", "http://b.test/out", "http://a.test/skip/x",
                 "http://a.test/p.zip", "mailto:x@a.test", "http://a.test/refuse"},
                &ended);
  a->AdmitLinks(From("http://a.test/ok", 1, "a.test"), {"http://a.test/deep"}, &ended);
  CHECK(ended.empty());
  CHECK(asked == std::vector<std::string>{"http://a.test/ok", "http://a.test/refuse"});
  CHECK(a->Counts().admitted == 1);
  // What a node refused never reached the crawl's seen set: a node whose
  // filter says yes (filters are each embedder's own) still admits it.
  auto b = Join(Node(o, "b"), false);
  b->AdmitLinks(From("http://a.test/", 0, "a.test"), {"http://a.test/refuse"}, &ended);
  CHECK(b->Counts().admitted == 2);
  std::vector<std::string> urls = ClaimFor(*a, 2s, 2).Urls();
  CHECK(UrlSet(urls) == UrlSet({"http://a.test/ok", "http://a.test/refuse"}));
}

TEST_CASE("RedisFrontier: --max-pages is exact when two nodes' batches interleave",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.max_pages = 10;
  o.per_host = 100;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Ended ended;
  int k = 0;
  // a 3, b 3, a 3, then b's batch meets the limit after its first URL, and
  // a's next batch finds it reached.
  for (int round = 0; round < 3; ++round) {
    for (RedisFrontier* f : {a.get(), b.get()}) {
      std::vector<std::string> links;
      for (int i = 0; i < 3; ++i, ++k) {
        links.push_back("http://h" + std::to_string(k % 4) + ".test/" + std::to_string(k));
      }
      f->AdmitLinks(From("http://h0.test/"), links, &ended);
    }
  }
  CHECK(ended.empty());
  CHECK(redis->Command({"HGET", Key("n"), "admitted"}).str == "10");
  CHECK(a->AtPageLimit());
  CHECK(b->AtPageLimit());
  CHECK(a->AdmitListed(Line("http://h9.test/", 1), &ended) == Admission::kPageLimit);
  const std::vector<std::string> urls = ClaimFor(*a, 2s, 10, 64).Urls();
  CHECK(std::set<std::string>(urls.begin(), urls.end()).size() == 10);
  CHECK(ClaimFor(*b, 200ms, SIZE_MAX, 64).claims.empty());
}

TEST_CASE("RedisFrontier: --max-pages is exact when two nodes admit at the same time",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.max_pages = 50;
  o.per_host = 100;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  // Each thread drives its own node (a RedisFrontier is one thread's); no
  // Catch2 assertion runs in them.
  auto admit = [](RedisFrontier* f, std::string name) {
    Ended ended;
    for (int batch = 0; batch < 60 && !f->AtPageLimit(); ++batch) {
      std::vector<std::string> links;
      for (int i = 0; i < 3; ++i) {
        links.push_back("http://h" + std::to_string(i) + ".test/" + name + std::to_string(batch));
      }
      f->AdmitLinks(From("http://h0.test/"), links, &ended);
    }
  };
  std::thread ta(admit, a.get(), "a"), tb(admit, b.get(), "b");
  ta.join();
  tb.join();
  CHECK(redis->Command({"HGET", Key("n"), "admitted"}).str == "50");
  CHECK(a->AtPageLimit());
  CHECK(b->AtPageLimit());
  const std::vector<std::string> urls = ClaimFor(*a, 2s, 50, 64).Urls();
  CHECK(std::set<std::string>(urls.begin(), urls.end()).size() == 50);
  CHECK(ClaimFor(*b, 200ms, SIZE_MAX, 64).claims.empty());
}

TEST_CASE("RedisFrontier: a page's links cost one look-up per origin and one admission",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.robots = true;
  auto a = Join(o);
  std::vector<std::string> links;
  for (int i = 0; i < 40; ++i) {
    links.push_back("http://" + std::string(i % 2 ? "c" : "d") + ".test/" + std::to_string(i));
  }
  const long long gets = Calls(*redis, "get"), scripts = Calls(*redis, "evalsha");
  Ended ended;
  a->AdmitLinks(From("http://a.test/"), links, &ended);
  CHECK(ended.empty());
  CHECK(a->Counts().admitted == 40);
  CHECK(Calls(*redis, "get") - gets <= 2);
  CHECK(Calls(*redis, "evalsha") - scripts == 1);
}

TEST_CASE("RedisFrontier: a listed line that is no URL comes back ended, leased, and commits",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  auto a = Join(Options(*redis, "a"));
  Ended ended = Seed(*a, {"not a url", "http://a.test/", "ftp://a.test/x"});
  REQUIRE(ended.size() == 2);
  CHECK(ended[0].job.input == "not a url");
  CHECK(ended[0].error.kind == ErrorKind::kInvalidUrl);
  CHECK(ended[0].error.message.find("(urls.txt:1)") != std::string::npos);
  CHECK(ended[0].job.claimed);
  CHECK(ended[1].job.input == "ftp://a.test/x");
  CHECK(ended[1].error.kind == ErrorKind::kUnsupportedScheme);
  CHECK(ended[1].job.claimed);
  CHECK(a->Counts().admitted == 3);
  CommitEnded(*a, ended);
  CHECK(StreamLength(*redis, "a") == 2);
  CHECK(redis->Command({"HGET", Key("n"), "done"}).str == "2");
  Claims got = ClaimFor(*a, 2s, 1);
  CHECK(got.Urls() == std::vector<std::string>{"http://a.test/"});
  CHECK(got.ended.empty());
}

TEST_CASE("RedisFrontier: a line that ended at once, given back by a stopping node, ends alike",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  const CrawlOptions o = Options(*redis, "a");
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Ended ended = Seed(*a, {"http://a.test/", "ftp://a.test/x"});
  REQUIRE(ended.size() == 1);
  // a stops (its output failed, say) before the record is written: the
  // job goes back to the crawl, and the node that takes it ends it with
  // the same error.
  a->Finish(ended[0].job, nullptr, Clock::now());
  Claims got = ClaimFor(*b, 2s, 2);
  CHECK(got.Urls() == std::vector<std::string>{"http://a.test/"});
  REQUIRE(got.ended.size() == 1);
  CHECK(got.ended[0].job.input == "ftp://a.test/x");
  CHECK(got.ended[0].error.kind == ErrorKind::kUnsupportedScheme);
  CHECK(got.ended[0].error.message == ended[0].error.message);
  CommitEnded(*b, got.ended);
  CHECK(StreamLength(*redis, "a") == 0);
  CHECK(StreamLength(*redis, "b") == 1);
}

// --- Claims -----------------------------------------------------------------------

TEST_CASE("RedisFrontier: --per-host holds across two nodes", "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.per_host = 2;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Seed(*a, {"http://a.test/1", "http://a.test/2", "http://a.test/3", "http://a.test/4",
            "http://a.test/5"});
  Claims first = ClaimFor(*a, 300ms, SIZE_MAX, 5);
  CHECK(first.Urls() == std::vector<std::string>{"http://a.test/1", "http://a.test/2"});
  CHECK(HostField(*redis, "a.test", "f") == "2");
  CHECK(ClaimFor(*b, 300ms).claims.empty());
  REQUIRE(Done(*a, first.claims[0].job));
  Claims second = ClaimFor(*b, 2s, 1);
  CHECK(second.Urls() == std::vector<std::string>{"http://a.test/3"});
  CHECK(ClaimFor(*b, 300ms, SIZE_MAX, 5).claims.empty());
  CHECK(ClaimFor(*a, 100ms, SIZE_MAX, 5).claims.empty());
  CHECK(HostField(*redis, "a.test", "f") == "2");
  REQUIRE(Done(*a, first.claims[1].job));
  REQUIRE(Done(*b, second.claims[0].job));
  CHECK(ClaimFor(*b, 2s, 2, 5).Urls() ==
        std::vector<std::string>{"http://a.test/4", "http://a.test/5"});
}

TEST_CASE("RedisFrontier: under a delay a host's next claim waits for Sent and the delay",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.delay = 300ms;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Seed(*a, {"http://a.test/1", "http://a.test/2", "http://a.test/3"});
  Claims first = ClaimFor(*a, 2s, 1, 4);
  REQUIRE(first.claims.size() == 1);
  CHECK(first.claims[0].confirm);
  // Not sent yet: the host waits, on both nodes, however long.
  CHECK(ClaimFor(*a, 500ms, SIZE_MAX, 4).claims.empty());
  CHECK(ClaimFor(*b, 100ms, SIZE_MAX, 4).claims.empty());
  const Clock::time_point sent = Clock::now();
  a->Sent(first.claims[0].job, sent);
  Claims second = ClaimFor(*b, 3s, 1, 4);
  REQUIRE(second.claims.size() == 1);
  CHECK(Clock::now() - sent >= o.delay - kClockSlack);
  CHECK(second.Urls() == std::vector<std::string>{"http://a.test/2"});
  CHECK(second.claims[0].confirm);
  // a/1 ends: its delay counted from Sent, its end moves nothing.
  const std::string t = HostField(*redis, "a.test", "t");
  REQUIRE(Done(*a, first.claims[0].job));
  CHECK(HostField(*redis, "a.test", "t") == t);
  // a/2 ends without its request going out (robots.txt refused it, say):
  // no delay counts from it, and the host is free for a/3 at once.
  Record r;
  r.url = second.claims[0].job.input;
  REQUIRE(b->Commit(second.claims[0].job, &r, /*sent=*/false));
  CHECK(HostField(*redis, "a.test", "a").empty());
  CHECK(HostField(*redis, "a.test", "t") == t);
  CHECK(ClaimFor(*a, 2s, 1).Urls() == std::vector<std::string>{"http://a.test/3"});
}

TEST_CASE("RedisFrontier: PauseHost holds a host back for every node", "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  const CrawlOptions o = Options(*redis, "a");
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Seed(*a, {"http://a.test/1", "http://a.test/2"});
  Claims first = ClaimFor(*a, 2s, 1);
  REQUIRE(first.Urls() == std::vector<std::string>{"http://a.test/1"});
  // A 429 for a/1: a.test pauses; b.test goes on.
  const Clock::time_point paused = Clock::now();
  a->PauseHost("a.test", paused + 500ms);
  Job retry = first.claims[0].job;
  ++retry.attempts;
  a->RetryAt(retry, paused + 500ms, paused);
  Seed(*a, {"http://b.test/1"});
  CHECK(ClaimFor(*a, 200ms, SIZE_MAX, 4).Urls() == std::vector<std::string>{"http://b.test/1"});
  CHECK(ClaimFor(*b, 100ms, SIZE_MAX, 4).claims.empty());
  Claims after = ClaimFor(*b, 3s, 2, 4);
  CHECK(Clock::now() - paused >= 500ms - kClockSlack);
  CHECK(UrlSet(after.Urls()) == UrlSet({"http://a.test/1", "http://a.test/2"}));
}

TEST_CASE("RedisFrontier: a retry comes back after its wait, to any node", "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  const CrawlOptions o = Options(*redis, "a");
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Seed(*a, {"http://a.test/1"});
  Claims first = ClaimFor(*a, 2s, 1);
  REQUIRE(first.claims.size() == 1);
  Job job = first.claims[0].job;
  job.attempts = 1;
  job.elapsed_ms = 12;
  const Clock::time_point now = Clock::now();
  a->RetryAt(job, now + 400ms, now);
  CHECK(HostField(*redis, "a.test", "f").empty());  // its slot is free meanwhile
  CHECK(ClaimFor(*a, 200ms).claims.empty());
  Claims again = ClaimFor(*b, 3s, 1);
  REQUIRE(again.claims.size() == 1);
  CHECK(Clock::now() - now >= 400ms - kClockSlack);
  CHECK(again.claims[0].job.Url() == "http://a.test/1");
  CHECK(again.claims[0].job.attempts == 1);
  CHECK(again.claims[0].job.elapsed_ms == 12);
}

TEST_CASE("RedisFrontier: Return puts a job behind its host's others", "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.per_host = 1;
  auto a = Join(o);
  Seed(*a, {"http://a.test/1", "http://a.test/2", "http://a.test/3"});
  Claims first = ClaimFor(*a, 2s, 1);
  REQUIRE(first.Urls() == std::vector<std::string>{"http://a.test/1"});
  a->Return(first.claims[0].job, Clock::now());
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    Claims c = ClaimFor(*a, 2s, 1);
    REQUIRE(c.claims.size() == 1);
    order.push_back(c.claims[0].job.Url());
    REQUIRE(Done(*a, c.claims[0].job));
  }
  CHECK(order == std::vector<std::string>{"http://a.test/2", "http://a.test/3", "http://a.test/1"});
}

TEST_CASE("RedisFrontier: a redirect queues its next hop on that host, or ends at this hop",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.robots = true;
  o.scope = ScopeMode::kHost;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Seed(*a, {"http://a.test/1", "http://a.test/2"});
  Claims robots = ClaimFor(*a, 2s, 1);
  REQUIRE(robots.claims.size() == 1);
  Ended ended;
  a->PutRobots(robots.claims[0].job, RobotsVerdict{}, Clock::now(), &ended);
  Claims pages = ClaimFor(*a, 2s, 2, 4);
  REQUIRE(pages.Urls() == std::vector<std::string>{"http://a.test/1", "http://a.test/2"});
  CHECK(HostField(*redis, "a.test", "f") == "2");

  // a/1 (listed: it follows redirects anywhere) moves to e.test: its slot
  // on a.test is free, and the hop waits behind e.test's robots.txt.
  CHECK_FALSE(a->Redirect(pages.claims[0].job, "http://e.test/one", Clock::now(), &ended));
  CHECK(ended.empty());
  CHECK(HostField(*redis, "a.test", "f") == "1");
  Claims e_robots = ClaimFor(*b, 2s, 1, 4);
  REQUIRE(e_robots.Urls() == std::vector<std::string>{"http://e.test/robots.txt"});
  CHECK(ClaimFor(*b, 200ms, SIZE_MAX, 4).claims.empty());
  b->PutRobots(e_robots.claims[0].job,
               JudgeRobots(ErrorKind::kNone, 200, "", "User-agent: *\nDisallow: /one\n",
                           o.fetch.user_agent, 0),
               Clock::now(), &ended);
  // robots.txt refuses the hop: it ends at its claim, as the URL listed.
  Claims hop = ClaimFor(*a, 2s, 1);
  REQUIRE(hop.ended.size() == 1);
  CHECK(hop.ended[0].job.input == "http://a.test/1");
  CHECK(hop.ended[0].job.Url() == "http://e.test/one");
  CHECK(hop.ended[0].job.hops == 1);
  CHECK(hop.ended[0].error.kind == ErrorKind::kRobots);
  CommitEnded(*a, hop.ended);

  // a/2 redirects to a URL admitted before: recorded at this hop, under
  // the lease it holds.
  std::optional<Frontier::Stopped> seen =
      a->Redirect(pages.claims[1].job, "http://a.test/1", Clock::now(), &ended);
  REQUIRE(seen);
  CHECK_FALSE(seen->error);
  CHECK(seen->job.input == "http://a.test/2");
  CHECK(Done(*a, seen->job));

  // A link redirected out of its scope ends at this hop.
  a->AdmitLinks(From("http://a.test/2", 0, "a.test"), {"http://a.test/3"}, &ended);
  Claims three = ClaimFor(*b, 2s, 1);
  REQUIRE(three.claims.size() == 1);
  std::optional<Frontier::Stopped> out =
      b->Redirect(three.claims[0].job, "http://f.test/", Clock::now(), &ended);
  REQUIRE(out);
  REQUIRE(out->error);
  CHECK(out->error->kind == ErrorKind::kOutOfScope);
  CHECK(Done(*b, out->job));
  CHECK(ended.empty());
  CHECK(redis->Command({"HGET", Key("n"), "admitted"}).str == "3");
  CHECK(redis->Command({"HGET", Key("n"), "done"}).str == "3");
  CHECK(HostField(*redis, "a.test", "f").empty());
  CHECK(HostField(*redis, "e.test", "f").empty());
}

// --- robots.txt -----------------------------------------------------------------------

TEST_CASE("RedisFrontier: an origin's robots.txt goes first, and its pages wait for it",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.robots = true;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Seed(*a, {"http://a.test/1", "http://a.test/2"});
  Claims first = ClaimFor(*a, 2s, 1, 4);
  REQUIRE(first.claims.size() == 1);
  CHECK(first.claims[0].job.robots);
  CHECK(first.claims[0].job.Url() == "http://a.test/robots.txt");
  CHECK(HostField(*redis, "a.test", "b") == "1");
  CHECK(ClaimFor(*a, 300ms, SIZE_MAX, 4).claims.empty());
  CHECK(ClaimFor(*b, 100ms, SIZE_MAX, 4).claims.empty());
  Ended ended;
  a->PutRobots(first.claims[0].job, RobotsVerdict{}, Clock::now(), &ended);
  CHECK(ended.empty());
  CHECK(HostField(*redis, "a.test", "b") == "0");
  CHECK(ClaimFor(*b, 2s, 2, 4).Urls() ==
        std::vector<std::string>{"http://a.test/1", "http://a.test/2"});
}

TEST_CASE("RedisFrontier: robots.txt is fetched once per origin when two nodes admit its links",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.robots = true;
  o.per_host = 8;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Ended ended;
  a->AdmitLinks(From("http://a.test/"), {"http://c.test/x", "http://c.test/y"}, &ended);
  b->AdmitLinks(From("http://a.test/"), {"http://c.test/y", "http://c.test/z"}, &ended);
  CHECK(ended.empty());
  // One robots.txt job ahead of three pages.
  const std::string queue = Key("q:c.test");
  CHECK(Integer(*redis, {"LLEN", queue}) == 4);
  Claims got = ClaimFor(*b, 2s, 1, 4);
  REQUIRE(got.claims.size() == 1);
  CHECK(got.claims[0].job.Url() == "http://c.test/robots.txt");
  CHECK(ClaimFor(*a, 200ms, SIZE_MAX, 4).claims.empty());
  // While it is fetched, and after, more links of the origin queue no other.
  a->AdmitLinks(From("http://a.test/"), {"http://c.test/w"}, &ended);
  b->PutRobots(got.claims[0].job, RobotsVerdict{}, Clock::now(), &ended);
  a->AdmitLinks(From("http://a.test/"), {"http://c.test/v"}, &ended);
  b->AdmitLinks(From("http://a.test/"), {"http://c.test/u"}, &ended);
  Claims pages = ClaimFor(*a, 2s, 6, 8);
  CHECK(ClaimFor(*b, 200ms, SIZE_MAX, 8).claims.empty());
  CHECK(UrlSet(pages.Urls()) == UrlSet({"http://c.test/x", "http://c.test/y", "http://c.test/z",
                                        "http://c.test/w", "http://c.test/v", "http://c.test/u"}));
  // Another origin of the same host is another robots.txt.
  a->AdmitLinks(From("http://a.test/"), {"https://c.test/x"}, &ended);
  Claims other = ClaimFor(*b, 2s, 1, 4);
  CHECK(other.Urls() == std::vector<std::string>{"https://c.test/robots.txt"});
}

TEST_CASE("RedisFrontier: a page the verdict refuses ends at its claim on either node",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.robots = true;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Seed(*a, {"http://a.test/ok", "http://a.test/private/1", "http://a.test/private/2"});
  Claims robots = ClaimFor(*a, 2s, 1);
  REQUIRE(robots.claims.size() == 1);
  REQUIRE(robots.claims[0].job.robots);
  Ended ended;
  a->PutRobots(robots.claims[0].job,
               JudgeRobots(ErrorKind::kNone, 200, "", "User-agent: *\nDisallow: /private\n",
                           o.fetch.user_agent, 0),
               Clock::now(), &ended);
  CHECK(ended.empty());
  // b never saw robots.txt: it reads the verdict from the crawl.
  Claims at_b = ClaimFor(*b, 2s, 2);
  CHECK(at_b.Urls() == std::vector<std::string>{"http://a.test/ok"});
  REQUIRE(at_b.ended.size() == 1);
  CHECK(at_b.ended[0].job.input == "http://a.test/private/1");
  CHECK(at_b.ended[0].job.claimed);
  CHECK(at_b.ended[0].error.kind == ErrorKind::kRobots);
  Claims at_a = ClaimFor(*a, 2s, 1);
  CHECK(at_a.claims.empty());
  REQUIRE(at_a.ended.size() == 1);
  CHECK(at_a.ended[0].job.input == "http://a.test/private/2");
  CHECK(at_a.ended[0].error.kind == ErrorKind::kRobots);
  // A link found after the verdict ends at its admission.
  b->AdmitLinks(From("http://a.test/ok"), {"http://a.test/private/3"}, &ended);
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].error.kind == ErrorKind::kRobots);
  CHECK(ended[0].job.claimed);
  CommitEnded(*b, at_b.ended);
  CommitEnded(*a, at_a.ended);
  CommitEnded(*b, ended);
  REQUIRE(Done(*b, at_b.claims[0].job));
  CHECK(redis->Command({"HGET", Key("n"), "done"}).str == "4");
  CHECK(HostField(*redis, "a.test", "f").empty());

  // An unavailable robots.txt: every page of the origin ends with its kind.
  Seed(*a, {"http://d.test/1"});
  Claims d = ClaimFor(*a, 2s, 1);
  REQUIRE(d.claims.size() == 1);
  REQUIRE(d.claims[0].job.robots);
  a->PutRobots(d.claims[0].job, JudgeRobots(ErrorKind::kHttp, 503, "", "", o.fetch.user_agent, 0),
               Clock::now(), &ended);
  Claims refused = ClaimFor(*b, 2s, 1);
  REQUIRE(refused.ended.size() == 1);
  CHECK(refused.ended[0].job.input == "http://d.test/1");
  CHECK(refused.ended[0].error.kind == ErrorKind::kRobotsUnavailable);
  CHECK(refused.ended[0].error.message.find("HTTP 503") != std::string::npos);
}

TEST_CASE("RedisFrontier: a Crawl-delay holds for the whole crawl", "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.robots = true;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Seed(*a, {"http://a.test/1", "http://a.test/2"});
  Claims robots = ClaimFor(*a, 2s, 1);
  REQUIRE(robots.claims.size() == 1);
  CHECK_FALSE(robots.claims[0].confirm);  // no delay known yet
  Ended ended;
  a->PutRobots(robots.claims[0].job,
               JudgeRobots(ErrorKind::kNone, 200, "", "User-agent: *\nCrawl-delay: 0.3\n",
                           o.fetch.user_agent, 0),
               Clock::now(), &ended);
  Claims first = ClaimFor(*b, 2s, 1, 4);
  REQUIRE(first.claims.size() == 1);
  CHECK(first.claims[0].confirm);
  CHECK(ClaimFor(*a, 300ms, SIZE_MAX, 4).claims.empty());
  const Clock::time_point sent = Clock::now();
  b->Sent(first.claims[0].job, sent);
  Claims second = ClaimFor(*a, 3s, 1, 4);
  REQUIRE(second.claims.size() == 1);
  CHECK(Clock::now() - sent >= 300ms - kClockSlack);
}

TEST_CASE("RedisFrontier: a robots.txt job whose nodes died three times puts its origin off limits",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "n1");
  o.robots = true;
  o.lease_ttl = 1s;
  auto holder = Join(o);
  Seed(*holder, {"http://a.test/1"});
  Claims got = ClaimFor(*holder, 2s, 1);
  REQUIRE(got.Urls() == std::vector<std::string>{"http://a.test/robots.txt"});
  // Each node that takes it dies (SIGKILL) holding it.
  for (const char* next : {"n2", "n3"}) {
    holder.reset();
    holder = Join(Node(o, next), false);
    got = ClaimFor(*holder, 5s, 1);
    REQUIRE(got.Urls() == std::vector<std::string>{"http://a.test/robots.txt"});
  }
  holder.reset();
  auto last = Join(Node(o, "n4"), false);
  got = ClaimFor(*last, 5s, 1);
  CHECK(got.claims.empty());
  REQUIRE(got.ended.size() == 1);
  CHECK(got.ended[0].job.input == "http://a.test/1");
  CHECK(got.ended[0].error.kind == ErrorKind::kWorkerCrash);
  CHECK(got.ended[0].error.message.find("died 3 times") != std::string::npos);
  CHECK(redis->Command({"HGET", Key("n"), "reclaimed"}).str == "3");
  CHECK(HostField(*redis, "a.test", "b") == "0");
  CommitEnded(*last, got.ended);
}

// --- Leases ---------------------------------------------------------------------------

TEST_CASE("RedisFrontier: a node gone without a word has its claims returned to the head",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.lease_ttl = 1s;
  o.per_host = 1;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Seed(*a, {"http://a.test/1", "http://a.test/2", "http://b.test/1"});
  Claims held = ClaimFor(*a, 2s, 2);
  REQUIRE(UrlSet(held.Urls()) == UrlSet({"http://a.test/1", "http://b.test/1"}));
  a.reset();  // SIGKILL: no Leave
  // Until its heartbeat lapses its hosts are full; then its claims are b's,
  // each ahead of what waited behind it.
  Claims taken = ClaimFor(*b, 5s, 2);
  CHECK(UrlSet(taken.Urls()) == UrlSet({"http://a.test/1", "http://b.test/1"}));
  CHECK(redis->Command({"HGET", Key("n"), "reclaimed"}).str == "2");
  CHECK(HostField(*redis, "a.test", "f") == "1");
  for (const Claim& c : taken.claims) REQUIRE(Done(*b, c.job));
  CHECK(ClaimFor(*b, 2s, 1).Urls() == std::vector<std::string>{"http://a.test/2"});
}

TEST_CASE("RedisFrontier: a node held up past its TTL is fenced, and goes on", "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.lease_ttl = 1s;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Seed(*a, {"http://a.test/1"});
  Claims held = ClaimFor(*a, 2s, 1);
  REQUIRE(held.claims.size() == 1);
  // a stops calling (SIGSTOP): b takes the URL once a's heartbeat lapsed.
  Claims taken = ClaimFor(*b, 5s, 1);
  REQUIRE(taken.Urls() == std::vector<std::string>{"http://a.test/1"});
  // a wakes up: what it does under the lost lease changes nothing.
  a->Sent(held.claims[0].job, Clock::now());
  CHECK_FALSE(Done(*a, held.claims[0].job));
  CHECK(StreamLength(*redis, "a") == 0);
  CHECK(HostField(*redis, "a.test", "f") == "1");
  CHECK(Done(*b, taken.claims[0].job));
  CHECK(StreamLength(*redis, "b") == 1);
  CHECK(redis->Command({"HGET", Key("n"), "done"}).str == "1");
  // It beats again and takes work as before.
  Seed(*a, {"http://a.test/2"});
  CHECK(ClaimFor(*a, 2s, 1).Urls() == std::vector<std::string>{"http://a.test/2"});
  CHECK(a->status().ok());
}

TEST_CASE("RedisFrontier: a node restarted with its id takes over, and the old run is fenced out",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.lease_ttl = 1s;
  auto old_run = Join(o);
  Seed(*old_run, {"http://a.test/1", "http://a.test/2"});
  Claims held = ClaimFor(*old_run, 2s, 1);
  REQUIRE(held.Urls() == std::vector<std::string>{"http://a.test/1"});
  // The old run is held up (SIGSTOP); a new run of the id waits for its
  // heartbeat to lapse, then takes over and finds the claim at the head.
  const Clock::time_point started = Clock::now();
  auto new_run = Join(o);
  CHECK(Clock::now() - started < 3s);
  CHECK(ClaimFor(*new_run, 2s, 1).Urls() == std::vector<std::string>{"http://a.test/1"});
  // The old run wakes up (its heartbeat not yet sent): nothing it does
  // counts, it takes no lease under the id, and it learns that it was
  // replaced.
  CHECK_FALSE(Done(*old_run, held.claims[0].job));
  Ended ended;
  SECTION("it claims nothing") { CHECK_FALSE(old_run->ClaimNext(Clock::now(), 4, &ended)); }
  SECTION("it admits nothing that would end leased to it") {
    old_run->AdmitListed(Line("not a url", 1), &ended);
    CHECK_FALSE(old_run->ClaimNext(Clock::now(), 4, &ended));  // sends the line first
  }
  CHECK(ended.empty());
  old_run->Refill(&ended);
  CHECK(old_run->status().IsBusy());
  CHECK(ClaimFor(*new_run, 2s, 1).Urls() == std::vector<std::string>{"http://a.test/2"});
  CHECK(new_run->status().ok());
  CHECK(StreamLength(*redis, "a") == 0);
}

TEST_CASE("RedisFrontier: a node id a live node holds is refused once the wait runs out",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.lease_ttl = 10s;
  auto live = Join(o);
  o.lease_ttl = 1s;  // the newcomer waits one TTL of its own, and a second
  const Clock::time_point started = Clock::now();
  auto made = RedisFrontier::Create(o, nullptr, true);
  const auto waited = Clock::now() - started;
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().IsBusy());
  CHECK(made.status().message().find("node id a") != std::string::npos);
  CHECK(waited >= 1s);
  CHECK(waited < 5s);
  CHECK(live->status().ok());
}

// --- Records ------------------------------------------------------------------------

TEST_CASE("RedisFrontier: Replay gives a restarted node the records after its last mark",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.lease_ttl = 1s;
  auto a = Join(o);
  CHECK(a->mark().empty());
  std::vector<std::string> urls;
  for (int i = 1; i <= 5; ++i) urls.push_back("http://h" + std::to_string(i) + ".test/");
  Seed(*a, urls);
  Claims got = ClaimFor(*a, 2s, 5, 8);
  REQUIRE(got.claims.size() == 5);
  std::map<std::string, Job> jobs;
  for (const Claim& c : got.claims) jobs[c.job.Url()] = c.job;
  ClaimFor(*a, 0ms);  // a heartbeat, if one is due
  for (int i = 0; i < 2; ++i) {
    REQUIRE(Done(*a, jobs[urls[i]]));
    a->OutputHas();
  }
  CHECK(a->Unmarked() == 2);
  REQUIRE(a->SaveMark("m2").ok());
  CHECK(a->Unmarked() == 0);
  CHECK(StreamLength(*redis, "a") == 0);  // the output has them all
  REQUIRE(Done(*a, jobs[urls[2]]));
  a->OutputHas();
  REQUIRE(Done(*a, jobs[urls[3]]));  // committed, and killed before
  REQUIRE(Done(*a, jobs[urls[4]]));  // the output took these two
  REQUIRE(a->SaveMark("m3").ok());
  CHECK(StreamLength(*redis, "a") == 2);
  a.reset();  // SIGKILL

  auto again = Join(o);
  CHECK(again->mark() == "m3");
  std::vector<Record> replayed;
  auto keep = [&](const Record& r) {
    replayed.push_back(r);
    return Status();
  };
  REQUIRE(again->Replay(keep).ok());
  REQUIRE(replayed.size() == 2);
  CHECK(replayed[0].url == urls[3]);
  CHECK(replayed[1].url == urls[4]);
  CHECK(replayed[1].title == "title of " + urls[4]);
  CHECK(replayed[1].status == 200);
  CHECK(again->Unmarked() == 2);
  REQUIRE(again->SaveMark("m5").ok());
  CHECK(StreamLength(*redis, "a") == 0);
  again->Leave();
  again.reset();

  auto third = Join(o);
  CHECK(third->mark() == "m5");
  replayed.clear();
  REQUIRE(third->Replay(keep).ok());
  CHECK(replayed.empty());
}

// --- Counts ---------------------------------------------------------------------------

TEST_CASE("RedisFrontier: waiting is 0 only when nothing is pending anywhere and input is read",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  const CrawlOptions o = Options(*redis, "a");
  // b takes no input: until a node that does has joined, it waits for one.
  auto b = Join(Node(o, "b"), false);
  CHECK(b->Counts().waiting > 0);
  auto a = Join(o, /*reads_input=*/true);
  ClaimFor(*b, 150ms);
  CHECK(b->Counts().waiting > 0);  // a still reads
  Seed(*a, {"http://a.test/1"});
  Claims got = ClaimFor(*b, 2s, 1);
  REQUIRE(got.claims.size() == 1);
  CHECK(b->Counts().waiting > 0);  // b holds the URL, but a still reads
  a->InputDone();
  Ended ended;
  a->Refill(&ended);
  ClaimFor(*b, 150ms);
  CHECK(b->Counts().waiting == 0);  // what is left is b's own claim
  CHECK(a->Counts().waiting > 0);   // b's claim is pending for a
  // A retry is pending too.
  const Clock::time_point now = Clock::now();
  b->RetryAt(got.claims[0].job, now + 300ms, now);
  CHECK(b->Counts().waiting > 0);
  got = ClaimFor(*b, 3s, 1);
  REQUIRE(got.claims.size() == 1);
  REQUIRE(Done(*b, got.claims[0].job));
  CHECK(b->Counts().waiting == 0);
  ClaimFor(*a, 150ms);
  CHECK(a->Counts().waiting == 0);
}

TEST_CASE("RedisFrontier: a node whose leases lapsed with claims unhanded still counts the rest",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.lease_ttl = 1s;
  auto a = Join(o);
  auto b = Join(Node(o, "b"), false);
  Seed(*a, {"http://a.test/1", "http://b.test/1", "http://c.test/1"});
  a->InputDone();
  Ended ended;
  a->Refill(&ended);
  // a claims three in one round trip, hands one out, keeps two.
  std::optional<Claim> held = a->ClaimNext(Clock::now(), 3, &ended);
  REQUIRE(held);
  // a is held up past its TTL: b takes two of the three and finishes them.
  Claims taken = ClaimFor(*b, 5s, 2);
  REQUIRE(taken.claims.size() == 2);
  for (const Claim& c : taken.claims) REQUIRE(Done(*b, c.job));
  // a wakes: its claims went to others, one URL still waits for a node.
  a->Refill(&ended);
  CHECK_FALSE(Done(*a, held->job));
  CHECK(a->status().ok());
  CHECK(a->Counts().waiting > 0);
  Claims rest = ClaimFor(*a, 2s, 1);
  REQUIRE(rest.claims.size() == 1);
  REQUIRE(Done(*a, rest.claims[0].job));
  CHECK(a->Counts().waiting == 0);
}

// --- Settings -------------------------------------------------------------------------

TEST_CASE("RedisFrontier: a node with other settings is refused, naming the flag and both values",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.per_host = 2;
  o.delay = 0ms;
  auto a = Join(o);
  struct Case {
    CrawlOptions options;
    std::string flag, there, here;
  };
  std::vector<Case> cases;
  CrawlOptions per_host = Node(o, "b");
  per_host.per_host = 3;
  cases.push_back({per_host, "--per-host", "2", "3"});
  CrawlOptions delay = Node(o, "b");
  delay.delay = 500ms;
  cases.push_back({delay, "--delay", "0", "500"});
  CrawlOptions agent = Node(o, "b");
  agent.fetch.user_agent = "other-bot/2";
  cases.push_back({agent, "--user-agent", "forage-test/1", "other-bot/2"});
  CrawlOptions strip = Node(o, "b");
  strip.strip_query = {"ref", "utm_*"};
  cases.push_back({strip, "--strip-query", "", "ref\nutm_*"});
  CrawlOptions strip_default = Node(o, "b");
  strip_default.strip_query_default = true;
  std::string defaults;
  for (std::string_view p : kTrackingParameters) {
    defaults += (defaults.empty() ? "" : "\n") + std::string(p);
  }
  cases.push_back({strip_default, "--strip-query", "", defaults});
  for (const Case& c : cases) {
    CAPTURE(c.flag);
    auto made = RedisFrontier::Create(c.options, nullptr, false);
    REQUIRE_FALSE(made.ok());
    const std::string& message = made.status().message();
    CAPTURE(message);
    CHECK(made.status().IsInvalidArgument());
    CHECK(message.find(c.flag) != std::string::npos);
    CHECK(message.find("\"" + c.there + "\" there") != std::string::npos);
    CHECK(message.find("\"" + c.here + "\" here") != std::string::npos);
  }
  CHECK(a->status().ok());
}

TEST_CASE("RedisFrontier: a crawl whose first node stored no strip rules takes a node without",
          "[redis_frontier]") {
  // A crawl begun by a forage that predates --strip-query has no such field.
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  auto a = Join(o);
  CHECK(Integer(*redis, {"HDEL", Key("conf"), "strip_query"}) == 1);
  auto b = Join(Node(o, "b"), false);
  CHECK(b->status().ok());
  CrawlOptions strip = Node(o, "c");
  strip.strip_query = {"ref"};
  auto made = RedisFrontier::Create(strip, nullptr, false);
  REQUIRE_FALSE(made.ok());
  CHECK_THAT(made.status().message(), Catch::Contains("--strip-query"));
}

TEST_CASE("RedisFrontier: a Redis that may evict the crawl's keys is refused", "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start({"--maxmemory-policy", "allkeys-lru"});
  auto made = RedisFrontier::Create(Options(*redis, "a"), nullptr, true);
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().IsInvalidArgument());
  CHECK(made.status().message().find("allkeys-lru") != std::string::npos);
  CHECK(Integer(*redis, {"DBSIZE"}) == 0);  // nothing written
}

// --- Redis away -----------------------------------------------------------------------

TEST_CASE("RedisFrontier: a Redis that cannot be reached at the start is refused, by address",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  redis->Kill();  // its port now refuses connections
  auto made = RedisFrontier::Create(o, nullptr, true);
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().IsInvalidArgument());
  CHECK(made.status().message().find(redis->url()) != std::string::npos);
}

TEST_CASE("RedisFrontier: a killed Redis fails calls softly, then the node after its TTL",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.lease_ttl = 1s;
  auto a = Join(o);
  Seed(*a, {"http://a.test/1", "http://a.test/2"});
  Claims got = ClaimFor(*a, 2s, 1);
  REQUIRE(got.claims.size() == 1);
  const Job job = got.claims[0].job;
  redis->Kill();
  const Clock::time_point killed = Clock::now();
  Ended ended;
  a->AdmitLinks(From("http://a.test/1"), {"http://a.test/3"}, &ended);
  CHECK_FALSE(a->ClaimNext(Clock::now(), 4, &ended));
  a->Sent(job, Clock::now());
  a->PauseHost("a.test", Clock::now() + 1s);
  CHECK_FALSE(Done(*a, job));
  CHECK(a->SaveMark("m").IsIOError());
  CHECK_FALSE(a->Replay([](const Record&) { return Status(); }).ok());
  a->AdmitListed(Line("http://a.test/4", 4), &ended);
  CHECK(ended.empty());
  CHECK(a->Counts().waiting > 0);  // the node cannot tell that the crawl is over
  CHECK(a->status().ok());         // it keeps trying for the TTL
  CHECK(a->UpkeepDeadline());
  // Upkeep turns until it gives up.
  while (a->status().ok() && Clock::now() - killed < 5s) {
    a->Refill(&ended);
    if (std::optional<Clock::time_point> at = a->UpkeepDeadline()) {
      std::this_thread::sleep_until(std::min(*at, killed + 5s));
    }
  }
  CHECK(a->status().IsIOError());
  CHECK(a->status().message().find(redis->url()) != std::string::npos);
  CHECK(Clock::now() - killed >= o.lease_ttl);
  CHECK(ended.empty());
  a->Leave();
}

TEST_CASE("RedisFrontier: a Redis restarted empty makes the node fail with \"gone\"",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  auto a = Join(Options(*redis, "a"));
  Seed(*a, {"http://a.test/1"});
  redis->Restart();
  ClaimFor(*a, 3s);
  CHECK(a->status().IsNotFound());
  CHECK(a->status().message().find("gone") != std::string::npos);
}

TEST_CASE("RedisFrontier: a Redis that stops answering for less than the TTL loses nothing",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  CrawlOptions o = Options(*redis, "a");
  o.lease_ttl = 3s;  // requests time out after 1 s
  auto a = Join(o);
  Seed(*a, {"http://a.test/1", "http://a.test/2"});
  Claims got = ClaimFor(*a, 2s, 1);
  REQUIRE(got.claims.size() == 1);
  redis->Pause();
  Ended ended;
  a->AdmitLinks(From("http://a.test/1"), {"http://a.test/3"}, &ended);  // times out
  CHECK_FALSE(a->ClaimNext(Clock::now(), 1, &ended));
  redis->Resume();
  // Back within the TTL: the lease it held is still its own.
  Claims more = ClaimFor(*a, 3s, 1);
  INFO(a->status().message());
  CHECK(a->status().ok());
  CHECK(more.Urls() == std::vector<std::string>{"http://a.test/2"});
  CHECK(Done(*a, got.claims[0].job));
  CHECK(StreamLength(*redis, "a") == 1);
}

TEST_CASE("RedisFrontier: a job that ended while Redis was away goes back as it was",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  auto a = Join(Options(*redis, "a"));
  Seed(*a, {"http://a.test/1"});
  Claims got = ClaimFor(*a, 2s, 1);
  REQUIRE(got.claims.size() == 1);
  // A network blip: Redis drops the node's connection. The record cannot
  // be committed, so it is not written.
  redis->Command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
  CHECK_FALSE(Done(*a, got.claims[0].job));
  // The connection is back: the URL is queued again, whole, at its head.
  Claims again = ClaimFor(*a, 3s, 1);
  INFO(a->status().message());
  CHECK(a->status().ok());
  CHECK(again.Urls() == std::vector<std::string>{"http://a.test/1"});
  CHECK(StreamLength(*redis, "a") == 0);
}

TEST_CASE("RedisFrontier: a record whose commit's reply was lost is given again once Redis is back",
          "[redis_frontier]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  auto a = Join(Options(*redis, "a"));
  Seed(*a, {"http://a.test/1", "http://a.test/2"});
  Claims got = ClaimFor(*a, 2s, 2, 2);
  REQUIRE(got.claims.size() == 2);
  // The first record reached the output; the second was committed, but as
  // if its reply had been lost, the master never wrote it (no OutputHas).
  REQUIRE(Done(*a, got.claims[0].job));
  a->OutputHas();
  REQUIRE(Done(*a, got.claims[1].job));
  CHECK_FALSE(a->ReplayDue());
  redis->Command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
  a->Sent(got.claims[0].job, Clock::now());  // any call finds the connection gone
  Claims none = ClaimFor(*a, 2s, 1);
  REQUIRE(a->status().ok());
  REQUIRE(a->ReplayDue());
  std::vector<std::string> replayed;
  REQUIRE(a->Replay([&](const Record& r) {
             replayed.push_back(r.url);
             return Status();
           }).ok());
  CHECK(replayed == std::vector<std::string>{got.claims[1].job.input});
  CHECK_FALSE(a->ReplayDue());
  CHECK(none.size() == 0);
}

}  // namespace
}  // namespace forage
