// The library API, driven in-process as an embedding program would.

#include "forage/crawler.h"

#include <catch2/catch.hpp>
#include <set>

#include "support/forage_run.h"

namespace forage::test {
namespace {

CrawlOptions LibraryOptions() {
  CrawlOptions o;
  o.workers = 2;
  o.concurrency = 4;
  o.per_host = 100;          // every URL is on the one test host
  o.handle_signals = false;  // the test process keeps its own signals
  return o;
}

TEST_CASE("Crawler calls OnRecord once per seed and sums up the run", "[crawler][integration]") {
  TestServer server;
  Crawler crawler(LibraryOptions());
  for (int i = 0; i < 30; ++i) crawler.AddSeed(server.Url("/page/" + std::to_string(i)));
  crawler.AddSeed(server.Url("/status/404"));
  crawler.AddSeed("gopher://old.example/");
  std::multiset<std::string> seen;
  crawler.OnRecord([&](const Record& r) {
    seen.insert(r.url);
    return Status();
  });
  auto run = crawler.Run();
  REQUIRE(run.ok());
  const CrawlSummary& s = run.value();
  CHECK(s.records == 32);
  CHECK(s.ok == 30);
  CHECK(s.failed == 2);
  CHECK_FALSE(s.interrupted);
  CHECK(s.worker_deaths == 0);
  CHECK(seen.size() == 32);
  for (const std::string& url : seen) CHECK(seen.count(url) == 1);
}

TEST_CASE("A failing record callback ends the run with its Status", "[crawler][integration]") {
  TestServer server;
  Crawler crawler(LibraryOptions());
  for (int i = 0; i < 20; ++i) crawler.AddSeed(server.Url("/page/" + std::to_string(i)));
  int calls = 0;
  crawler.OnRecord([&](const Record&) {
    ++calls;
    return Status::Error("disk full");
  });
  auto run = crawler.Run();
  REQUIRE_FALSE(run.ok());
  CHECK(run.status().message() == "disk full");
  CHECK(calls == 1);  // nothing more is offered to a sink that failed
}

TEST_CASE("RequestStop ends a run with interrupted records", "[crawler][integration]") {
  TestServer server;
  Crawler crawler(LibraryOptions());
  crawler.AddSeed(server.Url("/page/0"));
  for (int i = 0; i < 8; ++i) crawler.AddSeed(server.Url("/hold/" + std::to_string(i)));
  std::vector<Record> records;
  crawler.OnRecord([&](const Record& r) {
    records.push_back(r);
    if (records.size() == 1) crawler.RequestStop();
    return Status();
  });
  auto run = crawler.Run();
  REQUIRE(run.ok());
  CHECK(run.value().interrupted);
  REQUIRE(records.size() == 9);
  CHECK(records[0].ok);
  for (std::size_t i = 1; i < records.size(); ++i) {
    REQUIRE(records[i].error);
    CHECK(records[i].error->kind == ErrorKind::kInterrupted);
  }
  server.Release();
}

TEST_CASE("A Crawler can run twice and a stale stop request does not leak",
          "[crawler][integration]") {
  TestServer server;
  Crawler crawler(LibraryOptions());
  crawler.AddSeed(server.Url("/page/1"));
  crawler.RequestStop();  // before any run: ignored
  int records = 0;
  crawler.OnRecord([&](const Record& r) {
    records += r.ok;
    return Status();
  });
  auto first = crawler.Run();
  REQUIRE(first.ok());
  CHECK_FALSE(first.value().interrupted);
  CHECK(records == 1);
  auto second = crawler.Run();  // seeds were consumed: an empty run
  REQUIRE(second.ok());
  CHECK(second.value().records == 0);
}

}  // namespace
}  // namespace forage::test
