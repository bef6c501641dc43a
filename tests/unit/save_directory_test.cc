#include "archive/save_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "support/forage_run.h"

namespace forage {
namespace {

using test::ListDir;
using test::ReadFile;
using test::TempDir;

struct stat StatOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st;
}

// Sets `path`'s mtime to an hour ago, so that a rewrite cannot hide in the
// clock's granularity.
void Age(const std::string& path) {
  struct timespec times[2];
  REQUIRE(::clock_gettime(CLOCK_REALTIME, &times[0]) == 0);
  times[0].tv_sec -= 3600;
  times[1] = times[0];
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

SaveDirectory OpenOrFail(const std::string& path) {
  Result<SaveDirectory> dir = SaveDirectory::Open(path);
  REQUIRE(dir.ok());
  return std::move(dir).value();
}

}  // namespace

TEST_CASE("A saved body is written whole, its directories made", "[save_directory]") {
  TempDir tmp;
  SaveDirectory dir = OpenOrFail(tmp.path() + "/out/nested");
  Result<SaveDirectory::Outcome> saved = dir.Save("h.test/a%/b%/c.html", "<p>hi</p>");
  REQUIRE(saved.ok());
  CHECK(saved.value() == SaveDirectory::Outcome::kWritten);
  CHECK(ReadFile(tmp.path() + "/out/nested/h.test/a%/b%/c.html") == "<p>hi</p>");
  CHECK(dir.Join("h.test/x") == tmp.path() + "/out/nested/h.test/x");
  // No temporary file is left beside it.
  CHECK(ListDir(tmp.path() + "/out/nested/h.test/a%/b%") == std::vector<std::string>{"c.html"});
  // An empty body is a file too.
  REQUIRE(dir.Save("h.test/empty", "").ok());
  CHECK(StatOf(tmp.path() + "/out/nested/h.test/empty").st_size == 0);
}

TEST_CASE("A file is replaced only when its bytes change", "[save_directory]") {
  TempDir tmp;
  SaveDirectory dir = OpenOrFail(tmp.path());
  const std::string file = tmp.path() + "/h.test/page";
  REQUIRE(dir.Save("h.test/page", "same bytes").ok());
  Age(file);
  const struct stat before = StatOf(file);

  Result<SaveDirectory::Outcome> again = dir.Save("h.test/page", "same bytes");
  REQUIRE(again.ok());
  CHECK(again.value() == SaveDirectory::Outcome::kUnchanged);
  const struct stat unchanged = StatOf(file);
  CHECK(unchanged.st_ino == before.st_ino);
  CHECK(unchanged.st_mtim.tv_sec == before.st_mtim.tv_sec);
  CHECK(unchanged.st_mtim.tv_nsec == before.st_mtim.tv_nsec);

  // Same size, other bytes; then another size.
  for (const std::string body : {"SAME bytes", "longer bytes now"}) {
    INFO(body);
    Result<SaveDirectory::Outcome> changed = dir.Save("h.test/page", body);
    REQUIRE(changed.ok());
    CHECK(changed.value() == SaveDirectory::Outcome::kWritten);
    CHECK(ReadFile(file) == body);
    CHECK(StatOf(file).st_mtim.tv_sec > before.st_mtim.tv_sec);
    Age(file);
  }
  CHECK(ListDir(tmp.path() + "/h.test") == std::vector<std::string>{"page"});
}

TEST_CASE("A symbolic link inside the directory does not lead a save out of it",
          "[save_directory]") {
  TempDir tmp;
  TempDir outside;
  SaveDirectory dir = OpenOrFail(tmp.path());
  // A link where a directory is needed: refused, nothing written outside.
  REQUIRE(::symlink(outside.path().c_str(), (tmp.path() + "/h.test").c_str()) == 0);
  Result<SaveDirectory::Outcome> through = dir.Save("h.test/x", "escaped");
  REQUIRE_FALSE(through.ok());
  CHECK(through.status().message().find(tmp.path() + "/h.test/x") != std::string::npos);
  CHECK(through.status().message().find("symbolic link") != std::string::npos);
  CHECK(ListDir(outside.path()).empty());

  // A link deeper down, too.
  REQUIRE(dir.Save("g.test/a%/ok", "fine").ok());
  REQUIRE(::symlink(outside.path().c_str(), (tmp.path() + "/g.test/a%/b%").c_str()) == 0);
  CHECK_FALSE(dir.Save("g.test/a%/b%/x", "escaped").ok());
  CHECK(ListDir(outside.path()).empty());

  // A link in the file's place is replaced by the file, not written through.
  const std::string victim = outside.Write("victim", "untouched");
  REQUIRE(::symlink(victim.c_str(), (tmp.path() + "/g.test/a%/leaf").c_str()) == 0);
  Result<SaveDirectory::Outcome> over = dir.Save("g.test/a%/leaf", "new");
  REQUIRE(over.ok());
  CHECK(ReadFile(victim) == "untouched");
  CHECK(S_ISREG(StatOf(tmp.path() + "/g.test/a%/leaf").st_mode));
  CHECK(ReadFile(tmp.path() + "/g.test/a%/leaf") == "new");
}

TEST_CASE("A save that cannot be made fails with the file's path", "[save_directory]") {
  TempDir tmp;
  SaveDirectory dir = OpenOrFail(tmp.path());
  // A file where a directory is needed.
  REQUIRE(dir.Save("h.test/file", "x").ok());
  Result<SaveDirectory::Outcome> under = dir.Save("h.test/file/y", "y");
  REQUIRE_FALSE(under.ok());
  CHECK(under.status().message().find(tmp.path() + "/h.test/file/y") != std::string::npos);

  // A directory that may not be written. Root may write anyway, so as root
  // the save is tried by a child that has become nobody.
  REQUIRE(dir.Save("ro.test/old", "x").ok());
  REQUIRE(::chmod(tmp.path().c_str(), 0755) == 0);
  REQUIRE(::chmod((tmp.path() + "/ro.test").c_str(), 0555) == 0);
  auto denied_as_expected = [&tmp]() {
    Result<SaveDirectory> as_user = SaveDirectory::Open(tmp.path());
    if (!as_user.ok()) return false;
    Result<SaveDirectory::Outcome> denied = as_user.value().Save("ro.test/new", "y");
    return !denied.ok() && denied.status().IsIOError() &&
           denied.status().message().find(tmp.path() + "/ro.test/new") != std::string::npos;
  };
  if (::geteuid() != 0) {
    CHECK(denied_as_expected());
  } else {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      const bool dropped = ::setgid(65534) == 0 && ::setuid(65534) == 0;
      ::_exit(dropped && denied_as_expected() ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  REQUIRE(::chmod((tmp.path() + "/ro.test").c_str(), 0755) == 0);
  CHECK(ListDir(tmp.path() + "/ro.test") == std::vector<std::string>{"old"});

  // Paths that are not relative file paths.
  for (const char* bad : {"", "/abs", "../x", "a/../b", "a//b", "a/./b", "a/", ".."}) {
    INFO(bad);
    Result<SaveDirectory::Outcome> refused = dir.Save(bad, "z");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().IsInvalidArgument());
  }
  CHECK(ListDir(tmp.path()) == std::vector<std::string>{"h.test", "ro.test"});
}

TEST_CASE("A save directory that cannot be made is an error", "[save_directory]") {
  TempDir tmp;
  const std::string file = tmp.Write("plain", "x");
  Result<SaveDirectory> under_file = SaveDirectory::Open(file + "/sub");
  REQUIRE_FALSE(under_file.ok());
  CHECK(under_file.status().message().find(file) != std::string::npos);
  CHECK_FALSE(SaveDirectory::Open(file).ok());
}

}  // namespace forage
