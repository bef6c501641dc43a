// Whole runs of the forage binary over big pages (over kBigPageBytes): at
// most one fetcher at a time parses one with gumbo, under the pool's
// big-parse token (see Fetcher), and none is lost however the token is held.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "support/forage_run.h"
#include "support/token_support.h"

namespace forage::test {
namespace {

using nlohmann::json;

void CheckBigRecord(const TestServer& server, const json& r, int n) {
  INFO(r.dump());
  CHECK(r["ok"] == true);
  CHECK(r["status"] == 200);
  CHECK(r["bytes"] == 1536 * 1024);
  CHECK(r["title"] == "big " + std::to_string(n));
  CHECK(r["description"] == "About big " + std::to_string(n));
  CHECK(r["links"] == json::array({server.Url("/page/" + std::to_string(n)),
                                   server.Url("/page/" + std::to_string(n + 1))}));
}

TEST_CASE("Big pages over two fetchers all come back whole", "[big][integration]") {
  TestServer server;
  TempDir dir;
  std::string list;
  constexpr int kPages = 8;
  for (int i = 1; i <= kPages; ++i) list += server.Url("/bightml/" + std::to_string(i)) + "\n";
  for (int i = 1; i <= kPages; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  ForageRun run =
      RunForage({"-j", "2", "-c", "4", "--per-host", "100", "-q", dir.Write("list.txt", list)});
  REQUIRE(run.exit_code == 0);
  auto by = run.ByUrl();
  REQUIRE(by.size() == 2 * kPages);
  for (int i = 1; i <= kPages; ++i) {
    CheckBigRecord(server, by[server.Url("/bightml/" + std::to_string(i))], i);
    CHECK(by[server.Url("/page/" + std::to_string(i))]["ok"] == true);
  }
}

TEST_CASE("A run waits for the token held by another process, and goes on when it dies",
          "[big][integration]") {
  TestServer server;
  TempDir dir;
  // Two big pages that need gumbo's tree (tree=1: the scanner reads others
  // without the token), held by the server until the token is taken, then small
  // pages. One job per fetcher: each fetcher gets a big page (both are ready
  // then, with their Fetcher made), and the small pages wait behind them.
  std::string list =
      server.Url("/bightml/1?hold=1&tree=1") + "\n" +
      server.Url("/bightml/2?hold=1&tree=1") + "\n";
  for (int i = 1; i <= 6; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  ChildProcess forage(ForageCommand({"-j", "2", "-c", "1", "--per-host", "100", "--log-level",
                                     "debug", dir.Write("list.txt", list)}));
  for (int i = 0; i < 2; ++i) REQUIRE(server.WaitFor("HELD /bightml/", 20s));

  // Every fetcher has the token, one file for the pool, and locks it
  // through a description of its own: shared with neither the master nor
  // the other fetcher.
  std::vector<pid_t> fetchers = ChildrenOf(forage.pid());
  REQUIRE(fetchers.size() == 2);
  const std::string kToken = "/memfd:forage-big-parse";
  std::set<ino_t> files;
  std::vector<std::vector<int>> fds;
  for (pid_t pid : fetchers) {
    INFO("fetcher " << pid);
    fds.push_back(FdsNaming(pid, kToken));
    REQUIRE(fds.back().size() == 2);  // as given (fd 7), and its own
    for (int fd : fds.back()) {
      struct stat st {};
      REQUIRE(::stat(("/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd)).c_str(), &st) ==
              0);
      files.insert(st.st_ino);
    }
  }
  CHECK(files.size() == 1);
  std::vector<int> master_fds = FdsNaming(forage.pid(), kToken);
  REQUIRE(master_fds.size() == 1);
  const pid_t master = forage.pid();
  if (!SameDescription(master, master_fds[0], master, master_fds[0])) {
    WARN("kcmp(2) is not available: open file descriptions not compared");
  } else {
    for (std::size_t i = 0; i < 2; ++i) {
      int own = 0;
      for (int fd : fds[i]) {
        bool shared = *SameDescription(fetchers[i], fd, master, master_fds[0]);
        for (int other : fds[1 - i])
          shared |= *SameDescription(fetchers[i], fd, fetchers[1 - i], other);
        own += !shared;
      }
      CHECK(own == 1);
    }
  }

  // A holder of our own takes the token, on a description of its own.
  LockHolder holder("/proc/" + std::to_string(fetchers[0]) + "/fd/" + std::to_string(fds[0][0]));

  server.Release();
  // Both big pages arrive and wait, each in its own fetcher, for the token.
  for (int n : {1, 2}) {
    INFO(forage.err());
    REQUIRE(forage.WaitErr("parse of " + server.Url("/bightml/" + std::to_string(n)) +
                               "?hold=1&tree=1 (1572864 bytes) deferred",
                           20s));
  }
  CHECK(forage.out().empty());  // both fetchers are full: no record can be done yet

  // The holder dies: the fetchers parse their pages, one after the other,
  // and go on to the small pages.
  holder.Kill();
  REQUIRE(forage.Wait(60s) == 0);
  auto by = ForageRun{0, ParseRecords(forage.out()), ""}.ByUrl();
  REQUIRE(by.size() == 8);
  for (int n : {1, 2}) {
    CheckBigRecord(server, by[server.Url("/bightml/" + std::to_string(n) + "?hold=1&tree=1")], n);
  }
  for (int i = 1; i <= 6; ++i) CHECK(by[server.Url("/page/" + std::to_string(i))]["ok"] == true);
  CHECK(forage.err().find("while holding") == std::string::npos);  // no fetcher died
}

}  // namespace
}  // namespace forage::test
