#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

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

// Prepares the one statement `sql` on `db`. Null on failure (or for SQL that
// holds no statement), when sqlite3_errcode(db) and sqlite3_errmsg(db) say
// why. `persistent` tells SQLite the statement will be run many times
// (SQLITE_PREPARE_PERSISTENT).
SqliteStmt PrepareStatement(sqlite3* db, std::string_view sql, bool persistent = false);

// One run of a prepared statement, and the one way forage binds parameters:
// Text, Int, Null and Blob bind parameters 1, 2, ... in the order they are
// called; Step runs the statement; the destructor resets it and clears its
// bindings, so that the next run starts clean and a read left unfinished
// ends. The statement stays owned by the caller and must outlive the run.
//
// Texts and blobs are bound without a copy (SQLITE_STATIC): the caller keeps
// them alive and unchanged until the run is reset or destroyed. A failed
// bind is remembered: Step() then returns its code without running anything,
// and sqlite3_errmsg of the connection describes it.
class SqliteRun {
 public:
  explicit SqliteRun(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~SqliteRun();
  SqliteRun(const SqliteRun&) = delete;
  SqliteRun& operator=(const SqliteRun&) = delete;

  // Binds `value` as TEXT (UTF-8), an empty one too: never NULL.
  SqliteRun& Text(std::string_view value);
  // Binds `value` as TEXT, or NULL for nullopt.
  SqliteRun& TextOrNull(std::optional<std::string_view> value);
  SqliteRun& Int(std::int64_t value);
  SqliteRun& Null();
  // Binds `bytes` as a BLOB, an empty one too: never NULL.
  SqliteRun& Blob(std::string_view bytes);

  // SQLITE_OK, or the code of the first bind that failed.
  int bind_result() const { return bind_result_; }
  // SQLITE_ROW (a row is there to read), SQLITE_DONE, or an error code
  // (a failed bind's, without running the statement).
  int Step();
  // Back to before the first step, the bindings kept, to run it again.
  void Reset();

  // Column `i` of the row the last Step returned. TextAt reads NULL as "",
  // and its view lasts until the next Step or Reset; IntAt reads NULL as 0.
  std::string_view TextAt(int i) const;
  std::int64_t IntAt(int i) const;
  bool IsNullAt(int i) const;

  sqlite3_stmt* get() const { return stmt_; }

 private:
  void Check(int rc);

  sqlite3_stmt* stmt_;
  int next_ = 1;
  int bind_result_ = 0;  // SQLITE_OK
};

}  // namespace forage
