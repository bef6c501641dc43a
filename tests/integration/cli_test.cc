// The forage binary's contract at its edges: inputs, usage errors, exit codes.

#include <catch2/catch.hpp>

#include "support/forage_run.h"

namespace forage::test {
namespace {

int CountLines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST_CASE("forage rejects an unknown flag with one line and status 2", "[cli][integration]") {
  ForageRun run = RunForage({"--frobnicate", "x.txt"});
  CHECK(run.exit_code == 2);
  CHECK(run.records.empty());
  CHECK(CountLines(run.err) == 1);
  CHECK(run.err.find("--frobnicate") != std::string::npos);
}

TEST_CASE("forage rejects a bad value with one line and status 2", "[cli][integration]") {
  ForageRun run = RunForage({"-j", "0", "x.txt"});
  CHECK(run.exit_code == 2);
  CHECK(CountLines(run.err) == 1);
  CHECK(run.err.find("workers") != std::string::npos);
}

TEST_CASE("forage names a missing input file and exits 2 before fetching", "[cli][integration]") {
  TempDir dir;
  std::string good = dir.Write("good.txt", "http://127.0.0.1:1/\n");
  ForageRun run = RunForage({good, dir.path() + "/missing.txt"});
  CHECK(run.exit_code == 2);
  CHECK(run.records.empty());
  CHECK(run.err.find("missing.txt") != std::string::npos);
  CHECK(CountLines(run.err) == 1);
}

TEST_CASE("forage with no input is a usage error", "[cli][integration]") {
  ForageRun run = RunForage({});
  CHECK(run.exit_code == 2);
}

TEST_CASE("forage prints version and help to stdout and exit 0", "[cli][integration]") {
  ChildProcess version(ForageCommand({"--version"}));
  CHECK(version.Wait(10s) == 0);
  CHECK(version.out().rfind("forage ", 0) == 0);
  ChildProcess help(ForageCommand({"--help"}));
  CHECK(help.Wait(10s) == 0);
  CHECK(help.out().find("--max-bytes") != std::string::npos);
}

TEST_CASE("Bad input lines become error records, not crashes", "[cli][integration]") {
  TestServer server;
  TempDir dir;
  std::string list = dir.Write("mixed.txt",
                               "# header comment\n"
                               "\n" +
                                   server.Url("/page/1") +
                                   "\n"
                                   "ftp://example.com/file\n"
                                   "mailto:someone@example.com\n"
                                   "http://exa mple.com/\n"
                                   "   \n"
                                   "http://[::1/\n" +
                                   std::string(70000, 'z') + "\n");
  ForageRun run = RunForage({"-j", "1", "-q", list});
  REQUIRE(run.exit_code == 1);
  REQUIRE(run.records.size() == 6);
  auto by = run.ByUrl();
  CHECK(by[server.Url("/page/1")]["ok"] == true);
  CHECK(by["ftp://example.com/file"]["error"]["kind"] == "unsupported_scheme");
  CHECK(by["mailto:someone@example.com"]["error"]["kind"] == "unsupported_scheme");
  CHECK(by["http://exa mple.com/"]["error"]["kind"] == "invalid_url");
  auto& bad6 = by["http://[::1/"];
  CHECK(bad6["error"]["kind"] == "invalid_url");
  CHECK(bad6["fetched_at"].is_null());
  // Where: the message names the file and line.
  CHECK(bad6["error"]["message"].get<std::string>().find("mixed.txt:8") != std::string::npos);
  int too_long = 0;
  for (const auto& r : run.records) {
    if (r["url"].get<std::string>().rfind("zzz", 0) == 0) {
      ++too_long;
      CHECK(r["error"]["kind"] == "invalid_url");
    }
  }
  CHECK(too_long == 1);
}

TEST_CASE("URLs come from files, standard input and --url alike", "[cli][integration]") {
  TestServer server;
  TempDir dir;
  std::string list = dir.Write("a.txt", server.Url("/page/1") + "\n");
  ForageRun run = RunForage({"-j", "2", "--url", server.Url("/page/2"), list, "-"},
                            server.Url("/page/3") + "\r\n" + server.Url("/page/4"));
  CHECK(run.exit_code == 0);
  auto by = run.ByUrl();
  CHECK(by.size() == 4);
  for (int i = 1; i <= 4; ++i) CHECK(by.count(server.Url("/page/" + std::to_string(i))) == 1);
}

TEST_CASE("The output flag writes records to a file", "[cli][integration]") {
  TestServer server;
  TempDir dir;
  std::string out = dir.path() + "/out.jsonl";
  ForageRun run = RunForage({"-j", "1", "-o", out, "--url", server.Url("/page/9")});
  CHECK(run.exit_code == 0);
  CHECK(run.records.empty());
  ChildProcess cat({"/bin/cat", out});
  REQUIRE(cat.Wait(10s) == 0);
  auto records = ParseRecords(cat.out());
  REQUIRE(records.size() == 1);
  CHECK(records[0]["title"] == "Page 9");
}

TEST_CASE("An unwritable output is a usage error", "[cli][integration]") {
  ForageRun run = RunForage({"-o", "/nonexistent-dir/out.jsonl", "--url", "http://127.0.0.1:1/"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("/nonexistent-dir/out.jsonl") != std::string::npos);
}

TEST_CASE("Standard input that stays open is read as it arrives", "[cli][integration]") {
  TestServer server;
  ChildProcess forage(ForageCommand({"-j", "1", "-q", "-"}));
  forage.WriteStdin(server.Url("/page/1") + "\n");
  // The record for the first URL arrives while stdin is still open.
  std::optional<std::string> first = forage.ReadLine(20s);
  REQUIRE(first);
  CHECK(first->find("\"title\":\"Page 1\"") != std::string::npos);
  forage.WriteStdin(server.Url("/page/2") + "\n");
  forage.CloseStdin();
  CHECK(forage.Wait(20s) == 0);
  CHECK(ParseRecords(forage.out()).size() == 1);  // the second one
}

}  // namespace
}  // namespace forage::test
