#include "archive/warc_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "core/errno_status.h"

namespace forage {

namespace {

// Compressed bytes are written once this many wait.
constexpr std::size_t kFlushBytes = 256 * 1024;
// Where the member's length sits in its header.
constexpr std::size_t kLengthAt = 16;

void PutLe(char* at, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) at[i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

Status WriteAll(int fd, std::string_view bytes, std::uint64_t offset, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write " + path, errno);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return {};
}

}  // namespace

WarcFile::~WarcFile() {
  if (z_ready_) deflateEnd(&z_);
}

Result<std::unique_ptr<WarcFile>> WarcFile::Create(const std::string& path, bool* exists) {
  *exists = false;
  std::unique_ptr<WarcFile> file(new WarcFile());
  file->fd_ = UniqueFd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!file->fd_) {
    const int err = errno;
    *exists = err == EEXIST;
    return ErrnoStatus("create " + path, err);
  }
  file->path_ = path;
  return file;
}

void WarcFile::Fail(Status status) {
  if (!failed_) failure_ = std::move(status);
  failed_ = true;
}

void WarcFile::Begin() {
  member_ = size_;
  written_ = 0;
  out_.clear();
  failed_ = false;
  failure_ = Status();
  in_member_ = true;
  crc_ = crc32(0L, Z_NULL, 0);
  in_bytes_ = 0;
  // gzip magic, deflate, FEXTRA, no time, no extra flags, OS unknown (255),
  // XLEN 12: subfield "FL" of 8 bytes, the member's length (set at End).
  static constexpr unsigned char kHeader[kMemberHeaderBytes] = {
      0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 255, 12, 0, 'F', 'L', 8, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  out_.append(reinterpret_cast<const char*>(kHeader), sizeof kHeader);
  if (!z_ready_) {
    // Raw deflate: the gzip header and trailer are written here.
    if (deflateInit2(&z_, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      Fail(Status::ResourceExhausted("deflateInit2 failed"));
      return;
    }
    z_ready_ = true;
  } else {
    deflateReset(&z_);
  }
}

void WarcFile::Deflate(int flush) {
  char buffer[64 * 1024];
  do {
    z_.next_out = reinterpret_cast<Bytef*>(buffer);
    z_.avail_out = sizeof buffer;
    const int rc = deflate(&z_, flush);
    if (rc == Z_STREAM_ERROR) {
      Fail(Status::IOError("deflate failed"));
      return;
    }
    out_.append(buffer, sizeof buffer - z_.avail_out);
  } while (z_.avail_out == 0 || (flush == Z_FINISH && z_.avail_in != 0));
}

void WarcFile::Add(std::string_view bytes) {
  if (failed_ || !in_member_) return;
  crc_ = crc32_z(crc_, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
  in_bytes_ += bytes.size();
  // avail_in is 32 bits: larger pieces go in parts.
  while (bytes.size() > 0) {
    const std::size_t part = std::min<std::size_t>(bytes.size(), 1u << 30);
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z_.avail_in = static_cast<uInt>(part);
    Deflate(Z_NO_FLUSH);
    bytes.remove_prefix(part);
  }
  if (out_.size() >= kFlushBytes) Flush();
}

void WarcFile::Flush() {
  if (failed_ || out_.empty()) return;
  Status written = WriteAll(fd_.get(), out_, member_ + written_, path_);
  if (!written.ok()) {
    Fail(std::move(written));
    return;
  }
  written_ += out_.size();
  out_.clear();
}

Status WarcFile::End() {
  if (!in_member_) return Status::InvalidArgument("WarcFile::End without Begin");
  in_member_ = false;
  if (!failed_) {
    z_.next_in = nullptr;
    z_.avail_in = 0;
    Deflate(Z_FINISH);
    char trailer[8];
    PutLe(trailer, crc_, 4);
    PutLe(trailer + 4, in_bytes_ & 0xffffffffu, 4);
    out_.append(trailer, sizeof trailer);
  }
  const std::uint64_t length = written_ + out_.size();
  if (!failed_) {
    if (written_ == 0) {
      PutLe(out_.data() + kLengthAt, length, 8);  // the header is still here
    } else {
      char field[8];
      PutLe(field, length, 8);
      Status patched = WriteAll(fd_.get(), std::string_view(field, 8), member_ + kLengthAt, path_);
      if (!patched.ok()) Fail(std::move(patched));
    }
  }
  Flush();
  out_.clear();
  if (failed_) {
    // Nothing of a member that failed stays: the file ends with a whole one.
    (void)Truncate(member_);
    return failure_;
  }
  size_ = member_ + length;
  return {};
}

Status WarcFile::Truncate(std::uint64_t length) {
  for (;;) {
    if (::ftruncate(fd_.get(), static_cast<off_t>(length)) == 0) break;
    if (errno == EINTR) continue;
    return ErrnoStatus("truncate " + path_, errno);
  }
  size_ = length;
  return {};
}

Status WarcFile::Close() {
  if (!fd_) return {};
  Status status;
  if (::fdatasync(fd_.get()) != 0) status = ErrnoStatus("fdatasync " + path_, errno);
  fd_.Reset();
  return status;
}

}  // namespace forage
