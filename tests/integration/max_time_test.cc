// --max-time (issue 18 point 7): a run stops at its deadline exactly as on
// SIGTERM, but exits 5. Held pages (/hold/ID answers only on "release")
// keep the run going past the deadline; each test is bounded by a 1 s
// deadline and RunForage's own timeout.

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <regex>
#include <string>

#include "forage/crawler.h"
#include "support/forage_run.h"

namespace forage::test {
namespace {

using json = nlohmann::json;

constexpr int kExitMaxTime = 5;

// /page/0../page/(before-1), the holds, then /page/before../page/(before+after-1).
std::string PagesAroundHolds(const TestServer& server, int before, int holds, int after) {
  std::string list;
  for (int i = 0; i < before; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  for (int h = 0; h < holds; ++h) list += server.Url("/hold/" + std::to_string(h)) + "\n";
  for (int i = before; i < before + after; ++i) {
    list += server.Url("/page/" + std::to_string(i)) + "\n";
  }
  return list;
}

// The URLs of a list, one a line, each once.
std::map<std::string, int> Once(const std::string& list) {
  std::map<std::string, int> out;
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t nl = list.find('\n', start);
    out[list.substr(start, nl - start)] = 1;
    start = nl + 1;
  }
  return out;
}

// The number N in the summary line's "stopped at --max-time 1s: N URL(s) left".
std::optional<long> UrlsLeft(const std::string& err) {
  std::smatch m;
  if (!std::regex_search(err, m, std::regex("stopped at --max-time 1s: (\\d+) URL\\(s\\) left")))
    return std::nullopt;
  return std::stol(m[1]);
}

TEST_CASE("A run stopped at --max-time exits 5, every URL once, the rest interrupted",
          "[max_time][integration]") {
  TestServer server;
  TempDir dir;
  const std::string list = PagesAroundHolds(server, 4, 2, 8);
  const std::string stats = dir.path() + "/stats.json";
  ForageRun run = RunForage({"-j", "1", "-c", "2", "--per-host", "2", "--no-robots", "--max-time",
                             "1s", "--stats", stats, dir.Write("list.txt", list)},
                            "", 30s);
  server.Release();
  INFO(run.err);
  CHECK(run.exit_code == kExitMaxTime);
  std::map<std::string, int> count;
  long interrupted = 0;
  for (const json& r : run.records) {
    ++count[r["url"].get<std::string>()];
    if (r["ok"] == true) continue;
    CHECK(r["error"]["kind"] == "interrupted");
    CHECK(r["error"]["message"].get<std::string>().find("--max-time") != std::string::npos);
    ++interrupted;
  }
  CHECK(count == Once(list));
  for (int h = 0; h < 2; ++h) {
    for (const json& r : run.records) {
      if (r["url"] == server.Url("/hold/" + std::to_string(h))) CHECK(r["ok"] == false);
    }
  }
  CHECK(interrupted >= 2);  // the held pages at least
  // The summary line says where it stopped and how much was left.
  CHECK(UrlsLeft(run.err) == interrupted);
  CHECK(run.err.find("left, recorded as interrupted") != std::string::npos);
  CHECK(run.err.find("(interrupted)") == std::string::npos);
  const json s = json::parse(ReadFile(stats));
  CHECK(s["max_time_reached"] == true);
  CHECK(s["interrupted"] == true);
  CHECK(s["unfinished"] == interrupted);
}

TEST_CASE("With --state a run stopped at --max-time leaves its pass to the next, every URL once",
          "[max_time][state][integration]") {
  TestServer server;
  TempDir dir;
  // One transfer at a time: the held page holds back everything after it.
  const std::string list = PagesAroundHolds(server, 6, 1, 6);
  const std::string file = dir.Write("list.txt", list);
  const std::string state = dir.path() + "/state.db";
  auto args = [&](const std::string& out, std::vector<std::string> more) {
    std::vector<std::string> a = {"-j",          "1",       "-c",  "1",  "--per-host", "1",
                                  "--no-robots", "--state", state, "-o", out,          file};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  ForageRun first = RunForage(args(dir.path() + "/1.jsonl", {"--max-time", "1s"}), "", 30s);
  INFO(first.err);
  CHECK(first.exit_code == kExitMaxTime);
  CHECK(first.err.find("pending in " + state + " for the next run") != std::string::npos);
  const std::vector<json> before = ParseRecords(ReadFile(dir.path() + "/1.jsonl"));
  CHECK(UrlsLeft(first.err) == static_cast<long>(Once(list).size() - before.size()));

  server.Release();
  ForageRun second = RunForage(args(dir.path() + "/2.jsonl", {}), "", 30s);
  INFO(second.err);
  CHECK(second.exit_code == 0);
  const std::vector<json> after = ParseRecords(ReadFile(dir.path() + "/2.jsonl"));
  CHECK_FALSE(after.empty());  // at least the held page
  std::map<std::string, int> count;
  for (const auto* records : {&before, &after}) {
    for (const json& r : *records) {
      CHECK(r["ok"] == true);  // nothing interrupted: the rest waited in the state
      ++count[r["url"].get<std::string>()];
    }
  }
  CHECK(count == Once(list));

  // The pass is over: a third run begins a new one and fetches everything.
  ForageRun third = RunForage(args(dir.path() + "/3.jsonl", {"--max-time", "1h"}), "", 30s);
  CHECK(third.exit_code == 0);
  CHECK(ParseRecords(ReadFile(dir.path() + "/3.jsonl")).size() == Once(list).size());
}

TEST_CASE("A library run with max_time and a state stops at the deadline, the next carries on",
          "[max_time][state][crawler][integration]") {
  TestServer server;
  TempDir dir;
  CrawlOptions o;
  o.workers = 1;
  o.fetch.concurrency = 1;
  o.per_host = 1;
  o.robots = false;
  o.handle_signals = false;
  o.state_path = dir.path() + "/state.db";
  o.max_time = std::chrono::seconds(1);
  std::vector<std::string> seeds;
  for (int i = 0; i < 3; ++i) seeds.push_back(server.Url("/page/" + std::to_string(i)));
  seeds.push_back(server.Url("/hold/0"));
  for (int i = 3; i < 6; ++i) seeds.push_back(server.Url("/page/" + std::to_string(i)));
  std::map<std::string, int> count;
  auto run = [&](const CrawlOptions& options) {
    Crawler crawler(options);
    for (const std::string& url : seeds) crawler.AddSeed(url);
    crawler.OnRecord([&](const Record& r) {
      CHECK(r.ok);  // with a state nothing is recorded as interrupted
      ++count[r.url];
      return Status();
    });
    return crawler.Run();
  };

  const auto began = std::chrono::steady_clock::now();
  Result<CrawlSummary> first = run(o);
  REQUIRE(first.ok());
  CHECK(std::chrono::steady_clock::now() - began >= std::chrono::seconds(1));
  CHECK(first.value().max_time_reached);
  CHECK(first.value().interrupted);
  CHECK(first.value().unfinished == seeds.size() - count.size());
  CHECK(count.count(server.Url("/hold/0")) == 0);

  server.Release();
  o.max_time = {};
  Result<CrawlSummary> second = run(o);
  REQUIRE(second.ok());
  CHECK_FALSE(second.value().max_time_reached);
  CHECK_FALSE(second.value().interrupted);
  std::map<std::string, int> once;
  for (const std::string& url : seeds) once[url] = 1;
  CHECK(count == once);
}

}  // namespace
}  // namespace forage::test
