#include "core/run_lock.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/fd.h"
#include "support/forage_run.h"

namespace forage {
namespace {

TEST_CASE("A lock file is recognised by its first line", "[run_lock]") {
  CHECK(RunLock::HolderOf("forage lock pid 123") == std::optional<std::string>("123"));
  CHECK(RunLock::HolderOf("123") == std::optional<std::string>("123"));  // earlier versions
  CHECK_FALSE(RunLock::HolderOf(""));
  CHECK_FALSE(RunLock::HolderOf("forage lock pid "));
  CHECK_FALSE(RunLock::HolderOf("http://example.com/"));
  CHECK_FALSE(RunLock::HolderOf("forage lock pid 12x"));
}

TEST_CASE("The --lock option takes a new, empty or lock file and no other", "[run_lock]") {
  test::TempDir dir;
  for (const char* content : {"", "4242\n", "forage lock pid 4242\n"}) {
    INFO(content);
    const std::string path = dir.Write("run.lock", content);
    Result<RunLock> lock = RunLock::Acquire(path);
    CHECK(lock.ok());
    CHECK(test::ReadFile(path) == "forage lock pid " + std::to_string(::getpid()) + "\n");
  }
  for (const char* content : {"http://a/\n", "123\nmore\n", "{\"records\": 1}"}) {
    INFO(content);
    const std::string path = dir.Write("data", content);
    Result<RunLock> lock = RunLock::Acquire(path);
    REQUIRE_FALSE(lock.ok());
    CHECK(lock.status().IsInvalidArgument());
    CHECK(lock.status().message().find("not a forage lock file") != std::string::npos);
    CHECK(test::ReadFile(path) == content);  // untouched
  }
  const std::string fresh = dir.path() + "/fresh.lock";
  CHECK(RunLock::Acquire(fresh).ok());
  Result<RunLock> nowhere = RunLock::Acquire(dir.path() + "/missing/run.lock");
  REQUIRE_FALSE(nowhere.ok());
  CHECK(nowhere.status().IsNotFound());
}

TEST_CASE("A lock a live process holds is busy, and is taken over once it is dead", "[run_lock]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/run.lock";
  // The holder says when it holds the lock, then holds it until its pipe
  // closes: no sleeps, only descriptors.
  auto holding = MakePipe();
  auto release = MakePipe();
  REQUIRE(holding.ok());
  REQUIRE(release.ok());
  const pid_t holder = ::fork();
  REQUIRE(holder >= 0);
  if (holder == 0) {
    ::alarm(30);
    holding.value().read.Reset();
    release.value().write.Reset();
    Result<RunLock> lock = RunLock::Acquire(path);
    const char said = lock.ok() ? 'L' : 'E';
    (void)WriteAll(holding.value().write.get(), std::string_view(&said, 1));
    char byte;
    (void)ReadSome(release.value().read.get(), &byte, 1);  // EOF: the test is done with us
    ::_exit(0);
  }
  holding.value().write.Reset();
  release.value().read.Reset();
  char said = 0;
  REQUIRE(ReadSome(holding.value().read.get(), &said, 1) == 1);
  REQUIRE(said == 'L');
  const std::string holder_line = "forage lock pid " + std::to_string(holder) + "\n";
  CHECK(test::ReadFile(path) == holder_line);

  Result<RunLock> refused = RunLock::Acquire(path);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().IsBusy());
  CHECK(refused.status().message() ==
        "another run holds the lock " + path + " (pid " + std::to_string(holder) + ")");
  CHECK(test::ReadFile(path) == holder_line);  // the holder's name stays

  // The holder dies; its pid stays in the file, but the kernel dropped its
  // flock: the lock is free, and the file names the new holder.
  release.value().write.Reset();
  int status = 0;
  REQUIRE(::waitpid(holder, &status, 0) == holder);
  Result<RunLock> taken = RunLock::Acquire(path);
  REQUIRE(taken.ok());
  CHECK(test::ReadFile(path) == "forage lock pid " + std::to_string(::getpid()) + "\n");
  // A second description of the file, as another run would open, is busy
  // while this one holds it.
  Result<RunLock> again = RunLock::Acquire(path);
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().IsBusy());
}

TEST_CASE("A lock file of an earlier version, the bare pid of a dead run, is taken over",
          "[run_lock]") {
  test::TempDir dir;
  const pid_t dead = ::fork();
  REQUIRE(dead >= 0);
  if (dead == 0) ::_exit(0);
  int status = 0;
  REQUIRE(::waitpid(dead, &status, 0) == dead);
  const std::string path = dir.Write("run.lock", std::to_string(dead) + "\n");
  Result<RunLock> lock = RunLock::Acquire(path);
  REQUIRE(lock.ok());
  CHECK(test::ReadFile(path) == "forage lock pid " + std::to_string(::getpid()) + "\n");
}

}  // namespace
}  // namespace forage
