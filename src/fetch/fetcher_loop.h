#pragma once

#include "forage/fetch_settings.h"
#include "ipc/work_queue.h"
#include "ipc/worker_pool.h"

namespace forage {

// A fetcher process's whole life, with the run's `settings` as the master
// gave them: takes jobs from `queue` while it has room for them (woken by
// bytes on `doorbell_fd`), runs them on a Fetcher and writes each result as
// a frame to `result_fd`. Returns the exit code (fetch/fetcher_exit.h):
// kFetcherExitDone when the doorbell closes with nothing left to do or the
// master is gone, kFetcherExitCannotWork when it cannot work at all. The
// caller _exit()s with it. Out of memory, it _exit()s with
// kFetcherExitOutOfMemory itself.
//
// `big_parse_fd` is the pool's big-parse token as this process got it (see
// WorkerPool); the fetcher reopens it for an open file description of its
// own. By default, the one a forked fetcher inherited; -1: none, big pages
// are parsed without waiting for other fetchers.
int RunFetcher(const FetchSettings& settings, WorkQueue queue, int doorbell_fd, int result_fd,
               int big_parse_fd = WorkerPool::InheritedBigParseFd());

}  // namespace forage
