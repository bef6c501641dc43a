#pragma once

#include <string>

#include "core/fd.h"
#include "forage/record.h"
#include "forage/status.h"

namespace forage {

// The record as one line of JSON (no newline), fields in the documented
// order. Invalid UTF-8 in any string becomes U+FFFD, so the line is always
// valid JSON.
std::string RecordToJson(const Record& record);

// Writes records as JSON Lines to a file or standard output, each line as
// soon as its record completes (one write per record), so a consumer sees
// records as they happen and a killed run keeps everything already written.
class JsonlSink {
 public:
  // "-" or "" is standard output (not closed); otherwise the file is created
  // or truncated with mode 0644.
  static Result<JsonlSink> Open(const std::string& path);
  Status Write(const Record& record);

 private:
  JsonlSink(UniqueFd owned, int fd) : owned_(std::move(owned)), fd_(fd) {}
  UniqueFd owned_;
  int fd_;
};

}  // namespace forage
