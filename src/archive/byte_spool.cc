#include "archive/byte_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "core/errno_status.h"

namespace forage {

namespace {

UniqueFd OpenTemporary() {
  const char* dir = std::getenv("TMPDIR");
  if (!dir || !*dir) dir = "/tmp";
  return UniqueFd(::open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
}

}  // namespace

bool ByteSpool::WriteFile(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(file_.get(), bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      failure_ = ErrnoStatus("write a temporary file for a WARC record", errno);
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool ByteSpool::Append(std::string_view bytes) {
  if (!failure_.ok()) return false;
  if (!file_ && memory_.size() + bytes.size() <= memory_limit_) {
    memory_.append(bytes);
    size_ += bytes.size();
    return true;
  }
  if (!file_) {
    file_ = OpenTemporary();
    if (!file_) {
      failure_ = ErrnoStatus("temporary file for a WARC record", errno);
      return false;
    }
    const std::string kept = std::move(memory_);
    memory_.clear();
    memory_.shrink_to_fit();
    if (!WriteFile(kept)) return false;
  }
  if (!WriteFile(bytes)) return false;
  size_ += bytes.size();
  return true;
}

void ByteSpool::Clear() {
  memory_.clear();
  file_.Reset();
  size_ = 0;
  failure_ = Status();
}

Status ByteSpool::ForEach(const std::function<void(std::string_view)>& each) const {
  if (!failure_.ok()) return failure_;
  if (!file_) {
    if (!memory_.empty()) each(memory_);
    return {};
  }
  char buffer[256 * 1024];
  std::uint64_t offset = 0;
  while (offset < size_) {
    ssize_t n = ::pread(file_.get(), buffer, sizeof buffer, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read a temporary file for a WARC record", errno);
    }
    if (n == 0) return Status::IOError("a temporary file for a WARC record was cut short");
    each(std::string_view(buffer, static_cast<std::size_t>(n)));
    offset += static_cast<std::uint64_t>(n);
  }
  return {};
}

}  // namespace forage
