// The big-parse token: a finished page over kBigPageBytes is parsed only
// under an flock on the pool's token, taken without waiting. Driven on a
// forage::Fetcher against forage_test_server's /bightml/N, with the token
// held by this process or by a child, on an open file description of its own;
// and through a WorkerPool of forked fetchers, for the token's plumbing.
// Every wait is for an event (a result, a page put off, a byte on a pipe),
// bounded by a deadline; no sleeps.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/fd.h"
#include "fetch/fetcher.h"
#include "fetch/fetcher_loop.h"
#include "ipc/wire.h"
#include "ipc/worker_pool.h"
#include "support/forage_run.h"
#include "support/token_support.h"

namespace forage {
namespace {

using Clock = std::chrono::steady_clock;

// A memfd standing for a pool's token; Open() gives an open file description
// of it of the caller's own, as a fetcher's.
struct TokenFile {
  UniqueFd memfd{::memfd_create("test-big-parse", MFD_CLOEXEC)};
  UniqueFd Open() const {
    UniqueFd own = OpenBigParseToken(memfd.get());
    REQUIRE(own);
    return own;
  }
};

bool TryLock(int fd) { return ::flock(fd, LOCK_EX | LOCK_NB) == 0; }

// A fetcher over `token` that records its parse watch: (job, begin).
struct WatchedFetcher {
  std::vector<std::pair<std::uint64_t, bool>> watch;
  std::unique_ptr<Fetcher> fetcher;
  std::vector<wire::FetchResult> done;

  explicit WatchedFetcher(UniqueFd token) {
    auto created = Fetcher::Create(
        FetchSettings{}, [this](std::uint64_t job, bool begin) { watch.emplace_back(job, begin); },
        std::move(token));
    REQUIRE(created.ok());
    fetcher = std::move(created).value();
  }

