// What cron and systemd users rely on: --lock, whole output files, --append.

#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "support/forage_run.h"

namespace forage::test {
namespace {


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
  CHECK(ListDir(dir.path()).size() == 2);
  server.Release();
  REQUIRE(forage.Wait(20s) == 0);
  CHECK(ParseRecords(ReadFile(out)).size() == 2);
  CHECK(ListDir(dir.path()) == std::vector<std::string>{"out.jsonl"});
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
  CHECK(ListDir(dir.path()) == std::vector<std::string>{"out.csv"});
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

TEST_CASE("A reader polling the output never sees a partial file", "[scheduled][integration]") {
  TestServer server;
  TempDir dir;
  const std::string old_output = "{\"url\":\"old\"}\n";
  std::string out = dir.Write("out.jsonl", old_output);
  std::string list;
  for (int i = 0; i < 300; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  ChildProcess forage(
      ForageCommand({"-o", out, "-j", "2", "--per-host", "8", dir.Write("list.txt", list)}));
  // Read the path over and over while the run goes on: each read is the old
  // file or the whole new one.
  int old_seen = 0, new_seen = 0, other = 0;
  while (!forage.Wait(0ms)) {
    std::string text = ReadFile(out);
    if (text == old_output) {
      ++old_seen;
    } else if (!text.empty() && text.back() == '\n' && ParseRecords(text).size() == 300) {
      ++new_seen;
    } else {
      ++other;
    }
  }
  CHECK(forage.Wait(0ms) == 0);
  CHECK(old_seen > 0);
  CHECK(other == 0);
  CHECK(ParseRecords(ReadFile(out)).size() == 300);
}

TEST_CASE("Off a terminal only warnings and errors are printed", "[scheduled][integration]") {
  TestServer server;
  ForageRun good = RunForage({"--url", server.Url("/page/1"), "--url", server.Url("/page/2")});
  CHECK(good.exit_code == 0);
  CHECK(good.err.empty());
  ForageRun told = RunForage({"--log-level", "info", "--url", server.Url("/page/1")});
  CHECK(told.err.find("1 URL(s): 1 ok") != std::string::npos);
  // A run with failures ends with its summary as a warning.
  ForageRun failed =
      RunForage({"--url", server.Url("/page/1"), "--url", server.Url("/status/404")});
  CHECK(failed.exit_code == 1);
  CHECK(failed.err == "forage: warning: 2 URL(s): 1 ok, 1 failed, 0 skipped in " +
                          failed.err.substr(failed.err.find(" in ") + 4));
  CHECK(RunForage({"-q", "--url", server.Url("/status/404")}).err.empty());
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

TEST_CASE("Appending to a jsonl file whose last line is torn starts a new line, and says so",
          "[scheduled][integration]") {
  TestServer server;
  TempDir dir;
  const std::string torn = R"({"url":"http://x/","ok":tr)";
  std::string out = dir.Write("out.jsonl", "{\"earlier\":true}\n" + torn);
  ForageRun run = RunForage({"-o", out, "--append", "--url", server.Url("/page/1")});
  CHECK(run.exit_code == 0);
  CHECK(run.err.find("out.jsonl: its last line had no newline") != std::string::npos);
  const std::string text = ReadFile(out);
  REQUIRE(text.rfind("{\"earlier\":true}\n" + torn + "\n{", 0) == 0);
  // The record after the torn line is whole, on a line of its own.
  const std::string last = text.substr(text.find(torn) + torn.size() + 1);
  std::vector<nlohmann::json> records = ParseRecords(last);
  REQUIRE(records.size() == 1);
  CHECK(records[0]["url"] == server.Url("/page/1"));
  // A whole last line gets nothing added and no warning.
  ForageRun again = RunForage({"-o", out, "--append", "--url", server.Url("/page/2")});
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("no newline") == std::string::npos);
  CHECK(ReadFile(out).substr(text.size()).find("\n\n") == std::string::npos);
  CHECK(ParseRecords(ReadFile(out).substr(text.size())).size() == 1);
}

}  // namespace
}  // namespace forage::test
