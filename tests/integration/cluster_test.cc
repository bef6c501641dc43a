// Several forage processes sharing one crawl through a real redis-server
// (--frontier): the union of their outputs holds each URL once whatever
// node dies, stops or reconnects; politeness and --max-pages hold across
// them; settings that must agree are refused when they differ.

#include <catch2/catch.hpp>
#include <csignal>
#include <set>

#include "support/forage_run.h"
#include "support/redis_server.h"

namespace forage::test {
namespace {

using nlohmann::json;

#define REQUIRE_REDIS()                                  \
  if (!RedisAvailable()) {                               \
    WARN("redis-server is not installed: test skipped"); \
    return;                                              \
  }

struct Grid {
  int pages;
  int hosts;
  int ms;
};

std::string GridPath(const Grid& g, int k) {
  return "/grid/" + std::to_string(k) + "?n=" + std::to_string(g.pages) +
         "&hosts=" + std::to_string(g.hosts) + "&ms=" + std::to_string(g.ms);
}

std::vector<std::string> GridHosts(const Grid& g) {
  std::vector<std::string> hosts;
  for (int h = 0; h < g.hosts; ++h) hosts.push_back("h" + std::to_string(h) + ".test");
  return hosts;
}

std::set<std::string> GridUrls(const TestServer& server, const Grid& g) {
  std::set<std::string> urls;
  for (int k = 0; k < g.pages; ++k) {
    urls.insert(server.HostUrl("h" + std::to_string(k % g.hosts) + ".test", GridPath(g, k)));
  }
  return urls;
}

// A node of crawl `crawl` writing to `out`; `extra` after the common flags.
class Node {
 public:
  Node(const RedisServer& redis, const TestServer& server, const Grid& g, const std::string& id,
       const std::string& out, std::vector<std::string> extra, bool seed) {
    std::vector<std::string> args = {
        "--frontier",  redis.url(), "--crawl-id", "grid", "--node-id",   id,        "-j",
        "1",           "-c",        "4",          "-d",   "30",          "--scope", "any",
        "--lease-ttl", "2s",        "-o",         out,    "--log-level", "debug"};
    for (const std::string& r : server.Resolve(GridHosts(g))) args.push_back(r);
    if (seed) {
      args.push_back("--url");
      args.push_back(server.HostUrl("h0.test", GridPath(g, 0)));
    }
    args.insert(args.end(), extra.begin(), extra.end());
    process_ = std::make_unique<ChildProcess>(ForageCommand(args));
    process_->CloseStdin();
  }
  ChildProcess& process() { return *process_; }
  std::optional<int> Wait(ChildProcess::Duration timeout = 60s) { return process_->Wait(timeout); }

