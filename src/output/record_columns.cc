#include "output/record_columns.h"

#include "core/time_format.h"
#include "output/jsonl_sink.h"

namespace forage {
namespace {

RecordCell Text(std::string value) {
  RecordCell cell;
  cell.kind = RecordCell::Kind::kText;
  cell.text = std::move(value);
  return cell;
}

RecordCell Text(const std::optional<std::string>& value) {
  return value ? Text(*value) : RecordCell{};
}

RecordCell Integer(std::int64_t value) {
  RecordCell cell;
  cell.kind = RecordCell::Kind::kInteger;
  cell.number = value;
  return cell;
}

RecordCell Integer(const std::optional<int>& value) {
  return value ? Integer(std::int64_t{*value}) : RecordCell{};
}

RecordCell Bool(bool value) {
  RecordCell cell;
  cell.kind = RecordCell::Kind::kBool;
  cell.number = value ? 1 : 0;
  return cell;
}

}  // namespace

std::vector<RecordColumn> RecordColumns(const SinkOptions& options) {
  std::vector<RecordColumn> columns = {
      {"url", "TEXT"},           {"final_url", "TEXT"},    {"ok", "INTEGER"},
      {"status", "INTEGER"},     {"unchanged", "INTEGER"}, {"depth", "INTEGER"},
      {"parent", "TEXT"},        {"content_type", "TEXT"}, {"bytes", "INTEGER"},
      {"elapsed_ms", "INTEGER"}, {"title", "TEXT"},        {"description", "TEXT"},
      {"links", "TEXT"},         {"fields", "TEXT"}};
  if (options.with_text) columns.push_back({"text", "TEXT"});
  columns.insert(columns.end(),
                 {{"error_kind", "TEXT"},
                  {"error_message", "TEXT"},
                  {"fetched_at", "TEXT"},
                  {"truncated", "TEXT"},
                  {"sha256", "TEXT"},
                  {"noindex", "INTEGER"},
                  {"canonical", "TEXT"}});
  if (options.with_headers) columns.push_back({"headers", "TEXT"});
  if (options.with_saved) columns.push_back({"saved", "TEXT"});
  return columns;
}

std::vector<RecordCell> RecordCells(const Record& r, const SinkOptions& options) {
  std::vector<RecordCell> cells;
  cells.reserve(23);
  cells.push_back(Text(r.url));
  cells.push_back(Text(r.final_url));
  cells.push_back(Bool(r.ok));
  cells.push_back(Integer(r.status));
  cells.push_back(Bool(r.unchanged));
  cells.push_back(Integer(std::int64_t{r.depth}));
  cells.push_back(Text(r.parent));
  cells.push_back(Text(r.content_type));
  cells.push_back(Integer(static_cast<std::int64_t>(r.bytes)));
  cells.push_back(Integer(static_cast<std::int64_t>(r.elapsed_ms)));
  cells.push_back(Text(r.title));
  cells.push_back(Text(r.description));
  cells.push_back(Text(LinksToJsonText(r.links)));
  cells.push_back(Text(FieldsToJsonText(r.fields)));
  if (options.with_text) cells.push_back(Text(r.text));
  if (r.error) {
    cells.push_back(Text(std::string(ErrorKindName(r.error->kind))));
    cells.push_back(Text(r.error->message));
  } else {
    cells.push_back(RecordCell{});
    cells.push_back(RecordCell{});
  }
  cells.push_back(r.fetched_at_ms ? Text(FormatRfc3339(*r.fetched_at_ms)) : RecordCell{});
  cells.push_back(Text(TruncatedToJsonText(r.truncated)));
  cells.push_back(Text(r.sha256));
  cells.push_back(Bool(r.noindex));
  cells.push_back(Text(r.canonical));
  if (options.with_headers) cells.push_back(Text(HeadersToJsonText(r.headers)));
  if (options.with_saved) cells.push_back(Text(r.saved));
  return cells;
}

}  // namespace forage
