// --state: runs cut off by SIGINT, SIGTERM or SIGKILL resume without losing
// or repeating a URL; later runs revisit pages with conditional requests.

#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "support/forage_run.h"
#include "support/raw_sqlite.h"

namespace forage::test {
namespace {

using json = nlohmann::json;

// The flags of every run here: one transfer at a time, so a held page holds
// back everything listed after it.
std::vector<std::string> Serial(const std::string& state, std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"-j", "1", "-c", "1", "--per-host", "1", "--no-robots",
                                   "--state", state};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// /page/0../page/(before-1), then /hold/ID, then as many pages again.
std::string PagesAroundHold(const TestServer& server, int before, const std::string& hold) {
  std::string list;
  for (int i = 0; i < before; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  list += server.Url("/hold/" + hold) + "\n";
  for (int i = before; i < 2 * before; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  return list;
}

// Reads `n` records from a running forage's standard output.
std::vector<json> ReadRecords(ChildProcess& forage, int n) {
  std::vector<json> out;
  for (int i = 0; i < n; ++i) {
    std::optional<std::string> line = forage.ReadLine(20s);
    REQUIRE(line);
    out.push_back(json::parse(*line));
  }
  return out;
}

// Every record's url, counted; the test fails on an "interrupted" record.
std::map<std::string, int> CountUrls(const std::vector<std::vector<json>>& outputs) {
  std::map<std::string, int> count;
  for (const auto& records : outputs) {
    for (const json& r : records) {
      if (!r["error"].is_null()) CHECK(r["error"]["kind"] != "interrupted");
      ++count[r["url"].get<std::string>()];
    }
  }
  return count;
}

// The URLs of a list, one a line.
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


TEST_CASE("A run stopped by SIGINT or SIGTERM resumes: every URL once in all",
          "[state][integration]") {
  const int signo = GENERATE(SIGINT, SIGTERM);
  TestServer server;
  TempDir dir;
  const std::string list = PagesAroundHold(server, 10, "1");
  const std::string file = dir.Write("list.txt", list);
  const std::string state = dir.path() + "/state.db";

  ChildProcess first(ForageCommand(Serial(state, {file})));
  REQUIRE(server.WaitFor("HELD ", 20s));
  std::vector<json> before = ReadRecords(first, 10);  // everything listed before the hold
  first.Signal(signo);
  REQUIRE(first.Wait(20s) == 130);
  for (const json& r : ParseRecords(first.out())) before.push_back(r);
  CHECK(before.size() == 10);  // the held page and those behind it stay pending

  server.Release();
  ForageRun second = RunForage(Serial(state, {file}));
  CHECK(second.exit_code == 0);
  CHECK(second.records.size() == 11);
  CHECK(CountUrls({before, second.records}) == Once(list));

  // The pass is over: a third run starts a new one and fetches everything.
  ForageRun third = RunForage(Serial(state, {file}));
  CHECK(third.exit_code == 0);
  CHECK(third.records.size() == 21);
}

TEST_CASE("A crawl cut off by SIGTERM resumes the links it had queued", "[state][integration]") {
  TestServer server;
  TempDir dir;
  std::string seed = server.Url("/links?");
  std::set<std::string> expected;
  for (int i = 1; i <= 10; ++i) {
    std::string path = i == 6 ? "/hold/2" : "/page/" + std::to_string(i);
    seed += "l=" + path + "&";
    expected.insert(server.Url(path));
  }
  expected.insert(seed);
  const std::string state = dir.path() + "/state.db";
  std::vector<std::string> args = Serial(state, {"-d", "1", "--url", seed});

  ChildProcess first(ForageCommand(args));
  REQUIRE(server.WaitFor("HELD ", 20s));
  std::vector<json> before = ReadRecords(first, 6);  // the seed and /page/1 to /page/5
  first.Signal(SIGTERM);
  REQUIRE(first.Wait(20s) == 130);
  for (const json& r : ParseRecords(first.out())) before.push_back(r);

  server.Release();
  ForageRun second = RunForage(args);
  CHECK(second.exit_code == 0);
  CHECK(second.records.size() == 5);  // the held page and the four links after it
  std::map<std::string, int> once;
  for (const std::string& url : expected) once[url] = 1;
  CHECK(CountUrls({before, second.records}) == once);
  for (const json& r : second.records) CHECK(r["depth"] == 1);
}

TEST_CASE("After a SIGKILL of the master the next run takes up its output", "[state][integration]") {
  TestServer server;
  TempDir dir;
  const std::string list = PagesAroundHold(server, 10, "3");
  const std::string file = dir.Write("list.txt", list);
  const std::string state = dir.path() + "/state.db";
  const std::string out = dir.path() + "/out.jsonl";

  ChildProcess first(ForageCommand(Serial(state, {"--log-level", "debug", "-o", out, file})));
  REQUIRE(server.WaitFor("HELD ", 20s));
  // The master commits the state while it waits on the held page.
  REQUIRE(first.WaitErr("state committed; 10 record(s)", 20s));
  std::vector<pid_t> fetchers = ChildrenOf(first.pid());
  first.Signal(SIGKILL);
  REQUIRE(first.Wait(10s) == 128 + SIGKILL);
  for (pid_t pid : fetchers) REQUIRE(WaitGone(pid, 10s));
  CHECK_FALSE(std::filesystem::exists(out));  // nothing published...
  std::vector<std::string> left = ListDir(dir.path());
  CHECK(std::count_if(left.begin(), left.end(), [](const std::string& name) {
          return name.find(".forage-") != std::string::npos;
        }) == 1);  // ...but its records wait beside the output
  server.Release();

  SECTION("the same output: it carries on in that file") {
    ForageRun second = RunForage(Serial(state, {"-o", out, file}));
    CHECK(second.exit_code == 0);
    std::vector<json> records = ParseRecords(ReadFile(out));
    CHECK(records.size() == 21);
    CHECK(CountUrls({records}) == Once(list));
  }
  SECTION("another output: the killed run's records are published at its own") {
    const std::string out2 = dir.path() + "/out2.jsonl";
    ForageRun second = RunForage(Serial(state, {"-o", out2, file}));
    CHECK(second.exit_code == 0);
    CHECK(second.err.find("records of the cut-off run are now at " + out) != std::string::npos);
    std::vector<json> first_records = ParseRecords(ReadFile(out));
    std::vector<json> second_records = ParseRecords(ReadFile(out2));
    CHECK(first_records.size() == 10);
    CHECK(second_records.size() == 11);
    CHECK(CountUrls({first_records, second_records}) == Once(list));
  }
  SECTION("standard output: the rest of the pass, once") {
    ForageRun second = RunForage(Serial(state, {file}));
    CHECK(second.exit_code == 0);
    CHECK(CountUrls({ParseRecords(ReadFile(out)), second.records}) == Once(list));
  }
  for (const std::string& name : ListDir(dir.path())) {
    CHECK(name.find(".forage-") == std::string::npos);  // no temporary file is left
  }
}

TEST_CASE("After a SIGKILL of a master writing to a pipe no URL is lost or repeated",
          "[state][integration]") {
  TestServer server;
  TempDir dir;
  const std::string list = PagesAroundHold(server, 8, "4");
  const std::string file = dir.Write("list.txt", list);
  const std::string state = dir.path() + "/state.db";

  ChildProcess first(ForageCommand(Serial(state, {"--log-level", "debug", file})));
  REQUIRE(server.WaitFor("HELD ", 20s));
  std::vector<json> before = ReadRecords(first, 8);
  // Each record written to a stream is committed at once.
  REQUIRE(first.WaitErr("state committed; 8 record(s)", 20s));
  first.Signal(SIGKILL);
  REQUIRE(first.Wait(10s) == 128 + SIGKILL);
  server.Release();
  ForageRun second = RunForage(Serial(state, {file}));
  CHECK(second.exit_code == 0);
  CHECK(second.records.size() == 9);
  CHECK(CountUrls({before, second.records}) == Once(list));
}

// The server's counts for /cond/ID: requests, conditional ones, 304s.
json Cond(TestServer& server, const std::string& id) { return server.Stats()["cond"][id]; }

void Bump(TestServer& server, const std::string& id) {
  server.Send("bump " + id + "\n");
  REQUIRE(server.WaitFor("BUMPED " + id, 10s));
}

TEST_CASE("A later run revisits pages with conditional requests", "[state][cond][integration]") {
  TestServer server;
  TempDir dir;
  const std::string state = dir.path() + "/state.db";
  // a: ETag and Last-Modified; b: changes between runs; c: Last-Modified only;
  // /page/1: no validators at all.
  std::vector<std::string> args =
      Serial(state, {"--url", server.Url("/cond/a"), "--url", server.Url("/cond/b"), "--url",
                     server.Url("/cond/c?etag=0"), "--url", server.Url("/page/1")});
  ForageRun first = RunForage(args);
  REQUIRE(first.exit_code == 0);
  for (const auto& [url, r] : first.ByUrl()) {
    CHECK(r["status"] == 200);
    CHECK(r["unchanged"] == false);
  }
  CHECK(Cond(server, "a")["conditional"] == 0);

  Bump(server, "b");
  ForageRun second = RunForage(args);
  REQUIRE(second.exit_code == 0);
  auto by_url = second.ByUrl();
  REQUIRE(by_url.size() == 4);
  for (const char* unchanged : {"/cond/a", "/cond/c?etag=0"}) {
    const json& r = by_url[server.Url(unchanged)];
    CHECK(r["ok"] == true);
    CHECK(r["status"] == 304);
    CHECK(r["unchanged"] == true);
  }
  CHECK(by_url[server.Url("/cond/b")]["status"] == 200);
  CHECK(by_url[server.Url("/cond/b")]["unchanged"] == false);
  CHECK(by_url[server.Url("/cond/b")]["title"] == "cond b v2");
  CHECK(by_url[server.Url("/page/1")]["status"] == 200);
  CHECK(Cond(server, "a")["conditional"] == 1);
  CHECK(Cond(server, "a")["not_modified"] == 1);
  CHECK(Cond(server, "b")["conditional"] == 1);
  CHECK(Cond(server, "b")["not_modified"] == 0);
  CHECK(Cond(server, "c")["not_modified"] == 1);  // by If-Modified-Since alone

  // b's new validators replaced the old ones: now it is unchanged too.
  ForageRun third = RunForage(args);
  CHECK(third.ByUrl()[server.Url("/cond/b")]["unchanged"] == true);
  CHECK(Cond(server, "b")["not_modified"] == 1);
}

TEST_CASE("With --changed-only an unchanged page gets no record", "[state][cond][integration]") {
  TestServer server;
  TempDir dir;
  std::vector<std::string> args = Serial(dir.path() + "/state.db",
                                         {"--changed-only", "--url", server.Url("/cond/a"),
                                          "--url", server.Url("/cond/b")});
  CHECK(RunForage(args).records.size() == 2);  // the first run has nothing to compare with
  Bump(server, "b");
  ForageRun second = RunForage(args);
  CHECK(second.exit_code == 0);
  REQUIRE(second.records.size() == 1);
  CHECK(second.records[0]["url"] == server.Url("/cond/b"));
  CHECK(Cond(server, "a")["not_modified"] == 1);
  CHECK(RunForage(args).records.empty());
}

TEST_CASE("Pages younger than --recrawl-after are left alone and their stored links followed",
          "[state][cond][integration]") {
  TestServer server;
  TempDir dir;
  const std::string state = dir.path() + "/state.db";
  const std::string seed = server.Url("/cond/x?link=/cond/y");
  ForageRun first = RunForage(Serial(state, {"-d", "1", "--url", seed}));
  CHECK(first.records.size() == 2);

  ForageRun recent = RunForage(Serial(state, {"-d", "1", "--recrawl-after", "1h", "--url", seed}));
  CHECK(recent.exit_code == 0);
  CHECK(recent.records.empty());
  CHECK(Cond(server, "x")["requests"] == 1);
  CHECK(Cond(server, "y")["requests"] == 1);

  // Due again: x answers 304, and y is reached through the links stored
  // with x's last full fetch, and is unchanged too.
  ForageRun due = RunForage(Serial(state, {"-d", "1", "--recrawl-after", "0", "--url", seed}));
  auto by_url = due.ByUrl();
  REQUIRE(by_url.size() == 2);
  CHECK(by_url[seed]["unchanged"] == true);
  CHECK(by_url[server.Url("/cond/y")]["unchanged"] == true);
  CHECK(by_url[server.Url("/cond/y")]["depth"] == 1);
  CHECK(Cond(server, "y")["not_modified"] == 1);
}

TEST_CASE("A state from a newer forage, or no state at all, is refused with status 2",
          "[state][integration]") {
  TestServer server;
  TempDir dir;
  const std::string state = dir.path() + "/state.db";
  REQUIRE(RunForage(Serial(state, {"--url", server.Url("/page/1")})).exit_code == 0);
  Exec(OpenRaw(state).get(), "PRAGMA user_version = 99");
  ForageRun newer = RunForage(Serial(state, {"--url", server.Url("/page/1")}));
  CHECK(newer.exit_code == 2);
  CHECK(newer.records.empty());
  CHECK(newer.err.find("newer forage") != std::string::npos);

  const std::string text = dir.Write("notes.txt", "not a database\n");
  ForageRun garbage = RunForage(Serial(text, {"--url", server.Url("/page/1")}));
  CHECK(garbage.exit_code == 2);
  CHECK(garbage.err.find("not a forage state") != std::string::npos);
  CHECK(ReadFile(text) == "not a database\n");
}

TEST_CASE("Two runs on one state: the second exits 3", "[state][integration]") {
  TestServer server;
  TempDir dir;
  const std::string state = dir.path() + "/state.db";
  ChildProcess first(ForageCommand(Serial(state, {"--url", server.Url("/hold/5")})));
  REQUIRE(server.WaitFor("HELD ", 20s));
  ForageRun second = RunForage(Serial(state, {"--url", server.Url("/page/1")}));
  CHECK(second.exit_code == 3);
  CHECK(second.err.find("another forage run is using this state") != std::string::npos);
  server.Release();
  CHECK(first.Wait(20s) == 0);
}

}  // namespace
}  // namespace forage::test
