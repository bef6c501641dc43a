#pragma once

#include <map>
#include <string>
#include <vector>

#include "forage/record.h"
#include "forage/status.h"
#include "output/sink.h"

namespace forage {

// The JSON text of a record's "links" (an array of strings), as in its JSON
// line; invalid UTF-8 becomes U+FFFD. Shared by the csv and sqlite sinks.
std::string LinksToJsonText(const std::vector<std::string>& links);

// The JSON text of a record's "truncated" (an array of strings, [] when
// nothing was cut), as in its JSON line.
std::string TruncatedToJsonText(const std::vector<std::string>& truncated);
std::string HeadersToJsonText(const std::vector<std::pair<std::string, std::string>>& headers);

// The JSON text of a record's "fields" (an object of arrays of strings, {}
// when empty), as in its JSON line; invalid UTF-8 becomes U+FFFD.
std::string FieldsToJsonText(const std::map<std::string, std::vector<std::string>>& fields);

// Writes records as JSON Lines (RecordToJson plus "\n") to a file or standard
// output, each line as soon as its record completes, in one write, so a
// consumer sees records as they happen and a killed run keeps everything
// already written.
class JsonlSink final : public RecordSink {
 public:
  // "-" or "" is standard output (not closed); otherwise the file is created
  // or truncated with mode 0644. Fails with "PATH: reason".
  static Result<JsonlSink> Open(const std::string& path, const SinkOptions& options = {});

  JsonlSink(JsonlSink&&) noexcept = default;
  JsonlSink& operator=(JsonlSink&&) noexcept = default;
  ~JsonlSink() override;

  Status Write(const Record& record) override;
  Result<std::int64_t> Checkpoint() override { return out_.Position(); }
  Status Close() override;

 private:
  JsonlSink(OutputFile out, const SinkOptions& options) : out_(std::move(out)), options_(options) {}
  OutputFile out_;
  SinkOptions options_;
};

}  // namespace forage
