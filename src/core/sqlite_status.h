#pragma once

#include <string>

#include "forage/status.h"

namespace forage {

// A failed SQLite call as a Status with `message`, coded from its result
// code `rc` (extended codes are read by their primary code): SQLITE_CORRUPT
// and SQLITE_NOTADB are kCorrupt, SQLITE_NOMEM kResourceExhausted, anything
// else kIOError.
// SQLITE_BUSY is kIOError too, not kBusy: forage's own databases are held by
// an flock (the state) or by one run (an output), so SQLite's lock still
// busy after its timeout is another program in the way of this run's
// writes, not another forage run holding the file.
Status SqliteStatus(int rc, std::string message);

}  // namespace forage
