#include "core/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "core/errno_status.h"

namespace forage {
namespace {

constexpr std::string_view kMark = "forage lock pid ";

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// The file's first line, up to 64 bytes: the lock's content is one short line.
std::string FirstLine(int fd, bool* longer) {
  char buf[65] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  std::string text = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  *longer = text.size() == sizeof buf;
  std::size_t end = text.find('\n');
  if (end != std::string::npos) {
    // Anything after the line is not ours either.
    *longer = *longer || end + 1 < text.size();
    text.resize(end);
  }
  return text;
}

}  // namespace

std::optional<std::string> RunLock::HolderOf(std::string_view content) {
  if (content.substr(0, kMark.size()) == kMark && AllDigits(content.substr(kMark.size()))) {
    return std::string(content.substr(kMark.size()));
  }
  // Earlier versions wrote the bare pid.
  if (AllDigits(content)) return std::string(content);
  return std::nullopt;
}

Result<RunLock> RunLock::Acquire(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) return ErrnoStatus("--lock " + path, errno);
  const bool locked = ::flock(fd.get(), LOCK_EX | LOCK_NB) == 0;
  if (!locked && errno != EWOULDBLOCK) return ErrnoStatus("--lock " + path, errno);
  // A file with something else in it is somebody's data named by mistake
  // (`--lock urls.txt urls.txt`): it is never truncated.
  bool longer = false;
  const std::string content = FirstLine(fd.get(), &longer);
  const std::optional<std::string> holder = longer ? std::nullopt : HolderOf(content);
  if (!holder && (longer || !content.empty())) {
    return Status::InvalidArgument(
        "--lock " + path +
        ": the file exists and is not a forage lock file; name a new or a lock file");
  }
  if (!locked) {
    return Status::Busy("another run holds the lock " + path +
                        (holder && !holder->empty() ? " (pid " + *holder + ")" : std::string()));
  }
  std::string mark = std::string(kMark) + std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), mark.data(), mark.size(), 0) < 0) {
    // The lock holds all the same; only the courtesy of naming us is lost.
  }
  RunLock lock;
  lock.fd_ = std::move(fd);
  return lock;
}

}  // namespace forage
