#include "core/sqlite_ptr.h"

#include <sqlite3.h>

namespace forage {

void SqliteDbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void SqliteStmtFinalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

}  // namespace forage
