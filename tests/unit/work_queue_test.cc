#include "ipc/work_queue.h"

#include <dirent.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/fd.h"
#include "ipc/fetcher_fds.h"
#include "ipc/wire.h"
#include "ipc/worker_pool.h"
#include "support/child_process.h"
#include "support/forage_run.h"

namespace forage {
namespace {

using Clock = std::chrono::steady_clock;

TEST_CASE("WorkQueue carries whole frames in order and refuses what does not fit", "[work_queue]") {
  auto region = WorkQueueRegion::Create(2);
  REQUIRE(region.ok());
  WorkQueue q = region.value()->Queue(1);
  std::mt19937 rng(1);
  std::uint64_t pushed = 0, popped = 0;
  std::string payload;
  // Many rounds of random-sized frames, so that the ring wraps many times.
  std::size_t in_ring = 0;
  for (int round = 0; round < 200; ++round) {
    for (;;) {
      std::string url(rng() % 5000, 'u');
      std::string frame = wire::EncodeJob({pushed + 1, wire::JobKind::kPage, url});
      if (!q.TryPush(frame)) {
        CHECK(in_ring > 0);
        break;
      }
      ++pushed;
      ++in_ring;
    }
    std::size_t take = rng() % (in_ring + 1);
    for (std::size_t i = 0; i < take; ++i) {
      REQUIRE(q.TryPop(&payload));
      auto job = wire::DecodeJob(payload);
      REQUIRE(job);
      CHECK(job->id == ++popped);
      --in_ring;
    }
  }
  while (q.TryPop(&payload)) CHECK(wire::DecodeJob(payload)->id == ++popped);
  CHECK(popped == pushed);
  CHECK_FALSE(q.TryPop(&payload));
  CHECK_FALSE(q.TryPush(std::string(WorkQueue::kCapacityBytes + 1, 'x')));
}

TEST_CASE("Reset empties a ring", "[work_queue]") {
  auto region = WorkQueueRegion::Create(1);
  REQUIRE(region.ok());
  WorkQueue q = region.value()->Queue(0);
  REQUIRE(q.TryPush(wire::EncodeJob({1, wire::JobKind::kPage, "x"})));
  region.value()->Reset(0);
  std::string payload;
  CHECK_FALSE(q.TryPop(&payload));
}

// The consumer: acknowledges each job id it pops by writing the 8 bytes of
// the id to its result pipe, the way a fetcher reports a result.
int EchoConsumer(WorkQueue queue, int doorbell, int out) {
  (void)SetNonBlocking(doorbell, true);
  std::string payload;
  for (;;) {
    while (queue.TryPop(&payload)) {
      auto job = wire::DecodeJob(payload);
      if (!job) return 3;
      if (!WriteAll(out, std::string_view(reinterpret_cast<const char*>(&job->id), 8)).ok()) {
        return 0;
      }
    }
    if (test::AwaitDoorbell(doorbell)) return 0;
  }
}

// What a fetcher writes to its result pipe, until `want` bytes came or the
// pipe reached EOF (*eof), within 20 s.
std::string ReadResults(WorkerPool& pool, std::size_t slot, std::size_t want,
                        bool* eof = nullptr) {
  std::string got;
  if (eof) *eof = false;
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (got.size() < want && Clock::now() < deadline) {
    pollfd p{pool.ResultFd(slot), POLLIN, 0};
    if (::poll(&p, 1, 1000) != 1) continue;
    char buf[256];
    const ssize_t n = ::read(pool.ResultFd(slot), buf, sizeof buf);
    if (n < 0 && errno == EAGAIN) continue;
    if (n <= 0) {
      if (eof) *eof = n == 0;
      break;
    }
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

TEST_CASE("A spawning pool forks a slot's first fetcher while its heap is small, then spawns",
          "[work_queue]") {
  const std::string ready = wire::EncodeReady();
  auto forked = [](WorkQueue, int, int out) {
    return WriteAll(out, "forked").ok() ? 0 : 3;
  };
  auto created = WorkerPool::CreateSpawning(
      2, FORAGE_FETCHER_BIN, wire::EncodeFetcherConfig(FetchSettings{}, LogLevel::kWarn), forked);
  REQUIRE(created.ok());
  WorkerPool& pool = *created.value();
  REQUIRE(pool.Spawn(0).ok());
  bool eof = false;
  CHECK(ReadResults(pool, 0, 7, &eof) == "forked");
  // Reaped once it has exited (Reap kills one still there).
  CHECK(eof);
  CHECK(pool.Reap(0).find("exited with status 0") != std::string::npos);
  // The slot's next fetcher (a replacement) runs the program.
  REQUIRE(pool.Spawn(0).ok());
  CHECK(std::filesystem::path(test::ExeOf(pool.Pid(0))).filename() == "forage-fetcher");
  CHECK(ReadResults(pool, 0, ready.size()) == ready);

  // With a big heap, even a slot's first fetcher runs the program.
  std::vector<char> big(WorkerPool::kForkHeapBytes + (1u << 20));
  const struct mallinfo2 heap = ::mallinfo2();
  if (heap.arena + heap.hblkhd < WorkerPool::kForkHeapBytes) {
    WARN("malloc is not glibc's here (a sanitizer, valgrind): the big heap is not seen");
    pool.CloseDoorbells();
    return;
  }
  REQUIRE(pool.Spawn(1).ok());
  CHECK(std::filesystem::path(test::ExeOf(pool.Pid(1))).filename() == "forage-fetcher");
  CHECK(ReadResults(pool, 1, ready.size()) == ready);
  pool.CloseDoorbells();
}

// A forked fetcher's stand-in that reports, as one line on its result
// pipe, the descriptors it was given and every descriptor it has open.
int DescriptorProbe(WorkQueue, int doorbell, int out) {
  std::string line = "given " + std::to_string(doorbell) + " " + std::to_string(out) + " " +
                     std::to_string(WorkerPool::InheritedBigParseFd()) + "; open";
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return 3;
  // Valgrind keeps descriptors of its own at or above the soft limit it
  // shows the program, where the program cannot have any: those are not the
  // fetcher's.
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  std::set<int> open;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    const int fd = std::atoi(entry->d_name);
    if (fd != ::dirfd(dir) && static_cast<rlim_t>(fd) < limit.rlim_cur) open.insert(fd);
  }
  ::closedir(dir);
  for (int fd : open) line += " " + std::to_string(fd);
  return WriteAll(out, line).ok() ? 0 : 3;
}

TEST_CASE("A forked fetcher finds its channels at the numbers fetcher_fds.h names, and no more",
          "[work_queue]") {
  auto created = WorkerPool::Create(1, DescriptorProbe);
  REQUIRE(created.ok());
  WorkerPool& pool = *created.value();
  REQUIRE(pool.Spawn(0).ok());
  std::string line;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  for (;;) {
    REQUIRE(Clock::now() < deadline);
    pollfd p{pool.ResultFd(0), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 1000) >= 0);
    char buf[256];
    const ssize_t n = ReadSome(pool.ResultFd(0), buf, sizeof buf);
    if (n == 0) break;  // the probe is done
    if (n > 0) line.append(buf, static_cast<std::size_t>(n));
  }
  CHECK(pool.Reap(0) == "exited with status 0");
  using namespace fetcher_fds;
  // The same numbers as the fetcher program's (3, the ring, and 6, the
  // configuration, are the program's alone), stdin, stdout and stderr.
  CHECK(line == "given " + std::to_string(kDoorbell) + " " + std::to_string(kResult) + " " +
                    std::to_string(kBigParse) + "; open 0 1 2 " + std::to_string(kDoorbell) + " " +
                    std::to_string(kResult) + " " + std::to_string(kBigParse));
}

// Waits for its doorbell (blocking), then reports how many rings it read and
// how many jobs it found, as two 8-byte words; once.
int RingCounter(WorkQueue queue, int doorbell, int out) {
  pollfd p{doorbell, POLLIN, 0};
  if (::poll(&p, 1, 20000) != 1) return 3;
  char buf[256];
  const ssize_t rings = ::read(doorbell, buf, sizeof buf);
  std::uint64_t words[2] = {static_cast<std::uint64_t>(rings < 0 ? 0 : rings), 0};
  std::string payload;
  while (queue.TryPop(&payload)) ++words[1];
  (void)WriteAll(out, std::string_view(reinterpret_cast<const char*>(words), sizeof words));
  return 0;
}

TEST_CASE("Jobs pushed with the ring put off wake their fetcher once, when RingPending rings",
          "[work_queue]") {
  auto created = WorkerPool::Create(2, RingCounter);
  REQUIRE(created.ok());
  WorkerPool& pool = *created.value();
  REQUIRE(pool.Spawn(0).ok());
  REQUIRE(pool.Spawn(1).ok());
  for (std::uint64_t id = 1; id <= 3; ++id) {
    REQUIRE(pool.Push(0, wire::EncodeJob({id, wire::JobKind::kPage, "http://a.test/"}),
                      WorkerPool::Ring::kLater));
  }
  // Slot 1 gets one job rung at once: its count tells the ring byte apart.
  REQUIRE(pool.Push(1, wire::EncodeJob({9, wire::JobKind::kPage, "http://b.test/"})));
  const std::string one = ReadResults(pool, 1, 16);
  REQUIRE(one.size() == 16);
  std::uint64_t words[2];
  std::memcpy(words, one.data(), 16);
  CHECK(words[0] == 1);
  CHECK(words[1] == 1);
  // Slot 0 has heard nothing yet: its three jobs wait, unrung, until now.
  pool.RingPending();
  // Nothing is pending any more: a second byte here would show in the count
  // whenever the fetcher reads after both calls.
  pool.RingPending();
  const std::string zero = ReadResults(pool, 0, 16);
  REQUIRE(zero.size() == 16);
  std::memcpy(words, zero.data(), 16);
  CHECK(words[0] == 1);  // one ring for three jobs
  CHECK(words[1] == 3);
  bool eof = false;
  ReadResults(pool, 0, 1, &eof);
  CHECK(eof);
  ReadResults(pool, 1, 1, &eof);
  CHECK(eof);
  pool.Reap(0);
  pool.Reap(1);
}

TEST_CASE("A consumer SIGKILLed at any moment loses no job and never stalls the producer",
          "[work_queue][slow]") {
  auto created = WorkerPool::Create(1, EchoConsumer);
  REQUIRE(created.ok());
  WorkerPool& pool = *created.value();
  REQUIRE(pool.Spawn(0).ok());

  constexpr std::uint64_t kJobs = 20000;
  std::vector<int> acked(kJobs + 1, 0);
  std::uint64_t acked_total = 0;
  std::set<std::uint64_t> held;      // pushed, not acknowledged: the master's truth
  std::vector<std::uint64_t> retry;  // taken back from a killed consumer
  std::uint64_t next = 1;
  std::string pending;  // a partial ack
  std::mt19937 rng(7);
  int kills = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(60);

  auto take_acks = [&](const char* data, std::size_t n) {
    pending.append(data, n);
    std::size_t whole = pending.size() / 8 * 8;
    for (std::size_t i = 0; i < whole; i += 8) {
      std::uint64_t id;
      std::memcpy(&id, pending.data() + i, 8);
      REQUIRE(held.erase(id) == 1);
      ++acked[id];
      ++acked_total;
    }
    pending.erase(0, whole);
  };

  while (acked_total < kJobs) {
    REQUIRE(Clock::now() < deadline);
    while (held.size() < 64 && (!retry.empty() || next <= kJobs)) {
      std::uint64_t id = retry.empty() ? next : retry.back();
      if (!pool.Push(0, wire::EncodeJob({id, wire::JobKind::kPage,
                                         "http://example.com/" + std::to_string(id)})))
        break;
      held.insert(id);
      if (retry.empty()) {
        ++next;
      } else {
        retry.pop_back();
      }
    }
    if (rng() % 40 == 0) {
      // Kill it wherever it is: mid-pop, mid-write, asleep in poll.
      ::kill(pool.Pid(0), SIGKILL);
      ++kills;
      char buf[4096];
      for (;;) {  // drain what it wrote before dying; EOF follows its death
        pollfd p{pool.ResultFd(0), POLLIN, 0};
        REQUIRE(::poll(&p, 1, 10000) == 1);
        ssize_t n = ::read(pool.ResultFd(0), buf, sizeof buf);
        if (n > 0) {
          take_acks(buf, static_cast<std::size_t>(n));
        } else if (n == 0) {
          break;
        }
      }
      pool.Reap(0);
      pending.clear();  // a torn ack cannot happen (8-byte writes are atomic), but drop it anyway
      retry.insert(retry.end(), held.begin(), held.end());
      held.clear();
      REQUIRE(pool.Spawn(0).ok());
      continue;
    }
    pollfd p{pool.ResultFd(0), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 10000) == 1);
    char buf[4096];
    ssize_t n = ::read(pool.ResultFd(0), buf, sizeof buf);
    REQUIRE(n > 0);
    take_acks(buf, static_cast<std::size_t>(n));
  }
  CHECK(kills > 10);
  for (std::uint64_t id = 1; id <= kJobs; ++id) {
    if (acked[id] != 1) FAIL("job " << id << " acknowledged " << acked[id] << " times");
  }
  pool.CloseDoorbells();
}

}  // namespace
}  // namespace forage
