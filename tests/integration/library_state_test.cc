// CrawlOptions::state_path: the library keeps a state itself, as an embedding
// program would use it. Runs stopped with RequestStop resume without losing
// or repeating a URL; later runs revisit pages conditionally, skip those not
// due, and with changed_only say nothing of unchanged ones.

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "forage/crawler.h"
#include "state/state_store.h"
#include "support/forage_run.h"

namespace forage::test {
namespace {

using json = nlohmann::json;

// One fetcher, one transfer at a time: a held page holds back every URL
// listed after it.
CrawlOptions Serial(const std::string& state_path) {
  CrawlOptions o;
  o.workers = 1;
  o.fetch.concurrency = 1;
  o.per_host = 1;
  o.robots = false;
  o.handle_signals = false;  // the test process keeps its own signals
  o.state_path = state_path;
  return o;
}

json Cond(TestServer& server, const std::string& id) { return server.Stats()["cond"][id]; }

void Bump(TestServer& server, const std::string& id) {
  server.Send("bump " + id + "\n");
  REQUIRE(server.WaitFor("BUMPED " + id, 10s));
}

// The records of one Run() of `options` over `seeds`: the run must succeed.
struct Outcome {
  std::vector<Record> records;
  CrawlSummary summary;
};
Outcome RunOver(const CrawlOptions& options, const std::vector<std::string>& seeds) {
  Crawler crawler(options);
  for (const std::string& seed : seeds) crawler.AddSeed(seed);
  Outcome out;
  crawler.OnRecord([&](const Record& r) {
    out.records.push_back(r);
    return Status();
  });
  auto run = crawler.Run();
  INFO((run.ok() ? std::string() : run.status().message()));
  REQUIRE(run.ok());
  out.summary = run.value();
  return out;
}

std::map<std::string, const Record*> ByUrl(const std::vector<Record>& records) {
  std::map<std::string, const Record*> out;
  for (const Record& r : records) CHECK(out.emplace(r.url, &r).second);
  return out;
}

TEST_CASE("A library run stopped with RequestStop resumes: every URL once in all",
          "[library_state][state][integration]") {
  TestServer server;
  TempDir dir;
  const CrawlOptions options = Serial(dir.path() + "/state.db");
  std::vector<std::string> seeds;
  for (int i = 0; i < 3; ++i) seeds.push_back(server.Url("/page/" + std::to_string(i)));
  seeds.push_back(server.Url("/hold/lib"));
  for (int i = 3; i < 6; ++i) seeds.push_back(server.Url("/page/" + std::to_string(i)));

  std::map<std::string, int> count;
  {
    Crawler crawler(options);
    for (const std::string& seed : seeds) crawler.AddSeed(seed);
    int commits = 0;
    crawler.OnCommit([&] {
      ++commits;
      return Status();
    });
    crawler.OnRecord([&](const Record& r) {
      ++count[r.url];
      // The third page is out; the held one is in flight, the rest wait.
      if (count.size() == 3) crawler.RequestStop();
      return Status();
    });
    auto run = crawler.Run();
    REQUIRE(run.ok());
    CHECK(run.value().interrupted);
    // With a state, URLs cut off stay pending instead of getting records.
    CHECK(run.value().records == 3);
    CHECK(commits >= 1);  // at least the commit at the end of the run
  }
  server.Release();

  Outcome second = RunOver(options, seeds);
  CHECK_FALSE(second.summary.interrupted);
  CHECK(second.summary.resumed == 4);  // the held page and the three after it
  for (const Record& r : second.records) {
    CHECK_FALSE((r.error && r.error->kind == ErrorKind::kInterrupted));
    ++count[r.url];
  }
  CHECK(count.size() == seeds.size());
  for (const auto& [url, n] : count) {
    INFO(url);
    CHECK(n == 1);
  }

  // That run finished the pass: the next one begins a new pass, which
  // fetches everything again.
  Outcome third = RunOver(options, seeds);
  CHECK(third.summary.resumed == 0);
  CHECK(third.records.size() == seeds.size());
}

TEST_CASE("A library state another run holds fails the run as busy",
          "[library_state][state][integration]") {
  TestServer server;
  TempDir dir;
  const std::string path = dir.path() + "/state.db";
  auto held = StateStore::Open(path);
  REQUIRE(held.ok());
  Crawler crawler(Serial(path));
  crawler.AddSeed(server.Url("/page/1"));
  int records = 0;
  crawler.OnRecord([&](const Record&) {
    ++records;
    return Status();
  });
  auto run = crawler.Run();
  REQUIRE_FALSE(run.ok());
  CHECK(run.status().IsBusy());
  CHECK(run.status().message() == path + ": another forage run is using this state");
  CHECK(records == 0);
}

TEST_CASE("A failing OnCommit stops the run, and what it did not commit comes again",
          "[library_state][state][integration]") {
  TestServer server;
  TempDir dir;
  const CrawlOptions options = Serial(dir.path() + "/state.db");
  const std::vector<std::string> seeds = {server.Url("/page/1"), server.Url("/page/2")};
  {
    Crawler crawler(options);
    for (const std::string& seed : seeds) crawler.AddSeed(seed);
    crawler.OnRecord([](const Record&) { return Status(); });
    crawler.OnCommit([] { return Status::IOError("cannot sync the records"); });
    auto run = crawler.Run();
    REQUIRE_FALSE(run.ok());
    CHECK(run.status().IsIOError());
    CHECK(run.status().message() == "cannot sync the records");
  }
  // Nothing was committed: the pass goes on, and both records come again.
  Outcome again = RunOver(options, seeds);
  CHECK(again.records.size() == 2);
}

TEST_CASE("Library runs with a state revisit conditionally, and changed_only drops unchanged pages",
          "[library_state][state][cond][integration]") {
  TestServer server;
  TempDir dir;
  CrawlOptions options = Serial(dir.path() + "/state.db");
  const std::vector<std::string> seeds = {server.Url("/cond/la"), server.Url("/cond/lb")};
  Outcome first = RunOver(options, seeds);
  REQUIRE(first.records.size() == 2);
  for (const Record& r : first.records) CHECK_FALSE(r.unchanged);
  CHECK(Cond(server, "la")["conditional"] == 0);

  Bump(server, "lb");
  Outcome second = RunOver(options, seeds);
  auto by_url = ByUrl(second.records);
  REQUIRE(by_url.size() == 2);
  CHECK(by_url[seeds[0]]->unchanged);
  CHECK(by_url[seeds[0]]->status == 304);
  CHECK_FALSE(by_url[seeds[1]]->unchanged);
  CHECK(by_url[seeds[1]]->title == "cond lb v2");
  CHECK(second.summary.unchanged == 1);
  CHECK(Cond(server, "la")["not_modified"] == 1);

  options.changed_only = true;
  Bump(server, "lb");
  Outcome third = RunOver(options, seeds);
  REQUIRE(third.records.size() == 1);
  CHECK(third.records[0].url == seeds[1]);
  CHECK(third.summary.unchanged == 1);  // counted, not recorded
  CHECK(Cond(server, "la")["not_modified"] == 2);
}

TEST_CASE("Library runs leave pages younger than recrawl_after alone and follow their stored links",
          "[library_state][state][cond][integration]") {
  TestServer server;
  TempDir dir;
  CrawlOptions options = Serial(dir.path() + "/state.db");
  options.depth = 1;
  const std::string seed = server.Url("/cond/lx?link=/cond/ly");
  CHECK(RunOver(options, {seed}).records.size() == 2);

  options.recrawl_after = std::chrono::hours(1);
  Outcome recent = RunOver(options, {seed});
  CHECK(recent.records.empty());
  CHECK(recent.summary.not_due == 2);
  CHECK(Cond(server, "lx")["requests"] == 1);
  CHECK(Cond(server, "ly")["requests"] == 1);

  options.recrawl_after = std::chrono::milliseconds(0);
  Outcome due = RunOver(options, {seed});
  auto by_url = ByUrl(due.records);
  REQUIRE(by_url.size() == 2);
  CHECK(by_url[seed]->unchanged);
  CHECK(by_url[server.Url("/cond/ly")]->unchanged);
  CHECK(by_url[server.Url("/cond/ly")]->depth == 1);
}

}  // namespace
}  // namespace forage::test
