// One path given two jobs (issue 15, point 2): refused with status 2 before
// anything is opened for writing, so the file the first job owns survives.

#include <catch2/catch.hpp>

#include "support/forage_run.h"

namespace forage::test {
namespace {

TEST_CASE("forage refuses one file for two jobs and leaves it intact", "[cli][integration]") {
  TestServer server;
  TempDir dir;
  const std::string list = server.Url("/page/1") + "\n";
  const std::string urls = dir.Write("urls.txt", list);
  const std::string state = dir.path() + "/s.db";
  // A state worth keeping: one run's worth.
  REQUIRE(RunForage({"--state", state, "-o", dir.path() + "/out.jsonl", urls}).exit_code == 0);
  const std::string kept = ReadFile(state);
  REQUIRE(!kept.empty());

  struct Case {
    std::vector<std::string> args;
    const char* expected;  // both options named
  };
  const Case cases[] = {
      {{"--lock", urls, urls}, "the input file"},
      {{"--lock", state, "--state", state, urls}, "--lock"},
      {{"--stats", state, "--state", state, urls}, "--stats"},
      {{"-o", state, "--state", state, urls}, "-o"},
      {{"-o", urls, urls}, "-o"},
      {{"--stats", dir.path() + "/./urls.txt", urls}, "--stats"},
      // Not there yet: the same name all the same.
      {{"-o", dir.path() + "/new.jsonl", "--stats", dir.path() + "/new.jsonl", urls}, "--stats"},
  };
  for (const Case& c : cases) {
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    INFO("forage " << joined);
    ForageRun run = RunForage(c.args, "", 30s);
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("are the same file") != std::string::npos);
    CHECK(run.err.find(c.expected) != std::string::npos);
    CHECK(run.err.find('\n') == run.err.size() - 1);  // one line
    CHECK(ReadFile(urls) == list);
    CHECK(ReadFile(state) == kept);
  }
  CHECK(ListDir(dir.path()) == std::vector<std::string>{"out.jsonl", "s.db", "urls.txt"});
}

TEST_CASE("The --lock option refuses to take over a file that is not a lock", "[cli][integration]") {
  TestServer server;
  TempDir dir;
  const std::string data = dir.Write("notes.txt", "keep me\n");
  ForageRun run = RunForage({"--lock", data, "--url", server.Url("/page/1")}, "", 30s);
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("not a forage lock file") != std::string::npos);
  CHECK(ReadFile(data) == "keep me\n");
  CHECK(run.records.empty());
  // Its own lock file it takes again, run after run.
  const std::string lock = dir.path() + "/run.lock";
  for (int i = 0; i < 2; ++i) {
    CHECK(RunForage({"--lock", lock, "--url", server.Url("/page/1")}, "", 30s).exit_code == 0);
  }
  CHECK(ReadFile(lock).rfind("forage lock pid ", 0) == 0);
}

TEST_CASE("An unwritable --stats path is found before the crawl", "[cli][integration]") {
  // It used to be found only once every page had been fetched.
  TestServer server;
  ForageRun run = RunForage({"--stats", "/nonexistent/x", "--url", server.Url("/page/1")}, "", 30s);
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("--stats /nonexistent/x") != std::string::npos);
  CHECK(run.records.empty());
  CHECK(server.Stats()["hosts"].empty());  // nothing was fetched
}

TEST_CASE("Option values from the command line and config file are checked before fetching",
          "[cli][integration]") {
  TestServer server;
  TempDir dir;
  const std::string config = dir.Write("f.toml", "state = 5\n");
  const std::vector<std::vector<std::string>> bad = {
      {"--timeout", "nan"},
      {"--user-agent", "bot\r\nX-Injected: 1"},
      {"--resolve", "h:99999:127.0.0.1"},
      {"--config", config},
  };
  for (const auto& args : bad) {
    INFO(args[0] << " " << args[1]);
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--url", server.Url("/page/1")});
    ForageRun run = RunForage(all, "", 30s);
    CHECK(run.exit_code == 2);
    CHECK(run.err.find('\n') == run.err.size() - 1);
  }
  CHECK(server.Stats()["hosts"].empty());
  CHECK(ListDir(dir.path()) == std::vector<std::string>{"f.toml"});
}

}  // namespace
}  // namespace forage::test
