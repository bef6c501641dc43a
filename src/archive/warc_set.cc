#include "archive/warc_set.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/errno_status.h"
#include "core/fd.h"

namespace forage {

namespace {

std::uint64_t GetLe(const unsigned char* at, int bytes) {
  std::uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | at[i];
  return value;
}

Status Truncate(const std::string& path, std::uint64_t length) {
  for (;;) {
    if (::truncate(path.c_str(), static_cast<off_t>(length)) == 0) return {};
    if (errno == EINTR) continue;
    return ErrnoStatus("truncate " + path, errno);
  }
}

}  // namespace

Result<WarcRepair> RepairWarcFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open " + path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("stat " + path, errno);
  WarcRepair repair;
  repair.size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t at = 0;
  while (at < repair.size) {
    unsigned char header[kMemberHeaderBytes];
    ssize_t n = ::pread(fd.get(), header, sizeof header, static_cast<off_t>(at));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read " + path, errno);
    }
    // The bytes every forage member's header starts with (its length aside).
    static constexpr unsigned char kFixed[16] = {0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 255, 12, 0,
                                                 'F', 'L', 8, 0};
    const std::size_t got = static_cast<std::size_t>(n);
    bool ours = true;
    for (std::size_t i = 0; i < std::min<std::size_t>(got, sizeof kFixed); ++i) {
      // Bytes 4 to 9 (time, flags, OS) are not judged: another writer's are its own.
      if ((i < 4 || i >= 10) && header[i] != kFixed[i]) ours = false;
    }
    if (!ours) {
      repair.foreign = true;
      repair.whole = repair.size;
      return repair;
    }
    if (got < sizeof header) break;  // torn in its header
    const std::uint64_t length = GetLe(header + 16, 8);
    // 0 (or too short): its length was never set, the member never ended.
    if (length < kMemberHeaderBytes + 8 || length > repair.size - at) break;
    at += length;
    ++repair.members;
  }
  repair.whole = at;
  if (repair.whole < repair.size) {
    fd.Reset();
    Status cut = Truncate(path, repair.whole);
    if (!cut.ok()) return cut;
  }
  return repair;
}

Result<std::vector<std::string>> WarcLedger::Prepare() {
  std::vector<std::string> said;
  const std::string dir = names_.directory().empty() ? "." : names_.directory();
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    const int err = errno;
    if (err == ENOENT) return ErrnoStatus("--warc " + path_ + ": directory " + dir, err);
    return ErrnoStatus("--warc " + path_ + ": open directory " + dir, err);
  }
  std::vector<std::string> files;
  while (dirent* e = ::readdir(d)) {
    if (names_.SerialOf(e->d_name) >= 0) files.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  for (const std::string& name : files) {
    const std::string file = names_.directory() + name;
    Result<WarcRepair> repair = RepairWarcFile(file);
    if (!repair.ok()) return repair.status();
    if (repair.value().whole == 0) {
      if (::unlink(file.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("remove " + file, errno);
      said.push_back("removed " + file + ", which held no whole WARC record");
    } else if (repair.value().whole < repair.value().size) {
      said.push_back("cut " + file + " back to its last whole record (" +
                     std::to_string(repair.value().size - repair.value().whole) + " bytes off)");
    }
  }
  return said;
}

void WarcLedger::Opened(std::size_t slot, std::uint32_t serial) {
  open_[slot] = serial;
  committed_.emplace(serial, 0);
}

void WarcLedger::Taken(std::size_t slot, std::uint32_t serial, std::uint64_t end) {
  open_[slot] = serial;
  std::uint64_t& committed = committed_[serial];
  committed = std::max(committed, end);
}

Status WarcLedger::CutBack(std::uint32_t serial) {
  const std::string file = names_.Name(serial);
  const std::uint64_t committed = committed_[serial];
  if (committed == 0) {
    if (::unlink(file.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("remove " + file, errno);
    committed_.erase(serial);
    return {};
  }
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound(file + " is gone: its WARC records are lost");
    return ErrnoStatus("stat " + file, errno);
  }
  if (static_cast<std::uint64_t>(st.st_size) > committed) return Truncate(file, committed);
  return {};
}

Status WarcLedger::Gone(std::size_t slot) {
  auto it = open_.find(slot);
  if (it == open_.end()) return {};
  const std::uint32_t serial = it->second;
  open_.erase(it);
  return CutBack(serial);
}

Status WarcLedger::Finish() {
  open_.clear();
  Status first;
  std::vector<std::uint32_t> serials;
  for (const auto& entry : committed_) serials.push_back(entry.first);
  for (std::uint32_t serial : serials) {
    Status cut = CutBack(serial);
    if (first.ok() && !cut.ok()) first = cut;
  }
  return first;
}

}  // namespace forage
