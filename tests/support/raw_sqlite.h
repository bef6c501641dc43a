#pragma once

// SQLite files as another program sees them, for tests that look inside
// forage's sqlite outputs and state files. Failures fail the current test.

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "core/sqlite_ptr.h"

namespace forage::test {

using Db = SqliteDb;
using Stmt = SqliteStmt;

// The database at `path`, opened with `flags` (read-write, created if missing, by default).
inline Db OpenRaw(const std::string& path,
                  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  INFO(path << ": " << (raw ? sqlite3_errmsg(raw) : "?"));
  REQUIRE(rc == SQLITE_OK);
  return db;
}

inline Stmt Prepare(sqlite3* db, const std::string& sql) {
  Stmt stmt = PrepareStatement(db, sql);
  INFO(sql << ": " << sqlite3_errmsg(db));
  REQUIRE(stmt);
  return stmt;
}

inline void Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  INFO(sql << ": " << message);
  REQUIRE(rc == SQLITE_OK);
}

// The first column of the first row of `sql`.
inline std::int64_t QueryInt(sqlite3* db, const std::string& sql) {
  Stmt stmt = Prepare(db, sql);
  SqliteRun run(stmt.get());
  REQUIRE(run.Step() == SQLITE_ROW);
  return run.IntAt(0);
}

}  // namespace forage::test
