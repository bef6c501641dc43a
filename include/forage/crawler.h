#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "forage/options.h"
#include "forage/record.h"
#include "forage/status.h"

namespace forage {

// What a finished run amounts to.
struct CrawlSummary {
  std::uint64_t records = 0;  // one per scheduled URL
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;          // errors that fail the run (exit status 1)
  std::uint64_t skipped = 0;         // not fetched by policy: robots, out_of_scope
  std::uint64_t seen_urls = 0;       // distinct URLs scheduled
  std::uint64_t seen_set_bytes = 0;  // memory of the set that remembers them
  std::uint64_t worker_deaths = 0;   // fetchers that died and were replaced
  bool interrupted = false;          // stopped by a signal or RequestStop()
  double seconds = 0;
  std::uint64_t bytes = 0;                         // body bytes of all records
  std::map<int, std::uint64_t> by_status;          // records by HTTP status (0: none)
  std::map<std::string, std::uint64_t> by_error;   // records by error kind
  std::uint64_t retries = 0;                       // transfers tried again
  std::uint64_t robots_denied = 0;                 // pages robots.txt refused
  std::vector<std::uint64_t> results_per_fetcher;  // results each fetcher slot delivered
};

// A snapshot for a progress display.
struct CrawlProgress {
  std::uint64_t done = 0;  // records written
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  std::uint64_t skipped = 0;
  std::uint64_t pending = 0;  // scheduled and not yet done (queued, in flight, waiting)
  std::uint64_t bytes = 0;
  double seconds = 0;
  // Records the run will write in all, once that is known: a run that does
  // not crawl (depth 0) and has read all its input.
  std::optional<std::uint64_t> total;
};

// Runs a scrape: a master loop in the calling thread and a fixed pool of
// forked fetcher processes. Every URL given as a seed yields exactly one
// Record, in order of completion.
//
// Fork safety: Run() forks. Call it from a process with a single thread (the
// fetchers inherit a copy of the caller and must not meet locks held by
// threads that do not exist in the child).
class Crawler {
 public:
  explicit Crawler(CrawlOptions options);
  ~Crawler();
  Crawler(const Crawler&) = delete;
  Crawler& operator=(const Crawler&) = delete;

  // Seeds, taken in the order they were added. A URL string is checked when
  // the run reaches it: a bad one yields an error record, not a failure here.
  void AddSeedUrl(std::string url);
  // A file with one URL a line ('#' comments and blank lines skipped,
  // whitespace trimmed); "-" is standard input. Files are opened here, so a
  // missing one fails now, naming it; they are read lazily during Run(), so a
  // list of any length takes bounded memory.
  Status AddSeedFile(const std::string& path);

  // Called in the master for every record as it completes. Returning a
  // failed Status (say, the output disk is full) stops the run: Run() then
  // returns that Status after the fetchers are gone.
  void OnRecord(std::function<Status(const Record&)> callback);

  // Called in the master about every `every` while the run goes on, and
  // once more at its end.
  void OnProgress(std::function<void(const CrawlProgress&)> callback,
                  std::chrono::milliseconds every);

  // Runs to completion. Fails only when the run itself cannot go on (no
  // fetcher can be started, a record callback failed).
  Result<CrawlSummary> Run();

  // Asks a running Run() to stop as SIGINT would. Async-signal-safe.
  void RequestStop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace forage
