#pragma once

// The frontier: everything about which URL is fetched when. It admits URLs
// (the seen set, scope, patterns, depth, --max-pages, the admit filter),
// keeps those waiting (in memory, spilled to disk, resumed from a state),
// holds hosts to their politeness (per-host limit, delay, Crawl-delay,
// Retry-After pauses, the robots.txt block), keeps robots.txt rules per
// origin, times retries, and keeps the pass bookkeeping of --state
// (revisits, validators, URLs not due).
//
// The master talks to it in decisions: an admission says whether the URL
// was queued, refused (and why) or ended at once (its record to write); a
// claim hands out a job to fetch, which the master holds (its lease) until
// it hands it back in exactly one of Finish, RetryAt, Return, Redirect or
// PutRobots. Nothing here calls back into the master.
//
// LocalFrontier (local_frontier.h) keeps all of it in this process. The
// interface is shaped for a second implementation in a store shared by
// several masters: admission, a claim under a lease, the lease's end with
// its outcome, a retry at a time, a paused or slowed host, robots rules per
// origin, and progress counts are each one call.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawl/job_table.h"
#include "crawl/outcome_policy.h"
#include "crawl/scheduler.h"
#include "crawl/url_source.h"
#include "forage/record.h"
#include "forage/status.h"
#include "state/state_store.h"

namespace forage {

// An admitted URL that ended without a fetch (an invalid listed URL, a page
// robots.txt refuses): its record carries `error`.
struct EndedJob {
  Job job;
  RecordError error;
};
using Ended = std::vector<EndedJob>;

// What an admission decided.
enum class Admission {
  kQueued,     // waits to be claimed
  kEnded,      // admitted, and ended at once: its record is in `ended`
  kNotDue,     // recorded by an earlier pass more recently than --recrawl-after: no record
  kSeen,       // admitted before in this run (or this pass): no record
  kPageLimit,  // --max-pages reached
  kTooDeep,    // beyond --depth
  kNotHttp,    // a link that is no http(s) URL, or longer than a listed URL may be
  kBinary,     // a link to a well-known binary format, which no --include takes in
  kOutOfScope,
  kPatterns,  // --include / --exclude
  kFiltered,  // the embedder's OnAdmit filter said no
};

// The page a link was found on, as its links inherit it.
struct LinkSource {
  int depth = 0;
  std::shared_ptr<const std::string> url;         // the page's final URL: its links' parent
  std::shared_ptr<const std::string> scope_root;  // see ScopeFilter::RootOf
};

// A claimed job: fetch it. `confirm`: its host has a delay, and waits to
// hear (Sent) when the request went out.
struct Claim {
  Job job;
  bool confirm = false;
};

// Where the frontier's work stands.
struct FrontierCounts {
  std::uint64_t admitted = 0;  // page URLs admitted: each will be one record
  std::size_t waiting = 0;     // admitted, not claimed: queued, timed for a retry, on disk
  std::size_t seen = 0;        // distinct URLs known to the run
  std::size_t seen_bytes = 0;  // memory of the set that remembers them
  std::uint64_t not_due = 0;   // with a state: recorded recently enough, not fetched
  std::uint64_t resumed = 0;   // with a state: left pending by an unfinished pass
};

class Frontier {
 public:
  using TimePoint = SchedulerClock::time_point;
  virtual ~Frontier() = default;