 private:
  std::unique_ptr<ChildProcess> process_;
};

// Nodes a, b, c (a seeded with the grid's root), writing to DIR/a, DIR/b and
// DIR/c, all with `extra`; waits for each to exit with 0.
void RunThreeNodes(const RedisServer& redis, const TestServer& server, const Grid& g,
                   const std::string& dir, const std::vector<std::string>& extra) {
  std::vector<std::unique_ptr<Node>> nodes;
  for (const char* id : {"a", "b", "c"}) {
    nodes.push_back(std::make_unique<Node>(redis, server, g, id, dir + "/" + id, extra,
                                           std::string(id) == "a"));
  }
  for (auto& n : nodes) CHECK(n->Wait() == 0);
}

// Every record of the files, by URL; a URL recorded twice fails the test.
std::map<std::string, json> Union(const std::vector<std::string>& files) {
  std::map<std::string, json> out;
  for (const std::string& file : files) {
    for (json& r : ParseRecords(ReadFile(file))) {
      const std::string url = r["url"];
      INFO("recorded twice: " << url);
      CHECK(out.count(url) == 0);
      out[url] = std::move(r);
    }
  }
  return out;
}

std::set<std::string> Keys(const std::map<std::string, json>& records) {
  std::set<std::string> keys;
  for (const auto& [url, r] : records) keys.insert(url);
  return keys;
}

TEST_CASE("Three nodes crawl one site over 16 hosts, each page once", "[cluster][integration]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  TestServer server;
  TempDir dir;
  const Grid g{120, 16, 20};
  Node a(*redis, server, g, "a", dir.path() + "/a.jsonl", {}, /*seed=*/true);
  Node b(*redis, server, g, "b", dir.path() + "/b.jsonl", {}, false);
  Node c(*redis, server, g, "c", dir.path() + "/c.jsonl", {}, false);
  CHECK(a.Wait() == 0);
  CHECK(b.Wait() == 0);
  CHECK(c.Wait() == 0);
  INFO(a.process().err());
  std::map<std::string, json> records =
      Union({dir.path() + "/a.jsonl", dir.path() + "/b.jsonl", dir.path() + "/c.jsonl"});
  CHECK(Keys(records) == GridUrls(server, g));
  for (const auto& [url, r] : records) CHECK(r["ok"] == true);
  // The work was shared: each node wrote some of it.
  for (const char* f : {"/a.jsonl", "/b.jsonl", "/c.jsonl"}) {
    CHECK_FALSE(ParseRecords(ReadFile(dir.path() + f)).empty());
  }
  // robots.txt once per origin for the whole crawl, every page once.
  json stats = server.Stats();
  for (const std::string& host : GridHosts(g)) {
    CHECK(stats["hosts"][host]["requests"].get<int>() ==
          g.pages / g.hosts + (g.pages % g.hosts > std::stoi(host.substr(1)) ? 1 : 0) + 1);
  }
  // The crawl's keys say it is done; status shows it, delete removes it.
  ChildProcess status(ForageCommand(
      {"frontier", "status", "--frontier", redis->url(), "--crawl-id", "grid", "--json"}));
  REQUIRE(status.Wait(20s) == 0);
  json s = json::parse(status.out());
  CHECK(s["admitted"] == g.pages);
  CHECK(s["done"] == g.pages);
  CHECK(s["leased"] == 0);
  CHECK(s["nodes"].size() == 3);
  ChildProcess del(
      ForageCommand({"frontier", "delete", "--frontier", redis->url(), "--crawl-id", "grid"}));
  REQUIRE(del.Wait(20s) == 0);
  CHECK(redis->Command({"KEYS", "forage:{grid}:*"}).elements.empty());
}

TEST_CASE("A node killed mid-crawl loses nothing, and its restart publishes its records",
          "[cluster][integration]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  TestServer server;
  TempDir dir;
  const Grid g{150, 16, 40};
  const std::string out_b = dir.path() + "/b.jsonl";
  Node a(*redis, server, g, "a", dir.path() + "/a.jsonl", {}, /*seed=*/true);
  auto b = std::make_unique<Node>(*redis, server, g, "b", out_b, std::vector<std::string>{}, false);
  Node c(*redis, server, g, "c", dir.path() + "/c.jsonl", {}, false);
  // Once b has marked some records as its output's, it dies holding leases.
  REQUIRE(b->process().WaitErr("marked the output", 30s));
  b->process().Signal(SIGKILL);
  b->Wait(10s);
  CHECK(a.Wait() == 0);
  CHECK(c.Wait() == 0);
  // b's records are committed, but only in its unpublished file and in Redis.
  b = std::make_unique<Node>(*redis, server, g, "b", out_b, std::vector<std::string>{}, false);
  CHECK(b->Wait() == 0);
  INFO(b->process().err());
  std::map<std::string, json> records =
      Union({dir.path() + "/a.jsonl", out_b, dir.path() + "/c.jsonl"});
  CHECK(Keys(records) == GridUrls(server, g));
  CHECK_FALSE(ParseRecords(ReadFile(out_b)).empty());
}

TEST_CASE("A node stopped past its lease writes nothing stale when it wakes",
          "[cluster][integration]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  TestServer server;
  TempDir dir;
  const Grid g{150, 16, 40};
  Node a(*redis, server, g, "a", dir.path() + "/a.jsonl", {}, /*seed=*/true);
  Node b(*redis, server, g, "b", dir.path() + "/b.jsonl", {}, false);
  REQUIRE(b.process().WaitErr("marked the output", 30s));
  b.process().Signal(SIGSTOP);
  // a finishes the crawl alone once b's leases lapse (2 s).
  CHECK(a.Wait() == 0);
  b.process().Signal(SIGCONT);
  CHECK(b.Wait() == 0);
  std::map<std::string, json> records = Union({dir.path() + "/a.jsonl", dir.path() + "/b.jsonl"});
  CHECK(Keys(records) == GridUrls(server, g));
}

TEST_CASE("A node stopped by SIGTERM hands its URLs back at once", "[cluster][integration]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  TestServer server;
  TempDir dir;
  const Grid g{150, 16, 40};
  // Leases that outlive the test's patience: a was to wait for b's only if
  // b left them behind.
  const std::vector<std::string> long_lease = {"--lease-ttl", "10m"};
  Node a(*redis, server, g, "a", dir.path() + "/a.jsonl", long_lease, /*seed=*/true);
  Node b(*redis, server, g, "b", dir.path() + "/b.jsonl", long_lease, false);
  REQUIRE(b.process().WaitErr("marked the output", 30s));
  b.process().Signal(SIGTERM);
  CHECK(b.Wait(20s) == 130);
  CHECK(a.Wait(40s) == 0);
  std::map<std::string, json> records = Union({dir.path() + "/a.jsonl", dir.path() + "/b.jsonl"});
  CHECK(Keys(records) == GridUrls(server, g));
  CHECK_FALSE(ParseRecords(ReadFile(dir.path() + "/b.jsonl")).empty());
}

// Issue 18 point 7: the deadline leaves the crawl as SIGTERM does.
TEST_CASE("A node stopped at --max-time hands its URLs back and exits 5",
          "[cluster][max_time][integration]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  TestServer server;
  TempDir dir;
  // Pages slow enough that the crawl outlasts b's deadline by seconds.
  const Grid g{80, 16, 200};
  const std::vector<std::string> long_lease = {"--lease-ttl", "10m"};
  std::vector<std::string> b_flags = long_lease;
  b_flags.insert(b_flags.end(), {"--max-time", "1s"});
  Node a(*redis, server, g, "a", dir.path() + "/a.jsonl", long_lease, /*seed=*/true);
  // b joins a crawl under way, so that it holds leases at its deadline.
  REQUIRE(a.process().WaitErr("marked the output", 30s));
  Node b(*redis, server, g, "b", dir.path() + "/b.jsonl", b_flags, false);
  CHECK(b.Wait(20s) == 5);
  INFO(b.process().err());
  CHECK(b.process().err().find("stopped at --max-time 1s") != std::string::npos);
  CHECK(b.process().err().find("left, handed back to the crawl") != std::string::npos);
  CHECK(a.Wait(60s) == 0);
  std::map<std::string, json> records = Union({dir.path() + "/a.jsonl", dir.path() + "/b.jsonl"});
  CHECK(Keys(records) == GridUrls(server, g));
  for (const auto& [url, r] : records) CHECK(r["ok"] == true);
}

TEST_CASE("Nodes given the same input record each URL once", "[cluster][integration]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  TestServer server;
  TempDir dir;
  const Grid g{40, 4, 0};
  std::string list;
  for (int k = 0; k < g.pages; ++k) {
    list += server.HostUrl("h" + std::to_string(k % g.hosts) + ".test", GridPath(g, k)) + "\n";
  }
  const std::string file = dir.Write("list.txt", list + "not a url\n");
  std::vector<std::unique_ptr<Node>> nodes;
  for (const char* id : {"a", "b"}) {
    nodes.push_back(std::make_unique<Node>(*redis, server, g, id, dir.path() + "/" + id,
                                           std::vector<std::string>{"-d", "0", file}, false));
  }
  // The node that admitted the line that is no URL exits 1 for its record.
  std::multiset<int> statuses;
  for (auto& n : nodes) statuses.insert(n->Wait().value_or(-1));
  CHECK((statuses == std::multiset<int>{0, 1} || statuses == std::multiset<int>{1, 1}));
  std::map<std::string, json> records = Union({dir.path() + "/a", dir.path() + "/b"});
  std::set<std::string> expected = GridUrls(server, g);
  expected.insert("not a url");
  CHECK(Keys(records) == expected);
  CHECK(records["not a url"]["error"]["kind"] == "invalid_url");
}

TEST_CASE("Politeness holds across nodes: per-host in flight and the delay",
          "[cluster][integration]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  TestServer server;
  TempDir dir;
  SECTION("per-host 2") {
    const Grid g{64, 4, 150};
    RunThreeNodes(*redis, server, g, dir.path(), {"--per-host", "2"});
    json stats = server.Stats();
    int busiest = 0;
    for (const std::string& host : GridHosts(g)) {
      CHECK(stats["hosts"][host]["max_in_flight"].get<int>() <= 2);
      busiest = std::max(busiest, stats["hosts"][host]["max_in_flight"].get<int>());
    }
    CHECK(busiest == 2);  // the limit was reached, so it was tested
    CHECK(Union({dir.path() + "/a", dir.path() + "/b", dir.path() + "/c"}).size() == 64);
  }
  SECTION("delay 0.25 s") {
    const Grid g{16, 2, 0};
    RunThreeNodes(*redis, server, g, dir.path(), {"--per-host", "4", "--delay", "0.25"});
    json stats = server.Stats();
    for (const std::string& host : GridHosts(g)) {
      std::vector<double> starts = stats["hosts"][host]["starts_ms"];
      REQUIRE(starts.size() == 9);  // robots.txt and 8 pages
      for (std::size_t i = 1; i < starts.size(); ++i) CHECK(starts[i] - starts[i - 1] >= 240.0);
    }
  }
}

TEST_CASE("Across nodes, --max-pages is exact", "[cluster][integration]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  TestServer server;
  TempDir dir;
  const Grid g{200, 8, 10};
  RunThreeNodes(*redis, server, g, dir.path(), {"--max-pages", "25"});
  CHECK(Union({dir.path() + "/a", dir.path() + "/b", dir.path() + "/c"}).size() == 25);
}

TEST_CASE("A node with other settings, or a Redis that evicts, is refused",
          "[cluster][integration]") {
  REQUIRE_REDIS();
  TestServer server;
  TempDir dir;
  const Grid g{4, 2, 0};
  SECTION("different settings") {
    auto redis = RedisServer::Start();
    Node a(*redis, server, g, "a", dir.path() + "/a", {"--per-host", "2"}, true);
    CHECK(a.Wait() == 0);
    Node b(*redis, server, g, "b", dir.path() + "/b", {"--per-host", "3", "--delay", "1"}, false);
    CHECK(b.Wait() == 2);
    CHECK_THAT(b.process().err(), Catch::Contains("--per-host is \"2\" there, \"3\" here"));
    CHECK_THAT(b.process().err(), Catch::Contains("--delay (ms) is \"0\" there, \"1000\" here"));
  }
  SECTION("an evicting Redis") {
    auto redis = RedisServer::Start({"--maxmemory-policy", "allkeys-lru"});
    Node a(*redis, server, g, "a", dir.path() + "/a", {}, true);
    CHECK(a.Wait() == 2);
    CHECK_THAT(a.process().err(), Catch::Contains("maxmemory-policy allkeys-lru"));
  }
  SECTION("no Redis there") {
    const int port = UnusedLocalPort();
    ChildProcess a(ForageCommand({"--frontier", "redis://127.0.0.1:" + std::to_string(port),
                                  "--crawl-id", "x", "--url", server.Url("/page/1")}));
    CHECK(a.Wait(30s) == 2);
    CHECK_THAT(a.err(), Catch::Contains("127.0.0.1:" + std::to_string(port)));
  }
  SECTION("no crawl id") {
    ChildProcess a(ForageCommand({"--frontier", "redis://127.0.0.1:1", "--url", server.Url("/")}));
    CHECK(a.Wait(30s) == 2);
    CHECK_THAT(a.err(), Catch::Contains("--crawl-id"));
  }
}

TEST_CASE("A node that loses Redis for longer than its lease stops with status 4",
          "[cluster][integration]") {
  REQUIRE_REDIS();
  auto redis = RedisServer::Start();
  TestServer server;
  TempDir dir;
  const Grid g{400, 16, 100};
  Node a(*redis, server, g, "a", dir.path() + "/a.jsonl", {}, true);
  REQUIRE(a.process().WaitErr("marked the output", 30s));
  redis->Kill();
  CHECK(a.Wait(30s) == 4);
  CHECK_THAT(a.process().err(), Catch::Contains("lost the connection to Redis"));
}

}  // namespace
}  // namespace forage::test
