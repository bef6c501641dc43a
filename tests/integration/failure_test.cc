// Failure on purpose: fetchers SIGKILLed mid-run, the master interrupted or
// killed. Every URL still gets exactly one record, and nothing is left over.
// Synchronisation is by the test server's "HELD" lines: a request held open
// proves the job is in flight at a fetcher.

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include <regex>
#include <set>

#include "support/forage_run.h"
#include "support/site_tree.h"

namespace forage::test {
namespace {

using nlohmann::json;

std::set<std::string> ShmEntries() {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/dev/shm", ec)) {
    out.insert(e.path().filename().string());
  }
  return out;
}

// A URL list: `holds` held requests first (they fill the fetchers' slots),
// then `pages` ordinary pages queued behind them.
std::string HoldsThenPages(const TestServer& server, int holds, int pages) {
  std::string list;
  for (int i = 0; i < holds; ++i) list += server.Url("/hold/" + std::to_string(i)) + "\n";
  for (int i = 0; i < pages; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  return list;
}

void WaitHeld(TestServer& server, int count) {
  for (int i = 0; i < count; ++i) {
    INFO("waiting for held request " << i + 1 << " of " << count);
    REQUIRE(server.WaitFor("HELD ", 20s));
  }
}

std::vector<pid_t> Fetchers(const ChildProcess& forage, std::size_t expected) {
  std::vector<pid_t> kids = ChildrenOf(forage.pid());
  REQUIRE(kids.size() == expected);
  return kids;
}

// Kills a random fetcher of `forage` at every `every`-th request the server
// (started with --log-requests) sees, until the run has made no request for
// 5 s (it is over). Returns how many it killed.
int KillFetchersAsRequestsCome(TestServer& server, const ChildProcess& forage, int every,
                               unsigned seed) {
  std::mt19937 rng(seed);
  int requests = 0, kills = 0;
  while (auto line = server.WaitFor("GOT ", 5s)) {
    if (++requests % every != 0) continue;
    std::vector<pid_t> kids = ChildrenOf(forage.pid());
    if (kids.empty()) continue;
    ::kill(kids[rng() % kids.size()], SIGKILL);
    ++kills;
  }
  return kills;
}

TEST_CASE("Fetchers killed mid-run lose nothing: their jobs are redone by fetcher programs",
          "[failure][integration]") {
  TestServer server;
  TempDir dir;
  std::string list = HoldsThenPages(server, 8, 50);
  auto shm_before = ShmEntries();
  ChildProcess forage(
      ForageCommand({"--per-host", "100", "-j", "2", "-c", "4", dir.Write("list.txt", list)}));

  WaitHeld(server, 8);  // both fetchers full of held requests
  std::vector<pid_t> first = Fetchers(forage, 2);
  // The first fetchers are forked from forage (no libraries to load),
  // named as fetchers; their replacements run the fetcher program.
  const std::string forage_exe = ExeOf(forage.pid());
  for (pid_t pid : first) {
    CHECK(ExeOf(pid) == forage_exe);
    CHECK(CommOf(pid) == "forage-fetcher");
  }
  for (pid_t pid : first) ::kill(pid, SIGKILL);
  WaitHeld(server, 8);  // the same 8 URLs, requeued to the replacements
  std::vector<pid_t> second = Fetchers(forage, 2);
  for (pid_t pid : second) {
    CHECK(std::find(first.begin(), first.end(), pid) == first.end());
    CHECK(std::filesystem::path(ExeOf(pid)).filename() == "forage-fetcher");
  }
  server.Release();

  REQUIRE(forage.Wait(60s) == 0);
  auto records = ParseRecords(forage.out());
  CHECK(records.size() == 58);
  std::set<std::string> urls;
  for (const json& r : records) {
    CHECK(r["ok"] == true);
    CHECK(urls.insert(r["url"].get<std::string>()).second);
  }
  CHECK(forage.err().find("killed by signal 9") != std::string::npos);
  CHECK(ShmEntries() == shm_before);
}

TEST_CASE("A URL in flight through two fetcher deaths gets worker_crash",
          "[failure][integration]") {
  TestServer server;
  TempDir dir;
  std::string list = HoldsThenPages(server, 4, 5);
  ChildProcess forage(
      ForageCommand({"--per-host", "100", "-j", "1", "-c", "4", dir.Write("list.txt", list)}));

  WaitHeld(server, 4);
  for (pid_t pid : Fetchers(forage, 1)) ::kill(pid, SIGKILL);
  WaitHeld(server, 4);
  for (pid_t pid : Fetchers(forage, 1)) ::kill(pid, SIGKILL);

  REQUIRE(forage.Wait(60s) == 1);
  auto records = ParseRecords(forage.out());
  REQUIRE(records.size() == 9);
  int crashed = 0, ok = 0;
  for (const json& r : records) {
    std::string url = r["url"];
    if (url.find("/hold/") != std::string::npos) {
      CHECK(r["error"]["kind"] == "worker_crash");
      ++crashed;
    } else {
      CHECK(r["ok"] == true);  // the third fetcher did the rest
      ++ok;
    }
  }
  CHECK(crashed == 4);
  CHECK(ok == 5);
}

TEST_CASE("Fetchers killed again and again: every URL still gets one record",
          "[failure][integration][slow]") {
  TestServer server({"--log-requests"});
  TempDir dir;
  std::string list;
  constexpr int kUrls = 300;
  for (int i = 0; i < kUrls; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  ChildProcess forage(ForageCommand(
      {"--per-host", "100", "-j", "2", "-c", "4", "-q", dir.Write("list.txt", list)}));
  const int kills = KillFetchersAsRequestsCome(server, forage, 15, 3);
  std::optional<int> code = forage.Wait(60s);
  REQUIRE(code);
  CHECK((*code == 0 || *code == 1));
  auto records = ParseRecords(forage.out());
  CHECK(records.size() == kUrls);
  std::set<std::string> urls;
  for (const json& r : records) {
    CHECK(urls.insert(r["url"].get<std::string>()).second);
    if (r["ok"] != true) CHECK(r["error"]["kind"] == "worker_crash");
  }
  CHECK(kills > 5);
}

TEST_CASE("Fetchers killed again and again during a crawl: every page found gets one record",
          "[failure][integration][slow]") {
  TestServer server({"--log-requests"});
  std::set<std::string> site;
  const std::vector<std::string> seeds = PageTree(server, 10, 20, &site);  // 610 pages
  TempDir dir;
  const std::string out = dir.path() + "/out.jsonl";  // not stdout: no one reads it meanwhile
  std::vector<std::string> args = {"--per-host", "100", "-j", "2",  "-c", "4",
                                   "-d",         "2",   "-q", "-o", out};
  args.insert(args.end(), seeds.begin(), seeds.end());
  ChildProcess forage(ForageCommand(args));
  forage.CloseStdin();
  const int kills = KillFetchersAsRequestsCome(server, forage, 25, 5);
  std::optional<int> code = forage.Wait(60s);
  REQUIRE(code);
  CHECK((*code == 0 || *code == 1));
  auto records = ParseRecords(ReadFile(out));
  std::set<std::string> urls;
  for (const json& r : records) {
    CHECK(urls.insert(r["url"].get<std::string>()).second);  // never twice
    CHECK(site.count(r["url"].get<std::string>()) == 1);
    if (r["ok"] != true) CHECK(r["error"]["kind"] == "worker_crash");
  }
  // A page that died with its fetchers twice takes its links with it (they
  // were never found); every link of a page that came back was scheduled
  // and got its record.
  for (const json& r : records) {
    if (r["ok"] != true || r["depth"].get<int>() >= 2) continue;
    for (const json& link : r["links"]) {
      INFO("linked from " << r["url"]);
      CHECK(urls.count(link.get<std::string>()) == 1);
    }
  }
  INFO("records " << records.size());
  CHECK(records.size() > site.size() / 2);
  CHECK(kills > 10);
}

TEST_CASE("SIGINT stops the run: interrupted records, children reaped, exit 130",
          "[failure][integration]") {
  TestServer server;
  TempDir dir;
  std::string list = HoldsThenPages(server, 6, 20);
  auto shm_before = ShmEntries();
  ChildProcess forage(
      ForageCommand({"--per-host", "100", "-j", "2", "-c", "3", dir.Write("list.txt", list)}));
  WaitHeld(server, 6);
  std::vector<pid_t> kids = Fetchers(forage, 2);
  forage.Signal(SIGINT);
  REQUIRE(forage.Wait(10s) == 130);
  auto records = ParseRecords(forage.out());
  CHECK(records.size() == 26);  // every URL read, none finished
  std::set<std::string> urls;
  for (const json& r : records) {
    CHECK(r["error"]["kind"] == "interrupted");
    CHECK(urls.insert(r["url"].get<std::string>()).second);
  }
  for (pid_t pid : kids) CHECK(WaitGone(pid, 5s));
  CHECK(ShmEntries() == shm_before);
  server.Release();
}

TEST_CASE("SIGTERM stops the run the same way", "[failure][integration]") {
  TestServer server;
  ChildProcess forage(
      ForageCommand({"--per-host", "100", "-j", "1", "--url", server.Url("/hold/x")}));
  WaitHeld(server, 1);
  forage.Signal(SIGTERM);
  REQUIRE(forage.Wait(10s) == 130);
  auto records = ParseRecords(forage.out());
  REQUIRE(records.size() == 1);
  CHECK(records[0]["error"]["kind"] == "interrupted");
  server.Release();
}

TEST_CASE("A SIGKILLed master takes its fetchers with it and leaves no shm",
          "[failure][integration]") {
  TestServer server;
  auto shm_before = ShmEntries();
  ChildProcess forage(ForageCommand(
      {"-j", "2", "-c", "1", "--url", server.Url("/hold/a"), "--url", server.Url("/hold/b")}));
  WaitHeld(server, 2);
  std::vector<pid_t> kids = Fetchers(forage, 2);
  forage.Signal(SIGKILL);
  REQUIRE(forage.Wait(10s) == 128 + SIGKILL);
  for (pid_t pid : kids) CHECK(WaitGone(pid, 5s));
  CHECK(ShmEntries() == shm_before);
  server.Release();
  // Nothing the dead run left behind gets in the next one's way.
  ForageRun next = RunForage({"-j", "2", "--url", server.Url("/page/1")});
  CHECK(next.exit_code == 0);
  REQUIRE(next.records.size() == 1);
  CHECK(next.records[0]["ok"] == true);
}

TEST_CASE("A stopped fetcher is killed and replaced, and its URLs are redone",
          "[failure][integration]") {
  TestServer server;
  TempDir dir;
  std::string list = HoldsThenPages(server, 4, 20);
  ChildProcess forage(ForageCommand({"--per-host", "100", "-j", "2", "-c", "2", "--stall-timeout",
                                     "0.5", dir.Write("list.txt", list)}));
  WaitHeld(server, 4);  // each fetcher holds two requests
  std::vector<pid_t> kids = Fetchers(forage, 2);
  ::kill(kids[0], SIGSTOP);
  // The master sees no sign of life from it, kills it, and the replacement
  // asks again for the two requests it held.
  WaitHeld(server, 2);
  CHECK(WaitGone(kids[0], 5s));
  server.Release();

  REQUIRE(forage.Wait(60s) == 0);
  auto records = ParseRecords(forage.out());
  CHECK(records.size() == 24);
  std::set<std::string> urls;
  for (const json& r : records) {
    CHECK(r["ok"] == true);
    CHECK(urls.insert(r["url"].get<std::string>()).second);
  }
  // Only the stopped fetcher was taken for stopped, once.
  const std::string& err = forage.err();
  const std::size_t first = err.find("stopped responding");
  REQUIRE(first != std::string::npos);
  CHECK(err.find("stopped responding", first + 1) == std::string::npos);
  // How long it was silent, in seconds to one decimal ("0.5 s", not "0.50").
  const std::string silent = err.substr(first, err.find('\n', first) - first);
  CAPTURE(silent);
  CHECK(std::regex_search(silent, std::regex(R"(no sign of life for [0-9]+\.[0-9] s, --stall-timeout)")));
}

}  // namespace
}  // namespace forage::test
