#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/curl_ptr.h"
#include "forage/record.h"

namespace forage {

// URLs longer than this are refused as invalid_url: they could not travel in
// one work-queue frame, and no server we would want to crawl accepts them.
inline constexpr std::size_t kMaxUrlBytes = 32 * 1024;

// The outcome of checking one input URL.
struct CheckedUrl {
  std::string url;                   // what to request, as libcurl normalised it
  std::optional<RecordError> error;  // invalid_url or unsupported_scheme
};

// Checks a URL given as input. Without a scheme, http:// is assumed (as curl
// and wget do); any scheme but http and https is unsupported_scheme; what
// libcurl's URL API cannot parse is invalid_url, with its reason.
CheckedUrl CheckInputUrl(std::string_view text);

// Resolves link references against one absolute base URL with libcurl's URL
// API (RFC 3986 section 5), first doing what Debian's curl 7.88 gets wrong or
// leaves to the caller: surrounding whitespace and control characters are
// trimmed and tabs and newlines removed (as browsers do), "\" is "/" for http
// and https, and "" and "#frag" refer to the base document itself.
//
// ResolveLink has a fast path for the plain references that make up most of
// a page's links ("page.html", "dir/page.html?a=b", "/abs/page.html"): built
// by joining strings onto the base's origin or directory, where curl's API
// costs some 90,000 instructions a link (it prints the base, joins and
// parses the whole URL again). It takes only references whose resolution
// cannot differ: no scheme, no "//" authority, no dot segments but leading
// "./" and "../", nothing curl would encode or clean; everything else goes
// through curl. A test checks the two paths agree on random references.
class UrlResolver {
 public:
  // nullopt-like state when `base` is not an absolute URL: see valid().
  explicit UrlResolver(std::string_view base);
  bool valid() const { return base_ != nullptr; }

  // The absolute form of `reference`, fragment kept; nullopt if it does not
  // resolve. Any scheme is allowed here; the caller filters.
  std::optional<std::string> Resolve(std::string_view reference) const;

  // Like Resolve, but only http/https results, with the fragment removed:
  // the form in which links are recorded.
  std::optional<std::string> ResolveLink(std::string_view reference) const;

  // ResolveLink without the fast path: curl's URL API for every reference.
  // The reference the fast path is tested against.
  std::optional<std::string> ResolveLinkWithCurl(std::string_view reference) const;

 private:
  CurlUrl Apply(std::string_view reference) const;
  CurlUrl base_;
  // For the fast path, with an http(s) base: "scheme://authority" and that
  // followed by the base's path up to its last "/" (empty: no fast path).
  std::string origin_;
  std::string directory_;
};

// `url` without its "#fragment".
std::string_view StripFragment(std::string_view url);

// An absolute http(s) URL in the canonical form forage uses to recognise the
// same page spelt differently: scheme and host in lower case, an IDN host in
// punycode (needs an UTF-8 LC_CTYPE, which the forage command sets), the
// default port dropped, dot segments resolved, the fragment dropped, and
// percent-escapes in upper case ("%7e" and "%7E" are one URL). Its parts are
// views into `url`.
struct CanonicalUrl {
  std::string url;
  std::size_t origin_end = 0;  // url[0, origin_end) is "scheme://host[:port]"
  std::size_t host_begin = 0;
  std::size_t host_end = 0;
  std::string_view origin() const { return std::string_view(url).substr(0, origin_end); }
  std::string_view host() const {
    return std::string_view(url).substr(host_begin, host_end - host_begin);
  }
  // What an HTTP request names: the path and "?query", never empty.
  std::string_view path_and_query() const { return std::string_view(url).substr(origin_end); }
};

// nullopt when `url` is not an absolute http(s) URL libcurl can parse. A URL
// already in canonical form and plain (as most links are, after
// UrlResolver::ResolveLink) is recognised without curl's URL API; a test
// checks that both give the same.
std::optional<CanonicalUrl> Canonicalize(std::string_view url);
// Canonicalize through curl's URL API for every URL: what the fast path is
// tested against.
std::optional<CanonicalUrl> CanonicalizeWithCurl(std::string_view url);

// A 64-bit fingerprint of a canonical URL: what the seen set stores.
// Stable across runs and builds (FNV-1a, then a SplitMix64 finaliser).
std::uint64_t UrlFingerprint(std::string_view canonical_url);

}  // namespace forage
