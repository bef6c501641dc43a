#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "forage/record.h"
#include "forage/status.h"
#include "output/sink.h"

namespace forage {

// The CSV header's column names, in order: the record's JSON keys, with
// "error" split in two:
//   url, final_url, ok, status, depth, parent, content_type, bytes, elapsed_ms,
//   title, description, links, fields, [text if options.with_text],
//   error_kind, error_message, fetched_at
std::vector<std::string> CsvColumns(const SinkOptions& options);

// One CSV cell as written: `value` (invalid UTF-8 replaced by U+FFFD) quoted
// when it holds a comma, a double quote, CR or LF, or starts or ends with a
// space or tab, with each double quote doubled; and an empty string quoted
// ("") so that it differs from an absent value (an empty cell). A value a
// spreadsheet would run as a formula (starting with =, +, -, @, tab or CR,
// and not a plain decimal number such as -5 or +3.25) gets a ' in front and
// is always quoted, as OWASP advises against CSV injection: '=1+1 shows as
// text, and a program reading the CSV strips the one ' back off.
std::string CsvCell(std::string_view value);

// Writes records as CSV (RFC 4180) to a file or standard output: a header
// row first (at Open), then one row per record as soon as it completes, in
// one write, rows ending in CRLF. Encoded as UTF-8 without a byte-order mark.
//
// Cells: an absent value (JSON null) is an empty cell, while an empty string
// is "" (as PostgreSQL's CSV reads it); ok is true/false; numbers are plain
// decimal; error_kind and error_message are empty for a record without an
// error; fetched_at is RFC 3339. `links` and `fields` hold their JSON text
// (["https://a/","https://b/"], {"name":["v1","v2"]}): lossless and parseable
// by any JSON library, whereas a list joined with some separator could not
// tell a separator from the same character inside a value.
class CsvSink final : public RecordSink {
 public:
  // "-" or "" is standard output (not closed); otherwise the file is created
  // or truncated with mode 0644. Writes the header. Fails with "PATH: reason".
  static Result<CsvSink> Open(const std::string& path, const SinkOptions& options = {});

  CsvSink(CsvSink&&) noexcept = default;
  CsvSink& operator=(CsvSink&&) noexcept = default;
  ~CsvSink() override;

  Status Write(const Record& record) override;
  Result<std::int64_t> Checkpoint() override { return out_.Position(); }
  Status Close() override;

 private:
  CsvSink(OutputFile out, const SinkOptions& options) : out_(std::move(out)), options_(options) {}
  OutputFile out_;
  SinkOptions options_;
};

}  // namespace forage
