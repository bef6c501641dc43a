#include "core/sqlite_status.h"

#include <sqlite3.h>

namespace forage {

Status SqliteStatus(int rc, std::string message) {
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corrupt(std::move(message));
    case SQLITE_NOMEM:
      return Status::ResourceExhausted(std::move(message));
    default:
      return Status::IOError(std::move(message));
  }
}

}  // namespace forage
