#include "archive/save_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <vector>

#include "core/errno_status.h"

namespace forage {
namespace {

constexpr std::size_t kCompareChunk = 64 * 1024;

// Whether the regular file `name` in `dir` holds exactly `body`. Anything
// else there (nothing, a link, a directory, a FIFO) is "no": the rename
// replaces it, or fails on a directory.
bool HoldsExactly(int dir, const char* name, std::string_view body) {
  struct stat st;
  if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<std::uint64_t>(st.st_size) != body.size()) {
    return false;
  }
  UniqueFd fd(::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return false;
  std::vector<char> buffer(std::min(kCompareChunk, body.size() + 1));
  std::size_t done = 0;
  for (;;) {
    const ssize_t n = ReadSome(fd.get(), buffer.data(), buffer.size());
    if (n < 0) return false;
    if (n == 0) return done == body.size();
    const auto got = static_cast<std::size_t>(n);
    if (got > body.size() - done ||
        body.compare(done, got, std::string_view(buffer.data(), got)) != 0) {
      return false;
    }
    done += got;
  }
}

}  // namespace

Result<SaveDirectory> SaveDirectory::Open(std::string path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) return ErrnoStatus("--save " + path, error.value());
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("--save " + path, errno);
  return SaveDirectory(std::move(path), std::move(fd));
}

std::string SaveDirectory::Join(std::string_view relpath) const {
  std::string out = path_;
  if (!out.empty() && out.back() != '/') out.push_back('/');
  out.append(relpath);
  return out;
}

Result<SaveDirectory::Outcome> SaveDirectory::Save(std::string_view relpath,
                                                   std::string_view body) {
  const std::string target = Join(relpath);
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t slash = relpath.find('/', start);
    parts.emplace_back(relpath.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  for (const std::string& part : parts) {
    if (part.empty() || part == "." || part == ".." || part.find('\0') != std::string::npos) {
      return Status::InvalidArgument("cannot save " + target + ": not a relative file path");
    }
  }
  // Down the directories, each opened without following a link.
  int dir = fd_.get();
  UniqueFd held;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const char* name = parts[i].c_str();
    if (::mkdirat(dir, name, 0777) != 0 && errno != EEXIST) {
      return ErrnoStatus("cannot save " + target, errno);
    }
    UniqueFd next(::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) {
      const int err = errno;
      if (err == ELOOP || err == ENOTDIR) {
        return Status::IOError("cannot save " + target + ": " + parts[i] +
                               " is a symbolic link or not a directory");
      }
      return ErrnoStatus("cannot save " + target, err);
    }
    held = std::move(next);
    dir = held.get();
  }
  const char* leaf = parts.back().c_str();
  if (HoldsExactly(dir, leaf, body)) return Outcome::kUnchanged;

  const std::string temp =
      ".%tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++temp_count_);
  UniqueFd out(
      ::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
  if (!out) return ErrnoStatus("cannot save " + target, errno);
  Status written = WriteAll(out.get(), body);
  if (written.ok() && ::close(out.Release()) != 0) written = ErrnoStatus("", errno);
  if (written.ok() && ::renameat(dir, temp.c_str(), dir, leaf) != 0) {
    written = ErrnoStatus("", errno);
  }
  if (!written.ok()) {
    (void)::unlinkat(dir, temp.c_str(), 0);
    return written.Prefixed("cannot save " + target);
  }
  return Outcome::kWritten;
}

}  // namespace forage
