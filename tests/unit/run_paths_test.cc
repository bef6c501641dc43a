#include "cli/run_paths.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>

#include "support/forage_run.h"
#include "support/parse_args.h"

namespace forage {
namespace {

// A file system of a few names: "/d/..." paths in it exist, with the inode
// given; "/d" and "/e" are directories; /dev/null is a device.
StatFunction FakeStat(std::map<std::string, ino_t> files) {
  files.emplace("/d", 1);
  files.emplace("/e", 2);
  files.emplace(".", 3);
  return [files](const std::string& path) -> std::optional<FileId> {
    if (path == "/dev/null") return FileId{9, 9, false};
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return FileId{1, it->second, true};
  };
}

TEST_CASE("Two jobs for one file are found, naming both options", "[run_paths]") {
  const StatFunction stat =
      FakeStat({{"/d/urls.txt", 10}, {"/d/s.db", 11}, {"/d/hard-link", 11}, {"/d/x", 12}});
  struct Case {
    std::vector<RunPath> paths;
    const char* expected;  // "" for no collision
  };
  const Case cases[] = {
      {{{"the input file", "/d/urls.txt", false}, {"--lock", "/d/urls.txt", true}},
       "the input file /d/urls.txt and --lock /d/urls.txt are the same file"},
      {{{"--state", "/d/s.db", true}, {"--stats", "/d/s.db", true}}, "--state /d/s.db and --stats"},
      {{{"--state", "/d/s.db", true}, {"-o", "/d/hard-link", true}}, "--state /d/s.db and -o"},
      // Not there yet: the same name in the same directory.
      {{{"-o", "/d/new", true}, {"--stats", "/d/./new", true}}, "-o /d/new and --stats /d/./new"},
      {{{"-o", "/d/new", true}, {"--stats", "/d/sub/../new", true}}, "-o /d/new and --stats"},
      {{{"-o", "new", true}, {"--lock", "./new", true}}, "-o new and --lock ./new"},
      {{{"-o", "/d/new", true}, {"--stats", "/e/new", true}}, ""},
      {{{"-o", "/nowhere/a", true}, {"--stats", "/nowhere/a", true}}, "-o /nowhere/a and --stats"},
      // Reading one file twice harms nobody; a device is not a file to lose.
      {{{"the input file", "/d/urls.txt", false}, {"--config", "/d/urls.txt", false}}, ""},
      {{{"-o", "/dev/null", true}, {"--stats", "/dev/null", true}}, ""},
      {{{"-o", "/d/x", true}, {"--state", "/d/s.db", true}, {"--lock", "/d/urls.txt", true}}, ""},
  };
  for (const Case& c : cases) {
    Status st = CheckPathCollisions(c.paths, stat);
    INFO(c.paths[0].path << " " << c.paths[1].path << ": " << st.message());
    if (*c.expected == 0) {
      CHECK(st.ok());
    } else {
      CHECK_FALSE(st.ok());
      CHECK(st.message().find(c.expected) != std::string::npos);
    }
  }
}

TEST_CASE("A run's paths are every file it reads or writes", "[run_paths]") {
  ParsedCommandLine p = test::ParseArgs(
      {"-o", "out.jsonl", "--state", "s.db", "--stats", "st.json", "--lock", "l", "a.txt", "-"});
  REQUIRE(p.config);
  std::vector<std::string> names;
  for (const RunPath& path : RunPathsOf(*p.config)) names.push_back(path.what + " " + path.path);
  CHECK(names == std::vector<std::string>{"the input file a.txt", "-o out.jsonl", "--state s.db",
                                          "--state s.db-wal", "--state s.db-shm",
                                          "--state s.db-journal", "--stats st.json", "--lock l"});
}

TEST_CASE("The real stat finds a symbolic link's target", "[run_paths]") {
  test::TempDir dir;
  const std::string state = dir.Write("s.db", "x");
  const std::string link = dir.path() + "/link";
  REQUIRE(::symlink(state.c_str(), link.c_str()) == 0);
  CHECK_FALSE(CheckPathCollisions({{"--state", state, true}, {"-o", link, true}}, StatPath).ok());
  CHECK(CheckPathCollisions({{"--state", state, true}, {"-o", dir.path() + "/o", true}}, StatPath)
            .ok());
}

TEST_CASE("A file to be written is checked up front", "[run_paths]") {
  test::TempDir dir;
  CHECK(CheckWritable("--stats", dir.path() + "/new.json").ok());
  CHECK(CheckWritable("--stats", dir.Write("old.json", "{}")).ok());
  Status missing = CheckWritable("--stats", "/nonexistent/x");
  CHECK(missing.message().find("cannot write --stats /nonexistent/x") != std::string::npos);
  CHECK_FALSE(CheckWritable("--stats", dir.path()).ok());
  CHECK_FALSE(CheckWritable("--stats", dir.Write("file", "") + "/x").ok());
}

}  // namespace
}  // namespace forage
