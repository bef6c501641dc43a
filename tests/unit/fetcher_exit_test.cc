#include "fetch/fetcher_exit.h"

#include <poll.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <vector>

#include "core/fd.h"
#include "ipc/worker_pool.h"

namespace forage {
namespace {

TEST_CASE("A fetcher's exit status is described by name", "[fetcher_exit]") {
  struct Case {
    int status;
    const char* description;
  };
  const std::vector<Case> cases = {
      {kFetcherExitDone, "exited with status 0"},
      {kFetcherExitUsage,
       "exited with status 2, started wrongly (forage-fetcher is not for running by hand)"},
      {kFetcherExitCannotWork,
       "exited with status 3, could not set itself up (its log line says why)"},
      {kFetcherExitOutOfMemory, "exited with status 4, out of memory (--fetcher-memory)"},
      {kFetcherExitSoftware,
       "exited with status 70, failed inside (descriptors not in place, or an exception)"},
      {9, "exited with status 9"},  // no fetcher says 9: nothing to name
  };
  for (const Case& c : cases) {
    INFO(c.status);
    CHECK(DescribeFetcherExit(c.status) == c.description);
  }
}

// Reads the fetcher's result pipe to EOF (it has nothing to say), with a deadline.
bool WaitForEof(WorkerPool& pool, std::size_t slot) {
  char buf[256];
  for (;;) {
    pollfd p{pool.ResultFd(slot), POLLIN, 0};
    if (::poll(&p, 1, 20000) != 1) return false;
    ssize_t n = ReadSome(pool.ResultFd(slot), buf, sizeof buf);
    if (n == 0) return true;
    if (n < 0 && errno != EAGAIN) return false;
  }
}

TEST_CASE("The pool reports a fetcher that ran out of memory by name", "[fetcher_exit][pool]") {
  // Stands for a fetcher past --fetcher-memory, which leaves with its status
  // (the real one from operator new's handler, see fetcher_loop.cc).
  auto created = WorkerPool::Create(1, [](WorkQueue, int, int) { return kFetcherExitOutOfMemory; });
  REQUIRE(created.ok());
  WorkerPool& pool = *created.value();
  REQUIRE(pool.Spawn(0).ok());
  REQUIRE(WaitForEof(pool, 0));
  const std::string why = pool.Reap(0);
  CHECK(why == "exited with status 4, out of memory (--fetcher-memory)");
}

}  // namespace
}  // namespace forage
