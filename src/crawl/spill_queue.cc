#include "crawl/spill_queue.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "core/errno_status.h"

namespace forage {
namespace {

// An entry in the file: its body's length (u32), then the body: flags (u8),
// depth (i32), key (u64), the URL (u32 length, bytes), the parent and the scope root
// (each likewise, unless a flag says it is the previous entry's). Host byte
// order: the file never outlives the process that wrote it.
constexpr std::uint8_t kSameParent = 1;
constexpr std::uint8_t kSameRoot = 2;

void PutU32(std::string* out, std::uint32_t v) {
  char bytes[4];
  std::memcpy(bytes, &v, 4);
  out->append(bytes, 4);
}

void PutU64(std::string* out, std::uint64_t v) {
  char bytes[8];
  std::memcpy(bytes, &v, 8);
  out->append(bytes, 8);
}

void PutString(std::string* out, const std::string& s) {
  PutU32(out, static_cast<std::uint32_t>(s.size()));
  out->append(s);
}

// Reads from [*p, end); false when the body is shorter than it says.
bool GetU32(const char** p, const char* end, std::uint32_t* v) {
  if (end - *p < 4) return false;
  std::memcpy(v, *p, 4);
  *p += 4;
  return true;
}

bool GetU64(const char** p, const char* end, std::uint64_t* v) {
  if (end - *p < 8) return false;
  std::memcpy(v, *p, 8);
  *p += 8;
  return true;
}

bool GetString(const char** p, const char* end, std::string* s) {
  std::uint32_t n;
  if (!GetU32(p, end, &n) || static_cast<std::size_t>(end - *p) < n) return false;
  s->assign(*p, n);
  *p += n;
  return true;
}

}  // namespace

SpillQueue::SpillQueue(std::string dir) : dir_(std::move(dir)) {
  if (dir_.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    dir_ = tmp && *tmp ? tmp : "/tmp";
  }
}

Status SpillQueue::Fail(const std::string& what, int err) { return Fail(ErrnoStatus(what, err)); }

Status SpillQueue::Fail(const Status& why) {
  error_ = why.Prefixed("the temporary file in " + dir_ + " holding queued URLs");
  return error_;
}

Status SpillQueue::Open() {
  int fd = ::open(dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    // Some file systems refuse O_TMPFILE: a named file, unlinked at once.
    std::string path = dir_ + "/.forage-queue-XXXXXX";
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) return Fail("cannot create it", errno);
    ::unlink(path.c_str());
  }
  fd_.Reset(fd);
  return {};
}

Status SpillQueue::Push(const Entry& entry) {
  if (!error_.ok()) {
    // Kept in memory, where Pop finds it, if Pop can still read.
    if (readable_) Append(entry);
    return error_;
  }
  if (!fd_) {
    if (Status st = Open(); !st.ok()) {
      Append(entry);
      return st;
    }
  }
  const std::size_t body = 1 + 4 + 8 + 4 + entry.url.size() + 4 + entry.parent.size() + 4 +
                           entry.scope_root.size();
  if (body > std::numeric_limits<std::uint32_t>::max()) {
    return Status::InvalidArgument("a queued URL of " + std::to_string(entry.url.size()) +
                                   " bytes is too long to keep");
  }
  Append(entry);
  return write_buffer_.size() >= kBufferBytes ? Flush() : Status();
}

void SpillQueue::Append(const Entry& entry) {
  std::uint8_t flags = 0;
  if (entry.parent == last_parent_pushed_) flags |= kSameParent;
  if (entry.scope_root == last_root_pushed_) flags |= kSameRoot;
  const std::size_t body = 1 + 4 + 8 + 4 + entry.url.size() +
                           (flags & kSameParent ? 0 : 4 + entry.parent.size()) +
                           (flags & kSameRoot ? 0 : 4 + entry.scope_root.size());
  PutU32(&write_buffer_, static_cast<std::uint32_t>(body));
  write_buffer_.push_back(static_cast<char>(flags));
  PutU32(&write_buffer_, static_cast<std::uint32_t>(entry.depth));
  PutU64(&write_buffer_, entry.key);
  PutString(&write_buffer_, entry.url);
  if (!(flags & kSameParent)) {
    PutString(&write_buffer_, entry.parent);
    last_parent_pushed_ = entry.parent;
  }
  if (!(flags & kSameRoot)) {
    PutString(&write_buffer_, entry.scope_root);
    last_root_pushed_ = entry.scope_root;
  }
  ++count_;
}

