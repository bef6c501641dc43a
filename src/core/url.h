#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/whatwg_url.h"
#include "forage/record.h"

namespace forage {

// URLs longer than this are refused as invalid_url: they could not travel in
// one work-queue frame, and no server we would want to crawl accepts them.
inline constexpr std::size_t kMaxUrlBytes = 32 * 1024;

// The outcome of checking one input URL.
struct CheckedUrl {
  std::string url;                   // what to request: the URL serialized, ASCII only
  std::optional<RecordError> error;  // invalid_url or unsupported_scheme
};

// Checks a URL given as input, with the WHATWG URL parser (WhatwgUrl).
// Without a scheme, http:// is assumed (as curl and wget do): a scheme is
// what precedes "://", or "name:" not followed by a digit ("localhost:8080/x"
// is a host and port, "mailto:x" a scheme). Any scheme but http and https is
// unsupported_scheme; what the parser refuses, or longer than kMaxUrlBytes,
// is invalid_url with the reason. The URL given back has its host in ASCII
// (an IDN host in punycode), which is what libcurl is handed.
CheckedUrl CheckInputUrl(std::string_view text);

// Resolves link references against one base URL as browsers do: the WHATWG
// URL Standard's parser (WhatwgUrl::Parse) with that base. The base may have
// any scheme; against a base that is not http(s) ("file:///x/", "sc://h/",
// "about:blank") a relative reference gives no http(s) URL.
//
// ResolveLink has a fast path for the plain references that make up most of
// a page's links ("page.html", "dir/page.html?a=b", "/abs/page.html", and
// "http://host/abs/page.html" on the base's own origin, written as the
// parser writes it): built by joining strings onto the base's origin or
// directory, or the reference itself. It takes only references whose
// resolution by the parser is that: no other scheme or "//" authority, no
// dot segments but leading "./" and "../", nothing the parser would encode;
// everything else goes through the parser. A test checks the two agree on
// random references.
class UrlResolver {
 public:
  // The base is `base` parsed on its own; when it does not parse, valid()
  // is false and nothing resolves.
  explicit UrlResolver(std::string_view base);
  explicit UrlResolver(WhatwgUrl base);
  bool valid() const { return base_.has_value(); }

  // The URL `reference` names against the base (or on its own, without a
  // valid base), or why it names none.
  Result<WhatwgUrl> ResolveUrl(std::string_view reference) const;

  // The serialized form of `reference` resolved, fragment kept; nullopt if
  // it does not resolve. Any scheme; the caller filters.
  std::optional<std::string> Resolve(std::string_view reference) const;

  // Like Resolve, but only http/https results, with the fragment removed:
  // the form in which links are recorded.
  std::optional<std::string> ResolveLink(std::string_view reference) const;

  // ResolveLink without the fast path: the parser for every reference. The
  // reference the fast path is tested against.
  std::optional<std::string> ResolveLinkFully(std::string_view reference) const;

 private:
  void PrepareFastPath();
  std::optional<WhatwgUrl> base_;
  // For the fast path, with an http(s) base: the base serialized without
  // its fragment, "scheme://authority", that followed by the base's path,
  // and by the path up to its last "/" (empty: no fast path).
  std::string document_;
  std::string origin_;
  std::string file_;
  std::string directory_;
};

// `url` without its "#fragment".
std::string_view StripFragment(std::string_view url);

// An absolute http(s) URL in the canonical form forage uses to recognise the
// same page spelt differently: the WHATWG serialization without its fragment
// (scheme and host in lower case, an IDN host in punycode, the default port
// dropped, dot segments resolved, what must be percent-encoded encoded), with
// percent-escapes in upper case ("%7e" and "%7E" are one URL). Its parts are
// views into `url`.
struct CanonicalUrl {
  std::string url;
  std::size_t origin_end = 0;  // url[0, origin_end) is "scheme://[userinfo@]host[:port]"
  std::size_t host_begin = 0;
  std::size_t host_end = 0;
  std::string_view origin() const { return std::string_view(url).substr(0, origin_end); }
  std::string_view host() const {
    return std::string_view(url).substr(host_begin, host_end - host_begin);
  }
  // What an HTTP request names: the path and "?query", never empty.
  std::string_view path_and_query() const { return std::string_view(url).substr(origin_end); }
};

// nullopt when `url` is not an absolute http(s) URL. A URL already in
// canonical form and plain (as most links are, after
// UrlResolver::ResolveLink) is recognised without the parser; a test checks
// that both give the same.
std::optional<CanonicalUrl> Canonicalize(std::string_view url);
// Canonicalize through the parser for every URL: what the fast path is
// tested against.
std::optional<CanonicalUrl> CanonicalizeFully(std::string_view url);
// The canonical form of a parsed URL; nullopt if it is not http(s).
std::optional<CanonicalUrl> CanonicalOf(const WhatwgUrl& url);

// A 64-bit fingerprint of a canonical URL: what the seen set stores.
// Stable across runs and builds (FNV-1a, then a SplitMix64 finaliser).
std::uint64_t UrlFingerprint(std::string_view canonical_url);

// SplitMix64's finaliser: spreads a hash's bits over all 64 (a bijection).
constexpr std::uint64_t SpreadBits(std::uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

}  // namespace forage
