#include "cli/standard_fds.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/errno_status.h"
#include "core/fd.h"

namespace forage {

Result<StandardFds> StandardFds::ReopenClosed() {
  StandardFds found;
  bool* closed[] = {&found.in_closed, &found.out_closed, &found.err_closed};
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    *closed[fd] = true;
    // Not O_CLOEXEC: these stand in for the standard descriptors, which the
    // fetcher program inherits like any other.
    int null = ::open("/dev/null", O_RDWR);
    if (null < 0) {
      return ErrnoStatus(
          "descriptor " + std::to_string(fd) + " is closed and /dev/null cannot be opened", errno);
    }
    // The lowest free number comes back, which is `fd` since the ones below
    // it are open by now; dup2 only in case.
    if (null != fd) {
      UniqueFd extra(null);
      if (::dup2(null, fd) < 0) {
        return ErrnoStatus("descriptor " + std::to_string(fd) + " is closed and cannot be reopened",
                           errno);
      }
    }
  }
  return found;
}

}  // namespace forage
