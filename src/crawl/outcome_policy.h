#pragma once

// What the master does with a fetch's outcome, as pure decisions: whether to
// try again and when, whether a redirect is followed, what a robots.txt
// answer means for its origin. No process, no clock of their own (the time
// and the random draw are arguments), so each rule is unit-tested alone.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/query_filter.h"
#include "core/url.h"
#include "crawl/job_table.h"
#include "crawl/robots.h"
#include "crawl/scope.h"
#include "forage/error_kind.h"

namespace forage {

// --- Retries ---------------------------------------------------------------

struct RetryPolicy {
  int retries = 2;                           // attempts after the first
  std::chrono::milliseconds first_wait{1'000};  // back-off of the first retry
  // No wait is longer, however many attempts or whatever Retry-After says.
  static constexpr std::chrono::minutes kMaxWait{5};
};

// What a failed attempt looked like.
struct Attempt {
  ErrorKind error = ErrorKind::kNone;
  int status = 0;
  std::int64_t retry_after_s = -1;  // -1: no Retry-After
  int attempts_before = 0;          // failed attempts at this hop before this one
};

struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds wait{0};
  // A 429 or 503 holds back the whole host for `wait` too; `asked` when the
  // server said how long (Retry-After), which the run reports.
  bool pause_host = false;
  bool asked = false;
};

// Connect errors, timeouts, 429 and 5xx are tried again, policy.retries
// times, after a back-off that doubles from first_wait with each attempt
// (times `jitter`, a draw from [0.5, 1.5)) or what Retry-After asks; either
// way at most RetryPolicy::kMaxWait.
RetryDecision DecideRetry(const RetryPolicy& policy, const Attempt& attempt, double jitter);

// --- Redirects -------------------------------------------------------------

inline constexpr int kMaxRedirects = 10;

struct RedirectDecision {
  // Followed: the next hop's canonical form and what to request (the URL
  // serialized in ASCII, so that an IDN host reaches libcurl in punycode).
  std::optional<CanonicalUrl> target;
  std::string request_url;
  // Not followed: why (the hop's record carries it).
  ErrorKind error = ErrorKind::kNone;
  std::string message;
};

// Whether `job` (at its current hop) follows a redirect to `location` (the
// Location header the fetcher resolved): a URL too long, invalid, of another
// scheme, a chain over kMaxRedirects or back to a URL already in it, or,
// for a page found by crawling, a host outside its scope, ends the record
// at this hop. Listed URLs (depth 0) follow their redirects anywhere. On a
// decision to follow, `job`'s chain, hop count and, for a listed URL, scope
// root are updated; whether the target was seen already is the frontier's
// business. The target is taken without the parameters `strip` removes
// (--strip-query), as a link would be.
RedirectDecision DecideRedirect(Job* job, std::string_view location, const ScopeFilter& scope,
                                const QueryFilter& strip);

// --- robots.txt -------------------------------------------------------------

// What an origin's robots.txt fetch means for its pages.
struct RobotsVerdict {
  RobotsRules rules = RobotsRules::AllowAll();
  // What a disallowed page gets: kRobots for the site's own rules; when
  // robots.txt could not be had, the failure it stands for.
  ErrorKind denial = ErrorKind::kRobots;
  std::string message = "robots.txt disallows this URL";
  // robots.txt asked for a Crawl-delay: the host's delay (capped at 30 s).
  std::optional<std::chrono::milliseconds> crawl_delay;
  // What `rules` were made of, so that another process can make the same:
  // the body parsed (at most RobotsRules::kMaxBytes of it), or one of the
  // fixed rule sets.
  enum class Basis { kAllowAll, kDisallowAll, kParsed };
  Basis basis = Basis::kAllowAll;
  std::string body;
};

// The answer to a robots.txt fetch (after its retries): 2xx gives its rules,
// 4xx allows everything; a 5xx, timeout or other failure disallows
// everything for the run (RFC 9309 section 2.3.1) as robots_unavailable,
// which fails the run and which a state fetches again next time. A host
// that cannot be reached at all (DNS, refused, TLS, or an address the SSRF
// guard refuses) keeps that failure's own kind for its pages.
RobotsVerdict JudgeRobots(ErrorKind error, int status, std::string_view error_message,
                          std::string_view body, std::string_view user_agent, int attempts);

// A robots.txt job whose fetcher died under it twice: its origin is off
// limits for the run, its pages worker_crash.
RobotsVerdict RobotsLost(const std::string& failure);

}  // namespace forage
