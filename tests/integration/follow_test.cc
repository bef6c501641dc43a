// --follow with the real binary: a page linking in every way forage can
// follow (the test server's /follow/), crawled one level deep; the
// settings travel to the fetchers in their configuration.

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

int Count(const std::vector<std::string>& lines, const std::string& line) {
  return static_cast<int>(std::count(lines.begin(), lines.end(), line));
}

TEST_CASE("Following all kinds records and fetches links of every kind", "[follow][integration]") {
  TestServer server({"--log-requests"});
  const std::string root = server.HostUrl("a.test", "/follow/");
  std::vector<std::string> args = {"-j", "2", "--depth", "1", "--follow", "all",
                                   // lets the binary-looking media-img.png in
                                   "--include", "/follow/", "--url", root};
  for (const std::string& r : server.Resolve({"a.test"})) args.push_back(r);
  ForageRun run = RunForage(args);
  INFO(run.err);
  CHECK(run.exit_code == 0);
  const std::vector<std::string> names = {
      "refresh",       "style-sheet", "link-de",   "script",
      "style-import",  "style-url",   "a",         "frame",
      "media-img.png", "media-1x",    "media,2x",  "media-poster",
      "media-source",  "media-track", "style-attr"};
  std::vector<std::string> expected;
  for (const std::string& name : names) expected.push_back(root + name);
  std::map<std::string, json> by_url = run.ByUrl();
  REQUIRE(by_url.count(root) == 1);
  CHECK(by_url[root]["links"].get<std::vector<std::string>>() == expected);
  // Every link got its record and was fetched once; the icon was neither.
  CHECK(run.records.size() == 1 + expected.size());
  const std::vector<std::string> log = server.LinesSoFar();
  for (const std::string& name : names) {
    INFO(name);
    REQUIRE(by_url.count(root + name) == 1);
    CHECK(by_url[root + name]["status"] == 200);
    CHECK(by_url[root + name]["depth"] == 1);
    CHECK(Count(log, "GOT /follow/" + name) == 1);
  }
  CHECK(Count(log, "GOT /follow/icon-not-followed") == 0);
}

TEST_CASE("Without --follow only anchors are followed, and --follow names exactly what is",
          "[follow][integration]") {
  TestServer server({"--log-requests"});
  const std::string root = server.HostUrl("a.test", "/follow/");
  std::vector<std::string> resolve = server.Resolve({"a.test"});
  std::vector<std::string> args = {"--depth", "1", "--url", root};
  args.insert(args.end(), resolve.begin(), resolve.end());
  ForageRun plain = RunForage(args);
  INFO(plain.err);
  CHECK(plain.exit_code == 0);
  std::map<std::string, json> by_url = plain.ByUrl();
  CHECK(by_url[root]["links"].get<std::vector<std::string>>() ==
        std::vector<std::string>{root + "a"});
  CHECK(plain.records.size() == 2);

  args.insert(args.end(), {"--follow", "frame,script", "--follow", "refresh"});
  ForageRun some = RunForage(args);
  INFO(some.err);
  CHECK(some.exit_code == 0);
  by_url = some.ByUrl();
  CHECK(by_url[root]["links"].get<std::vector<std::string>>() ==
        std::vector<std::string>{root + "refresh", root + "script", root + "frame"});
  CHECK(some.records.size() == 4);
}

TEST_CASE("An unknown --follow kind is a usage error naming it", "[follow][integration]") {
  ForageRun run = RunForage({"--follow", "a,images", "--url", "http://127.0.0.1:1/"});
  CHECK(run.exit_code == 2);
  CHECK(run.records.empty());
  CHECK(run.err.find("--follow") != std::string::npos);
  CHECK(run.err.find("\"images\"") != std::string::npos);
}

}  // namespace
}  // namespace forage::test
