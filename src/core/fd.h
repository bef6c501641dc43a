#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string_view>
#include <utility>

#include "forage/status.h"

namespace forage {

// Owns one file descriptor and closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(other.Release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }
  int Release() { return std::exchange(fd_, -1); }
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

// Both ends of a pipe, created with O_CLOEXEC.
struct Pipe {
  UniqueFd read;
  UniqueFd write;
};
[[nodiscard]] Result<Pipe> MakePipe();

Status SetNonBlocking(int fd, bool on);

// Writes all of `data`, retrying on EINTR and partial writes. For blocking
// descriptors; on a non-blocking one EAGAIN is reported as an error. When
// `written` is given it gets the bytes written, all of them or, on failure,
// those that went before it.
Status WriteAll(int fd, std::string_view data, std::size_t* written = nullptr);

// One read(2) retried on EINTR. Returns bytes read, 0 at EOF, -1 with errno
// set (EAGAIN on an empty non-blocking descriptor).
ssize_t ReadSome(int fd, char* buffer, std::size_t size);

}  // namespace forage
