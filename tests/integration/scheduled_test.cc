// What cron and systemd users rely on: --lock, whole output files, --append.

#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/forage_run.h"

namespace forage::test {
namespace {

std::vector<std::string> Listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST_CASE("A second run with the same lock exits 3 naming the holder", "[scheduled][integration]") {
  TestServer server;
  TempDir dir;
  std::string lock = dir.path() + "/forage.lock";
  ChildProcess holder(ForageCommand({"--lock", lock, "--url", server.Url("/hold/1")}));
  REQUIRE(server.WaitFor("HELD ", 20s));
  ForageRun second = RunForage({"--lock", lock, "--url", server.Url("/page/1")}, "", 20s);
  CHECK(second.exit_code == 3);
  CHECK(second.records.empty());
  CHECK(second.err.find("pid " + std::to_string(holder.pid())) != std::string::npos);
  server.Release();
  CHECK(holder.Wait(20s) == 0);
  ForageRun third = RunForage({"--lock", lock, "--url", server.Url("/page/1")});
  CHECK(third.exit_code == 0);
}

TEST_CASE("A killed lock holder leaves no stale lock", "[scheduled][integration]") {
  TestServer server;
  TempDir dir;
  std::string lock = dir.path() + "/forage.lock";
  ChildProcess holder(ForageCommand({"--lock", lock, "--url", server.Url("/hold/1")}));
  REQUIRE(server.WaitFor("HELD ", 20s));
  std::vector<pid_t> fetchers = ChildrenOf(holder.pid());
  holder.Signal(SIGKILL);
  REQUIRE(holder.Wait(10s) == 128 + SIGKILL);
  for (pid_t pid : fetchers) REQUIRE(WaitGone(pid, 10s));
  ForageRun next = RunForage({"--lock", lock, "--url", server.Url("/page/1")});
  CHECK(next.exit_code == 0);
  server.Release();
}

TEST_CASE("An output file is replaced whole when the run ends", "[scheduled][integration]") {
  TestServer server;
  TempDir dir;
  std::string out = dir.Write("out.jsonl", "old\n");
  ChildProcess forage(ForageCommand({"-o", out, "--per-host", "10", "--url", server.Url("/page/1"),
                                     "--url", server.Url("/hold/1")}));
  REQUIRE(server.WaitFor("HELD ", 20s));
  // A reader now sees the previous output, not a half-written one; the new
  // one grows beside it.
  CHECK(ReadFile(out) == "old\n");
  CHECK(Listing(dir.path()).size() == 2);
  server.Release();
  REQUIRE(forage.Wait(20s) == 0);
  CHECK(ParseRecords(ReadFile(out)).size() == 2);
  CHECK(Listing(dir.path()) == std::vector<std::string>{"out.jsonl"});
}

TEST_CASE("An interrupted run still publishes its records whole", "[scheduled][integration]") {
  TestServer server;
  TempDir dir;
  std::string out = dir.path() + "/out.csv";
  ChildProcess forage(ForageCommand({"-o", out, "--url", server.Url("/hold/1")}));
  REQUIRE(server.WaitFor("HELD ", 20s));
  forage.Signal(SIGINT);
  REQUIRE(forage.Wait(20s) == 130);
  std::string csv = ReadFile(out);
  CHECK(csv.rfind("url,", 0) == 0);
  CHECK(csv.find("interrupted") != std::string::npos);
  CHECK(Listing(dir.path()) == std::vector<std::string>{"out.csv"});
  server.Release();
}

TEST_CASE("A SIGKILLed run leaves the previous output in place", "[scheduled][integration]") {
  TestServer server;
  TempDir dir;
  std::string out = dir.Write("out.jsonl", "old\n");
  ChildProcess forage(ForageCommand({"-o", out, "--url", server.Url("/hold/1")}));
  REQUIRE(server.WaitFor("HELD ", 20s));
  forage.Signal(SIGKILL);
  REQUIRE(forage.Wait(10s) == 128 + SIGKILL);
  CHECK(ReadFile(out) == "old\n");
  server.Release();
}

TEST_CASE("Appending adds to jsonl and sqlite outputs, not csv", "[scheduled][integration]") {
  TestServer server;
  TempDir dir;
  std::string out = dir.path() + "/out.jsonl";
  for (int run = 0; run < 2; ++run) {
    CHECK(RunForage({"-o", out, "--append", "--url", server.Url("/page/1")}).exit_code == 0);
  }
  CHECK(ParseRecords(ReadFile(out)).size() == 2);
  ForageRun csv =
      RunForage({"-o", dir.path() + "/out.csv", "--append", "--url", server.Url("/page/1")});
  CHECK(csv.exit_code == 2);
  CHECK(csv.err.find("--append works with jsonl and sqlite") != std::string::npos);
}

}  // namespace
}  // namespace forage::test
