#include "core/sqlite_ptr.h"

#include <sqlite3.h>

#include <string>

namespace forage {

static_assert(SQLITE_OK == 0, "SqliteRun starts bind_result_ at SQLITE_OK");

void SqliteDbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void SqliteStmtFinalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

SqliteStmt PrepareStatement(sqlite3* db, std::string_view sql, bool persistent) {
  sqlite3_stmt* raw = nullptr;
  // SQLite reads `sql` up to its length: no copy with a terminating NUL.
  (void)sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                           persistent ? SQLITE_PREPARE_PERSISTENT : 0, &raw, nullptr);
  return SqliteStmt(raw);  // null on failure
}

SqliteRun::~SqliteRun() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void SqliteRun::Check(int rc) {
  if (bind_result_ == SQLITE_OK) bind_result_ = rc;
}

// A null pointer would bind NULL, which an empty string_view may hold.
SqliteRun& SqliteRun::Text(std::string_view value) {
  Check(sqlite3_bind_text64(stmt_, next_++, value.empty() ? "" : value.data(), value.size(),
                            SQLITE_STATIC, SQLITE_UTF8));
  return *this;
}

SqliteRun& SqliteRun::TextOrNull(std::optional<std::string_view> value) {
  return value ? Text(*value) : Null();
}

SqliteRun& SqliteRun::Int(std::int64_t value) {
  Check(sqlite3_bind_int64(stmt_, next_++, value));
  return *this;
}

SqliteRun& SqliteRun::Null() {
  Check(sqlite3_bind_null(stmt_, next_++));
  return *this;
}

SqliteRun& SqliteRun::Blob(std::string_view bytes) {
  if (bytes.empty()) {
    Check(sqlite3_bind_zeroblob(stmt_, next_++, 0));
  } else {
    Check(sqlite3_bind_blob64(stmt_, next_++, bytes.data(), bytes.size(), SQLITE_STATIC));
  }
  return *this;
}

int SqliteRun::Step() { return bind_result_ != SQLITE_OK ? bind_result_ : sqlite3_step(stmt_); }

void SqliteRun::Reset() { sqlite3_reset(stmt_); }

std::string_view SqliteRun::TextAt(int i) const {
  const unsigned char* p = sqlite3_column_text(stmt_, i);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))};
}

std::int64_t SqliteRun::IntAt(int i) const { return sqlite3_column_int64(stmt_, i); }

bool SqliteRun::IsNullAt(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

}  // namespace forage
