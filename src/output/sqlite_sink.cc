#include "output/sqlite_sink.h"

#include <sqlite3.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "core/sqlite_status.h"
#include "core/time_format.h"
#include "core/utf8.h"
#include "output/jsonl_sink.h"
#include "output/record_columns.h"

namespace forage {
namespace {

std::string CreateTableSql(const SinkOptions& options) {
  std::string sql = "CREATE TABLE IF NOT EXISTS pages (";
  bool first = true;
  for (const RecordColumn& c : RecordColumns(options)) {
    if (!first) sql += ", ";
    first = false;
    sql += std::string(c.name) + " " + c.sql_type;
  }
  return sql + ")";
}

// Columns that came after the table's first layout: an existing table may
// lack them, and gets them added (holding NULL in its older rows).
bool MayBeAdded(std::string_view column) {
  return column == "text" || column == "unchanged" || column == "truncated" ||
         column == "headers" || column == "saved" ||
         column == "sha256" || column == "noindex" || column == "canonical";
}

std::string InsertSql(const SinkOptions& options) {
  std::string names;
  std::string params;
  int i = 0;
  for (const RecordColumn& c : RecordColumns(options)) {
    if (i > 0) {
      names += ", ";
      params += ", ";
    }
    names += c.name;
    params += '?';
    params += std::to_string(++i);
  }
  return "INSERT INTO pages (" + names + ") VALUES (" + params + ")";
}

}  // namespace

SqliteSink::SqliteSink(std::string path, const SinkOptions& options, DbPtr db, StmtPtr insert,
                       Now now)
    : path_(std::move(path)),
      options_(options),
      db_(std::move(db)),
      insert_(std::move(insert)),
      now_(std::move(now)),
      last_commit_(now_()) {}

Result<std::unique_ptr<SqliteSink>> SqliteSink::Open(const std::string& path,
                                                     const SinkOptions& options, Now now) {
  auto fail = [&path](sqlite3* db, const std::string& what) {
    if (!db) return Status::ResourceExhausted(path + ": " + what + ": out of memory");
    return SqliteStatus(sqlite3_errcode(db), path + ": " + what + ": " + sqlite3_errmsg(db));
  };
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  DbPtr db(raw);  // sqlite may allocate a handle even when it fails
  if (rc != SQLITE_OK) return fail(db.get(), "open");
  sqlite3_busy_timeout(db.get(), 5000);

  auto exec = [&](const std::string& sql, const std::string& what) -> Status {
    if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      return fail(db.get(), what);
    }
    return {};
  };
  // journal_mode answers with the mode in effect, which stays the old one
  // where WAL is impossible; that is no reason to refuse to write.
  if (Status st = exec("PRAGMA journal_mode=WAL", "set journal mode"); !st.ok()) return st;
  if (Status st = exec("PRAGMA synchronous=NORMAL", "set synchronous"); !st.ok()) return st;

  // The schema, in one transaction so a concurrent writer sees all or none.
  // A failure before COMMIT leaves the file as it was: closing the
  // connection rolls the transaction back.
  if (Status st = exec("BEGIN IMMEDIATE", "begin"); !st.ok()) return st;
  if (Status st = exec(CreateTableSql(options), "create table pages"); !st.ok()) return st;
  std::set<std::string, std::less<>> existing;
  {
    StmtPtr info = PrepareStatement(db.get(), "SELECT name FROM pragma_table_info('pages')");
    if (!info) return fail(db.get(), "read the columns of pages");
    SqliteRun names(info.get());
    while ((rc = names.Step()) == SQLITE_ROW) {
      if (!names.IsNullAt(0)) existing.emplace(names.TextAt(0));
    }
    if (rc != SQLITE_DONE) return fail(db.get(), "read the columns of pages");
  }  // finalized before the schema changes
  for (const RecordColumn& c : RecordColumns(options)) {
    if (!MayBeAdded(c.name) || existing.count(std::string_view(c.name)) > 0) continue;
    std::string column = c.name;
    if (Status st = exec("ALTER TABLE pages ADD COLUMN " + column + " " + c.sql_type,
                         "add column " + column);
        !st.ok()) {
      return st;
    }
  }
  if (Status st = exec("CREATE INDEX IF NOT EXISTS pages_url ON pages (url)", "create index");
      !st.ok()) {
    return st;
  }
  // Prepared before COMMIT, so that a table whose columns do not fit (the
  // message names the first missing one) is left untouched.
  StmtPtr insert = PrepareStatement(db.get(), InsertSql(options), /*persistent=*/true);
  if (!insert) return fail(db.get(), "prepare insert");
  if (Status st = exec("COMMIT", "commit"); !st.ok()) return st;
  return std::unique_ptr<SqliteSink>(
      new SqliteSink(path, options, std::move(db), std::move(insert), std::move(now)));
}

