#pragma once

#include "forage/crawler.h"
#include "forage/status.h"

namespace forage {

// Exit statuses of the forage command (documented in README.md, "Exit
// status"). main alone returns them, through ExitStatusFor.
enum ExitCode : int {
  kExitOk = 0,            // every record is ok (or skipped by policy)
  kExitSomeFailed = 1,    // some records are errors, or the records could not all be written
  kExitUsage = 2,         // bad flag or value, missing input file, unwritable output
  kExitLocked = 3,        // --lock or --state is held by another run
  kExitFatal = 4,         // the run could not go on: no fetcher could start, the --state or
                          // the queue file could not be written (a failed output is 1)
  kExitMaxTime = 5,       // stopped at --max-time, as SIGTERM would stop it
  kExitInterrupted = 130  // SIGINT or SIGTERM
};

// Where in a run of the command a failure came. The README's statuses
// follow the stage more than the kind of failure: whatever fails before
// anything is fetched is the user's to fix (2), whatever stops the crawl
// means it could not go on (4), and whatever fails once the records are
// out leaves them unpublished or unaccounted for (1).
enum class RunStage {
  kSetup,    // options, paths, the lock, the input, the state, opening the output
  kCrawl,    // Crawler::Run()
  kPublish,  // writing, closing and publishing the output, ending the pass, --stats
};

// The exit status for `failure` (which may be ok: kExitOk) at `stage`. A
// busy lock or state is 3 wherever it shows.
int ExitStatusFor(const Status& failure, RunStage stage);

// The exit status of a run that went to its end: 5 if it was stopped at
// --max-time, 130 if it was stopped otherwise, 1 if some records failed,
// else 0.
int ExitStatusFor(const CrawlSummary& summary);

}  // namespace forage
