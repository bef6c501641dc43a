#include "output/csv_sink.h"

#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/fd.h"
#include "output/sink.h"
#include "support/forage_run.h"

namespace forage {
namespace {

using test::ReadFile;

// One parsed cell: its text, and whether it was quoted (so "" and an empty
// cell, an empty string and null, can be told apart).
struct Cell {
  std::string text;
  bool quoted = false;
};
using Row = std::vector<Cell>;

// A strict RFC 4180 reader: records end in CRLF (the last one too), fields
// are separated by commas, a quoted field may hold commas, CR, LF and doubled
// quotes. Anything else (a quote inside an unquoted field, text after a
// closing quote, a bare CR or LF outside quotes, an unterminated quote) makes
// it return nullopt.
std::optional<std::vector<Row>> ParseCsv(const std::string& data) {
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kCr };
  std::vector<Row> rows;
  Row row;
  Cell cell;
  State state = State::kFieldStart;
  auto end_field = [&] {
    row.push_back(std::move(cell));
    cell = Cell();
  };
  for (char c : data) {
    switch (state) {
      case State::kFieldStart:
        if (c == '"') {
          cell.quoted = true;
          state = State::kQuoted;
          break;
        }
        [[fallthrough]];
      case State::kUnquoted:
        if (c == ',') {
          end_field();
          state = State::kFieldStart;
        } else if (c == '\r') {
          state = State::kCr;
        } else if (c == '"' || c == '\n') {
          return std::nullopt;
        } else {
          cell.text += c;
          state = State::kUnquoted;
        }
        break;
      case State::kQuoted:
        if (c == '"') {
          state = State::kQuoteInQuoted;
        } else {
          cell.text += c;
        }
        break;
      case State::kQuoteInQuoted:
        if (c == '"') {
          cell.text += '"';
          state = State::kQuoted;
        } else if (c == ',') {
          end_field();
          state = State::kFieldStart;
        } else if (c == '\r') {
          state = State::kCr;
        } else {
          return std::nullopt;
        }
        break;
      case State::kCr:
        if (c != '\n') return std::nullopt;
        end_field();
        rows.push_back(std::move(row));
        row.clear();
        state = State::kFieldStart;
        break;
    }
  }
  // Every record, the last included, ends in CRLF.
  if (state != State::kFieldStart || !row.empty() || !cell.text.empty() || cell.quoted) {
    return std::nullopt;
  }
  return rows;
}

TEST_CASE("The test's CSV reader is strict", "[csv]") {
  auto ok = ParseCsv("a,\"b,\"\"c\"\"\r\nd\",\r\n\"\",x\r\n");
  REQUIRE(ok.has_value());
  REQUIRE(ok->size() == 2);
  REQUIRE((*ok)[0].size() == 3);
  CHECK((*ok)[0][0].text == "a");
  CHECK((*ok)[0][1].text == "b,\"c\"\r\nd");
  CHECK((*ok)[0][2].text.empty());
  CHECK_FALSE((*ok)[0][2].quoted);
  CHECK((*ok)[1][0].quoted);
  CHECK_FALSE(ParseCsv("a\"b\r\n").has_value());
  CHECK_FALSE(ParseCsv("\"a\"b\r\n").has_value());
  CHECK_FALSE(ParseCsv("a\nb\r\n").has_value());
  CHECK_FALSE(ParseCsv("\"a\r\n").has_value());
  CHECK_FALSE(ParseCsv("a,b").has_value());
}

const std::vector<std::string> kHeader = {
    "url",    "final_url",    "ok",         "status",        "unchanged", "depth",
    "parent", "content_type", "bytes",      "elapsed_ms",    "title",     "description",
    "links",  "fields",       "error_kind", "error_message", "fetched_at", "truncated",
    "sha256", "noindex",      "canonical"};

std::vector<std::string> Texts(const Row& row) {
  std::vector<std::string> out;
  for (const Cell& c : row) out.push_back(c.text);
  return out;
}

TEST_CASE("CSV cells are quoted only where RFC 4180 needs it", "[csv]") {
  CHECK(CsvCell("plain") == "plain");
  CHECK(CsvCell("a,b") == "\"a,b\"");
  CHECK(CsvCell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvCell("a\nb") == "\"a\nb\"");
  CHECK(CsvCell("a\rb") == "\"a\rb\"");
  CHECK(CsvCell(" lead") == "\" lead\"");
  CHECK(CsvCell("trail ") == "\"trail \"");
  CHECK(CsvCell("\ttab") == "\"'\ttab\"");  // a formula start, see below
  CHECK(CsvCell("in side") == "in side");
  CHECK(CsvCell("") == "\"\"");
  CHECK(CsvCell("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(CsvCell("bad\xff") == "bad\xef\xbf\xbd");
}

TEST_CASE("CSV cells a spreadsheet would run as formulas are defused", "[csv]") {
  CHECK(CsvCell("=HYPERLINK(\"http://evil/\",\"x\")") ==
        "\"'=HYPERLINK(\"\"http://evil/\"\",\"\"x\"\")\"");
  CHECK(CsvCell("+cmd|' /C calc'!A0") == "\"'+cmd|' /C calc'!A0\"");
  CHECK(CsvCell("-2+3") == "\"'-2+3\"");
  CHECK(CsvCell("@SUM(A1:A9)") == "\"'@SUM(A1:A9)\"");
  CHECK(CsvCell("\r=1") == "\"'\r=1\"");
  CHECK(CsvCell("=") == "\"'=\"");
  CHECK(CsvCell("-") == "\"'-\"");
  // Plain numbers cannot call anything and stay numbers.
  CHECK(CsvCell("-5") == "-5");
  CHECK(CsvCell("+3.25") == "+3.25");
  CHECK(CsvCell("-0.5") == "-0.5");
  CHECK(CsvCell("-.5") == "\"'-.5\"");
  CHECK(CsvCell("-5.") == "\"'-5.\"");
  // Only the first character counts.
  CHECK(CsvCell("a=b") == "a=b");
  CHECK(CsvCell("'=already") == "'=already");
}

TEST_CASE("A CSV file reads back cell for cell with a strict RFC 4180 parser", "[csv]") {
  test::TempDir dir;
  std::string path = dir.path() + "/out.csv";

  Record tricky;
  tricky.url = "http://h/a,b?q=\"x\"";
  tricky.final_url = "https://h/a,b?\xff\xfe";
  tricky.ok = true;
  tricky.status = 200;
  tricky.unchanged = true;
  tricky.depth = 2;
  tricky.parent = " http://h/ ";
  tricky.content_type = "text/html; charset=utf-8";
  tricky.bytes = 123456789012ULL;
  tricky.elapsed_ms = 42;
  tricky.title = "He said \"hi\", then left";
  tricky.description = "line one\r\nline two\nline three\rend";
  tricky.links = {"https://h/x,y", "https://h/\"q\""};
  tricky.fields = {{"price", {"1,99 \xe2\x82\xac", "2\n"}}, {"none", {}}};
  tricky.fetched_at_ms = 1700000000123;
  tricky.truncated = {"links", "fields.price"};

  Record empty;  // every optional null, every string empty
  empty.title = "";

  Record failed;
  failed.url = "http://h/\xe6\x97\xa5\xe6\x9c\xac";
  failed.depth = 1;
  failed.parent = "http://h/";
  failed.error = RecordError{ErrorKind::kHttp, "HTTP 404, \"Not Found\""};
  failed.status = 404;
  failed.fetched_at_ms = 0;

  {
    auto sink = OpenSink(OutputFormat::kCsv, path, {});
    REQUIRE(sink.ok());
    // The header is there from the start.
    CHECK(ReadFile(path) ==
          "url,final_url,ok,status,unchanged,depth,parent,content_type,bytes,elapsed_ms,"
          "title,description,links,fields,error_kind,error_message,"
          "fetched_at,truncated,sha256,noindex,canonical\r\n");
    REQUIRE(sink.value()->Write(tricky).ok());
    REQUIRE(sink.value()->Write(empty).ok());
    REQUIRE(sink.value()->Write(failed).ok());
    // Each row is in the file before Close.
    auto so_far = ParseCsv(ReadFile(path));
    REQUIRE(so_far.has_value());
    CHECK(so_far->size() == 4);
    REQUIRE(sink.value()->Close().ok());
  }

  std::string data = ReadFile(path);
  auto rows = ParseCsv(data);
  REQUIRE(rows.has_value());
  REQUIRE(rows->size() == 4);  // header + 3 records
  CHECK(Texts((*rows)[0]) == kHeader);
  for (const Row& row : *rows) REQUIRE(row.size() == kHeader.size());

  const Row& t = (*rows)[1];
  CHECK(t[0].text == "http://h/a,b?q=\"x\"");
  CHECK(t[1].text == "https://h/a,b?\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(t[2].text == "true");
  CHECK(t[3].text == "200");
  CHECK(t[4].text == "true");
  CHECK(t[5].text == "2");
  CHECK(t[6].text == " http://h/ ");
  CHECK(t[6].quoted);
  CHECK(t[7].text == "text/html; charset=utf-8");
  CHECK(t[8].text == "123456789012");
  CHECK(t[9].text == "42");
  CHECK(t[10].text == "He said \"hi\", then left");
  CHECK(t[11].text == "line one\r\nline two\nline three\rend");
  auto links = nlohmann::json::parse(t[12].text);
  CHECK(links == nlohmann::json::array({"https://h/x,y", "https://h/\"q\""}));
  auto fields = nlohmann::json::parse(t[13].text);
  CHECK(fields == nlohmann::json::parse(R"({"none":[],"price":["1,99 €","2\n"]})"));
  CHECK(t[14].text.empty());
  CHECK_FALSE(t[14].quoted);
  CHECK(t[15].text.empty());
  CHECK_FALSE(t[15].quoted);
  CHECK(t[16].text == "2023-11-14T22:13:20.123Z");
  CHECK(nlohmann::json::parse(t[17].text) == nlohmann::json::array({"links", "fields.price"}));

  const Row& e = (*rows)[2];
  CHECK(e[0].text.empty());
  CHECK(e[0].quoted);  // an empty string, not null
  CHECK(e[2].text == "false");
  CHECK(e[4].text == "false");  // a boolean, never null
  CHECK(e[5].text == "0");
  CHECK(e[8].text == "0");
  CHECK(e[9].text == "0");
  CHECK(e[10].text.empty());
  CHECK(e[10].quoted);  // title ""
  CHECK(e[12].text == "[]");
  CHECK(e[13].text == "{}");
  CHECK(e[17].text == "[]");  // never null: nothing was cut
  for (int i : {1, 3, 6, 7, 11, 14, 15, 16}) {
    INFO("column " << kHeader[static_cast<std::size_t>(i)]);
    CHECK(e[static_cast<std::size_t>(i)].text.empty());
    CHECK_FALSE(e[static_cast<std::size_t>(i)].quoted);  // null: an empty cell
  }

  const Row& f = (*rows)[3];
  CHECK(f[0].text == "http://h/\xe6\x97\xa5\xe6\x9c\xac");
  CHECK(f[2].text == "false");
  CHECK(f[3].text == "404");
  CHECK(f[4].text == "false");
  CHECK(f[5].text == "1");
  CHECK(f[6].text == "http://h/");
  CHECK(f[14].text == "http");
  CHECK(f[15].text == "HTTP 404, \"Not Found\"");
  CHECK(f[16].text == "1970-01-01T00:00:00.000Z");

  // Every line break outside a quoted cell is CRLF.
  CHECK(data.substr(data.size() - 2) == "\r\n");
}

TEST_CASE("CSV has a text column only with --text", "[csv]") {
  test::TempDir dir;
  Record r;
  r.url = "http://h/";
  r.text = "Visible, \"quoted\"\ntext";
  SECTION("with --text") {
    std::string path = dir.path() + "/t.csv";
    auto sink = OpenSink(OutputFormat::kCsv, path, SinkOptions{.with_text = true});
    REQUIRE(sink.ok());
    REQUIRE(sink.value()->Write(r).ok());
    r.text.reset();
    REQUIRE(sink.value()->Write(r).ok());
    REQUIRE(sink.value()->Close().ok());
    auto rows = ParseCsv(ReadFile(path));
    REQUIRE(rows.has_value());
    REQUIRE(rows->size() == 3);
    std::vector<std::string> header = kHeader;
    header.insert(header.begin() + 14, "text");
    CHECK(Texts((*rows)[0]) == header);
    CHECK(CsvColumns(SinkOptions{.with_text = true}) == header);
    REQUIRE((*rows)[1].size() == header.size());
    CHECK((*rows)[1][14].text == "Visible, \"quoted\"\ntext");
    CHECK((*rows)[2][14].text.empty());
    CHECK_FALSE((*rows)[2][14].quoted);
  }
  SECTION("without") {
    std::string path = dir.path() + "/n.csv";
    auto sink = OpenSink(OutputFormat::kCsv, path, {});
    REQUIRE(sink.ok());
    REQUIRE(sink.value()->Write(r).ok());
    REQUIRE(sink.value()->Close().ok());
    auto rows = ParseCsv(ReadFile(path));
    REQUIRE(rows.has_value());
    REQUIRE(rows->size() == 2);
    CHECK(Texts((*rows)[0]) == kHeader);
    CHECK(CsvColumns({}) == kHeader);
    CHECK((*rows)[1].size() == kHeader.size());
  }
}

TEST_CASE("A CSV write to a pipe with no reader fails with the reason", "[csv]") {
  signal(SIGPIPE, SIG_IGN);
  auto pipe = MakePipe();
  REQUIRE(pipe.ok());
  std::string path = "/proc/self/fd/" + std::to_string(pipe.value().write.get());
  auto sink = OpenSink(OutputFormat::kCsv, path, {});
  REQUIRE(sink.ok());  // the header went into the pipe
  pipe.value().read.Reset();
  Record r;
  r.url = "http://h/";
  Status st = sink.value()->Write(r);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("Broken pipe") != std::string::npos);
  CHECK(st.message().find(path) != std::string::npos);
  st = sink.value()->Write(r);  // still no crash
  CHECK_FALSE(st.ok());
  CHECK(sink.value()->Close().ok());
}

}  // namespace
}  // namespace forage
