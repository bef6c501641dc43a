#include "core/sqlite_ptr.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <optional>
#include <string>

namespace forage {
namespace {

using namespace std::string_literals;  // "\0"s keeps embedded NULs

SqliteDb OpenMemory() {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
  return SqliteDb(raw);
}

TEST_CASE("PrepareStatement gives a statement, or null and SQLite's reason", "[sqlite_ptr]") {
  SqliteDb db = OpenMemory();
  CHECK(PrepareStatement(db.get(), "SELECT 1"));
  CHECK(PrepareStatement(db.get(), "SELECT 1", /*persistent=*/true));
  CHECK_FALSE(PrepareStatement(db.get(), "SELEKT 1"));
  CHECK(std::string(sqlite3_errmsg(db.get())).find("SELEKT") != std::string::npos);
  CHECK_FALSE(PrepareStatement(db.get(), "SELECT * FROM missing"));
  CHECK(std::string(sqlite3_errmsg(db.get())) == "no such table: missing");
  // Only the view's bytes are SQL: what follows it is not read.
  const std::string text = "SELECT 7; garbage";
  SqliteStmt seven = PrepareStatement(db.get(), std::string_view(text).substr(0, 8));
  REQUIRE(seven);
  SqliteRun run(seven.get());
  REQUIRE(run.Step() == SQLITE_ROW);
  CHECK(run.IntAt(0) == 7);
}

TEST_CASE("SqliteRun binds by position and reads the row back", "[sqlite_ptr]") {
  SqliteDb db = OpenMemory();
  SqliteStmt select = PrepareStatement(
      db.get(), "SELECT ?1, typeof(?1), ?2, typeof(?2), ?3, typeof(?3), ?4, typeof(?4), ?5, ?6");
  REQUIRE(select);
  const std::string text = "caf\xC3\xA9";
  const std::string blob = "a\0b"s;
  SqliteRun run(select.get());
  run.Text(text).Int(-9'000'000'000).Null().Blob(blob).TextOrNull(std::nullopt).TextOrNull("x");
  CHECK(run.bind_result() == SQLITE_OK);
  REQUIRE(run.Step() == SQLITE_ROW);
  CHECK(run.TextAt(0) == text);
  CHECK(run.TextAt(1) == "text");
  CHECK(run.IntAt(2) == -9'000'000'000);
  CHECK(run.TextAt(3) == "integer");
  CHECK(run.IsNullAt(4));
  CHECK(run.TextAt(4).empty());  // NULL reads as ""
  CHECK(run.IntAt(4) == 0);      // and as 0
  CHECK(run.TextAt(5) == "null");
  CHECK(run.TextAt(6) == blob);
  CHECK(run.TextAt(7) == "blob");
  CHECK(run.IsNullAt(8));
  CHECK(run.TextAt(9) == "x");
  CHECK(run.Step() == SQLITE_DONE);
}

TEST_CASE("SqliteRun binds empty texts and blobs as values, never NULL", "[sqlite_ptr]") {
  SqliteDb db = OpenMemory();
  SqliteStmt select = PrepareStatement(db.get(), "SELECT typeof(?1), typeof(?2), typeof(?3)");
  REQUIRE(select);
  SqliteRun run(select.get());
  run.Text(std::string_view()).Blob(std::string_view()).Text("");
  REQUIRE(run.Step() == SQLITE_ROW);
  CHECK(run.TextAt(0) == "text");
  CHECK(run.TextAt(1) == "blob");
  CHECK(run.TextAt(2) == "text");
}

TEST_CASE("A run ends with the statement reset and its bindings cleared", "[sqlite_ptr]") {
  SqliteDb db = OpenMemory();
  REQUIRE(sqlite3_exec(db.get(), "CREATE TABLE t (v); INSERT INTO t VALUES (1), (2), (3)", nullptr,
                       nullptr, nullptr) == SQLITE_OK);
  SqliteStmt select = PrepareStatement(db.get(), "SELECT v FROM t WHERE v >= ?1 ORDER BY v");
  REQUIRE(select);
  {
    SqliteRun run(select.get());
    REQUIRE(run.Int(2).Step() == SQLITE_ROW);
    CHECK(run.IntAt(0) == 2);
    // Reset: from the first row again, with the same binding.
    run.Reset();
    REQUIRE(run.Step() == SQLITE_ROW);
    CHECK(run.IntAt(0) == 2);
    CHECK(sqlite3_stmt_busy(select.get()));
  }  // left in the middle of its rows
  CHECK_FALSE(sqlite3_stmt_busy(select.get()));
  // The binding is gone: ?1 is NULL, and v >= NULL holds for no row.
  SqliteRun again(select.get());
  CHECK(again.Step() == SQLITE_DONE);
}

TEST_CASE("A failed bind is remembered and Step runs nothing", "[sqlite_ptr]") {
  SqliteDb db = OpenMemory();
  REQUIRE(sqlite3_exec(db.get(), "CREATE TABLE t (v)", nullptr, nullptr, nullptr) == SQLITE_OK);
  SqliteStmt insert = PrepareStatement(db.get(), "INSERT INTO t VALUES (?1)");
  REQUIRE(insert);
  {
    SqliteRun run(insert.get());
    run.Int(1).Int(2);  // there is no parameter 2
    CHECK(run.bind_result() == SQLITE_RANGE);
    CHECK(run.Step() == SQLITE_RANGE);
  }
  SqliteStmt count = PrepareStatement(db.get(), "SELECT count(*) FROM t");
  REQUIRE(count);
  SqliteRun run(count.get());
  REQUIRE(run.Step() == SQLITE_ROW);
  CHECK(run.IntAt(0) == 0);
}

}  // namespace
}  // namespace forage
