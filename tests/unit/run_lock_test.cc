#include "core/run_lock.h"

#include <unistd.h>

#include <catch2/catch.hpp>

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
  std::string message;
  for (const char* content : {"", "4242\n", "forage lock pid 4242\n"}) {
    INFO(content);
    const std::string path = dir.Write("run.lock", content);
    RunLock lock;
    CHECK(RunLock::Acquire(path, &lock, &message) == RunLock::Outcome::kAcquired);
    CHECK(test::ReadFile(path) == "forage lock pid " + std::to_string(::getpid()) + "\n");
  }
  for (const char* content : {"http://a/\n", "123\nmore\n", "{\"records\": 1}"}) {
    INFO(content);
    const std::string path = dir.Write("data", content);
    RunLock lock;
    CHECK(RunLock::Acquire(path, &lock, &message) == RunLock::Outcome::kError);
    CHECK(message.find("not a forage lock file") != std::string::npos);
    CHECK(test::ReadFile(path) == content);  // untouched
  }
  const std::string fresh = dir.path() + "/fresh.lock";
  RunLock lock;
  CHECK(RunLock::Acquire(fresh, &lock, &message) == RunLock::Outcome::kAcquired);
}

}  // namespace
}  // namespace forage