Status SpillQueue::Flush() {
  const char* p = write_buffer_.data();
  std::size_t left = write_buffer_.size();
  std::uint64_t at = write_offset_;
  while (left > 0) {
    ssize_t n = ::pwrite(fd_.get(), p, left, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Fail("cannot write", n < 0 ? errno : EIO);
    p += n;
    left -= static_cast<std::size_t>(n);
    at += static_cast<std::uint64_t>(n);
  }
  write_offset_ = at;
  write_buffer_.clear();
  if (write_buffer_.capacity() > 4 * kBufferBytes) std::string().swap(write_buffer_);
  return {};
}

Status SpillQueue::Need(std::size_t n) {
  while (read_buffer_.size() - read_pos_ < n) {
    read_buffer_.erase(0, read_pos_);
    read_pos_ = 0;
    const std::size_t have = read_buffer_.size();
    if (read_offset_ < write_offset_) {
      const std::size_t want = static_cast<std::size_t>(
          std::min<std::uint64_t>(std::max(n - have, kBufferBytes), write_offset_ - read_offset_));
      read_buffer_.resize(have + want);
      std::size_t got = 0;
      while (got < want) {
        ssize_t r = ::pread(fd_.get(), read_buffer_.data() + have + got, want - got,
                            static_cast<off_t>(read_offset_ + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
          read_buffer_.resize(have);
          readable_ = false;
          return Fail("cannot read", r < 0 ? errno : EIO);
        }
        got += static_cast<std::size_t>(r);
      }
      read_offset_ += want;
      if (read_offset_ == write_offset_) {
        // Every byte in the file has been read: give the disk back, start over.
        // (Not after a failed write: the bytes past write_offset_ that it
        // left are never read, and writing is over.)
        if (error_.ok() && ::ftruncate(fd_.get(), 0) != 0) return Fail("cannot truncate", errno);
        if (error_.ok()) read_offset_ = write_offset_ = 0;
      }
    } else if (!write_buffer_.empty()) {
      // What follows the file's bytes never reached it: take it from memory.
      read_buffer_.append(write_buffer_);
      write_buffer_.clear();
    } else {
      readable_ = false;
      return Fail(Status::Corrupt("fewer bytes than queued URLs"));  // a bug; not worth a crash
    }
  }
  return {};
}

Status SpillQueue::Pop(Entry* entry) {
  if (!readable_) return error_;
  if (count_ == 0) return Status::NotFound("no URL is queued in the temporary file");
  if (Status st = Need(4); !st.ok()) return st;
  std::uint32_t body;
  std::memcpy(&body, read_buffer_.data() + read_pos_, 4);
  if (Status st = Need(4 + static_cast<std::size_t>(body)); !st.ok()) return st;
  const char* p = read_buffer_.data() + read_pos_ + 4;
  const char* end = p + body;
  std::uint32_t depth = 0;
  bool whole = end - p >= 1;
  const std::uint8_t flags = whole ? static_cast<std::uint8_t>(*p++) : 0;
  whole = whole && GetU32(&p, end, &depth) && GetU64(&p, end, &entry->key) &&
          GetString(&p, end, &entry->url);
  if (whole && !(flags & kSameParent)) whole = GetString(&p, end, &last_parent_popped_);
  if (whole && !(flags & kSameRoot)) whole = GetString(&p, end, &last_root_popped_);
  if (!whole || p != end) {
    readable_ = false;
    return Fail(Status::Corrupt("an entry is damaged"));
  }
  entry->depth = static_cast<int>(depth);
  entry->parent = last_parent_popped_;
  entry->scope_root = last_root_popped_;
  read_pos_ += 4 + body;
  --count_;
  // An entry longer than the buffer widened it; narrow it again.
  if (read_buffer_.capacity() > 4 * kBufferBytes &&
      read_buffer_.size() - read_pos_ <= kBufferBytes) {
    read_buffer_ = read_buffer_.substr(read_pos_);
    read_pos_ = 0;
  }
  return {};
}

}  // namespace forage
