#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "forage/export.h"

namespace forage {

// Why a URL did not yield a successful fetch. The name of each kind is the
// record's "error.kind". The numbers travel over pipes between processes and
// will sit in state files: new kinds go at the end, values are never reused.
enum class ErrorKind : std::uint8_t {
  kNone = 0,
  kInvalidUrl = 1,         // the input is not a URL libcurl can parse
  kUnsupportedScheme = 2,  // a scheme other than http or https
  kDns = 3,                // host name did not resolve
  kConnect = 4,            // connection refused or host unreachable
  kTls = 5,                // TLS handshake or certificate failure
  kTimeout = 6,            // --timeout or --connect-timeout elapsed
  kNetwork = 7,            // reset or closed mid-response, empty reply, short body
  kHttp = 8,               // the server answered with a status >= 400
  kTooLarge = 9,           // the decompressed body passed --max-bytes
  kRedirectLoop = 10,      // more than 10 redirects, or a cycle
  kWorkerCrash = 11,       // the fetcher died twice while holding this URL
  kInterrupted = 12,       // the run was stopped (SIGINT/SIGTERM) first
  kOther = 13,             // anything else; the message says what
  kRobots = 14,            // robots.txt disallows it (not a failure of the run)
  kOutOfScope = 15,        // a redirect led out of the crawl's scope (not a failure either)
  kBlocked = 16,           // the SSRF guard refused the address (not a failure either)
  // robots.txt could not be had (5xx, timeout, ...), so the URL was not
  // fetched: a failure, and with a state the next run fetches it again.
  kRobotsUnavailable = 17,
  // --accept-type refused the response's Content-Type: the transfer was
  // aborted after the headers (not a failure either).
  kUnwantedType = 18,
  // A sitemap (--sitemaps) broke the protocol: malformed, not a sitemap, or
  // past its limits (50,000 URLs, 50 MiB uncompressed). The URLs read before
  // the problem were still admitted. A failure.
  kSitemap = 19,
  // --canonical: the page names another URL as its canonical one, which has
  // (or will have) a record of its own; this record keeps the page's data
  // and its `canonical` (not a failure either).
  kDuplicate = 20,
};

// Whether records of this kind count as failures for the exit status. URLs
// skipped by policy (robots, out_of_scope, blocked, unwanted_type) and
// duplicates do not; robots_unavailable,
// an error that keeps the URL from being fetched, does.
FORAGE_API bool IsFailure(ErrorKind kind);

// The record name of `kind`, e.g. "unsupported_scheme"; "none" for kNone.
FORAGE_API std::string_view ErrorKindName(ErrorKind kind);

// The inverse of ErrorKindName; nullopt for an unknown name.
FORAGE_API std::optional<ErrorKind> ErrorKindFromName(std::string_view name);

// The inverse of the numeric value, for decoding; nullopt when out of range.
FORAGE_API std::optional<ErrorKind> ErrorKindFromNumber(std::uint8_t value);

}  // namespace forage
