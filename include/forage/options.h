#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "forage/version.h"

namespace forage {

// Which discovered links a crawl follows, relative to the listed URL they
// descend from: the same host, the same registrable domain (Public Suffix
// List), or any.
enum class ScopeMode { kHost, kDomain, kAny };

// --select NAME=CSS[@attr]: record field NAME lists, for every element the
// CSS selector matches, its text, or the value of attribute `attr`.
struct FieldRule {
  std::string name;
  std::string css;
  std::string attr;  // empty: the element's text
};

// Everything that shapes a run. Each field has the default the command line
// documents; the CLI only overwrites what the user set.
struct CrawlOptions {
  // Fetcher processes forked at start and kept at this size; 0 means one per CPU.
  int workers = 0;
  // Transfers in flight inside each fetcher (its curl multi handle).
  int concurrency = 16;
  // Limit on a whole transfer, redirects and body included.
  std::chrono::milliseconds timeout{30'000};
  // Limit on connecting (DNS, TCP and TLS) for each connection.
  std::chrono::milliseconds connect_timeout{10'000};
  std::string user_agent = std::string("forage/") + kVersion;
  // Largest body accepted, counted after decompression; more gives too_large.
  std::uint64_t max_bytes = 10ull << 20;

  // Crawling. Links on a page at depth d are followed while d + 1 <= depth.
  int depth = 0;
  ScopeMode scope = ScopeMode::kHost;
  // RE2 patterns searched anywhere in a discovered link's canonical URL: if
  // any include is given one must match, and no exclude may. Listed URLs are
  // always fetched.
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  // At most this many records in all (0: no limit).
  std::uint64_t max_pages = 0;
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
  // A fetcher holding work that shows no sign of life for this long (its
  // heartbeat, stamped at least once a second, or results on its pipe) has
  // stopped (SIGSTOP, a deadlock): it is killed and replaced, and its URLs
  // are requeued as after any fetcher death.
  std::chrono::milliseconds stall_timeout{30'000};
  // The most memory (MiB) each fetcher process may take, as RLIMIT_DATA:
  // a hostile page that makes the parser's tree explode kills its fetcher
  // rather than the machine; the fetcher is replaced and the page, killing
  // a second one, gets worker_crash. kAutoFetcherMemory: 256 MiB plus
  // (2 x concurrency + 32) x max_bytes, room for every body in flight and
  // for the tree of the biggest page; 0: no limit. Not applied in builds
  // with AddressSanitizer, whose shadow memory it would count.
  static constexpr std::uint64_t kAutoFetcherMemory = ~std::uint64_t{0};
  std::uint64_t fetcher_memory_mib = kAutoFetcherMemory;
  // "HOST:PORT:ADDRESS" entries sending a host's connections to an address,
  // as curl's --resolve does (tests use it to name several local hosts).
  std::vector<std::string> resolve;
  // The SSRF guard, applied to the address of every connection as it is
  // made (after DNS, on every redirect hop): deny_private refuses loopback,
  // private, link-local, multicast, reserved and unspecified addresses (and
  // ignores proxy settings, since through a proxy the guard cannot see where
  // a request goes); without it, link-local addresses (169.254.0.0/16, where
  // clouds serve instance metadata, and fe80::/10) are still refused unless
  // allow_link_local. A refused URL's record has kind "blocked".
  bool deny_private = false;
  bool allow_link_local = false;

  // Extraction, for HTML pages.
  std::vector<FieldRule> select;
  bool text = false;                 // add the page's visible text to records
  std::size_t max_text = 64 * 1024;  // ... cut to this many bytes
  // Links a record keeps: the first max_links distinct ones (0: no limit).
  // Those past it are neither recorded nor followed, and the record says
  // "links" in its `truncated` list. Extraction stops there, so a page of a
  // million links costs a fetcher and the master no more than one of
  // max_links. A record's links, its --select values and its text are also
  // kept within 16 MiB each, whatever the limits, and named when cut.
  std::size_t max_links = 20'000;

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

}  // namespace forage
