// The library API, driven in-process as an embedding program would.

#include "forage/crawler.h"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <thread>
#include <atomic>
#include <fstream>
#include <mutex>

#include "support/forage_run.h"

namespace forage::test {
namespace {

CrawlOptions LibraryOptions() {
  CrawlOptions o;
  o.workers = 2;
  o.fetch.concurrency = 4;
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
    return Status::IOError("disk full");
  });
  auto run = crawler.Run();
  REQUIRE_FALSE(run.ok());
  CHECK(run.status().message() == "disk full");
  CHECK(run.status().IsIOError());  // the callback's own Status, code and all
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

TEST_CASE("The admit filter decides which found links are scheduled", "[crawler][integration]") {
  TestServer server;
  CrawlOptions options = LibraryOptions();
  options.depth = 1;
  Crawler crawler(options);
  std::string seed = server.Url("/links?l=/page/1&l=/page/2&l=/page/3&l=/page/2&l=/status/404");
  crawler.AddSeed(seed);
  std::map<std::string, int> asked;
  crawler.OnAdmit([&](std::string_view url, int depth) {
    CHECK(depth == 1);
    ++asked[std::string(url)];
    return url.find("/page/2") == std::string_view::npos;  // everything but /page/2
  });
  std::set<std::string> recorded;
  crawler.OnRecord([&](const Record& r) {
    CHECK(recorded.insert(r.url).second);
    return Status();
  });
  auto run = crawler.Run();
  REQUIRE(run.ok());
  // Each distinct link is asked about once; the refused one gets no record.
  CHECK(asked == std::map<std::string, int>{{server.Url("/page/1"), 1},
                                            {server.Url("/page/2"), 1},
                                            {server.Url("/page/3"), 1},
                                            {server.Url("/status/404"), 1}});
  CHECK(recorded == std::set<std::string>{seed, server.Url("/page/1"), server.Url("/page/3"),
                                          server.Url("/status/404")});
  CHECK(run.value().records == 4);
}

TEST_CASE("RequestStop from another thread ends the run with every URL accounted for",
          "[crawler][integration]") {
  TestServer server;
  Crawler crawler(LibraryOptions());
  crawler.AddSeed(server.Url("/page/0"));
  for (int i = 0; i < 6; ++i) crawler.AddSeed(server.Url("/hold/" + std::to_string(i)));
  std::thread stopper;
  std::vector<Record> records;
  crawler.OnRecord([&](const Record& r) {
    records.push_back(r);
    if (!stopper.joinable()) {
      // Started from the first record, after the fetchers were forked: it
      // waits for the held requests to arrive and stops the run from there.
      stopper = std::thread([&] {
        for (int i = 0; i < 6; ++i) CHECK(server.WaitFor("HELD ", 20s));
        crawler.RequestStop();
      });
    }
    return Status();
  });
  const auto started = std::chrono::steady_clock::now();
  auto run = crawler.Run();
  stopper.join();
  REQUIRE(run.ok());
  CHECK(run.value().interrupted);
  CHECK(std::chrono::steady_clock::now() - started < 20s);
  std::set<std::string> urls;
  for (const Record& r : records) CHECK(urls.insert(r.url).second);
  CHECK(urls.size() == 7);
  server.Release();
}

// Descriptors open in this process, by number.
std::set<std::string> OpenFds() {
  std::set<std::string> fds;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    fds.insert(e.path().filename().string());
  }
  return fds;
}

TEST_CASE("Crawlers run one after another leave the host process as they found it",
          "[crawler][integration]") {
  TestServer server;
  struct sigaction before_int {}, before_term {}, before_pipe {};
  sigaction(SIGINT, nullptr, &before_int);
  sigaction(SIGTERM, nullptr, &before_term);
  sigaction(SIGPIPE, nullptr, &before_pipe);
  const std::set<std::string> fds = OpenFds();
  for (int round = 0; round < 3; ++round) {
    Crawler crawler(LibraryOptions());
    crawler.AddSeed(server.Url("/page/" + std::to_string(round)));
    int ok = 0;
    crawler.OnRecord([&](const Record& r) {
      ok += r.ok;
      return Status();
    });
    auto run = crawler.Run();
    REQUIRE(run.ok());
    CHECK(ok == 1);
    CHECK(ChildrenOf(::getpid()).size() <= 1);  // the test server only
  }
  CHECK(OpenFds() == fds);
  struct sigaction after {};
  sigaction(SIGINT, nullptr, &after);
  CHECK(after.sa_handler == before_int.sa_handler);
  sigaction(SIGTERM, nullptr, &after);
  CHECK(after.sa_handler == before_term.sa_handler);
  sigaction(SIGPIPE, nullptr, &after);
  CHECK(after.sa_handler == before_pipe.sa_handler);
}

TEST_CASE("Fetchers are clean processes even when the host has busy threads",
          "[crawler][integration]") {
  TestServer server;
  // Threads that allocate all the time and hold a lock most of it: a forked
  // copy of this process could inherit either mid-use.
  std::atomic<bool> stop{false};
  std::mutex held;
  std::vector<std::thread> busy;
  for (int i = 0; i < 3; ++i) {
    busy.emplace_back([&] {
      while (!stop.load()) {
        std::lock_guard<std::mutex> lock(held);
        std::vector<std::string> garbage(64, std::string(100, 'x'));
      }
    });
  }
  Crawler crawler(LibraryOptions());
  for (int i = 0; i < 40; ++i) crawler.AddSeed(server.Url("/page/" + std::to_string(i)));
  std::set<std::string> fetcher_programs;
  int ok = 0;
  crawler.OnRecord([&](const Record& r) {
    ok += r.ok;
    if (fetcher_programs.empty()) {
      for (pid_t pid : ChildrenOf(::getpid())) {
        std::string exe = ExeOf(pid);
        if (exe.find("forage_test_server") == std::string::npos) fetcher_programs.insert(exe);
      }
    }
    return Status();
  });
  auto run = crawler.Run();
  stop.store(true);
  for (std::thread& t : busy) t.join();
  REQUIRE(run.ok());
  CHECK(ok == 40);
  CHECK(run.value().worker_deaths == 0);
  REQUIRE(fetcher_programs.size() == 1);
  CHECK(fetcher_programs.begin()->find("forage-fetcher") != std::string::npos);
}

TEST_CASE("A fetcher program that cannot be started fails the run naming it",
          "[crawler][integration]") {
  CrawlOptions options = LibraryOptions();
  options.fetcher_program = "/nonexistent/forage-fetcher";
  Crawler crawler(options);
  crawler.AddSeed("http://127.0.0.1:9/");
  auto run = crawler.Run();
  REQUIRE_FALSE(run.ok());
  CHECK(run.status().message().find("/nonexistent/forage-fetcher") != std::string::npos);
}

}  // namespace
}  // namespace forage::test
