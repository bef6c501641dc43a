// --warc-cdx through the real forage binary: each WARC file of the set gets
// CRAWL.cdxj beside it, sorted bytewise, one line per response and revisit
// record, and every line agrees with what the tests' own WARC reader
// (forage_warc_check, which shares nothing with forage's indexer) finds at
// the member it names.

#include <catch2/catch.hpp>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/forage_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t nl = text.find('\n', at);
    REQUIRE(nl != std::string::npos);
    out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

struct CdxjLineParts {
  std::string key;
  std::string timestamp;
  json fields;
};

CdxjLineParts ParseLine(const std::string& line) {
  INFO(line);
  const std::size_t a = line.find(' ');
  REQUIRE(a != std::string::npos);
  const std::size_t b = line.find(' ', a + 1);
  REQUIRE(b != std::string::npos);
  CdxjLineParts parts{line.substr(0, a), line.substr(a + 1, b - a - 1),
                      json::parse(line.substr(b + 1), nullptr, false)};
  REQUIRE_FALSE(parts.fields.is_discarded());
  return parts;
}

// forage_warc_check's reading of `files`.
json CheckWarcs(const std::vector<std::string>& files) {
  std::vector<std::string> argv{WARC_CHECK_BIN};
  argv.insert(argv.end(), files.begin(), files.end());
  ChildProcess check(argv);
  check.CloseStdin();
  const std::optional<int> exit = check.Wait(std::chrono::seconds(60));
  INFO(check.out() << check.err());
  REQUIRE(exit == 0);
  return json::parse(check.out());
}

// Checks every WARC file in `dir` against its index; returns the lines of all.
std::vector<CdxjLineParts> CheckIndexes(const std::string& dir) {
  std::vector<std::string> warcs;
  for (const std::string& name : ListDir(dir)) {
    CHECK_FALSE(EndsWith(name, ".tmp"));  // no index's temporary left behind
    if (EndsWith(name, ".warc.gz")) warcs.push_back(dir + "/" + name);
  }
  REQUIRE_FALSE(warcs.empty());
  const json checked = CheckWarcs(warcs);
  std::vector<CdxjLineParts> all;
  for (const std::string& warc : warcs) {
    const std::string name = warc.substr(warc.rfind('/') + 1);
    INFO(name);
    const std::string index = warc.substr(0, warc.size() - 8) + ".cdxj";
    const std::vector<std::string> lines = SplitLines(ReadFile(index));
    CHECK(std::is_sorted(lines.begin(), lines.end()));
    // offset -> the reader's response or revisit record there.
    std::map<std::uint64_t, json> expected;
    for (const json& r : checked["records"]) {
      if (r["file"] == warc && (r["type"] == "response" || r["type"] == "revisit")) {
        expected[r["offset"].get<std::uint64_t>()] = r;
      }
    }
    CHECK(lines.size() == expected.size());
    for (const std::string& line : lines) {
      CdxjLineParts parts = ParseLine(line);
      const json& f = parts.fields;
      INFO(line);
      CHECK(f["filename"] == name);
      const std::uint64_t offset = std::stoull(f["offset"].get<std::string>());
      auto it = expected.find(offset);
      REQUIRE(it != expected.end());
      const json& r = it->second;
      CHECK(std::stoull(f["length"].get<std::string>()) == r["length"].get<std::uint64_t>());
      CHECK(f["url"] == r["target_uri"]);
      CHECK(f["status"] == std::to_string(r["status"].get<int>()));
      std::string date = r["date"].get<std::string>();
      date.erase(std::remove_if(date.begin(), date.end(), [](char c) { return c < '0' || c > '9'; }),
                 date.end());
      CHECK(parts.timestamp == date.substr(0, 14));
      if (r["type"] == "response") {
        CHECK(f["digest"] == r["payload_sha1"]);
      } else {
        CHECK(f["mime"] == "warc/revisit");
        CHECK(f["digest"].get<std::string>().rfind("sha1:", 0) == 0);
      }
      expected.erase(it);
      all.push_back(std::move(parts));
    }
  }
  return all;
}

}  // namespace

TEST_CASE("warc-cdx writes a sorted CDXJ index beside each WARC file", "[integration][warc]") {
  TestServer server;
  TempDir dir;
  std::vector<std::string> args{"--no-robots", "-j", "2", "--warc", dir.path() + "/crawl",
                                "--warc-cdx", "--warc-max-size", "4k"};
  const std::vector<std::string> paths{"/page/1",         "/page/2",  "/page/3",
                                       "/status/404",     "/gzip",    "/chunked?bytes=3000",
                                       "/big?bytes=20000"};
  for (const std::string& p : paths) {
    args.push_back("--url");
    args.push_back(server.Url(p));
  }
  ForageRun run = RunForage(args);
  INFO(run.err);
  REQUIRE(run.exit_code == 1);  // the 404 is a failed URL, archived all the same
  std::vector<CdxjLineParts> lines = CheckIndexes(dir.path());
  // Every exchange once, over files rotated at 4 KiB, each with its index.
  CHECK(lines.size() == paths.size());
  const std::vector<std::string> names = ListDir(dir.path());
  CHECK(std::count_if(names.begin(), names.end(),
                      [](const std::string& n) { return EndsWith(n, ".cdxj"); }) >= 2);
  const std::string host = "1,0,0,127:" + std::to_string(server.port()) + ")";
  std::map<std::string, json> by_key;
  for (const CdxjLineParts& p : lines) by_key[p.key] = p.fields;
  REQUIRE(by_key.count(host + "/page/1"));
  CHECK(by_key[host + "/page/1"]["mime"] == "text/html");
  CHECK(by_key[host + "/page/1"]["status"] == "200");
  CHECK(by_key[host + "/status/404"]["status"] == "404");
  CHECK(by_key.count(host + "/chunked?bytes=3000"));
}

TEST_CASE("warc-cdx indexes a later run's 304s as revisits", "[integration][warc]") {
  TestServer server;
  TempDir dir;
  const std::vector<std::string> args{"-j",      "1", "-c", "1", "--no-robots", "--state",
                                      dir.path() + "/state.db", "--warc", dir.path() + "/crawl",
                                      "--warc-cdx", "--url", server.Url("/cond/a")};
  ForageRun first = RunForage(args);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  ForageRun second = RunForage(args);
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  REQUIRE(second.records.size() == 1);
  REQUIRE(second.records[0]["status"] == 304);
  std::vector<CdxjLineParts> lines = CheckIndexes(dir.path());
  REQUIRE(lines.size() == 2);
  int revisits = 0;
  for (const CdxjLineParts& p : lines) {
    if (p.fields["mime"] == "warc/revisit") {
      ++revisits;
      CHECK(p.fields["status"] == "304");
    }
  }
  CHECK(revisits == 1);
}

TEST_CASE("warc-cdx without warc is a usage error", "[integration][warc]") {
  ForageRun run = RunForage({"--warc-cdx", "--url", "http://127.0.0.1:1/"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("--warc-cdx") != std::string::npos);
}

}  // namespace forage::test
