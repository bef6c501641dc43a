// Choosing and opening a record sink, and the file output the jsonl and csv
// sinks share.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/errno_status.h"
#include "output/csv_sink.h"
#include "output/jsonl_sink.h"
#include "output/sink.h"
#include "output/sqlite_sink.h"

namespace forage {
namespace {

constexpr char kStdoutName[] = "standard output";
constexpr char kSqliteNeedsFile[] = "sqlite output needs a file (-o PATH)";

bool IsStdout(std::string_view path) { return path.empty() || path == "-"; }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The extension of the last path component, without its dot, lower-cased;
// "" when there is none.
std::string Extension(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "";
  return AsciiLower(name.substr(dot + 1));
}

// Moves a concrete sink out of its Result into a RecordSink pointer.
template <typename Sink>
Result<std::unique_ptr<RecordSink>> Boxed(Result<Sink> sink) {
  if (!sink.ok()) return sink.status();
  return std::unique_ptr<RecordSink>(std::make_unique<Sink>(std::move(sink).value()));
}

}  // namespace

Result<OutputFormat> ChooseFormat(std::string_view format_flag, std::string_view path) {
  OutputFormat format = OutputFormat::kJsonl;
  if (!format_flag.empty()) {
    if (format_flag == "jsonl") {
      format = OutputFormat::kJsonl;
    } else if (format_flag == "csv") {
      format = OutputFormat::kCsv;
    } else if (format_flag == "sqlite") {
      format = OutputFormat::kSqlite;
    } else {
      return Status::InvalidArgument("unknown output format \"" + std::string(format_flag) +
                                     "\" (expected jsonl, csv or sqlite)");
    }
  } else if (!IsStdout(path)) {
    std::string ext = Extension(path);
    if (ext == "csv") {
      format = OutputFormat::kCsv;
    } else if (ext == "sqlite" || ext == "sqlite3" || ext == "db") {
      format = OutputFormat::kSqlite;
    }
  }
  if (format == OutputFormat::kSqlite && IsStdout(path)) {
    return Status::InvalidArgument(kSqliteNeedsFile);
  }
  return format;
}

Result<std::unique_ptr<RecordSink>> OpenSink(OutputFormat format, const std::string& path,
                                             const SinkOptions& options) {
  switch (format) {
    case OutputFormat::kJsonl:
      return Boxed(JsonlSink::Open(path, options));
    case OutputFormat::kCsv:
      if (options.append) {
        return Status::InvalidArgument("--append works with jsonl and sqlite output");
      }
      return Boxed(CsvSink::Open(path, options));
    case OutputFormat::kSqlite: {
      if (IsStdout(path)) return Status::InvalidArgument(kSqliteNeedsFile);
      Result<std::unique_ptr<SqliteSink>> sink = SqliteSink::Open(path, options);
      if (!sink.ok()) return sink.status();
      return std::unique_ptr<RecordSink>(std::move(sink).value());
    }
  }
  return Status::InvalidArgument("unknown output format");
}

std::string_view FormatName(OutputFormat format) {
  switch (format) {
    case OutputFormat::kJsonl:
      return "jsonl";
    case OutputFormat::kCsv:
      return "csv";
    case OutputFormat::kSqlite:
      return "sqlite";
  }
  return "jsonl";
}

Result<std::int64_t> OutputFile::Position() const {
  if (fd_ < 0) return Status::InvalidArgument(where_ + ": closed");
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::NotSupported(where_ + ": not a regular file");
  }
  // Records are written whole, at the end (appending) or one after another
  // from the start (truncated): the size is where writing stands.
  return static_cast<std::int64_t>(st.st_size);
}

Result<bool> OutputFile::EndLastLine() {
  if (fd_ < 0) return Status::InvalidArgument(where_ + ": closed");
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return false;
  // The descriptor is write-only: the last byte is read through another.
  UniqueFd reader(::open(("/proc/self/fd/" + std::to_string(fd_)).c_str(), O_RDONLY | O_CLOEXEC));
  if (!reader) return ErrnoStatus(where_ + ": cannot read its end", errno);
  char last = 0;
  if (::pread(reader.get(), &last, 1, st.st_size - 1) != 1) {
    return ErrnoStatus(where_ + ": cannot read its end", errno);
  }
  if (last == '\n') return false;
  if (Status written = Write("\n"); !written.ok()) return written;
  return true;
}

Result<OutputFile> OutputFile::Open(const std::string& path, bool append) {
  if (IsStdout(path)) return OutputFile(UniqueFd(), STDOUT_FILENO, kStdoutName);
  const int mode = append ? O_APPEND : O_TRUNC;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | mode | O_CLOEXEC, 0644));
  if (!fd) return ErrnoStatus(path, errno);
  int raw = fd.get();
  return OutputFile(std::move(fd), raw, path);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : owned_(std::move(other.owned_)),
      fd_(std::exchange(other.fd_, -1)),
      where_(std::move(other.where_)) {}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    owned_ = std::move(other.owned_);
    fd_ = std::exchange(other.fd_, -1);
    where_ = std::move(other.where_);
  }
  return *this;
}

Status OutputFile::Write(std::string_view data) {
  if (fd_ < 0) return Status::InvalidArgument(where_ + ": write after close");
  std::size_t written = 0;
  if (Status st = WriteAll(fd_, data, &written); !st.ok()) {
    if (written > 0) CutTornRecord(written);
    return st.Prefixed(where_ + ": write");
  }
  return {};
}

// A disk that fills up (ENOSPC, EFBIG) takes part of a record: the part goes
// again, so that what the file holds stays whole records, line by line. Only
// a regular file can be cut; a pipe or a device keeps what it was given.
void OutputFile::CutTornRecord(std::size_t torn) {
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return;
  const off_t end = ::lseek(fd_, 0, SEEK_CUR);
  if (end < static_cast<off_t>(torn)) return;
  const off_t whole = end - static_cast<off_t>(torn);
  if (::ftruncate(fd_, whole) == 0) (void)::lseek(fd_, whole, SEEK_SET);
}

Status OutputFile::Close() {
  if (fd_ < 0) return {};
  fd_ = -1;
  if (!owned_) return {};  // standard output stays open
  // close(2) can report a deferred write error (NFS, quota); it must not be
  // retried on EINTR on Linux.
  if (::close(owned_.Release()) != 0 && errno != EINTR) {
    return ErrnoStatus(where_ + ": close", errno);
  }
  return {};
}

}  // namespace forage
