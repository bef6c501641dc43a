#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/sqlite_ptr.h"
#include "forage/record.h"
#include "forage/status.h"
#include "output/sink.h"

namespace forage {

// Writes records as rows of the table `pages` of an SQLite database file.
//
// The columns are named as the record's JSON keys, "error" split in two:
//   url TEXT, final_url TEXT, ok INTEGER (0/1), status INTEGER, unchanged
//   INTEGER (0/1), depth INTEGER, parent TEXT, content_type TEXT, bytes
//   INTEGER, elapsed_ms INTEGER, title TEXT, description TEXT, links TEXT
//   (JSON array), fields TEXT (JSON object of arrays), [text TEXT with
//   options.with_text], error_kind TEXT, error_message TEXT, fetched_at TEXT
//   (RFC 3339)
// with NULL for absent values (and for both error columns of a record without
// an error), invalid UTF-8 replaced by U+FFFD, and an index "pages_url" on url.
//
// The file is created if missing. An existing database is appended to: the
// table and index are created if missing, a missing "unchanged" column is
// added (and a missing "text" column when options.with_text), at the end of
// the table and NULL in the rows already there, which are kept. A table whose
// columns do not fit fails at Open, naming the column, and is left as it was. The database is put
// in WAL journal mode (where the file system allows it; it stays so) with
// synchronous=NORMAL, and waits up to 5 s for another writer's lock.
//
// Rows are inserted through one prepared statement, in transactions committed
// when kBatchRows rows are pending, or at the first Write at least
// kBatchInterval after the last commit (or Open), and at Close. So readers see
// rows within about a second while records keep coming, and a killed run
// loses only the rows written since the last commit: at most kBatchRows, about
// a second's worth while records flow, though rows written just before a lull
// wait for the next record or Close.
class SqliteSink final : public RecordSink {
 public:
  static constexpr int kBatchRows = 500;
  static constexpr std::chrono::milliseconds kBatchInterval{1000};
  using Clock = std::chrono::steady_clock;
  // The time source for the batch interval; tests pass their own.
  using Now = std::function<Clock::time_point()>;

  // Opens or creates the database at `path` (a file; not "-") and prepares the
  // table. Every failure says "PATH: step: sqlite's message".
  static Result<std::unique_ptr<SqliteSink>> Open(const std::string& path,
                                                  const SinkOptions& options = {},
                                                  Now now = Clock::now);

  SqliteSink(const SqliteSink&) = delete;
  SqliteSink& operator=(const SqliteSink&) = delete;
  ~SqliteSink() override;

  // Inserts the row, committing as described above.
  Status Write(const Record& record) override;
  // Commits the open batch; the largest row id of `pages` (0 when empty).
  Result<std::int64_t> Checkpoint() override;
  // Commits pending rows and closes the database; idempotent.
  Status Close() override;

 private:
  using DbPtr = SqliteDb;
  using StmtPtr = SqliteStmt;

  SqliteSink(std::string path, const SinkOptions& options, DbPtr db, StmtPtr insert, Now now);

  // "PATH: what: sqlite3_errmsg".
  Status Error(const std::string& what) const;
  // Runs SQL that returns no rows; on failure Error(what).
  Status Exec(const char* sql, const std::string& what);
  Status Commit();

  std::string path_;
  SinkOptions options_;
  DbPtr db_;        // null once closed
  StmtPtr insert_;  // the INSERT, reused for every row
  bool in_transaction_ = false;
  int pending_rows_ = 0;  // rows inserted in the open transaction
  Now now_;
  Clock::time_point last_commit_;
};

}  // namespace forage
