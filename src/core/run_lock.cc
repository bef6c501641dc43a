#include "core/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace forage {

RunLock::Outcome RunLock::Acquire(const std::string& path, RunLock* lock, std::string* message) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) {
    *message = "--lock " + path + ": " + std::strerror(errno);
    return Outcome::kError;
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      *message = "--lock " + path + ": " + std::strerror(errno);
      return Outcome::kError;
    }
    char pid[32] = {};
    ssize_t n = ::pread(fd.get(), pid, sizeof pid - 1, 0);
    std::string holder = n > 0 ? std::string(pid, static_cast<std::size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    *message = "another run holds the lock " + path +
               (holder.empty() ? std::string() : " (pid " + holder + ")");
    return Outcome::kBusy;
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), pid.data(), pid.size(), 0) < 0) {
    // The lock holds all the same; only the courtesy of naming us is lost.
  }
  lock->fd_ = std::move(fd);
  return Outcome::kAcquired;
}

}  // namespace forage
