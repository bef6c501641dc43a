#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "forage/version.h"

namespace forage {

// --select NAME=CSS[@attr]: record field NAME lists, for every element the
// CSS selector matches, its text, or the value of attribute `attr`.
struct FieldRule {
  std::string name;
  std::string css;
  std::string attr;  // empty: the element's text

  bool operator==(const FieldRule&) const = default;
};

// What a page's extraction takes beyond title, description and links: the
// same for every HTML page of a run (CrawlOptions::fetch.extract) or of an
// ExtractHtml call.
struct ExtractSettings {
  // Record fields, as --select.
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
};

// Everything a fetcher process needs to fetch and extract pages: the part of
// a run's options that crosses to the fetchers, whole (the wire layer
// encodes it as the fetcher's configuration). Each field has the default
// the command line documents.
struct FetchSettings {
  // Transfers in flight inside each fetcher (its curl multi handle); also
  // the most jobs the master hands one fetcher at a time.
  int concurrency = 16;
  // Limit on a whole transfer, redirects and body included.
  std::chrono::milliseconds timeout{30'000};
  // Limit on connecting (DNS, TCP and TLS) for each connection.
  std::chrono::milliseconds connect_timeout{10'000};
  // Sent as the User-Agent header, and the product token robots.txt rules
  // are matched against.
  std::string user_agent = std::string("forage/") + kVersion;
  // Largest body accepted, counted after decompression; more gives too_large.
  std::uint64_t max_bytes = 10ull << 20;
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
  // A fetcher holding work that shows no sign of life for this long (its
  // heartbeat, stamped at least once a second, or results on its pipe) has
  // stopped (SIGSTOP, a deadlock): it is killed and replaced, and its URLs
  // are requeued as after any fetcher death. The master watches for it; the
  // fetcher paces its heartbeat by it (at least four beats per stall_timeout).
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

  // Extraction, for HTML pages.
  ExtractSettings extract;
};

}  // namespace forage
