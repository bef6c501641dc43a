#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "forage/status.h"

namespace forage {

// How much a CookieJar holds. Memory is bounded by them: at most `total`
// cookies of at most `max_cookie_bytes` of name and value, 1024 bytes of
// path and a host name each.
struct CookieJarLimits {
  // Cookies per registrable domain (libpsl) of the cookie's domain: a new
  // one past it first drops that domain's expired cookies, then its
  // oldest-created.
  std::size_t per_domain = 50;
  // Cookies in all: past it, all expired cookies go, then the oldest-created.
  std::size_t total = 3000;
  // A cookie whose name and value together are longer is refused.
  std::size_t max_cookie_bytes = 4096;
};

// The cookies of one crawl, as a browser or curl keeps them: Set-Cookie
// headers in (RFC 6265 section 5.2 and 5.3, with RFC 6265bis's changes that
// browsers and curl apply), Cookie headers out (section 5.4), and the
// Netscape cookie file that curl's -b/-c and wget's --load-cookies and
// --save-cookies read and write.
//
// Owned by the master, which alone applies what fetchers report and
// computes the header of each request it hands out. Not thread-safe. Times
// are Unix seconds, passed in; a cookie whose expiry is at or before `now_s`
// is expired: never sent, never saved, dropped when met.
//
// Where RFC 6265 and its successor (draft-ietf-httpbis-rfc6265bis) differ,
// the jar follows 6265bis as browsers do: a Set-Cookie holding a control
// character other than a tab is refused; "Set-Cookie: v" (no "=") is a
// nameless cookie with value "v", sent back as "v"; a Secure cookie from
// http:// is refused, and so is a non-Secure one from http:// that would
// shadow a Secure cookie of the same name (draft "leave secure cookies
// alone"); the __Secure- and __Host- name prefixes (any case) are enforced;
// an attribute value over 1024 bytes is ignored, and so is a non-ASCII
// Domain; and an expiry further than 400 days away is cut to 400 days (as
// Chrome, and curl since 8.12, do).
class CookieJar {
 public:
  explicit CookieJar(CookieJarLimits limits = {});

  // Applies one Set-Cookie header value that `url` (the absolute http(s)
  // URL that answered) sent. True if it was applied: the cookie stored,
  // replacing one of the same name, domain and path (keeping the old one's
  // creation time), or, being already expired, deleting that one if there
  // was one. False if it was refused: neither a name nor a value, a control
  // character, name and value over max_cookie_bytes, a path over 1024 bytes,
  // a tab in name, value or path (the cookie file could not hold it), a
  // Domain the URL's host does not domain-match (an IP address only
  // matches itself), a Domain that is a public suffix ("co.uk"; unless it
  // is the host itself, which then gets a host-only cookie) or wider than
  // the host's registrable domain, a domain starting with "." (a host like
  // ".example.com"), Secure from http, a broken __Secure- or __Host- rule,
  // or a URL that is not http(s). Then `why`, if given, says which rule,
  // naming the cookie (its name, never its value); it is cleared otherwise.
  bool SetFromHeader(std::string_view url, std::string_view set_cookie, std::int64_t now_s,
                     std::string* why = nullptr);

  // The Cookie header value for a request to `url`, "" for none: the
  // unexpired cookies whose domain is the URL's host (host-only cookies) or
  // a domain the host domain-matches (domain cookies), whose path
  // path-matches the URL's path ("/foo" matches "/foo" and "/foo/bar", not
  // "/foobar"), and, if Secure, only over https (http://localhost is not
  // secure). Longer paths first, then earlier-created; "name=value" joined
  // by "; ". The host is compared as the URL parser gives it: lower case,
  // IDN labels in punycode. Expired cookies met are dropped. An empty jar
  // answers "" without parsing the URL.
  std::string HeaderFor(std::string_view url, std::int64_t now_s);

  // Adds the cookies of a Netscape cookie file, as curl writes it: one
  // cookie a line, seven fields separated by tabs (domain, TRUE when
  // subdomains are included, path, TRUE when secure, expiry in Unix seconds
  // or 0 for a session cookie, name, value), a "#HttpOnly_" prefix on
  // HttpOnly cookies, a leading "." on the domain dropped (curl writes one
  // on TRUE lines, and drops it on any), other lines starting with "#" and
  // blank lines skipped, "\r\n" line ends taken. Like curl, six fields are
  // taken as a line with no value, or, when the third field is TRUE or
  // FALSE, with no path ("/"). Domains are canonicalised as URL hosts (lower
  // case, IDN in punycode). The file's order is the creation order.
  // Expired cookies and those the jar would refuse (too big, a TRUE line for
  // a public suffix) are skipped; the rest replace cookies of the same name,
  // domain and path. A malformed line fails the whole load (nothing is
  // added) with InvalidArgument "where:LINE: what is wrong", never quoting a
  // value.
  Status Load(std::string_view text, std::string_view where, std::int64_t now_s);

  // The whole jar as a Netscape cookie file, with curl's header comment:
  // unexpired cookies in creation order, session cookies with expiry 0 (as
  // curl -c keeps them). Load of it gives a jar that saves the same bytes.
  std::string Save(std::int64_t now_s) const;

  // Cookies held, counting expired ones not dropped yet.
  std::size_t size() const { return cookies_.size(); }
  bool empty() const { return cookies_.empty(); }

  // Drops every expired cookie.
  void Expire(std::int64_t now_s);

 private:
  struct Cookie {
    std::string name;
    std::string value;
    std::string domain;  // a host: lower case, punycode
    std::string path;    // starts with "/"
    std::string site;    // registrable domain of `domain`: per_domain's group
    std::int64_t expiry_s = 0;
    bool persistent = false;  // false: a session cookie, never expired
    bool host_only = true;
    bool secure = false;
    bool http_only = false;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Ids of cookies, ascending (oldest first).
  using IdIndex =
      std::unordered_map<std::string, std::vector<std::uint64_t>, StringHash, std::equal_to<>>;

  static bool Expired(const Cookie& c, std::int64_t now_s) {
    return c.persistent && c.expiry_s <= now_s;
  }
  // The storage model's end: replaces or deletes a cookie of the same name,
  // domain and path, else inserts after making room. False if the limits
  // leave no room at all.
  bool Store(Cookie cookie, std::int64_t now_s);
  void MakeRoom(const std::string& site, std::int64_t now_s);
  void Remove(std::uint64_t id);
  // A Secure cookie that a non-Secure `cookie` from http:// would shadow.
  bool ShadowsSecure(const Cookie& cookie) const;

  CookieJarLimits limits_;
  std::uint64_t next_id_ = 1;
  // Every cookie, by id; ids grow with creation, so this is creation order.
  std::map<std::uint64_t, Cookie> cookies_;
  IdIndex by_domain_;  // cookie domain -> its cookies
  IdIndex by_site_;    // registrable domain -> its cookies
};

}  // namespace forage
