// forage started with some of its standard descriptors closed (issue 15,
// point 3): they are reopened on /dev/null before anything else is opened,
// so no pipe or file of the run takes their place.

#include <catch2/catch.hpp>

#include "support/forage_run.h"

namespace forage::test {
namespace {

// Runs forage with the standard descriptors in `closed` closed; its exit
// status, or nullopt if it had not ended after 30 s.
std::optional<int> RunClosed(const std::vector<std::string>& args, const std::vector<int>& closed,
                             std::string* err = nullptr) {
  ChildProcess forage(ForageCommand(args), "", closed);
  std::optional<int> status = forage.Wait(30s);
  if (err) *err = forage.err();
  return status;
}

TEST_CASE("forage - with standard input closed reads nothing and ends", "[cli][integration]") {
  // It used to read its own self-pipe, which took descriptor 0, for ever.
  std::string err;
  CHECK(RunClosed({"-j", "1", "-"}, {0}, &err) == 0);
  CHECK(err.find("standard input is closed") != std::string::npos);
}

TEST_CASE("forage refuses to write records to a closed standard output", "[cli][integration]") {
  // They used to go into the self-pipe, which took descriptor 1: all lost.
  TestServer server;
  for (const std::vector<int>& closed : {std::vector<int>{1}, std::vector<int>{0, 1}}) {
    INFO("closed: " << closed.size());
    std::string err;
    CHECK(RunClosed({"-j", "1", "--url", server.Url("/page/1")}, closed, &err) == 2);
    CHECK(err.find("standard output is closed") != std::string::npos);
    CHECK(err.find('\n') == err.size() - 1);  // one line
  }
  CHECK(server.Stats()["hosts"].empty());  // nothing was fetched
}

TEST_CASE("With 0, 1 and 2 closed, every record still reaches -o", "[cli][integration]") {
  TestServer server;
  TempDir dir;
  const std::string out = dir.path() + "/out.jsonl";
  // A failing URL makes forage log a warning, which must not land in a file
  // of the run that took descriptor 2.
  CHECK(RunClosed({"-j", "1", "--log-level", "info", "-o", out, "--url", server.Url("/page/1"),
                   "--url", server.Url("/status/404"), "-"},
                  {0, 1, 2}) == 1);
  std::vector<nlohmann::json> records = ParseRecords(ReadFile(out));
  REQUIRE(records.size() == 2);
  CHECK(records[0]["url"] != records[1]["url"]);
}

}  // namespace
}  // namespace forage::test
