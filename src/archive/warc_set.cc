#include "archive/warc_set.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "archive/cdxj.h"
#include "core/errno_status.h"
#include "core/fd.h"

#include <zlib.h>

#include <nlohmann/json.hpp>

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

// Removes `file` and its index (and an index's temporary a writer killed left).
Status RemoveWithIndex(const std::string& file) {
  if (::unlink(file.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("remove " + file, errno);
  const std::string index = CdxjPathFor(file);
  for (const std::string& name : {index, index + ".tmp"}) {
    if (::unlink(name.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("remove " + name, errno);
  }
  return {};
}

}  // namespace

// The first `limit` bytes of the record in the gzip member at `at`
// (reading at most 4 KiB of it); "" if it cannot be read.
static std::string MemberStart(int fd, std::uint64_t at, std::size_t limit) {
  char in[4096];
  ssize_t n = ::pread(fd, in, sizeof in, static_cast<off_t>(at));
  if (n <= 0) return "";
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return "";
  std::string out(limit, '\0');
  z.next_in = reinterpret_cast<Bytef*>(in);
  z.avail_in = static_cast<uInt>(n);
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(limit);
  (void)inflate(&z, Z_SYNC_FLUSH);
  out.resize(limit - z.avail_out);
  inflateEnd(&z);
  return out;
}

// Whether the member at `at` holds a request record (forage writes the
// record's type first).
static bool MemberIsRequest(int fd, std::uint64_t at) {
  return MemberStart(fd, at, 64).rfind("WARC/1.1\r\nWARC-Type: request\r\n", 0) == 0;
}

Result<WarcRepair> RepairWarcFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open " + path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("stat " + path, errno);
  WarcRepair repair;
  repair.size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t at = 0;
  std::uint64_t last = 0;  // where the last whole member starts
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
    last = at;
    at += length;
    ++repair.members;
  }
  // An exchange is written request first: a request whose response was
  // cut off must go too, or its WARC-Concurrent-To would name nothing.
  if (repair.members > 0 && MemberIsRequest(fd.get(), last)) {
    at = last;
    --repair.members;
  }
  repair.whole = at;
  if (repair.whole < repair.size) {
    fd.Reset();
    Status cut = Truncate(path, repair.whole);
    if (!cut.ok()) return cut;
  }
  return repair;
}

// The start of the first record of the file at `path` ("" if none).
static std::string FirstRecordStartOf(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  return fd ? MemberStart(fd.get(), 0, 2048) : "";
}

static std::string NewStateId() {
  std::string id = NewWarcRecordId();  // "<urn:uuid:...>": its UUID serves
  return id.substr(10, id.size() - 11);
}

Result<std::vector<std::string>> WarcLedger::Prepare(const std::optional<std::string>& stored,
                                                     bool with_state) {
  std::vector<std::string> said;
  earlier_.clear();
  state_id_.clear();
  if (with_state) {
    if (stored) {
      nlohmann::json j = nlohmann::json::parse(*stored, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("files") ||
          !j["files"].is_object()) {
        return Status::Corrupt("--warc: the state's record of the WARC set is damaged");
      }
      state_id_ = j["id"].get<std::string>();
      for (const auto& [serial, length] : j["files"].items()) {
        if (!length.is_number_unsigned()) {
          return Status::Corrupt("--warc: the state's record of the WARC set is damaged");
        }
        earlier_[static_cast<std::uint32_t>(std::stoul(serial))] = length.get<std::uint64_t>();
      }
    } else {
      state_id_ = NewStateId();
    }
  }
  const std::string dir = names_.directory().empty() ? "." : names_.directory();
  DIR* d = ::opendir(dir.c_str());
  if (!d) return ErrnoStatus("--warc " + path_ + ": directory " + dir, errno);
  std::vector<std::string> files;
  while (dirent* e = ::readdir(d)) {
    if (names_.SerialOf(e->d_name) >= 0) files.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  const std::string mark = "\r\nforage-state: " + state_id_ + "\r\n";
  for (const std::string& name : files) {
    const std::string file = names_.directory() + name;
    const auto serial = static_cast<std::uint32_t>(names_.SerialOf(name));
    std::uint64_t keep = 0;
    bool cut_to_commit = false;
    if (auto known = earlier_.find(serial); known != earlier_.end()) {
      keep = known->second;
      cut_to_commit = true;
    } else if (!state_id_.empty() && FirstRecordStartOf(file).find(mark) != std::string::npos) {
      cut_to_commit = true;  // begun after the state's last commit: none of it counts
    }
    if (cut_to_commit) {
      struct stat st {};
      if (::stat(file.c_str(), &st) != 0) return ErrnoStatus("stat " + file, errno);
      const auto size = static_cast<std::uint64_t>(st.st_size);
      if (size < keep) {
        return Status::Corrupt("--warc: " + file + " is shorter than the state committed (" +
                               std::to_string(size) + " < " + std::to_string(keep) + " bytes)");
      }
      if (keep == 0) {
        if (Status removed = RemoveWithIndex(file); !removed.ok()) return removed;
        earlier_.erase(serial);
        said.push_back("removed " + file + ", written after the state's last commit");
      } else if (size > keep) {
        if (Status cut = Truncate(file, keep); !cut.ok()) return cut;
        if (cdx_) {
          if (Status indexed = ReindexWarcFile(file); !indexed.ok()) return indexed;
        }
        said.push_back("cut " + file + " back to what the state committed (" +
                       std::to_string(size - keep) + " bytes off)");
      }
      continue;
    }
    Result<WarcRepair> repair = RepairWarcFile(file);
    if (!repair.ok()) return repair.status();
    if (repair.value().whole == 0) {
      if (Status removed = RemoveWithIndex(file); !removed.ok()) return removed;
      said.push_back("removed " + file + ", which held no whole WARC record");
    } else if (repair.value().whole < repair.value().size) {
      if (cdx_) {
        if (Status indexed = ReindexWarcFile(file); !indexed.ok()) return indexed;
      }
      said.push_back("cut " + file + " back to its last whole record (" +
                     std::to_string(repair.value().size - repair.value().whole) + " bytes off)");
    }
  }
  // A file the state names and the directory no longer has is gone for good.
  for (auto it = earlier_.begin(); it != earlier_.end();) {
    if (::access(names_.Name(it->first).c_str(), F_OK) != 0) {
      said.push_back(names_.Name(it->first) + ", of an earlier run, is gone");
      it = earlier_.erase(it);
    } else {
      ++it;
    }
  }
  return said;
}

std::string WarcLedger::Serialize() const {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [serial, length] : earlier_) files[std::to_string(serial)] = length;
  for (const auto& [serial, length] : committed_) {
    if (length > 0) files[std::to_string(serial)] = length;
  }
  return nlohmann::json{{"id", state_id_}, {"files", files}}.dump();
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
    if (Status removed = RemoveWithIndex(file); !removed.ok()) return removed;
    committed_.erase(serial);
    return {};
  }
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound(file + " is gone: its WARC records are lost");
    return ErrnoStatus("stat " + file, errno);
  }
  bool cut = false;
  if (static_cast<std::uint64_t>(st.st_size) > committed) {
    if (Status truncated = Truncate(file, committed); !truncated.ok()) return truncated;
    cut = true;
  }
  // The fetcher's index lists records cut off now, or it never wrote one.
  if (cdx_ && (cut || ::access(CdxjPathFor(file).c_str(), F_OK) != 0)) return ReindexWarcFile(file);
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
