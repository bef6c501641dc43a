// --save DIR end to end: the real forage binary against the test server,
// bodies written by the fetchers under wget-style paths, records saying
// where, and an unchanged second run leaving the files alone.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "support/forage_run.h"
#include "support/raw_sqlite.h"

namespace forage::test {
namespace {

using nlohmann::json;

struct stat StatOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st;
}

// Moves `path`'s mtime an hour back, so that a rewrite cannot hide in the
// clock's granularity.
void Age(const std::string& path) {
  struct timespec times[2];
  REQUIRE(::clock_gettime(CLOCK_REALTIME, &times[0]) == 0);
  times[0].tv_sec -= 3600;
  times[1] = times[0];
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

}  // namespace

TEST_CASE("With --save each ok body is written under a path made of its URL", "[save][integration]") {
  TestServer server;
  TempDir tmp;
  const std::string dir = tmp.path() + "/pages";
  const std::string host = dir + "/127.0.0.1+" + std::to_string(server.port()) + "/";
  // URL -> the file it is saved as (relative to the host's directory).
  const std::map<std::string, std::string> saved_as = {
      {"/save/", "save%/index.html"},
      {"/save/a", "save%/a"},
      {"/save/a/b", "save%/a%/b"},
      {"/save/foo", "save%/foo"},
      {"/save/q?x=1/2", "save%/q@x=1%2F2"},
      {"/save/my%20file.txt", "save%/my file.txt"},
      {"/binary", "binary"},
      {"/page/1", "page%/1"},
  };
  // Never saved: an error page, a body past --max-bytes, a redirect
  // that cannot be followed.
  const std::vector<std::string> unsaved = {"/status/404", "/big?bytes=300000", "/redirect-ftp"};
  std::vector<std::string> args = {"--no-robots", "-j",    "2",
                                   "--save",      dir,     "--max-bytes",
                                   "200k",        "--url", server.Url("/save/Foo")};
  for (const auto& [path, file] : saved_as) {
    args.push_back("--url");
    args.push_back(server.Url(path));
  }
  for (const std::string& path : unsaved) {
    args.push_back("--url");
    args.push_back(server.Url(path));
  }

  ForageRun first = RunForage(args);
  REQUIRE(first.exit_code == 1);  // the 404, the body too large, the ftp redirect
  std::map<std::string, json> records = first.ByUrl();
  REQUIRE(records.size() == saved_as.size() + unsaved.size() + 1);
  for (const auto& [path, file] : saved_as) {
    const json& r = records.at(server.Url(path));
    INFO(r.dump());
    REQUIRE(r["saved"].is_string());
    CHECK(r["saved"] == host + file);
    CHECK(StatOf(host + file).st_size == r["bytes"].get<std::int64_t>());
    if (path.rfind("/save/", 0) == 0) {
      CHECK(ReadFile(host + file).rfind("body of /save/", 0) == 0);
    }
  }
  CHECK(ReadFile(host + "save%/q@x=1%2F2") == "body of /save/q x=1/2");
  CHECK(ReadFile(host + "save%/a") == "body of /save/a");
  CHECK(ReadFile(host + "save%/a%/b") == "body of /save/a/b");
  // The name with upper case is marked, apart from its lower-case twin.
  const json& upper = records.at(server.Url("/save/Foo"));
  REQUIRE(upper["saved"].is_string());
  const std::string upper_path = upper["saved"];
  CHECK(upper_path.rfind(host + "save%/Foo%h", 0) == 0);
  CHECK(ReadFile(upper_path) == "body of /save/Foo");
  for (const std::string& path : unsaved) {
    const json& r = records.at(server.Url(path));
    INFO(r.dump());
    CHECK(r.contains("saved"));
    CHECK(r["saved"].is_null());
  }
  CHECK(records.at(server.Url("/big?bytes=300000"))["error"]["kind"] == "too_large");
  // Nothing else was written: no 404 page, no partial body, no temporary file.
  CHECK(ListDir(host) == std::vector<std::string>{"binary", "page%", "save%"});
  CHECK(ListDir(host + "save%") ==
        std::vector<std::string>{"Foo" + upper_path.substr(upper_path.find("%h")), "a", "a%", "foo",
                                 "index.html", "my file.txt", "q@x=1%2F2"});

  // Again, unchanged: every file is left as it was, mtime and inode.
  std::map<std::string, struct stat> before;
  for (const auto& [path, file] : saved_as) {
    Age(host + file);
    before[file] = StatOf(host + file);
  }
  ForageRun second = RunForage(args);
  REQUIRE(second.exit_code == 1);
  std::map<std::string, json> again = second.ByUrl();
  for (const auto& [path, file] : saved_as) {
    INFO(path);
    CHECK(again.at(server.Url(path))["saved"] == host + file);
    const struct stat now = StatOf(host + file);
    CHECK(now.st_ino == before[file].st_ino);
    CHECK(now.st_mtim.tv_sec == before[file].st_mtim.tv_sec);
  }

  // A changed file is replaced.
  {
    TempDir scratch;
    const std::string file = host + "save%/a";
    REQUIRE(::rename(scratch.Write("x", "stale").c_str(), file.c_str()) == 0);
    Age(file);
    const std::time_t aged = StatOf(file).st_mtime;
    ForageRun third = RunForage({"--no-robots", "--save", dir, "--url", server.Url("/save/a")});
    REQUIRE(third.exit_code == 0);
    CHECK(ReadFile(file) == "body of /save/a");
    CHECK(StatOf(file).st_mtime > aged);
  }
}

TEST_CASE("With --save CSV and SQLite outputs get a saved column", "[save][integration]") {
  TestServer server;
  TempDir tmp;
  const std::string dir = tmp.path() + "/pages";
  const std::string csv = tmp.path() + "/out.csv";
  ForageRun run = RunForage({"--no-robots", "--save", dir, "-o", csv, "--url",
                             server.Url("/save/x"), "--url", server.Url("/status/404")});
  REQUIRE(run.exit_code == 1);
  const std::string text = ReadFile(csv);
  const std::string header = text.substr(0, text.find("\r\n"));
  CHECK(header.size() > 6);
  CHECK(header.substr(header.size() - 6) == ",saved");
  CHECK(text.find("/pages/127.0.0.1+" + std::to_string(server.port()) + "/save%/x\r\n") !=
        std::string::npos);

  // An SQLite output written without --save gets the column on --append.
  const std::string db = tmp.path() + "/out.sqlite";
  REQUIRE(RunForage({"--no-robots", "-o", db, "--url", server.Url("/save/y")}).exit_code == 0);
  REQUIRE(RunForage(
              {"--no-robots", "--save", dir, "-o", db, "--append", "--url", server.Url("/save/z")})
              .exit_code == 0);
  Db raw = OpenRaw(db, SQLITE_OPEN_READONLY);
  CHECK(QueryInt(raw.get(), "SELECT count(*) FROM pages") == 2);
  CHECK(QueryInt(raw.get(), "SELECT count(saved) FROM pages") == 1);
}

TEST_CASE("A body that cannot be saved is a warning, and its record is kept",
          "[save][integration]") {
  TestServer server;
  TempDir tmp;
  const std::string dir = tmp.path() + "/pages";
  // A file where the host's directory must go.
  REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
  const std::string blocker = dir + "/127.0.0.1+" + std::to_string(server.port());
  REQUIRE(::close(::open(blocker.c_str(), O_CREAT | O_WRONLY, 0644)) == 0);
  ForageRun run = RunForage({"--no-robots", "--save", dir, "--log-level", "warn", "--url",
                             server.Url("/save/x"), "--url", server.Url("/page/2")});
  REQUIRE(run.exit_code == 0);
  REQUIRE(run.records.size() == 2);
  for (const json& r : run.records) {
    INFO(r.dump());
    CHECK(r["ok"] == true);
    CHECK(r["saved"].is_null());
  }
  CHECK(run.err.find("not saved: " + server.Url("/save/x")) != std::string::npos);
  CHECK(run.err.find(blocker + "/save%/x") != std::string::npos);
  CHECK(ReadFile(blocker).empty());
}

TEST_CASE("A --save path that cannot be a directory stops forage before it fetches",
          "[save][integration]") {
  TestServer server;
  TempDir tmp;
  const std::string file = tmp.Write("plain", "x");
  ForageRun run = RunForage({"--no-robots", "--save", file, "--url", server.Url("/save/x")});
  CHECK(run.exit_code == 2);
  CHECK(run.records.empty());
  CHECK(run.err.find(file) != std::string::npos);
  CHECK(ReadFile(file) == "x");
}

}  // namespace forage::test
