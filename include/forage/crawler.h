#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "forage/export.h"
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
  bool interrupted = false;          // stopped by a signal or RequestStop(), or at max_time
  // Stopped because CrawlOptions::max_time ran out (interrupted is set too,
  // so code that only asks whether the run was cut short needs no change).
  bool max_time_reached = false;
  // A run that was stopped (interrupted, or a failure): the URLs read or
  // found and not finished. Without a state each got an "interrupted"
  // record; with one they stay pending in it for the next run (robots.txt
  // fetches waiting included); a node of a shared crawl counts those it
  // held, which it hands back to the crawl. Input not yet read is not
  // counted.
  std::uint64_t unfinished = 0;
  double seconds = 0;
  std::uint64_t bytes = 0;                         // body bytes of all records
  std::map<int, std::uint64_t> by_status;          // records by HTTP status (0: none)
  std::map<std::string, std::uint64_t> by_error;   // records by error kind
  std::uint64_t retries = 0;                       // transfers tried again
  std::uint64_t robots_denied = 0;                 // pages robots.txt refused
  std::uint64_t truncated = 0;  // records with something cut (Record::truncated)
  // Hosts that a 429 or 503 with Retry-After held back, and for how long in
  // all (seconds; overlapping holds counted once), as asked: a run stopped
  // during a hold counts it whole.
  std::map<std::string, double> held_back;
  // With a state (CrawlOptions::state_path):
  std::uint64_t unchanged = 0;  // 304s to conditional requests (written or not: --changed-only)
  std::uint64_t not_due = 0;    // recorded more recently than --recrawl-after: not fetched
  std::uint64_t resumed = 0;    // URLs an unfinished pass had left pending, taken up again
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
// fetcher processes. Every URL given as a seed yields exactly one Record, in
// order of completion (with a state, one in its pass: see Run()).
//
// Processes: Run() starts its fetchers as the program forage-fetcher with
// posix_spawn (see CrawlOptions::fetcher_program), so they are clean processes
// whatever threads the caller has, and the caller's descriptors and signal
// handlers stay its own. Only when no fetcher program can be found are they
// forked from the caller, which then must have a single thread.
class FORAGE_API Crawler {
 public:
  explicit Crawler(CrawlOptions options);
  ~Crawler();
  Crawler(const Crawler&) = delete;
  Crawler& operator=(const Crawler&) = delete;

  // Seeds, taken in the order they were added. A URL string is checked when
  // the run reaches it: a bad one yields an error record, not a failure here.
  void AddSeed(std::string url);
  // A file with one URL a line ('#' comments and blank lines skipped,
  // whitespace trimmed); "-" is standard input. Files are opened here, so a
  // missing one fails now, naming it; they are read lazily during Run(), so a
  // list of any length takes bounded memory.
  Status AddSeedFile(const std::string& path);

  // Consulted in the calling thread for each link found on a page that
  // would be scheduled (within --depth, in scope, past the patterns, never
  // seen before in this run), with its absolute URL and the depth it would
  // have; false drops it, without a record. Each distinct URL is asked about
  // once. Listed URLs are not filtered. Must not call back into the Crawler.
  void OnAdmit(std::function<bool(std::string_view url, int depth)> filter);

  // Called in the master for every record as it completes. Returning a
  // failed Status (say, the output disk is full) stops the run: Run() then
  // returns that Status after the fetchers are gone.
  void OnRecord(std::function<Status(const Record&)> callback);

  // Called in the master about every `every` while the run goes on, and
  // once more at its end.
  void OnProgress(std::function<void(const CrawlProgress&)> callback,
                  std::chrono::milliseconds every);

  // With a state (CrawlOptions::state_path): called in the master just
  // before each commit of the state, once every record so far has been
  // handed to OnRecord. Make those records durable here (flush and sync a
  // file, commit a transaction): once the commit follows, no run of the pass
  // delivers them again. A failed Status stops the run, and that commit
  // does not happen. See docs/api.md, "Resumable runs".
  void OnCommit(std::function<Status()> commit);

  // Runs to completion. Fails only when the run itself cannot go on (no
  // fetcher can be started, a record callback or OnCommit failed, the state
  // cannot be opened or written); the Status's code says which kind.
  //
  // With CrawlOptions::state_path, Run() opens the state (creating it if
  // need be) and holds its lock until it returns: a state another run holds
  // fails at once with kBusy. It resumes the pass an earlier run left
  // unfinished (its pending URLs first; those it recorded are not fetched
  // again and get no record) or begins a new one, commits as it goes (about
  // once a second) and at the end of a run that completes or is stopped
  // (one that fails keeps its last commit), and finishes the pass when the
  // run completes (not when it is stopped or fails: the next Run() resumes
  // it). recrawl_after and changed_only then apply (see CrawlOptions).
  Result<CrawlSummary> Run();

  // The counts of the last Run(), also when it failed (what was recorded up
  // to the failure, for --stats).
  const CrawlSummary& LastSummary() const;

  // Asks a running Run() to stop as SIGINT would. Async-signal-safe.
  void RequestStop();

 private:
  friend struct CrawlerInternals;  // src/crawl/crawler_internals.h: the forage command's hooks
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace forage
