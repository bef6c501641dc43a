#include "output/output_recovery.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "output/sqlite_sink.h"
#include "support/forage_run.h"
#include "support/raw_sqlite.h"

namespace forage {
namespace {

using test::ReadFile;
using test::TempDir;

std::int64_t Rows(const std::string& path) {
  return test::QueryInt(test::OpenRaw(path).get(), "SELECT count(*) FROM pages");
}

TEST_CASE("A killed run's output is cut back to the committed records", "[output][state]") {
  TempDir dir;
  const std::string path = dir.path() + "/out.jsonl";
  const std::string committed = "{\"url\":\"a\"}\n{\"url\":\"b\"}\n";
  const std::string temp = dir.Write(".out.jsonl.forage-1.tmp", committed + "{\"url\":\"c\"}\n");
  StateStore::Output left{path, temp, "jsonl", static_cast<std::int64_t>(committed.size())};

  SECTION("the same output carries on in that file") {
    auto r = RecoverOutput(left, path, OutputFormat::kJsonl, false);
    REQUIRE(r.ok());
    CHECK(r.value().adopt == temp);
    CHECK(r.value().published.empty());
    CHECK(ReadFile(temp) == committed);
    CHECK_FALSE(std::filesystem::exists(path));
  }
  SECTION("another output: it is published where it was meant to go") {
    auto r = RecoverOutput(left, dir.path() + "/other.jsonl", OutputFormat::kJsonl, false);
    REQUIRE(r.ok());
    CHECK(r.value().adopt.empty());
    CHECK(r.value().published == path);
    CHECK(ReadFile(path) == committed);
    CHECK_FALSE(std::filesystem::exists(temp));
  }
  SECTION("another format, or --append, does not carry on") {
    auto r = RecoverOutput(left, path, OutputFormat::kCsv, false);
    REQUIRE(r.ok());
    CHECK(r.value().published == path);
  }
  SECTION("a published output is left alone") {
    std::filesystem::rename(temp, path);
    auto r = RecoverOutput(left, path, OutputFormat::kJsonl, false);
    REQUIRE(r.ok());
    CHECK(r.value().adopt.empty());
    CHECK(r.value().published.empty());
    CHECK(ReadFile(path) == committed + "{\"url\":\"c\"}\n");
  }
}

TEST_CASE("An output written in place is cut back where it is", "[output][state]") {
  TempDir dir;
  const std::string path = dir.Write("out.jsonl", "{\"url\":\"a\"}\n{\"url\":\"b\"}\n");
  StateStore::Output left{path, path, "jsonl", 12};
  auto r = RecoverOutput(left, path, OutputFormat::kJsonl, true);
  REQUIRE(r.ok());
  CHECK(r.value().adopt.empty());
  CHECK(ReadFile(path) == "{\"url\":\"a\"}\n");
}

TEST_CASE("Standard output is never touched", "[output][state]") {
  StateStore::Output left{"-", "", "jsonl", 0};
  auto r = RecoverOutput(left, "-", OutputFormat::kJsonl, false);
  REQUIRE(r.ok());
  CHECK(r.value().adopt.empty());
}

TEST_CASE("An sqlite output loses the rows after the committed one", "[output][state]") {
  TempDir dir;
  const std::string path = dir.path() + "/out.db";
  const std::string temp = dir.path() + "/.out.db.forage-1.tmp";
  {
    auto sink = SqliteSink::Open(temp);
    REQUIRE(sink.ok());
    for (const char* url : {"a", "b", "c"}) {
      Record r;
      r.url = url;
      REQUIRE(sink.value()->Write(r).ok());
    }
    REQUIRE(sink.value()->Close().ok());
  }
  StateStore::Output left{path, temp, "sqlite", 2};
  auto r = RecoverOutput(left, path, OutputFormat::kSqlite, false);
  REQUIRE(r.ok());
  CHECK(r.value().adopt == temp);
  CHECK(Rows(temp) == 2);
}

}  // namespace
}  // namespace forage
