#include "core/errno_status.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace forage {

Status ErrnoStatus(std::string_view what, int err) {
  std::string message = what.empty() ? std::string() : std::string(what) + ": ";
  message += std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Status::NotFound(std::move(message));
    case EISDIR:
      return Status::InvalidArgument(std::move(message));
    case ENOMEM:
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case EAGAIN:  // fork(2) out of processes; a lock's EWOULDBLOCK is handled where it is asked
      return Status::ResourceExhausted(std::move(message));
    default:
      // Disk full, quota, access denied, a closed pipe, EIO: the world
      // refused the read or write.
      return Status::IOError(std::move(message));
  }
}

}  // namespace forage
