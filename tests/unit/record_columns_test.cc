#include "output/record_columns.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "forage/record.h"
#include "output/sink.h"

namespace forage {
namespace {

using Kind = RecordCell::Kind;
// Keeps the keys of a JSON line in their order.
using OrderedJson = nlohmann::ordered_json;

// A record with every field set.
Record FullRecord() {
  Record r;
  r.url = "http://h/a";
  r.final_url = "https://h/a";
  r.ok = true;
  r.status = 200;
  r.unchanged = false;
  r.depth = 2;
  r.parent = "http://h/";
  r.content_type = "text/html; charset=utf-8";
  r.bytes = 12345;
  r.elapsed_ms = 67;
  r.title = "Title, \"quoted\"";
  r.description = "caf\xC3\xA9";
  r.links = {"https://h/b", "https://h/c"};
  r.fields = {{"price", {"9.99"}}, {"none", {}}};
  r.text = "Visible text";
  r.fetched_at_ms = 1700000000123;
  r.truncated = {"links"};
  r.sha256 = std::string(64, 'f');
  r.noindex = true;
  r.canonical = "https://h/canonical";
  r.body = "never a column";
  return r;
}

// A record of a failure: most values absent.
Record ErrorRecord() {
  Record r;
  r.url = "http://h/gone";
  r.error = RecordError{ErrorKind::kTimeout, "timed out"};
  return r;
}

std::vector<std::string> Names(const std::vector<RecordColumn>& columns) {
  std::vector<std::string> names;
  for (const RecordColumn& c : columns) names.push_back(c.name);
  return names;
}

// The JSON line's keys, "error" split as the columns split it.
std::vector<std::string> JsonColumnNames(const Record& r, const SinkOptions& options) {
  std::vector<std::string> names;
  const OrderedJson json = OrderedJson::parse(RecordToJson(r, options));
  for (const auto& item : json.items()) {
    if (item.key() == "error") {
      names.push_back("error_kind");
      names.push_back("error_message");
    } else {
      names.push_back(item.key());
    }
  }
  return names;
}

TEST_CASE("Record columns come in the JSON line's order, text only with --text",
          "[record_columns]") {
  const std::vector<std::string> without_text = {
      "url",    "final_url",    "ok",         "status",        "unchanged",  "depth",
      "parent", "content_type", "bytes",      "elapsed_ms",    "title",      "description",
      "links",  "fields",       "error_kind", "error_message", "fetched_at", "truncated",
      "sha256", "noindex",      "canonical"};
  std::vector<std::string> with_text = without_text;
  with_text.insert(with_text.begin() + 14, "text");  // after fields

  CHECK(Names(RecordColumns({})) == without_text);
  CHECK(Names(RecordColumns({.with_text = true})) == with_text);
  // Every key of the JSON line is a column, and nothing else is.
  for (const bool text : {false, true}) {
    const SinkOptions options{.with_text = text};
    CHECK(Names(RecordColumns(options)) == JsonColumnNames(FullRecord(), options));
    CHECK(Names(RecordColumns(options)) == JsonColumnNames(ErrorRecord(), options));
  }
}

TEST_CASE("Record columns have the SQL types the values need", "[record_columns]") {
  for (const RecordColumn& c : RecordColumns({.with_text = true})) {
    CAPTURE(c.name);
    const std::string name = c.name;
    const bool integer = name == "ok" || name == "status" || name == "unchanged" ||
                         name == "depth" || name == "bytes" || name == "elapsed_ms" ||
                         name == "noindex";
    CHECK(std::string(c.sql_type) == (integer ? "INTEGER" : "TEXT"));
  }
}

TEST_CASE("Record cells hold each column's value, one cell per column", "[record_columns]") {
  const SinkOptions options{.with_text = true};
  const std::vector<RecordColumn> columns = RecordColumns(options);
  const std::vector<RecordCell> cells = RecordCells(FullRecord(), options);
  REQUIRE(cells.size() == columns.size());
  struct Expected {
    Kind kind;
    std::string text;
    std::int64_t number;
  };
  const Expected expected[] = {
      {Kind::kText, "http://h/a", 0},
      {Kind::kText, "https://h/a", 0},
      {Kind::kBool, "", 1},
      {Kind::kInteger, "", 200},
      {Kind::kBool, "", 0},
      {Kind::kInteger, "", 2},
      {Kind::kText, "http://h/", 0},
      {Kind::kText, "text/html; charset=utf-8", 0},
      {Kind::kInteger, "", 12345},
      {Kind::kInteger, "", 67},
      {Kind::kText, "Title, \"quoted\"", 0},
      {Kind::kText, "caf\xC3\xA9", 0},
      {Kind::kText, R"(["https://h/b","https://h/c"])", 0},
      {Kind::kText, R"({"none":[],"price":["9.99"]})", 0},
      {Kind::kText, "Visible text", 0},
      {Kind::kNull, "", 0},
      {Kind::kNull, "", 0},
      {Kind::kText, "2023-11-14T22:13:20.123Z", 0},
      {Kind::kText, R"(["links"])", 0},
      {Kind::kText, std::string(64, 'f'), 0},
      {Kind::kBool, "", 1},
      {Kind::kText, "https://h/canonical", 0},
  };
  REQUIRE(cells.size() == std::size(expected));
  for (std::size_t i = 0; i < cells.size(); ++i) {
    CAPTURE(columns[i].name);
    CHECK(cells[i].kind == expected[i].kind);
    CHECK(cells[i].text == expected[i].text);
    CHECK(cells[i].number == expected[i].number);
  }
}

TEST_CASE("Record cells of a failure are null where the JSON line has null", "[record_columns]") {
  const SinkOptions options;
  const std::vector<RecordColumn> columns = RecordColumns(options);
  const std::vector<RecordCell> cells = RecordCells(ErrorRecord(), options);
  REQUIRE(cells.size() == columns.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    CAPTURE(columns[i].name);
    const std::string name = columns[i].name;
    if (name == "url" || name == "error_kind" || name == "error_message" || name == "links" ||
        name == "fields" || name == "truncated") {
      CHECK(cells[i].kind == Kind::kText);
    } else if (name == "ok" || name == "unchanged" || name == "noindex") {
      CHECK(cells[i].kind == Kind::kBool);
      CHECK(cells[i].number == 0);
    } else if (name == "depth" || name == "bytes" || name == "elapsed_ms") {
      CHECK(cells[i].kind == Kind::kInteger);
      CHECK(cells[i].number == 0);
    } else {
      CHECK(cells[i].kind == Kind::kNull);  // final_url, status, parent, ..., fetched_at
    }
  }
  CHECK(cells[14].text == "timeout");  // error_kind: the kind's name, as in the JSON line
  CHECK(cells[15].text == "timed out");
  CHECK(cells[12].text == "[]");  // links
  CHECK(cells[13].text == "{}");  // fields
  CHECK(cells[17].text == "[]");  // truncated: always there
}

TEST_CASE("Record cells carry the same values as the JSON line", "[record_columns]") {
  Record ok = FullRecord();
  ok.unchanged = true;
  ok.status = 304;
  for (const Record& r : {FullRecord(), ok, ErrorRecord()}) {
    for (const bool text : {false, true}) {
      const SinkOptions options{.with_text = text};
      const OrderedJson json = OrderedJson::parse(RecordToJson(r, options));
      std::vector<OrderedJson> values;  // per column
      for (const auto& item : json.items()) {
        if (item.key() == "error") {
          values.push_back(item.value().is_null() ? OrderedJson() : item.value()["kind"]);
          values.push_back(item.value().is_null() ? OrderedJson() : item.value()["message"]);
        } else {
          values.push_back(item.value());
        }
      }
      const std::vector<RecordCell> cells = RecordCells(r, options);
      const std::vector<RecordColumn> columns = RecordColumns(options);
      REQUIRE(cells.size() == values.size());
      for (std::size_t i = 0; i < cells.size(); ++i) {
        CAPTURE(r.url, text, columns[i].name, values[i].dump());
        const OrderedJson& v = values[i];
        switch (cells[i].kind) {
          case Kind::kNull:
            CHECK(v.is_null());
            break;
          case Kind::kBool:
            CHECK(v == (cells[i].number != 0));
            break;
          case Kind::kInteger:
            CHECK(v == cells[i].number);
            break;
          case Kind::kText:
            // Arrays and objects are their JSON text; strings are themselves.
            CHECK(cells[i].text == (v.is_string() ? v.get<std::string>() : v.dump()));
            break;
        }
      }
    }
  }
}

}  // namespace
}  // namespace forage
