#include "crawl/spill_queue.h"

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <deque>
#include <random>

#include "support/forage_run.h"

namespace forage {
namespace {

using Entry = SpillQueue::Entry;

// Sizes of the files this process holds open whose path is under `dir`: a
// queue's file shows as "DIR/#INODE (deleted)" (or its mkstemp name, deleted).
std::vector<off_t> OpenFilesIn(const std::string& dir) {
  std::vector<off_t> sizes;
  DIR* fds = ::opendir("/proc/self/fd");
  REQUIRE(fds);
  while (dirent* d = ::readdir(fds)) {
    std::string link = std::string("/proc/self/fd/") + d->d_name;
    char target[4096];
    ssize_t n = ::readlink(link.c_str(), target, sizeof target);
    if (n <= 0 || std::string(target, static_cast<std::size_t>(n)).rfind(dir + "/", 0) != 0) {
      continue;
    }
    struct stat st {};
    if (::stat(link.c_str(), &st) == 0 && S_ISREG(st.st_mode)) sizes.push_back(st.st_size);
  }
  ::closedir(fds);
  return sizes;
}

// The i-th entry of a made-up crawl: runs of links sharing a page, URLs of
// every length up to a few hundred bytes, the odd empty string.
Entry Made(std::size_t i) {
  Entry e;
  e.url = "https://www.site" + std::to_string(i % 97) + ".example/" +
          std::string(i * 7919 % 400, static_cast<char>('a' + i % 26)) + "/" + std::to_string(i);
  if (i % 1013 == 0) e.url.clear();
  e.depth = static_cast<int>(i % 5);
  const std::size_t page = i / 10;
  e.parent = page % 50 == 0 ? ""
                            : "https://www.site" + std::to_string(page % 97) + ".example/p/" +
                                  std::to_string(page);
  e.scope_root = i / 3000 % 2 ? "" : "www.site" + std::to_string(i / 3000) + ".example";
  e.key = i * 0x9e3779b97f4a7c15ull;
  return e;
}

void CheckSame(const Entry& got, const Entry& want) {
  REQUIRE(got.url == want.url);
  REQUIRE(got.depth == want.depth);
  REQUIRE(got.parent == want.parent);
  REQUIRE(got.scope_root == want.scope_root);
  REQUIRE(got.key == want.key);
}

TEST_CASE("SpillQueue keeps FIFO order over 200k entries, pushes and pops interleaved",
          "[spill_queue][heavy]") {
  test::TempDir dir;
  SpillQueue q(dir.path());
  CHECK(OpenFilesIn(dir.path()).empty());  // no file before the first push
  std::mt19937 rng(7);
  constexpr std::size_t kTotal = 200'000;
  std::size_t pushed = 0, popped = 0, most_on_disk = 0, most_buffered = 0;
  Entry got;
  while (popped < kTotal) {
    // Bursts of pushes and pops of random lengths: the queue grows to some
    // megabytes on disk, then drains.
    const std::size_t pushes = std::min<std::size_t>(rng() % 3000, kTotal - pushed);
    for (std::size_t k = 0; k < pushes; ++k) REQUIRE(q.Push(Made(pushed++)).ok());
    const std::size_t pops =
        std::min<std::size_t>(rng() % (pushed < kTotal ? 2500 : 3000), pushed - popped);
    for (std::size_t k = 0; k < pops; ++k) {
      REQUIRE(q.Pop(&got).ok());
      CheckSame(got, Made(popped++));
    }
    REQUIRE(q.size() == pushed - popped);
    CHECK(q.empty() == (pushed == popped));
    most_on_disk = std::max<std::size_t>(most_on_disk, q.disk_bytes());
    most_buffered = std::max(most_buffered, q.buffer_bytes());
  }
  CHECK(most_on_disk > 10 * SpillQueue::kBufferBytes);
  // Memory stays flat however much is queued.
  CHECK(most_buffered <= 6 * SpillQueue::kBufferBytes);
  CHECK(q.error().ok());
  // The file has no name.
  CHECK(test::ListDir(dir.path()).empty());
}

TEST_CASE("SpillQueue pops what is still in its write buffer", "[spill_queue]") {
  test::TempDir dir;
  SpillQueue q(dir.path());
  Entry e{"http://a.example/", 3, "http://a.example/p", "a.example", ~0ull};
  REQUIRE(q.Push(e).ok());
  CHECK(q.size() == 1);
  Entry got;
  REQUIRE(q.Pop(&got).ok());
  CheckSame(got, e);
  CHECK(q.empty());
  CHECK(q.disk_bytes() == 0);  // never needed the file
  // Empty strings survive; popping an empty queue is an error, not a crash.
  Entry blank{"", 0, "", "", 0};
  REQUIRE(q.Push(blank).ok());
  REQUIRE(q.Pop(&got).ok());
  CheckSame(got, blank);
  CHECK_FALSE(q.Pop(&got).ok());
}

TEST_CASE("SpillQueue entries straddle the buffer boundary at every offset", "[spill_queue]") {
  test::TempDir dir;
  SpillQueue q(dir.path());
  // URL lengths that shift each record by one byte against the 64 KiB flushes.
  std::deque<Entry> want;
  for (std::size_t i = 0; i < 3000; ++i) {
    Entry e{std::string(1 + i % 257, 'x') + std::to_string(i), static_cast<int>(i),
            i % 2 ? "p" + std::to_string(i) : "", "r"};
    REQUIRE(q.Push(e).ok());
    want.push_back(std::move(e));
    if (i % 7 == 0) {  // a pop now and then, so reads meet writes mid-file
      Entry got;
      REQUIRE(q.Pop(&got).ok());
      CheckSame(got, want.front());
      want.pop_front();
    }
  }
  Entry got;
  while (!want.empty()) {
    REQUIRE(q.Pop(&got).ok());
    CheckSame(got, want.front());
    want.pop_front();
  }
  CHECK(q.empty());
}

TEST_CASE("SpillQueue takes 100 KB URLs and narrows its buffers after them", "[spill_queue]") {
  test::TempDir dir;
  SpillQueue q(dir.path());
  std::vector<Entry> want;
  for (int i = 0; i < 40; ++i) {
    Entry e;
    e.url = i % 3 ? std::string(100'000 + static_cast<std::size_t>(i), static_cast<char>('a' + i))
                  : "short" + std::to_string(i);
    e.depth = i;
    e.parent = std::string(static_cast<std::size_t>(i) * 5000, 'p');
    e.scope_root = "root";
    REQUIRE(q.Push(e).ok());
    want.push_back(std::move(e));
  }
  CHECK(q.disk_bytes() > 3'000'000);
  Entry got;
  for (const Entry& e : want) {
    REQUIRE(q.Pop(&got).ok());
    CheckSame(got, e);
  }
  // Short entries after long ones: the buffers are back to their size.
  for (int i = 0; i < 1000; ++i) REQUIRE(q.Push(Made(static_cast<std::size_t>(i))).ok());
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(q.Pop(&got).ok());
    CheckSame(got, Made(static_cast<std::size_t>(i)));
  }
  CHECK(q.buffer_bytes() <= 6 * SpillQueue::kBufferBytes);
}

TEST_CASE("SpillQueue gives its disk back once everything in the file is read", "[spill_queue]") {
  test::TempDir dir;
  SpillQueue q(dir.path());
  for (std::size_t i = 0; i < 20'000; ++i) REQUIRE(q.Push(Made(i)).ok());
  REQUIRE(q.disk_bytes() > 0);
  std::vector<off_t> files = OpenFilesIn(dir.path());
  REQUIRE(files.size() == 1);
  CHECK(static_cast<std::uint64_t>(files[0]) == q.disk_bytes());
  CHECK(test::ListDir(dir.path()).empty());  // unlinked
  Entry got;
  for (std::size_t i = 0; i < 20'000; ++i) {
    REQUIRE(q.Pop(&got).ok());
    CheckSame(got, Made(i));
  }
  CHECK(q.empty());
  CHECK(q.disk_bytes() == 0);
  files = OpenFilesIn(dir.path());
  REQUIRE(files.size() == 1);
  CHECK(files[0] == 0);
  // And it is used again from its start.
  for (std::size_t i = 0; i < 5000; ++i) REQUIRE(q.Push(Made(i)).ok());
  for (std::size_t i = 0; i < 5000; ++i) {
    REQUIRE(q.Pop(&got).ok());
    CheckSame(got, Made(i));
  }
}

TEST_CASE("SpillQueue reports a directory it cannot use, and keeps the entries in memory",
          "[spill_queue]") {
  test::TempDir dir;
  SpillQueue q(dir.path() + "/missing");
  Status st = q.Push(Made(1));
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.message(), Catch::Contains(dir.path() + "/missing") &&
                               Catch::Contains("No such file or directory"));
  CHECK_FALSE(q.Push(Made(2)).ok());
  CHECK_FALSE(q.error().ok());
  // Nothing admitted is lost: a stopped run still gives each its record.
  REQUIRE(q.size() == 2);
  Entry got;
  REQUIRE(q.Pop(&got).ok());
  CheckSame(got, Made(1));
  REQUIRE(q.Pop(&got).ok());
  CheckSame(got, Made(2));
  CHECK(q.empty());
}

TEST_CASE("SpillQueue returns a write failure (file size limit) as an error and loses nothing",
          "[spill_queue]") {
  test::TempDir dir;
  // In a child, since the limit is the process's: SIGXFSZ ignored, a write
  // past 256 KiB fails with EFBIG, as a full disk fails with ENOSPC.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{256 * 1024, 256 * 1024};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(10);
    SpillQueue q(dir.path());
    Status st;
    std::size_t i = 0;
    while (st.ok() && i < 100'000) st = q.Push(Made(i++));
    if (st.ok()) ::_exit(11);  // never failed
    if (st.message().find("File too large") == std::string::npos) ::_exit(12);
    if (q.Push(Made(i)).ok()) ::_exit(13);  // the error sticks...
    ++i;
    // ... and every entry pushed, the failed write's and later ones, comes out.
    if (q.size() != i) ::_exit(14);
    SpillQueue::Entry got;
    for (std::size_t k = 0; k < i; ++k) {
      if (!q.Pop(&got).ok()) ::_exit(15);
      Entry want = Made(k);
      if (got.url != want.url || got.parent != want.parent || got.key != want.key ||
          got.depth != want.depth || got.scope_root != want.scope_root) {
        ::_exit(16);
      }
    }
    if (!q.empty()) ::_exit(17);
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace forage
