#include "output/output_placement.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/errno_status.h"

namespace forage {

OutputPlacement::OutputPlacement(const std::string& path, bool append, const std::string& adopt)
    : path_(path), write_path_(path) {
  if (!adopt.empty()) {
    write_path_ = adopt;
    temporary_ = true;
    return;
  }
  if (path.empty() || path == "-" || append) return;
  // Only a regular file (or one still to be made) can be swapped: a device
  // or a FIFO (/dev/stdout, a named pipe) is written in place.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return;
  std::size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  write_path_ = dir + "." + name + ".forage-" + std::to_string(::getpid()) + ".tmp";
  temporary_ = true;
}

OutputPlacement::~OutputPlacement() {
  if (temporary_ && !keep_) ::unlink(write_path_.c_str());
}

Status OutputPlacement::Commit() {
  if (!temporary_) return {};
  if (std::rename(write_path_.c_str(), path_.c_str()) != 0) {
    return ErrnoStatus("cannot move the output into place at " + path_, errno);
  }
  temporary_ = false;
  return {};
}

}  // namespace forage
