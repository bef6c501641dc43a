#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "forage/export.h"
#include "forage/fetch_settings.h"
#include "forage/status.h"

namespace forage {

// Which discovered links a crawl follows, relative to the listed URL they
// descend from: the same host, the same registrable domain (Public Suffix
// List), or any.
enum class ScopeMode { kHost, kDomain, kAny };

// Everything that shapes a run. Each field has the default the command line
// documents; the CLI only overwrites what the user set.
struct CrawlOptions {
  // Fetcher processes started with the run (see fetcher_program) and kept at
  // this size; 0 means one per CPU.
  int workers = 0;
  // What each fetcher process is given, whole: transfers in flight, time
  // and size limits, User-Agent, --resolve, the address guard, the stall
  // heartbeat, its memory limit and what it extracts of a page.
  FetchSettings fetch;

  // Crawling. Links on a page at depth d are followed while d + 1 <= depth.
  int depth = 0;
  ScopeMode scope = ScopeMode::kHost;
  // RE2 patterns searched anywhere in a discovered link's canonical URL: if
  // any include is given one must match, and no exclude may. Listed URLs are
  // always fetched.
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  // --strip-query: query parameters removed from every URL the crawl
  // admits (listed, linked, redirected to) before it is recognised as seen
  // and before it is requested, so that links differing only by them are
  // one page; a record's "url" stays the URL as listed or found, its
  // "final_url" is the one fetched. Each pattern is a glob over the
  // parameter's percent-decoded name ("*" any run, "?" one character),
  // ASCII case ignored; it also removes ";name=value" path parameters
  // (";jsessionid=..."). With strip_query_default, a built-in list of
  // tracking parameters and session ids (utm_*, fbclid, gclid, jsessionid,
  // ...; see README) applies as well.
  std::vector<std::string> strip_query;
  bool strip_query_default = false;
  // At most this many records in all (0: no limit).
  std::uint64_t max_pages = 0;
  // --sitemaps: read the sitemaps (sitemaps.org) of each origin the run
  // reads robots.txt for: those its Sitemap: lines name, else /sitemap.xml;
  // sitemap indexes, gzip, plain text; and listed URLs whose last path
  // segment ends in ".xml" or ".xml.gz" or contains "sitemap" (ASCII case
  // ignored) are read as sitemaps. Each sitemap fetched gets a record of
  // its own (depth 0, its parent the robots.txt or index that named it, its
  // links the URLs it lists), but for a /sitemap.xml guessed and not there.
  // The URLs a sitemap lists are admitted as links of it at depth 1, whatever
  // `depth` (which only limits the links followed from them), through the
  // scope and patterns; with a state and recrawl_after, one whose <lastmod>
  // is older than its last fetch is not due. robots.txt is read for its
  // Sitemap: lines even when `robots` is false (its rules are then not
  // obeyed). Not with `frontier`.
  bool sitemaps = false;
  // --skip-noindex: a page whose robots meta tag or X-Robots-Tag says
  // noindex (Record::noindex) gets no record at all; its links are still
  // followed (unless nofollow), and with a state its URL counts as done.
  bool skip_noindex = false;
  // --canonical: a page whose canonical URL (Record::canonical) is another
  // URL than its own (compared in canonical form; its redirects' URLs count
  // as its own) has that URL admitted as a link of its own, at the page's
  // depth (so --depth never keeps it out; scope, patterns, --max-pages and
  // the seen set judge it as any link). If it is admitted, or was before
  // (it has or will have a record of its own), the page's record is of
  // kind "duplicate" (not a failure), message "duplicate of URL", its data
  // and links kept (they are followed); if it is refused, the page is
  // recorded as usual.
  bool canonical = false;
  // URLs waiting in memory (as jobs, some 420 bytes each); further ones
  // wait, some 100 bytes each, in an unlinked temporary file in $TMPDIR
  // (else /tmp) until those have gone, so that a crawl's memory stays flat
  // however many URLs it finds (0: no limit, no file).
  std::size_t queue_in_memory = 100'000;