  // --- Admission ---------------------------------------------------------------
  // A line of the input. Listed URLs skip the crawl's filters; a line that is
  // no URL ends at once with its error (kEnded).
  virtual Admission AdmitListed(const InputLine& line, Ended* ended) = 0;
  // A link found on `from`.
  virtual Admission AdmitLink(const LinkSource& from, const std::string& link, Ended* ended) = 0;
  // All the links found on `from`, in order (a shared frontier admits them
  // in one round trip).
  virtual void AdmitLinks(const LinkSource& from, const std::vector<std::string>& links,
                          Ended* ended) {
    for (const std::string& link : links) AdmitLink(from, link, ended);
  }
  // What a sitemap job read (--sitemaps): the page URLs a urlset or text
  // sitemap lists, admitted as its links at depth 1 whatever --depth
  // (through scope, patterns and the seen set; `lastmods` alongside, 0:
  // none), or the sitemaps an `index` lists, admitted as sitemap jobs one
  // level deeper. A shared frontier reads no sitemaps (--sitemaps is refused
  // with --frontier).
  // `from` is the sitemap (depth 0), `level` its Job::sitemap.
  virtual void AdmitSitemapEntries(const LinkSource& from, int level, bool index,
                                   const std::vector<std::string>& urls,
                                   const std::vector<std::int64_t>& lastmods, Ended* ended) {
    (void)from, (void)level, (void)index, (void)urls, (void)lastmods, (void)ended;
  }
  // The links stored with a page's last full fetch (a 304 revisit follows them).
  virtual std::vector<std::string> KnownLinks(const Job& page) = 0;
  // Whether --max-pages admits nothing more.
  virtual bool AtPageLimit() const = 0;

  // --- Work -----------------------------------------------------------------------
  // Brings waiting work within reach before claims (a LocalFrontier takes
  // URLs waiting on disk back into memory as room frees); a URL that turns
  // out not to be one ends in `ended`.
  virtual void Refill(Ended* ended) = 0;
  // The next job allowed to start at `now`, or nullopt if none is ready yet
  // ("none ready" is not "none left": see Counts().waiting). Held until it is
  // handed back. `room`: how many jobs the caller could take now (a shared
  // frontier claims that many in one round trip). Claimed jobs that end
  // without a fetch (robots.txt refuses them) go to `ended`, still held.
  virtual std::optional<Claim> ClaimNext(TimePoint now, std::size_t room, Ended* ended) = 0;
  // The earliest moment a waiting job may become ready: the poll timeout.
  virtual std::optional<TimePoint> NextDeadline() const = 0;
  // The claimed job's request had gone out by `at` (see Scheduler::Started).
  virtual void Sent(const Job& job, TimePoint at) = 0;

  // --- The end of a claim (exactly one of these) --------------------------------
  // The job is over: its record was written (`recorded`: its outcome, kept
  // for the next pass), or was not and never will be in this run (nullptr:
  // with a state the URL stays pending there). Also for jobs that ended
  // without a claim (admission, stop), to settle their bookkeeping.
  virtual void Finish(const Job& job, const StateStore::Outcome* recorded, TimePoint now) = 0;
  // Tries the job again once `at` has come (a retry's back-off).
  virtual void RetryAt(Job job, TimePoint at, TimePoint now) = 0;
  // Its fetcher died: queued again as it was, behind its host's other jobs
  // (a robots.txt job ahead of them).
  virtual void Return(Job job, TimePoint now) = 0;
  // The job's fetch answered with a redirect to `location`. Followed, it
  // waits for its next hop (nullopt). Otherwise the job comes back, to be
  // recorded at this hop, with the error that ended it, or none when the
  // target was admitted before (it has a record of its own). A followed hop
  // robots.txt refuses ends in `ended`.
  struct Stopped {
    Job job;
    std::optional<RecordError> error;
  };
  virtual std::optional<Stopped> Redirect(Job job, std::string_view location, TimePoint now,
                                          Ended* ended) = 0;
  // A robots.txt job is over with `verdict` for its origin: the origin's
  // waiting pages the rules refuse end in `ended`, its host goes on.
  virtual void PutRobots(Job robots_job, RobotsVerdict verdict, TimePoint now, Ended* ended) = 0;

  // --- Hosts ---------------------------------------------------------------------
  // Holds back every request to `host` until `until` (a 429 or 503).
  virtual void PauseHost(const std::string& host, TimePoint until) = 0;

  // --- The end of a run ---------------------------------------------------------
  // Takes a waiting job out, in memory first, then on disk; nullopt when none
  // is left. For records of a run that stops before fetching them.
  virtual std::optional<Job> TakeWaiting() = 0;
  // Forgets what waits (a run with a state stops: it stays pending there).
  virtual void DropWaiting() = 0;

  virtual FrontierCounts Counts() const = 0;
  // The first failure that keeps the frontier from going on (a disk holding
  // waiting URLs, the state), or ok. Sticks.
  virtual const Status& status() const = 0;
};

}  // namespace forage
