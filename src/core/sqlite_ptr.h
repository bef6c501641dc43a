#pragma once

#include <memory>

// From <sqlite3.h>, which only the .cc files that call SQLite include.
struct sqlite3;
struct sqlite3_stmt;

namespace forage {

// Owning wrappers for SQLite's handles: one deleter each, no raw owners.
// A connection closes with sqlite3_close_v2 (finalize its statements first,
// or it lingers until they are); a statement is finalized.
struct SqliteDbCloser {
  void operator()(sqlite3* db) const;
};
struct SqliteStmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const;
};

using SqliteDb = std::unique_ptr<sqlite3, SqliteDbCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteStmtFinalizer>;

}  // namespace forage
