// Nothing cut silently: a page past --max-links (or --max-text) gives a record
// that says what was cut, and the stats count such records.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

std::vector<std::string> PageLinks(const TestServer& server, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(server.Url("/page/" + std::to_string(i)));
  return out;
}

TEST_CASE("A page past --max-links keeps the first N and says links were cut",
          "[truncated][integration]") {
  TestServer server;
  TempDir dir;
  const std::string stats = dir.path() + "/stats.json";
  ForageRun run = RunForage({"--no-robots", "--max-links", "1000", "--stats", stats, "--url",
                             server.Url("/manylinks?n=3000"), "--url", server.Url("/page/1")});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  std::map<std::string, json> records = run.ByUrl();
  const json& many = records.at(server.Url("/manylinks?n=3000"));
  CHECK(many["links"].size() == 1000);
  CHECK(many["links"] == json(PageLinks(server, 1000)));
  CHECK(many["truncated"] == json::array({"links"}));
  CHECK(records.at(server.Url("/page/1"))["truncated"] == json::array());
  json s = json::parse(ReadFile(stats));
  CHECK(s["truncated"] == 1);
}

TEST_CASE("The --max-links default is 20000, and 0 keeps every link", "[truncated][integration]") {
  TestServer server;
  const std::string url = server.Url("/manylinks?n=25000");
  ForageRun plain = RunForage({"--no-robots", "--url", url});
  REQUIRE(plain.exit_code == 0);
  REQUIRE(plain.records.size() == 1);
  CHECK(plain.records[0]["links"].size() == 20000);
  CHECK(plain.records[0]["truncated"] == json::array({"links"}));
  ForageRun all = RunForage({"--no-robots", "--max-links", "0", "--url", url});
  REQUIRE(all.exit_code == 0);
  REQUIRE(all.records.size() == 1);
  CHECK(all.records[0]["links"].size() == 25000);
  CHECK(all.records[0]["truncated"] == json::array());
}

TEST_CASE("A crawl follows only the links a record keeps", "[truncated][integration]") {
  TestServer server;
  ForageRun run = RunForage(
      {"--no-robots", "-d", "1", "--max-links", "5", "--url", server.Url("/manylinks?n=100")});
  REQUIRE(run.exit_code == 0);
  std::map<std::string, json> records = run.ByUrl();
  CHECK(records.size() == 6);
  for (const std::string& link : PageLinks(server, 5)) CHECK(records.count(link) == 1);
}

TEST_CASE("Text past --max-text is named, in jsonl and csv", "[truncated][integration]") {
  TestServer server;
  TempDir dir;
  const std::string csv = dir.path() + "/out.csv";
  ForageRun run = RunForage({"--no-robots", "--text", "--max-text", "10", "--url",
                             server.Url("/bightml/1?bytes=20000"), "--url",
                             server.Url("/manylinks?n=0")});
  REQUIRE(run.exit_code == 0);
  std::map<std::string, json> records = run.ByUrl();
  CHECK(records.at(server.Url("/bightml/1?bytes=20000"))["truncated"] == json::array({"text"}));
  CHECK(records.at(server.Url("/manylinks?n=0"))["truncated"] == json::array());
  ForageRun to_csv = RunForage({"--no-robots", "--text", "--max-text", "10", "-o", csv, "--url",
                                server.Url("/bightml/1?bytes=20000")});
  REQUIRE(to_csv.exit_code == 0);
  const std::string table = ReadFile(csv);
  CHECK(table.find(",truncated") != std::string::npos);
  CHECK(table.find(R"("[""text""]")") != std::string::npos);
}

}  // namespace
}  // namespace forage::test
