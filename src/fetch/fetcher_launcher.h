#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "forage/options.h"
#include "forage/status.h"
#include "ipc/worker_pool.h"

namespace forage {

// The program declares that it runs no other thread, now or later (the
// forage command does): from then on, fetcher pools fork each slot's first
// fetcher from it instead of starting the fetcher program, which spares
// each fetcher the 15 ms or so of loading libcurl's forty libraries (see
// WorkerPool::CreateSpawning). Not for a library's caller, whose threads a
// fork would copy mid-lock.
void AllowForkingFirstFetchers();

// The fetcher program to start, as CrawlOptions::fetcher_program documents;
// "" when there is none (fetchers are then forked). An explicit path that is
// not an executable file is returned as is, for the start to fail naming it.
std::string FindFetcherProgram(const std::string& configured);

// The pool of `workers` fetcher slots for a run with `options`, not yet
// started: they run the fetcher program when there is one (a clean process
// whatever threads the caller has), given options.fetch and the current log
// level as their configuration, except that each slot's first fetcher is
// forked after AllowForkingFirstFetchers; without a program all are forked
// from this process and run RunFetcher with options.fetch.
Result<std::unique_ptr<WorkerPool>> LaunchFetcherPool(std::size_t workers,
                                                      const CrawlOptions& options);

}  // namespace forage