SqliteSink::~SqliteSink() { (void)Close(); }

Status SqliteSink::Error(const std::string& what) const {
  return SqliteStatus(sqlite3_errcode(db_.get()),
                      path_ + ": " + what + ": " + sqlite3_errmsg(db_.get()));
}

Status SqliteSink::Exec(const char* sql, const std::string& what) {
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Error(what);
  return {};
}

Status SqliteSink::Commit() {
  Status st = Exec("COMMIT", "commit");
  // A failed COMMIT may leave the transaction open (busy) or roll it back.
  in_transaction_ = sqlite3_get_autocommit(db_.get()) == 0;
  if (!in_transaction_) {
    pending_rows_ = 0;
    last_commit_ = now_();
  }
  return st;
}

Status SqliteSink::Write(const Record& r) {
  if (!db_) return Status::InvalidArgument(path_ + ": write after close");
  if (!in_transaction_) {
    if (Status st = Exec("BEGIN IMMEDIATE", "begin"); !st.ok()) return st;
    in_transaction_ = true;
  }
  {
    // The texts, made valid UTF-8, stay here until the row is inserted: the
    // run binds them without a copy. (A deque never moves its elements.)
    std::deque<std::string> texts;
    SqliteRun insert(insert_.get());
    for (const RecordCell& cell : RecordCells(r, options_)) {
      switch (cell.kind) {
        case RecordCell::Kind::kText:
          insert.Text(texts.emplace_back(MakeValidUtf8(cell.text)));
          break;
        case RecordCell::Kind::kInteger:
          insert.Int(cell.number);
          break;
        case RecordCell::Kind::kBool:
          insert.Int(cell.number);
          break;
        case RecordCell::Kind::kNull:
          insert.Null();
          break;
      }
    }
    if (insert.bind_result() != SQLITE_OK) {
      // sqlite3_errmsg describes the failed bind (say, "string or blob too big").
      return Error("insert");
    }
    if (insert.Step() != SQLITE_DONE) {
      Status st = Error("insert");  // errmsg describes the failed step
      insert.Reset();
      in_transaction_ = sqlite3_get_autocommit(db_.get()) == 0;  // some errors roll back
      if (!in_transaction_) pending_rows_ = 0;
      return st;
    }
  }
  ++pending_rows_;
  if (pending_rows_ >= kBatchRows || now_() - last_commit_ >= kBatchInterval) {
    return Commit();
  }
  return {};
}

Result<std::int64_t> SqliteSink::Checkpoint() {
  if (!db_) return Status::InvalidArgument(path_ + ": checkpoint after close");
  if (in_transaction_) {
    if (Status st = Commit(); !st.ok()) return st;
  }
  StmtPtr last = PrepareStatement(db_.get(), "SELECT max(rowid) FROM pages");
  if (!last) return Error("checkpoint");
  SqliteRun max_rowid(last.get());
  if (max_rowid.Step() != SQLITE_ROW) return Error("checkpoint");
  return max_rowid.IntAt(0);
}

Status SqliteSink::Close() {
  if (!db_) return {};
  Status st;
  if (in_transaction_) st = Commit();
  if (in_transaction_) {  // the commit failed: give up the rows rather than hang on
    (void)Exec("ROLLBACK", "rollback");
    in_transaction_ = false;
  }
  insert_.reset();
  sqlite3* db = db_.release();
  if (sqlite3_close(db) != SQLITE_OK) {
    if (st.ok()) st = SqliteStatus(sqlite3_errcode(db), path_ + ": close: " + sqlite3_errmsg(db));
    sqlite3_close_v2(db);  // frees it once whatever still holds it is done
  }
  return st;
}

}  // namespace forage
