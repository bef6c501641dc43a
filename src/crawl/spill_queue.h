#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/fd.h"
#include "forage/status.h"

namespace forage {

// A first-in, first-out queue of admitted URLs kept in an unlinked temporary
// file, for the part of a crawl's frontier that is not to be held in
// memory: a URL waiting here takes about 100 bytes of disk with a 75-byte
// URL (the links of one page share their parent's), against some 420 bytes
// of the master's memory as a Job. Memory stays flat whatever the length:
// one write buffer and one read buffer of kBufferBytes to twice that (an
// entry longer than that widens one for as long as it is in it).
//
// The file has no name (O_TMPFILE, or mkstemp and unlink where the file
// system refuses that), so nothing is left behind however the process ends.
// It is created by the first Push and cut back to nothing whenever every
// byte in it has been read. An I/O error (a full disk, EIO, a file size
// limit) is returned and sticks. A failed write (or open) loses nothing: its
// entries stay in memory, later Pushes keep theirs there too (still
// returning the error, and never writing again), and Pop goes on giving
// every entry, so that a run stopped by a full disk can still account for
// each URL. A failed read sticks for Pop as well. Master only; not
// thread-safe.
class SpillQueue {
 public:
  static constexpr std::size_t kBufferBytes = 64 * 1024;

  struct Entry {
    std::string url;
    int depth = 0;
    std::string parent;
    std::string scope_root;
    std::uint64_t key = 0;  // the URL's fingerprint
  };

  // The file goes in `dir`; empty: $TMPDIR, else /tmp.
  explicit SpillQueue(std::string dir = "");

  Status Push(const Entry& entry);
  // Takes the oldest entry into *entry (its strings' capacity is reused).
  // The queue must not be empty. Sees entries not yet written to the file.
  Status Pop(Entry* entry);

  const std::string& dir() const { return dir_; }
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  // Bytes in the file now, read or not (it is cut back once all are read).
  std::uint64_t disk_bytes() const { return write_offset_; }
  // Memory held by the two buffers.
  std::size_t buffer_bytes() const { return write_buffer_.capacity() + read_buffer_.capacity(); }
  // The first I/O error, if any.
  const Status& error() const { return error_; }

 private:
  Status Open();
  Status Flush();
  // Makes at least `n` unread bytes available in read_buffer_, from the
  // file first, then from write_buffer_ (which holds what follows it).
  Status Need(std::size_t n);
  // Records a failure in error_ and returns it, naming the file:
  // "what: strerror(err)" coded from errno, or `why` with its code.
  Status Fail(const std::string& what, int err);
  Status Fail(const Status& why);
  void Append(const Entry& entry);

  std::string dir_;
  UniqueFd fd_;
  std::string write_buffer_;        // encoded entries not yet in the file
  std::string read_buffer_;         // bytes taken out of the file (or write_buffer_)...
  std::size_t read_pos_ = 0;        // ... and how many of them are consumed
  std::uint64_t write_offset_ = 0;  // bytes in the file
  std::uint64_t read_offset_ = 0;   // of which read into read_buffer_
  std::size_t count_ = 0;
  // An entry's parent and scope root are mostly those of the entry before
  // it (the links of one page): then they are written as a flag only.
  std::string last_parent_pushed_, last_root_pushed_;
  std::string last_parent_popped_, last_root_popped_;
  Status error_;
  bool readable_ = true;  // false after an error Pop cannot get past
};

}  // namespace forage
