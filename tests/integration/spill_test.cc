// --queue-in-memory: URLs a crawl finds beyond the limit wait in a temporary
// file. Nothing is lost or repeated, whether the crawl finishes, hits
// --max-pages, is interrupted, resumes from --state, or the file fails.

#include <signal.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "forage/crawler.h"
#include "support/forage_run.h"
#include "support/site_tree.h"

namespace forage::test {
namespace {

using json = nlohmann::json;

std::set<std::string> Urls(const std::vector<json>& records) {
  std::set<std::string> out;
  for (const json& r : records) CHECK(out.insert(r["url"].get<std::string>()).second);
  return out;
}

// Every link on an ok page above `depth` has a record: none was dropped.
void CheckNoLinkLost(const std::vector<json>& records, int depth) {
  std::set<std::string> urls = Urls(records);
  for (const json& r : records) {
    if (r["ok"] != true || r["depth"].get<int>() >= depth) continue;
    for (const json& link : r["links"]) {
      INFO("linked from " << r["url"]);
      CHECK(urls.count(link.get<std::string>()) == 1);
    }
  }
}

TEST_CASE("A crawl past --queue-in-memory finds the same pages, each once",
          "[spill][crawl][integration]") {
  TestServer server;
  std::set<std::string> expected;
  const std::vector<std::string> seeds = PageTree(server, 20, 20, &expected);
  REQUIRE(expected.size() == 1220);
  const std::vector<std::string> flags = {"-j", "2", "-d", "2", "--per-host", "16"};
  ForageRun plain = RunForage(Args(flags, seeds));
  ForageRun spilled =
      RunForage(Args(Args(flags, {"--queue-in-memory", "5", "--log-level", "debug"}), seeds));
  CHECK(plain.exit_code == 0);
  CHECK(spilled.exit_code == 0);
  CHECK(spilled.err.find("wait in a temporary file") != std::string::npos);
  CHECK(plain.records.size() == expected.size());
  CHECK(spilled.records.size() == expected.size());
  CHECK(Urls(plain.records) == expected);
  CHECK(Urls(spilled.records) == expected);
  CheckNoLinkLost(spilled.records, 2);
}

TEST_CASE("Past --queue-in-memory the crawl stays breadth first", "[spill][crawl][integration]") {
  // One transfer at a time, so records come in the order of the queue. A
  // link found while others wait on disk must go behind them, even when the
  // queue in memory has room: depth 2 only once depth 1 is done.
  TestServer server;
  std::set<std::string> expected;
  const std::vector<std::string> seeds = PageTree(server, 4, 5, &expected);
  ForageRun run = RunForage(
      Args({"-j", "1", "-c", "1", "--per-host", "1", "-d", "2", "--queue-in-memory", "2"}, seeds));
  CHECK(run.exit_code == 0);
  CHECK(Urls(run.records) == expected);
  std::string depths;
  for (const json& r : run.records) depths += std::to_string(r["depth"].get<int>());
  CHECK(depths == std::string(4, '0') + std::string(20, '1') + std::string(40, '2'));
}

TEST_CASE("The page limit holds past --queue-in-memory", "[spill][crawl][integration]") {
  TestServer server;
  std::set<std::string> expected;
  const std::vector<std::string> seeds = PageTree(server, 20, 20, &expected);
  ForageRun run = RunForage(Args(
      {"-j", "2", "--per-host", "16", "-d", "2", "--queue-in-memory", "5", "--max-pages", "100"},
      seeds));
  CHECK(run.exit_code == 0);
  CHECK(run.records.size() == 100);
  for (const std::string& url : Urls(run.records)) CHECK(expected.count(url) == 1);
}

// The tree over /hold/0 .. /hold/399: once four leaves are held (all the
// --per-host transfers), every /links page is done and the 396 other
// leaves are queued, all but 5 of them on disk.
std::vector<std::string> HoldTree(const TestServer& server, std::set<std::string>* urls) {
  return Tree(
      server, 20, 20, [](int i) { return "/hold/" + std::to_string(i); }, urls);
}

void WaitHeld(TestServer& server, int count) {
  for (int i = 0; i < count; ++i) REQUIRE(server.WaitFor("HELD ", 20s));
}

TEST_CASE("SIGINT during a crawl past --queue-in-memory records every URL admitted",
          "[spill][crawl][integration]") {
  TestServer server;
  std::set<std::string> expected;
  const std::vector<std::string> seeds = HoldTree(server, &expected);
  ChildProcess forage(
      ForageCommand(Args({"-j", "2", "-c", "4", "-d", "1", "--queue-in-memory", "5"}, seeds)));
  WaitHeld(server, 4);
  forage.Signal(SIGINT);
  REQUIRE(forage.Wait(20s) == 130);
  std::vector<json> records = ParseRecords(forage.out());
  CHECK(records.size() == expected.size());
  CHECK(Urls(records) == expected);
  int interrupted = 0;
  for (const json& r : records) {
    if (r["ok"] == true) continue;
    CHECK(r["error"]["kind"] == "interrupted");
    ++interrupted;
  }
  CHECK(interrupted == 400);
  CheckNoLinkLost(records, 1);
  server.Release();
}

TEST_CASE("Progress counts the URLs waiting on disk as pending", "[spill][crawler][integration]") {
  TestServer server;
  std::set<std::string> expected;
  const std::vector<std::string> flags = HoldTree(server, &expected);
  CrawlOptions o;
  o.workers = 2;
  o.fetch.concurrency = 4;
  o.depth = 1;
  o.queue_in_memory = 5;
  o.handle_signals = false;  // the test process keeps its own signals
  Crawler crawler(o);
  for (std::size_t i = 1; i < flags.size(); i += 2) crawler.AddSeed(flags[i]);
  std::uint64_t records = 0;
  crawler.OnRecord([&](const Record&) {
    ++records;
    return Status();
  });
  bool saw = false;
  crawler.OnProgress(
      [&](const CrawlProgress& p) {
        // The listed pages done, their 400 leaves are pending: four held in
        // flight, five queued in memory, the rest on disk.
        if (!saw && p.done == 20 && p.pending == 400) {
          saw = true;
          crawler.RequestStop();
        }
        if (p.seconds > 30) crawler.RequestStop();
      },
      std::chrono::milliseconds(10));
  auto run = crawler.Run();
  REQUIRE(run.ok());
  CHECK(saw);
  CHECK(run.value().interrupted);
  CHECK(records == expected.size());
  server.Release();
}

TEST_CASE("With --state, a crawl stopped past --queue-in-memory resumes: every URL once",
          "[spill][state][integration]") {
  const std::string second_limit = GENERATE("5", "0");
  TestServer server;
  TempDir dir;
  std::set<std::string> expected;
  const std::vector<std::string> seeds = HoldTree(server, &expected);
  const std::string state = dir.path() + "/state.db";
  auto args = [&](const std::string& limit) {
    return Args({"-j", "2", "-c", "4", "--no-robots", "-d", "1", "--state", state,
                 "--queue-in-memory", limit},
                seeds);
  };
  ChildProcess first(ForageCommand(args("5")));
  WaitHeld(server, 4);
  first.Signal(SIGTERM);
  REQUIRE(first.Wait(20s) == 130);
  std::vector<json> before = ParseRecords(first.out());
  CHECK(before.size() == 20);  // the /links pages; the held and queued leaves stay pending

  server.Release();
  ForageRun second = RunForage(args(second_limit));
  CHECK(second.exit_code == 0);
  CHECK(second.records.size() == 400);
  std::map<std::string, int> count;
  for (const auto* records : {&before, &second.records}) {
    for (const json& r : *records) {
      CHECK(r["ok"] == true);
      ++count[r["url"].get<std::string>()];
    }
  }
  std::map<std::string, int> once;
  for (const std::string& url : expected) once[url] = 1;
  CHECK(count == once);
  for (const json& r : second.records) {
    CHECK(r["depth"] == 1);
    CHECK(r["parent"].is_string());
  }
}

TEST_CASE("A temporary file that cannot be made stops the run with status 4, losing no URL",
          "[spill][crawl][integration]") {
  TestServer server;
  TempDir dir;
  std::set<std::string> expected;
  const std::vector<std::string> seeds = PageTree(server, 20, 20, &expected);
  std::vector<std::string> argv = {"/usr/bin/env", "TMPDIR=" + dir.path() + "/missing"};
  for (std::string& a :
       ForageCommand(Args({"-j", "1", "-d", "2", "--queue-in-memory", "5"}, seeds))) {
    argv.push_back(std::move(a));
  }
  ChildProcess forage(argv);
  forage.CloseStdin();
  REQUIRE(forage.Wait(60s) == 4);
  CHECK(forage.err().find(dir.path() + "/missing") != std::string::npos);
  CHECK(forage.err().find("holding queued URLs") != std::string::npos);
  std::vector<json> records = ParseRecords(forage.out());
  CHECK(records.size() < expected.size());
  Urls(records);  // no URL twice
  // As when a signal stops the run, each URL admitted and not finished has
  // its "interrupted" record.
  for (const json& r : records) {
    if (r["ok"] != true) CHECK(r["error"]["kind"] == "interrupted");
  }
  CheckNoLinkLost(records, 2);
}

}  // namespace
}  // namespace forage::test
