#include "output/output_recovery.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/errno_status.h"
#include "core/log.h"
#include "core/sqlite_ptr.h"
#include "core/sqlite_status.h"

namespace forage {
namespace {

bool IsRegularFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Status TruncateRows(const std::string& path, std::int64_t last_row) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  SqliteDb db(raw);
  auto fail = [&](const char* what) {
    const int code = db ? sqlite3_errcode(db.get()) : rc;
    return SqliteStatus(
        code, path + ": " + what + ": " + (db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc)));
  };
  if (rc != SQLITE_OK) return fail("open");
  sqlite3_busy_timeout(db.get(), 5000);
  const std::string sql = "DELETE FROM pages WHERE rowid > " + std::to_string(last_row);
  if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail("cut back to the committed rows");
  }
  return {};
}

}  // namespace

Status TruncateOutput(OutputFormat format, const std::string& path, std::int64_t position) {
  if (format == OutputFormat::kSqlite) return TruncateRows(path, position);
  if (::truncate(path.c_str(), position) != 0) {
    return ErrnoStatus(path + ": cannot cut back to the committed records", errno);
  }
  return {};
}

Result<RecoveredOutput> RecoverOutput(const StateStore::Output& left, const std::string& path,
                                      OutputFormat format, bool append) {
  RecoveredOutput out;
  Result<OutputFormat> left_format = ChooseFormat(left.format, left.path);
  if (!left_format.ok() || left.write_path.empty() || !IsRegularFile(left.write_path)) {
    return out;  // a stream, or a file that was published (or removed) since
  }
  if (Status st = TruncateOutput(left_format.value(), left.write_path, left.position); !st.ok()) {
    return st;
  }
  if (left.write_path == left.path) return out;  // written in place: cut back is all
  if (left.path == path && left_format.value() == format && !append) {
    out.adopt = left.write_path;
    return out;
  }
  if (std::rename(left.write_path.c_str(), left.path.c_str()) != 0) {
    return ErrnoStatus("cannot move the output of the cut-off run into place at " + left.path,
                       errno);
  }
  out.published = left.path;
  LogWarn("the records of the cut-off run are now at " + left.path +
          "; this run writes only the rest of the pass");
  return out;
}

}  // namespace forage
