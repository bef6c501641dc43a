#pragma once

// Helpers for the big-parse token tests: a process that holds an flock, and
// a look at which open file descriptions processes hold.

#include <fcntl.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/fd.h"

namespace forage::test {

// A child process that holds an flock on the file at `path`, opened on a
// description of its own, from its construction (which waits until it holds
// it) until it is killed. The destructor kills and reaps it if the test did
// not, so that a failed test leaves no holder behind.
class LockHolder {
 public:
  explicit LockHolder(const std::string& path) {
    auto ready = MakePipe();
    REQUIRE(ready.ok());
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      // Only system calls here.
      int own = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
      if (own < 0 || ::flock(own, LOCK_EX | LOCK_NB) != 0) ::_exit(1);
      char byte = 1;
      if (::write(ready.value().write.get(), &byte, 1) != 1) ::_exit(1);
      for (;;) ::pause();
    }
    ready.value().write.Reset();
    pollfd p{ready.value().read.get(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 10000) == 1);
    char byte = 0;
    REQUIRE(::read(ready.value().read.get(), &byte, 1) == 1);  // EOF: it could not lock
  }
  ~LockHolder() {
    if (pid_ > 0) Kill();
  }
  LockHolder(const LockHolder&) = delete;
  LockHolder& operator=(const LockHolder&) = delete;

  // SIGKILL, then reaped: its lock is gone when this returns.
  void Kill() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// The descriptors of process `pid` whose /proc link starts with `target`,
// e.g. "/memfd:forage-big-parse".
inline std::vector<int> FdsNaming(pid_t pid, const std::string& target) {
  std::vector<int> out;
  std::error_code ec;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string link = std::filesystem::read_symlink(e.path(), ec).string();
    if (!ec && link.rfind(target, 0) == 0) out.push_back(std::atoi(e.path().filename().c_str()));
  }
  return out;
}

// Whether fd `fa` of process `a` and fd `fb` of process `b` are the same open
// file description (kcmp(2)); nullopt where kcmp is not available.
inline std::optional<bool> SameDescription(pid_t a, int fa, pid_t b, int fb) {
  long r = ::syscall(SYS_kcmp, a, b, KCMP_FILE, fa, fb);
  if (r < 0) return std::nullopt;
  return r == 0;
}

}  // namespace forage::test
