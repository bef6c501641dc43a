#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/fd.h"
#include "forage/record.h"
#include "forage/status.h"

namespace forage {

// The output formats of --format.
enum class OutputFormat { kJsonl, kCsv, kSqlite };

// What the sinks put in each record.
struct SinkOptions {
  // --text: records carry "text" (a JSON key, a CSV column, an SQL column);
  // without it there is no such key or column at all.
  bool with_text = false;
  // --keep-headers: records carry "headers", last, likewise.
  bool with_headers = false;
  // --save DIR: records carry "saved" (the saved file's path, or null),
  // after "headers", likewise.
  bool with_saved = false;
  // --append: add to an existing jsonl file (sqlite always appends to an
  // existing database); csv refuses, since its header cannot be repeated.
  bool append = false;
  // With --state: carry on in a file a killed run of forage left (see
  // RecoverOutput): jsonl and csv add to it, csv writing its header only if
  // the file is empty.
  bool resume = false;
};

// "jsonl", "csv" or "sqlite": the --format name.
std::string_view FormatName(OutputFormat format);

// Where records go: Open (OpenSink), then Write per record, then Close. Used
// by the master process only. Every message of a failed Status says what
// failed and where (the path, or "standard output"), so callers need not add
// the path again.
class RecordSink {
 public:
  virtual ~RecordSink() = default;

  // Writes one record now, never held until the end: jsonl and csv hand one
  // line/row per call to the OS (one write(2)); sqlite inserts a row and
  // commits in batches (see SqliteSink). A failure (disk full, EPIPE) is a
  // Status; a write after Close fails.
  virtual Status Write(const Record& record) = 0;

  // Makes every record written so far durable against the death of this
  // process and says where the output stands: jsonl and csv hand each record
  // to the OS at once, so this is the file's size in bytes; sqlite commits
  // its open batch and gives the last row id. A --state commits it with the
  // URLs done (RecoverOutput cuts a killed run's output back to it). Fails
  // for standard output or a stream.
  virtual Result<std::int64_t> Checkpoint() = 0;

  // Flushes and closes; idempotent (later calls return ok). Destruction also
  // closes, ignoring errors.
  virtual Status Close() = 0;
};

// The format for --format `format_flag` ("jsonl", "csv", "sqlite", exactly)
// when given (non-empty); else from the extension of `path`, ignoring ASCII
// case (.jsonl/.json/.ndjson -> jsonl, .csv -> csv, .sqlite/.sqlite3/.db ->
// sqlite); else jsonl. Fails for an unknown name (naming it), and for sqlite
// to standard output ("-" or ""): "sqlite output needs a file (-o PATH)".
Result<OutputFormat> ChooseFormat(std::string_view format_flag, std::string_view path);

// Opens the sink for `format` at `path`; "-" or "" is standard output (jsonl
// and csv only; it is never closed). jsonl and csv files are created or
// truncated (mode 0644); a sqlite file is created or appended to. Fails with a
// message naming the path.
Result<std::unique_ptr<RecordSink>> OpenSink(OutputFormat format, const std::string& path,
                                             const SinkOptions& options);

// The record as one line of JSON (no newline), keys in the documented order:
// url, final_url, ok, status, unchanged, depth, parent, content_type, bytes,
// elapsed_ms, title, description, links, fields, [text if options.with_text],
// error, fetched_at, truncated, sha256, [headers if options.with_headers].
// Record::body is never written. Absent values are null; "unchanged" is always
// a boolean; "fields" is an object of arrays ({} when empty); "error" is null
// or {"kind", "message"}; "fetched_at" is RFC 3339; "truncated" is an array
// of strings, always present ([] when nothing was cut).
// Invalid UTF-8 in any string becomes U+FFFD, so the line is always valid JSON.
std::string RecordToJson(const Record& record, const SinkOptions& options = {});

// For the sinks' own use: an output file descriptor, standard output or an
// owned file, written one whole buffer per call.
class OutputFile {
 public:
  // "-" or "" is standard output (not closed); otherwise `path` is created
  // with mode 0644, and truncated unless `append`. Fails with "PATH: reason".
  static Result<OutputFile> Open(const std::string& path, bool append = false);

  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() = default;  // UniqueFd closes an owned file

  // Writes all of `data` (one write(2) unless the kernel takes less); fails
  // with "WHERE: write: reason", or when closed. When a regular file takes
  // only part of `data` before failing (a full disk), that part is cut off
  // again: the file ends where the last whole write ended.
  Status Write(std::string_view data);
  // Where writing stands: the file's size (records are written whole, at its
  // end).
  // Fails for what is not a file (a pipe, a terminal), or when closed.
  Result<std::int64_t> Position() const;
  // For appending: when this is a regular file whose last byte is not a
  // newline (an earlier writer's torn record, or a file of another kind),
  // writes one, so that what follows starts a line of its own rather than
  // being glued onto that one. True if it did.
  Result<bool> EndLastLine();
  // Closes an owned file (reporting close(2) errors); idempotent.
  Status Close();
  // "standard output" or the path, for messages.
  const std::string& where() const { return where_; }
  bool closed() const { return fd_ < 0; }

 private:
  OutputFile(UniqueFd owned, int fd, std::string where)
      : owned_(std::move(owned)), fd_(fd), where_(std::move(where)) {}
  void CutTornRecord(std::size_t torn);
  UniqueFd owned_;
  int fd_ = -1;  // -1 once closed (or moved from)
  std::string where_;
};

}  // namespace forage
