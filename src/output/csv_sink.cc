#include "output/csv_sink.h"

#include <optional>

#include "core/time_format.h"
#include "core/utf8.h"
#include "output/jsonl_sink.h"
#include "output/record_columns.h"

namespace forage {
namespace {

constexpr std::string_view kRowEnd = "\r\n";

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;  // "" is an empty string; an empty cell is null
  if (v.find_first_of(",\"\r\n") != std::string_view::npos) return true;
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  return blank(v.front()) || blank(v.back());
}

// A cell a spreadsheet would run as a formula (OWASP's "CSV injection"): it
// starts with =, +, -, @, a tab or a CR. A plain decimal number ("-5",
// "+3.25") cannot call anything and is left as it is.
bool StartsFormula(std::string_view v) {
  if (v.empty() || std::string_view("=+-@\t\r").find(v.front()) == std::string_view::npos) {
    return false;
  }
  std::string_view digits = v.substr(v.front() == '+' || v.front() == '-' ? 1 : 0);
  const std::size_t dot = digits.find('.');
  auto all_digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  const bool number = dot == std::string_view::npos
                          ? all_digits(digits)
                          : all_digits(digits.substr(0, dot)) && all_digits(digits.substr(dot + 1));
  return !number;
}

// Appends a row: the cells, nullopt ones empty, separated by commas.
class RowBuilder {
 public:
  void Add(std::string_view value) {
    Separate();
    row_ += CsvCell(value);
  }
  void Add(const std::string& value) { Add(std::string_view(value)); }
  void Add(const std::optional<std::string>& value) {
    if (value) {
      Add(std::string_view(*value));
    } else {
      Null();
    }
  }
  void AddRaw(std::string_view cell) {  // for cells that never need quotes
    Separate();
    row_ += cell;
  }
  void Null() { Separate(); }
  std::string Finish() && {
    row_ += kRowEnd;
    return std::move(row_);
  }

 private:
  void Separate() {
    if (!first_) row_ += ',';
    first_ = false;
  }
  std::string row_;
  bool first_ = true;
};

}  // namespace

std::vector<std::string> CsvColumns(const SinkOptions& options) {
  std::vector<std::string> names;
  for (const RecordColumn& column : RecordColumns(options)) names.push_back(column.name);
  return names;
}

std::string CsvCell(std::string_view value) {
  std::string valid = MakeValidUtf8(value);
  const bool formula = StartsFormula(valid);
  if (formula) valid.insert(0, 1, '\'');
  if (!formula && !NeedsQuotes(valid)) return valid;
  std::string cell;
  cell.reserve(valid.size() + 2);
  cell += '"';
  for (char c : valid) {
    if (c == '"') cell += '"';
    cell += c;
  }
  cell += '"';
  return cell;
}

Result<CsvSink> CsvSink::Open(const std::string& path, const SinkOptions& options) {
  Result<OutputFile> out = OutputFile::Open(path, options.resume);
  if (!out.ok()) return out.status();
  if (options.resume) {
    Result<std::int64_t> size = out.value().Position();
    if (size.ok() && size.value() > 0) return CsvSink(std::move(out).value(), options);
  }
  RowBuilder header;
  for (const std::string& name : CsvColumns(options)) header.Add(name);
  if (Status st = out.value().Write(std::move(header).Finish()); !st.ok()) return st;
  return CsvSink(std::move(out).value(), options);
}

CsvSink::~CsvSink() { (void)Close(); }

Status CsvSink::Write(const Record& r) {
  RowBuilder row;
  for (const RecordCell& cell : RecordCells(r, options_)) {
    switch (cell.kind) {
      case RecordCell::Kind::kText:
        row.Add(cell.text);
        break;
      case RecordCell::Kind::kInteger:
        row.AddRaw(std::to_string(cell.number));
        break;
      case RecordCell::Kind::kBool:
        row.AddRaw(cell.number ? "true" : "false");
        break;
      case RecordCell::Kind::kNull:
        row.Null();
        break;
    }
  }
  return out_.Write(std::move(row).Finish());
}

Status CsvSink::Close() { return out_.Close(); }

}  // namespace forage
