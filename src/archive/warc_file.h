#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/fd.h"
#include "forage/status.h"

namespace forage {

// A WARC file being written: a series of gzip members (RFC 1952), one WARC
// record each, so that a reader can seek to any record (WARC 1.1, annex D).
//
// Each member's header carries an extra field (FEXTRA) with one subfield,
// "FL", holding the member's whole length in 8 bytes, little-endian. Readers
// skip extra fields they do not know; forage's repair (warc_repair.h) walks
// a file from one member to the next by it, without inflating anything, and
// cuts a torn last member off.
//
// Members are compressed as they are given and written at the file's end
// with pwrite; nothing is written outside the member in progress, so a
// failed write (a full disk) is undone by cutting the file back to where the
// member, or the group of members of one exchange, began (Truncate).
class WarcFile {
 public:
  ~WarcFile();
  WarcFile(const WarcFile&) = delete;
  WarcFile& operator=(const WarcFile&) = delete;

  // Creates `path`, which must not exist (O_EXCL). When it does, *exists
  // is set (and the Status fails), so that a writer can try the next name.
  static Result<std::unique_ptr<WarcFile>> Create(const std::string& path, bool* exists);

  bool is_open() const { return fd_.get() >= 0; }
  const std::string& path() const { return path_; }
  // The file's length: the end of the last whole member.
  std::uint64_t size() const { return size_; }

  // One member: Begin, then Add the record's bytes in order, then End.
  void Begin();
  void Add(std::string_view bytes);
  Status End();

  // Cuts the file back to `length` (a member boundary), for a failed write.
  Status Truncate(std::uint64_t length);
  // fdatasync, then close.
  Status Close();

 private:
  WarcFile() = default;
  void Fail(Status status);
  void Deflate(int flush);
  void Flush();

  UniqueFd fd_;
  std::string path_;
  std::uint64_t size_ = 0;      // whole members
  std::uint64_t member_ = 0;    // where the member in progress starts
  std::uint64_t written_ = 0;   // bytes of it already written to the file
  std::string out_;             // compressed bytes not yet written
  bool in_member_ = false;
  bool failed_ = false;  // a write of the member failed: End reports it
  Status failure_;
  z_stream z_{};
  bool z_ready_ = false;
  unsigned long crc_ = 0;
  std::uint64_t in_bytes_ = 0;  // uncompressed bytes of the member
};

// The subfield id and the header length of forage's members.
inline constexpr char kMemberLengthId[2] = {'F', 'L'};
inline constexpr std::size_t kMemberHeaderBytes = 10 + 2 + 4 + 8;

}  // namespace forage
