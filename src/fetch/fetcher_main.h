#pragma once

#include "forage/options.h"
#include "ipc/work_queue.h"

namespace forage {

// A fetcher process's whole life: takes jobs from `queue` while it has room
// for them (woken by bytes on `doorbell_fd`), runs them on a Fetcher and
// writes each result as a frame to `result_fd`. Returns the exit code: 0
// when the doorbell closes with nothing left to do or the master is gone,
// 3 when it cannot work at all. The caller _exit()s with it.
int RunFetcher(const CrawlOptions& options, WorkQueue queue, int doorbell_fd, int result_fd);

}  // namespace forage