  // Runs the fetcher's loop until `until` holds; fails the test after 20 s.
  void DriveUntil(const std::function<bool()>& until) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (!until()) {
      INFO("the fetcher never got there");
      REQUIRE(Clock::now() < deadline);
      fetcher->ParseDeferred(&done);
      fetcher->Perform(&done);
      if (until()) break;
      REQUIRE(fetcher->Wait(-1, fetcher->Deferred() > 0 ? 5 : 100, nullptr).ok());
    }
  }
  // A few more turns of the loop, with nothing to wait for.
  void Turn(int turns) {
    for (int i = 0; i < turns; ++i) {
      fetcher->ParseDeferred(&done);
      fetcher->Perform(&done);
      REQUIRE(fetcher->Wait(-1, 5, nullptr).ok());
    }
  }
  const wire::FetchResult* Result(std::uint64_t id) const {
    for (const wire::FetchResult& r : done) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }
  bool Has(std::uint64_t id) const { return Result(id) != nullptr; }
  bool WatchBegan(std::uint64_t id) const {
    return std::find(watch.begin(), watch.end(), std::make_pair(id, true)) != watch.end();
  }
  // Whether the last watch event of `id` began a parse that has not ended.
  bool Watched(std::uint64_t id) const {
    for (auto it = watch.rbegin(); it != watch.rend(); ++it) {
      if (it->first == id) return it->second;
    }
    return false;
  }
};

void CheckBigPage(const test::TestServer& server, const wire::FetchResult& r, int n) {
  CHECK(r.error == ErrorKind::kNone);
  CHECK(r.status == 200);
  CHECK(r.bytes == 1536 * 1024);
  CHECK(r.title == "big " + std::to_string(n));
  CHECK(r.description == "About big " + std::to_string(n));
  CHECK(r.links == std::vector<std::string>{server.Url("/page/" + std::to_string(n)),
                                            server.Url("/page/" + std::to_string(n + 1))});
}

TEST_CASE("A big page the scanner reads needs no token", "[fetch][big]") {
  test::TestServer server;
  TokenFile token;
  UniqueFd holder = token.Open();
  REQUIRE(TryLock(holder.get()));
  WatchedFetcher f(token.Open());
  f.fetcher->Start({1, wire::JobKind::kPage, server.Url("/bightml/1")});
  f.DriveUntil([&] { return f.Has(1); });
  CHECK(f.fetcher->Deferred() == 0);
  CheckBigPage(server, *f.Result(1), 1);
  // Watched while it was read, as any parse is.
  auto began = std::find(f.watch.begin(), f.watch.end(), std::make_pair(std::uint64_t{1}, true));
  REQUIRE(began != f.watch.end());
  REQUIRE(began + 1 != f.watch.end());
  CHECK(*(began + 1) == std::make_pair(std::uint64_t{1}, false));
  // The token was never the fetcher's to take: it is still ours.
  CHECK(TryLock(holder.get()));
}

// The pages below carry a <template>, which the scanner hands to gumbo (it
// changes no record): pages that need the tree, and so the token.
TEST_CASE("A big page waits for a token held elsewhere while small pages complete",
          "[fetch][big]") {
  static_assert(kBigPageBytes == 1024 * 1024);
  test::TestServer server;
  TokenFile token;
  UniqueFd holder = token.Open();
  REQUIRE(TryLock(holder.get()));
  WatchedFetcher f(token.Open());

  f.fetcher->Start({1, wire::JobKind::kPage, server.Url("/bightml/1?tree=1")});
  f.fetcher->Start({2, wire::JobKind::kPage, server.Url("/page/2")});
  f.DriveUntil([&] { return f.fetcher->Deferred() == 1 && f.Has(2); });
  CHECK(f.Result(2)->title == "Page 2");
  // Downloaded, read by the scanner (which handed it over), not parsed,
  // not reported, and not being watched as a parse while it waits.
  CHECK_FALSE(f.Has(1));
  CHECK(f.WatchBegan(1));
  CHECK_FALSE(f.Watched(1));
  CHECK(f.WatchBegan(2));
  CHECK(f.fetcher->InFlight() == 1);

  // Meanwhile other pages come and go, and a page of exactly kBigPageBytes
  // is not big.
  f.fetcher->Start({3, wire::JobKind::kPage, server.Url("/page/3")});
  f.fetcher->Start(
      {4, wire::JobKind::kPage, server.Url("/bightml/4?bytes=" + std::to_string(kBigPageBytes))});
  f.DriveUntil([&] { return f.Has(3) && f.Has(4); });
  CHECK(f.Result(4)->title == "big 4");
  f.Turn(3);
  CHECK_FALSE(f.Has(1));
  CHECK(f.fetcher->Deferred() == 1);

  REQUIRE(::flock(holder.get(), LOCK_UN) == 0);
  f.DriveUntil([&] { return f.Has(1); });
  CheckBigPage(server, *f.Result(1), 1);
  CHECK(f.fetcher->InFlight() == 0);
  // Watched from the start of its parse to its end (the last watch: the
  // first was the scanner's), then the token is free.
  auto began = f.watch.end();
  for (auto it = f.watch.begin(); it != f.watch.end(); ++it) {
    if (*it == std::make_pair(std::uint64_t{1}, true)) began = it;
  }
  REQUIRE(began != f.watch.end());
  REQUIRE(began + 1 != f.watch.end());
  CHECK(*(began + 1) == std::make_pair(std::uint64_t{1}, false));
  CHECK(TryLock(holder.get()));
}

TEST_CASE("Big pages put off keep their order", "[fetch][big]") {
  test::TestServer server;
  TokenFile token;
  UniqueFd holder = token.Open();
  REQUIRE(TryLock(holder.get()));
  WatchedFetcher f(token.Open());
  f.fetcher->Start({7, wire::JobKind::kPage, server.Url("/bightml/7?tree=1")});
  f.DriveUntil([&] { return f.fetcher->Deferred() == 1; });
  f.fetcher->Start({5, wire::JobKind::kPage, server.Url("/bightml/5?tree=1")});
  f.DriveUntil([&] { return f.fetcher->Deferred() == 2; });
  f.fetcher->Start({6, wire::JobKind::kPage, server.Url("/bightml/6?tree=1")});
  f.DriveUntil([&] { return f.fetcher->Deferred() == 3; });
  CHECK(f.done.empty());
  holder.Reset();  // closing its last descriptor drops the lock too
  f.DriveUntil([&] { return f.done.size() == 3; });
  CHECK(f.done[0].id == 7);
  CHECK(f.done[1].id == 5);
  CHECK(f.done[2].id == 6);
  for (const wire::FetchResult& r : f.done) CheckBigPage(server, r, static_cast<int>(r.id));
}

TEST_CASE("A token holder killed with SIGKILL frees the token", "[fetch][big]") {
  test::TestServer server;
  TokenFile token;
  test::LockHolder holder("/proc/self/fd/" + std::to_string(token.memfd.get()));
  WatchedFetcher f(token.Open());
  f.fetcher->Start({1, wire::JobKind::kPage, server.Url("/bightml/1?tree=1")});
  f.fetcher->Start({2, wire::JobKind::kPage, server.Url("/page/2")});
  f.DriveUntil([&] { return f.fetcher->Deferred() == 1 && f.Has(2); });
  f.Turn(3);
  CHECK_FALSE(f.Has(1));

  holder.Kill();
  f.DriveUntil([&] { return f.Has(1); });
  CheckBigPage(server, *f.Result(1), 1);
}

TEST_CASE("Without a token, or with one that cannot be locked, big pages parse at once",
          "[fetch][big]") {
  test::TestServer server;
  UniqueFd token;
  SECTION("none") {}
  SECTION("a descriptor flock refuses") {
    // flock on a directory works; on an O_PATH descriptor it fails (EBADF).
    token = UniqueFd(::open("/", O_PATH | O_CLOEXEC));
    REQUIRE(token);
    REQUIRE_FALSE(TryLock(token.get()));
  }
  WatchedFetcher f(std::move(token));
  f.fetcher->Start({1, wire::JobKind::kPage, server.Url("/bightml/1")});
  f.fetcher->Start({2, wire::JobKind::kPage, server.Url("/bightml/2")});
  f.DriveUntil([&] { return f.done.size() == 2; });
  for (const wire::FetchResult& r : f.done) CheckBigPage(server, r, static_cast<int>(r.id));
}

// A forked fetcher's stand-in: for each job, tries the pool's token on its
// own description of it and writes one byte: 'L' locked (kept for "lock",
// dropped again for "try"), 'B' busy, 'E' anything else. Exits when the
// doorbell closes.
int TokenProbe(WorkQueue queue, int doorbell, int out) {
  UniqueFd own = OpenBigParseToken(WorkerPool::InheritedBigParseFd());
  if (!own) return 5;
  (void)SetNonBlocking(doorbell, true);
  std::string payload;
  for (;;) {
    while (queue.TryPop(&payload)) {
      auto job = wire::DecodeJob(payload);
      if (!job) return 3;
      char answer = 'L';
      if (::flock(own.get(), LOCK_EX | LOCK_NB) != 0) answer = errno == EWOULDBLOCK ? 'B' : 'E';
      if (answer == 'L' && job->url == "try") ::flock(own.get(), LOCK_UN);
      if (!WriteAll(out, std::string_view(&answer, 1)).ok()) return 0;
    }
    if (test::AwaitDoorbell(doorbell)) return 0;
  }
}

// The one-byte answer of `slot`'s probe; '\0' at EOF.
char Answer(WorkerPool& pool, std::size_t slot) {
  pollfd p{pool.ResultFd(slot), POLLIN, 0};
  REQUIRE(::poll(&p, 1, 10000) == 1);
  char byte = 0;
  ssize_t n = ReadSome(pool.ResultFd(slot), &byte, 1);
  REQUIRE(n >= 0);
  return n == 1 ? byte : '\0';
}

TEST_CASE("Forked fetchers share the pool's token, each on a description of its own",
          "[fetch][big][work_queue]") {
  CHECK(WorkerPool::InheritedBigParseFd() == -1);  // not in the master
  auto created = WorkerPool::Create(2, TokenProbe);
  REQUIRE(created.ok());
  WorkerPool& pool = *created.value();
  REQUIRE(pool.BigParseFd() >= 0);
  REQUIRE(pool.Spawn(0).ok());
  REQUIRE(pool.Spawn(1).ok());

  REQUIRE(pool.Push(0, wire::EncodeJob({1, wire::JobKind::kPage, "lock"})));
  CHECK(Answer(pool, 0) == 'L');
  // Were the descriptions shared, the second flock would succeed too.
  REQUIRE(pool.Push(1, wire::EncodeJob({2, wire::JobKind::kPage, "try"})));
  CHECK(Answer(pool, 1) == 'B');
  UniqueFd mine = OpenBigParseToken(pool.BigParseFd());
  REQUIRE(mine);
  CHECK_FALSE(TryLock(mine.get()));

  // The holder dies: the token is free, for the other fetcher and for us.
  ::kill(pool.Pid(0), SIGKILL);
  CHECK(Answer(pool, 0) == '\0');
  pool.Reap(0);
  REQUIRE(pool.Push(1, wire::EncodeJob({3, wire::JobKind::kPage, "try"})));
  CHECK(Answer(pool, 1) == 'L');
  CHECK(TryLock(mine.get()));
  pool.CloseDoorbells();
  CHECK(Answer(pool, 1) == '\0');
  CHECK(pool.Reap(1) == "exited with status 0");
}

TEST_CASE("A forked fetcher's RunFetcher finds the token it inherited and reopens it",
          "[fetch][big][work_queue]") {
  const FetchSettings settings;
  auto created = WorkerPool::Create(1, [settings](WorkQueue q, int doorbell, int out) {
    return RunFetcher(settings, q, doorbell, out);
  });
  REQUIRE(created.ok());
  WorkerPool& pool = *created.value();
  REQUIRE(pool.Spawn(0).ok());
  // Its first frame says it is ready: its Fetcher exists by then.
  pollfd p{pool.ResultFd(0), POLLIN, 0};
  REQUIRE(::poll(&p, 1, 20000) == 1);

  std::vector<int> fds = test::FdsNaming(pool.Pid(0), "/memfd:forage-big-parse");
  REQUIRE(fds.size() == 2);  // the inherited one, and its own
  int shared = 0, own = 0;
  for (int fd : fds) {
    std::optional<bool> same =
        test::SameDescription(::getpid(), pool.BigParseFd(), pool.Pid(0), fd);
    if (!same) {
      WARN("kcmp(2) is not available: open file descriptions not compared");
      return;
    }
    ++(*same ? shared : own);
  }
  CHECK(shared == 1);
  CHECK(own == 1);
  pool.CloseDoorbells();
  char buf[256];
  while (ReadSome(pool.ResultFd(0), buf, sizeof buf) != 0) {
    REQUIRE(::poll(&p, 1, 20000) == 1);
  }
  CHECK(pool.Reap(0) == "exited with status 0");
}

}  // namespace
}  // namespace forage
