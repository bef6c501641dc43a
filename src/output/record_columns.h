#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "forage/record.h"
#include "output/sink.h"

namespace forage {

// The tabular form of a record, the one layout the CSV and SQLite sinks
// share: the JSON fields in their documented order, "error" split into
// error_kind and error_message, "text" only with SinkOptions::with_text,
// links, fields and truncated as JSON text, fetched_at as RFC 3339.
struct RecordColumn {
  const char* name;
  const char* sql_type;  // "TEXT" or "INTEGER"
};
std::vector<RecordColumn> RecordColumns(const SinkOptions& options);

// One cell: null, text, an integer or a boolean. (A plain struct, not a
// std::variant: GCC 12 warns falsely on variants holding strings.)
struct RecordCell {
  enum class Kind { kNull, kText, kInteger, kBool } kind = Kind::kNull;
  std::string text;
  std::int64_t number = 0;  // kInteger, and kBool as 0 or 1
};
// One cell per column of RecordColumns(options), in order.
std::vector<RecordCell> RecordCells(const Record& record, const SinkOptions& options);

}  // namespace forage
