// --full-parse with the real binary: the same crawls with and without it
// write the same records (but for timings), so the scanner's fast path, which
// the default takes, changes nothing a user sees; the flag reaches the
// fetchers in their configuration.

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

// A run's records keyed by URL, less what differs from run to run.
std::map<std::string, json> Comparable(const ForageRun& run) {
  std::map<std::string, json> by = run.ByUrl();
  for (auto& [url, record] : by) {
    record.erase("elapsed_ms");
    record.erase("fetched_at");
  }
  return by;
}

TEST_CASE("With and without --full-parse a crawl writes the same records",
          "[full_parse][integration]") {
  TestServer server;
  const std::vector<std::string> resolve = server.Resolve({"a.test"});
  // The site's pages and every link kind of /follow/, every kind followed;
  // one transfer at a time, so that each page's parent and depth are the
  // same in both runs.
  const std::vector<std::string> crawl = {
      "-j", "1", "-c", "1", "-d", "3", "--follow", "all", "--include", "/(site|follow)/",
      "--url", server.HostUrl("a.test", "/site/"), "--url", server.HostUrl("a.test", "/follow/")};
  ForageRun scanned = RunForage(Args(crawl, resolve));
  std::vector<std::string> full = crawl;
  full.push_back("--full-parse");
  ForageRun parsed = RunForage(Args(full, resolve));
  INFO(scanned.err << parsed.err);
  REQUIRE(scanned.exit_code);
  CHECK(scanned.exit_code == parsed.exit_code);  // 1: the site links a missing page
  const std::map<std::string, json> a = Comparable(scanned);
  const std::map<std::string, json> b = Comparable(parsed);
  CHECK(a.size() > 10);
  REQUIRE(a.size() == b.size());
  for (const auto& [url, record] : a) {
    INFO(url);
    REQUIRE(b.count(url) == 1);
    CHECK(record.dump() == b.at(url).dump());
  }
}

}  // namespace
}  // namespace forage::test
