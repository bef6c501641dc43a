#include "output/output_placement.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/fd.h"
#include "support/forage_run.h"

namespace forage {
namespace {

using test::ListDir;
using test::ReadFile;

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  REQUIRE(out.good());
}

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

std::string TempName(const std::string& name) {
  return "." + name + ".forage-" + std::to_string(::getpid()) + ".tmp";
}

TEST_CASE("Output placement writes beside the path and commits the whole file at once",
          "[output_placement]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/out.jsonl";
  SECTION("a new file") {
    OutputPlacement placement(path, /*append=*/false);
    CHECK(placement.temporary());
    // Beside PATH, in the same directory, so that the rename is atomic.
    CHECK(placement.write_path() == dir.path() + "/" + TempName("out.jsonl"));
    WriteFile(placement.write_path(), "one\ntwo\n");
    CHECK_FALSE(Exists(path));  // nothing at PATH until the commit
    REQUIRE(placement.Commit().ok());
    CHECK_FALSE(placement.temporary());
    CHECK(ReadFile(path) == "one\ntwo\n");
    CHECK(ListDir(dir.path()) == std::vector<std::string>{"out.jsonl"});
  }
  SECTION("an existing file: a reader sees the old output, then the new one, never a mix") {
    WriteFile(path, "old\n");
    OutputPlacement placement(path, /*append=*/false);
    REQUIRE(placement.temporary());
    // A reader that opened PATH before the commit...
    UniqueFd reader(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(reader);
    WriteFile(placement.write_path(), "new, and longer\n");
    CHECK(ReadFile(path) == "old\n");
    REQUIRE(placement.Commit().ok());
    CHECK(ReadFile(path) == "new, and longer\n");
    // ...still reads the whole old file: the new one replaced it by rename.
    char buffer[64];
    const ssize_t n = ::read(reader.get(), buffer, sizeof buffer);
    CHECK(std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0) == "old\n");
    CHECK(ListDir(dir.path()) == std::vector<std::string>{"out.jsonl"});
  }
  SECTION("a relative path") {
    OutputPlacement placement("out.csv", /*append=*/false);
    CHECK(placement.temporary());
    CHECK(placement.write_path() == TempName("out.csv"));
  }
}

TEST_CASE("Output placement removes an uncommitted temporary file, or keeps it when told",
          "[output_placement]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/out.jsonl";
  WriteFile(path, "old\n");
  std::string write_path;
  SECTION("dropped") {
    {
      OutputPlacement placement(path, /*append=*/false);
      write_path = placement.write_path();
      WriteFile(write_path, "half a run\n");
    }
    CHECK_FALSE(Exists(write_path));
    CHECK(ReadFile(path) == "old\n");
  }
  SECTION("kept, as a killed run leaves it") {
    {
      OutputPlacement placement(path, /*append=*/false);
      write_path = placement.write_path();
      WriteFile(write_path, "half a run\n");
      placement.Keep();
    }
    CHECK(ReadFile(write_path) == "half a run\n");
    CHECK(ReadFile(path) == "old\n");
  }
}

TEST_CASE("Output placement takes up a temporary file a killed run left", "[output_placement]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/out.jsonl";
  const std::string left = dir.path() + "/.out.jsonl.forage-1.tmp";
  WriteFile(left, "first half\n");
  OutputPlacement placement(path, /*append=*/false, left);
  CHECK(placement.temporary());
  CHECK(placement.write_path() == left);
  std::ofstream(left, std::ios::app) << "second half\n";
  REQUIRE(placement.Commit().ok());
  CHECK(ReadFile(path) == "first half\nsecond half\n");
  CHECK_FALSE(Exists(left));
}

TEST_CASE("Output placement writes in place where there is nothing to swap", "[output_placement]") {
  test::TempDir dir;
  const std::string fifo = dir.path() + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string existing = dir.path() + "/existing.jsonl";
  WriteFile(existing, "old\n");
  struct Case {
    std::string path;
    bool append;
  };
  const Case cases[] = {
      {"-", false},                 // standard output
      {"", false},                  // standard output too
      {"/dev/null", false},         // a device
      {fifo, false},                // a named pipe
      {existing, true},             // --append
      {dir.path() + "/new", true},  // --append to a file still to be made
  };
  for (const Case& c : cases) {
    CAPTURE(c.path, c.append);
    OutputPlacement placement(c.path, c.append);
    CHECK_FALSE(placement.temporary());
    CHECK(placement.write_path() == c.path);
    CHECK(placement.Commit().ok());  // nothing to do
  }
  CHECK(ReadFile(existing) == "old\n");
  CHECK(ListDir(dir.path()) == std::vector<std::string>{"existing.jsonl", "fifo"});
}

TEST_CASE("Output placement reports a commit that cannot rename, and leaves the path as it was",
          "[output_placement]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/out.jsonl";
  SECTION("the temporary file is gone") {
    OutputPlacement placement(path, /*append=*/false);
    Status st = placement.Commit();  // nothing was ever written
    REQUIRE_FALSE(st.ok());
    CHECK(st.message() ==
          "cannot move the output into place at " + path + ": No such file or directory");
    CHECK(placement.temporary());
    CHECK_FALSE(Exists(path));
  }
  SECTION("a directory took the path meanwhile") {
    OutputPlacement placement(path, /*append=*/false);
    WriteFile(placement.write_path(), "records\n");
    std::filesystem::create_directory(path);
    WriteFile(path + "/inside", "x");
    Status st = placement.Commit();
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("cannot move the output into place at " + path + ": ") == 0);
    CHECK(ReadFile(path + "/inside") == "x");
    const std::string write_path = placement.write_path();
    CHECK(ReadFile(write_path) == "records\n");  // until the placement goes
  }
  // Either way the uncommitted temporary file went with the placement.
  CHECK(ListDir(dir.path()).size() <= 1);
  for (const std::string& name : ListDir(dir.path())) CHECK(name == "out.jsonl");
}

}  // namespace
}  // namespace forage