  // Politeness, across all fetchers.
  int per_host = 4;                    // transfers in flight to one host
  std::chrono::milliseconds delay{0};  // minimum gap between request starts to one host
  bool robots = true;                  // obey robots.txt (RFC 9309)
  // Attempts after the first for connect errors, timeouts, 429 and 5xx,
  // after a back-off starting at retry_wait and doubling each time (with
  // jitter), unless Retry-After says otherwise (capped at 5 minutes).
  int retries = 2;
  std::chrono::milliseconds retry_wait{1'000};
  // A fetcher busy parsing one page for longer than this is killed and the
  // page recorded as worker_crash (gumbo is slow on hostile nesting).
  std::chrono::milliseconds parse_timeout{10'000};

  // --max-time: a deadline for the whole run, counted on the monotonic clock
  // from the start of Crawler::Run() (0: none). When it passes, the run
  // stops exactly as on SIGTERM (without a state the URLs not finished get
  // "interrupted" records, with one they stay pending for the next run, a
  // node of a shared crawl hands its claims back), and Run() returns with
  // CrawlSummary::max_time_reached set.
  std::chrono::milliseconds max_time{0};

  // --state: the SQLite file (created if missing) that makes runs
  // resumable and recrawls cheap; empty: none. Crawler::Run() opens and
  // locks it, resumes the pass a stopped or killed run left, and finishes
  // the pass when a run completes (see Crawler::Run and OnCommit).
  std::string state_path;
  // Incremental runs (with a state). A new pass fetches a URL recorded by
  // an earlier pass only when that was at least `recrawl_after` ago (0:
  // always), sending If-None-Match/If-Modified-Since from the stored
  // ETag/Last-Modified; a URL not yet due gets no record (its stored links
  // are followed as if it had been fetched).
  std::chrono::milliseconds recrawl_after{0};
  // A 304 to such a request (the page is unchanged) yields no record.
  bool changed_only = false;

  // --cookie-jar: a Netscape cookie file (as curl's -b/-c and wget's
  // --load-cookies/--save-cookies read and write it) that the run's cookie
  // session starts from, if it exists, and is written back to whole at the
  // end of the run (atomically, also after a stop by signal or
  // RequestStop); "" none. Without it, a run with a state keeps its session
  // there instead, so a scheduled run stays logged in. See fetch.cookies.
  std::string cookie_jar;

  // A crawl shared by several masters ("nodes", on this machine or others)
  // through Redis: "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]" or
  // "unix:///PATH[?db=N]"; empty: this process crawls alone. The nodes
  // started with the same crawl_id share one seen set, one queue per host,
  // politeness (per_host, delay, Crawl-delay, pauses), robots.txt per origin,
  // retries and --max-pages; each writes its own records, exactly once over
  // all of them whatever node dies. The settings that must agree (per_host,
  // delay, depth, scope, include, exclude, strip_query with
  // strip_query_default, max_pages, robots, fetch.user_agent) are stored
  // by the first node, and a node that brings different ones is refused.
  // Not with state_path. See README, "Many machines".
  std::string frontier;
  // The crawl's name: 1 to 100 of A-Z a-z 0-9 . _ - (required with frontier).
  std::string crawl_id;
  // This node's name within the crawl, same characters; empty: the host
  // name and the process id. A node restarted with its id after it died
  // carries on its output where the crawl has it.
  std::string node_id;
  // How long a node's claims outlive its last heartbeat (sent every third
  // of it): a node that dies, or is stopped or cut off for longer, has its
  // URLs handed to the others after this long.
  std::chrono::milliseconds lease_ttl{30'000};

  // The fetcher program (forage-fetcher) each fetcher process runs. Empty:
  // $FORAGE_FETCHER, else forage-fetcher beside the running program or in
  // ../libexec/forage/ from it or from libforage.so, else the installed
  // one. Started with posix_spawn, fetchers are clean processes whatever
  // threads the calling program has. If no fetcher program is found, the
  // fetchers are forked from the calling process instead, which is only safe
  // when it has no other threads (debug log says which).
  std::string fetcher_program;

  // Block SIGINT/SIGTERM in the calling process and turn them into a clean
  // stop (records of kind "interrupted"). An embedding program that handles
  // signals itself sets this to false and calls Crawler::RequestStop().
  bool handle_signals = true;
};

// Whether `options` describe a run the library can make: counts at least 1
// where a run needs one (fetch.concurrency, per_host), no negative count or
// duration, --include/--exclude patterns and --select rules that compile,
// --strip-query patterns that name a parameter (not empty, no "=" or "&"),
// well-formed --resolve entries, a User-Agent that is not empty and holds
// no control character but tab, --accept-type media ranges, and a max_bytes
// of at most 256 MiB with fetch.keep_body. The first problem found fails it, with a
// message naming the setting by its command-line flag, e.g. "--resolve:
// "x" is not HOST:PORT:ADDRESS (PORT 1 to 65535)". Crawler::Run() checks
// the same before it starts anything; the forage command checks it as
// usage (exit status 2). Any thread may call it.
FORAGE_API Status ValidateOptions(const CrawlOptions& options);

}  // namespace forage
