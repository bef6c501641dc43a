// Resource bounds: a fetcher's memory (--fetcher-memory) and every
// process's file descriptors, however many hosts a crawl meets.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif

TEST_CASE("A page whose parse outgrows --fetcher-memory costs only that page",
          "[limits][integration]") {
  if (kAddressSanitizer) {
    // The limit is not applied under ASan (its shadow memory would count);
    // scripts/test.sh runs this test in a build without sanitizers.
    WARN("not run under AddressSanitizer");
    return;
  }
  TestServer server;
  // 8 MB of HTML that needs gumbo's tree (tree=1: the scanner hands it
  // over), which takes some 16 times that, far past 96 MiB.
  const std::string big = server.Url("/bightml/1?bytes=8000000&tree=1");
  std::vector<std::string> args = {"-j",          "1",           "-c",       "4",
                                   "--no-robots", "--max-bytes", "20000000", "--fetcher-memory",
                                   "96",          "--url",       big};
  std::vector<std::string> small;
  for (int i = 0; i < 12; ++i) {
    small.push_back(server.Url("/page/" + std::to_string(i)));
    args.push_back("--url");
    args.push_back(small.back());
  }
  ForageRun run = RunForage(args);
  CHECK(run.exit_code == 1);
  auto by = run.ByUrl();
  REQUIRE(by.size() == 13);
  CHECK(by[big]["error"]["kind"] == "worker_crash");
  CHECK(by[big]["error"]["message"].get<std::string>().find("died twice while parsing this page") !=
        std::string::npos);
  for (const std::string& url : small) {
    INFO(url);
    CHECK(by[url]["ok"] == true);
  }
  CHECK(run.err.find("out of memory: this fetcher reached --fetcher-memory (96 MiB)") !=
        std::string::npos);
  // The master names the death by its exit status (fetch/fetcher_exit.h).
  CHECK(run.err.find("exited with status 4, out of memory (--fetcher-memory)") !=
        std::string::npos);
}

TEST_CASE("The same page parses with the automatic limit", "[limits][integration]") {
  TestServer server;
  const std::string big = server.Url("/bightml/1?bytes=8000000&tree=1");
  ForageRun run = RunForage({"-j", "1", "--no-robots", "--max-bytes", "20000000", "--url", big});
  CHECK(run.exit_code == 0);
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["ok"] == true);
}

TEST_CASE("A big page the scanner reads fits a fetcher memory its tree would outgrow",
          "[limits][integration]") {
  if (kAddressSanitizer) {
    WARN("not run under AddressSanitizer");  // as above
    return;
  }
  TestServer server;
  // The page of the first test without its <template>: the scanner needs a
  // few times its 8 MB, where gumbo's tree needed some 16.
  const std::string big = server.Url("/bightml/1?bytes=8000000");
  ForageRun run = RunForage({"-j", "1", "--no-robots", "--max-bytes", "20000000",
                             "--fetcher-memory", "96", "--url", big});
  CHECK(run.exit_code == 0);
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["ok"] == true);
  CHECK(run.records[0]["title"] == "big 1");
}

TEST_CASE("File descriptors stay bounded however many hosts a run meets", "[limits][integration]") {
  TestServer server;
  // 300 hosts, each with robots.txt and a page, under a limit of 64 open
  // files per process: the fetchers' connection caches must give back
  // sockets, or connecting fails with EMFILE.
  constexpr int kHosts = 300;
  std::vector<std::string> hosts;
  for (int i = 0; i < kHosts; ++i) hosts.push_back("h" + std::to_string(i) + ".test");
  std::vector<std::string> argv = {"/usr/bin/prlimit", "--nofile=64:64"};
  std::vector<std::string> args = {"-j", "2", "-c", "16"};
  for (const std::string& flag : server.Resolve(hosts)) args.push_back(flag);
  std::string list;
  for (const std::string& host : hosts) list += server.HostUrl(host, "/page/1") + "\n";
  TempDir dir;
  args.push_back(dir.Write("list.txt", list));
  for (std::string& a : ForageCommand(args)) argv.push_back(std::move(a));
  ChildProcess forage(argv);
  forage.CloseStdin();
  REQUIRE(forage.Wait(60s) == 0);
  std::vector<json> records = ParseRecords(forage.out());
  CHECK(records.size() == kHosts);
  std::set<std::string> urls;
  for (const json& r : records) {
    CHECK(r["ok"] == true);
    urls.insert(r["url"].get<std::string>());
  }
  CHECK(urls.size() == kHosts);
}

}  // namespace
}  // namespace forage::test
